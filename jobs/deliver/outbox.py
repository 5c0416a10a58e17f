"""Turning stored notices into outbox rows, in the same transaction as the store.

Orchestration over the pure matcher (``match.py``): load the subscriptions,
index them, match each new notice that is still open (``jobs.notice.is_open``:
a notice whose deadline has passed is never announced as new), and add one
outbox row per recipient. A
change (corrigendum, cancellation, new version) goes to everyone who got the
original, as a reply to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from jobs.categories import prefix_table, source_categories
from jobs.config import DeliverySettings, Settings
from jobs.deliver.match import MatchNotice, Subscription, SubscriptionIndex, categories_to_prefixes
from jobs.models import NoticeRow, OutboxRow, Subscriber
from jobs.notice import is_open
from jobs.rows import row_to_notice
from jobs.runtime import Announce
from jobs.status import DeliveryMode, OutboxKind, OutboxStatus, SubscriberStatus

ACTIVE_FOR_MATCHING = (SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED)
NOTICE_KINDS = (OutboxKind.NOTICE,)


@dataclass
class EnqueueResult:
    notices: int = 0  # outbox rows for new notices
    changes: int = 0  # outbox rows telling about changes
    closed: int = 0  # new notices not announced because their deadline had passed
    recipients: set[int] = field(default_factory=set)


def subscription_of(sub: Subscriber, prefixes: Mapping[str, Sequence[str]]) -> Subscription:
    return Subscription(
        id=sub.id,
        cpv_prefixes=categories_to_prefixes(sub.categories or (), prefixes),
        keywords=tuple(sub.keywords or ()),
        max_value_dkk=sub.max_value_dkk,
        min_level=sub.min_level,
        since=sub.subscribed_at,
        categories=tuple(sub.categories or ()),
    )


def match_notice_of(row: NoticeRow, source_categories: Mapping[str, Sequence[str]] | None = None) -> MatchNotice:
    cpv = list(row.cpv or ())
    texts = [row.title, row.description]
    for lot in row.lots:
        cpv.extend(c for c in (lot.cpv or ()) if c not in cpv)
        texts.append(lot.title)
    return MatchNotice(
        id=row.id,
        text=" ".join(t for t in texts if t),
        cpv=tuple(cpv),
        value_dkk=row.value_dkk,
        level=row.level,
        first_seen_at=row.first_seen_at,
        baseline=row.baseline,
        categories=tuple((source_categories or {}).get(row.source, ())),
    )


async def load_subscribers(session: AsyncSession) -> list[Subscriber]:
    return list((await session.scalars(select(Subscriber).where(Subscriber.status.in_(ACTIVE_FOR_MATCHING)))).all())


def initial_status(sub: Subscriber) -> OutboxStatus:
    """Where a new alert starts: sent now, kept for the digest, or held while paused."""
    if sub.status == SubscriberStatus.PAUSED:
        return OutboxStatus.HELD
    return OutboxStatus.PENDING if sub.delivery == DeliveryMode.INSTANT else OutboxStatus.DIGEST


async def enqueue_notices(
    session: AsyncSession,
    new_ids: Sequence[int],
    changed_ids: Sequence[int],
    *,
    now: datetime,
    prefixes: Mapping[str, Sequence[str]],
    delivery: DeliverySettings,
    source_categories: Mapping[str, Sequence[str]] | None = None,
) -> EnqueueResult:
    """Add outbox rows for freshly stored notices (the caller's transaction commits)."""
    result = EnqueueResult()
    if not new_ids and not changed_ids:
        return result
    subs = await load_subscribers(session) if new_ids else []
    if not subs:
        new_ids = []  # nobody to match: do not load the notices for nothing
    if not new_ids and not changed_ids:
        return result
    rows = {
        r.id: r
        for r in (
            await session.scalars(
                select(NoticeRow)
                .where(NoticeRow.id.in_([*new_ids, *changed_ids]))
                .options(selectinload(NoticeRow.lots))
            )
        ).all()
    }
    if new_ids:
        by_id = {s.id: s for s in subs}
        index = SubscriptionIndex.build(subscription_of(s, prefixes) for s in subs)
        for nid in new_ids:
            row = rows[nid]
            if not is_open(row_to_notice(row), now):  # never push a closed notice as new
                result.closed += 1
                continue
            for sid in index.match(match_notice_of(row, source_categories)):
                session.add(
                    OutboxRow(
                        **new_message(
                            sid, OutboxKind.NOTICE, str(nid), now, notice_id=nid, status=initial_status(by_id[sid])
                        )
                    )
                )
                result.notices += 1
                result.recipients.add(sid)
    for cid in changed_ids:
        result.changes += await _enqueue_change(session, rows[cid], now=now, delivery=delivery)
    await session.flush()
    return result


def make_announce(settings: Settings) -> Announce:
    """Delivery's fan-out as ingestion calls it, inside the transaction that stored the notices."""
    prefixes = prefix_table(settings)
    by_source = source_categories(settings)

    async def announce(
        session: AsyncSession, new_ids: Sequence[int], changed_ids: Sequence[int], now: datetime
    ) -> EnqueueResult:
        return await enqueue_notices(
            session,
            new_ids,
            changed_ids,
            now=now,
            prefixes=prefixes,
            delivery=settings.delivery,
            source_categories=by_source,
        )

    return announce


async def root_of(session: AsyncSession, row: NoticeRow) -> NoticeRow:
    """The first notice of a chain of changes (guarded against cycles)."""
    seen = {row.id}
    while row.changes_notice_id is not None and row.changes_notice_id not in seen:
        parent = await session.get(NoticeRow, row.changes_notice_id)
        if parent is None:
            break
        seen.add(parent.id)
        row = parent
    return row


async def _enqueue_change(
    session: AsyncSession, change: NoticeRow, *, now: datetime, delivery: DeliverySettings
) -> int:
    if change.baseline:
        return 0
    root = await root_of(session, change)
    if root.id == change.id:
        return 0
    originals = (
        await session.scalars(
            select(OutboxRow).where(
                OutboxRow.kind == OutboxKind.NOTICE,
                OutboxRow.notice_id == root.id,
                OutboxRow.status.in_(
                    (
                        OutboxStatus.PENDING,
                        OutboxStatus.SENDING,
                        OutboxStatus.SENT,
                        OutboxStatus.DIGEST,
                        OutboxStatus.HELD,
                        OutboxStatus.DIGESTED,
                    )
                ),
            )
        )
    ).all()
    count = 0
    for orig in originals:
        status = (
            OutboxStatus.PENDING
            if orig.status in (OutboxStatus.SENT, OutboxStatus.SENDING, OutboxStatus.PENDING)
            else orig.status
        )
        payload = {"original_outbox_id": orig.id, "root_notice_id": root.id}
        session.add(
            OutboxRow(
                **new_message(
                    orig.subscriber_id,
                    OutboxKind.CHANGE,
                    str(change.id),
                    now,
                    notice_id=change.id,
                    payload=payload,
                    status=OutboxStatus(status),
                )
            )
        )
        count += 1
    await _follow_reminders(session, change, root, now=now, delivery=delivery)
    return count


async def _follow_reminders(
    session: AsyncSession, change: NoticeRow, root: NoticeRow, *, now: datetime, delivery: DeliverySettings
) -> None:
    """Reminders follow the deadline; a cancelled procedure needs none."""
    if change.notice_type == "cancellation":
        await session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.kind == OutboxKind.REMINDER,
                OutboxRow.notice_id == root.id,
                OutboxRow.status == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.DROPPED, error="procedure cancelled")
        )
    elif change.deadline is not None:
        remind_at = change.deadline - timedelta(days=delivery.reminder_days)
        await session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.kind == OutboxKind.REMINDER,
                OutboxRow.notice_id == root.id,
                OutboxRow.status == OutboxStatus.PENDING,
            )
            .values(next_attempt_at=max(remind_at, now), payload={"deadline": change.deadline.isoformat()})
        )


def new_message(
    subscriber_id: int,
    kind: OutboxKind,
    ref: str,
    now: datetime,
    *,
    notice_id: int | None = None,
    payload: dict[str, Any] | None = None,
    status: OutboxStatus = OutboxStatus.PENDING,
    due: datetime | None = None,
) -> dict[str, Any]:
    """The column values of a new outbox row: the one place a message to a chat is made.

    ``OutboxRow(**new_message(...))`` for one row, ``insert(OutboxRow)`` with a list of them
    in bulk. (subscriber, kind, ref) is unique: the same message is never queued twice.
    """
    return {
        "subscriber_id": subscriber_id,
        "kind": str(kind),
        "ref": ref,
        "notice_id": notice_id,
        "payload": payload or {},
        "status": str(status),
        "attempts": 0,
        "next_attempt_at": due or now,
        "created_at": now,
    }
