"""Harness of the scale-out proofs: a fake Bot API and a feed server on loopback, a schema in
the test PostgreSQL, and worker processes (bench/proof_worker.py) to start and kill.

Everything stays on 127.0.0.1; every loop is bounded in time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, update

from jobs.db import Database, create_database, open_database
from jobs.models import NoticeRow, OutboxRow, Source, Subscriber
from tests.botkit import rss
from tests.conftest import PG_URL, reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer, Route
from tests.scalekit import add_broadcast, add_subscribers

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = os.environ.get("UDBUDSBOT_PROOF_SCHEMA", "udbudsbot_proof")
LOG_DIR = Path(os.environ.get("UDBUDSBOT_PROOF_LOGS", "/tmp/udbudsbot-proofs"))
# One CPV per category of config.toml, matching that category only.
CATEGORY_CPV = {
    "haandvaerk": "50000000",
    "it": "72000000",
    "konsulent": "79000000",
    "renovation": "90000000",
    "transport": "60000000",
    "varekoeb": "03000000",
}
FIRST_CHAT = 100_000


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Worker:
    proc: subprocess.Popen[str]
    started: float

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def claim_id(self) -> str:
        """What jobs.deliver.send writes to outbox.claimed_by for this process."""
        return f"{socket.gethostname()}:{self.proc.pid}"


@dataclass
class Cluster:
    """N worker processes on one database, one fake Bot API and one feed."""

    api: FakeBotAPI
    feed: FeedServer
    rate: float = 400.0
    lease: float = 3.0
    per_chat: float = 0.2
    extra: list[str] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    killed: list[Worker] = field(default_factory=list)

    def spawn(self, *, with_feed: bool = True) -> Worker:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "bench.proof_worker", "--db", PG_URL, "--schema", SCHEMA]
        cmd += ["--api", self.api.base_url, "--rate", str(self.rate), "--lease", str(self.lease)]
        cmd += ["--per-chat", str(self.per_chat), *self.extra]
        if with_feed:
            cmd += ["--feed", self.feed.url("/burst.xml")]
        log = open(LOG_DIR / f"worker-{len(self.workers) + len(self.killed)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
        line = _readline(proc, 60)
        if not line.startswith("ready"):
            proc.kill()
            raise RuntimeError(f"worker did not start: {line!r} (see {log.name})")
        w = Worker(proc, time.monotonic())
        self.workers.append(w)
        return w

    def kill(self, w: Worker) -> None:
        os.kill(w.pid, signal.SIGKILL)
        w.proc.wait()
        self.workers.remove(w)
        self.killed.append(w)

    def stop(self) -> None:
        for w in list(self.workers):
            w.proc.terminate()
        for w in list(self.workers):
            try:
                w.proc.wait(10)
            except subprocess.TimeoutExpired:
                w.proc.kill()
        self.workers.clear()


def _readline(proc: subprocess.Popen[str], timeout: float) -> str:
    out: list[str] = []
    t = threading.Thread(target=lambda: out.append(proc.stdout.readline() if proc.stdout else ""), daemon=True)
    t.start()
    t.join(timeout)
    return out[0] if out else ""


async def fresh_database() -> Database:
    await reset_postgres(PG_URL, SCHEMA)
    return await open_database(PG_URL, schema=SCHEMA)


async def drop_schema() -> None:
    from sqlalchemy import text

    db = create_database(PG_URL)
    async with db.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    await db.close()


async def seed_subscribers(db: Database, n: int, burst_recipients: int) -> dict[int, int]:
    """``n`` chats; the first ``burst_recipients`` get one category each (round robin)."""
    chats = list(range(FIRST_CHAT, FIRST_CHAT + n))
    cats = list(CATEGORY_CPV)
    categories = {c: [cats[i % len(cats)]] for i, c in enumerate(chats[:burst_recipients])}
    subs = await add_subscribers(db, chats, now(), categories=categories)
    async with db.sessions.begin() as s:  # the others want no notice of the burst's size (DKK 500,000)
        await s.execute(
            update(Subscriber).where(Subscriber.chat_id >= FIRST_CHAT + burst_recipients).values(max_value_dkk=1000)
        )
    return subs


def burst_items(round_no: int) -> list[dict[str, str]]:
    return [
        {
            "guid": f"r{round_no}-{cat}",
            "title": f"Runde {round_no} udbud {cat}",
            "description": "Opgaven løses lokalt.",
            "cpv": cpv,
            "value": "500000",
            "buyer": "Roskilde Kommune",
            "deadline": "2031-01-15T12:00:00+01:00",
            "type": "competition",
        }
        for cat, cpv in CATEGORY_CPV.items()
    ]


def set_feed(feed: FeedServer, rounds: list[int]) -> None:
    items = [it for r in rounds for it in burst_items(r)]
    feed.routes["/burst.xml"] = Route(body=rss(items))


async def wait_baseline(db: Database, limit: float = 60) -> None:
    """The first poll of a source stores silently; wait until the leader has done it."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        async with db.sessions() as s:
            row = (await s.scalars(select(Source).where(Source.name == "burst"))).one_or_none()
            if row is not None and row.baseline_done:
                return
        await asyncio.sleep(0.2)
    raise TimeoutError("no leader polled the feed")


async def open_rows(db: Database) -> int:
    async with db.sessions() as s:
        q = select(func.count()).select_from(OutboxRow).where(OutboxRow.status.in_(("pending", "sending")))
        return int(await s.scalar(q) or 0)


async def notices_of_round(db: Database, round_no: int) -> int:
    async with db.sessions() as s:
        q = select(func.count()).select_from(NoticeRow).where(NoticeRow.external_id.like(f"r{round_no}-%"))
        return int(await s.scalar(q) or 0)


async def claimed_by(db: Database, claim_id: str) -> set[tuple[int, str, str]]:
    """(chat, kind, ref) of the rows a process held when it died: the messages in flight."""
    async with db.sessions() as s:
        q = (
            select(Subscriber.chat_id, OutboxRow.kind, OutboxRow.ref)
            .join(Subscriber, Subscriber.id == OutboxRow.subscriber_id)
            .where(OutboxRow.status == "sending", OutboxRow.claimed_by == claim_id)
        )
        return {(int(c), k, r) for c, k, r in (await s.execute(q)).all()}


def received(api: FakeBotAPI, markers: list[str], since: int = 0) -> dict[str, Counter[int]]:
    """For each marker, how many messages containing it each chat received.

    Reads the fake's store in place from message number ``since`` on (``api.sent()`` deep-copies
    every message ever sent, which at 50,000 messages costs the harness seconds per round).
    """
    out: dict[str, Counter[int]] = {m: Counter() for m in markers}
    with api._lock:
        for key in api._bot_message_keys[since:]:
            text = api._messages[key].get("text", "")
            for m in markers:
                if m in text:
                    out[m][int(key[0])] += 1
    return out


def message_count(api: FakeBotAPI) -> int:
    with api._lock:
        return len(api._bot_message_keys)


async def leader_pid(db: Database) -> int | None:
    """The OS pid of the process holding the leader lock (from its session's application_name)."""
    from sqlalchemy import text

    q = text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'udbudsbot-leader %'"
    )
    async with db.engine.connect() as conn:
        names = [r[0] for r in (await conn.execute(q)).all()]
    for name in names:
        host_pid = name.split(" ", 1)[1]
        if host_pid.startswith(socket.gethostname() + ":"):
            return int(host_pid.rsplit(":", 1)[1])
    return None


async def add_round_broadcast(db: Database, subs: dict[int, int], round_no: int) -> str:
    marker = f"Runde {round_no}: besked til alle"
    await add_broadcast(db, list(subs.values()), f"bc:{round_no}", marker, now())
    return marker


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]
