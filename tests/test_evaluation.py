"""The classifier meets its targets on the labelled set (tests/data/labels.csv, LABELLING.md)."""

from __future__ import annotations

from bench.evaluate_classifier import macro_f1, main


def test_macro_f1_counts_suitable_and_possible_as_one_class() -> None:
    assert macro_f1([("suitable", "possible"), ("unlikely", "unlikely")]) == 1.0
    assert macro_f1([("possible", "unlikely"), ("unlikely", "possible")]) == 0.0


def test_labelled_set_meets_the_targets() -> None:
    """macro-F1 (suitable-or-possible vs unlikely) and precision of suitable >= 0.85, every
    assessment with a reason, no reserved notice unlikely: exit code 0."""
    assert main(["--quiet"]) == 0
