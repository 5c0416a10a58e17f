"""A screen run in C (RE2) over a whole text: can it hold a word that starts one of a ``Matcher``'s phrases?

Most texts hold none, and then ``Matcher.scan_pieces`` finds nothing: the screen lets the
classifier skip splitting, hashing and tokenising them. It must never say no to a text the
matcher would find something in, so it is built to say yes to more:

* a text word fits a key only if the word, lowercased and folded (``textmatch.fold``),
  starts with the key or, for an infix key, holds it; folding maps each character on its
  own, so the key is written in the text as characters whose folds spell it. The screen
  compiles each key letter into the class of every character (either case) that folds to
  it, each two-letter run that one character may fold to ("ae" ← æ, Æ, ǽ; "ss" ← ß, ẞ)
  into that character's class, and lets the key begin (infix keys) or end inside such a
  character ("oe" ends a prefix key "...o");
* a key other than an infix key starts a word: it is not preceded by an ASCII letter,
  digit or "_" (any other character may end a word, so the screen accepts it);
* RE2 runs the alternation of all keys as one automaton, in one pass over the text.

Only a small matcher whose keys are written in letters below U+0250 is screened: one with a key in other letters,
or too many keys for RE2's automaton to stay small (the subject words), is never screened
(``maybe`` is always true).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

import re2

from jobs.classify.textmatch import fold

MAX_KEYS = 400  # beyond this the automaton outgrows its memory and RE2 falls back to a slow engine
# Every character whose lowercase folds to something starting with an ASCII character: those
# below U+0250 (the fold table's range and ASCII), and those lowercased into that range.
_CANDIDATES = [chr(i) for i in range(0x250)] + ["\u1e9e", "\u212a", "\u212b", "\u2c7e", "\u2c7f"]


@lru_cache(maxsize=1)
def _classes() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Character classes: of the characters whose lowercase folds to exactly a string, of those
    folding to two letters or more starting with a letter, and to two letters ending with one."""
    exact: dict[str, set[str]] = {}
    starting: dict[str, set[str]] = {}
    ending: dict[str, set[str]] = {}
    for c in _CANDIDATES:
        f = fold(c.lower())
        exact.setdefault(f, set()).add(c)
        if len(f) >= 2:
            starting.setdefault(f[0], set()).add(c)
        if len(f) == 2:
            ending.setdefault(f[1], set()).add(c)
    return tuple({k: _class(v) for k, v in d.items()} for d in (exact, starting, ending))  # type: ignore[return-value]


def _class(chars: Iterable[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(set(chars))) + "]"


def _written(key: str, i: int = 0, *, infix: bool = False) -> str:
    """A pattern for how ``key[i:]`` may be written (characters whose folds spell it)."""
    if i == len(key):
        return ""
    exact, starting, ending = _classes()
    alts: list[str] = []
    if i == 0 and infix and key[0] in ending:  # the key begins inside a character folding to two letters
        alts.append(ending[key[0]] + _written(key, 1))
    alts.append(exact[key[i]] + _written(key, i + 1))
    if i + 2 <= len(key) and key[i : i + 2] in exact:
        alts.append(exact[key[i : i + 2]] + _written(key, i + 2))
    if i == len(key) - 1 and key[i] in starting:  # the key ends inside a character folding to two or more
        alts.append(starting[key[i]])
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


class Screen:
    """``maybe(text)``: False only when no word of ``text`` can start a phrase of the matcher."""

    def __init__(self, keys: Iterable[tuple[str, bool]]) -> None:
        keys = sorted(set(keys))
        self._search: Callable[[bytes], object] | None = None
        if not keys or len(keys) > MAX_KEYS or not all(k and all(ch in _classes()[0] for ch in k) for k, _ in keys):
            return
        infix = [_written(k, infix=True) for k, inside in keys if inside]
        starts = "|".join(_written(k) for k, inside in keys if not inside)
        parts = [*infix, f"(?:^|[^0-9A-Za-z_])(?:{starts})"] if starts else infix
        options = re2.Options()
        options.max_mem = 32 << 20
        options.never_capture = True
        options.log_errors = False
        # A plain search, not re2.Set: when its automaton runs out of memory, a search falls back
        # to a slower engine, a Set answers "no match", which would stop a text wrongly.
        self._search = re2.compile("|".join(parts), options).search

    @property
    def active(self) -> bool:
        return self._search is not None

    def maybe(self, text: str) -> bool:
        if self._search is None:
            return True
        # Bytes: no character offsets to work out. A lone surrogate (JSON may carry one) ends a
        # word in Python; its replacement "?" ends one for RE2 too.
        return self._search(text.encode("utf-8", "replace")) is not None
