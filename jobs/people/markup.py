"""What staff may write to enterprises: Telegram's HTML subset, checked before anything is sent (pure)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MAX_VISIBLE = 4096  # Telegram's limit, counted on the text after the HTML is parsed

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}


def visible_length(markup: str) -> int:
    """Characters Telegram counts: the text after tags are dropped and references decoded."""
    return len(html.unescape(re.sub(r"<[^>]*>", "", markup)).strip())


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f"<{tag}> is not allowed"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f"</{tag}> does not close the open tag"
        else:
            self.stack.pop()


def check_html(markup: str) -> str | None:
    """Why Telegram would refuse this HTML, or None (allowed tags, properly nested, fits)."""
    if not markup.strip():
        return "the text is empty"
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    if checker.error:
        return checker.error
    if checker.stack:
        return f"<{checker.stack[-1]}> is not closed"
    if visible_length(markup) > MAX_VISIBLE:
        return f"the text is longer than {MAX_VISIBLE} characters"
    return None
