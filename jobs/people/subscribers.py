"""Subscriber actions the bot calls: subscribe, change settings, feedback, reminders.

Each function is one unit of work in its own transaction; validation happens
before (``preferences.py``) so that invalid input changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Executable, Interval, and_, bindparam, exists, func, literal, or_, select, update

from jobs.db import Database
from jobs.deliver.audience import subscription_of
from jobs.deliver.match import SubscriptionIndex
from jobs.deliver.outbox import LOT_COLUMNS, NOTICE_COLUMNS, match_notice_of, new_message, root_of
from jobs.models import Dialogue, Feedback, LotRow, NoticeRow, OutboxRow, Subscriber
from jobs.status import DeliveryMode, OutboxKind, OutboxStatus, SubscriberStatus

SETTABLE = {"categories", "keywords", "max_value_dkk", "min_level", "delivery", "digest_hour", "language"}


@dataclass(frozen=True)
class Profile:
    chat_id: int
    user_id: int | None
    name: str
    username: str | None
    language: str


async def get_subscriber(db: Database, chat_id: int) -> Subscriber | None:
    """A chat's subscriber, in one statement without a transaction around it (one round trip
    instead of three)."""
    async with db.single() as s:
        return (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id))).one_or_none()


@dataclass(frozen=True)
class Arrival:
    """What an update from ``user_id`` in ``chat_id`` finds: the chat's subscriber (None: not
    subscribed) and whether the bot waits for an answer from that user there (a dialogue row,
    open or expired: ``jobs.people.dialogue``)."""

    subscriber: Subscriber | None
    awaited: bool


async def look_up(db: Database, chat_id: int, user_id: int) -> Arrival:
    """The chat's subscriber and whether an answer is awaited, in one statement without a
    transaction: read on every Telegram update, so that a command clears, and a plain
    message takes, what the bot waited for only when there is something (most updates have
    nothing waiting: one round trip instead of two)."""
    async with db.single() as s:
        row = (await s.execute(_LOOK_UP, {"chat_id": chat_id, "user_id": user_id})).one()
    subscriber, awaited = row
    return Arrival(subscriber, bool(awaited))


def _look_up() -> Executable:
    """``look_up``'s statement, built once (its parameters bound at each call): one row even
    when the chat has no subscriber, from a one-row subquery joined to the subscriber."""
    chat, user = bindparam("chat_id", type_=BigInteger), bindparam("user_id", type_=BigInteger)
    awaited = exists().where(Dialogue.chat_id == chat, Dialogue.user_id == user).label("awaited")
    one = select(literal(1).label("one")).subquery()
    return select(Subscriber, awaited).select_from(one).outerjoin(Subscriber, Subscriber.chat_id == chat)


_LOOK_UP = _look_up()


def new_subscriber(
    profile: Profile, now: datetime, *, status: str = SubscriberStatus.ACTIVE, reason: str | None = None
) -> Subscriber:
    """A subscriber row for a chat, with the default settings."""
    return Subscriber(**subscriber_values(profile, now, status=status, reason=reason))


def subscriber_values(
    profile: Profile, now: datetime, *, status: str = SubscriberStatus.ACTIVE, reason: str | None = None
) -> dict[str, Any]:
    """The columns of a new subscriber of a chat, with the default settings."""
    return {
        "chat_id": profile.chat_id,
        "user_id": profile.user_id,
        "name": profile.name[:200],
        "username": profile.username,
        "language": profile.language,
        "status": status,
        "status_reason": reason,
        "delivery": DeliveryMode.INSTANT,
        "digest_hour": 8,
        "min_level": "possible",
        "categories": [],
        "keywords": [],
        "subscribed_at": now,
        "created_at": now,
        "updated_at": now,
    }


async def changed_at(s: Any, now: datetime) -> datetime:
    """The ``updated_at`` of a subscription changed at ``now``: ``now``, or just after the
    newest change on record when the clock says otherwise (a fixed clock in tests, another
    process's clock running ahead). Every change thus raises the newest ``updated_at``,
    which the fan-out's cached index watches (``jobs.deliver.audience.fingerprint``)."""
    newest = await s.scalar(select(func.max(Subscriber.updated_at)))
    return now if newest is None or now > newest else newest + timedelta(microseconds=1)


async def subscribe(db: Database, profile: Profile, now: datetime) -> tuple[Subscriber, bool]:
    """Create or re-activate the subscriber of a chat; returns (subscriber, created).

    A new chat is one ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: on PostgreSQL one
    statement that commits by itself (a burst of people starting at once costs each of them
    one round trip instead of five), on SQLite in a transaction with ``changed_at``. A chat
    that has a subscriber, also one created by another process a moment ago, is updated."""
    if db.is_postgres:
        created = await _insert_new_pg(db, profile, now)
        if created is not None:
            return created, True
    async with db.sessions.begin() as s:
        stamp = await changed_at(s, now)
        if not db.is_postgres:  # PostgreSQL tried the insert above
            values = subscriber_values(profile, now) | {"updated_at": stamp}
            insert = db.insert(Subscriber).values(**values).on_conflict_do_nothing(index_elements=[Subscriber.chat_id])
            created = (await s.scalars(insert.returning(Subscriber))).one_or_none()
            if created is not None:
                return created, True
        sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == profile.chat_id))).one()
        if sub.status in (SubscriberStatus.STOPPED, SubscriberStatus.BLOCKED):
            sub.status, sub.status_reason, sub.subscribed_at = SubscriberStatus.ACTIVE, None, now
        sub.name, sub.username, sub.updated_at = profile.name[:200], profile.username, stamp
        return sub, False


async def _insert_new_pg(db: Database, profile: Profile, now: datetime) -> Subscriber | None:
    """A new chat's subscriber in one statement, its ``updated_at`` as ``changed_at`` gives it,
    computed in the statement: the later of ``now`` and just after the newest on record.
    None when the chat has a subscriber already."""
    newest = select(func.max(Subscriber.updated_at)).scalar_subquery()
    just_after = newest + literal(timedelta(microseconds=1), Interval())
    stamp = func.greatest(literal(now, Subscriber.updated_at.type), just_after, type_=Subscriber.updated_at.type)
    values = subscriber_values(profile, now) | {"updated_at": stamp}
    insert = db.insert(Subscriber).values(**values).on_conflict_do_nothing(index_elements=[Subscriber.chat_id])
    async with db.single() as s:
        return (await s.scalars(insert.returning(Subscriber))).one_or_none()


async def update_settings(db: Database, chat_id: int, now: datetime, **changes: Any) -> Subscriber | None:
    unknown = set(changes) - SETTABLE
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    async with db.sessions.begin() as s:
        sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id))).one_or_none()
        if sub is None:
            return None
        for key, value in changes.items():
            setattr(sub, key, value)
        sub.updated_at = await changed_at(s, now)
        return sub


async def set_category(db: Database, chat_id: int, key: str, chosen: bool, now: datetime) -> Subscriber | None:
    """Choose (``chosen``) or drop one category, as the button pressed says: setting a state,
    not flipping it, so a press repeated (a double tap) changes nothing the second time. The
    row is locked on PostgreSQL, so two presses at once on different categories both count."""
    async with db.sessions.begin() as s:
        q = select(Subscriber).where(Subscriber.chat_id == chat_id).with_for_update()
        sub = (await s.scalars(q)).one_or_none()
        if sub is None:
            return None
        current = list(sub.categories or [])
        wanted = [*current, key] if chosen and key not in current else current
        if not chosen:
            wanted = [c for c in current if c != key]
        if wanted != current:
            sub.categories, sub.updated_at = wanted, await changed_at(s, now)
        return sub


async def set_status(db: Database, chat_id: int, status: str, now: datetime) -> Subscriber | None:
    """pause / resume / stop. Resuming moves alerts held during the pause into the next digest."""
    async with db.sessions.begin() as s:
        sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id))).one_or_none()
        if sub is None:
            return None
        sub.status, sub.updated_at = status, await changed_at(s, now)
        if status == SubscriberStatus.ACTIVE:
            await s.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.subscriber_id == sub.id,
                    OutboxRow.status == OutboxStatus.HELD,
                    OutboxRow.kind == OutboxKind.NOTICE,
                )
                .values(status=OutboxStatus.DIGEST)
            )
        if status == SubscriberStatus.STOPPED:
            await s.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.subscriber_id == sub.id,
                    OutboxRow.status.in_((OutboxStatus.PENDING, OutboxStatus.DIGEST, OutboxStatus.HELD)),
                    OutboxRow.kind.in_((OutboxKind.NOTICE, OutboxKind.CHANGE, OutboxKind.REMINDER, OutboxKind.DIGEST)),
                )
                .values(status=OutboxStatus.DROPPED, error="unsubscribed")
            )
        return sub


RECEIVED = (OutboxStatus.SENT, OutboxStatus.DIGESTED)  # an alert sent, or taken into a digest


async def received(db: Database, chat_id: int, notice_id: int) -> bool:
    """Did this chat get this notice (so it may act on it)?

    Only a message that went out counts: an alert held during a pause, waiting for the
    digest or still queued is not received (found by tests/test_fuzz_updates.py).
    """
    async with db.sessions() as s:
        q = (
            select(OutboxRow.id)
            .join(Subscriber, Subscriber.id == OutboxRow.subscriber_id)
            .where(Subscriber.chat_id == chat_id, OutboxRow.notice_id == notice_id, OutboxRow.status.in_(RECEIVED))
            .limit(1)
        )
        return (await s.scalar(q)) is not None


async def record_feedback(db: Database, chat_id: int, notice_id: int, relevant: bool, now: datetime) -> bool:
    async with db.sessions.begin() as s:
        sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id))).one_or_none()
        notice = await s.get(NoticeRow, notice_id)
        if sub is None or notice is None:
            return False
        fb = (
            await s.scalars(select(Feedback).where(Feedback.subscriber_id == sub.id, Feedback.notice_id == notice_id))
        ).one_or_none()
        if fb is None:
            s.add(
                Feedback(
                    subscriber_id=sub.id, notice_id=notice_id, relevant=relevant, level=notice.level, created_at=now
                )
            )
        else:
            fb.relevant, fb.created_at = relevant, now
        return True


@dataclass(frozen=True)
class ReminderResult:
    status: str  # "scheduled", "exists", "no_deadline", "too_late", "unknown"
    remind_at: datetime | None = None
    deadline: datetime | None = None


async def add_reminder(db: Database, chat_id: int, notice_id: int, now: datetime, days: int) -> ReminderResult:
    async with db.sessions.begin() as s:
        sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id))).one_or_none()
        notice = await s.get(NoticeRow, notice_id)
        if sub is None or notice is None:
            return ReminderResult("unknown")
        root = await root_of(s, notice)
        latest = await _latest_deadline(s, root.id) or root.deadline
        if latest is None:
            return ReminderResult("no_deadline")
        if latest <= now:
            return ReminderResult("too_late", deadline=latest)
        remind_at = max(latest - timedelta(days=days), now + timedelta(minutes=1))
        exists = (
            await s.scalars(
                select(OutboxRow).where(
                    OutboxRow.subscriber_id == sub.id,
                    OutboxRow.kind == OutboxKind.REMINDER,
                    OutboxRow.ref == str(root.id),
                )
            )
        ).one_or_none()
        if exists is not None:
            return ReminderResult("exists", exists.next_attempt_at, latest)
        s.add(
            OutboxRow(
                **new_message(
                    sub.id,
                    OutboxKind.REMINDER,
                    str(root.id),
                    now,
                    notice_id=root.id,
                    payload={"deadline": latest.isoformat()},
                    due=remind_at,
                )
            )
        )
        return ReminderResult("scheduled", remind_at, latest)


async def _latest_deadline(s: Any, root_id: int) -> datetime | None:
    """The deadline of the newest change to a notice, if any has one."""
    q = (
        select(NoticeRow.deadline)
        .where(NoticeRow.changes_notice_id == root_id, NoticeRow.deadline.is_not(None))
        .order_by(NoticeRow.id.desc())
        .limit(1)
    )
    return (await s.execute(q)).scalar_one_or_none()


OPEN_PAGE = 200


async def open_notices(s: Any, now: datetime) -> AsyncIterator[tuple[Any, list[Any]]]:
    """Open competition notices by deadline (``NOTICE_COLUMNS`` and their ``LOT_COLUMNS``),
    read a page at a time: the caller usually stops after a few, and there may be tens of
    thousands."""
    after: tuple[datetime, int] | None = None
    while True:
        q = select(*NOTICE_COLUMNS).where(NoticeRow.deadline > now, NoticeRow.notice_type == "competition")
        if after is not None:
            d, i = after
            q = q.where(or_(NoticeRow.deadline > d, and_(NoticeRow.deadline == d, NoticeRow.id > i)))
        page = (await s.execute(q.order_by(NoticeRow.deadline, NoticeRow.id).limit(OPEN_PAGE))).all()
        if not page:
            return
        lots: dict[int, list[Any]] = defaultdict(list)
        lq = select(*LOT_COLUMNS).where(LotRow.notice_id.in_([r.id for r in page]))
        for lot in await s.execute(lq.order_by(LotRow.notice_id, LotRow.position)):
            lots[lot.notice_id].append(lot)
        for row in page:
            yield row, lots[row.id]
        after = (page[-1].deadline, page[-1].id)


async def queue_open_notices(
    db: Database,
    chat_id: int,
    now: datetime,
    prefixes: Mapping[str, Sequence[str]],
    limit: int = 10,
    source_categories: Mapping[str, Sequence[str]] | None = None,
) -> int:
    """'Show me the open ones': send matching notices whose deadline is still ahead.

    Unlike new alerts this ignores when the user subscribed (and the silent
    baseline), because the user asked. Already sent notices are not repeated.
    """
    async with db.sessions.begin() as s:
        sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id))).one_or_none()
        if sub is None:
            return 0
        index = SubscriptionIndex.build([replace(subscription_of(sub, prefixes), since=None)])
        have = set(
            (
                await s.scalars(
                    select(OutboxRow.notice_id).where(
                        OutboxRow.subscriber_id == sub.id, OutboxRow.kind == OutboxKind.NOTICE
                    )
                )
            ).all()
        )
        queued = 0
        async for row, lots in open_notices(s, now):
            if queued >= limit:
                break
            notice = replace(match_notice_of(row, source_categories, lots), baseline=False)
            if row.id in have or not index.match(notice):
                continue
            s.add(OutboxRow(**new_message(sub.id, OutboxKind.NOTICE, str(row.id), now, notice_id=row.id)))
            queued += 1
        return queued
