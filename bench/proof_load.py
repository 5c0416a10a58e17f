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
   verdict against ``--target-ms`` (50 ms). Code in ``bench/proof_replies.py``.

    python -m bench.proof_load [--skip-a] [--skip-b] [--skip-c] [--busy N] [--skip-quiet] [--settle S]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from bench.proof_common import CATEGORY_CPV, Cluster, drop_schema, fresh_database, open_rows
from bench.proof_replies import part_c
from jobs.config import FetchSettings, SourceSettings, load_settings
from jobs.ingest.poll import poll_source, sync_sources
from jobs.models import NoticeRow, OutboxRow, Subscriber
from jobs.runtime import open_runtime
from tests.botkit import rss
from tests.conftest import ROOT
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer, Route
from tests.scalekit import add_broadcast, add_subscribers

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
    p.add_argument("--sqlite", action="store_true", help="C: the bot on SQLite (the embedded default)")
    p.add_argument("--settle", type=float, default=3.0, help="C: seconds between queueing the broadcast and the users")
    return asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
