"""The engine's only way out to people: a Notifier protocol that ``bot`` implements.

The engine never imports Telegram. It hands the notifier a ``Delivery`` (what
to say, to whom, in which language) and gets back a ``SendResult`` saying what
happened, in terms the outbox understands.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from jobs.notice import Notice

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # flood control: pause all sending for retry_after seconds
    GONE = "gone"  # blocked by the user, chat not found: deactivate, never retry
    REJECTED = "rejected"  # a permanent error for this message (bad request): do not retry
    TRANSIENT = "transient"  # network error, 5xx: retry with backoff


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class NoticeView:
    """A stored notice with its assessment, as a message needs it."""

    row_id: int
    notice: Notice
    score: int | None
    level: str | None
    reasons: list[dict[str, Any]]
    lots: list[dict[str, Any]] = field(default_factory=list)  # per-lot level/score/reasons
    changed: list[str] = field(default_factory=list)  # material fields changed (for changes)


@dataclass(frozen=True)
class Delivery:
    """One outbox row, resolved: everything needed to render and send it."""

    outbox_id: int
    kind: str  # notice change reminder digest broadcast advice text
    chat_id: int
    language: str
    notice: NoticeView | None = None
    notices: list[NoticeView] = field(default_factory=list)  # digest entries
    payload: dict[str, Any] = field(default_factory=dict)
    reply_to_message_id: int | None = None  # the original alert (changes, reminders)
    original: NoticeView | None = None  # for changes: the notice as first sent


class Notifier(Protocol):
    async def alert_staff(self, text: str) -> None:
        """Tell the staff something needs attention (a source keeps failing, ...)."""

    async def deliver(self, delivery: Delivery) -> SendResult:
        """Render and send one message; never raise for Telegram errors, classify them."""


class LogNotifier:
    """Notifier for runs without Telegram: staff alerts and messages go to the log."""

    def __init__(self) -> None:
        self.alerts: list[str] = []
        self.delivered: list[Delivery] = []

    async def alert_staff(self, text: str) -> None:
        self.alerts.append(text)
        log.warning("staff alert: %s", text)

    async def deliver(self, delivery: Delivery) -> SendResult:
        self.delivered.append(delivery)
        log.info("would send %s to chat %s", delivery.kind, delivery.chat_id)
        return SendResult(Outcome.SENT, message_id=len(self.delivered))
