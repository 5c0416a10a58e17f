"""The states and kinds stored in the tables, as StrEnums (equal to the strings the database holds)."""

from __future__ import annotations

from enum import StrEnum


class SubscriberStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # alerts are held for the next digest
    BLOCKED = "blocked"  # Telegram said the chat is gone (403, chat not found)
    STOPPED = "stopped"  # unsubscribed with /stop


class DeliveryMode(StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


class OutboxKind(StrEnum):
    NOTICE = "notice"  # a new notice that matched
    CHANGE = "change"  # a change of a notice the subscriber got (a reply to it)
    REMINDER = "reminder"  # a deadline is near
    DIGEST = "digest"  # several waiting notices in one message
    BROADCAST = "broadcast"  # staff to many
    ADVICE = "advice"  # an advisor's answer
    DIRECTORY = "directory"  # about the chat's directory profile (approved, rejected)
    HEADSUP = "headsup"  # staff tell a listed enterprise about a planned purchase
    TEXT = "text"  # plain text (payload["text"])


class OutboxStatus(StrEnum):
    PENDING = "pending"  # due at next_attempt_at
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"
    FAILED = "failed"  # rejected, or out of attempts
    DROPPED = "dropped"  # the subscriber is gone or stopped
    DIGEST = "digest"  # waits for the subscriber's next digest
    HELD = "held"  # waits while the subscriber is paused
    DIGESTED = "digested"  # went out inside a digest


FINISHED = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED, OutboxStatus.DIGESTED)


class BroadcastStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class AdviceStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
