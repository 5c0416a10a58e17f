"""The sender job: drain the outbox through the Notifier at Telegram's pace.

Crash-safe by construction: a row is claimed (status ``sending``, committed)
before it is sent and marked ``sent`` right after; a row left ``sending`` by a
dead process goes back to ``pending`` when its lease expires, so only messages
in flight at a kill can repeat, and none is lost.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from jobs.config import DeliverySettings
from jobs.models import NoticeRow, OutboxRow, Subscriber
from jobs.notify import Delivery, NoticeView, Notifier, Outcome, SendResult
from jobs.ratelimit import RateLimiter
from jobs.rows import row_to_notice
from jobs.runtime import Runtime

log = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    gone: int = 0
    failed: int = 0
    to_digest: int = 0
    rate_limited: int = 0
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int, settings: DeliverySettings) -> float:
    return min(settings.retry_max_seconds, settings.retry_base_seconds * (2 ** max(0, attempts - 1)))


def local_midnight(now: datetime, tz: str) -> datetime:
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


async def release_stale(rt: Runtime) -> int:
    """Rows claimed by a sender that died: back to pending (they may repeat)."""
    cutoff = rt.clock() - timedelta(seconds=rt.settings.delivery.lease_seconds)
    async with rt.db.sessions.begin() as s:
        res = await s.execute(
            update(OutboxRow)
            .where(OutboxRow.status == "sending", OutboxRow.claimed_at < cutoff)
            .values(status="pending", claimed_at=None, claimed_by=None)
        )
    return int(res.rowcount or 0)  # type: ignore[attr-defined]


async def claim(rt: Runtime, limit: int) -> list[int]:
    """Claim due pending rows for this process (SKIP LOCKED on PostgreSQL)."""
    now = rt.clock()
    async with rt.db.sessions.begin() as s:
        q = (
            select(OutboxRow.id)
            .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        if rt.db.is_postgres:
            q = q.with_for_update(skip_locked=True)
        ids = list((await s.scalars(q)).all())
        if ids:
            await s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.status == "pending")
                .values(status="sending", claimed_at=now, claimed_by=WORKER)
            )
    return ids


async def _view(s: object, row: NoticeRow, changed: list[str] | None = None) -> NoticeView:
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


async def resolve(rt: Runtime, outbox_id: int) -> tuple[Delivery | None, str | None]:
    """Build the Delivery of a claimed row, or say why it cannot go (status, reason)."""
    async with rt.db.sessions() as s:
        row = await s.get(OutboxRow, outbox_id)
        if row is None or row.status != "sending":
            return None, None
        sub = await s.get(Subscriber, row.subscriber_id)
        if sub is None or sub.status in ("blocked", "stopped"):
            return None, "dropped"
        if sub.status == "paused" and row.kind in ("notice", "change", "reminder", "digest"):
            return None, "held"
        notice = notices = None
        reply_to = None
        if row.notice_id is not None:
            nrow = (
                await s.scalars(
                    select(NoticeRow).where(NoticeRow.id == row.notice_id).options(selectinload(NoticeRow.lots))
                )
            ).one_or_none()
            if nrow is None:
                return None, "dropped"
            changed: list[str] = []
            if row.kind == "change":
                changed = await _changed_fields(s, nrow)
            notice = await _view(s, nrow, changed)
        original = None
        if row.kind in ("change", "reminder") and row.notice_id is not None:
            reply_to = await _original_message_id(s, row)
        if row.kind == "change":
            root_id = (row.payload or {}).get("root_notice_id")
            root = (
                await s.scalars(select(NoticeRow).where(NoticeRow.id == root_id).options(selectinload(NoticeRow.lots)))
            ).one_or_none()
            original = await _view(s, root) if root is not None else None
        if row.kind == "digest":
            ids = [int(i) for i in (row.payload or {}).get("notice_ids", [])]
            nrows = (
                await s.scalars(select(NoticeRow).where(NoticeRow.id.in_(ids)).options(selectinload(NoticeRow.lots)))
            ).all()
            by_id = {r.id: r for r in nrows}
            notices = [await _view(s, by_id[i]) for i in ids if i in by_id]
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


async def _changed_fields(s: object, change: NoticeRow) -> list[str]:
    from jobs.decide import MATERIAL_FIELDS

    if change.changes_notice_id is None:
        return []
    prev = await s.get(NoticeRow, change.changes_notice_id)  # type: ignore[attr-defined]
    if prev is None:
        return []
    out = []
    for name in MATERIAL_FIELDS:
        if name == "lots":
            continue
        if getattr(prev, name) != getattr(change, name) and name != "notice_type":
            out.append(name)
    if change.notice_type == "cancellation":
        out.insert(0, "cancelled")
    return out


async def _original_message_id(s: object, row: OutboxRow) -> int | None:
    root_id = (row.payload or {}).get("root_notice_id", row.notice_id)
    q = select(OutboxRow.telegram_message_id).where(
        OutboxRow.subscriber_id == row.subscriber_id,
        OutboxRow.kind == "notice",
        OutboxRow.notice_id == root_id,
        OutboxRow.status == "sent",
    )
    return (await s.execute(q)).scalar_one_or_none()  # type: ignore[attr-defined]


async def over_daily_cap(rt: Runtime, outbox_id: int) -> bool:
    """An instant notice alert beyond the subscriber's daily cap waits for the digest."""
    d = rt.settings.delivery
    async with rt.db.sessions() as s:
        row = await s.get(OutboxRow, outbox_id)
        if row is None or row.kind != "notice":
            return False
        sub = await s.get(Subscriber, row.subscriber_id)
        cap = (sub.daily_cap if sub and sub.daily_cap else None) or d.daily_cap
        since = local_midnight(rt.clock(), d.timezone)
        sent = await s.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(
                OutboxRow.subscriber_id == row.subscriber_id,
                OutboxRow.kind == "notice",
                OutboxRow.status == "sent",
                OutboxRow.sent_at >= since,
            )
        )
        return int(sent or 0) >= cap


async def record(rt: Runtime, outbox_id: int, result: SendResult, report: DrainReport) -> None:
    d = rt.settings.delivery
    now = rt.clock()
    async with rt.db.sessions.begin() as s:
        row = await s.get(OutboxRow, outbox_id)
        if row is None:
            return
        if result.outcome is Outcome.SENT:
            row.status, row.sent_at, row.telegram_message_id = "sent", now, result.message_id
            row.error = None
            report.sent += 1
        elif result.outcome is Outcome.RETRY_AFTER:
            row.status, row.claimed_at, row.claimed_by = "pending", None, None
            row.next_attempt_at = now + timedelta(seconds=result.retry_after or 1)
            report.rate_limited += 1
        elif result.outcome is Outcome.GONE:
            row.status, row.error = "dropped", result.error
            sub = await s.get(Subscriber, row.subscriber_id)
            if sub is not None and sub.status not in ("stopped",):
                sub.status, sub.status_reason, sub.updated_at = "blocked", result.error, now
            await s.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.subscriber_id == row.subscriber_id,
                    OutboxRow.status.in_(("pending", "digest", "held")),
                )
                .values(status="dropped", error="subscriber unreachable")
            )
            report.gone += 1
        elif result.outcome is Outcome.REJECTED:
            row.status, row.error = "failed", result.error
            report.failed += 1
        else:  # TRANSIENT
            row.attempts += 1
            row.error = result.error
            row.claimed_at = row.claimed_by = None
            if row.attempts >= d.max_attempts:
                row.status = "failed"
                report.failed += 1
            else:
                row.status = "pending"
                row.next_attempt_at = now + timedelta(seconds=retry_delay(row.attempts, d))
                report.retried += 1


async def set_status(rt: Runtime, outbox_id: int, status: str, error: str | None = None) -> None:
    async with rt.db.sessions.begin() as s:
        row = await s.get(OutboxRow, outbox_id)
        if row is not None:
            row.status, row.claimed_at, row.claimed_by = status, None, None
            if error:
                row.error = error


async def drain_outbox(
    rt: Runtime, notifier: Notifier, limiter: RateLimiter, *, max_rounds: int | None = None
) -> DrainReport:
    """Send every due message; returns when nothing due is left (or after max_rounds)."""
    report = DrainReport()
    await release_stale(rt)
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        ids = await claim(rt, rt.settings.delivery.batch_size)
        if not ids:
            break
        await _send_batch(rt, notifier, limiter, ids, report)
    return report


async def _send_batch(
    rt: Runtime, notifier: Notifier, limiter: RateLimiter, ids: list[int], report: DrainReport
) -> None:
    queue: deque[tuple[int, Delivery]] = deque()
    for oid in ids:
        delivery, why = await resolve(rt, oid)
        if delivery is None:
            if why:
                await set_status(rt, oid, why, "subscriber not active" if why == "dropped" else None)
            continue
        queue.append((oid, delivery))
    stalls = 0
    while queue:
        oid, delivery = queue.popleft()
        wait = limiter.wait_for_chat(delivery.chat_id)
        if wait > 0 and stalls < len(queue):
            queue.append((oid, delivery))  # let other chats go first
            stalls += 1
            continue
        stalls = 0
        if delivery.kind == "notice" and await over_daily_cap(rt, oid):
            await set_status(rt, oid, "digest")
            report.to_digest += 1
            continue
        await limiter.acquire(delivery.chat_id)
        try:
            result = await notifier.deliver(delivery)
        except Exception as e:  # the notifier should classify, but never lose the row
            log.exception("notifier failed on outbox row %s", oid)
            result = SendResult(Outcome.TRANSIENT, error=f"{type(e).__name__}: {e}")
        if result.outcome is Outcome.RETRY_AFTER:
            limiter.pause(result.retry_after or 1.0)
            # retry this very row after the pause, in order
            result = await _retry_after_pause(limiter, notifier, delivery, report)
        await record(rt, oid, result, report)


async def _retry_after_pause(
    limiter: RateLimiter, notifier: Notifier, delivery: Delivery, report: DrainReport
) -> SendResult:
    report.rate_limited += 1
    await limiter.acquire(delivery.chat_id)
    try:
        return await notifier.deliver(delivery)
    except Exception as e:
        return SendResult(Outcome.TRANSIENT, error=f"{type(e).__name__}: {e}")


async def run_sender(rt: Runtime, notifier: Notifier, limiter: RateLimiter, stop: asyncio.Event) -> None:
    """Drain continuously until ``stop`` is set (the bot's long-running sender task)."""
    while not stop.is_set():
        try:
            await drain_outbox(rt, notifier, limiter)
        except Exception:
            log.exception("sender round failed; retrying")
        try:
            await asyncio.wait_for(stop.wait(), timeout=rt.settings.delivery.tick_seconds)
        except TimeoutError:
            pass
