"""Matching notices to subscriptions: pure, indexed, explainable.

A subscription *includes* a notice when it has no include criteria, or when a
notice CPV code starts with one of its categories' CPV prefixes, or when the notice's
source puts all its items in one of its categories (``sources[].category``), or when one of
its keywords occurs in the notice text (Danish/English stems, compounds: the
keyword "rengøring" matches "rengøringsopgaver" and "vinduesrengøring"). It then
*excludes* it for an excluded keyword ("-vagt"), a value above its maximum (an
unknown value is never excluded), a level below its minimum, or a notice first
seen before the subscription began. Baseline notices are never matched.

The index maps CPV prefixes and keyword stems to subscriptions, so a notice is
compared only with the subscriptions it can concern, never with all of them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from jobs.classify.textmatch import stem, tokenize

LEVEL_RANK = {"unlikely": 0, "possible": 1, "suitable": 2}
MIN_LEVEL_RANK = {"all": 0, "possible": 1, "suitable": 2}
_TOP = max(LEVEL_RANK.values())  # ranks run 0.._TOP in both tables
MIN_COMPOUND = 5  # a keyword stem shorter than this matches whole words only
LANGS = ("da", "en")


@dataclass(frozen=True)
class Subscription:
    id: int
    cpv_prefixes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # as typed; "-word" excludes
    max_value_dkk: Decimal | None = None
    min_level: str = "possible"
    since: datetime | None = None  # notices first seen before this are not sent
    categories: tuple[str, ...] = ()  # category keys, matched against a source's category


@dataclass(frozen=True)
class MatchNotice:
    id: int
    text: str  # title + description (+ lot titles)
    cpv: tuple[str, ...]  # notice and lot CPV codes
    value_dkk: Decimal | None
    level: str | None
    first_seen_at: datetime
    baseline: bool = False
    categories: tuple[str, ...] = ()  # the category its source puts it in (sources[].category)


def keyword_stems(word: str) -> set[str]:
    """Stems of a keyword in every supported language (one word or a phrase's words)."""
    return {stem(tok, lang) for tok in tokenize(word) for lang in LANGS}


@lru_cache(maxsize=200_000)
def _token_stems(token: str) -> tuple[str, ...]:
    return tuple({stem(token, lang) for lang in LANGS})


def notice_stems(text: str) -> set[str]:
    """Stems of every word of a notice in every supported language."""
    out: set[str] = set()
    for tok in set(tokenize(text)):
        out.update(_token_stems(tok))
    return out


@dataclass
class _Includes:
    """Where the subscriptions of one minimum level look for notices: CPV prefixes and stems."""

    by_prefix: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_stem: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_category: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    match_all: set[int] = field(default_factory=set)

    def collect(
        self, found: set[int], cpv_prefixes: set[str], present: set[str], categories: Iterable[str] = ()
    ) -> None:
        found |= self.match_all
        for table, keys in ((self.by_prefix, cpv_prefixes), (self.by_stem, present)):
            for key in table.keys() & keys:  # iterates the smaller side
                found |= table[key]
        for cat in categories:
            found |= self.by_category.get(cat, set())


@dataclass
class SubscriptionIndex:
    """Subscriptions indexed so that one notice costs set operations, not a loop over all.

    Subscriptions are grouped by minimum level, so a notice only meets the groups
    that accept its level; within a group inclusion is an exact lookup (CPV
    prefixes, keyword stems). Every other exclusion is a set difference: by sorted
    lists of maximum values and of start times (``bisect``), and by excluded
    keyword stems. The result equals ``match_naive`` (``tests/test_match.py``).
    """

    subs: dict[int, Subscription] = field(default_factory=dict)
    groups: tuple[_Includes, ...] = field(default_factory=lambda: tuple(_Includes() for _ in range(_TOP + 1)))
    by_excluded_stem: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    affix_lengths: tuple[int, ...] = ()  # lengths >= MIN_COMPOUND of any indexed stem, ascending
    max_values: list[Decimal] = field(default_factory=list)  # ascending, with max_value_ids
    max_value_ids: list[int] = field(default_factory=list)
    since_values: list[datetime] = field(default_factory=list)  # ascending, with since_ids
    since_ids: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, subscriptions: Iterable[Subscription]) -> SubscriptionIndex:
        idx = cls()
        lengths: set[int] = set()
        maxes: list[tuple[Decimal, int]] = []
        sinces: list[tuple[datetime, int]] = []
        for sub in subscriptions:
            idx.subs[sub.id] = sub
            group = idx.groups[MIN_LEVEL_RANK.get(sub.min_level, 1)]
            includes = [k for k in sub.keywords if not k.startswith("-")]
            for prefix in sub.cpv_prefixes:
                group.by_prefix[prefix].add(sub.id)
            for cat in sub.categories:
                group.by_category[cat].add(sub.id)
            for k in includes:
                for s in keyword_stems(k):
                    group.by_stem[s].add(sub.id)
                    lengths.add(len(s))
            for k in sub.keywords:
                if k.startswith("-"):
                    for s in keyword_stems(k[1:]):
                        idx.by_excluded_stem[s].add(sub.id)
                        lengths.add(len(s))
            if not sub.cpv_prefixes and not includes and not sub.categories:
                group.match_all.add(sub.id)
            if sub.max_value_dkk is not None:
                maxes.append((sub.max_value_dkk, sub.id))
            if sub.since is not None:
                sinces.append((sub.since, sub.id))
        idx.affix_lengths = tuple(sorted(n for n in lengths if n >= MIN_COMPOUND))
        maxes.sort(key=lambda p: p[0])
        idx.max_values, idx.max_value_ids = [v for v, _ in maxes], [i for _, i in maxes]
        sinces.sort(key=lambda p: p[0])
        idx.since_values, idx.since_ids = [v for v, _ in sinces], [i for _, i in sinces]
        return idx

    def present_keys(self, stems: set[str]) -> set[str]:
        """Every indexable key a notice contains: its stems, and their starts and ends of
        the indexed lengths (compounds), so ``key in present`` equals ``_stem_in(key, stems)``."""
        present = set(stems)
        lengths = self.affix_lengths
        for s in stems:
            size = len(s)
            for n in lengths:
                if n >= size:
                    break
                present.add(s[:n])
                present.add(s[-n:])
        return present

    def candidates(self, notice: MatchNotice, stems: set[str]) -> set[int]:
        """Subscriptions of any level that include the notice (category or keyword)."""
        found: set[int] = set()
        prefixes = cpv_prefixes_of(notice)
        present = self.present_keys(stems)
        for group in self.groups:
            group.collect(found, prefixes, present, notice.categories)
        return found

    def match(self, notice: MatchNotice) -> list[int]:
        """Ids of the subscriptions that should get ``notice``, ascending."""
        if notice.baseline:
            return []
        present = self.present_keys(notice_stems(notice.text))
        prefixes = cpv_prefixes_of(notice)
        found: set[int] = set()
        for group in self.groups[: LEVEL_RANK.get(notice.level or "possible", 1) + 1]:
            group.collect(found, prefixes, present, notice.categories)
        if found and notice.value_dkk is not None:
            found.difference_update(self.max_value_ids[: bisect_left(self.max_values, notice.value_dkk)])
        if found and self.since_ids:
            found.difference_update(self.since_ids[bisect_right(self.since_values, notice.first_seen_at) :])
        if found:
            for key in self.by_excluded_stem.keys() & present:
                found -= self.by_excluded_stem[key]
        return sorted(found)


def cpv_prefixes_of(notice: MatchNotice) -> set[str]:
    """Every prefix of every CPV code of the notice (``code.startswith(p)`` as a lookup)."""
    return {code[:n] for code in notice.cpv for n in range(len(code) + 1)}


def _stem_in(key: str, stems: set[str]) -> bool:
    if key in stems:
        return True
    return len(key) >= MIN_COMPOUND and any(s.startswith(key) or s.endswith(key) for s in stems)


def matches(sub: Subscription, notice: MatchNotice, stems: set[str]) -> bool:
    """The definition of a match for one subscription (see the module docstring)."""
    if notice.baseline:
        return False
    includes = [k for k in sub.keywords if not k.startswith("-")]
    included = (
        (not sub.cpv_prefixes and not includes and not sub.categories)
        or any(code.startswith(p) for code in notice.cpv for p in sub.cpv_prefixes)
        or any(c in notice.categories for c in sub.categories)
        or any(_stem_in(key, stems) for k in includes for key in keyword_stems(k))
    )
    if not included:
        return False
    if sub.since is not None and notice.first_seen_at < sub.since:
        return False
    if LEVEL_RANK.get(notice.level or "possible", 1) < MIN_LEVEL_RANK.get(sub.min_level, 1):
        return False
    if sub.max_value_dkk is not None and notice.value_dkk is not None and notice.value_dkk > sub.max_value_dkk:
        return False
    excluded = [key for k in sub.keywords if k.startswith("-") for key in keyword_stems(k[1:])]
    return not any(_stem_in(key, stems) for key in excluded)


def match_naive(notice: MatchNotice, subscriptions: Sequence[Subscription]) -> list[int]:
    """Every subscription checked one by one: the benchmark's baseline and the tests' oracle."""
    stems = notice_stems(notice.text)
    return [sub.id for sub in subscriptions if matches(sub, notice, stems)]


def categories_to_prefixes(categories: Iterable[str], table: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """CPV prefixes of the chosen category keys (unknown keys are ignored)."""
    return tuple(sorted({p for c in categories for p in table.get(c, ())}))
