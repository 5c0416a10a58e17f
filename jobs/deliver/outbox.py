"""Turning stored notices into outbox rows, in the same transaction as the store.

Orchestration over the pure matcher (``match.py``) as set work: the subscription index
comes from ``audience.py`` (cached between polls), the new notices are read a chunk at a
time (only the columns matching reads), each one that is still open is matched
(``jobs.notice.is_open``: a notice whose deadline has passed is never announced as new),
and the outbox rows are inserted in bulk as they are produced (``RowWriter``), so memory
does not grow with the number of notices or rows. A change (corrigendum, cancellation,
new version) goes to everyone who got the original, as a reply to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.categories import prefix_table, source_categories
from jobs.config import DeliverySettings, Settings
from jobs.deliver.audience import Audience, AudienceCache
from jobs.deliver.match import MatchNotice
from jobs.models import LotRow, NoticeRow, OutboxRow
from jobs.notice import Lot, Notice, NoticeType, is_open
from jobs.status import OutboxKind, OutboxStatus

NOTICE_KINDS = (OutboxKind.NOTICE,)
NOTICE_CHUNK = 500  # new notices loaded and matched at a time
ROW_CHUNK = 5000  # outbox rows inserted at a time (one executemany)
# What matching and the open check read of a new notice and of its lots.
NOTICE_COLUMNS = (
    NoticeRow.id,
    NoticeRow.source,
    NoticeRow.title,
    NoticeRow.description,
    NoticeRow.cpv,
    NoticeRow.value_dkk,
    NoticeRow.level,
    NoticeRow.first_seen_at,
    NoticeRow.baseline,
    NoticeRow.deadline,
    NoticeRow.notice_type,
)
LOT_COLUMNS = (LotRow.notice_id, LotRow.lot_id, LotRow.title, LotRow.cpv, LotRow.deadline)
# Rows go in through the table, not the mapped class: the ORM's bulk path costs a third more.
OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]


@dataclass
class EnqueueResult:
    notices: int = 0  # outbox rows for new notices
    changes: int = 0  # outbox rows telling about changes
    closed: int = 0  # new notices not announced because their deadline had passed
    recipients: set[int] = field(default_factory=set)


def match_notice_of(
    row: Any, source_categories: Mapping[str, Sequence[str]] | None = None, lots: Sequence[Any] | None = None
) -> MatchNotice:
    """What matching reads of a stored notice: an ORM row (its ``lots`` loaded) or a row of
    ``NOTICE_COLUMNS`` with its rows of ``LOT_COLUMNS``."""
    cpv = list(row.cpv or ())
    texts = [row.title, row.description]
    for lot in row.lots if lots is None else lots:
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


def still_open(row: Any, lots: Sequence[Any], now: datetime) -> bool:
    """``jobs.notice.is_open`` of a row of ``NOTICE_COLUMNS`` and its lots."""
    notice = Notice(
        source=row.source,
        id="",
        title="",
        lots=tuple(Lot(lot_id=lot.lot_id, deadline=lot.deadline) for lot in lots),
        deadline=row.deadline,
        notice_type=NoticeType(row.notice_type),
    )
    return is_open(notice, now)


class RowWriter:
    """Outbox rows inserted with one executemany per ``ROW_CHUNK`` as they are produced,
    so a fan-out never holds more than one chunk of them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.pending: list[dict[str, Any]] = []
        self.written = 0

    async def add(self, values: dict[str, Any]) -> None:
        self.pending.append(values)
        if len(self.pending) >= ROW_CHUNK:
            await self.flush()

    async def flush(self) -> None:
        if self.pending:
            await self.session.execute(insert(OUTBOX), self.pending)
            self.written += len(self.pending)
            self.pending = []


async def new_notice_chunks(session: AsyncSession, ids: Sequence[int]) -> AsyncIterator[list[tuple[Any, list[Any]]]]:
    """The new notices (``NOTICE_COLUMNS``) with their lots, ``NOTICE_CHUNK`` at a time, in
    the order of ``ids``."""
    for i in range(0, len(ids), NOTICE_CHUNK):
        chunk = ids[i : i + NOTICE_CHUNK]
        rows = {r.id: r for r in await session.execute(select(*NOTICE_COLUMNS).where(NoticeRow.id.in_(chunk)))}
        lots: dict[int, list[Any]] = defaultdict(list)
        q = select(*LOT_COLUMNS).where(LotRow.notice_id.in_(chunk)).order_by(LotRow.notice_id, LotRow.position)
        for lot in await session.execute(q):
            lots[lot.notice_id].append(lot)
        yield [(rows[nid], lots[nid]) for nid in chunk]


async def enqueue_notices(
    session: AsyncSession,
    new_ids: Sequence[int],
    changed_ids: Sequence[int],
    *,
    now: datetime,
    prefixes: Mapping[str, Sequence[str]],
    delivery: DeliverySettings,
    source_categories: Mapping[str, Sequence[str]] | None = None,
    audiences: AudienceCache | None = None,
) -> EnqueueResult:
    """Add outbox rows for freshly stored notices (the caller's transaction commits).

    ``audiences``: the cached subscription index to use (``make_announce`` keeps one);
    without it the index is built for this call.
    """
    result = EnqueueResult()
    writer = RowWriter(session)
    if new_ids:
        audience = await (audiences or AudienceCache(prefixes)).get(session)
        if audience.start:  # nobody to match: do not load the notices for nothing
            await _enqueue_new(session, writer, new_ids, audience, now, source_categories, result)
    await writer.flush()  # a change in the same poll finds the alerts of its original
    for cid in changed_ids:
        change = await session.get(NoticeRow, cid)
        if change is not None:
            result.changes += await _enqueue_change(session, writer, change, now=now, delivery=delivery)
    await writer.flush()
    return result


async def _enqueue_new(
    session: AsyncSession,
    writer: RowWriter,
    new_ids: Sequence[int],
    audience: Audience,
    now: datetime,
    source_categories: Mapping[str, Sequence[str]] | None,
    result: EnqueueResult,
) -> None:
    async for chunk in new_notice_chunks(session, new_ids):
        for row, lots in chunk:
            if not still_open(row, lots, now):  # never push a closed notice as new
                result.closed += 1
                continue
            nid, ref = row.id, str(row.id)
            for sid in audience.index.match(match_notice_of(row, source_categories, lots)):
                await writer.add(
                    new_message(sid, OutboxKind.NOTICE, ref, now, notice_id=nid, status=audience.start[sid])
                )
                result.notices += 1
                result.recipients.add(sid)


class Fanout:
    """Delivery's fan-out as ingestion calls it (``Runtime.announce``), inside the
    transaction that stored the notices; keeps the subscription index between polls."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.source_categories = source_categories(settings)
        self.audiences = AudienceCache(prefix_table(settings))

    async def __call__(
        self, session: AsyncSession, new_ids: Sequence[int], changed_ids: Sequence[int], now: datetime
    ) -> EnqueueResult:
        return await enqueue_notices(
            session,
            new_ids,
            changed_ids,
            now=now,
            prefixes=self.audiences.prefixes,
            delivery=self.settings.delivery,
            source_categories=self.source_categories,
            audiences=self.audiences,
        )


def make_announce(settings: Settings) -> Fanout:
    return Fanout(settings)


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
    session: AsyncSession, writer: RowWriter, change: NoticeRow, *, now: datetime, delivery: DeliverySettings
) -> int:
    if change.baseline:
        return 0
    root = await root_of(session, change)
    if root.id == change.id:
        return 0
    originals = await session.execute(
        select(OutboxRow.id, OutboxRow.subscriber_id, OutboxRow.status).where(
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
    count = 0
    ref = str(change.id)
    for orig_id, subscriber_id, orig_status in originals:
        status = (
            OutboxStatus.PENDING
            if orig_status in (OutboxStatus.SENT, OutboxStatus.SENDING, OutboxStatus.PENDING)
            else orig_status
        )
        payload = {"original_outbox_id": orig_id, "root_notice_id": root.id}
        await writer.add(
            new_message(
                subscriber_id,
                OutboxKind.CHANGE,
                ref,
                now,
                notice_id=change.id,
                payload=payload,
                status=OutboxStatus(status),
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
