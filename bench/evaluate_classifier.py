"""Evaluate the suitability classifier against the hand-labelled set.

Reads tests/data/labels.csv (see tests/data/LABELLING.md), parses each labelled
notice from ../shared/fixtures with the project's parsers, classifies it with
the shipped config's rules (as the bot would on arrival: ``now`` is the
notice's publication time) and prints precision and recall per level, the
confusion matrix and the disagreements.

Usage: python bench/evaluate_classifier.py [--config config.toml] [--fixtures ../shared/fixtures]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.classify import LEVELS, Classifier  # noqa: E402
from jobs.config import load_settings  # noqa: E402
from jobs.ingest.parse import parse_document  # noqa: E402
from jobs.notice import Notice  # noqa: E402

FALLBACK_NOW = datetime(2000, 1, 1, tzinfo=UTC)


def arrival_time(notice: Notice) -> datetime:
    """When the bot would first see the notice: its publication, else well before its deadline."""
    if notice.published_at is not None:
        return notice.published_at
    if notice.deadline is not None:
        return notice.deadline - timedelta(days=60)
    return FALLBACK_NOW


def load_labelled(labels: Path, fixtures: Path) -> list[tuple[Notice, str, str]]:
    rows = list(csv.DictReader(labels.open(encoding="utf-8")))
    pages: dict[str, dict[str, Notice]] = {}
    out: list[tuple[Notice, str, str]] = []
    for row in rows:
        source = row["source_file"]
        if source not in pages:
            page = parse_document((fixtures / source).read_bytes())
            pages[source] = {n.id: n for n in page.notices}
        notice = pages[source].get(row["notice_id"])
        if notice is None:
            raise SystemExit(f"{source}: notice {row['notice_id']} not found")
        out.append((notice, row["label"], source))
    return out


def evaluate(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, int, int]]:
    """Per level: (precision, recall, predicted count, true count)."""
    result: dict[str, tuple[float, float, int, int]] = {}
    for level in LEVELS:
        tp = sum(1 for gold, pred in pairs if gold == level and pred == level)
        n_pred = sum(1 for _, pred in pairs if pred == level)
        n_gold = sum(1 for gold, _ in pairs if gold == level)
        result[level] = (tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0, n_pred, n_gold)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(ROOT / "config.toml"))
    ap.add_argument("--fixtures", default=str(ROOT.parent / "shared" / "fixtures"))
    ap.add_argument("--labels", default=str(ROOT / "tests" / "data" / "labels.csv"))
    ap.add_argument("--quiet", action="store_true", help="only the summary, not the disagreements")
    args = ap.parse_args(argv)

    settings = load_settings(args.config, env={})
    clf = Classifier(settings.classifier, settings.money)
    labelled = load_labelled(Path(args.labels), Path(args.fixtures))

    pairs: list[tuple[str, str]] = []
    misses: list[str] = []
    reserved_unlikely = 0
    for notice, gold, source in labelled:
        a = clf.classify(notice, arrival_time(notice))
        pairs.append((gold, a.level))
        if any(r.signal in ("reserved", "reserved_text") for r in a.reasons) and a.level == "unlikely":
            reserved_unlikely += 1
        if gold != a.level:
            top = ", ".join(f"{r.signal}{r.weight:+d}" for r in a.reasons[:4]) or "no signal"
            misses.append(f"  {gold:>8} -> {a.level:<8} {a.score:3d}  {source} {notice.title[:60]!r}  [{top}]")

    print(
        f"rules_version {clf.rules_version}; {len(pairs)} labelled notices "
        f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(g for g, _ in pairs).items()))})"
    )
    print(f"{'level':<10}{'precision':>10}{'recall':>8}{'predicted':>11}{'labelled':>10}")
    for level, (p, r, n_pred, n_gold) in evaluate(pairs).items():
        print(f"{level:<10}{p:>10.2f}{r:>8.2f}{n_pred:>11}{n_gold:>10}")
    accuracy = sum(1 for g, p in pairs if g == p) / len(pairs)
    print(f"accuracy {accuracy:.2f}; reserved notices assessed unlikely: {reserved_unlikely}")
    print("confusion (rows: label, columns: classifier)")
    print(f"{'':<10}" + "".join(f"{lv:>10}" for lv in LEVELS))
    for gold in LEVELS:
        print(f"{gold:<10}" + "".join(f"{sum(1 for g, p in pairs if g == gold and p == pred):>10}" for pred in LEVELS))
    if misses and not args.quiet:
        print(f"disagreements ({len(misses)}):")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
