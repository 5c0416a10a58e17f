"""The RSS pipeline against bare feedparser in instructions executed (valgrind's callgrind),
which other processes' load does not move at all, unlike wall-clock or CPU time.

Each measured step runs in a process of its own under callgrind, twice: once with all the
set-up (imports, a warm-up on a 5-item feed, for the pipeline the database and a first poll)
and stopping there, once doing the same and then the step. The step's instructions are the
difference. Baseline: bare ``feedparser.parse`` of the feed's bytes; pipeline:
``poll_source`` (fetch from loopback, parse, normalise, classify, store into SQLite), all
threads counted. Needs valgrind (Debian's ``valgrind``); under it Python runs some 50 times
slower, hence a smaller feed than bench_ingest.py's (fixed costs of a poll weigh more).

Run: python -m bench.bench_ingest_instructions [--items 500]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def step(mode: str, items: int) -> None:
    """base0/base1: bare feedparser (set-up only / and the step); pipe0/pipe1: the pipeline."""
    import feedparser

    from bench.bench_ingest import big_feed
    from jobs.config import SourceSettings, load_settings
    from jobs.db import open_database
    from jobs.ingest.parse import feed  # noqa: F401  (imported in every mode)
    from jobs.ingest.poll import poll_source, sync_sources
    from jobs.runtime import open_runtime
    from tests.feedserver import FeedServer, Route

    settings = load_settings(ROOT / "config.toml")
    small, data = big_feed(5), big_feed(items)
    if mode.startswith("base"):
        feedparser.parse(io.BytesIO(small))
        if mode == "base1":
            feedparser.parse(io.BytesIO(data))
        return
    server = FeedServer().start()
    server.routes["/small.xml"] = Route(body=small)
    server.routes["/big.xml"] = Route(body=data)

    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            sources = (
                SourceSettings(name="small", kind="rss", url=server.url("/small.xml")),
                SourceSettings(name="big", kind="rss", url=server.url("/big.xml")),
            )
            url = f"sqlite+aiosqlite:///{tmp}/b.sqlite3"
            s = replace(settings, database=replace(settings.database, url=url), sources=sources)
            db = await open_database(url)
            async with open_runtime(s, db=db) as rt:
                await sync_sources(rt)
                assert (await poll_source(rt, sources[0])).ok
                if mode == "pipe1":
                    report = await poll_source(rt, sources[1])
                    assert report.ok and report.result.stored == items, report
            await db.close()

    try:
        asyncio.run(run())
    finally:
        server.stop()


def instructions(mode: str, items: int) -> int:
    """Instructions of the whole process running ``step(mode)`` under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable]
        cmd += ["-m", "bench.bench_ingest_instructions", "--step", mode, "--items", str(items)]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(cmd, check=True, env=env, stderr=subprocess.DEVNULL)
        totals = next(line for line in out.read_text().splitlines() if line.startswith("totals:"))
        return int(totals.split()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=500)
    ap.add_argument("--step", choices=("base0", "base1", "pipe0", "pipe1"))
    args = ap.parse_args()
    if args.step:
        step(args.step, args.items)
        return
    ir = {mode: instructions(mode, args.items) for mode in ("base0", "base1", "pipe0", "pipe1")}
    base, pipe = ir["base1"] - ir["base0"], ir["pipe1"] - ir["pipe0"]
    print(f"RSS feed: {args.items} items; instructions executed (callgrind), set-up subtracted")
    print(f"  bare feedparser.parse      {base / 1e6:9.1f} M")
    print(f"  pipeline (fetch→store)     {pipe / 1e6:9.1f} M")
    print(f"  ratio pipeline / feedparser {pipe / base:5.2f}x  (target <= 1.30x)")


if __name__ == "__main__":
    main()
