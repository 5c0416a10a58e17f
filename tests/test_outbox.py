"""Matching → outbox → sender, against real databases, through the Notifier boundary."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from jobs.config import DeliverySettings
from jobs.db import Database
from jobs.deliver.digest import build_digests
from jobs.deliver.notify import Delivery, Outcome, SendResult
from jobs.deliver.outbox import enqueue_notices
from jobs.deliver.ratelimit import RateLimiter
from jobs.deliver.send import claim, drain_outbox
from jobs.ingest.parse import parse_document
from jobs.ingest.store import store_notices
from jobs.models import OutboxRow, Subscriber
from jobs.people.subscribers import Profile, set_status, subscribe, update_settings
from tests.helpers import Clock, fixture_bytes, make_runtime, settings_with

OPEN = "eforms/sdk-examples/cn_24_open.xml"
CHANGE = "eforms/sdk-examples/change-cn_24_open_dates.xml"
MULTI = "eforms/sdk-examples/cn_24_multilingual.xml"
# Before the fixtures' deadlines (MULTI closes 3 Feb 2020): a closed notice is never sent as new.
START = datetime(2020, 1, 20, 9, 0, tzinfo=UTC)


class RecordingNotifier:
    """The Notifier boundary: records deliveries, answers with scripted outcomes."""

    def __init__(self, script: Callable[[Delivery], SendResult] | None = None) -> None:
        self.delivered: list[Delivery] = []
        self.alerts: list[str] = []
        self.script = script

    async def alert_staff(self, text: str) -> None:
        self.alerts.append(text)

    async def deliver(self, delivery: Delivery) -> SendResult:
        self.delivered.append(delivery)
        if self.script is not None:
            return self.script(delivery)
        return SendResult(Outcome.SENT, message_id=1000 + len(self.delivered))


def fast_limiter() -> RateLimiter:
    return RateLimiter(1000, 0.0)


async def ingest(rt, rel: str, *, source: str = "src") -> list[int]:  # type: ignore[no-untyped-def]
    notices = parse_document(fixture_bytes(rel), source=source).notices
    async with rt.db.sessions.begin() as s:
        res = await store_notices(s, source, notices, now=rt.clock(), money=rt.settings.money)
        await enqueue_notices(
            s, res.new, res.changed, now=rt.clock(), prefixes={"it": ("72",)}, delivery=rt.settings.delivery
        )
    return res.new + res.changed


async def outbox(db: Database) -> list[OutboxRow]:
    async with db.sessions() as s:
        return list((await s.scalars(select(OutboxRow).order_by(OutboxRow.id))).all())


async def add_sub(rt, chat: int, **settings: object) -> None:  # type: ignore[no-untyped-def]
    await subscribe(rt.db, Profile(chat, chat, f"Firma {chat}", None, "da"), rt.clock())
    if settings:
        await update_settings(rt.db, chat, rt.clock(), **settings)


async def test_alert_sent_once_and_only_to_matching(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        await add_sub(rt, 1, categories=["it"])  # cn_24_multilingual is IT services (CPV 72...)
        await add_sub(rt, 2, keywords=["rengøring"])
        await add_sub(rt, 3, categories=["it"])
        await set_status(rt.db, 3, "stopped", clock())
        clock.advance(minutes=1)
        [nid] = await ingest(rt, MULTI)
        rows = await outbox(db)
        assert [(r.kind, r.notice_id, r.status) for r in rows] == [("notice", nid, "pending")]
        notifier = RecordingNotifier()
        report = await drain_outbox(rt, notifier, fast_limiter())
        assert report.sent == 1
        assert [d.chat_id for d in notifier.delivered] == [1]
        assert notifier.delivered[0].notice is not None
        assert notifier.delivered[0].notice.notice.title.startswith("Levering af IT-tjenester")
        again = await drain_outbox(rt, notifier, fast_limiter())
        assert again.sent == 0 and len(notifier.delivered) == 1
        [row] = await outbox(db)
        assert row.status == "sent" and row.telegram_message_id == 1001


async def test_new_subscriber_gets_no_older_notices(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        await ingest(rt, MULTI)
        clock.advance(minutes=5)
        await add_sub(rt, 1, categories=["it"])
        assert await outbox(db) == []


async def test_kill_between_claim_and_send_loses_nothing(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        for chat in range(1, 6):
            await add_sub(rt, chat)
        clock.advance(minutes=1)
        await ingest(rt, MULTI)
        claimed = await claim(rt, 3)  # a sender claims three rows ... and dies
        assert len(claimed) == 3
        notifier = RecordingNotifier()
        first = await drain_outbox(rt, notifier, fast_limiter())
        assert first.sent == 2  # the two unclaimed ones; the claimed ones wait for their lease
        clock.advance(seconds=rt.settings.delivery.lease_seconds + 1)
        second = await drain_outbox(rt, notifier, fast_limiter())
        assert second.sent == 3
        assert sorted(d.chat_id for d in notifier.delivered) == [1, 2, 3, 4, 5]
        assert {r.status for r in await outbox(db)} == {"sent"}


async def test_blocked_user_is_deactivated_and_transient_errors_retry(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        await add_sub(rt, 1)
        await add_sub(rt, 2)
        clock.advance(minutes=1)
        await ingest(rt, MULTI)
        calls = {"n": 0}

        def script(d: Delivery) -> SendResult:
            if d.chat_id == 1:
                return SendResult(Outcome.GONE, error="Forbidden: bot was blocked by the user")
            calls["n"] += 1
            if calls["n"] == 1:
                return SendResult(Outcome.TRANSIENT, error="502 Bad Gateway")
            return SendResult(Outcome.SENT, message_id=7)

        notifier = RecordingNotifier(script)
        report = await drain_outbox(rt, notifier, fast_limiter())
        assert (report.gone, report.retried, report.sent) == (1, 1, 0)
        async with db.sessions() as s:
            blocked = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == 1))).one()
            assert blocked.status == "blocked" and "blocked" in (blocked.status_reason or "")
        clock.advance(seconds=rt.settings.delivery.retry_base_seconds + 1)
        report = await drain_outbox(rt, notifier, fast_limiter())
        assert report.sent == 1
        statuses = {r.subscriber_id: (r.status, r.attempts) for r in await outbox(db)}
        assert sorted(statuses.values()) == [("dropped", 0), ("sent", 1)]
        # a later notice is not even queued for the blocked chat
        await ingest(rt, OPEN)
        assert [r.status for r in await outbox(db) if r.notice_id and r.kind == "notice"].count("pending") == 1


async def test_daily_cap_overflow_goes_to_the_digest(db: Database) -> None:
    clock = Clock(START)  # 09:00 UTC = 10:00 in Copenhagen
    settings = dataclasses.replace(settings_with(), delivery=DeliverySettings(daily_cap=1, digest_hour=8))
    async with make_runtime(db, settings, clock=clock) as rt:
        await add_sub(rt, 1)
        clock.advance(minutes=1)
        await ingest(rt, MULTI)
        await ingest(rt, OPEN)
        notifier = RecordingNotifier()
        report = await drain_outbox(rt, notifier, fast_limiter())
        assert (report.sent, report.to_digest) == (1, 1)
        # the digest hour today has passed and no digest was sent yet: it goes now
        assert await build_digests(rt) == 1
        report = await drain_outbox(rt, notifier, fast_limiter())
        assert report.sent == 1
        digest = notifier.delivered[-1]
        assert digest.kind == "digest" and len(digest.notices) == 1
        rows = await outbox(db)
        assert sorted(r.status for r in rows) == ["digested", "sent", "sent"]
        assert await build_digests(rt) == 0  # nothing left, nothing twice


async def test_change_reaches_recipients_as_reply(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        await add_sub(rt, 1)
        clock.advance(minutes=1)
        await ingest(rt, OPEN)
        notifier = RecordingNotifier()
        await drain_outbox(rt, notifier, fast_limiter())
        original_msg = notifier.delivered[0]
        clock.advance(hours=1)
        await ingest(rt, CHANGE)
        await drain_outbox(rt, notifier, fast_limiter())
        change = notifier.delivered[-1]
        assert change.kind == "change"
        assert change.reply_to_message_id == 1001
        assert change.notice is not None and change.notice.notice.notice_type == "change"
        assert original_msg.chat_id == change.chat_id == 1
        async with db.sessions() as s:
            n = await s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.kind == "change"))
        assert n == 1


async def test_paused_subscriber_gets_held_alerts_in_a_digest_after_resume(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        await add_sub(rt, 1)
        await set_status(rt.db, 1, "paused", clock())
        clock.advance(minutes=1)
        await ingest(rt, MULTI)
        notifier = RecordingNotifier()
        await drain_outbox(rt, notifier, fast_limiter())
        assert notifier.delivered == []
        assert [r.status for r in await outbox(db)] == ["held"]
        await set_status(rt.db, 1, "active", clock())
        clock.advance(days=1)
        assert await build_digests(rt) == 1
        await drain_outbox(rt, notifier, fast_limiter())
        assert [d.kind for d in notifier.delivered] == ["digest"]


async def test_rate_limiter_paces_globally_per_chat_and_pauses() -> None:
    t = {"now": 0.0}
    slept: list[float] = []

    async def fake_sleep(s: float) -> None:
        slept.append(s)
        t["now"] += s

    lim = RateLimiter(10, 1.0, monotonic=lambda: t["now"], sleep=fake_sleep)
    for chat in range(20):
        await lim.acquire(chat)
    assert 1.8 <= t["now"] <= 2.0  # 20 messages at 10/s
    start = t["now"]
    await lim.acquire(5)
    await lim.acquire(5)
    assert t["now"] - start >= 1.0  # one chat: at most one per second
    lim.pause(30)
    before = t["now"]
    await lim.acquire(99)
    assert t["now"] - before >= 30


async def test_enqueue_is_in_the_same_transaction_as_the_store(db: Database) -> None:
    """If the store's transaction fails, no outbox row survives either (and vice versa)."""
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        await add_sub(rt, 1)
        clock.advance(minutes=1)
        notices = parse_document(fixture_bytes(MULTI), source="x").notices
        try:
            async with rt.db.sessions.begin() as s:
                res = await store_notices(s, "x", notices, now=clock(), money=rt.settings.money)
                await enqueue_notices(s, res.new, [], now=clock(), prefixes={}, delivery=rt.settings.delivery)
                raise RuntimeError("crash before commit")
        except RuntimeError:
            pass
        assert await outbox(db) == []
        clock.advance(minutes=1)
        await ingest(rt, MULTI, source="x")
        assert len(await outbox(db)) == 1


async def test_reminder_goes_out_days_before_the_deadline_and_follows_changes(db: Database) -> None:
    from jobs.people.subscribers import add_reminder

    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        await add_sub(rt, 1)
        clock.advance(minutes=1)
        await ingest(rt, OPEN)
        notifier = RecordingNotifier()
        await drain_outbox(rt, notifier, fast_limiter())
        [alert] = notifier.delivered
        assert alert.notice is not None
        deadline = alert.notice.notice.deadline
        assert deadline is not None
        # once the deadline has passed: no reminder
        res = await add_reminder(rt.db, 1, alert.notice.row_id, deadline + timedelta(days=1), 3)
        assert res.status == "too_late"
        # pretend we are well before it
        clock.now = deadline - timedelta(days=20)
        res = await add_reminder(rt.db, 1, alert.notice.row_id, clock(), 3)
        assert res.status == "scheduled" and res.remind_at == deadline - timedelta(days=3)
        assert (await add_reminder(rt.db, 1, alert.notice.row_id, clock(), 3)).status == "exists"
        assert (await drain_outbox(rt, notifier, fast_limiter())).sent == 0  # not yet
        clock.now = deadline - timedelta(days=3, minutes=-1)
        report = await drain_outbox(rt, notifier, fast_limiter())
        assert report.sent == 1
        reminder = notifier.delivered[-1]
        assert reminder.kind == "reminder" and reminder.reply_to_message_id == 1001
