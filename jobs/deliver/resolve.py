"""Resolving a claimed outbox row into the ``Delivery`` the notifier sends.

Reads only: the row, its subscriber, its notice (with lots), what changed since the
notice it amends, and the Telegram message a change or reminder replies to. Whether a
row may go at all (a stopped or paused subscriber) is decided here too; sending and
recording the result is ``send.py``'s.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from jobs.db import Database
from jobs.deliver.notify import Delivery, NoticeView
from jobs.ingest.decide import changed_fields
from jobs.models import NoticeRow, OutboxRow, Subscriber
from jobs.rows import row_to_notice
from jobs.runtime import Runtime
from jobs.status import OutboxKind, OutboxStatus, SubscriberStatus

PERSONAL_KINDS = (OutboxKind.ADVICE, OutboxKind.DIRECTORY, OutboxKind.HEADSUP)  # sent even after /stop


async def resolve_batch(rt: Runtime, ids: list[int]) -> list[tuple[int, Delivery | None, str | None]]:
    """``resolve`` for a whole claimed batch in one session.

    The rows, their subscribers and their notices (with lots) are loaded first with one
    query each, so resolving a plain alert costs no further round trip: the batch is
    ready in a few milliseconds instead of several per row, and sending starts at once.
    """
    async with rt.db.sessions() as s:
        rows = (await s.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids)))).all()
        sub_ids = {r.subscriber_id for r in rows}
        notice_ids = {r.notice_id for r in rows if r.notice_id is not None}
        # held in locals: the session's identity map only keeps objects someone references
        subs = (await s.scalars(select(Subscriber).where(Subscriber.id.in_(sub_ids)))).all() if sub_ids else []
        notices = (
            (
                await s.scalars(
                    select(NoticeRow).where(NoticeRow.id.in_(notice_ids)).options(selectinload(NoticeRow.lots))
                )
            ).all()
            if notice_ids
            else []
        )
        out = [(oid, *await _resolve(s, oid)) for oid in ids]
        del rows, subs, notices
        return out


async def _notice_with_lots(s: AsyncSession, notice_id: object) -> NoticeRow | None:
    """A notice row with its lots; no query when the session already holds it.

    Every notice row of a resolving session is loaded this way (lots included), so a
    row found in the identity map never needs a lazy load."""
    return await s.get(NoticeRow, notice_id, options=[selectinload(NoticeRow.lots)])


async def _resolve(s: AsyncSession, outbox_id: int) -> tuple[Delivery | None, str | None]:
    row = await s.get(OutboxRow, outbox_id)
    if row is None or row.status != OutboxStatus.SENDING:
        return None, None
    sub = await s.get(Subscriber, row.subscriber_id)
    # what is personal reaches a chat even after /stop: an answer to its own question, the
    # review of its directory profile, a heads-up about a purchase it was matched to
    if sub is None or sub.status == SubscriberStatus.BLOCKED or (
        sub.status == SubscriberStatus.STOPPED and row.kind not in PERSONAL_KINDS
    ):
        return None, "dropped"
    if sub.status == SubscriberStatus.PAUSED and row.kind in (
        OutboxKind.NOTICE,
        OutboxKind.CHANGE,
        OutboxKind.REMINDER,
        OutboxKind.DIGEST,
    ):
        return None, "held"
    notice = notices = None
    reply_to = None
    if row.notice_id is not None:
        nrow = await _notice_with_lots(s, row.notice_id)
        if nrow is None:
            return None, "dropped"
        changed: list[str] = []
        if row.kind == OutboxKind.CHANGE and nrow.changes_notice_id is not None:
            prev = await _notice_with_lots(s, nrow.changes_notice_id)
            if prev is not None:
                changed = changed_fields(row_to_notice(prev), row_to_notice(nrow))
        notice = notice_view(nrow, changed)
    original = None
    if row.kind in (OutboxKind.CHANGE, OutboxKind.REMINDER) and row.notice_id is not None:
        reply_to = await _original_message_id(s, row)
    if row.kind == OutboxKind.CHANGE:
        root_id = (row.payload or {}).get("root_notice_id")
        root = await _notice_with_lots(s, root_id) if root_id is not None else None
        original = notice_view(root) if root is not None else None
    if row.kind == OutboxKind.DIGEST:
        ids = [int(i) for i in (row.payload or {}).get("notice_ids", [])]
        nrows = (
            await s.scalars(select(NoticeRow).where(NoticeRow.id.in_(ids)).options(selectinload(NoticeRow.lots)))
        ).all()
        by_id = {r.id: r for r in nrows}
        notices = [notice_view(by_id[i]) for i in ids if i in by_id]
    return (
        Delivery(
            outbox_id=row.id,
            kind=row.kind,
            chat_id=sub.chat_id,
            language=sub.language,
            notice=notice,
            notices=notices or [],
            payload=dict(row.payload or {}),
            reply_to_message_id=reply_to,
            original=original,
        ),
        None,
    )


async def _original_message_id(s: object, row: OutboxRow) -> int | None:
    root_id = (row.payload or {}).get("root_notice_id", row.notice_id)
    q = select(OutboxRow.telegram_message_id).where(
        OutboxRow.subscriber_id == row.subscriber_id,
        OutboxRow.kind == OutboxKind.NOTICE,
        OutboxRow.notice_id == root_id,
        OutboxRow.status == OutboxStatus.SENT,
    )
    return (await s.execute(q)).scalar_one_or_none()  # type: ignore[attr-defined]


async def stored_notice(db: Database, notice_id: int) -> NoticeView | None:
    """A stored notice with its assessment and lots, as a message shows it (None if gone)."""
    async with db.sessions() as s:
        row = await _notice_with_lots(s, notice_id)
        return notice_view(row) if row is not None else None


def notice_view(row: NoticeRow, changed: list[str] | None = None) -> NoticeView:
    """A stored notice with its assessment, as messages need it (lots must be loaded)."""
    return NoticeView(
        row_id=row.id,
        notice=row_to_notice(row),
        score=row.score,
        level=row.level,
        reasons=list(row.reasons or []),
        lots=[
            {
                "lot_id": lot.lot_id,
                "title": lot.title,
                "level": lot.level,
                "score": lot.score,
                "reasons": lot.reasons or [],
                "value": str(lot.value) if lot.value is not None else None,
                "currency": lot.currency,
            }
            for lot in row.lots
        ],
        changed=changed or [],
    )
