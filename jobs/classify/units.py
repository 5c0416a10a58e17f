"""The facts one assessment looks at (subject, words found, the unit decided) and helpers over codes and values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal, NamedTuple

from jobs.classify.settings import SectorSettings, SpecialisedSettings, SubjectSettings

Kind = Literal["sector", "specialised", "other"]
_NONE_CODES = {"none", "no", "false", ""}


class Subject:
    """What a notice is about; one object per (kind, name, evidence) (``FactBuilder.subject_of``),
    so identity is equality and units that hold one hash cheaply."""

    __slots__ = ("clear_without_value", "evidence", "kind", "name", "needs_value", "settings", "supplies")

    def __init__(self, kind: Kind, settings: SubjectSettings, evidence: str) -> None:
        self.kind = kind
        self.settings = settings
        self.name = settings.name
        self.evidence = evidence  # "CPV 90910000" or the matched words
        self.supplies = isinstance(settings, SectorSettings) and settings.supplies
        self.needs_value = isinstance(settings, SpecialisedSettings) and settings.needs_value
        self.clear_without_value = isinstance(settings, SpecialisedSettings) and settings.clear_without_value


@dataclass(slots=True)
class Words:
    """What the words of one text say."""

    heading: str = ""  # the title (and its English version), as written
    description: str = ""
    pieces: list[str] | None = None  # title, BREAK, description, split on white space (once needed)
    head: int = 0  # pieces before the description (the title and BREAK), set with ``pieces``
    looked: bool = False  # subject words looked for in the title (only when no CPV code decides: see facts)
    looked_body: bool = False  # ... and in the start of the description (only when no code is specific)
    looked_more: bool = False  # social, parts and routes looked for (only when the subject needs them)
    title_subject: tuple[str, str] | None = None  # (group, matched words), the first subject word
    body_subject: tuple[str, str] | None = None  # the same in the start of the description
    reserved: str = ""
    social: str = ""
    sale: str = ""
    concession: str = ""
    dps: str = ""
    framework: str = ""
    routes: str = ""
    parts: int = 0  # the largest number written just before a word for a part ("32 ruter")


@dataclass(frozen=True, slots=True)
class Shared:
    """Facts about all lots of a notice, computed once per notice."""

    reserved_text: bool  # some lot's own text says it is reserved
    reserved: bool  # some lot carries its own reservation code
    social: bool  # some lot carries its own social code


class Unit(NamedTuple):
    """The facts one assessment looks at: the whole notice or one lot (a hashable tuple: equal
    facts give the same decision, so the many alike lots of a notice are decided once)."""

    is_lot: bool
    subject: Subject | None
    works: bool
    supplies: bool
    value: Decimal | None  # DKK; the unit's own value
    value_floor: Decimal | None  # DKK; a lower bound when no value is given (an EU notice)
    whole: Decimal | None  # DKK; the notice as a whole (works and large rules)
    whole_floor: Decimal | None
    whole_works: bool
    smallest_lot: Decimal | None  # DKK; an upper bound of the smallest lot's value (whole notice only)
    reserved: tuple[str, ...]  # codes
    reserved_text: str
    social: bool
    sale: bool
    vcse: bool
    scheme: str  # "dps", "qualification", "framework" or ""
    concession: bool
    parts: int
    routes: bool  # work let route by route (school transport)
    lots: int
    whole_large: bool = False  # the notice as a whole is over the large limit with no small lot


def subject_codes(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """CPV codes in order, a bare division ("85000000") after the more specific codes."""
    return _ordered_codes(groups[0] if len(groups) == 1 else tuple(c for g in groups for c in g))


@lru_cache(maxsize=20_000)
def _ordered_codes(codes: tuple[str, ...]) -> tuple[str, ...]:
    unique = tuple(dict.fromkeys(codes))
    specific = tuple(c for c in unique if not c.endswith("000000"))
    return specific + tuple(c for c in unique if c.endswith("000000"))


def codes(*parts: tuple[str, ...]) -> tuple[str, ...]:
    """Codes without duplicates and without "none"."""
    return _clean_codes(parts[0] if len(parts) == 1 else tuple(c for part in parts for c in part))


@lru_cache(maxsize=20_000)
def _clean_codes(codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in codes if c.lower() not in _NONE_CODES))


def smallest_lot(whole: Decimal | None, lot_values: list[Decimal | None]) -> Decimal | None:
    """An upper bound of the smallest lot's value: the smallest known lot value, or what the
    lots without a value share of the rest (one of them is at most the average)."""
    if not lot_values:
        return None
    known = [v for v in lot_values if v is not None]
    bounds = list(known)
    unknown = len(lot_values) - len(known)
    if unknown and whole is not None:
        rest = whole - sum(known, Decimal(0))
        if rest >= 0:
            bounds.append(rest / unknown)
    return min(bounds) if bounds else None
