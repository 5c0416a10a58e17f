"""Sending benchmark: sustained rate of the real sender path against the fake Bot API.

The path is the production one: ``jobs.deliver.send.drain_outbox`` (claim → resolve →
daily cap → rate limiter → notifier → record, all against a real database) with
``bot.sender.TelegramNotifier`` on a real python-telegram-bot ``Bot`` talking HTTP to
``tests/fakebotapi.py`` on loopback (in a process of its own, as Telegram is not in the
bot's process; ``--fake-in-process`` runs it in a thread as the tests do), the limiter
the bot uses (``jobs.deliver.pgratelimit.make_limiter``: the in-process ``RateLimiter`` on
SQLite, the shared one on PostgreSQL) at the configured
``delivery.rate_per_second`` / ``delivery.per_chat_seconds``, and the fake's
``flood_limit(30, 1)`` switched on: like Telegram it answers 429 to more than 30
messages in any second, or more than one per second to one chat.

The outbox rows are made by the engine itself: ``jobs.people.subscribers.subscribe``,
``jobs.ingest.store.store_notices`` + ``jobs.deliver.outbox.enqueue_notices`` (the example udbud.dk
RSS notices, classified by the shipped rules). Cases:

* ``spread``: N chats, one message each;
* ``same chats``: N/5 chats, five messages each (the sender must interleave chats);
* ``spread, 100 ms latency``: as ``spread``, but the fake answers each sendMessage after
  ``--latency`` seconds, like a Bot API round trip over a real network (loopback is ~1 ms);
* ``few chats``: 10 chats, ten messages each: the per-chat gap, not the rate, is the limit.

Printed per case: messages/s end to end (first claim to last record) and as the
server saw it (first to last sendMessage), % of the configured rate (target ≥ 95 %; not
for ``few chats``, which prints the fastest schedule the per-chat gap allows instead),
429s from the fake (target 0), and the smallest gap between two messages to one
chat as the server saw it (must be ≥ 1 s).

Run: python -m bench.bench_send [--messages 500] [--pg [--local-limiter] [--skip-sqlite]] [--latency 0.1]
     (--pg also runs on PostgreSQL at $UDBUDSBOT_TEST_PG_URL, default
     postgresql+asyncpg://postgres@127.0.0.1:5432/test, in a throwaway schema;
     --local-limiter uses the in-process RateLimiter there instead of the shared one)
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22: RetryAfter.retry_after as a timedelta, no warning

import argparse
import asyncio
import json
import logging
import socket
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select, text
from telegram import Bot

from bot.sender import TelegramNotifier
from jobs.categories import prefix_table
from jobs.config import Settings, load_settings
from jobs.db import Database, create_database, open_database
from jobs.deliver.outbox import enqueue_notices
from jobs.deliver.pgratelimit import make_limiter
from jobs.deliver.ratelimit import RateLimiter
from jobs.deliver.send import DrainReport, drain_outbox
from jobs.ingest.parse import parse_document
from jobs.ingest.store import store_notices
from jobs.models import OutboxRow
from jobs.people.subscribers import Profile, subscribe, update_settings
from jobs.runtime import make_assess, open_runtime, utcnow
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("UDBUDSBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
FEED = ROOT / "examples" / "feeds" / "udbud-dk-rss.xml"


@dataclass
class CaseResult:
    name: str
    backend: str
    messages: int
    chats: int
    elapsed: float
    server_span: float
    report: DrainReport
    flood_429s: int
    min_gap: float | None
    left_pending: int
    limiter: str


async def prepare(db: Database, settings: Settings, chats: int, per_chat: int) -> None:
    """Subscribers and their outbox rows, made by the engine's own functions."""
    now = utcnow()
    start = now - timedelta(minutes=5)
    for chat in range(1, chats + 1):
        chat_id = 10_000 + chat
        await subscribe(db, Profile(chat_id, chat_id, f"Socialøkonomisk virksomhed {chat}", None, "da"), start)
        await update_settings(db, chat_id, start, min_level="all")  # every notice, whatever its level
    # one notice at a time until each chat has ``per_chat`` messages (notices the engine does
    # not announce, e.g. whose deadline has passed since the feed was saved, make none)
    rows = 0
    for notice in parse_document(FEED.read_bytes(), source="udbud.dk").notices:
        if rows >= chats * per_chat:
            break
        async with db.sessions.begin() as s:
            res = await store_notices(
                s, "udbud.dk", [notice], now=now, money=settings.money, assess=make_assess(settings)
            )
            await enqueue_notices(
                s, res.new, res.changed, now=now, prefixes=prefix_table(settings), delivery=settings.delivery
            )
        async with db.sessions() as s:
            rows = await s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending"))
    assert rows == chats * per_chat, f"expected {chats * per_chat} outbox rows, got {rows} ({FEED} too short)"


class FakeServer:
    """The fake Bot API with Telegram's flood limits, in a process of its own (as Telegram is
    not in the bot's process; its HTML checks would otherwise share the sender's GIL), or in
    this one with ``in_process``. ``report()`` returns the sendMessage calls and the 429s."""

    def __init__(self, latency: float, in_process: bool) -> None:
        self.latency = latency
        self.in_process = in_process
        self.api: FakeBotAPI | None = None
        self.proc: asyncio.subprocess.Process | None = None
        self.base_url = self.token = ""

    async def __aenter__(self) -> FakeServer:
        if self.in_process:
            self.api = start_fake(self.latency)
            self.base_url, self.token = self.api.base_url, self.api.token
        else:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.bench_send",
                "--serve-fake",
                "--latency",
                str(self.latency),
                cwd=ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert self.proc.stdout is not None
            hello = json.loads(await self.proc.stdout.readline())
            self.base_url, self.token = hello["base_url"], hello["token"]
        return self

    async def report(self) -> tuple[list[tuple[str, float]], int]:
        """(chat id, server time) of every sendMessage call in order, and the flood 429s."""
        if self.api is not None:
            return fake_report(self.api)
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(b"report\n")
        await self.proc.stdin.drain()
        data = json.loads(await self.proc.stdout.readline())
        return [(c, t) for c, t in data["sends"]], int(data["flood_429s"])

    async def __aexit__(self, *exc: object) -> None:
        if self.api is not None:
            self.api.stop()
        if self.proc is not None:
            if self.proc.returncode is None:
                self.proc.kill()
            await self.proc.wait()


def start_fake(latency: float) -> FakeBotAPI:
    api = FakeBotAPI().start()
    api.flood_limit(30, 1)  # Telegram: ~30 messages/s overall, 1/s per chat
    if latency:
        api.delay("sendMessage", latency)  # a Bot API round trip over a real network
    return api


def fake_report(api: FakeBotAPI) -> tuple[list[tuple[str, float]], int]:
    return [(str(c.params.get("chat_id")), c.time) for c in api.calls_to("sendMessage")], api.flood_429s


def serve_fake(latency: float) -> int:
    """Child process: serve the fake, print its address, print the report when asked."""
    api = start_fake(latency)
    print(json.dumps({"base_url": api.base_url, "token": api.token}), flush=True)
    sys.stdin.readline()
    sends, floods = fake_report(api)
    print(json.dumps({"sends": sends, "flood_429s": floods}), flush=True)
    api.stop()
    return 0


async def run_case(
    name: str,
    backend: str,
    url: str,
    schema: str | None,
    chats: int,
    per_chat: int,
    latency: float = 0.0,
    in_process: bool = False,
    local_limiter: bool = False,
) -> CaseResult:
    settings = load_settings(ROOT / "config.toml", env={})
    settings = replace(settings, database=replace(settings.database, url=url), sources=())
    db = await open_database(url, schema=schema)
    try:
        await prepare(db, settings, chats, per_chat)
        async with FakeServer(latency, in_process) as fake:
            d = settings.delivery
            # what the bot uses: the in-process RateLimiter, or on PostgreSQL the shared one
            limiter = RateLimiter(d.rate_per_second, d.per_chat_seconds) if local_limiter else make_limiter(d, db)
            async with Bot(fake.token, base_url=fake.base_url) as bot:
                notifier = TelegramNotifier(bot, clock=utcnow, tz=d.timezone)
                runtime = open_runtime(settings, db=db, notifier=notifier)
                rt = await runtime.__aenter__()
                t0 = time.monotonic()
                report = await drain_outbox(rt, notifier, limiter)
                elapsed = time.monotonic() - t0
                await runtime.__aexit__(None, None, None)
            close = getattr(limiter, "close", None)  # the shared limiter holds a connection of its own
            if close is not None:
                await close()
            sends, floods = await fake.report()
        async with db.sessions() as s:
            left = await s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.status != "sent"))
        by_chat: dict[str, list[float]] = defaultdict(list)
        for chat, at in sends:
            by_chat[chat].append(at)
        gaps = [b - a for times in by_chat.values() for a, b in pairwise(times)]
        return CaseResult(
            name=name,
            backend=backend,
            messages=chats * per_chat,
            chats=chats,
            elapsed=elapsed,
            server_span=sends[-1][1] - sends[0][1] if len(sends) > 1 else 0.0,
            report=report,
            flood_429s=floods,
            min_gap=min(gaps) if gaps else None,
            left_pending=int(left or 0),
            limiter=type(limiter).__name__,
        )
    finally:
        await db.close()


def show(r: CaseResult, rate: float, per_chat_seconds: float) -> bool:
    """Print a case; OK when no 429, nothing left unsent, no two messages to one chat closer
    than the gap, and ≥ 95 % of the configured rate, unless too few chats make the per-chat
    gap the limit (then the rate target does not apply; the time of the fastest schedule
    the gap allows is printed for comparison)."""
    e2e = r.report.sent / r.elapsed
    server = (r.report.sent - 1) / r.server_span if r.server_span else 0.0
    per_chat_msgs = r.messages // r.chats
    fastest = max((r.messages - 1) / rate, (per_chat_msgs - 1) * per_chat_seconds + (r.chats - 1) / rate)
    chat_bound = fastest > (r.messages - 1) / rate + 1e-9
    gap_ok = r.min_gap is None or r.min_gap >= per_chat_seconds
    ok = (chat_bound or e2e >= 0.95 * rate) and r.flood_429s == 0 and r.left_pending == 0 and gap_ok
    gap = f"{r.min_gap:.3f} s" if r.min_gap is not None else "n/a (one message per chat)"
    print(f"[{r.backend}, {r.limiter}] {r.name}: {r.messages} messages to {r.chats} chats")
    print(
        f"  sent {r.report.sent} in {r.elapsed:.2f} s: {e2e:.2f} msg/s end to end = {e2e / rate:.1%} of "
        f"{rate:g}/s; server saw {server:.2f} msg/s = {server / rate:.1%} (first to last sendMessage)"
    )
    if chat_bound:
        print(
            f"  the per-chat gap is the limit here: the fastest schedule takes {fastest:.2f} s "
            f"= {fastest / r.elapsed:.1%} of the time taken (each gap also waits for the previous answer)"
        )
    print(
        f"  429s from the fake: {r.flood_429s} (sender's rate_limited {r.report.rate_limited}); "
        f"retried {r.report.retried}, failed {r.report.failed}, to digest {r.report.to_digest}, "
        f"not sent {r.left_pending}"
    )
    print(f"  smallest gap between two messages to one chat (server side): {gap}")
    target = "" if chat_bound else "≥ 95 % of the rate, "
    print(f"  target {target}no 429, nothing left, gaps ≥ {per_chat_seconds:g} s: {'OK' if ok else 'MISSED'}")
    return ok


def pg_reachable() -> bool:
    parts = urlsplit(PG_URL.replace("+asyncpg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


async def with_pg_schema(schema: str, create: bool) -> None:
    db = create_database(PG_URL)
    async with db.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        if create:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await db.close()


async def main_async(args: argparse.Namespace) -> int:
    settings = load_settings(ROOT / "config.toml", env={})
    rate = settings.delivery.rate_per_second
    print(
        f"configured: delivery.rate_per_second = {rate:g}, delivery.per_chat_seconds = "
        f"{settings.delivery.per_chat_seconds:g}, batch_size = {settings.delivery.batch_size}; "
        f"fake Bot API flood_limit(30/s global, 1/s per chat)"
    )
    n = args.messages
    inproc = args.fake_in_process
    print(f"fake Bot API: {'in this process (a thread)' if inproc else 'in a process of its own'}")
    cases = [
        ("spread", n, 1, 0.0),
        ("same chats", max(1, n // 5), 5, 0.0),
        (f"spread, {args.latency * 1000:g} ms Bot API latency", n, 1, args.latency),
        ("few chats", 10, 10, 0.0),  # the per-chat gap is the limit: 10 chats, 10 messages each
    ]
    per_chat_s = settings.delivery.per_chat_seconds
    with tempfile.TemporaryDirectory() as tmp:
        if args.skip_sqlite:
            cases_sqlite: list[tuple[str, int, int, float]] = []
        else:
            cases_sqlite = cases
        # warm-up, not reported: first-use costs (imports, Babel's locale data, SQL compilation
        # caches, the first connections) belong to the start of the process, not to its pace
        warm = await run_case("warm-up", "sqlite", f"sqlite+aiosqlite:///{tmp}/warm.sqlite3", None, 30, 1, 0.0, inproc)
        print(f"(warm-up: {warm.report.sent} messages in {warm.elapsed:.2f} s, not counted)")
        for i, (name, chats, per_chat, latency) in enumerate(cases_sqlite):
            url = f"sqlite+aiosqlite:///{tmp}/send{i}.sqlite3"
            ok = show(await run_case(name, "sqlite", url, None, chats, per_chat, latency, inproc), rate, per_chat_s)
            args.all_ok &= ok
    if args.pg:
        if not pg_reachable():
            print(f"[postgresql] skipped: nothing answers at {PG_URL}")
        else:
            schema = f"udbudsbot_bench_{os.getpid()}"
            for name, chats, per_chat, latency in cases:
                await with_pg_schema(schema, create=True)
                try:
                    case = await run_case(
                        name, "postgresql", PG_URL, schema, chats, per_chat, latency, inproc, args.local_limiter
                    )
                    ok = show(case, rate, per_chat_s)
                    args.all_ok &= ok
                finally:
                    await with_pg_schema(schema, create=False)
    return 0 if args.all_ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=500)
    ap.add_argument("--pg", action="store_true", help="also run on PostgreSQL")
    ap.add_argument("--latency", type=float, default=0.1, help="seconds the fake waits per sendMessage (case 3)")
    ap.add_argument("--fake-in-process", action="store_true", help="run the fake in this process (as the tests do)")
    ap.add_argument(
        "--local-limiter",
        action="store_true",
        help="PostgreSQL too with the in-process RateLimiter, not the shared one",
    )
    ap.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL cases (with --pg)")
    ap.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve_fake:
        return serve_fake(args.latency)
    args.all_ok = True
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
