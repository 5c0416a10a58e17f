"""Fan-out and memory benchmark: new notices × subscribers into outbox rows, and a poll's peak RSS.

**Fan-out** (SQLite and PostgreSQL): ``--subs`` subscribers (default 10,000), each with one
of 50 Danish service keywords (``bench.bench_match.KEYWORDS``; so ~1/50 of them match a
notice) and minimum level "all"; ``--new`` new notices (default 1,000) stored by
``jobs.ingest.store.store_notices``, each titled with one keyword, so about
``subs × new / 50`` outbox rows (200,000 by default). Timed in one run, best of
``--repeat``, each in a transaction rolled back afterwards:

* the real path: ``Runtime.announce`` as ``open_runtime`` builds it
  (``jobs.deliver.outbox.Fanout`` → ``enqueue_notices``), with a cold index cache (the first
  poll of a process: subscribers read and indexed) and warm (a later poll, nothing changed);
* the baseline: a plain SQLAlchemy Core bulk insert (one executemany) of the very rows the
  fan-out made, read back from the outbox.

``ratio_*`` is cold fan-out / bulk insert (target ≤ 2).

**Memory**: a database of ``--stored`` notices (default 100,000) and the same subscribers,
the source past its baseline; a child process then runs one whole poll round
(``jobs.ingest.poll.poll_source``: fetch an RSS feed of ``--new`` new items over HTTP from
``tests/feedserver.py``, parse, classify, store, fan out, commit) and reports its peak RSS
(``VmHWM``, or ``ru_maxrss`` where there is no ``/proc``) and its RSS before the poll (imports, runtime).
Run for 100 and ``--new`` new items: peak RSS should not grow with either (target ≤ 150 MB).

Run: python -m bench.bench_fanout [--subs 10000] [--new 1000] [--stored 100000] [--repeat 2]
         [--pg-url URL] [--no-pg] [--json]
     (PostgreSQL: $UDBUDSBOT_TEST_PG_URL or postgresql+asyncpg://postgres@127.0.0.1:5432/test,
     in a throwaway schema; quick run: --subs 1000 --new 200 --stored 5000)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import func, insert, select, text, update

from jobs.config import Settings, SourceSettings, load_settings
from jobs.db import Database, create_database, open_database
from jobs.ingest.poll import poll_source, sync_sources
from jobs.ingest.store import store_notices
from jobs.models import OutboxRow, Source, Subscriber
from jobs.notice import Notice, NoticeType
from jobs.runtime import open_runtime

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("UDBUDSBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SCHEMA = f"bench_fanout_{os.getpid()}"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WORDS = 50
SOURCE = "feed"


def keywords() -> list[str]:
    from bench.bench_match import KEYWORDS

    return KEYWORDS[:WORDS]


def settings_for(url: str, feed_url: str = "http://127.0.0.1:1/feed.xml") -> Settings:
    s = load_settings(ROOT / "config.toml", env={})
    return replace(
        s,
        database=replace(s.database, url=url),
        sources=(SourceSettings(name=SOURCE, kind="rss", url=feed_url),),
    )


def notice(i: int, prefix: str) -> Notice:
    word = keywords()[i % WORDS]
    return Notice(
        source=SOURCE,
        id=f"{prefix}-{i}",
        title=f"{word.capitalize()} til kommune {i}",
        description=f"Opgaven omfatter {word} i kommunens bygninger, løbende over fire år. Udbud {prefix} {i}.",
        buyer=f"Kommune {i % 98}",
        cpv=("90910000",),
        deadline=NOW + timedelta(days=30),
        notice_type=NoticeType.COMPETITION,
        published_at=NOW,
    )


async def seed_subscribers(db: Database, count: int) -> None:
    words = keywords()
    since = NOW - timedelta(days=30)
    rows = [
        {
            "chat_id": 1_000_000 + c,
            "user_id": 1_000_000 + c,
            "name": f"Virksomhed {c}",
            "min_level": "all",
            "keywords": [words[c % WORDS]],
            "categories": [],
            "subscribed_at": since,
            "created_at": since,
            "updated_at": since,
        }
        for c in range(count)
    ]
    async with db.sessions.begin() as s:
        for i in range(0, count, 5000):
            await s.execute(insert(Subscriber), rows[i : i + 5000])


async def seed_notices(db: Database, settings: Settings, count: int, prefix: str) -> list[int]:
    ids: list[int] = []
    for i in range(0, count, 5000):
        batch = [notice(j, prefix) for j in range(i, min(count, i + 5000))]
        async with db.sessions.begin() as s:
            res = await store_notices(s, SOURCE, batch, now=NOW - timedelta(days=1), money=settings.money)
        ids.extend(res.new)
    return ids


# ---- fan-out against a bulk insert ---------------------------------------------------------


async def fanout_case(db: Database, settings: Settings, subs: int, new: int, repeat: int) -> dict[str, Any]:
    await seed_subscribers(db, subs)
    ids = await seed_notices(db, settings, new, "new")
    cold: list[float] = []
    warm: list[float] = []
    bulk: list[float] = []
    rows: list[dict[str, Any]] = []
    for _ in range(repeat):
        async with open_runtime(settings, db=db, clock=lambda: NOW) as rt:  # a new process: cold cache
            announce = rt.announce
            assert announce is not None
            for times in (cold, warm):
                async with db.sessions() as s, s.begin():
                    t0 = time.perf_counter()
                    await announce(s, ids, [], NOW)
                    times.append(time.perf_counter() - t0)
                    if not rows:
                        q = select(*(c for c in OutboxRow.__table__.columns if c.name != "id"))
                        rows = [dict(r._mapping) for r in await s.execute(q)]
                    await s.rollback()
        async with db.engine.connect() as conn:
            trans = await conn.begin()
            t0 = time.perf_counter()
            await conn.execute(OutboxRow.__table__.insert(), rows)
            bulk.append(time.perf_counter() - t0)
            await trans.rollback()
    return {
        "rows": len(rows),
        "fanout_cold_s": min(cold),
        "fanout_warm_s": min(warm),
        "bulk_s": min(bulk),
        "ratio": min(cold) / min(bulk),
        "ratio_warm": min(warm) / min(bulk),
    }


async def run_fanout(url: str, schema: str | None, subs: int, new: int, repeat: int) -> dict[str, Any]:
    if schema:
        admin = create_database(url)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.close()
    db = await open_database(url, schema=schema)
    try:
        return await fanout_case(db, settings_for(url), subs, new, repeat)
    finally:
        await db.close()
        if schema:
            admin = create_database(url)
            async with admin.engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await admin.close()


# ---- peak RSS of a poll round --------------------------------------------------------------


def rss_feed(count: int) -> bytes:
    words = keywords()
    items = []
    for i in range(count):
        word = words[i % WORDS]
        items.append(
            f"<item><title>{escape(word.capitalize())} til region {i}</title>"
            f"<guid isPermaLink='false'>poll-{i}</guid><link>https://example.org/udbud/poll-{i}</link>"
            f"<description>{escape(f'Opgaven omfatter {word} i regionens bygninger. Udbud nr. {i}.')}</description>"
            "<pubDate>Tue, 01 Dec 2026 08:00:00 +0000</pubDate></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Udbud</title>"
        "<link>https://example.org/</link><description>Udbud</description>" + "".join(items) + "</channel></rss>"
    ).encode()


async def seed_rss_db(path: Path, subs: int, stored: int) -> None:
    url = f"sqlite+aiosqlite:///{path}"
    settings = settings_for(url)
    db = await open_database(url)
    try:
        await seed_subscribers(db, subs)
        await seed_notices(db, settings, stored, "stored")
        async with open_runtime(settings, db=db, clock=lambda: NOW) as rt:
            await sync_sources(rt)
        async with db.sessions.begin() as s:  # past the baseline: new items are announced
            await s.execute(update(Source).values(baseline_done=True))
    finally:
        await db.close()


def maxrss_mb() -> float:
    """This process's peak RSS. Linux's ``VmHWM`` when there is one: ``ru_maxrss`` survives
    ``exec`` and would report the parent's peak at the ``fork`` instead of the child's own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


async def child_poll(db_path: str, feed_url: str) -> dict[str, Any]:
    """In a fresh process: one poll round; RSS before and at its peak."""
    url = f"sqlite+aiosqlite:///{db_path}"
    settings = settings_for(url, feed_url)
    db = await open_database(url)
    async with open_runtime(settings, db=db, clock=lambda: NOW) as rt:
        await sync_sources(rt)  # the feed's URL of this run
        before = maxrss_mb()
        t0 = time.perf_counter()
        report = await poll_source(rt, settings.sources[0])
        elapsed = time.perf_counter() - t0
    await db.close()
    assert report.ok, report.error
    return {"new": len(report.result.new), "rss_before_mb": before, "peak_rss_mb": maxrss_mb(), "poll_s": elapsed}


async def outbox_rows(db_path: Path) -> int:
    """Counted by the parent: reading 200,000 rows in the child would count in its peak."""
    db = await open_database(f"sqlite+aiosqlite:///{db_path}")
    try:
        async with db.sessions() as s:
            return int(await s.scalar(select(func.count()).select_from(OutboxRow)) or 0)
    finally:
        await db.close()


def run_rss(subs: int, stored: int, sizes: list[int]) -> list[dict[str, Any]]:
    from tests.feedserver import FeedServer, Route

    out = []
    server = FeedServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            seeded = Path(tmp) / "seed.sqlite3"
            asyncio.run(seed_rss_db(seeded, subs, stored))
            for n in sizes:
                server.routes[f"/feed-{n}.xml"] = Route(
                    body=rss_feed(n), headers={"content-type": "application/rss+xml"}
                )
                db_path = Path(tmp) / f"poll-{n}.sqlite3"
                shutil.copy(seeded, db_path)
                for suffix in ("-wal", "-shm"):
                    if Path(f"{seeded}{suffix}").exists():
                        shutil.copy(f"{seeded}{suffix}", f"{db_path}{suffix}")
                proc = subprocess.run(
                    [sys.executable, "-m", "bench.bench_fanout", "--child", str(db_path), server.url(f"/feed-{n}.xml")],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                child = json.loads(proc.stdout.strip().splitlines()[-1])
                out.append({"stored": stored, "subs": subs, "outbox_rows": asyncio.run(outbox_rows(db_path)), **child})
    finally:
        server.stop()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subs", type=int, default=10_000)
    ap.add_argument("--new", type=int, default=1_000)
    ap.add_argument("--stored", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--pg-url", default=PG_URL)
    ap.add_argument("--no-pg", action="store_true", help="SQLite only")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--rss-only", action="store_true", help="only the poll rounds' peak RSS")
    ap.add_argument("--child", nargs=2, metavar=("DB", "FEED_URL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child_poll(*args.child))))
        return 0
    rss = run_rss(args.subs, args.stored, sorted({min(100, args.new), args.new}))  # first: a small parent
    lite = pg = None
    if not args.rss_only:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/f.sqlite3"
            lite = asyncio.run(run_fanout(url, None, args.subs, args.new, args.repeat))
        if not args.no_pg:
            pg = asyncio.run(run_fanout(args.pg_url, SCHEMA, args.subs, args.new, args.repeat))
    result = {
        "ratio_sqlite": None if lite is None else round(lite["ratio"], 2),
        "ratio_pg": None if pg is None else round(pg["ratio"], 2),
        "peak_rss_mb": round(rss[-1]["peak_rss_mb"], 1),
        "sqlite": lite,
        "postgresql": pg,
        "poll_rounds": rss,
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"fan-out: {args.new} new notices x {args.subs} subscribers (best of {args.repeat})")
    for name, r in (("SQLite", lite), ("PostgreSQL", pg)):
        if r is None:
            continue
        print(
            f"  {name:<10} {r['rows']:>7} rows  fan-out {r['fanout_cold_s']:.2f} s cold"
            f" / {r['fanout_warm_s']:.2f} s warm  bulk insert {r['bulk_s']:.2f} s"
            f"  ratio {r['ratio']:.2f} cold / {r['ratio_warm']:.2f} warm (target <= 2)"
        )
    print(f"poll round over {args.stored} stored notices, {args.subs} subscribers (SQLite, a process each):")
    for r in rss:
        print(
            f"  {r['new']:>5} new  {r['outbox_rows']:>7} outbox rows  RSS before poll {r['rss_before_mb']:.0f} MB"
            f"  peak {r['peak_rss_mb']:.0f} MB  poll {r['poll_s']:.1f} s (target peak <= 150 MB)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
