"""What an enterprise types into its directory profile: parsed strictly, explained when wrong. Pure.

Each parser returns the value to store or raises ``ProfileError`` with a code the bot turns
into a short reply in the user's language; nothing is stored unless parsing succeeded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from urllib.parse import urlsplit

from jobs.directory.cvr import normalise_cvr
from jobs.people.preferences import PreferenceError, parse_categories, parse_max_value

Field = Literal["name", "cvr", "trades", "area", "employees", "capacity", "description", "website", "contact"]
# The order of the guided dialogue; the optional ones can be skipped with "-".
FIELDS: tuple[Field, ...] = (
    "name",
    "cvr",
    "trades",
    "area",
    "employees",
    "capacity",
    "description",
    "website",
    "contact",
)
REQUIRED: tuple[Field, ...] = ("name", "cvr", "trades", "area", "description", "contact")
OPTIONAL: tuple[Field, ...] = ("employees", "capacity", "website")
SKIP = {"-", "ingen", "none", "spring over", "skip", "nej", "no"}

MAX_NAME = 120
MAX_DESCRIPTION = 600
MAX_CONTACT = 200
MAX_WEBSITE = 200
MAX_TRADES = 6
MAX_EMPLOYEES = 100_000

# Where an enterprise works, widest last: an enterprise covers a purchase in its area or a narrower one.
AREAS: dict[str, tuple[str, str]] = {
    "roskilde": ("Roskilde Kommune", "Roskilde Municipality"),
    "sjaelland": ("Sjælland og øerne", "Zealand and the islands"),
    "danmark": ("Hele Danmark", "All of Denmark"),
}
AREA_RANK = {key: i for i, key in enumerate(AREAS)}
_AREA_WORDS = {
    "roskilde": "roskilde",
    "roskilde kommune": "roskilde",
    "kommunen": "roskilde",
    "lokalt": "roskilde",
    "local": "roskilde",
    "sjælland": "sjaelland",
    "sjaelland": "sjaelland",
    "zealand": "sjaelland",
    "region sjælland": "sjaelland",
    "regionen": "sjaelland",
    "danmark": "danmark",
    "hele danmark": "danmark",
    "hele landet": "danmark",
    "denmark": "danmark",
    "all of denmark": "danmark",
    "landsdækkende": "danmark",
}


class ProfileError(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def area_label(key: str, lang: str) -> str:
    da, en = AREAS.get(key, (key, key))
    return en if lang == "en" else da


def clean_text(text: str, limit: int, *, lines: bool = False) -> str:
    """Printable text only (no control or format characters), whitespace tidied."""
    out = []
    for ch in unicodedata.normalize("NFC", text or ""):
        if ch == "\n" and lines:
            out.append(ch)
        elif unicodedata.category(ch)[0] == "C":
            out.append(" ")
        else:
            out.append(ch)
    joined = "".join(out)
    if lines:
        joined = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in joined.split("\n"))
        joined = re.sub(r"\n{3,}", "\n\n", joined).strip()
    else:
        joined = re.sub(r"\s+", " ", joined).strip()
    if len(joined) > limit:
        raise ProfileError("too_long", max=limit, length=len(joined))
    return joined


def parse_name(text: str) -> str:
    name = clean_text(text, MAX_NAME)
    if len(name) < 2 or not any(ch.isalnum() for ch in name):
        raise ProfileError("name_invalid")
    return name


def parse_cvr(text: str) -> str:
    cvr = normalise_cvr(text)
    if cvr is None:
        raise ProfileError("cvr_invalid", text=(text or "")[:20])
    return cvr


def parse_trades(text: str, labels: dict[str, str]) -> list[str]:
    """Category keys (jobs/categories.py) from keys or labels, as ``/categories`` takes them."""
    try:
        keys = parse_categories(text, labels)
    except PreferenceError as e:
        raise ProfileError("trade_unknown", **e.params) from e
    if not keys:
        raise ProfileError("trades_missing")
    if len(keys) > MAX_TRADES:
        raise ProfileError("too_many_trades", max=MAX_TRADES)
    return keys


def parse_area(text: str) -> str:
    word = re.sub(r"\s+", " ", (text or "").strip().lower())
    area = word if word in AREAS else _AREA_WORDS.get(word)
    if area is None:
        raise ProfileError("area_unknown", text=(text or "")[:30])
    return area


def parse_employees(text: str) -> int | None:
    word = (text or "").strip().lower()
    if word in SKIP:
        return None
    digits = word.replace(".", "").replace(" ", "")
    if not (digits.isascii() and digits.isdigit()) or not 1 <= int(digits) <= MAX_EMPLOYEES:
        raise ProfileError("employees_invalid", text=(text or "")[:20])
    return int(digits)


def parse_capacity(text: str) -> Decimal | None:
    if (text or "").strip().lower() in SKIP:
        return None
    try:
        return parse_max_value(text)
    except PreferenceError as e:
        raise ProfileError("capacity_invalid", text=(text or "")[:30]) from e


def parse_description(text: str) -> str:
    description = clean_text(text, MAX_DESCRIPTION, lines=True)
    if len(description) < 10:
        raise ProfileError("description_short")
    return description


def parse_website(text: str) -> str:
    """An http(s) address ("www.example.dk" becomes https://www.example.dk); "-" for none."""
    raw = (text or "").strip()
    if raw.lower() in SKIP:
        return ""
    if len(raw) > MAX_WEBSITE:
        raise ProfileError("too_long", max=MAX_WEBSITE, length=len(raw))
    if not re.match(r"^https?://", raw, flags=re.I):
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError as e:
        raise ProfileError("website_invalid") from e
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in ("http", "https")
        or not re.fullmatch(r"[a-z0-9æøå-]+(\.[a-z0-9æøå-]+)+", host, flags=re.I)
        or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in raw)
        or parts.username
        or parts.password
    ):
        raise ProfileError("website_invalid")
    return raw


def parse_contact(text: str) -> str:
    contact = clean_text(text, MAX_CONTACT)
    if len(contact) < 5:
        raise ProfileError("contact_invalid")
    return contact


def parse_field(field: str, text: str, labels: dict[str, str]) -> object:
    """The value of ``field`` from what was typed (raises ProfileError)."""
    parsers = {
        "name": parse_name,
        "cvr": parse_cvr,
        "area": parse_area,
        "employees": parse_employees,
        "capacity": parse_capacity,
        "description": parse_description,
        "website": parse_website,
        "contact": parse_contact,
    }
    if field == "trades":
        return parse_trades(text, labels)
    if field not in parsers:
        raise ProfileError("field_unknown", text=field[:20])
    return parsers[field](text)


# ---------------------------------------------------------------- /match arguments

MAX_PURCHASE_TEXT = 500


@dataclass(frozen=True)
class PurchaseRequest:
    """What staff typed after ``/match``: a text with ``cpv:``, ``værdi:``/``value:`` and
    ``område:``/``area:`` options, or a stored notice's number."""

    text: str = ""
    cpv: tuple[str, ...] = ()
    value_dkk: Decimal | None = None
    area: str = "roskilde"
    notice_id: int | None = None


def parse_purchase(text: str) -> PurchaseRequest:
    words: list[str] = []
    cpv: list[str] = []
    value: Decimal | None = None
    area = "roskilde"
    notice_id: int | None = None
    raw = clean_text(text, MAX_PURCHASE_TEXT * 2)
    tokens = raw.split()
    if len(tokens) == 1 and tokens[0].removeprefix("#").removeprefix("udbud:").isdigit():
        number = tokens[0].removeprefix("#").removeprefix("udbud:")
        if not number.isascii() or len(number) > 9:
            raise ProfileError("notice_unknown", id=number[:12])
        return PurchaseRequest(notice_id=int(number))
    for token in tokens:
        key, sep, rest = token.partition(":")
        key = key.lower()
        if sep and key == "cpv":
            code = rest.split("-", 1)[0]
            if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 8):
                raise ProfileError("cpv_invalid", text=rest[:20])
            cpv.append(code)
        elif sep and key in ("værdi", "vaerdi", "value"):
            try:
                value = parse_max_value(rest)
            except PreferenceError as e:
                raise ProfileError("value_invalid", text=rest[:20]) from e
        elif sep and key in ("område", "omraade", "area"):
            area = parse_area(rest)
        elif sep and key in ("udbud", "notice") and rest.isascii() and rest.isdigit() and len(rest) <= 9:
            notice_id = int(rest)
        else:
            words.append(token)
    purchase_text = " ".join(words)[:MAX_PURCHASE_TEXT]
    if not purchase_text and not cpv and notice_id is None:
        raise ProfileError("purchase_empty")
    return PurchaseRequest(purchase_text, tuple(cpv), value, area, notice_id)
