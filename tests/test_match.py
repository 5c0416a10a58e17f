"""Matching: semantics on hand-made cases, and the index agrees with the naive loop."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from jobs.deliver.match import MatchNotice, Subscription, SubscriptionIndex, match_naive

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def notice(
    text: str = "",
    cpv: tuple[str, ...] = (),
    value: int | None = None,
    level: str = "possible",
    seen: datetime = T0,
    baseline: bool = False,
) -> MatchNotice:
    return MatchNotice(1, text, cpv, None if value is None else Decimal(value), level, seen, baseline)


@pytest.mark.parametrize(
    ("sub", "n", "expected"),
    [
        # categories by CPV prefix
        (Subscription(1, cpv_prefixes=("9091",)), notice(cpv=("90910000",)), True),
        (Subscription(1, cpv_prefixes=("9091",)), notice(cpv=("90920000",)), False),
        # keywords: Danish inflection and compounds
        (Subscription(1, keywords=("rengøring",)), notice("Udbud af rengøringsopgaver på skoler"), True),
        (Subscription(1, keywords=("rengøring",)), notice("Vinduesrengøring i Roskilde"), True),
        (Subscription(1, keywords=("rengøring",)), notice("Levering af kaffe"), False),
        (Subscription(1, keywords=("praktikplads",)), notice("Krav om praktikpladser"), True),
        (Subscription(1, keywords=("cleaning",)), notice("Office cleaning services"), True),
        (Subscription(1, keywords=("rengoering",)), notice("rengøring af kontorer"), True),  # no æøå typed
        # exclusions win
        (Subscription(1, keywords=("rengøring", "-vinduer")), notice("Rengøring og vinduespudsning"), False),
        # categories OR keywords
        (Subscription(1, cpv_prefixes=("55",), keywords=("rengøring",)), notice("rengøring", cpv=("45000000",)), True),
        # value: above the maximum is out, unknown is never out
        (Subscription(1, max_value_dkk=Decimal(500_000)), notice(value=600_000), False),
        (Subscription(1, max_value_dkk=Decimal(500_000)), notice(value=400_000), True),
        (Subscription(1, max_value_dkk=Decimal(500_000)), notice(value=None), True),
        # level
        (Subscription(1, min_level="suitable"), notice(level="possible"), False),
        (Subscription(1, min_level="suitable"), notice(level="suitable"), True),
        (Subscription(1, min_level="possible"), notice(level="unlikely"), False),
        (Subscription(1, min_level="all"), notice(level="unlikely"), True),
        # only notices first seen after subscribing; never the silent baseline
        (Subscription(1, since=T0 + timedelta(days=1)), notice(seen=T0), False),
        (Subscription(1, since=T0 - timedelta(days=1)), notice(seen=T0), True),
        (Subscription(1), notice(baseline=True), False),
        # short keyword stems match whole words only ("it" must not match "kvalitet")
        (Subscription(1, keywords=("mad",)), notice("Levering af mad til plejecentre"), True),
        (Subscription(1, keywords=("mad",)), notice("Madrasser til hospitalet"), False),
    ],
)
def test_semantics(sub: Subscription, n: MatchNotice, expected: bool) -> None:
    assert (SubscriptionIndex.build([sub]).match(n) == [1]) is expected
    assert (match_naive(n, [sub]) == [1]) is expected


WORDS = [
    "rengøring",
    "catering",
    "kantine",
    "transport",
    "vinduespudsning",
    "it",
    "software",
    "grønne",
    "områder",
    "vedligeholdelse",
    "tryk",
    "vask",
    "pakning",
    "undervisning",
    "beskæftigelse",
]
PREFIXES = ["90", "9091", "55", "5552", "60", "72", "48", "45", "77", "79", "80"]


def random_subs(rng: random.Random, n: int) -> list[Subscription]:
    subs = []
    for i in range(n):
        kws = rng.sample(WORDS, rng.randint(0, 2))
        if rng.random() < 0.2 and kws:
            kws.append("-" + rng.choice(WORDS))
        subs.append(
            Subscription(
                i,
                cpv_prefixes=tuple(rng.sample(PREFIXES, rng.randint(0, 2))),
                keywords=tuple(kws),
                max_value_dkk=rng.choice([None, Decimal(500_000), Decimal(5_000_000)]),
                min_level=rng.choice(["all", "possible", "suitable"]),
                since=T0 + timedelta(days=rng.randint(-5, 5)),
            )
        )
    return subs


def test_index_agrees_with_naive_loop() -> None:
    rng = random.Random(7)
    subs = random_subs(rng, 400)
    index = SubscriptionIndex.build(subs)
    total = 0
    for i in range(150):
        n = MatchNotice(
            i,
            " ".join(rng.sample(WORDS, 3)) + " opgaver",
            tuple(rng.choice(PREFIXES).ljust(8, "0") for _ in range(rng.randint(1, 3))),
            rng.choice([None, Decimal(100_000), Decimal(1_000_000), Decimal(50_000_000)]),
            rng.choice(["unlikely", "possible", "suitable"]),
            T0 + timedelta(days=rng.randint(-5, 5)),
        )
        got = index.match(n)
        assert got == match_naive(n, subs)
        total += len(got)
    assert total > 500  # the random data really exercises matches
