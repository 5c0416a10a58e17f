"""Parsing what users type into subscription settings: pure, strict, explainable.

Each parser returns a value or raises ``PreferenceError`` with a code the bot
turns into a short, helpful reply in the user's language. Nothing is changed
unless parsing succeeded.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_KEYWORDS = 30
MAX_KEYWORD_CHARS = 40
MAX_VALUE_DKK = Decimal(10) ** 12

LEVELS = {
    "suitable": "suitable",
    "oplagt": "suitable",
    "oplagte": "suitable",
    "possible": "possible",
    "mulig": "possible",
    "mulige": "possible",
    "all": "all",
    "alle": "all",
    "alt": "all",
}
DELIVERY = {
    "instant": "instant",
    "straks": "instant",
    "med det samme": "instant",
    "now": "instant",
    "daily": "daily",
    "dagligt": "daily",
    "daglig": "daily",
    "weekly": "weekly",
    "ugentligt": "weekly",
    "ugentlig": "weekly",
}
LANGUAGES = {"da": "da", "dansk": "da", "danish": "da", "en": "en", "english": "en", "engelsk": "en"}
NO_LIMIT = {"0", "ingen", "none", "no", "nej", "off", "-", "ubegrænset", "unlimited"}


_VALUE = re.compile(
    r"(?:dkk|kr\.?)?\s*([0-9][0-9 .,']*)\s*"
    r"(mio\.?|millioner|million|mill?\.?|m|k|t|tusind|thousand)?\s*(?:kr\.?|dkk)?"
)


class PreferenceError(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


_KEYWORD_OK = re.compile(r"^-?[\w][\w .&/'-]*$", re.UNICODE)


def parse_keywords(text: str) -> list[str]:
    """'rengøring, vinduespudsning, -vagt' → ['rengøring', 'vinduespudsning', '-vagt']."""
    raw = [k.strip().lower() for k in re.split(r"[,;\n]+", text or "")]
    words: list[str] = []
    for k in raw:
        k = re.sub(r"\s+", " ", k)
        if not k or k == "-":
            continue
        if len(k) > MAX_KEYWORD_CHARS:
            raise PreferenceError("keyword_too_long", max=MAX_KEYWORD_CHARS, start=k[:20])
        if not _KEYWORD_OK.match(k):
            raise PreferenceError("keyword_invalid", word=k[:MAX_KEYWORD_CHARS])
        if k not in words:
            words.append(k)
    if len(words) > MAX_KEYWORDS:
        raise PreferenceError("too_many_keywords", max=MAX_KEYWORDS, count=len(words))
    return words


def parse_max_value(text: str) -> Decimal | None:
    """'500000', '500.000 kr', '2 mio', '0,5 mio.', '250k' → DKK; 'ingen'/'0' → no limit."""
    s = (text or "").strip().lower()
    if not s:
        raise PreferenceError("value_missing")
    if s in NO_LIMIT:
        return None
    m = _VALUE.fullmatch(s)
    if not m:
        raise PreferenceError("value_not_number", text=text[:30])
    number, unit = m.group(1).strip().replace(" ", "").replace("'", ""), m.group(2)
    if unit:  # "0,5 mio" / "1.5 mio": a decimal separator
        number = number.replace(",", ".")
        if number.count(".") > 1:
            raise PreferenceError("value_not_number", text=text[:30])
    else:  # "500.000" / "500,000": thousands separators
        number = number.replace(".", "").replace(",", "")
    try:
        value = Decimal(number)
    except InvalidOperation as e:
        raise PreferenceError("value_not_number", text=text[:30]) from e
    if unit and unit.startswith(("mio", "mill", "m")):
        value *= 1_000_000
    elif unit:
        value *= 1_000
    if value <= 0:
        return None
    if value > MAX_VALUE_DKK:
        raise PreferenceError("value_too_large")
    return value.quantize(Decimal(1))


def parse_choice(text: str, table: dict[str, str], code: str) -> str:
    key = re.sub(r"\s+", " ", (text or "").strip().lower())
    if key in table:
        return table[key]
    raise PreferenceError(code, text=(text or "")[:30], options=sorted(set(table.values())))


def parse_level(text: str) -> str:
    return parse_choice(text, LEVELS, "level_unknown")


def parse_language(text: str) -> str:
    return parse_choice(text, LANGUAGES, "language_unknown")


def parse_delivery(text: str) -> tuple[str, int | None]:
    """'daily', 'dagligt 7', 'weekly' → (mode, hour or None)."""
    parts = (text or "").strip().lower().split()
    hour: int | None = None
    if parts and parts[-1].removeprefix("kl.").removeprefix("kl").isdigit():
        hour = int(parts.pop().removeprefix("kl.").removeprefix("kl"))
        if hour > 23:
            raise PreferenceError("hour_invalid")
    if parts and parts[-1] in ("kl", "kl."):
        parts.pop()
    mode = parse_choice(" ".join(parts), DELIVERY, "delivery_unknown")
    return mode, hour


def parse_categories(text: str, known: dict[str, str]) -> list[str]:
    """Category keys from keys or labels typed by the user ('it, rengøring')."""
    chosen: list[str] = []
    lookup = {k.lower(): k for k in known} | {label.lower(): k for k, label in known.items()}
    for part in re.split(r"[,;\n]+", text or ""):
        p = part.strip().lower()
        if not p:
            continue
        key = lookup.get(p)
        if key is None:
            starts = [k for lbl, k in lookup.items() if lbl.startswith(p) and len(p) >= 3]
            if len(set(starts)) == 1:
                key = starts[0]
        if key is None:
            raise PreferenceError("category_unknown", text=part.strip()[:40])
        if key not in chosen:
            chosen.append(key)
    return chosen
