"""Claims tied to a live process (jobs/deliver/workers.py): the decision, the table, and real
processes killed with SIGKILL on PostgreSQL whose claims the others send well within the lease."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from jobs.config import DeliverySettings, Settings
from jobs.db import Database
from jobs.deliver.send import claim, release_stale
from jobs.deliver.workers import (
    WorkerSeen,
    current,
    dead_workers,
    heartbeat,
    start_worker,
    stop_worker,
    this_host,
)
from jobs.models import OutboxRow, WorkerRow
from jobs.runtime import open_runtime
from tests.conftest import PG_SCHEMA, ROOT
from tests.fakebotapi import FakeBotAPI
from tests.scalekit import add_broadcast, add_subscribers, until

T0 = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
HOST = this_host()


def test_which_workers_are_dead() -> None:
    def seen(i: int, host: str, pid: int, ago: float) -> WorkerSeen:
        return WorkerSeen(i, host, pid, T0 - timedelta(seconds=ago))

    workers = [
        seen(1, "me", 100, 0),  # the caller
        seen(2, "other", 200, 3),  # alive elsewhere
        seen(3, "other", 300, 11),  # silent too long
        seen(4, "me", 400, 1),  # its process is gone (kill -9)
        seen(5, "me", 500, 1),  # alive on this host
        seen(6, "me", 100, 1),  # this very pid under another id: a previous incarnation
    ]
    alive = {100, 500}.__contains__
    dead = dead_workers(workers, now=T0, timeout=10, me=1, host="me", pid=100, pid_alive=alive)
    assert dead == [3, 4, 6]


def finished_pid() -> int:
    """The pid of a process that has exited (no process has it now)."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(proc.stdout)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    return pid


async def claimed_rows(db: Database, count: int, *, worker_id: int | None, at: datetime) -> list[int]:
    subs = await add_subscribers(db, list(range(9000, 9000 + count)), at)
    await add_broadcast(db, list(subs.values()), "b:w", "Hej", at)
    async with db.sessions.begin() as s:
        await s.execute(
            update(OutboxRow).values(status="sending", claimed_at=at, claimed_by="gone:1", worker_id=worker_id)
        )
        return list((await s.scalars(select(OutboxRow.id))).all())


async def add_worker(db: Database, host: str, pid: int, heartbeat_at: datetime) -> int:
    async with db.sessions.begin() as s:
        wid = await s.scalar(
            insert(WorkerRow)
            .values(host=host, pid=pid, started_at=heartbeat_at, heartbeat_at=heartbeat_at)
            .returning(WorkerRow.id)
        )
    assert wid is not None
    return int(wid)


async def statuses(db: Database) -> Counter[str]:
    async with db.sessions() as s:
        return Counter(dict((await s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))).all()))


def runtime(db: Database, clock: list[datetime]) -> object:
    settings = replace(Settings(), delivery=replace(DeliverySettings(), worker_timeout_seconds=10))
    return open_runtime(settings, db=db, clock=lambda: clock[0])


async def test_a_restart_takes_back_its_dead_predecessors_claims_at_once(db: Database) -> None:
    clock = [T0]
    dead = await add_worker(db, HOST, finished_pid(), T0 - timedelta(seconds=1))  # killed a second ago
    await claimed_rows(db, 5, worker_id=dead, at=T0 - timedelta(seconds=2))
    async with runtime(db, clock) as rt:  # type: ignore[attr-defined]
        worker = await start_worker(rt)
        assert await statuses(db) == {"pending": 5}
        ids = await claim(rt, 50)
        async with db.sessions() as s:
            owners = set((await s.scalars(select(OutboxRow.worker_id).where(OutboxRow.id.in_(ids)))).all())
            workers = list((await s.scalars(select(WorkerRow.id))).all())
        assert len(ids) == 5 and owners == {worker.id} and workers == [worker.id]
        await stop_worker(rt)  # clean shutdown: its claims go back, its row goes
        assert await statuses(db) == {"pending": 5} and current(rt) is None
        async with db.sessions() as s:
            assert (await s.scalar(select(func.count()).select_from(WorkerRow))) == 0


async def test_claims_of_a_silent_worker_go_back_those_of_a_live_one_stay(pg_only_url: str) -> None:
    from jobs.db import open_database

    db = await open_database(pg_only_url, schema=PG_SCHEMA)
    clock = [T0]
    try:
        elsewhere = await add_worker(db, "other-host", 1, T0)
        rows = await claimed_rows(db, 4, worker_id=elsewhere, at=T0)
        async with runtime(db, clock) as rt:  # type: ignore[attr-defined]
            await start_worker(rt)  # another worker is alive: its claims are its own
            assert await statuses(db) == {"sending": 4}
            clock[0] = T0 + timedelta(seconds=9)
            await heartbeat(rt)
            assert await release_stale(rt) == 0 and await statuses(db) == {"sending": 4}
            clock[0] = T0 + timedelta(seconds=11)  # its heartbeat is 11 s old, ours 2 s
            assert await release_stale(rt) == len(rows)
            assert await statuses(db) == {"pending": 4}
            async with db.sessions() as s:
                assert (await s.scalar(select(func.count()).select_from(WorkerRow))) == 1
            await stop_worker(rt)
    finally:
        await db.close()


async def test_a_worker_given_up_while_alive_registers_again_and_rechecks_its_claims(db: Database) -> None:
    clock = [T0]
    async with runtime(db, clock) as rt:  # type: ignore[attr-defined]
        worker = await start_worker(rt)
        async with db.sessions.begin() as s:  # another process thought it dead
            await s.execute(WorkerRow.__table__.delete())
        assert worker.fresh()
        worker.beat_at -= 6  # its heartbeat is late: before each message it re-checks its claim
        assert not worker.fresh()
        await heartbeat(rt)
        assert worker.fresh()
        async with db.sessions() as s:
            assert list((await s.scalars(select(WorkerRow.id))).all()) == [worker.id]
        await stop_worker(rt)


def spawn(db_url: str, api: FakeBotAPI, lease: float) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "bench.proof_worker", "--db", db_url, "--schema", PG_SCHEMA, "--api", api.base_url]
    cmd += ["--rate", "30", "--per-chat", "0", "--lease", str(lease), "--batch", "20", "--worker-timeout", "3"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("ready"), line
    return proc


@pytest.mark.parametrize("survivor", ["running", "restarted"])
async def test_claims_of_a_killed_process_are_sent_well_within_the_lease(
    pg_only_url: str, fake_bot_api: FakeBotAPI, survivor: str
) -> None:
    """kill -9 in the middle of a broadcast to 150; another process (running beside it, or
    started at once in its place) sends what it had claimed long before the lease ends."""
    from jobs.db import open_database

    lease = 120.0
    db = await open_database(pg_only_url, schema=PG_SCHEMA)
    chats = list(range(20_000, 20_150))
    subs = await add_subscribers(db, chats, datetime.now(UTC))
    api = fake_bot_api
    api.delay("sendMessage", 0.05)
    procs = [spawn(pg_only_url, api, lease)]
    if survivor == "running":
        procs.append(spawn(pg_only_url, api, lease))
    try:
        await add_broadcast(db, list(subs.values()), "b:kill", "Til alle", datetime.now(UTC))
        victim = procs[0]
        victim_claim = f"{socket.gethostname()}:{victim.pid}"

        async def victim_holds_claims() -> bool:
            async with db.sessions() as s:
                q = select(func.count()).where(OutboxRow.status == "sending", OutboxRow.claimed_by == victim_claim)
                return len(api.calls_to("sendMessage")) >= 20 and bool(await s.scalar(q.select_from(OutboxRow)))

        await until(victim_holds_claims, 30, step=0.02)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        killed_at = time.monotonic()
        async with db.sessions() as s:
            q = select(OutboxRow.subscriber_id).where(
                OutboxRow.status == "sending", OutboxRow.claimed_by == victim_claim
            )
            in_flight = set((await s.scalars(q)).all())
        assert in_flight, "the killed process held no claim"
        if survivor == "restarted":
            procs.append(spawn(pg_only_url, api, lease))

        async def all_sent() -> bool:
            return (await statuses(db)) == {"sent": len(chats)}

        await until(all_sent, lease / 2)
        assert time.monotonic() - killed_at < lease / 2
        got = Counter(int(c.params["chat_id"]) for c in api.calls_to("sendMessage"))
        assert set(got) == set(chats)
        by_sub = {s: c for c, s in subs.items()}
        twice = {c for c, n in got.items() if n > 1}
        assert twice <= {by_sub[s] for s in in_flight}, "only a message in flight at the kill may repeat"
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            if p.stdout is not None:
                p.stdout.close()
        await db.close()


async def test_the_bot_takes_back_a_dead_predecessors_claim_at_start_and_leaves_cleanly(
    db_url: str, fake_bot_api: FakeBotAPI
) -> None:
    """The real Application (bot/scheduled.py's heartbeat job, bot/ops.py's shutdown): a message
    its killed predecessor had claimed goes out within seconds, not after the 120 s lease."""
    from jobs.db import open_database
    from tests.botkit import bot_settings, running_bot
    from tests.conftest import reset_postgres

    schema = None
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
        schema = PG_SCHEMA
    start = datetime.fromisoformat("2026-11-30T09:00:00+00:00")  # running_bot's clock
    db = await open_database(db_url, schema=schema)
    try:
        dead = await add_worker(db, HOST, finished_pid(), start - timedelta(seconds=1))
        await claimed_rows(db, 1, worker_id=dead, at=start - timedelta(seconds=1))
    finally:
        await db.close()
    async with running_bot(bot_settings(db_url, fake_bot_api), fake_bot_api, schedule_jobs=True) as bot:
        t0 = time.monotonic()
        await fake_bot_api.wait_for_sent(9000, 1, timeout=30)
        assert time.monotonic() - t0 < 60  # well within the lease
        async with bot.deps.rt.db.sessions() as s:
            workers = list((await s.scalars(select(WorkerRow.pid))).all())
        assert workers == [os.getpid()], bot.errors
    db = await open_database(db_url, schema=schema)
    try:
        async with db.sessions() as s:
            assert (await s.scalar(select(func.count()).select_from(WorkerRow))) == 0
    finally:
        await db.close()
