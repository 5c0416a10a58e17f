"""The classifier's rules as data: limits, codes, subjects and phrases.

The limits are the amounts of ``../shared/SUITABILITY.md`` (DKK, converted with
``[money.rates_to_dkk]``). The subjects (the sectors, the specialised subjects
and the other named subjects) and the phrases are shipped in
``jobs/classify/data/lexicon.toml``; ``config.toml`` may replace any list
(``[[classifier.sectors]]``, ...). docs/classifier.md explains every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from jobs.classify.textmatch import STEMMERS


@dataclass(frozen=True)
class LimitSettings:
    """Amounts in DKK and counts that the rules compare with."""

    suitable_max_dkk: Decimal = Decimal(1_000_000)  # suitable 2: sector work, whole value or a lot at most this
    vcse_max_dkk: Decimal = Decimal(2_000_000)  # suitable 3: VCSE-flagged sector work at most this
    works_max_dkk: Decimal = Decimal(5_000_000)  # unlikely 1: works over this (the notice as a whole)
    large_min_dkk: Decimal = Decimal(20_000_000)  # unlikely 2: over this ...
    large_lot_max_dkk: Decimal = Decimal(2_000_000)  # ... unless a lot is at most this
    specialised_max_dkk: Decimal = Decimal(1_000_000)  # unlikely 3: a specialised subject over this
    placeholder_below: Decimal = Decimal(100)  # amounts below this mean "not given"
    many_parts_min: int = 10  # lots (or parts counted in the text) that make "many small parts"
    # An EU notice (above the thresholds) is at least this big when it states no value.
    eu_threshold_works_dkk: Decimal = Decimal(39_000_000)
    eu_threshold_dkk: Decimal = Decimal(1_050_000)

    def __post_init__(self) -> None:
        amounts = (
            self.suitable_max_dkk,
            self.vcse_max_dkk,
            self.works_max_dkk,
            self.large_min_dkk,
            self.large_lot_max_dkk,
            self.specialised_max_dkk,
            self.placeholder_below,
            self.eu_threshold_works_dkk,
            self.eu_threshold_dkk,
        )
        if any(a < 0 for a in amounts):
            raise ValueError("limits must not be negative")
        if self.many_parts_min < 2:
            raise ValueError("limits.many_parts_min must be at least 2")


@dataclass(frozen=True)
class CodeSettings:
    """Structured codes (language-neutral evidence)."""

    reserved: tuple[str, ...] = ("res-ws", "res-pub-ser")  # BT-71 and the parsers' codes for legacy/OCDS flags
    social: tuple[str, ...] = (  # BT-06 soc-obj and the BT-775 social objectives
        "soc-obj",
        "opp",
        "acc-all",
        "et-eq",
        "gen-eq",
        "hum-right",
        "work-cond",
        "other",
    )
    concession_subtypes: tuple[str, ...] = ("14", "19", "28", "32", "35", "40")  # eForms subtypes of concessions
    qualification_subtypes: tuple[str, ...] = ("15",)  # eForms subtype of a qualification system
    qualification_form_types: tuple[str, ...] = ("qu-sy",)
    works_cpv_prefixes: tuple[str, ...] = ("45",)  # CPV division 45: construction work
    sale_cpv_prefixes: tuple[str, ...] = ("7012",)  # buying and selling real estate: no work to deliver

    def __post_init__(self) -> None:
        for name in ("works_cpv_prefixes", "sale_cpv_prefixes"):
            bad = [p for p in getattr(self, name) if not (p.isdigit() and 1 <= len(p) <= 8)]
            if bad:
                raise ValueError(f"codes.{name}: {bad[0]!r} is not 1-8 digits")


@dataclass(frozen=True)
class MatchSettings:
    """How words are matched (see jobs/classify/textmatch.py)."""

    min_prefix: int = 6  # a key this long matches the start of a word ("rengoering" → "rengøringsopgaver")
    min_stem: int = 4  # a shorter key matches by its stem; shorter still, only as written
    min_compound: int = 6  # a key this long may match inside a compound ("vinduesrengøring")
    description_words: int = 80  # subject words count in the first this many words of a description

    def __post_init__(self) -> None:
        if self.min_compound < 3 or self.min_stem < 1 or self.min_prefix < self.min_stem:
            raise ValueError("match needs min_compound >= 3, min_stem >= 1 and min_prefix >= min_stem")
        if self.description_words < 0:
            raise ValueError("match.description_words must be >= 0")


@dataclass(frozen=True)
class SubjectSettings:
    """A subject a notice can be about: CPV prefixes first, words second."""

    name: str
    label_da: str = ""
    label_en: str = ""
    cpv_prefixes: tuple[str, ...] = ()
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> words and phrases

    def __post_init__(self) -> None:
        if not self.name.strip() or ":" in self.name:
            raise ValueError("a subject needs a non-empty name without ':'")
        bad = [p for p in self.cpv_prefixes if not (p.isdigit() and 1 <= len(p) <= 8)]
        if bad:
            raise ValueError(f"subject {self.name!r}: CPV prefix {bad[0]!r} is not 1-8 digits")
        unknown = sorted(set(self.words) - set(STEMMERS))
        if unknown:
            raise ValueError(f"subject {self.name!r}: no stemmer for language {unknown[0]!r}")

    def label(self, lang: str) -> str:
        return (self.label_en if lang == "en" else self.label_da) or self.name.replace("_", " ")


@dataclass(frozen=True)
class SectorSettings(SubjectSettings):
    """A sector of SUITABILITY.md: suitable when small."""

    supplies: bool = False  # a supply of this subject is really work (printed matter, prepared meals)


@dataclass(frozen=True)
class SpecialisedSettings(SubjectSettings):
    """A specialised or capital-intensive subject: unlikely over the limit."""

    needs_value: bool = False  # only a stated value shows it is large ("large IT systems")
    clear_without_value: bool = False  # clearly over the limit even when no value is given (energy supply)


PHRASE_GROUPS = ("reserved", "social", "sale", "concession", "parts", "routes", "dps", "framework")


@dataclass(frozen=True)
class PhraseSettings:
    """Phrases that are not subjects, per language."""

    reserved: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the contract is reserved
    social: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a social objective or clause
    sale: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a sale or auction, not a purchase
    concession: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a concession
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a part of work let in many parts
    dps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a dynamic purchasing system
    framework: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a framework agreement
    routes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # work let route by route

    def __post_init__(self) -> None:
        for name in PHRASE_GROUPS:
            unknown = sorted(set(getattr(self, name)) - set(STEMMERS))
            if unknown:
                raise ValueError(f"phrases.{name}: no stemmer for language {unknown[0]!r}")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    text = resources.files("jobs.classify").joinpath("data/lexicon.toml").read_text("utf-8")
    return tomllib.loads(text)


_KINDS: dict[str, type[SubjectSettings]] = {
    "sectors": SectorSettings,
    "specialised": SpecialisedSettings,
    "other_subjects": SubjectSettings,
}


def _subject(cls: type[SubjectSettings], raw: dict[str, Any]) -> SubjectSettings:
    extra = {k: bool(raw[k]) for k in ("supplies", "needs_value", "clear_without_value") if k in raw}
    return cls(
        name=raw["name"],
        label_da=raw.get("label_da", ""),
        label_en=raw.get("label_en", ""),
        cpv_prefixes=tuple(raw.get("cpv_prefixes", ())),
        words={lang: tuple(words) for lang, words in raw.get("words", {}).items()},
        **extra,
    )


def shipped_subjects(kind: str) -> tuple[Any, ...]:
    """The shipped ``sectors``, ``specialised`` or ``other_subjects`` of data/lexicon.toml."""
    return tuple(_subject(_KINDS[kind], raw) for raw in _lexicon()[kind])


def shipped_phrases() -> PhraseSettings:
    raw = _lexicon()["phrases"]
    return PhraseSettings(**{k: {lang: tuple(v) for lang, v in langs.items()} for k, langs in raw.items()})


@dataclass(frozen=True)
class ClassifierSettings:
    """``[classifier]`` in config.toml."""

    limits: LimitSettings = field(default_factory=LimitSettings)
    codes: CodeSettings = field(default_factory=CodeSettings)
    match: MatchSettings = field(default_factory=MatchSettings)
    sectors: tuple[SectorSettings, ...] = field(default_factory=lambda: shipped_subjects("sectors"))
    specialised: tuple[SpecialisedSettings, ...] = field(default_factory=lambda: shipped_subjects("specialised"))
    other_subjects: tuple[SubjectSettings, ...] = field(default_factory=lambda: shipped_subjects("other_subjects"))
    phrases: PhraseSettings = field(default_factory=shipped_phrases)

    def __post_init__(self) -> None:
        names = [s.name for s in (*self.sectors, *self.specialised, *self.other_subjects)]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"subject names must be unique: {dupes[0]!r} repeats")
