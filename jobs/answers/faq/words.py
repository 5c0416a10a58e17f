"""Words for FAQ matching: tokens, stop words and Snowball stems in Danish and English.

Stems are folded afterwards (å/aa → a, æ → ae, ø/oe → o) so a question typed without æøå
meets the same stems as the knowledge base.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from jobs.answers.hours.lexicon import fold

_STOP_DA = """
af alle alt andre at bare blev bliver blive da de dem den denne der deres det dette dig din dine
disse du efter eller en end er et for fra få får gerne godt gøre gør ham han hans har have hej her
hvad hvem hver hvilke hvilken hvis hvor hvordan hvorfor hvornår i ikke ind ja jeg jer jeres jo kan
kunne lidt man mange med meget men mere mig min mine mit mod må måske ned noget nogen nok nu når og
også om op os over på sig sin sine sit skal skulle som så tak til ud under var vi vil ville være vores
"""
_STOP_EN = """
a about am an and any are as at be been but by can could do does for from get got have hello hi how
i if in is it its me my need no not of on or our please so some tell than that the their them then
there these they this to us want was we what when where which who why will with would you your
"""
STOP_WORDS = frozenset(fold(w) for w in (_STOP_DA + _STOP_EN).split())

_STEMMERS = {"da": snowballstemmer.stemmer("danish"), "en": snowballstemmer.stemmer("english")}


def words(text: str) -> list[str]:
    """Lower-case word tokens (letters and digits; "/start" → "start")."""
    return re.findall(r"[a-zæøåéü0-9§]+", text.lower())


@lru_cache(maxsize=8192)
def stem(word: str, lang: str) -> str:
    return fold(_STEMMERS[lang].stemWord(word))


def is_stop(word: str) -> bool:
    return fold(word) in STOP_WORDS


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if not is_stop(w)]


def stems(text: str, lang: str) -> list[str]:
    """Stems of the content words of ``text`` in ``lang``."""
    return [stem(w, lang) for w in content_words(text)]


def candidates(word: str) -> frozenset[str]:
    """Every form a query word may take: its Danish and English stems and the folded word."""
    return frozenset({stem(word, "da"), stem(word, "en"), fold(word)})
