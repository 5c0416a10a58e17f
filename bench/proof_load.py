"""Load: national scale on one PostgreSQL.

A. Ingest: 10,000 subscribers (a category each, a value limit and a least level, some with
   keywords), then one poll of a feed with 1,000 new notices: fetch, parse, classify, store,
   match and enqueue in one transaction (the leader's job). Reports the time and the rows.
B. Outbox throughput, 1 process vs 2 (bench/proof_worker.py): 3,000 messages through the fake
   Bot API answering each call after 50 ms (a round trip to Telegram), without a rate limit
   (``--rate 1000``), then 750 messages at Telegram's 25/s shared between the processes.
C. Replies under load: 50 users chatting at once with a real ``python -m bot run`` process (long
   polling, a database of its own) that sends a 2,000-chat broadcast meanwhile: each sends 10
   messages (commands, questions) and waits for the answer; the reply time is from the update
   being available to the answer reaching the Bot API. Run twice in one go: on the machine as it
   is (the baseline), then with ``--busy`` processes (default 2, one per core) spinning
   ``while True: pass`` from the bot's start to the end; prints both p95s, their ratio and the
   verdict against ``--target-ms`` (50 ms).

    python -m bench.proof_load [--skip-a] [--skip-b] [--skip-c] [--busy N] [--skip-quiet]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select, update

from bench.proof_common import CATEGORY_CPV, Cluster, drop_schema, fresh_database, open_rows, pct
from bench.proof_pg_restart import LOG_DIR, admin_execute, admin_url, write_config
from jobs.config import FetchSettings, SourceSettings, load_settings
from jobs.db import Database, open_database
from jobs.ingest.poll import poll_source, sync_sources
from jobs.models import NoticeRow, OutboxRow, Subscriber
from jobs.runtime import open_runtime
from tests.botkit import rss
from tests.conftest import ROOT
from tests.fakebotapi import DEFAULT_TOKEN, FakeBotAPI
from tests.feedserver import FeedServer, Route
from tests.scalekit import add_broadcast, add_subscribers

REPLIES_DB = f"udbudsbot_proof_replies_{os.getpid()}"  # a database of its own: proofs of others may run
WORDS = [
    "rengøring",
    "kantine",
    "catering",
    "tryk",
    "vask",
    "flytning",
    "pakning",
    "vedligehold",
    "kørsel",
    "park",
    "snerydning",
    "vinduespudsning",
    "tekstiler",
    "møbler",
    "cykler",
    "grønt",
    "affald",
    "genbrug",
    "skilte",
    "maling",
    "tømrer",
    "murer",
    "kloak",
    "belysning",
    "legeplads",
    "café",
    "kaffe",
    "frugt",
    "blomster",
    "kurser",
    "mentor",
    "job",
    "praktik",
    "scanning",
    "arkiv",
    "post",
    "budtjeneste",
    "lager",
    "montage",
    "reparation",
    "tøjvask",
]
LEVELS = ["suitable", "possible", "all"]


# 20 CPV divisions, six of them in a category (the others in none): most notices concern few.
FREE = (14, 16, 34, 41, 55, 65, 66, 70, 71, 75, 76, 85, 92, 97)
DIVISIONS = [*CATEGORY_CPV.values(), *(f"{d:02d}000000" for d in FREE)]


def notices(n: int, rng: random.Random, prefix: str = "load") -> list[dict[str, str]]:
    cats = DIVISIONS
    return [
        {
            "guid": f"{prefix}-{i}",
            "title": f"Udbud {i}: {rng.choice(WORDS)} for Region {i % 5}",
            "description": f"Opgaven omfatter {rng.choice(WORDS)} i kommunens bygninger.",
            "cpv": rng.choice(cats),
            "value": str(rng.choice([150_000, 400_000, 900_000, 2_500_000, 8_000_000, 40_000_000])),
            "buyer": f"Kommune {i % 98}",
            "deadline": "2031-03-01T12:00:00+01:00",
            "type": "competition",
        }
        for i in range(n)
    ]


async def part_a(args: argparse.Namespace, feed: FeedServer) -> str:
    rng = random.Random(1)
    db = await fresh_database()
    chats = list(range(300_000, 300_000 + args.subscribers))
    cats = list(CATEGORY_CPV)
    subs = await add_subscribers(db, chats, datetime.now(UTC), categories={c: [rng.choice(cats)] for c in chats})
    async with db.sessions.begin() as s:
        for chat in chats:
            values = {
                "max_value_dkk": rng.choice([500_000, 1_000_000, 2_000_000, 10_000_000, None]),
                "min_level": rng.choice(LEVELS),
            }
            if chat % 10 == 0:
                values["keywords"] = [rng.choice(WORDS)]
            await s.execute(update(Subscriber).where(Subscriber.id == subs[chat]).values(**values))
    settings = load_settings(ROOT / "config.toml", env={})
    src = SourceSettings(name="load", kind="rss", url=feed.url("/load.xml"))
    from dataclasses import replace

    settings = replace(settings, sources=(src,), fetch=FetchSettings(max_bytes=50_000_000, total_seconds=120))
    feed.routes["/load.xml"] = Route(body=rss(notices(1, rng, "base")))
    async with open_runtime(settings, db=db) as rt:
        await sync_sources(rt)
        await poll_source(rt, src)  # the silent baseline
        feed.routes["/load.xml"] = Route(body=rss(notices(args.notices, rng)))
        t0 = time.perf_counter()
        report = await poll_source(rt, src)
        took = time.perf_counter() - t0
    async with db.sessions() as s:
        rows = int(await s.scalar(select(func.count()).select_from(OutboxRow)) or 0)
        stored = int(await s.scalar(select(func.count()).select_from(NoticeRow)) or 0)
        by_status = dict((await s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))).all())
    await db.close()
    line = (
        f"A. {args.subscribers:,} subscribers, one poll with {len(report.result.new):,} new notices: "
        f"{took:.1f} s ({len(report.result.new) / took:.0f} notices/s) for fetch + parse + classify + store + "
        f"match + enqueue; {rows:,} outbox rows ({by_status}), {stored:,} notices stored"
    )
    print(line, flush=True)
    return line


async def drain_with(api: FakeBotAPI, feed: FeedServer, workers: int, messages: int, rate: float) -> float:
    db = await fresh_database()
    subs = await add_subscribers(db, list(range(400_000, 400_000 + messages)), datetime.now(UTC))
    cluster = Cluster(api, feed, rate=rate, per_chat=0.0)
    try:
        for _ in range(workers):
            cluster.spawn(with_feed=False)
        await add_broadcast(db, list(subs.values()), "bc:load", "Belastningstest", datetime.now(UTC))
        t0 = time.monotonic()
        while await open_rows(db) and time.monotonic() - t0 < 600:
            await asyncio.sleep(0.1)
        return messages / (time.monotonic() - t0)
    finally:
        cluster.stop()
        await db.close()


async def part_b(args: argparse.Namespace, feed: FeedServer) -> list[str]:
    lines = []
    for rate, messages in ((1000.0, args.messages), (25.0, args.messages // 4)):
        speeds = []
        for workers in (1, 2):
            api = FakeBotAPI().start()
            api.delay("sendMessage", args.latency)
            try:
                speeds.append(await drain_with(api, feed, workers, messages, rate))
            finally:
                api.stop()
        line = (
            f"B. {messages:,} messages, Bot API round trip {args.latency * 1000:.0f} ms, rate limit {rate:g}/s: "
            f"1 process {speeds[0]:.1f} msg/s, 2 processes {speeds[1]:.1f} msg/s ({speeds[1] / speeds[0]:.2f}x)"
        )
        print(line, flush=True)
        lines.append(line)
    return lines


SCRIPT = [
    "/start",
    "/help",
    "/hours",
    "Hvornår har I åbent på torsdag?",
    "/settings",
    "Hvad er en socialøkonomisk virksomhed?",
    "/categories",
    "Hvornår kan jeg ringe?",
    "/level",
    "Tak for hjælpen",
]


REPLY_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
BUSY_LOOP = "while True: pass"


class Arrivals:
    """When each chat's replies reached the fake Bot API (the request's arrival time, taken by
    the server thread, so a slow scan here does not count), read incrementally as they come."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.seen = 0
        self.times: dict[int, list[float]] = defaultdict(list)

    def scan(self) -> None:
        with self.api._lock:
            calls = self.api._calls[self.seen :]
            self.seen += len(calls)
        for call in calls:
            if call.method.lower() in REPLY_METHODS and "chat_id" in call.params:
                self.times[int(call.params["chat_id"])].append(call.time)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.scan()
            await asyncio.sleep(0.005)


@dataclass
class Replies:
    latencies: list[float] = field(default_factory=list)
    by_text: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    timeouts: int = 0
    took: float = 0.0
    bot_cpu: float = 0.0  # CPU seconds the bot process used while the users chatted


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_replies_bot(
    folder: Path, api: FakeBotAPI, url: str, n: int, nice: int = 0, root: Path = ROOT
) -> subprocess.Popen[bytes]:
    """One `udbudsbot run` in polling mode on its own database (not the shared proof database);
    ``root``: the source tree it runs from (another checkout: the baseline)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root)
    env.update(
        UDBUDSBOT_CONFIG=str(write_config(folder, webhook=False)),
        UDBUDSBOT_DATABASE_URL=url,
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        PTB_TIMEDELTA="true",
    )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(LOG_DIR / f"replies-{n}.log", "wb")  # noqa: SIM115
    command = [sys.executable, "-m", "bot", "-v", "run"]
    if nice:  # the priority a deployment may give the bot (systemd Nice=), as `nice -n` does
        command = ["nice", "-n", str(nice), *command]
    return subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log)


async def chat_as_users(args: argparse.Namespace, api: FakeBotAPI, arrivals: Arrivals) -> Replies:
    out = Replies()
    rng = random.Random(7)

    async def user(chat: int) -> None:
        await asyncio.sleep(rng.uniform(0, 1))
        for text in SCRIPT:
            before = len(arrivals.times[chat])
            sent_at = time.monotonic()
            api.push_message(chat, text)
            while len(arrivals.times[chat]) <= before:
                if time.monotonic() - sent_at > 30:
                    out.timeouts += 1
                    break
                await asyncio.sleep(0.005)
            else:
                out.latencies.append(arrivals.times[chat][before] - sent_at)
                out.by_text[text].append(out.latencies[-1])
            await asyncio.sleep(rng.uniform(0.2, 1.0))  # a person reads and types

    t1 = time.monotonic()
    await asyncio.gather(*(user(500_000 + i) for i in range(args.users)))
    out.took = time.monotonic() - t1
    return out


async def replies_run(args: argparse.Namespace, busy: int, root: Path = ROOT) -> Replies:
    """50 users chatting with one bot process that sends a 2,000-chat fan-out meanwhile;
    ``busy`` processes spinning `while True: pass` from before the users start."""
    url = urlunsplit(urlsplit(admin_url())._replace(path=f"/{REPLIES_DB}"))
    await admin_execute(f'DROP DATABASE IF EXISTS "{REPLIES_DB}" WITH (FORCE)')
    await admin_execute(f'CREATE DATABASE "{REPLIES_DB}"')
    db: Database = await open_database(url)
    await db.close()
    api = FakeBotAPI().start()
    proc = start_replies_bot(Path(tempfile.mkdtemp(prefix="udbudsbot-load-")), api, url, busy, args.bot_nice, root)
    burners = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(busy)]
    arrivals = Arrivals(api)
    stop = asyncio.Event()
    watcher = asyncio.create_task(arrivals.run(stop))
    try:
        t0 = time.monotonic()
        while not api.calls_to("getUpdates") and time.monotonic() - t0 < 60:
            await asyncio.sleep(0.2)
        # warm up (start-up jobs: the first poll of the bundled sources, re-scoring), then keep the
        # bot's sender busy with a fan-out to 2,000 other chats while the users chat
        api.push_message(499_999, "/start")
        await asyncio.sleep(args.warmup)
        db = await open_database(url)
        others = await add_subscribers(db, list(range(600_000, 602_000)), datetime.now(UTC))
        await add_broadcast(db, list(others.values()), "bc:busy", "Travl afsender", datetime.now(UTC))
        await db.close()
        cpu0 = cpu_seconds(proc.pid)
        replies = await chat_as_users(args, api, arrivals)
        replies.bot_cpu = cpu_seconds(proc.pid) - cpu0
        return replies
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
        stop.set()
        await watcher
        proc.terminate()
        try:
            stopped = proc.wait(30) is not None
        except subprocess.TimeoutExpired:
            stopped = False
            proc.kill()
        print(f"   the bot stopped on SIGTERM within 30 s: {stopped}")
        api.stop()
        await admin_execute(f'DROP DATABASE IF EXISTS "{REPLIES_DB}" WITH (FORCE)')


def replies_line(args: argparse.Namespace, label: str, r: Replies) -> str:
    lat = r.latencies
    return (
        f"C. {label}: {args.users} users x {len(SCRIPT)} messages in {r.took:.0f} s against one `udbudsbot run` "
        f"(long polling) that sends a 2,000-chat fan-out meanwhile: reply time p50 {pct(lat, 50) * 1000:.0f} ms, "
        f"p95 {pct(lat, 95) * 1000:.0f} ms, max {max(lat, default=0) * 1000:.0f} ms; "
        f"{r.timeouts} without a reply in 30 s; the bot used {r.bot_cpu:.1f} s CPU meanwhile "
        f"({r.bot_cpu / r.took:.0%} of a core)"
    )


async def part_c(args: argparse.Namespace) -> str:
    runs: list[tuple[str, Replies]] = []
    if not args.skip_quiet:
        runs.append(("quiet", await replies_run(args, 0)))
        print(replies_line(args, *runs[-1]), flush=True)
    if args.baseline_root:
        base = await replies_run(args, args.busy, Path(args.baseline_root))
        print(replies_line(args, f"{args.busy} busy loops, baseline {args.baseline_root}", base), flush=True)
    label = f"{args.busy} busy loops"
    runs.append((label, await replies_run(args, args.busy)))
    line = replies_line(args, *runs[-1])
    print(line, flush=True)
    for text, values in sorted(runs[-1][1].by_text.items(), key=lambda kv: -pct(kv[1], 95)):
        print(f"   {text!r}: p50 {pct(values, 50) * 1000:.0f} ms, p95 {pct(values, 95) * 1000:.0f} ms")
    p95 = pct(runs[-1][1].latencies, 95) * 1000
    if len(runs) == 2:
        quiet = pct(runs[0][1].latencies, 95) * 1000
        print(f"   p95 under load / quiet: {p95 / quiet:.2f}x ({p95:.0f} / {quiet:.0f} ms)")
    if args.baseline_root:
        b95 = pct(base.latencies, 95) * 1000
        print(f"   p95 under load, this tree / baseline: {p95 / b95:.2f}x ({p95:.0f} / {b95:.0f} ms)")
    verdict = "PASS" if p95 <= args.target_ms and runs[-1][1].timeouts == 0 else "FAIL"
    print(f"   reply p95 under load {p95:.0f} ms (target <= {args.target_ms:g} ms): {verdict}", flush=True)
    return line


async def run(args: argparse.Namespace) -> int:
    feed = FeedServer().start()
    try:
        if not args.skip_a:
            await part_a(args, feed)
        if not args.skip_b:
            await part_b(args, feed)
        if not args.skip_c:
            await part_c(args)
    finally:
        feed.stop()
        await drop_schema()
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--subscribers", type=int, default=10_000)
    p.add_argument("--notices", type=int, default=1_000)
    p.add_argument("--messages", type=int, default=3_000)
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--warmup", type=float, default=10.0)
    p.add_argument("--skip-a", action="store_true")
    p.add_argument("--skip-b", action="store_true")
    p.add_argument("--skip-c", action="store_true")
    p.add_argument("--busy", type=int, default=2, help="C: processes spinning a busy loop meanwhile (default 2)")
    p.add_argument("--skip-quiet", action="store_true", help="C: no run without the busy loops first")
    p.add_argument("--baseline-root", help="C: also run the bot from this source tree under the same load")
    p.add_argument("--bot-nice", type=int, default=0, help="C: run the bot at this niceness (e.g. -5; root only)")
    p.add_argument("--target-ms", type=float, default=50.0, help="C: reply p95 target under load")
    return asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
