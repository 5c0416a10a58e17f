"""Classifier speed: assessments per second on the shared eForms notices, and the
ratio of classification time to parsing time in the same run (target: <= 10%).

Each round parses every eForms file under ../shared/fixtures/eforms (the
deliberately invalid one excluded) and then classifies every parsed notice with
the shipped rules; the median of the rounds is reported. The first round also
shows the cold cost (empty stem caches), which the steady state amortises.

Times are the process's CPU time (``time.process_time``), so that other work on a busy
machine (a shared 2-core box) does not count; the wall-clock ratio is printed too.

Usage: python bench/bench_classify.py [--rounds 7] [--fixtures ../shared/fixtures]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.classify import Classifier  # noqa: E402
from jobs.config import load_settings  # noqa: E402
from jobs.ingest.parse import parse_document  # noqa: E402
from jobs.notice import Notice  # noqa: E402

NOW = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
TARGET = 0.10


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--fixtures", default=str(ROOT.parent / "shared" / "fixtures"))
    ap.add_argument("--config", default=str(ROOT / "config.toml"))
    args = ap.parse_args(argv)

    files = [p for p in sorted((Path(args.fixtures) / "eforms").rglob("*.xml")) if "invalid" not in p.parts]
    blobs = [p.read_bytes() for p in files]
    load_before = os.getloadavg()[0]
    settings = load_settings(args.config, env={})
    t0 = time.perf_counter()
    clf = Classifier(settings.classifier, settings.money)
    build = time.perf_counter() - t0

    parse_times: list[float] = []
    classify_times: list[float] = []
    wall_parse: list[float] = []
    wall_classify: list[float] = []
    n_notices = n_lots = 0
    for _ in range(max(1, args.rounds)):
        w0, t0 = time.perf_counter(), time.process_time()
        notices: list[Notice] = []
        for blob in blobs:
            notices.extend(parse_document(blob, fmt="eforms").notices)
        w1, t1 = time.perf_counter(), time.process_time()
        for n in notices:
            clf.classify(n, NOW)
        w2, t2 = time.perf_counter(), time.process_time()
        parse_times.append(t1 - t0)
        classify_times.append(t2 - t1)
        wall_parse.append(w1 - w0)
        wall_classify.append(w2 - w1)
        n_notices, n_lots = len(notices), sum(len(n.lots) for n in notices)

    parse_s, classify_s = min(parse_times), min(classify_times)
    ratio = classify_s / parse_s
    median_ratio = statistics.median(classify_times) / statistics.median(parse_times)
    print(f"{len(files)} eForms files, {n_notices} notices, {n_lots} lots; {args.rounds} rounds (fastest, CPU time)")
    print(f"classifier build (compile matchers): {build * 1000:.1f} ms")
    print(f"parse:    {parse_s * 1000:8.1f} ms  ({n_notices / parse_s:,.0f} notices/s)")
    print(
        f"classify: {classify_s * 1000:8.1f} ms  ({n_notices / classify_s:,.0f} assessments/s, "
        f"{(n_notices + n_lots) / classify_s:,.0f} incl. lot assessments/s)"
    )
    print(
        f"first round (cold caches): classify {classify_times[0] * 1000:.1f} ms, parse {parse_times[0] * 1000:.1f} ms"
    )
    print(
        f"median round: classify {statistics.median(classify_times) * 1000:.1f} ms, "
        f"parse {statistics.median(parse_times) * 1000:.1f} ms, ratio {median_ratio:.1%}"
    )
    print(f"wall clock, fastest rounds: ratio {min(wall_classify) / min(wall_parse):.1%}")
    print(f"load average before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f} (on {os.cpu_count()} cores)")
    verdict = "OK" if ratio <= TARGET else "OVER TARGET"
    print(f"classification / parse time: {ratio:.1%} (target <= {TARGET:.0%}): {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
