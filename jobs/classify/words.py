"""Words as every matcher sees them: tokens, folded letters and Snowball stems (PyStemmer, C)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# ISO 639-1 → Snowball algorithm (PyStemmer). Norwegian (no, nb, nn) shares one.
STEMMERS = {
    "da": "danish",
    "en": "english",
    "de": "german",
    "fr": "french",
    "sv": "swedish",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "nl": "dutch",
    "fi": "finnish",
    "pl": "polish",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "ro": "romanian",
    "hu": "hungarian",
    "cs": "czech",
    "et": "estonian",
    "lt": "lithuanian",
    "el": "greek",
    "ca": "catalan",
}
LANGS = tuple(STEMMERS)
# Languages that write compound nouns as one word: a key may match inside a word.
COMPOUNDING = frozenset({"da", "sv", "no", "nb", "nn", "de", "nl", "fi", "et", "hu"})
_TOKEN = re.compile(r"\w+")
_SPECIAL = {"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        low = ch.lower()
        if low in _SPECIAL:
            table[code] = _SPECIAL[low]
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
        if base != ch:
            table[code] = base
    return table


_FOLD = _fold_table()
_STEMMER_OBJECTS: dict[str, Stemmer.Stemmer] = {}


def _stemmer(lang: str) -> Stemmer.Stemmer:
    s = _STEMMER_OBJECTS.get(lang)
    if s is None:
        name = STEMMERS.get(lang)
        if name is None:
            raise ValueError(f"no stemmer for language {lang!r} (have {', '.join(LANGS)})")
        s = _STEMMER_OBJECTS[lang] = Stemmer.Stemmer(name)
    return s


def tokenize(text: str) -> list[str]:
    """Lowercased word tokens (letters, digits, '_'; punctuation and '§' dropped)."""
    return _TOKEN.findall(text.lower()) if text else []


def fold(word: str) -> str:
    """Plain letters: æ ø å → ae oe aa, ß → ss, other accents dropped ("Gebäude" → "Gebaude")."""
    return word.translate(_FOLD)


@lru_cache(maxsize=200_000)
def stem(token: str, lang: str) -> str:
    """The folded Snowball stem of one lowercased token."""
    return fold(_stemmer(lang).stemWord(token))


def stem_words(text: str, lang: str) -> set[str]:
    """The set of stems of the words in ``text`` (for keyword matching)."""
    return {stem(t, lang) for t in tokenize(text)}
