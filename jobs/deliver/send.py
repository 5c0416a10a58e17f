"""The sender job: drain the outbox through the Notifier at Telegram's pace.

Crash-safe by construction: a row is claimed (status ``sending``, committed, with the
claiming worker's id) before it is sent and marked ``sent`` right after; a row left
``sending`` by a dead process goes back to ``pending`` within seconds of its heartbeat
stopping (jobs/deliver/workers.py), or at the latest when its lease expires, so only
messages in flight at a kill can repeat, and none is lost.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from jobs.config import DeliverySettings
from jobs.deliver.notify import Delivery, Notifier, Outcome, SendResult
from jobs.deliver.ratelimit import Limiter
from jobs.deliver.resolve import resolve_batch
from jobs.deliver.workers import current, release_claims, release_dead, unclaim
from jobs.models import OutboxRow, Subscriber
from jobs.runtime import Runtime
from jobs.status import OutboxKind, OutboxStatus, SubscriberStatus

log = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"
MAX_IN_FLIGHT = 8  # messages sent concurrently by one sender (see _InFlight)


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
    """Rows claimed by a sender that died: back to pending (they may repeat). Those of a dead
    worker at once; any claim older than the lease as the last resort."""
    released = await release_dead(rt)
    cutoff = rt.clock() - timedelta(seconds=rt.settings.delivery.lease_seconds)
    async with rt.db.sessions.begin() as s:
        res = await s.execute(release_claims(OutboxRow.claimed_at < cutoff))
    return released + int(res.rowcount or 0)  # type: ignore[attr-defined]


async def claim(rt: Runtime, limit: int) -> list[int]:
    """Claim due pending rows for this process (SKIP LOCKED on PostgreSQL)."""
    now = rt.clock()
    worker = current(rt)
    async with rt.db.sessions.begin() as s:
        q = (
            select(OutboxRow.id)
            .where(OutboxRow.status == OutboxStatus.PENDING, OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        if rt.db.is_postgres:
            q = q.with_for_update(skip_locked=True)
        ids = list((await s.scalars(q)).all())
        if ids:
            await s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.status == OutboxStatus.PENDING)
                .values(
                    status=OutboxStatus.SENDING,
                    claimed_at=now,
                    claimed_by=WORKER,
                    worker_id=worker.id if worker is not None else None,
                )
            )
    return ids


async def over_daily_cap(rt: Runtime, outbox_id: int) -> bool:
    """An instant notice alert beyond the subscriber's daily cap waits for the digest."""
    d = rt.settings.delivery
    since = local_midnight(rt.clock(), d.timezone)
    earlier = aliased(OutboxRow)
    sent_today = (
        select(func.count())
        .select_from(earlier)
        .where(
            earlier.subscriber_id == OutboxRow.subscriber_id,
            earlier.kind == OutboxKind.NOTICE,
            earlier.status == OutboxStatus.SENT,
            earlier.sent_at >= since,
        )
        .scalar_subquery()
    )
    q = (  # one round trip: the row's kind, its subscriber's cap and what they got today
        select(OutboxRow.kind, Subscriber.daily_cap, sent_today)
        .select_from(OutboxRow)
        .outerjoin(Subscriber, Subscriber.id == OutboxRow.subscriber_id)
        .where(OutboxRow.id == outbox_id)
    )
    async with rt.db.sessions() as s:
        found = (await s.execute(q)).one_or_none()
    if found is None or found[0] != "notice":
        return False
    return int(found[2] or 0) >= (found[1] or d.daily_cap)


async def record(rt: Runtime, outbox_id: int, result: SendResult, report: DrainReport) -> None:
    d = rt.settings.delivery
    now = rt.clock()
    if result.outcome is Outcome.SENT:  # the common case: one statement, committed by itself
        async with rt.db.autocommit.connect() as conn:
            done = await conn.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id)
                .values(status=OutboxStatus.SENT, sent_at=now, telegram_message_id=result.message_id, error=None)
            )
        if done.rowcount:
            report.sent += 1
        return
    async with rt.db.sessions.begin() as s:
        row = await s.get(OutboxRow, outbox_id)
        if row is None:
            return
        if result.outcome is Outcome.RETRY_AFTER:
            unclaim(row, OutboxStatus.PENDING)
            row.next_attempt_at = now + timedelta(seconds=result.retry_after or 1)
            report.rate_limited += 1
        elif result.outcome is Outcome.GONE:
            row.status, row.error = OutboxStatus.DROPPED, result.error
            sub = await s.get(Subscriber, row.subscriber_id)
            if sub is not None and sub.status not in (SubscriberStatus.STOPPED,):
                sub.status, sub.status_reason, sub.updated_at = SubscriberStatus.BLOCKED, result.error, now
            await s.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.subscriber_id == row.subscriber_id,
                    OutboxRow.status.in_((OutboxStatus.PENDING, OutboxStatus.DIGEST, OutboxStatus.HELD)),
                )
                .values(status=OutboxStatus.DROPPED, error="subscriber unreachable")
            )
            report.gone += 1
        elif result.outcome is Outcome.REJECTED:
            row.status, row.error = OutboxStatus.FAILED, result.error
            report.failed += 1
        else:  # TRANSIENT
            row.attempts += 1
            row.error = result.error
            if row.attempts >= d.max_attempts:
                unclaim(row, OutboxStatus.FAILED)
                report.failed += 1
            else:
                unclaim(row, OutboxStatus.PENDING)
                row.next_attempt_at = now + timedelta(seconds=retry_delay(row.attempts, d))
                report.retried += 1


async def set_status(rt: Runtime, outbox_id: int, status: str, error: str | None = None) -> None:
    async with rt.db.sessions.begin() as s:
        row = await s.get(OutboxRow, outbox_id)
        if row is not None:
            unclaim(row, status)
            if error:
                row.error = error


async def drain_outbox(
    rt: Runtime, notifier: Notifier, limiter: Limiter, *, max_rounds: int | None = None
) -> DrainReport:
    """Send every due message; returns when nothing due is left (or after max_rounds)."""
    report = DrainReport()
    await release_stale(rt)
    in_flight = _InFlight()
    try:
        rounds = 0
        while max_rounds is None or rounds < max_rounds:
            rounds += 1
            ids = await claim(rt, rt.settings.delivery.batch_size)
            if not ids:
                break
            await _send_batch(rt, notifier, limiter, ids, report, in_flight)
    finally:
        errors = await in_flight.finish()
    if errors:
        raise errors[0]
    return report


async def _send_batch(
    rt: Runtime, notifier: Notifier, limiter: Limiter, ids: list[int], report: DrainReport, in_flight: _InFlight
) -> None:
    queue: deque[tuple[int, Delivery]] = deque()
    for oid, delivery, why in await resolve_batch(rt, ids):
        if delivery is None:
            if why:
                await set_status(rt, oid, why, "subscriber not active" if why == OutboxStatus.DROPPED else None)
            continue
        queue.append((oid, delivery))
    lease = _Lease(rt)
    while queue:
        pick = _next_to_send(queue, limiter)
        oid, delivery = queue[pick]
        del queue[pick]
        # the chat's previous message is recorded first: order per chat, and an exact daily cap
        await in_flight.wait_for_chat(delivery.chat_id)
        if delivery.kind == OutboxKind.NOTICE and await over_daily_cap(rt, oid):
            await set_status(rt, oid, OutboxStatus.DIGEST)
            report.to_digest += 1
            continue
        await rt.foreground.yield_to()  # a person waiting for a reply goes first (priority.py)
        await in_flight.wait_for_room()
        await limiter.acquire(delivery.chat_id)
        if not await lease.holds(oid, queue):
            continue  # held too long (a long 429 pause): the row went back to the queue
        in_flight.start(delivery.chat_id, _send_one(rt, notifier, limiter, lease, queue, oid, delivery, report))


def _next_to_send(queue: deque[tuple[int, Delivery]], limiter: Limiter) -> int:
    """Index of the message to send next: the first whose chat may get one now, else the one
    whose chat is free soonest. Ties go to the earlier, so one chat's messages keep their order."""
    best, best_wait = 0, float("inf")
    for i, (_, delivery) in enumerate(queue):
        wait = limiter.wait_for_chat(delivery.chat_id)
        if wait <= 0:
            return i
        if wait < best_wait:
            best, best_wait = i, wait
    return best


async def _send_one(
    rt: Runtime,
    notifier: Notifier,
    limiter: Limiter,
    lease: _Lease,
    queue: deque[tuple[int, Delivery]],
    oid: int,
    delivery: Delivery,
    report: DrainReport,
) -> None:
    """Send one claimed message whose slot the limiter granted, and record the result."""
    try:
        result = await notifier.deliver(delivery)
    except Exception as e:  # the notifier should classify, but never lose the row
        log.exception("notifier failed on outbox row %s", oid)
        result = SendResult(Outcome.TRANSIENT, error=f"{type(e).__name__}: {e}")
    await limiter.answered(delivery.chat_id)
    if result.outcome is Outcome.RETRY_AFTER:
        limiter.pause(result.retry_after or 1.0)
        # retry this very row after the pause (later messages to the chat wait for it)
        report.rate_limited += 1
        await limiter.acquire(delivery.chat_id)
        if not await lease.holds(oid, queue):
            return
        result = await _deliver(notifier, delivery)
        await limiter.answered(delivery.chat_id)
    await record(rt, oid, result, report)


async def _deliver(notifier: Notifier, delivery: Delivery) -> SendResult:
    try:
        return await notifier.deliver(delivery)
    except Exception as e:
        return SendResult(Outcome.TRANSIENT, error=f"{type(e).__name__}: {e}")


class _InFlight:
    """Messages on their way: up to ``MAX_IN_FLIGHT`` are sent and recorded concurrently.

    Sending one message after another caps the rate at one per round trip (Bot API call
    + recording it): 40 ms at 25/s is less than a real round trip to Telegram. The
    limiter still decides when each message may start; here they overlap. A kill can
    repeat at most the messages in flight, as before, now up to ``MAX_IN_FLIGHT``.
    """

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[None]] = set()
        self.by_chat: dict[int, asyncio.Task[None]] = {}
        self.errors: list[BaseException] = []

    def start(self, chat_id: int, send: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(send)
        self.tasks.add(task)
        self.by_chat[chat_id] = task
        task.add_done_callback(lambda t: self._done(chat_id, t))

    def _done(self, chat_id: int, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if self.by_chat.get(chat_id) is task:
            del self.by_chat[chat_id]
        if not task.cancelled() and task.exception() is not None:
            self.errors.append(task.exception())  # type: ignore[arg-type]

    async def wait_for_chat(self, chat_id: int) -> None:
        task = self.by_chat.get(chat_id)
        if task is not None:
            await asyncio.wait([task])

    async def wait_for_room(self) -> None:
        while len(self.tasks) >= MAX_IN_FLIGHT:
            await asyncio.wait(set(self.tasks), return_when=asyncio.FIRST_COMPLETED)

    async def finish(self) -> list[BaseException]:
        """Wait for every message on its way; the errors they raised (e.g. the database)."""
        while self.tasks:
            await asyncio.wait(set(self.tasks))
        return self.errors


class _Lease:
    """Keeps this process's claim on a batch fresh while it sends.

    Another process releases rows whose claim is older than ``lease_seconds``, or whose worker
    stopped its heartbeat (their sender died). A live sender slowed down by long 429 pauses must
    not look dead: every third of the lease it renews the claim on the rows it still has, and
    drops any it no longer holds; so it does before each message while its own heartbeat is late
    (``Worker.fresh``), when others may have taken its rows back.
    """

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.every = rt.settings.delivery.lease_seconds / 3
        self.renewed = time.monotonic()
        self.worker = current(rt)

    async def holds(self, oid: int, queue: deque[tuple[int, Delivery]]) -> bool:
        late = self.worker is not None and not self.worker.fresh()
        if time.monotonic() - self.renewed < self.every and not late:
            return True
        ids = [oid, *(i for i, _ in queue)]
        async with self.rt.db.sessions.begin() as s:
            held = set(
                (
                    await s.scalars(
                        update(OutboxRow)
                        .where(
                            OutboxRow.id.in_(ids),
                            OutboxRow.status == OutboxStatus.SENDING,
                            OutboxRow.claimed_by == WORKER,
                        )
                        .values(claimed_at=self.rt.clock())
                        .returning(OutboxRow.id)
                    )
                ).all()
            )
        self.renewed = time.monotonic()
        lost = [i for i in ids if i not in held]
        if lost:
            log.warning("lost the claim on outbox rows %s (lease expired); another sender has them", lost)
            kept = [item for item in queue if item[0] in held]
            queue.clear()
            queue.extend(kept)
        return oid in held


async def run_sender(rt: Runtime, notifier: Notifier, limiter: Limiter, stop: asyncio.Event) -> None:
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
