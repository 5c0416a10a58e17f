"""Web section benchmark: the list page over 100,000 stored notices, over real HTTP.

Stores ``--notices`` notices (seeded: 25 % with a deadline ahead, levels mixed, CPV codes
from the configured categories, every tenth one superseded by a newer version), serves the
section with uvicorn on loopback and requests the list page: unfiltered, by category, by
level and deadline, by a search word, and a deep page. Baseline, in the same run: the static
stylesheet through the same server (the HTTP and middleware cost alone). Prints p50 / p95 per
query and the ratio to the baseline; the target is p95 ≤ 100 ms for the list page.

Run: python -m bench.bench_web [--notices 100000] [--requests 200] [--pg URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select, text, update

from jobs.categories import all_categories
from jobs.config import load_settings
from jobs.db import open_database
from jobs.models import NoticeRow
from jobs.runtime import open_runtime
from web.server import WebServer

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WORDS = ["rengøring", "kantine", "vinduespudsning", "grønne områder", "kørsel", "tryk", "vask", "pakning", "it-drift"]


async def fill(db: object, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    settings = load_settings(ROOT / "config.toml", env={})
    cats = list(all_categories(settings).values())
    rows = []
    for i in range(n):
        cat = rng.choice(cats)
        prefix = rng.choice(cat.cpv_prefixes)
        cpv = (prefix + "0" * 8)[:8]
        open_ = rng.random() < 0.25
        deadline = NOW + timedelta(days=rng.uniform(1, 90)) if open_ else NOW - timedelta(days=rng.uniform(1, 365))
        word = rng.choice(WORDS)
        rows.append(
            {
                "source": "bench",
                "external_id": f"n{i}",
                "version": "1",
                "dedup_key": f"bench|n{i}|1",
                "content_hash": f"{i:064d}",
                "title": f"Udbud {i}: {word} i område {i % 97}",
                "description": f"Beskrivelse af opgaven med {word} og andet arbejde. " * 3,
                "buyer": f"Kommune {i % 50}",
                "url": f"https://example.dk/{i}",
                "cpv": [cpv],
                "nuts": ["DK021"],
                "value": rng.choice([None, 200_000, 800_000, 3_000_000, 40_000_000]),
                "currency": "DKK",
                "deadline": deadline,
                "notice_type": "competition",
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
    async with db.sessions.begin() as s:  # type: ignore[attr-defined]
        for start in range(0, n, 5000):
            await s.execute(insert(NoticeRow), rows[start : start + 5000])
        # every tenth notice has a newer version (the list must skip the old one)
        ids = (await s.scalars(select(NoticeRow.id).order_by(NoticeRow.id))).all()
        for a, b in zip(ids[0::20], ids[1::20], strict=False):
            await s.execute(update(NoticeRow).where(NoticeRow.id == b).values(changes_notice_id=a))
    if db.is_postgres:  # type: ignore[attr-defined]
        async with db.engine.begin() as conn:  # type: ignore[attr-defined]
            await conn.execute(text("ANALYZE"))


async def timed(client: httpx.AsyncClient, path: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = await client.get(path)
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return out


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notices", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--pg", help="PostgreSQL URL (an empty database or schema); default: a temporary SQLite file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.pg or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        settings = load_settings(ROOT / "config.toml", env={})
        settings = replace(settings, database=replace(settings.database, url=url))
        db = await open_database(url)
        t0 = time.perf_counter()
        await fill(db, args.notices)
        print(f"stored {args.notices:,} notices in {time.perf_counter() - t0:.1f} s ({db.engine.dialect.name})")
        async with open_runtime(settings, db=db, clock=lambda: NOW) as rt:
            server = WebServer(settings, rt=rt, host="127.0.0.1", port=0)
            await server.start()
            base = f"http://127.0.0.1:{server.bound_port}"
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                await timed(client, "/", 5)  # warm up
                baseline = await timed(client, "/static/style.css", args.requests)
                b95 = pct(baseline, 95)
                print(f"{'query':42} {'p50 ms':>8} {'p95 ms':>8} {'p95/baseline':>13}")
                print(f"{'baseline: /static/style.css':42} {pct(baseline, 50):8.1f} {b95:8.1f} {1.0:13.1f}")
                worst = 0.0
                for path in (
                    "/",
                    "/?kategori=cleaning",
                    "/?kategori=renovation&vurdering=oplagt&frist=30",
                    "/?q=rengøring",
                    "/?side=40",
                    "/feed.atom",
                ):
                    times = await timed(client, path, args.requests)
                    p95 = pct(times, 95)
                    if not path.startswith("/feed"):
                        worst = max(worst, p95)
                    print(f"{path:42} {pct(times, 50):8.1f} {p95:8.1f} {p95 / b95:13.1f}")
                print(f"worst list-page p95: {worst:.1f} ms (target ≤ 100 ms): {'OK' if worst <= 100 else 'TOO SLOW'}")
            await server.stop()
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
