"""Danish conventions in udbud.dk records and Danish feeds.

Dates as "08-11-2021 kl. 12.00" (Copenhagen local time), amounts as
"700.000 kr." / "100000 DKK" / "2,5 mio. kr.", "Ja"/"Nej", regions by name
("Østjylland", "Byen København") and labelled lines in free text
("Tilbudsfrist: 08-11-2021 kl. 12.00", "Skønnet kontraktsum: 700.000 kr.").
"""

from __future__ import annotations

import functools
import html
import re
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from jobs.ingest.parse.text import COPENHAGEN, parse_amount, parse_iso_date

_DATE = re.compile(
    r"(?<!\d)(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?!\d)"
    r"(?:[ \t,]*(?:kl\.?|klokken)?[ \t]*(\d{1,2})[.:](\d{2})(?!\d))?",
    re.IGNORECASE,
)
_MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4, "maj": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_NAMED_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\.?\s+(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})(?!\d)"
    r"(?:[ \t,]*(?:kl\.?|klokken)?[ \t]*(\d{1,2})[.:](\d{2})(?!\d))?",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?P<pre>DKK|EUR|kr\.?|€)?\s*"
    r"(?P<num>\d{1,3}(?:[.\u00a0 ]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"
    r"\s*(?P<mult>mio\.?|millioner|mia\.?|milliarder)?"
    r"\s*(?P<post>DKK|EUR|SEK|NOK|GBP|USD|kr\.?|kroner|€)?",
    re.IGNORECASE,
)
_CURRENCY = {"dkk": "DKK", "kr": "DKK", "kr.": "DKK", "kroner": "DKK", "eur": "EUR", "€": "EUR"}
_YES = {"ja", "yes", "true", "1", "y", "j"}
_NO = {"nej", "no", "false", "0", "n"}
_TAG = re.compile(r"<[^>]{0,2000}>")

# udbud.dk's "Leveringssted" names → NUTS 2021 codes (regions NUTS 2, provinces NUTS 3).
REGION_NUTS = {
    "danmark": "DK",
    "hovedstaden": "DK01",
    "byen københavn": "DK011",
    "københavns omegn": "DK012",
    "nordsjælland": "DK013",
    "bornholm": "DK014",
    "sjælland": "DK02",
    "østsjælland": "DK021",
    "vest- og sydsjælland": "DK022",
    "syddanmark": "DK03",
    "fyn": "DK031",
    "sydjylland": "DK032",
    "midtjylland": "DK04",
    "vestjylland": "DK041",
    "østjylland": "DK042",
    "nordjylland": "DK05",
}
_NUTS_IN_PARENS = re.compile(r"\(([A-Z]{2}[0-9A-Z]{0,3})\)")

CONTRACT_NATURE = {
    "tjenesteydelser": "services",
    "varekøb": "supplies",
    "varer": "supplies",
    "indkøb": "supplies",
    "bygge- og anlæg": "works",
    "bygge- og anlægsarbejder": "works",
}
PROCEDURE_TYPE = {
    "offentligt/åbent udbud": "open",
    "offentligt udbud": "open",
    "begrænset udbud": "restricted",
    "udbud med forhandling": "neg-w-call",
    "konkurrencepræget dialog": "comp-dial",
    "innovationspartnerskab": "innovation",
}


def parse_dk_datetime(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """Parse "08-11-2021 kl. 12.00" (or "8. november 2021 kl. 12:00") as 2021-11-08 12:00
    Copenhagen time.

    A date without a time is 00:00, or 23:59 with ``end_of_day`` (a deadline
    given as a day is open all that day). ISO 8601 values are accepted too.
    """
    if not value:
        return None
    m = _DATE.search(value)
    if m:
        day, month, year, hh, mm = m.groups()
    else:
        named = _NAMED_DATE.search(value)  # "12. marts 2024 kl. 12:00" (web pages)
        if not named:
            return parse_iso_date(value.strip(), default_time=time(23, 59) if end_of_day else None)
        day, month_name, year, hh, mm = named.groups()
        month = str(_MONTHS[month_name.lower()])
    try:
        if hh is not None:
            t = time(int(hh), int(mm))
        else:
            t = time(23, 59) if end_of_day else time(0, 0)
        dt = datetime(int(year), int(month), int(day), t.hour, t.minute, tzinfo=COPENHAGEN)
    except ValueError:
        return None
    return dt if 1990 <= dt.year < 2090 else None


def parse_dk_amount(value: str | None, *, default_currency: str | None = None) -> tuple[Decimal | None, str | None]:
    """Parse amounts: "700.000 kr." → (700000, "DKK"); "2,5 mio. kr." → (2500000, "DKK").

    Placeholders (0, 1, 0.01) give (None, None) like ``text.parse_amount``.
    """
    if not value:
        return None, None
    m = _AMOUNT.search(value)
    if not m:
        return None, None
    number = _dk_number(m.group("num"))
    if number is None:
        return None, None
    mult = (m.group("mult") or "").lower()
    if mult.startswith("mio") or mult.startswith("million"):
        number *= 1_000_000
    elif mult.startswith("mia") or mult.startswith("milliard"):
        number *= 1_000_000_000
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    amount = parse_amount(str(number))
    if amount is None:
        return None, None
    cur_token = (m.group("post") or m.group("pre") or "").lower()
    currency = _CURRENCY.get(cur_token, cur_token.upper() or None) or default_currency
    return amount, currency


def _dk_number(s: str) -> Decimal | None:
    s = s.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "").replace(" ", "").replace(",", ".")
    elif "," in s:
        s = s.replace(",", ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def yes_no(value: object) -> bool | None:
    """Read "Ja"/"Nej" (and yes/no/true/false/1/0) as a bool; anything else is None."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    s = value.strip().lower()
    if s in _YES:
        return True
    if s in _NO:
        return False
    return None


def region_nuts(value: str | None) -> tuple[str, ...]:
    """NUTS codes of region names: "Hovedstaden, Sjælland" → ("DK01", "DK02"); unknown names are skipped."""
    if not value:
        return ()
    out: dict[str, None] = {}
    for part in value.split(","):
        m = _NUTS_IN_PARENS.search(part)
        code = m.group(1) if m else REGION_NUTS.get(part.strip().lower())
        if code:
            out.setdefault(code)
    return tuple(out)


def plain_lines(markup: str | None) -> str:
    """Text of an HTML fragment with tags turned into line breaks (labels stay findable)."""
    if not markup:
        return ""
    return html.unescape(_TAG.sub("\n", markup)).replace("\u00a0", " ")


def labelled(text: str, *labels: str) -> str | None:
    """The rest of the line after "Label:" for the first label found (case-insensitive)."""
    for label in labels:
        m = _label_pattern(label).search(text)
        if m:
            return m.group(1).strip()
    return None


@functools.cache
def _label_pattern(label: str) -> re.Pattern[str]:
    # Compiled once per label: a feed page looks up a dozen labels in every item.
    return re.compile(rf"(?:^|[\s>]){re.escape(label)}\s*:\s*([^\n]+)", re.IGNORECASE)
