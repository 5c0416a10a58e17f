"""One notice for the public: its lots with their own assessments, and the history of the
procedure (every stored version, oldest first, with what each changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jobs.db import Database
from jobs.ingest.decide import changed_fields
from jobs.models import NoticeRow
from jobs.publish.filters import OPEN_TYPES
from jobs.publish.listing import Card, card_of
from jobs.rows import row_to_notice


@dataclass(frozen=True)
class LotView:
    lot_id: str
    title: str
    description: str
    value: Decimal | None
    currency: str | None
    deadline: datetime | None
    level: str | None
    score: int | None
    reasons: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Version:
    """One stored version of a procedure, oldest first, with what it changed."""

    id: int
    notice_type: str
    first_seen_at: datetime
    published_at: datetime | None
    deadline: datetime | None
    changed: tuple[str, ...]  # field names (decide.changed_fields), "cancelled" first


@dataclass(frozen=True)
class NoticeDetail:
    card: Card
    lots: tuple[LotView, ...]
    history: tuple[Version, ...]
    current_id: int  # the newest version (may differ from the one asked for)
    is_open: bool


MAX_CHAIN = 50


async def notice_detail(db: Database, notice_id: int, *, now: datetime) -> NoticeDetail | None:
    async with db.sessions() as s:
        row = await s.get(NoticeRow, notice_id, options=[selectinload(NoticeRow.lots)])
        if row is None:
            return None
        chain = {row.id: row}
        root = row
        while root.changes_notice_id is not None and root.changes_notice_id not in chain and len(chain) < MAX_CHAIN:
            parent = await s.get(NoticeRow, root.changes_notice_id, options=[selectinload(NoticeRow.lots)])
            if parent is None:
                break
            chain[parent.id] = parent
            root = parent
        frontier = [root.id]
        while frontier and len(chain) < MAX_CHAIN:
            children = (
                await s.scalars(
                    select(NoticeRow)
                    .where(NoticeRow.changes_notice_id.in_(frontier))
                    .options(selectinload(NoticeRow.lots))
                    .limit(MAX_CHAIN)
                )
            ).all()
            frontier = [c.id for c in children if c.id not in chain]
            chain.update({c.id: c for c in children})
        versions = sorted(chain.values(), key=lambda r: r.id)
        history = []
        previous: NoticeRow | None = None
        for v in versions:
            changed: list[str] = (
                changed_fields(row_to_notice(previous), row_to_notice(v)) if previous is not None else []
            )
            history.append(Version(v.id, v.notice_type, v.first_seen_at, v.published_at, v.deadline, tuple(changed)))
            previous = v
        current = versions[-1]
        lots = tuple(
            LotView(
                lot.lot_id,
                lot.title,
                lot.description,
                lot.value,
                lot.currency,
                lot.deadline,
                lot.level,
                lot.score,
                tuple(lot.reasons or ()),
            )
            for lot in row.lots
        )
        is_open = current.notice_type in OPEN_TYPES and current.deadline is not None and current.deadline > now
        return NoticeDetail(card_of(row, len(row.lots)), lots, tuple(history), current.id, is_open)
