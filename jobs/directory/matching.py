"""Which listed enterprises fit a planned purchase, and how to buy so that they can bid. Pure.

A purchase's *trades* are the categories its CPV codes fall in (jobs/categories.py) and the
sectors its text names (the classifier's sector words, in every language they have). An enterprise
*fits* when one of its trades is one of the purchase's and its area covers the purchase's
area; its size (the largest contract it says it can take on) orders the list and explains
itself, but never excludes: the advice is to split the purchase instead. The advice follows
../shared/SUITABILITY.md: lots of at most 1 mio. kr., a lot reserved under udbudsloven § 20,
a social clause. Every fit and every piece of advice carries its reason as data
(a code and values); the faces turn them into sentences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jobs.classify.settings import SubjectSettings
from jobs.classify.textmatch import Matcher

LOT_MAX_DKK = Decimal(1_000_000)  # SUITABILITY.md: a lot ≤ 1 mio. kr. suits a small social enterprise
AREA_RANK = {"roskilde": 0, "sjaelland": 1, "danmark": 2}  # narrow to wide (fields.AREAS)


@dataclass(frozen=True)
class Listed:
    """An approved profile as the public sees it (only the approved copy's fields)."""

    id: int
    name: str
    cvr: str
    trades: tuple[str, ...]
    area: str
    employees: int | None
    capacity_dkk: Decimal | None
    description: str
    website: str
    contact: str


@dataclass(frozen=True)
class Purchase:
    text: str = ""
    cpv: tuple[str, ...] = ()
    value_dkk: Decimal | None = None
    area: str = "roskilde"


@dataclass(frozen=True)
class Why:
    """A reason as data: ``code`` names the sentence, ``values`` fill it in."""

    code: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Fit:
    enterprise: Listed
    reasons: tuple[Why, ...]
    score: int


@dataclass(frozen=True)
class Advice:
    code: str  # split_lots, size_fits, reserve_lot, social_clause
    values: Mapping[str, object]
    reason: Why


@dataclass(frozen=True)
class MatchResult:
    trades: tuple[str, ...]
    fits: tuple[Fit, ...]
    advice: tuple[Advice, ...]


class TradeFinder:
    """Purchase → trades, from CPV prefixes and the sectors' keywords (built once)."""

    def __init__(self, prefixes: Mapping[str, Sequence[str]], sectors: Sequence[SubjectSettings]) -> None:
        self.prefixes = {k: tuple(v) for k, v in prefixes.items()}
        self.sector_names = {s.name for s in sectors}
        # the sectors' words in every language they have, and their Danish and English names
        self._matcher = Matcher(
            {
                s.name: {
                    **{lang: words for lang, words in s.words.items()},
                    "da": (*s.words.get("da", ()), *((s.label_da,) if s.label_da else ())),
                    "en": (*s.words.get("en", ()), *((s.label_en,) if s.label_en else ())),
                }
                for s in sectors
                if s.name in prefixes
            }
        )

    def trades(self, purchase: Purchase) -> tuple[str, ...]:
        found: list[str] = []
        for key, prefixes in self.prefixes.items():
            if any(code.startswith(p) for code in purchase.cpv for p in prefixes):
                found.append(key)
        if purchase.text.strip():
            for match in self._matcher.find(purchase.text):
                group = match.group
                if group not in found:
                    found.append(group)
                    # a sector named in the text also puts the purchase in the categories its codes belong to
                    for key, prefixes in self.prefixes.items():
                        if key not in found and any(sp.startswith(p) for sp in self.prefixes[group] for p in prefixes):
                            found.append(key)
        return tuple(found)


def covers(enterprise_area: str, purchase_area: str) -> bool:
    """Does an enterprise working in ``enterprise_area`` reach a purchase in ``purchase_area``?"""
    return AREA_RANK.get(enterprise_area, -1) >= AREA_RANK.get(purchase_area, 0)


def fit_of(e: Listed, purchase: Purchase, trades: Sequence[str], sectors: set[str]) -> Fit | None:
    shared = [t for t in e.trades if t in trades]
    if not shared or not covers(e.area, purchase.area):
        return None
    specific = [t for t in shared if t in sectors]
    reasons = [Why("trade", {"trades": tuple(specific or shared)})]
    score = 3 if specific else 2
    reasons.append(Why("area_same" if e.area == purchase.area else "area_covers", {"area": e.area}))
    if e.area == purchase.area:
        score += 1
    value, capacity = purchase.value_dkk, e.capacity_dkk
    if value is not None and capacity is not None:
        if value <= capacity:
            reasons.append(Why("size_fits", {"capacity": capacity, "value": value}))
            score += 1
        else:
            reasons.append(Why("size_lot", {"capacity": capacity, "value": value}))
    elif capacity is None:
        reasons.append(Why("size_unknown", {}))
    if e.employees:
        reasons.append(Why("employees", {"employees": e.employees}))
    return Fit(e, tuple(reasons), score)


def advise(purchase: Purchase, trades: Sequence[str], fits: Sequence[Fit], sectors: set[str]) -> list[Advice]:
    """What to do so that social enterprises can bid, each with its reason (SUITABILITY.md)."""
    out: list[Advice] = []
    value = purchase.value_dkk
    if value is None:
        out.append(Advice("split_lots", {"lot_max": LOT_MAX_DKK}, Why("value_unknown")))
    elif value > LOT_MAX_DKK:
        lots = math.ceil(value / LOT_MAX_DKK)
        out.append(Advice("split_lots", {"lot_max": LOT_MAX_DKK, "lots": lots}, Why("value_large", {"value": value})))
    else:
        out.append(Advice("size_fits", {"lot_max": LOT_MAX_DKK}, Why("value_small", {"value": value})))
    sector_trades = [t for t in trades if t in sectors]
    if fits:
        out.append(Advice("reserve_lot", {}, Why("enterprises_listed", {"count": len(fits)})))
    elif sector_trades:
        out.append(Advice("reserve_lot", {}, Why("sector", {"trades": tuple(sector_trades)})))
    out.append(Advice("social_clause", {}, Why("clause_points")))
    return out


def match_purchase(
    purchase: Purchase, enterprises: Iterable[Listed], finder: TradeFinder, *, limit: int = 15
) -> MatchResult:
    """The enterprises that fit (best first) and the advice, each with its reasons."""
    trades = finder.trades(purchase)
    fits = [f for e in enterprises if (f := fit_of(e, purchase, trades, finder.sector_names)) is not None]
    fits.sort(key=lambda f: (-f.score, f.enterprise.name.lower(), f.enterprise.id))
    return MatchResult(tuple(trades), tuple(fits[:limit]), tuple(advise(purchase, trades, fits, finder.sector_names)))
