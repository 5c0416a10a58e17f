"""Telegram deep-link payloads (``https://t.me/<bot>?start=<payload>``): the web section makes
them, the bot's ``/start`` reads them. Pure.

Telegram allows 1-64 characters of ``A-Z a-z 0-9 _ -``. ``c_<category key>`` follows a
category; ``k_<keyword, base64url without padding>`` follows a keyword. Anything else (made up,
cut short, an unknown category, a keyword that would not be accepted when typed) is no payload:
``/start`` then behaves as without one.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from jobs.people.preferences import PreferenceError, parse_keywords

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class StartRequest:
    kind: Literal["category", "keyword"]
    value: str


def category_payload(key: str) -> str | None:
    payload = f"c_{key}"
    return payload if PAYLOAD.match(payload) else None


def keyword_payload(word: str) -> str | None:
    try:
        [keyword] = parse_keywords(word)
    except (PreferenceError, ValueError):
        return None
    if keyword.startswith("-"):
        return None
    payload = "k_" + base64.urlsafe_b64encode(keyword.encode("utf-8")).decode("ascii").rstrip("=")
    return payload if PAYLOAD.match(payload) else None


def parse_payload(payload: str, categories: Collection[str]) -> StartRequest | None:
    if not PAYLOAD.match(payload or ""):
        return None
    kind, _, rest = payload.partition("_")
    if kind == "c" and rest in categories:
        return StartRequest("category", rest)
    if kind == "k" and rest:
        try:
            word = base64.urlsafe_b64decode(rest + "=" * (-len(rest) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        try:
            words = parse_keywords(word)
        except PreferenceError:
            return None
        if len(words) == 1 and not words[0].startswith("-") and keyword_payload(words[0]) == payload:
            return StartRequest("keyword", words[0])
    return None
