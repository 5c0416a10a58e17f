"""Every user-facing string of the bot, in Danish and English (one place per language).

Strings are HTML (the bot's parse mode): anything inserted from data is escaped by the
caller before formatting. ``da.py`` and ``en.py`` hold the strings, ``directory.py`` those
of the enterprise directory and purchase matching; everything comes through ``t``.
"""

from __future__ import annotations

from typing import Any

from bot.texts.da import DA as _DA
from bot.texts.directory import DIRECTORY_DA, DIRECTORY_EN
from bot.texts.en import EN as _EN

DA: dict[str, str] = {**_DA, **DIRECTORY_DA}
EN: dict[str, str] = {**_EN, **DIRECTORY_EN}
TEXTS = {"da": DA, "en": EN}
COMMANDS = (
    "start",
    "settings",
    "categories",
    "keywords",
    "maxvalue",
    "level",
    "digest",
    "language",
    "open",
    "pause",
    "resume",
    "stop",
    "hours",
    "raadgivning",
    "help",
    "mydata",
    "deletemydata",
    "profil",
)


def t(lang: str, key: str, **params: Any) -> str:
    table = TEXTS.get(lang, DA)
    return table.get(key, DA[key]).format(**params)


def user_language(code: str | None) -> str:
    """Danish first: English only when Telegram says the user's language is English."""
    return "en" if (code or "").lower().startswith("en") else "da"
