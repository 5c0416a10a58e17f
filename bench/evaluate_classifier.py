"""Evaluate the suitability classifier against the labelled notices.

Reads tests/data/labels.csv (labelled by ``../shared/SUITABILITY.md``, see
tests/data/LABELLING.md), parses each labelled notice with the project's parsers
(from ``../shared/fixtures``, or from this repository for ``tests/data/notices/…``),
classifies it with the shipped config's rules as the bot would on arrival (``now``
is the notice's publication time) and prints:

* precision and recall per level, and the confusion matrix;
* macro-F1 of suitable-or-possible vs unlikely, and the precision of suitable;
* how many assessments (of notices and of lots) carry no reason (must be 0);
* how many reserved notices are assessed unlikely (must be 0);
* every disagreement, with the classifier's first reason.

Usage: python -m bench.evaluate_classifier [--config config.toml] [--fixtures ../shared/fixtures]
       [--labels tests/data/labels.csv] [--quiet] [--markdown]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.classify import LEVELS, Assessment, Classifier  # noqa: E402
from jobs.config import load_settings  # noqa: E402
from jobs.ingest.parse import parse_document  # noqa: E402
from jobs.notice import Notice  # noqa: E402

FALLBACK_NOW = datetime(2000, 1, 1, tzinfo=UTC)
TARGETS = {"macro_f1": 0.85, "suitable_precision": 0.85}


def arrival_time(notice: Notice) -> datetime:
    """When the bot would first see the notice: its publication, else well before its deadline."""
    if notice.published_at is not None:
        return notice.published_at
    if notice.deadline is not None:
        return notice.deadline - timedelta(days=60)
    return FALLBACK_NOW


@dataclass(frozen=True)
class Labelled:
    notice: Notice
    label: str
    source: str


def load_labelled(labels: Path, fixtures: Path) -> list[Labelled]:
    """The labelled notices; a row is matched on its file and its notice id."""
    with labels.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pages: dict[str, dict[str, Notice]] = {}
    out: list[Labelled] = []
    for row in rows:
        source = row["source_file"]
        if source not in pages:
            path = ROOT / source if source.startswith("tests/") else fixtures / source
            pages[source] = {n.id: n for n in parse_document(path.read_bytes()).notices}
        notice = pages[source].get(row["notice_id"])
        if notice is None:
            raise SystemExit(f"{source}: notice {row['notice_id']} not found")
        out.append(Labelled(notice, row["label"], source))
    return out


def per_level(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, int, int]]:
    """Per level: (precision, recall, predicted count, labelled count)."""
    result: dict[str, tuple[float, float, int, int]] = {}
    for level in LEVELS:
        tp = sum(1 for gold, pred in pairs if gold == level and pred == level)
        n_pred = sum(1 for _, pred in pairs if pred == level)
        n_gold = sum(1 for gold, _ in pairs if gold == level)
        result[level] = (tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0, n_pred, n_gold)
    return result


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro-F1 of the two classes suitable-or-possible ("yes") and unlikely ("no")."""
    two = [(g != "unlikely", p != "unlikely") for g, p in pairs]
    scores = []
    for cls in (True, False):
        tp = sum(1 for g, p in two if g == cls and p == cls)
        n_pred = sum(1 for _, p in two if p == cls)
        n_gold = sum(1 for g, _ in two if g == cls)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def without_reason(a: Assessment) -> int:
    """Assessments (the notice's and each lot's) that carry no reason with text in both languages."""

    def bad(reasons: tuple[object, ...]) -> bool:
        return not reasons or any(not (r.da and r.en) for r in reasons)  # type: ignore[attr-defined]

    return int(bad(a.reasons)) + sum(1 for la in a.lots if bad(la.reasons))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(ROOT / "config.toml"))
    ap.add_argument("--fixtures", default=str(ROOT.parent / "shared" / "fixtures"))
    ap.add_argument("--labels", default=str(ROOT / "tests" / "data" / "labels.csv"))
    ap.add_argument("--quiet", action="store_true", help="only the summary, not the disagreements")
    ap.add_argument("--markdown", action="store_true", help="the summary as Markdown tables (for the docs)")
    args = ap.parse_args(argv)

    settings = load_settings(args.config, env={})
    clf = Classifier(settings.classifier, settings.money)
    labelled = load_labelled(Path(args.labels), Path(args.fixtures))

    pairs: list[tuple[str, str]] = []
    misses: list[str] = []
    reserved_unlikely = no_reason = assessments = reserved = 0
    for item in labelled:
        a = clf.classify(item.notice, arrival_time(item.notice))
        pairs.append((item.label, a.level))
        assessments += 1 + len(a.lots)
        no_reason += without_reason(a)
        if any(r.signal in ("reserved", "reserved_text") for r in a.reasons) or item.notice.reserved:
            reserved += 1
            reserved_unlikely += a.level == "unlikely"
        if item.label != a.level:
            top = a.reasons[0].en if a.reasons else "no reason"
            misses.append(f"  {item.label:>8} -> {a.level:<8} {item.source} {item.notice.title[:60]!r}  [{top}]")

    levels = per_level(pairs)
    f1 = macro_f1(pairs)
    suitable_precision = levels["suitable"][0]
    counts = Counter(g for g, _ in pairs)
    if args.markdown:
        print("| level | precision | recall | assessed | labelled |")
        print("|---|---|---|---|---|")
        for level, (p, r, n_pred, n_gold) in levels.items():
            print(f"| {level} | {p:.2f} | {r:.2f} | {n_pred} | {n_gold} |")
        print()
        print(f"| measure ({len(pairs)} notices) | result | target |")
        print("|---|---|---|")
        print(f"| macro-F1, suitable-or-possible vs unlikely | {f1:.3f} | ≥ {TARGETS['macro_f1']} |")
        print(f"| precision of suitable | {suitable_precision:.3f} | ≥ {TARGETS['suitable_precision']} |")
        print(f"| assessments without a reason | {no_reason} of {assessments} | 0 |")
        print(f"| reserved notices assessed unlikely | {reserved_unlikely} of {reserved} | 0 |")
        print()
        print(
            "Confusion (rows: label, columns: classifier): "
            + "; ".join(
                f"{g} " + " / ".join(str(sum(1 for x, y in pairs if x == g and y == p)) for p in LEVELS) for g in LEVELS
            )
        )
        return 0
    print(
        f"rules_version {clf.rules_version}; {len(pairs)} labelled notices "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); {assessments} assessments with lots"
    )
    print(f"{'level':<10}{'precision':>10}{'recall':>8}{'predicted':>11}{'labelled':>10}")
    for level, (p, r, n_pred, n_gold) in levels.items():
        print(f"{level:<10}{p:>10.2f}{r:>8.2f}{n_pred:>11}{n_gold:>10}")
    accuracy = sum(1 for g, p in pairs if g == p) / len(pairs)
    print(f"accuracy {accuracy:.3f}")
    print(f"macro-F1 suitable-or-possible vs unlikely: {f1:.3f} (target >= {TARGETS['macro_f1']})")
    print(f"precision of suitable: {suitable_precision:.3f} (target >= {TARGETS['suitable_precision']})")
    print(f"assessments without a reason: {no_reason} of {assessments} (target 0)")
    print(f"reserved notices assessed unlikely: {reserved_unlikely} of {reserved} (target 0)")
    print("confusion (rows: label, columns: classifier)")
    print(f"{'':<10}" + "".join(f"{lv:>10}" for lv in LEVELS))
    for gold in LEVELS:
        print(f"{gold:<10}" + "".join(f"{sum(1 for g, p in pairs if g == gold and p == pred):>10}" for pred in LEVELS))
    if misses and not args.quiet:
        print(f"disagreements ({len(misses)}):")
        print("\n".join(misses))
    ok = (
        f1 >= TARGETS["macro_f1"]
        and suitable_precision >= TARGETS["suitable_precision"]
        and no_reason == 0
        and reserved_unlikely == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
