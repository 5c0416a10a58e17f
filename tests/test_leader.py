"""One leader among several processes on PostgreSQL (jobs/ops/leader.py), always one on SQLite."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

from sqlalchemy import text

from jobs.config import OpsSettings, PollSettings, SourceSettings
from jobs.db import create_database
from jobs.ops.leader import AdvisoryLeader, SoleLeader, make_leadership
from tests.botkit import bot_settings, rss, running_bot
from tests.conftest import PG_SCHEMA, ROOT, reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer, Route
from tests.scalekit import until

OTHER_SCHEMA = f"{PG_SCHEMA}_other"


HOLDER = """
import asyncio, sys
from jobs.ops.leader import AdvisoryLeader
async def main():
    leader = AdvisoryLeader(sys.argv[1], schema=sys.argv[2])
    print("leader" if await leader.tick() else "standby", flush=True)
    await asyncio.sleep(120)
asyncio.run(main())
"""


async def test_a_standby_takes_over_within_seconds_when_the_leader_is_killed(pg_only_url: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, pg_only_url, PG_SCHEMA], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    standby = AdvisoryLeader(pg_only_url, schema=PG_SCHEMA)
    try:
        assert holder.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(holder.stdout.readline), 30)
        assert line.strip() == "leader"
        assert await standby.tick() is False
        assert standby.role == "standby"
        await asyncio.sleep(0.3)
        assert await standby.tick() is False  # still held: exactly one leader
        os.kill(holder.pid, signal.SIGKILL)  # kill -9: no clean unlock, only the closed socket
        took = await until(standby.tick, timeout=10, step=0.2)
        assert took < 5
        assert standby.is_leader and standby.changes == 1
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
        await standby.close()


async def test_the_leader_steps_down_when_its_connection_dies_and_the_lead_moves(pg_only_url: str) -> None:
    a = AdvisoryLeader(pg_only_url, schema=PG_SCHEMA, timeout=2)
    b = AdvisoryLeader(pg_only_url, schema=PG_SCHEMA, timeout=2)
    admin = create_database(pg_only_url)
    try:
        assert await a.tick() is True
        assert await b.tick() is False
        async with admin.engine.begin() as conn:  # the server drops a's session (restart, failover, admin)
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": a.backend_pid})
        await until(b.tick, timeout=5)
        assert await a.tick() is False  # a notices on its next check and steps down
        assert a.role == "standby"
        assert await a.tick() is False  # reconnected, but b leads now
        await b.close()  # a clean shutdown hands the lead over at once
        assert await a.tick() is True
    finally:
        await a.close()
        await b.close()
        await admin.close()


async def test_deployments_in_other_schemas_do_not_compete(pg_only_url: str) -> None:
    await reset_postgres(pg_only_url, OTHER_SCHEMA)
    a = AdvisoryLeader(pg_only_url, schema=PG_SCHEMA)
    b = AdvisoryLeader(pg_only_url, schema=OTHER_SCHEMA)
    try:
        assert await a.tick() and await b.tick()
    finally:
        await a.close()
        await b.close()
        admin = create_database(pg_only_url)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{OTHER_SCHEMA}" CASCADE'))
        await admin.close()


async def test_sqlite_has_one_process_which_always_leads(tmp_path: object) -> None:
    leadership = make_leadership(f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3")
    assert isinstance(leadership, SoleLeader)
    assert await leadership.tick() and leadership.role == "leader"


async def test_a_standby_bot_neither_polls_nor_schedules_until_it_leads(
    pg_only_url: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer
) -> None:
    feed_server.routes["/feed.xml"] = Route(body=rss([{"guid": "a", "title": "Rengøring"}]))
    settings = bot_settings(
        pg_only_url, fake_bot_api, SourceSettings(name="feed", kind="rss", url=feed_server.url("/feed.xml"))
    )
    settings = replace(
        settings,
        ops=OpsSettings(leader_check_seconds=0.3),
        poll=replace(PollSettings(), tick_seconds=0.3),
    )
    other = AdvisoryLeader(pg_only_url, schema=PG_SCHEMA)  # another process that leads already
    try:
        assert await other.tick()
        async with running_bot(settings, fake_bot_api, schedule_jobs=True) as bot:
            assert bot.deps.leadership.role == "standby"
            # the poll job runs (and is skipped: a standby polls nothing), three times over
            skips = bot.deps.metrics.standby_skips.labels("poll_job")
            await fake_bot_api.wait_for(lambda: skips._value.get() >= 3, timeout=10)
            assert feed_server.hits == []
            assert bot.deps.leadership.role == "standby"
            await other.close()  # the leader goes away
            t0 = time.monotonic()
            await fake_bot_api.wait_for(lambda: len(feed_server.hits) > 0, timeout=10)
            assert time.monotonic() - t0 < 5
            assert bot.deps.leadership.is_leader
    finally:
        await other.close()
