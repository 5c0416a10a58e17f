"""Find the FAQ entry a free-text question is about (Danish or English, typos tolerated).

Score in [0, 1] for each entry, from two signals over Snowball stems:

- keywords: the best keyword phrase whose every stem is found in the question;
- coverage: how much of the question's content (weighted by rarity across entries, IDF) the
  entry's questions and keywords account for, so a question full of unrelated words scores low.

A word matches a stem exactly, as part of a compound ("mentorordningen" ~ "mentor"), or
when one typo away (two for long words; swapped letters count as one: "mentro"). Issue 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jobs.answers.faq.knowledge import FaqEntry, Indexed, KnowledgeBase
from jobs.answers.faq.words import candidates, content_words

DEFAULT_MIN_SCORE = 0.35
MAX_CHARS = 500
_FUZZY_MIN = 5  # shorter words must match exactly
_TWO_TYPOS_MIN = 8  # words this long may have two typos
_TYPO = 0.8  # similarity of a word one typo away
_COMPOUND = 0.85  # a compound containing the stem ("mentorordningen" ~ "mentor")
_HINT = 0.8  # how close a word must be to count for the language hint
_EVIDENCE_WORDS = 2.0  # rare words a match on question words alone needs to count fully


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float  # 0–1
    lang: str | None = None  # "da"/"en" if the question's words are clearly from one language's list


def typo_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) between ``a`` and ``b``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


@dataclass(frozen=True)
class _Word:
    """A word of the question: its possible stems, and whether it may be a typo."""

    forms: frozenset[str]
    typos: bool  # only words the knowledge base does not know ("kontrakt" is not "kontakt")


def _words(text: str, kb: KnowledgeBase) -> list[_Word]:
    out = []
    for word in content_words(text):
        forms = candidates(word)
        out.append(_Word(forms, not any(f in kb.idf for f in forms)))
    return out


@lru_cache(maxsize=16384)
def _similarity(word: _Word, target: str) -> float:
    """1 for the same stem; less for a compound containing it or a likely typo; else 0."""
    if target in word.forms:
        return 1.0
    best = 0.0
    for form in word.forms:
        short, long_ = sorted((form, target), key=len)
        if len(short) < _FUZZY_MIN:
            continue
        if long_.startswith(short):
            best = max(best, _COMPOUND)
        elif word.typos and len(long_) - len(short) <= 2 and form[0] == target[0]:
            allowed = 2 if len(short) >= _TWO_TYPOS_MIN else 1
            distance = typo_distance(form, target)
            if distance <= allowed:
                best = max(best, _TYPO - 0.05 * (distance - 1))
    return best


def _best(word: _Word, targets: frozenset[str]) -> tuple[float, str]:
    best, which = 0.0, ""
    for target in targets:
        sim = _similarity(word, target)
        if sim > best:
            best, which = sim, target
    return best, which


def _score(query: list[_Word], kb: KnowledgeBase, item: Indexed) -> float:
    if not query:
        return 0.0
    keyword = 0.0
    for phrase in item.keywords:
        sims = [max((_similarity(word, s) for word in query), default=0.0) for s in phrase]
        if sims and min(sims) > 0:
            keyword = max(keyword, sum(sims) / len(sims))
    covered = total = 0.0
    for word in query:
        sim, target = _best(word, item.words)
        known = [kb.idf[f] for f in word.forms if f in kb.idf]
        weight = kb.idf.get(target, 0.0) if sim else (max(known) if known else kb.max_idf)
        covered += sim * weight
        total += weight
    coverage = covered / total if total else 0.0
    # Without a keyword, one common word ("help") is not enough: ask for about two rare ones.
    evidence = min(1.0, covered / (_EVIDENCE_WORDS * kb.rare_idf))
    return max(coverage * evidence, 0.7 * keyword + 0.3 * coverage)


def match(text: str, kb: KnowledgeBase, min_score: float = DEFAULT_MIN_SCORE) -> Match | None:
    """The entry ``text`` is most likely about, or None when nothing scores ``min_score``.

    Only the first ``MAX_CHARS`` characters are read (a question, not an essay).
    """
    query = _words(text[:MAX_CHARS], kb)
    best: tuple[float, Indexed] | None = None
    for item in kb.indexed:
        value = _score(query, kb, item)
        if value >= min_score and (best is None or value > best[0]):
            best = (value, item)
    if best is None:
        return None
    value, item = best
    return Match(item.entry, round(value, 3), _language_hint(query, item))


def _language_hint(query: list[_Word], item: Indexed) -> str | None:
    """The language whose keywords and questions the question's words come from, if clear."""
    hits = {lang: sum(1 for word in query if _best(word, stems)[0] >= _HINT) for lang, stems in item.by_lang.items()}
    if hits.get("da", 0) == hits.get("en", 0):
        return None
    return max(hits, key=lambda lang: hits[lang])
