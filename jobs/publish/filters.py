"""The public list's filters, read from a URL's query (pure): a category (its CPV prefixes, in
the notice's or a lot's codes), a level, a deadline within so many days, free text (every word
must occur in the title, the buyer or the description; a long Danish word is searched by its
stem, so "rengøring" also finds "rengøringsopgaver" and "vinduesrengøring", as in the bot)
and the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import snowballstemmer

LISTED_LEVELS = ("suitable", "possible")
OPEN_TYPES = ("competition", "change")
LEVEL_WORDS = {"oplagt": "suitable", "suitable": "suitable", "mulig": "possible", "possible": "possible"}
LEVEL_PARAM = {"suitable": "oplagt", "possible": "mulig"}
DEADLINE_DAYS = (7, 14, 30, 60)
MAX_TEXT = 100
MAX_WORDS = 6
MAX_PAGE = 1000


class FilterError(ValueError):
    """A query parameter the section cannot use; the message names it (shown to the user)."""

    def __init__(self, code: str, param: str, value: str) -> None:
        super().__init__(f"{param}={value!r}: {code}")
        self.code, self.param, self.value = code, param, value


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    level: str | None = None  # suitable / possible; None: both
    within_days: int | None = None
    text: str = ""
    page: int = 1

    def params(self, **changes: Any) -> dict[str, str]:
        """The filters as query parameters (Danish names), e.g. for links to other pages."""
        f = replace(self, **changes)
        out: dict[str, str] = {}
        if f.category:
            out["kategori"] = f.category
        if f.level:
            out["vurdering"] = LEVEL_PARAM[f.level]
        if f.within_days:
            out["frist"] = str(f.within_days)
        if f.text:
            out["q"] = f.text
        if f.page > 1:
            out["side"] = str(f.page)
        return out

    @property
    def active(self) -> bool:
        return bool(self.category or self.level or self.within_days or self.text)


def parse_filters(query: Mapping[str, str], categories: Sequence[str]) -> Filters:
    """Filters from query parameters; empty ones mean "any". Raises FilterError."""
    category = (query.get("kategori") or "").strip() or None
    if category is not None and category not in categories:
        raise FilterError("unknown_category", "kategori", category[:40])
    level_word = (query.get("vurdering") or "").strip().lower()
    level = None
    if level_word:
        if level_word not in LEVEL_WORDS:
            raise FilterError("unknown_level", "vurdering", level_word[:20])
        level = LEVEL_WORDS[level_word]
    days_text = (query.get("frist") or "").strip()
    within = None
    if days_text:
        if not (days_text.isascii() and days_text.isdigit()) or int(days_text) not in DEADLINE_DAYS:
            raise FilterError("bad_deadline", "frist", days_text[:20])
        within = int(days_text)
    text = re.sub(r"\s+", " ", query.get("q") or "").strip()
    if len(text) > MAX_TEXT:
        raise FilterError("text_too_long", "q", text[:20])
    page_text = (query.get("side") or "1").strip()
    if not (page_text.isascii() and page_text.isdigit()) or not 1 <= int(page_text) <= MAX_PAGE:
        raise FilterError("bad_page", "side", page_text[:20])
    return Filters(category, level, within, text, int(page_text))


def search_terms(text: str) -> list[str]:
    """The lower-case strings every one of which must occur: a long word's Danish stem
    (at least five letters), a short word as written."""
    terms: list[str] = []
    danish = snowballstemmer.stemmer("danish")  # as written: the stored text has its æ, ø and å
    for word in re.findall(r"\w+", text.lower())[:MAX_WORDS]:
        term = danish.stemWord(word) if len(word) >= 6 else word
        term = term if len(term) >= 5 else word
        if term not in terms:
            terms.append(term)
    return terms
