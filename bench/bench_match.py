"""Matching benchmark: 1,000 notices × 10,000 subscriptions, the index vs the naive loop.

Notices are the real parsed example feeds (``examples/``) and the shared eForms
fixtures, converted exactly as ``jobs.deliver.outbox.match_notice_of`` does (title +
description + lot titles, CPV incl. lots, value in DKK, level from the shipped
classifier), repeated with distinct ids up to ``--notices``. Subscriptions are
generated (seeded): categories from the shipped config's categories and
sectors, Danish/English keywords (some exclusions), maximum values and levels.

Measured in one run: ``SubscriptionIndex.build`` + ``index.match`` of every
notice (target: ≤ 1 s in total), and the naive loop ``match_naive`` (every
subscription checked against every notice) on a sample of notices,
extrapolated to all of them; both must give the same recipients on the sample.

Run: python -m bench.bench_match [--notices 1000] [--subs 10000] [--naive-sample 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from jobs.categories import prefix_table
from jobs.config import Settings, load_settings
from jobs.deliver.match import MatchNotice, Subscription, SubscriptionIndex, categories_to_prefixes, match_naive
from jobs.ingest.parse import parse_document
from jobs.notice import Notice
from jobs.runtime import make_assess

ROOT = Path(__file__).resolve().parents[1]
EFORMS = ROOT.parent / "shared" / "fixtures" / "eforms"
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

# What social enterprises type (Danish first, some English), and what they exclude.
KEYWORDS = [
    "rengøring",
    "vinduespudsning",
    "catering",
    "kantine",
    "mad",
    "frokost",
    "grønne",
    "områder",
    "græsslåning",
    "snerydning",
    "vedligeholdelse",
    "flytning",
    "transport",
    "kørsel",
    "vask",
    "tøjvask",
    "tryk",
    "trykkeri",
    "emballage",
    "pakning",
    "montage",
    "cykler",
    "genbrug",
    "affald",
    "møbler",
    "istandsættelse",
    "maling",
    "malerarbejde",
    "tømrer",
    "håndværk",
    "beskæftigelse",
    "praktik",
    "mentor",
    "socialøkonomi",
    "kaffe",
    "it",
    "test",
    "software",
    "konsulent",
    "rådgivning",
    "webdesign",
    "café",
    "cleaning",
    "gardening",
    "laundry",
    "printing",
    "packaging",
    "removal",
    "recycling",
    "furniture",
    "employment",
    "training",
    "bicycle",
    "repair",
]
PHRASES = ("grønne områder", "social klausul", "pleje af grønne arealer", "office cleaning")
EXCLUSIONS = ("vagt", "bygge", "asfalt", "rådgivning", "software", "medicin", "kloak", "anlæg")
MAX_VALUES = (100_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000)


def source_notices() -> list[Notice]:
    files = [p for p in sorted((ROOT / "examples").rglob("*")) if p.suffix in (".xml", ".json")]
    files += [p for p in sorted(EFORMS.rglob("*.xml")) if "invalid" not in p.parts]
    out: list[Notice] = []
    for p in files:
        out.extend(parse_document(p.read_bytes()).notices)
    return out


def match_notice(i: int, n: Notice, settings: Settings, level: str) -> MatchNotice:
    """The fields ``jobs.deliver.outbox.match_notice_of`` reads from a stored row, from the Notice."""
    cpv = list(n.cpv)
    texts = [n.title, n.description]
    for lot in n.lots:
        cpv.extend(c for c in lot.cpv if c not in cpv)
        texts.append(lot.title)
    return MatchNotice(
        id=i,
        text=" ".join(t for t in texts if t),
        cpv=tuple(cpv),
        value_dkk=settings.money.to_dkk(n.value, n.currency),
        level=level,
        first_seen_at=T0,
    )


def make_notices(settings: Settings, count: int) -> tuple[list[MatchNotice], int]:
    assess = make_assess(settings, lambda: T0)
    base = source_notices()
    levels = [assess(n).level for n in base]
    return [match_notice(i + 1, base[i % len(base)], settings, levels[i % len(base)]) for i in range(count)], len(base)


def make_subscriptions(settings: Settings, count: int, seed: int) -> list[Subscription]:
    rng = random.Random(seed)
    table = prefix_table(settings)
    keys = sorted(table)
    subs = []
    for sid in range(1, count + 1):
        n_cat = rng.choices((0, 1, 2, 3), weights=(25, 40, 25, 10))[0]
        cats = rng.sample(keys, n_cat)
        words: list[str] = []
        if rng.random() < 0.6:
            words = rng.sample(KEYWORDS, rng.randint(1, 5))
            if rng.random() < 0.15:
                words.append(rng.choice(PHRASES))
        if not cats and not words and rng.random() < 0.8:
            cats = [rng.choice(keys)]  # most people pick something; the rest get everything
        if words and rng.random() < 0.2:
            words += ["-" + w for w in rng.sample(EXCLUSIONS, rng.randint(1, 2))]
        subs.append(
            Subscription(
                id=sid,
                cpv_prefixes=categories_to_prefixes(cats, table),
                keywords=tuple(words),
                max_value_dkk=Decimal(rng.choice(MAX_VALUES)) if rng.random() < 0.35 else None,
                min_level=rng.choices(("all", "possible", "suitable"), weights=(15, 60, 25))[0],
                since=T0 - timedelta(days=rng.randint(1, 300)),
            )
        )
    return subs


def run_index(subs: list[Subscription], notices: list[MatchNotice]) -> tuple[float, float, dict[int, list[int]]]:
    t0 = time.perf_counter()
    index = SubscriptionIndex.build(subs)
    t1 = time.perf_counter()
    result = {n.id: index.match(n) for n in notices}
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notices", type=int, default=1000)
    ap.add_argument("--subs", type=int, default=10_000)
    ap.add_argument("--naive-sample", type=int, default=50, help="notices the naive loop runs on (0: all)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args(argv)

    settings = load_settings(ROOT / "config.toml", env={})
    notices, distinct = make_notices(settings, args.notices)
    subs = make_subscriptions(settings, args.subs, args.seed)
    n_kw = sum(1 for s in subs if any(not k.startswith("-") for k in s.keywords))
    n_ex = sum(1 for s in subs if any(k.startswith("-") for k in s.keywords))
    n_all = sum(1 for s in subs if not s.cpv_prefixes and not any(not k.startswith("-") for k in s.keywords))
    print(
        f"{len(notices)} notices ({distinct} distinct, parsed from examples/ and the shared eForms fixtures), "
        f"{len(subs)} subscriptions"
    )
    print(
        f"  subscriptions: {sum(1 for s in subs if s.cpv_prefixes)} with categories, {n_kw} with keywords, "
        f"{n_ex} with exclusions, {sum(1 for s in subs if s.max_value_dkk)} with a max value, {n_all} match-all"
    )

    runs = [run_index(subs, notices) for _ in range(max(1, args.repeat))]
    cold_total = runs[0][0] + runs[0][1]
    build, match_s, result = min(runs, key=lambda r: r[0] + r[1])
    total = build + match_s
    matches = sum(len(v) for v in result.values())
    print(f"index: build {build * 1000:7.1f} ms, match all {match_s * 1000:7.1f} ms, total {total * 1000:7.1f} ms")
    print(
        f"  {len(notices) / match_s:,.0f} notices/s, {matches:,} matches "
        f"({matches / len(notices):.1f} per notice); first (cold) run {cold_total * 1000:.1f} ms; "
        f"best of {len(runs)}"
    )

    if 0 < args.naive_sample < len(notices):  # spread over every source, not just the first feed
        sample = notices[:: len(notices) // args.naive_sample][: args.naive_sample]
    else:
        sample = notices
    t0 = time.perf_counter()
    naive = {n.id: match_naive(n, subs) for n in sample}
    naive_s = time.perf_counter() - t0
    naive_all = naive_s * len(notices) / len(sample)
    agree = all(naive[n.id] == result[n.id] for n in sample)
    how = "measured" if len(sample) == len(notices) else f"extrapolated from {len(sample)} notices"
    print(f"naive loop: {naive_s:.2f} s for {len(sample)} notices → {naive_all:.1f} s for {len(notices)} ({how})")
    print(f"ratio naive / index (match only): {naive_all / match_s:,.0f}x; incl. build: {naive_all / total:,.0f}x")
    print(f"index and naive agree on the {len(sample)} sampled notices: {'yes' if agree else 'NO'}")
    ok = total <= 1.0 and agree
    print(f"index build + match all: {total:.3f} s (target ≤ 1 s): {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
