"""Parsing what users type into subscription settings: pure, strict, explainable.

Each parser returns a value or raises ``PreferenceError`` with a code the bot
turns into a short, helpful reply in the user's language. Nothing is changed
unless parsing succeeded.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

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
NO_LIMIT = {"0", "ingen", "none", "no", "nej", "off", "-", "ubegrænset", "unlimited", "no limit", "ingen grænse"}

# The plausible range of a contract's estimated value: below it, a decimal comma or point was
# probably read the wrong way ("1,5" meant 1.5 million); above it, a slip of the finger.
MIN_VALUE_DKK = Decimal(1000)
MAX_AMOUNT_CHARS = 60
DIGITS = 100  # Decimal precision while reading: 60 typed digits and a billion never round
MAX_VALUE_DKK = Decimal(10) ** 10

# Powers of ten of the words that follow a number ("2 mio.", "1,5 mia", "500k").
AMOUNT_UNITS = {
    **dict.fromkeys(("k", "t", "tk", "tkr", "tusind", "tusinde", "thousand", "thousands", "tsd"), 3),
    **dict.fromkeys(("m", "mio", "mill", "mil", "mn", "mln", "million", "millioner", "millions"), 6),
    **dict.fromkeys(("mia", "mrd", "milliard", "milliarder", "bn", "b", "billion", "billions"), 9),
}
_CURRENCY = r"(?:dkk|danske kroner|kroner|kr\.?|,-|\.-)"
_QUALIFIER = r"(?:maks\.?|max\.?|maximum|højst|op til|up to|under|ca\.?|cirka|omkring|about|around)"
_LEADING = re.compile(rf"^(?:{_CURRENCY}|{_QUALIFIER})\s*")
_TRAILING = re.compile(rf"\s*{_CURRENCY}$")
_AMOUNT = re.compile(r"(?P<number>\d(?:[\d .,'’_]*\d)?)\s*(?P<unit>[a-zæøå][a-zæøå.]*)?")
_GROUPING = " '’_"  # thousands separators in either language


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


def _reading(number: str, thousands: str, decimal: str) -> Decimal | None:
    """``number`` read with one convention (Danish: "." thousands, "," decimals; English the
    other way round), or None when it is not written that way (groups of three after a
    thousands separator, at most one decimal separator, at most two decimals)."""
    whole, sep, fraction = number.partition(decimal)
    if sep and not (fraction.isascii() and fraction.isdigit()):
        return None
    groups = re.split(f"[{re.escape(thousands + _GROUPING)}]", whole)
    if not all(g.isascii() and g.isdigit() for g in groups):
        return None
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        return None
    return Decimal(f"{''.join(groups)}.{fraction or '0'}")


def read_amounts(text: str) -> tuple[list[Decimal], bool]:
    """Every way ``text`` can be read as an amount in DKK (Danish and English conventions),
    and whether it says "no limit". Pure; ``parse_max_value`` decides between the readings.

    >>> read_amounts("1,5 mio.")
    ([Decimal('1500000.0')], False)
    """
    if len(text or "") > 4 * MAX_AMOUNT_CHARS:  # no amount is written that long
        return [], False
    s = re.sub(r"\s+", " ", (text or "").replace("\u00a0", " ").replace("\u202f", " ")).strip().lower()
    previous = None
    while s != previous:  # "kr. 500.000,-", "maks. 2 mio. kr.", "DKK 2.000.000"
        previous = s
        s = _TRAILING.sub("", _LEADING.sub("", s)).strip()
    if s in NO_LIMIT:
        return [], True
    if len(s) > MAX_AMOUNT_CHARS:
        return [], False
    m = _AMOUNT.fullmatch(s)
    if m is None:
        return [], False
    unit = m.group("unit")
    power = 0
    if unit is not None:
        key = unit.replace(".", "")
        if key not in AMOUNT_UNITS:
            return [], False
        power = AMOUNT_UNITS[key]
    number = m.group("number").strip()
    with localcontext() as exact:
        exact.prec = DIGITS
        return _readings(number, power), False


def _readings(number: str, power: int) -> list[Decimal]:
    readings: list[Decimal] = []
    for thousands, decimal in ((".", ","), (",", ".")):
        value = _reading(number, thousands, decimal)
        if value is None:
            continue
        value = value.scaleb(power)
        if value <= MAX_VALUE_DKK and value != value.quantize(Decimal("0.01")):  # "1000,123" kr.: no such amount
            continue
        if value not in readings:
            readings.append(value)
    return readings


def plain(value: Decimal) -> Decimal:
    """2000000.00 → 2000000; 500000.5 → 500000.50 (kroner and øre); beyond any plausible
    amount (more digits than Decimal's precision holds) as it is."""
    with localcontext() as exact:
        exact.prec = DIGITS
        if value > MAX_VALUE_DKK:
            return value
        whole = value.quantize(Decimal(1))
        return whole if whole == value else value.quantize(Decimal("0.01"))


def parse_max_value(text: str) -> Decimal | None:
    """An amount in DKK as Danes and English speakers write it, or None for "no limit".

    "500.000,50", "500,000.50", "1,5 mio.", "1.5m", "2 mia.", "500 000", "kr. 500.000",
    "500k", "DKK 2.000.000", "2 millioner"; "ingen"/"0" → no limit. When the Danish and
    the English reading differ, the one in the plausible range (``MIN_VALUE_DKK`` to
    ``MAX_VALUE_DKK``) wins ("500.000" is 500,000, not 500); when both or neither are
    plausible the user is asked again (``value_ambiguous``, ``value_too_small``,
    ``value_too_large``), and nothing is saved.
    """
    if not (text or "").strip():
        raise PreferenceError("value_missing")
    readings, no_limit = read_amounts(text)
    if no_limit:
        return None
    if not readings:
        raise PreferenceError("value_not_number", text=text.strip()[:30])
    plausible = [v for v in readings if MIN_VALUE_DKK <= v <= MAX_VALUE_DKK]
    if len(plausible) > 1:
        raise PreferenceError("value_ambiguous", options=sorted(plain(v) for v in plausible))
    if not plausible:
        value = plain(readings[0])
        if value == 0:
            return None
        raise PreferenceError("value_too_small" if value < MIN_VALUE_DKK else "value_too_large", value=value)
    return plain(plausible[0])


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
