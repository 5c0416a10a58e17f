"""Ingestion benchmark: the whole pipeline vs bare parsing of the same bytes, in one run.

1. A 5,000-item RSS feed (the bundled udbud.dk example items repeated with
   unique guids) served over real HTTP on loopback. Baseline: bare
   ``feedparser.parse`` of the same bytes. Pipeline: ``poll_source`` = fetch
   from loopback + parse + normalise + classify + store (SQLite, fresh file).
2. The shared eForms notices. Baseline: bare ``lxml.etree.fromstring`` of every
   file. Pipeline: detect + parse + normalise (``parse_document``) + classify +
   store.

Prints notices/s and the ratio pipeline/baseline (target: ≤ 2× for the feed).
Run: python -m bench.bench_ingest [--items 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import feedparser
from lxml import etree

from jobs.config import Settings, SourceSettings, load_settings
from jobs.db import open_database
from jobs.ingest.parse import parse_document
from jobs.ingest.poll import poll_source, sync_sources
from jobs.ingest.store import store_notices
from jobs.runtime import make_assess, open_runtime
from tests.feedserver import FeedServer, Route

ROOT = Path(__file__).resolve().parents[1]
EFORMS = ROOT.parent / "shared" / "fixtures" / "eforms"


def big_feed(items: int) -> bytes:
    src = (ROOT / "examples" / "feeds" / "udbud-dk-rss.xml").read_text(encoding="utf-8")
    head, rest = src.split("<item>", 1)
    body, tail = ("<item>" + rest).rsplit("</item>", 1)
    blocks = [b + "</item>" for b in body.split("</item>") if b.strip()]
    out = []
    for i in range(items):
        block = blocks[i % len(blocks)]
        block = re.sub(r"<guid([^>]*)>([^<]*)</guid>", rf"<guid\1>\2-{i}</guid>", block)
        out.append(block)
    return (head + "\n".join(out) + tail).encode("utf-8")


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


async def pipeline_feed(settings: Settings, url: str) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        s = replace(
            settings,
            database=replace(settings.database, url=f"sqlite+aiosqlite:///{tmp}/b.sqlite3"),
            sources=(SourceSettings(name="big", kind="rss", url=url),),
        )
        db = await open_database(s.database.url)
        async with open_runtime(s, db=db) as rt:
            await sync_sources(rt)
            t0 = time.perf_counter()
            report = await poll_source(rt, s.sources[0])
            elapsed = time.perf_counter() - t0
        await db.close()
        assert report.ok, report.error
        return elapsed, report.result.stored


async def pipeline_eforms(settings: Settings, files: list[bytes]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(f"sqlite+aiosqlite:///{tmp}/e.sqlite3")
        assess = make_assess(settings)
        t0 = time.perf_counter()
        notices = [n for data in files for n in parse_document(data, source="eforms").notices]
        async with db.sessions.begin() as s:
            res = await store_notices(
                s,
                "eforms",
                notices,
                now=__import__("jobs.runtime").runtime.utcnow(),
                money=settings.money,
                assess=assess,
            )
        elapsed = time.perf_counter() - t0
        await db.close()
        return elapsed, res.stored + res.duplicates


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    settings = load_settings(ROOT / "config.toml")

    data = big_feed(args.items)
    server = FeedServer().start()
    server.routes["/big.xml"] = Route(body=data)
    try:
        base = best(lambda: feedparser.parse(io.BytesIO(data)), args.repeat)
        runs = [asyncio.run(pipeline_feed(settings, server.url("/big.xml"))) for _ in range(args.repeat)]
    finally:
        server.stop()
    pipe, stored = min(runs)
    print(f"RSS feed: {args.items} items, {len(data) / 1e6:.1f} MB")
    print(f"  bare feedparser.parse      {base:7.3f} s  {args.items / base:8.0f} items/s")
    print(f"  pipeline (fetch→store)     {pipe:7.3f} s  {stored / pipe:8.0f} notices/s  (stored {stored})")
    print(f"  ratio pipeline / feedparser {pipe / base:6.2f}x  (target ≤ 2.00x)")

    files = [p.read_bytes() for p in sorted(EFORMS.rglob("*.xml")) if "invalid" not in p.parts]
    base_x = best(lambda: [etree.fromstring(d) for d in files], args.repeat)
    runs_x = [asyncio.run(pipeline_eforms(settings, files)) for _ in range(args.repeat)]
    pipe_x, n = min(runs_x)
    parse_only = best(lambda: [parse_document(d, source="eforms") for d in files], args.repeat)
    print(f"eForms: {len(files)} shared notices")
    print(f"  bare lxml parse            {base_x:7.3f} s  {len(files) / base_x:8.0f} notices/s")
    print(f"  parse+normalise            {parse_only:7.3f} s  ratio {parse_only / base_x:5.2f}x")
    print(f"  pipeline (parse→store)     {pipe_x:7.3f} s  {n / pipe_x:8.0f} notices/s  ratio {pipe_x / base_x:5.2f}x")


if __name__ == "__main__":
    main()
