"""Small helpers shared by the format parsers: clean text, dates, placeholders."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

_TAG = re.compile(r"<[^>]{0,2000}>")
_C1 = re.compile("[\x80-\x9f]")
_CP1252 = {c: (bytes([c]).decode("cp1252", errors="ignore") or None) for c in range(0x80, 0xA0)}
COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# Values publishers put in mandatory fields when they know nothing.
PLACEHOLDER_AMOUNTS = {Decimal("0"), Decimal("0.01"), Decimal("1"), Decimal("0.1")}
PLACEHOLDER_YEARS = range(2090, 10000)


def clean_text(value: str | None, *, limit: int = 20_000) -> str:
    """Plain text from a field that may hold HTML, entities or odd whitespace.

    Legacy cp1252 characters written as references (``&#150;``) arrive as C1
    control characters and are read as the cp1252 characters they meant.
    """
    if not value:
        return ""
    text = html.unescape(_TAG.sub(" ", value))
    if "\x85" in text:  # cp1252 "…", but str.split() would take it for a line break
        text = text.replace("\x85", "\u2026")
    # Every run of Unicode whitespace (NBSP, tabs, newlines) → one space; split()
    # is several times faster than a regex on long descriptions.
    text = " ".join(text.split())
    if not text.isprintable():  # rare, so the slow per-character pass is fine
        if _C1.search(text):
            text = text.translate(_CP1252)
        text = " ".join("".join(ch for ch in text if ch.isprintable()).split())
    return text[:limit]


def parse_amount(value: str | float | int | None) -> Decimal | None:
    """A money amount, or None when missing, not a number, negative or a placeholder."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount in PLACEHOLDER_AMOUNTS:
        return None
    return amount


def parse_iso_date(value: str | None, *, default_time: time | None = None) -> datetime | None:
    """Parse ISO dates with or without time and offset ("2024-11-18+01:00",
    "2024-11-18T12:00:00Z", "2024-11-18"); naive values are read as Copenhagen
    time. Placeholder years (2099-01-01) give None."""
    if not value:
        return None
    s = value.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    try:
        if "T" in s or " " in s.strip():
            dt = datetime.fromisoformat(s)
        else:
            d, tz = _split_date_offset(s)
            t = default_time or time(0, 0)
            dt = datetime.combine(d, t, tzinfo=tz)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=COPENHAGEN)
    if dt.year in PLACEHOLDER_YEARS or dt.year < 1990:
        return None
    return dt


def combine_date_time(d: str | None, t: str | None) -> datetime | None:
    """eForms splits date and time: ("2024-11-18+01:00", "12:00:00+01:00")."""
    if not d:
        return None
    base = parse_iso_date(d, default_time=time(23, 59) if not t else None)
    if base is None or not t:
        return base
    ts = t.strip()
    if ts.endswith("Z"):
        ts = ts[:-1] + "+00:00"
    try:
        tt = time.fromisoformat(ts)
    except ValueError:
        return base
    tz = tt.tzinfo or base.tzinfo
    return datetime.combine(base.date(), tt.replace(tzinfo=None), tzinfo=tz)


def _split_date_offset(s: str) -> tuple[date, timezone | ZoneInfo]:
    d = date.fromisoformat(s[:10])
    rest = s[10:]
    if not rest:
        return d, COPENHAGEN
    sign = 1 if rest[0] == "+" else -1
    hh, _, mm = rest[1:].partition(":")
    offset = timedelta(hours=int(hh), minutes=int(mm or 0)) * sign
    return d, (UTC if not offset else timezone(offset))
