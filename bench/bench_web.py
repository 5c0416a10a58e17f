"""Web section benchmark: the list page over 100,000 stored notices, over real HTTP.

Stores ``--notices`` notices as the store does (seeded: 25 % with a deadline ahead, levels
mixed, 5 % awards, CPV codes from the configured categories, a fifth with 2-3 lots of their
own codes, one in twenty superseded by a newer version; the list's ``notice_text`` and
``notice_cpv`` rows as jobs/listindex.py makes them), serves the section with uvicorn on
loopback and requests the list page: unfiltered, by a narrow and a broad category, by level,
by deadline, all three, by a common and an absent search word, a deep page, and the feed.

Baselines, in the same run: the static stylesheet through the same server (HTTP and
middleware alone), and a plain indexed SELECT of one page of 20 notices through the same
engine (no HTTP). Prints p50 / p95 per query and the p95 ratios to both; the target is
p95 ≤ 100 ms for the list page. No ANALYZE on SQLite (a real database has none either);
on PostgreSQL the fill ends with ANALYZE, as autovacuum would.

Run: python -m bench.bench_web [--notices 100000] [--requests 200] [--pg]
     (--pg: on PostgreSQL at $UDBUDSBOT_TEST_PG_URL, default
     postgresql+asyncpg://postgres@127.0.0.1:5432/test, in a throwaway schema)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, text, update

from jobs.categories import all_categories
from jobs.config import Settings, load_settings
from jobs.db import Database, create_database, open_database
from jobs.listindex import cpv_numbers, search_text
from jobs.models import LotRow, NoticeCpv, NoticeRow, NoticeText
from jobs.runtime import open_runtime
from web.server import WebServer

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PG_URL = os.environ.get("UDBUDSBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
WORDS = ["rengøring", "kantine", "vinduespudsning", "grønne områder", "kørsel", "tryk", "vask", "pakning", "it-drift"]


def _rows(n: int, seed: int) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """Notice rows and, for a fifth of them, 2-3 lots (their own CPV codes)."""
    rng = random.Random(seed)
    settings = load_settings(ROOT / "config.toml", env={})
    cats = list(all_categories(settings).values())

    def code() -> str:
        return (rng.choice(rng.choice(cats).cpv_prefixes) + "0" * 8)[:8]

    rows, lots = [], {}
    for i in range(n):
        open_ = rng.random() < 0.25
        deadline = NOW + timedelta(days=rng.uniform(1, 90)) if open_ else NOW - timedelta(days=rng.uniform(1, 365))
        word = rng.choice(WORDS)
        title, buyer = f"Udbud {i}: {word} i område {i % 97}", f"Kommune {i % 50}"
        description = f"Beskrivelse af opgaven med {word} og andet arbejde. " * 3
        rows.append(
            {
                "source": "bench",
                "external_id": f"n{i}",
                "version": "1",
                "dedup_key": f"bench|n{i}|1",
                "content_hash": f"{i:064d}",
                "title": title,
                "description": description,
                "buyer": buyer,
                "url": f"https://example.dk/{i}",
                "cpv": [code()],
                "nuts": ["DK021"],
                "value": rng.choice([None, 200_000, 800_000, 3_000_000, 40_000_000]),
                "currency": "DKK",
                "deadline": deadline,
                "notice_type": "award" if rng.random() < 0.05 else "competition",
                "reserved": [],
                "social": [],
                "framework": False,
                "language": "da",
                "texts": {},
                "score": 60,
                "level": rng.choice(["suitable", "possible", "possible", "unlikely"]),
                "reasons": [{"signal": "small_value", "weight": 10, "evidence": "400 000 DKK"}],
                "baseline": False,
                "first_seen_at": NOW - timedelta(days=rng.uniform(0, 400)),
            }
        )
        if rng.random() < 0.2:
            lots[i] = [
                {"position": k, "lot_id": f"LOT-{k + 1}", "title": f"Delaftale {k + 1}", "cpv": [code()]}
                for k in range(rng.choice((2, 3)))
            ]
    return rows, lots


async def fill(db: Database, n: int, seed: int = 7) -> None:
    """Store ``n`` notices as the store does (with their lots and the list's index columns)."""
    rows, lots = _rows(n, seed)
    async with db.sessions.begin() as s:
        for start in range(0, n, 5000):
            await s.execute(insert(NoticeRow), rows[start : start + 5000])
        ids = (await s.scalars(select(NoticeRow.id).order_by(NoticeRow.id))).all()
        lot_rows = [dict(lot, notice_id=ids[i]) for i, ls in lots.items() for lot in ls]
        for start in range(0, len(lot_rows), 5000):
            await s.execute(insert(LotRow), lot_rows[start : start + 5000])
        codes = [
            {"notice_id": ids[i], "code": c, "deadline": row["deadline"]}
            for i, row in enumerate(rows)
            for c in sorted(cpv_numbers(row["cpv"], *(lot["cpv"] for lot in lots.get(i, ()))))
        ]
        for start in range(0, len(codes), 5000):
            await s.execute(insert(NoticeCpv), codes[start : start + 5000])
        texts = [
            {
                "notice_id": ids[i],
                "deadline": r["deadline"],
                "search_text": search_text(r["title"], r["buyer"], r["description"]),
            }
            for i, r in enumerate(rows)
        ]
        for start in range(0, len(texts), 5000):
            await s.execute(insert(NoticeText), texts[start : start + 5000])
        # every tenth notice has a newer version (the list must skip the old one)
        for a, b in zip(ids[0::20], ids[1::20], strict=False):
            await s.execute(update(NoticeRow).where(NoticeRow.id == b).values(changes_notice_id=a))
    if db.is_postgres:
        async with db.engine.connect() as conn:  # as autovacuum would: statistics and the visibility map
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))


QUERIES = (
    "/",
    "/?kategori=cleaning",
    "/?kategori=renovation",
    "/?vurdering=oplagt",
    "/?frist=14",
    "/?kategori=renovation&vurdering=oplagt&frist=30",
    "/?q=rengøring",
    "/?q=helikopter",
    "/?side=40",
    "/feed.atom",
)


async def timed(client: httpx.AsyncClient, path: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = await client.get(path)
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return out


async def plain_select(db: Database, n: int) -> list[float]:
    """Baseline: a plain indexed SELECT of one page of 20 notices (by id), through the engine."""
    rng = random.Random(3)
    out = []
    async with db.sessions() as s:
        for _ in range(n):
            t0 = time.perf_counter()
            rows = (await s.scalars(select(NoticeRow).where(NoticeRow.id > rng.randrange(90_000)).limit(20))).all()
            out.append((time.perf_counter() - t0) * 1000)
            assert len(rows) == 20
    return out


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


def row(name: str, times: list[float], b_css: float, b_sql: float) -> None:
    p95 = pct(times, 95)
    print(f"{name:48} {pct(times, 50):7.1f} {p95:7.1f} {p95 / b_css:8.1f} {p95 / b_sql:10.1f}")


async def measure(settings: Settings, db: Database, requests: int) -> float:
    """Serve the section and time every query; the worst list-page p95 (ms)."""
    async with open_runtime(settings, db=db, clock=lambda: NOW) as rt:
        server = WebServer(settings, rt=rt, host="127.0.0.1", port=0)
        await server.start()
        base = f"http://127.0.0.1:{server.bound_port}"
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            first = await client.get("/")
            assert first.text.count('<li class="notice">') == 20, "the list page does not show 20 notices"
            for path in QUERIES:  # warm up (SQL compilation caches, Babel, templates)
                await timed(client, path, 3)
            css = await timed(client, "/static/style.css", requests)
            sql = await plain_select(db, requests)
            b_css, b_sql = pct(css, 95), pct(sql, 95)
            print(f"{'query':48} {'p50 ms':>7} {'p95 ms':>7} {'p95/css':>8} {'p95/select':>10}")
            row("baseline: GET /static/style.css", css, b_css, b_sql)
            row("baseline: SELECT one page of 20 (no HTTP)", sql, b_css, b_sql)
            worst = 0.0
            for path in QUERIES:
                times = await timed(client, path, requests)
                p95 = pct(times, 95)
                if not path.startswith("/feed"):
                    worst = max(worst, p95)
                row(path, times, b_css, b_sql)
        await server.stop()
    return worst


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notices", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--pg", action="store_true", help=f"PostgreSQL at {PG_URL} (a throwaway schema), not SQLite")
    args = ap.parse_args()
    schema = f"udbudsbot_bench_web_{os.getpid()}" if args.pg else None
    with tempfile.TemporaryDirectory() as tmp:
        url = PG_URL if args.pg else f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        settings = load_settings(ROOT / "config.toml", env={})
        settings = replace(settings, database=replace(settings.database, url=url))
        if schema:
            await pg_schema(schema, create=True)
        try:
            db = await open_database(url, schema=schema)
            t0 = time.perf_counter()
            await fill(db, args.notices)
            print(f"stored {args.notices:,} notices in {time.perf_counter() - t0:.1f} s ({db.engine.dialect.name})")
            print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
            worst = await measure(settings, db, args.requests)
            print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
            verdict = "OK" if worst <= 100 else "TOO SLOW"
            print(f"worst list-page p95: {worst:.1f} ms (target ≤ 100 ms): {verdict}")
            await db.close()
        finally:
            if schema:
                await pg_schema(schema, create=False)


async def pg_schema(schema: str, *, create: bool) -> None:
    db = create_database(PG_URL)
    async with db.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        if create:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await db.close()


if __name__ == "__main__":
    asyncio.run(main())
