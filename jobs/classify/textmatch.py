"""Phrase matching over Danish and English text that survives inflection and compounds.

Text is lowercased and split into word tokens; each token is stemmed with the
Snowball stemmer of the phrase list's language ("rengøringsopgaver" →
"rengøringsopgav", "praktikpladser" → "praktikplads"). A phrase matches when
its words' stems follow each other in the text. For Danish, where compounds are
written as one word, a phrase word also matches when its stem is the *start*
(first word of the phrase) or the *end* (last word of the phrase) of a token's
stem — "rengøring" matches "rengøringsopgaver" and "vinduesrengøring" — as long
as that stem has at least ``min_compound`` letters. Stems shorter than
``min_exact_stem`` letters are too ambiguous ("ledige" and "ledelse" both stem
to "led") and match only the word as written; so does a word written with a
leading "=" in the phrase ("=employability": its English stem "employ" would
also match "employer").

Danish letters are folded (æ→ae, ø→oe, å→aa) after stemming, on both sides, so
text typed without æøå ("rengoering") still matches.

Build a ``PhraseMatcher`` (one list) or a ``Matcher`` (named lists, one pass
over the text for all) once and reuse it: stems are cached per token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

LANGS = ("da", "en")
_STEMMER_NAMES = {"da": "danish", "en": "english"}
_TOKEN = re.compile(r"\w+")
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "é": "e"})
_STEMMERS = {lang: snowballstemmer.stemmer(name) for lang, name in _STEMMER_NAMES.items()}


def tokenize(text: str) -> list[str]:
    """Lowercased word tokens (letters, digits, '_'; punctuation and '§' dropped)."""
    return _TOKEN.findall(text.lower()) if text else []


def fold(word: str) -> str:
    """Danish letters as their two-letter ASCII spellings: "rengøring" → "rengoering"."""
    return word.translate(_FOLD)


@lru_cache(maxsize=200_000)
def stem(token: str, lang: str) -> str:
    """The folded Snowball stem of one lowercased token."""
    stemmer = _STEMMERS.get(lang)
    if stemmer is None:
        raise ValueError(f"no stemmer for language {lang!r} (have {', '.join(LANGS)})")
    return fold(stemmer.stemWord(token))


def stem_words(text: str, lang: str) -> set[str]:
    """The set of stems of the words in ``text`` (for keyword matching)."""
    return {stem(t, lang) for t in tokenize(text)}


@dataclass(frozen=True, slots=True)
class _Word:
    key: str  # a stem, or the folded surface word when the stem is short
    exact_only: bool  # short stems: match the written word only


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    group: str
    words: tuple[_Word, ...]


class Matcher:
    """Named phrase lists of one language, matched in one pass over a text.

    ``Matcher({"reserved": [...], "social": [...]}, lang="da").find(text)``
    returns ``[(group, phrase, matched_text), ...]`` in text order.
    """

    def __init__(
        self,
        groups: Mapping[str, Iterable[str]],
        *,
        lang: str = "da",
        compounds: bool | None = None,
        min_compound: int = 6,
        min_exact_stem: int = 4,
    ) -> None:
        if lang not in _STEMMERS:
            raise ValueError(f"no stemmer for language {lang!r} (have {', '.join(LANGS)})")
        self.lang = lang
        self.compounds = lang == "da" if compounds is None else compounds
        self.min_compound = min_compound
        self.min_exact_stem = min_exact_stem
        self._by_first: dict[str, list[_Phrase]] = {}
        self._prefixes: set[str] = set()  # word keys that may start a compound token
        self._suffixes: set[str] = set()  # word keys that may end a compound token
        self._surface: set[str] = set()  # short words matched as written
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for group, phrases in groups.items():
            for text in phrases:
                phrase = self._compile(text, group)
                if phrase is None:
                    continue
                sig = (group, tuple(w.key for w in phrase.words))
                if sig in seen:
                    continue
                seen.add(sig)
                self._by_first.setdefault(phrase.words[0].key, []).append(phrase)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._start_cache: dict[str, tuple[_Phrase, ...]] = {}

    def _compile(self, text: str, group: str) -> _Phrase | None:
        tokens = tokenize(text)
        if not tokens:
            return None
        exact = {t for w in text.split() if w.startswith("=") for t in tokenize(w[1:])}
        words: list[_Word] = []
        for i, tok in enumerate(tokens):
            s = stem(tok, self.lang)
            if len(s) < self.min_exact_stem or tok in exact:
                word = _Word(fold(tok), exact_only=True)
                self._surface.add(word.key)
            else:
                word = _Word(s, exact_only=False)
                if self.compounds and len(s) >= self.min_compound:
                    if i == 0:
                        self._suffixes.add(s)
                    if i == len(tokens) - 1:
                        self._prefixes.add(s)
            words.append(word)
        return _Phrase(text=text, group=group, words=tuple(words))

    def _keys(self, token: str) -> tuple[str, ...]:
        """Every phrase-word key this token can stand for (cached per token)."""
        keys = self._cache.get(token)
        if keys is not None:
            return keys
        s = stem(token, self.lang)
        found = [s]
        surface = fold(token)
        if surface in self._surface:
            found.append("=" + surface)
        if self.compounds and len(s) > self.min_compound:
            n = self.min_compound
            found.extend("<" + s[:k] for k in range(n, len(s)) if s[:k] in self._prefixes)
            found.extend(">" + s[-k:] for k in range(n, len(s)) if s[-k:] in self._suffixes)
        keys = tuple(found)
        if len(self._cache) < 100_000:
            self._cache[token] = keys
        return keys

    def _starts(self, token: str) -> tuple[_Phrase, ...]:
        """Phrases whose first word this token fits (cached per token; usually empty)."""
        starts = self._start_cache.get(token)
        if starts is not None:
            return starts
        keys = self._keys(token)
        found: list[_Phrase] = []
        for k in keys:
            for ph in self._by_first.get(k[1:] if k[0] in "=<>" else k, ()):
                if ph not in found and self._fits(ph.words[0], keys, first=True, last=len(ph.words) == 1):
                    found.append(ph)
        starts = tuple(found)
        if len(self._start_cache) < 100_000:
            self._start_cache[token] = starts
        return starts

    @staticmethod
    def _fits(word: _Word, keys: tuple[str, ...], *, first: bool, last: bool) -> bool:
        if word.exact_only:
            return "=" + word.key in keys
        if keys[0] == word.key:
            return True
        return (last and "<" + word.key in keys) or (first and ">" + word.key in keys)

    def find_tokens(self, tokens: list[str], distinct: set[str] | None = None) -> list[tuple[str, str, str]]:
        """Matches in already tokenized text: ``[(group, phrase, matched_text)]``.

        ``distinct`` may pass ``set(tokens)`` when the caller has it already.
        """
        out: list[tuple[str, str, str]] = []
        cached = self._start_cache.get
        starting = set()
        for token in set(tokens) if distinct is None else distinct:  # most texts start no phrase
            starts = cached(token)
            if starts is None:
                starts = self._starts(token)
            if starts:
                starting.add(token)
        if not starting:
            return out
        n = len(tokens)
        for i, token in enumerate(tokens):
            if token not in starting:
                continue
            for ph in self._start_cache.get(token) or self._starts(token):
                m = len(ph.words)
                if m == 1:
                    out.append((ph.group, ph.text, token))
                elif i + m <= n and all(
                    self._fits(w, self._keys(tokens[i + j]), first=False, last=j == m - 1)
                    for j, w in enumerate(ph.words[1:], start=1)
                ):
                    out.append((ph.group, ph.text, " ".join(tokens[i : i + m])))
        return out

    def find(self, text: str) -> list[tuple[str, str, str]]:
        """All matches in ``text``: ``[(group, phrase, matched_text)]`` in text order."""
        return self.find_tokens(tokenize(text))


class PhraseMatcher:
    """One list of phrases in one language.

    ``PhraseMatcher(["rengøring"]).search("Rengøringsopgaver på skoler")`` →
    ``("rengøring", "rengøringsopgaver")``.
    """

    def __init__(
        self,
        phrases: Iterable[str],
        *,
        lang: str = "da",
        compounds: bool | None = None,
        min_compound: int = 6,
        min_exact_stem: int = 4,
    ) -> None:
        self._matcher = Matcher(
            {"": phrases},
            lang=lang,
            compounds=compounds,
            min_compound=min_compound,
            min_exact_stem=min_exact_stem,
        )

    def find(self, text: str) -> list[tuple[str, str]]:
        """Every ``(phrase, matched_text)`` in text order."""
        return [(phrase, hit) for _, phrase, hit in self._matcher.find(text)]

    def search(self, text: str) -> tuple[str, str] | None:
        """The first ``(phrase, matched_text)``, or None."""
        hits = self.find(text)
        return hits[0] if hits else None
