"""Several processes on one PostgreSQL: migrations, the outbox and the shared rate limit.

Each "process" here has its own engine and connection pool (its own PostgreSQL sessions), so
row locks, SKIP LOCKED and the limiter's row lock behave as between processes;
bench/proof_*.py repeats this with real processes killed at random.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from telegram import Bot

from bot.sender import TelegramNotifier
from jobs.config import DeliverySettings, Settings
from jobs.db import Database, open_database
from jobs.deliver.pgratelimit import SharedRateLimiter, make_limiter
from jobs.deliver.ratelimit import RateLimiter
from jobs.deliver.send import drain_outbox
from jobs.models import OutboxRow
from jobs.runtime import open_runtime, utcnow
from tests.conftest import PG_SCHEMA
from tests.fakebotapi import FakeBotAPI
from tests.scalekit import add_broadcast, add_subscribers


@pytest.fixture
async def two_dbs(pg_only_url: str) -> AsyncIterator[tuple[Database, Database]]:
    a = await open_database(pg_only_url, schema=PG_SCHEMA)
    b = await open_database(pg_only_url, schema=PG_SCHEMA)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def test_processes_starting_at_once_migrate_once(pg_only_url: str) -> None:
    dbs = await asyncio.gather(*(open_database(pg_only_url, schema=PG_SCHEMA) for _ in range(4)))
    try:
        async with dbs[0].engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        assert len(versions) == 1
    finally:
        for db in dbs:
            await db.close()


async def test_two_senders_share_the_outbox_without_sending_a_row_twice(
    two_dbs: tuple[Database, Database], fake_bot_api: FakeBotAPI
) -> None:
    a, b = two_dbs
    now = datetime.now(UTC)
    chats = list(range(5000, 5160))
    subs = await add_subscribers(a, chats, now)
    await add_broadcast(a, list(subs.values()), "b:1", "Hej fra Roskilde", now)
    settings = replace(Settings(), delivery=replace(DeliverySettings(), batch_size=7))

    async def sender(db: Database) -> object:
        bot = Bot(fake_bot_api.token, base_url=fake_bot_api.base_url)
        await bot.initialize()
        notifier = TelegramNotifier(bot, clock=utcnow, tz="Europe/Copenhagen")
        async with open_runtime(settings, db=db, notifier=notifier) as rt:
            limiter = SharedRateLimiter(db, 5000, 0.0)
            report = await drain_outbox(rt, notifier, limiter)
            await limiter.close()
        await bot.shutdown()
        return report

    reports = await asyncio.gather(sender(a), sender(b))
    sent = [r.sent for r in reports]  # type: ignore[attr-defined]
    assert sum(sent) == len(chats)
    assert min(sent) > 0, f"both senders should have worked: {sent}"
    assert [len(fake_bot_api.sent(c)) for c in chats] == [1] * len(chats)
    async with a.sessions() as s:
        statuses = dict((await s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))).all())
    assert statuses == {"sent": len(chats)}


async def _grant_times(limiter: SharedRateLimiter, chats: range) -> list[float]:
    out = []
    for chat in chats:
        await limiter.acquire(chat)
        out.append(time.monotonic())
    return out


async def test_the_global_rate_holds_across_processes(two_dbs: tuple[Database, Database]) -> None:
    a, b = two_dbs
    rate = 20.0
    la, lb = SharedRateLimiter(a, rate, 0.0), SharedRateLimiter(b, rate, 0.0)
    ta, tb = await asyncio.gather(_grant_times(la, range(1, 16)), _grant_times(lb, range(101, 116)))
    await la.close()
    await lb.close()
    times = sorted(ta + tb)
    assert la.grants == lb.grants == 15
    # 30 messages at 20/s: the first and the last are at least 29 intervals apart ...
    assert times[-1] - times[0] >= 29 / rate * 0.9
    # ... and no second holds more than the rate (two local limiters would allow 40)
    for i, t in enumerate(times):
        assert sum(1 for u in times[i:] if u - t < 1.0) <= rate + 2  # catch-up allows 2 back to back


async def test_a_429_pause_and_the_per_chat_gap_hold_across_processes(two_dbs: tuple[Database, Database]) -> None:
    a, b = two_dbs
    la, lb = SharedRateLimiter(a, 100, 0.5), SharedRateLimiter(b, 100, 0.5)
    # per chat: B waits for A's message to chat 7
    await la.acquire(7)
    t_a = time.monotonic()
    await lb.acquire(7)
    assert time.monotonic() - t_a >= 0.45
    # 429: A is told to wait 1 s; B, which got no 429, waits too
    t0 = time.monotonic()
    la.pause(1.0)
    task = asyncio.create_task(la.acquire(8))  # writes the pause, then waits it out
    await asyncio.sleep(0.2)
    await lb.acquire(9)
    assert time.monotonic() - t0 >= 0.95
    await task
    assert time.monotonic() - t0 >= 0.95
    await la.close()
    await lb.close()


async def test_the_limiter_is_shared_only_on_postgresql_and_when_configured(pg_only_url: str, tmp_path: object) -> None:
    d = DeliverySettings()
    sqlite = await open_database(f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3")
    postgres = await open_database(pg_only_url, schema=PG_SCHEMA)
    try:
        assert isinstance(make_limiter(d, sqlite), RateLimiter)
        assert isinstance(make_limiter(d, postgres), SharedRateLimiter)
        assert isinstance(make_limiter(replace(d, shared_rate_limit=False), postgres), RateLimiter)
        with pytest.raises(ValueError, match="PostgreSQL"):
            SharedRateLimiter(sqlite, 25, 1)
    finally:
        await sqlite.close()
        await postgres.close()


async def test_the_shared_limiter_keeps_the_per_chat_gap_from_telegrams_answer(
    pg_only_url: str, fake_bot_api: FakeBotAPI
) -> None:
    """Few chats, several messages each, the first request to each chat slowed on its way:
    counted from the grant, the next message would arrive less than a second after it."""
    db = await open_database(pg_only_url, schema=PG_SCHEMA)
    now = datetime.now(UTC)
    chats = [7001, 7002, 7003]
    subs = await add_subscribers(db, chats, now)
    for n in range(3):
        await add_broadcast(db, list(subs.values()), f"b:{n}", f"Besked {n}", now)
    fake_bot_api.flood_limit(30, 1)  # Telegram's limits: 30/s overall, one per second per chat
    fake_bot_api.delay_first_per_chat("sendMessage", 0.4)
    settings = Settings()
    limiter = make_limiter(settings.delivery, db)
    assert isinstance(limiter, SharedRateLimiter)
    try:
        async with Bot(fake_bot_api.token, base_url=fake_bot_api.base_url) as bot:
            notifier = TelegramNotifier(bot, clock=utcnow, tz="Europe/Copenhagen")
            async with open_runtime(settings, db=db, notifier=notifier) as rt:
                report = await drain_outbox(rt, notifier, limiter)
    finally:
        await limiter.close()
        await db.close()
    assert fake_bot_api.flood_429s == 0, fake_bot_api.flood_events
    assert report.sent == 9 and report.rate_limited == 0
    assert [sorted(fake_bot_api.messages_to(c)) for c in chats] == [[f"Besked {n}" for n in range(3)]] * 3
