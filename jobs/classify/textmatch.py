"""Word and phrase matching that survives inflection and compounds, in any EU language.

A phrase is compiled once, in its own language, into one *key* per word: the
Snowball stem (PyStemmer, the C implementation) cut to what it shares with the
written word, folded to plain letters ("Gebäudereinigung" → "gebaudereinigung",
"rengøring" → "rengoering"; æ, ø, å become ae, oe, aa; other accents are dropped).
The text is never stemmed for that: a text word matches a key

* *as a prefix* when the key comes from a language that writes compounds as one
  word (Danish, Swedish, Norwegian, German, Dutch, Finnish, ...) and has at least
  ``min_prefix`` letters: "rengoering" matches "rengøringsopgaver" and
  "rengøringen", in whatever language the text is written;
* *by its stem* otherwise: a text word that starts with the key is stemmed in
  the key's language and must give the key's stem, so "laundries" matches
  "laundry" (stem "laundri"), but "career" does not match "care", "auditorium"
  not the Spanish "auditoría" and "elevatorer" not the Danish "elev";
* *as written* when the stem is shorter than ``min_stem`` ("ledige" and
  "ledelse" share the Danish stem "led"), or when the phrase writes the word
  with a leading "=" ("=employability", whose English stem "employ" would
  match "employer");
* *inside a compound* when the key is the first word of its phrase, comes from a
  language that writes compounds as one word (Danish, Swedish, Norwegian,
  German, Dutch, Finnish, ...) and has at least ``min_compound`` letters:
  "reinig" matches "gebäudereinigung", "rengoering" matches "vinduesrengøring".

A phrase of several words matches when its words follow each other. When
matches overlap, the one covering more words wins. Within one word, of two keys
that overlap the longer wins ("rengøringsmidler" is about cleaning *products*),
of two apart the later one, the head of the compound ("kantinerengøring" is
cleaning).

Speed: one merged table of keys for every phrase and language. Each distinct
text word is looked up once per ``Matcher`` and remembered; a text then costs one
tokenisation and two set operations (its words not seen before, its words that
fit a key), and Python work only for the few words that fit.

Longer than 400 lines, and one module on purpose: compiling the keys and scanning a text
share the key table's private layout (this docstring is a tenth of it); the words
themselves (tokens, folding, stems) live in ``words.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from jobs.classify.words import _TOKEN, COMPOUNDING, LANGS, STEMMERS, _stemmer, fold, stem, stem_words, tokenize

__all__ = [
    "BREAK",
    "COMPOUNDING",
    "LANGS",
    "STEMMERS",
    "Matcher",
    "PhraseMatcher",
    "fold",
    "stem",
    "stem_words",
    "tokenize",
]

_EXACT, _STEM, _PREFIX = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Word:
    key: str  # the folded written word (exact), else what stem and written word share (looked up as a prefix)
    mode: int
    lang: str
    infix: bool  # may match inside a compound word
    stem: str = ""  # stem mode: the text word's stem in ``lang`` must be this


@dataclass(frozen=True, slots=True)
class _Phrase:
    group: str
    text: str
    lang: str
    words: tuple[_Word, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """One phrase found in a text: ``start``/``end`` are token positions (end exclusive)."""

    group: str
    phrase: str
    lang: str
    text: str  # the matched words as written (lowercased)
    start: int
    end: int


class Scan(NamedTuple):
    """What ``Matcher.scan`` found: the matches, and the tokens around them (``start``/``end``
    of a match index ``tokens``; ``piece_of[i]`` is the white-space piece of the text token
    ``i`` came from, -1 between windows)."""

    matches: list[Match]
    tokens: list[str]
    piece_of: list[int]


_NOTHING = Scan([], [], [])
BREAK = "\x00"  # a piece of text no phrase spans (between a title and a description)

# One text word's fit to a key: (word id, where the key starts and ends inside the folded word).
_Fit = tuple[int, int, int]
_Plan = tuple[tuple["_Phrase", ...], dict[int, tuple[tuple["_Phrase", tuple[int, ...]], ...]], frozenset[int]]


class Matcher:
    """Named phrase lists in several languages, matched in one pass over a text.

    ``groups`` maps a group name to ``{language: [phrase, ...]}``, or to a plain
    list of phrases in ``lang``::

        Matcher({"cleaning": {"da": ["rengøring"], "de": ["Reinigung"]}})
        Matcher({"cleaning": ["rengøring"]}, lang="da")

    ``find(text)`` returns the ``Match``es in text order, overlaps resolved.
    """

    def __init__(
        self,
        groups: Mapping[str, Mapping[str, Iterable[str]] | Iterable[str]],
        *,
        lang: str = "da",
        compounds: bool | None = None,
        min_compound: int = 6,
        min_prefix: int = 6,
        min_stem: int = 4,
        families: Mapping[str, str] | None = None,
    ) -> None:
        if min_compound < 3 or min_stem < 1 or min_prefix < min_stem:
            raise ValueError("need min_compound >= 3, min_stem >= 1 and min_prefix >= min_stem")
        self.min_compound, self.min_prefix, self.min_stem = min_compound, min_prefix, min_stem
        self._compounds = compounds
        self._words: list[_Word] = []
        self._word_ids: dict[_Word, int] = {}
        self._phrases: list[_Phrase] = []
        self._starts: dict[int, list[int]] = {}  # word id -> phrases whose first word it is
        seen: set[tuple[str, tuple[_Word, ...]]] = set()
        for group, lists in groups.items():
            by_lang = lists.items() if isinstance(lists, Mapping) else ((lang, lists),)
            for phrase_lang, phrases in by_lang:
                _stemmer(phrase_lang)  # refuse an unknown language early
                for text in phrases:
                    phrase = self._compile(text, group, phrase_lang)
                    if phrase is None or (group, phrase.words) in seen:
                        continue
                    seen.add((group, phrase.words))
                    self._phrases.append(phrase)
                    self._starts.setdefault(self._word_ids[phrase.words[0]], []).append(len(self._phrases) - 1)
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[str, list[int]] = {}  # prefix and stem keys by key
        self._infix: dict[str, list[int]] = {}
        for wid, w in enumerate(self._words):
            (self._exact if w.mode == _EXACT else self._prefix).setdefault(w.key, []).append(wid)
            if w.infix:
                self._infix.setdefault(w.key, []).append(wid)
        self._prefix_lengths = tuple(sorted({len(k) for k in self._prefix}))
        self._infix_lengths = tuple(sorted({len(k) for k in self._infix}))
        self._min_infix = min(self._infix_lengths, default=0)
        self._span = max((len(p.words) for p in self._phrases), default=1)  # the longest phrase, in words
        # Overlapping matches compete only within a family (subjects do not hide phrases).
        self._family = {p.group: (families or {}).get(p.group, "") for p in self._phrases}
        self._looked_up: set[str] = set()  # every token ever looked up
        self._word_sets: dict[str, frozenset[int]] = {}  # token -> the phrase words it fits
        # token -> (the one-word phrases it is, one per family; the longer phrases it may start, by
        # their second word, and the set of those second words)
        self._plans: dict[str, _Plan] = {}
        self._starters: set[str] = set()  # the tokens of _plans, as a set (set & set walks the smaller)
        self._raw: dict[str, tuple[str, ...]] = {BREAK: (BREAK,)}  # a white-space piece of text -> its tokens
        self._raw_seen: set[str] = {BREAK}  # the keys of _raw, as a set
        self._raw_starters: set[str] = set()  # the pieces holding a token of _starters

    @property
    def groups(self) -> frozenset[str]:
        return frozenset(p.group for p in self._phrases)

    def first_keys(self) -> frozenset[tuple[str, bool]]:
        """``(key, infix)`` of every word that can start a phrase: a text word fits one only if
        its folded form starts with the key, or, for an infix key, holds it."""
        return frozenset((self._words[w].key, self._words[w].infix) for w in self._starts)

    def _compile(self, text: str, group: str, lang: str) -> _Phrase | None:
        exact = {t for w in text.split() if w.startswith("=") for t in tokenize(w[1:])}
        tokens = tokenize(text)
        if not tokens:
            return None
        compounding = lang in COMPOUNDING if self._compounds is None else self._compounds
        words = []
        for i, tok in enumerate(tokens):
            written = fold(tok)
            stemmed = stem(tok, lang)
            shared = _common_prefix(stemmed, written)
            letters = _letters(tok, len(shared))  # lengths count letters as written: "strøm" is 5, not 6
            if tok in exact or _letters(tok, len(stemmed)) < self.min_stem or not shared:
                word = _Word(written, _EXACT, lang, False)
            elif compounding and letters >= self.min_prefix:
                word = _Word(shared, _PREFIX, lang, i == 0 and letters >= self.min_compound)
            else:
                word = _Word(shared, _STEM, lang, False, stemmed)
            if word not in self._word_ids:
                self._word_ids[word] = len(self._words)
                self._words.append(word)
            words.append(word)
        return _Phrase(group, text, lang, tuple(words))

    # -- one text word -------------------------------------------------------

    def _fits(self, token: str) -> tuple[_Fit, ...]:
        """Every (word id, key start, key end) this lowercased token fits."""
        f = fold(token)
        n = len(f)
        found: list[_Fit] = [(wid, 0, n) for wid in self._exact.get(f, ())]
        words = self._words
        prefix = self._prefix
        for length in self._prefix_lengths:
            if length > n:
                break
            for wid in prefix.get(f[:length], ()):
                w = words[wid]
                if w.mode == _PREFIX or stem(token, w.lang) == w.stem:
                    found.append((wid, 0, length))
        if self._min_infix and n > self._min_infix:
            infix = self._infix
            for start in range(1, n - self._min_infix + 1):
                for length in self._infix_lengths:
                    end = start + length
                    if end > n:
                        break
                    for wid in infix.get(f[start:end], ()):
                        found.append((wid, start, end))
        return tuple(found)

    def _learn(self, tokens: set[str]) -> None:
        """Look up tokens never seen before (the only per-word Python work on a warm matcher).

        For a token that can start a phrase this also settles, once, which one-word
        phrase it stands for in each family and which longer phrases it may begin."""
        if len(self._looked_up) > 500_000:  # bound the memory of a long-running process
            self._looked_up.clear()
            self._word_sets.clear()
            self._plans.clear()
            self._starters.clear()
            self._raw.clear()
            self._raw_seen.clear()
            self._raw[BREAK] = (BREAK,)
            self._raw_seen.add(BREAK)
            self._raw_starters.clear()
        starts = self._starts
        phrases = self._phrases
        family = self._family
        word_ids = self._word_ids
        for token in tokens:
            fits = self._fits(token)
            if not fits:
                continue
            self._word_sets[token] = frozenset(f[0] for f in fits)
            singles: dict[str, tuple[int, int, _Phrase]] = {}
            multi: dict[int, list[tuple[_Phrase, tuple[int, ...]]]] = {}  # by the phrase's second word
            for wid, k_start, k_end in fits:
                for pid in starts.get(wid, ()):
                    ph = phrases[pid]
                    if len(ph.words) == 1:
                        best = singles.get(family[ph.group])
                        if best is None or _better((k_start, k_end), best[:2]):
                            singles[family[ph.group]] = (k_start, k_end, ph)
                    else:
                        second = word_ids[ph.words[1]]
                        multi.setdefault(second, []).append((ph, tuple(word_ids[w] for w in ph.words[2:])))
            if singles or multi:
                self._plans[token] = (
                    tuple(ph for _, _, ph in singles.values()),
                    {w: tuple(v) for w, v in multi.items()},
                    frozenset(multi),
                )
                self._starters.add(token)
        self._looked_up |= tokens

    # -- a text --------------------------------------------------------------

    def scan(self, text: str) -> Scan:
        """The matches of a text (``Scan``)."""
        return self.scan_pieces(text.split())

    def scan_pieces(self, raw: list[str], distinct: set[str] | None = None) -> Scan:
        """``scan`` of a text already split on white space (``distinct``: ``set(raw)``).

        The fast path: the distinct pieces are compared, as sets, with the pieces known
        to hold a word that can start a phrase; a text with none is done without
        tokenizing it. Otherwise only windows around those pieces are tokenized."""
        at = self._hit_pieces(raw, distinct)
        if not at:
            return _NOTHING
        span, n = self._span, len(raw)
        windows: list[list[int]] = []  # two pieces before (for "32 ruter") and the longest phrase after
        for i in at:
            lo, hi = max(0, i - 2), min(n, i + span)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], hi)
            else:
                windows.append([lo, hi])
        tokens, piece_of = self._window_tokens(raw, windows)
        return Scan(self._match(tokens, set(tokens) & self._starters), tokens, piece_of)

    def first(self, raw: list[str], distinct: set[str] | None = None) -> Match | None:
        """The first match in a text split on white space, looking no further."""
        for i in self._hit_pieces(raw, distinct):
            tokens, _ = self._window_tokens(raw, [[i, min(len(raw), i + self._span)]])
            matches = self._match(tokens, set(tokens) & self._starters)
            if matches:
                return matches[0]
        return None

    def _hit_pieces(self, raw: list[str], distinct: set[str] | None) -> list[int]:
        """Where (sorted piece indexes) the pieces holding a word that can start a phrase are."""
        if not raw:
            return []
        if distinct is None and self._raw_seen.issuperset(raw):  # the usual case: no set to build
            new: set[str] = set()
            pieces: Iterable[str] = raw
        else:
            pieces = set(raw) if distinct is None else distinct
            new = pieces - self._raw_seen
        if new:
            split = {r: tuple(_TOKEN.findall(r.lower())) for r in new}
            unseen = {t for parts in split.values() for t in parts} - self._looked_up
            if unseen:
                self._learn(unseen)
            self._raw.update(split)
            self._raw_seen |= new
            starters = self._starters
            self._raw_starters.update(r for r, parts in split.items() if any(t in starters for t in parts))
        hit_pieces = self._raw_starters.intersection(pieces)
        if not hit_pieces:
            return []
        at: list[int] = []
        for piece in hit_pieces:  # where they are, found in C (list.index)
            i = -1
            while True:
                try:
                    i = raw.index(piece, i + 1)
                except ValueError:
                    break
                at.append(i)
        at.sort()
        return at

    def _window_tokens(self, raw: list[str], windows: list[list[int]]) -> tuple[list[str], list[int]]:
        table = self._raw
        tokens: list[str] = []
        piece_of: list[int] = []
        for lo, hi in windows:
            if tokens:
                tokens.append("\x00")  # fits nothing: no phrase spans two windows
                piece_of.append(-1)
            for j in range(lo, hi):
                for token in table[raw[j]]:
                    tokens.append(token)
                    piece_of.append(j)
        return tokens, piece_of

    def find_tokens(self, tokens: list[str], distinct: set[str] | None = None) -> list[Match]:
        """Matches in already tokenized text; ``distinct`` may pass ``set(tokens)``.

        Each distinct token is looked up once per matcher, ever: a text costs two set
        operations, and Python work only for its words that can start a phrase."""
        words = set(tokens) if distinct is None else distinct
        new = words - self._looked_up
        if new:
            self._learn(new)
        return self._match(tokens, words & self._starters)

    def _match(self, tokens: list[str], hits: set[str]) -> list[Match]:
        if not hits:
            return []
        plans = self._plans
        word_sets = self._word_sets
        empty: frozenset[int] = frozenset()
        last = len(tokens) - 1
        found: list[Match] = []
        multi = False
        for i in [i for i, token in enumerate(tokens) if token in hits]:
            token = tokens[i]
            singles, by_second, seconds = plans[token]
            for ph in singles:
                found.append(Match(ph.group, ph.text, ph.lang, token, i, i + 1))
            if not seconds or i == last:
                continue
            for second in seconds & word_sets.get(tokens[i + 1], empty):
                for ph, rest in by_second[second]:
                    end = i + 2 + len(rest)
                    if end <= last + 1 and all(w in word_sets.get(tokens[i + j], empty) for j, w in enumerate(rest, 2)):
                        found.append(Match(ph.group, ph.text, ph.lang, " ".join(tokens[i:end]), i, end))
                        multi = True
        if multi:
            return _resolve(found, self._family)
        return found

    def find(self, text: str) -> list[Match]:
        """All matches in ``text``, in text order, overlaps resolved."""
        return self.find_tokens(tokenize(text))


def _better(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Of two keys found in one word: overlapping, the longer wins ("rengøringsmidler" is
    about products, "abwasserreinigung" about wastewater); apart, the later one wins, the
    head of a compound ("kantinerengøring" is cleaning)."""
    if a[0] < b[1] and b[0] < a[1]:
        return a[1] - a[0] > b[1] - b[0]
    return a[1] > b[1]


def _resolve(found: list[Match], family: Mapping[str, str]) -> list[Match]:
    """Of overlapping matches of one family keep the one covering more words (then the earlier)."""
    found.sort(key=lambda m: (m.start - m.end, m.start))
    taken: set[tuple[int, str]] = set()
    kept: list[Match] = []
    for m in found:
        fam = family[m.group]
        span = [(i, fam) for i in range(m.start, m.end)]
        if any(x in taken for x in span):
            continue
        taken.update(span)
        kept.append(m)
    kept.sort(key=lambda m: m.start)
    return kept


def _letters(word: str, folded: int) -> int:
    """How many letters of ``word`` make up the first ``folded`` characters of ``fold(word)``."""
    n = total = 0
    for ch in word:
        if total >= folded:
            break
        total += len(fold(ch))
        n += 1
    return n + max(0, folded - total)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


class PhraseMatcher:
    """One list of phrases in one language.

    ``PhraseMatcher(["rengøring"]).search("Rengøringsopgaver på skoler")`` →
    ``("rengøring", "rengøringsopgaver")``.
    """

    def __init__(self, phrases: Iterable[str], *, lang: str = "da", **options: int | bool | None) -> None:
        self._matcher = Matcher({"": {lang: list(phrases)}}, **options)  # type: ignore[arg-type]

    def find(self, text: str) -> list[tuple[str, str]]:
        """Every ``(phrase, matched_text)`` in text order."""
        return [(m.phrase, m.text) for m in self._matcher.find(text)]

    def search(self, text: str) -> tuple[str, str] | None:
        """The first ``(phrase, matched_text)``, or None."""
        hits = self.find(text)
        return hits[0] if hits else None
