"""Matching notices to subscriptions: pure, indexed, explainable.

A subscription *includes* a notice when it has no include criteria, or when a
notice CPV code starts with one of its categories' CPV prefixes, or when one of
its keywords occurs in the notice text (Danish/English stems, compounds: the
keyword "rengøring" matches "rengøringsopgaver" and "vinduesrengøring"). It then
*excludes* it for an excluded keyword ("-vagt"), a value above its maximum (an
unknown value is never excluded), a level below its minimum, or a notice first
seen before the subscription began. Baseline notices are never matched.

The index maps CPV prefixes and keyword stems to subscriptions, so a notice is
compared only with the subscriptions it can concern, never with all of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from jobs.classify.textmatch import stem, tokenize

LEVEL_RANK = {"unlikely": 0, "possible": 1, "suitable": 2}
MIN_LEVEL_RANK = {"all": 0, "possible": 1, "suitable": 2}
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


@dataclass(frozen=True)
class MatchNotice:
    id: int
    text: str  # title + description (+ lot titles)
    cpv: tuple[str, ...]  # notice and lot CPV codes
    value_dkk: Decimal | None
    level: str | None
    first_seen_at: datetime
    baseline: bool = False


def keyword_stems(word: str) -> set[str]:
    """Stems of a keyword in every supported language (one word or a phrase's words)."""
    return {stem(tok, lang) for tok in tokenize(word) for lang in LANGS}


def notice_stems(text: str) -> set[str]:
    return {stem(tok, lang) for tok in set(tokenize(text)) for lang in LANGS}


@dataclass
class SubscriptionIndex:
    subs: dict[int, Subscription] = field(default_factory=dict)
    by_prefix: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_stem: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    match_all: set[int] = field(default_factory=set)
    stem_lengths: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, subscriptions: Iterable[Subscription]) -> SubscriptionIndex:
        idx = cls()
        for sub in subscriptions:
            idx.subs[sub.id] = sub
            includes = [k for k in sub.keywords if not k.startswith("-")]
            for prefix in sub.cpv_prefixes:
                idx.by_prefix[prefix].add(sub.id)
            for k in includes:
                for s in keyword_stems(k):
                    idx.by_stem[s].add(sub.id)
                    idx.stem_lengths.add(len(s))
            if not sub.cpv_prefixes and not includes:
                idx.match_all.add(sub.id)
        return idx

    def _stem_hits(self, stems: set[str]) -> set[int]:
        hits: set[int] = set()
        for s in stems:
            found = self.by_stem.get(s)
            if found:
                hits |= found
            # compounds: a keyword stem as the start or end of a longer stem
            for n in self.stem_lengths:
                if MIN_COMPOUND <= n < len(s):
                    for part in (s[:n], s[-n:]):
                        found = self.by_stem.get(part)
                        if found:
                            hits |= found
        return hits

    def candidates(self, notice: MatchNotice, stems: set[str]) -> set[int]:
        """Subscriptions the notice may concern (a superset of the matches)."""
        found = set(self.match_all) | self._stem_hits(stems)
        for code in notice.cpv:
            for n in range(2, len(code) + 1):
                hit = self.by_prefix.get(code[:n])
                if hit:
                    found |= hit
        return found

    def match(self, notice: MatchNotice) -> list[int]:
        """Ids of the subscriptions that should get ``notice``, ascending."""
        if notice.baseline:
            return []
        stems = notice_stems(notice.text)
        return sorted(sid for sid in self.candidates(notice, stems) if matches(self.subs[sid], notice, stems))


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
        (not sub.cpv_prefixes and not includes)
        or any(code.startswith(p) for code in notice.cpv for p in sub.cpv_prefixes)
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
