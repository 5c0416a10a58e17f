"""Settings of the ingest stage that need checking when config is read: the CSS
selectors of ``html`` sources (``jobs/ingest/parse/html.py`` uses them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

HTML_FIELDS = ("id", "title", "link", "date", "deadline", "value", "description", "buyer", "cpv", "location", "type")


@dataclass(frozen=True)
class Selector:
    """A compiled CSS selector, optionally reading an attribute (``sel@attr``)."""

    css: str
    xpath: str
    attr: str | None

    def values(self, el: Any) -> list[Any]:
        return list(el.xpath(self.xpath))


@lru_cache(maxsize=512)
def compile_selector(text: str) -> Selector:
    """``"h3 a"`` or ``"time@datetime"`` → Selector; ValueError with the reason if invalid."""
    from cssselect import GenericTranslator, SelectorError

    css, attr = text.strip(), None
    m = re.fullmatch(r"(.*?)\s*@([A-Za-z_:][\w:.-]*)", css)
    if m:
        css, attr = m.group(1).strip(), m.group(2)
    if not css:
        raise ValueError(f"empty CSS selector {text!r}")
    try:
        xpath = GenericTranslator().css_to_xpath(css)
    except SelectorError as e:
        raise ValueError(f"invalid CSS selector {text!r} ({e})") from e
    return Selector(css, xpath, attr)


def check_selectors(selectors: Mapping[str, str], *, list_page: bool) -> None:
    """Known field names, valid selectors, and on a list page ``item`` and ``title``."""
    allowed = ("item", *HTML_FIELDS) if list_page else HTML_FIELDS
    where = "selectors" if list_page else "detail_selectors"
    for name, text in selectors.items():
        if name not in allowed:
            raise ValueError(f"unknown key {where}.{name} (known: {', '.join(allowed)})")
        try:
            compile_selector(text)
        except ValueError as e:
            raise ValueError(f"{where}.{name}: {e}") from e
    if list_page:
        missing = [n for n in ("item", "title") if n not in selectors]
        if missing:
            raise ValueError(f"kind html needs selectors.{missing[0]}")
