"""Digests: collect a subscriber's waiting alerts into one message at their hour."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from jobs.config import DeliverySettings
from jobs.deliver.outbox import new_message
from jobs.models import NoticeRow, OutboxRow, Subscriber
from jobs.notice import is_open
from jobs.rows import row_to_notice
from jobs.runtime import Runtime
from jobs.status import DeliveryMode, OutboxKind, OutboxStatus, SubscriberStatus

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def digest_slot(mode: str, hour: int, weekly_day: str, now: datetime, tz: str) -> datetime | None:
    """The latest digest time at or before ``now`` for this subscriber (pure)."""
    local = now.astimezone(ZoneInfo(tz))
    slot = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if mode == DeliveryMode.WEEKLY:
        back = (local.weekday() - WEEKDAYS.index(weekly_day)) % 7
        slot -= timedelta(days=back)
        if slot > local:
            slot -= timedelta(days=7)
    elif slot > local:
        slot -= timedelta(days=1)
    return slot


def digest_due(mode: str, hour: int, weekly_day: str, last_digest_at: datetime | None, now: datetime, tz: str) -> bool:
    slot = digest_slot(mode, hour, weekly_day, now, tz)
    return slot is not None and (last_digest_at is None or last_digest_at < slot)


async def build_digests(rt: Runtime) -> int:
    """Create digest outbox rows for subscribers whose digest time has come."""
    d: DeliverySettings = rt.settings.delivery
    now = rt.clock()
    created = 0
    async with rt.db.sessions.begin() as s:
        waiting = (
            await s.execute(
                select(OutboxRow.subscriber_id, OutboxRow.id, OutboxRow.notice_id)
                .where(OutboxRow.status == OutboxStatus.DIGEST, OutboxRow.kind == OutboxKind.NOTICE)
                .order_by(OutboxRow.subscriber_id, OutboxRow.id)
            )
        ).all()
        by_sub: dict[int, list[tuple[int, int]]] = {}
        for sid, oid, nid in waiting:
            if nid is not None:
                by_sub.setdefault(sid, []).append((oid, nid))
        for sid, items in by_sub.items():
            sub = await s.get(Subscriber, sid)
            if sub is None or sub.status != SubscriberStatus.ACTIVE:
                continue
            mode = DeliveryMode.WEEKLY if sub.delivery == DeliveryMode.WEEKLY else DeliveryMode.DAILY
            if not digest_due(mode, sub.digest_hour, d.weekly_digest_day, sub.last_digest_at, now, d.timezone):
                continue
            items = await _drop_closed(s, items, now)
            if not items:
                continue
            day = now.astimezone(ZoneInfo(d.timezone)).date().isoformat()
            for part, start in enumerate(range(0, len(items), d.digest_max_items)):
                chunk = items[start : start + d.digest_max_items]
                payload = {
                    "notice_ids": [nid for _, nid in chunk],
                    "part": part + 1,
                    "parts": (len(items) + d.digest_max_items - 1) // d.digest_max_items,
                }
                s.add(OutboxRow(**new_message(sid, OutboxKind.DIGEST, f"{day}:{chunk[0][0]}", now, payload=payload)))
                for oid, _ in chunk:
                    row = await s.get(OutboxRow, oid)
                    if row is not None:
                        row.status = OutboxStatus.DIGESTED
                created += 1
            sub.last_digest_at = now
    return created


async def _drop_closed(s: AsyncSession, items: list[tuple[int, int]], now: datetime) -> list[tuple[int, int]]:
    """Alerts waiting for a digest whose notice has closed since are dropped, not sent as new."""
    rows = (
        await s.scalars(
            select(NoticeRow).where(NoticeRow.id.in_({nid for _, nid in items})).options(selectinload(NoticeRow.lots))
        )
    ).all()
    closed = {r.id for r in rows if not is_open(row_to_notice(r), now)}
    if not closed:
        return items
    for oid, nid in items:
        if nid in closed:
            row = await s.get(OutboxRow, oid)
            if row is not None:
                row.status, row.error = OutboxStatus.DROPPED, "deadline passed before the digest"
    return [(oid, nid) for oid, nid in items if nid not in closed]
