"""Dates, amounts and relative deadlines for people, via Babel, in Danish or English."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal

from web.texts import t

# Parsed once: Babel parses a locale name on every call otherwise (a calendar formats 500 deadlines).
LOCALES = {"da": Locale.parse("da_DK"), "en": Locale.parse("en_GB")}
# Characters XML 1.0 (and so Atom, and sane HTML) cannot hold: hostile or broken source text loses them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str | None) -> str:
    return _INVALID_XML.sub("", text or "")


def money(value: Decimal | None, currency: str | None, lang: str) -> str:
    if value is None:
        return t(lang, "no_value")
    amount = format_decimal(value, format="#,##0", locale=LOCALES.get(lang, LOCALES["da"]))
    return f"{amount} {currency or 'DKK'}"


def when(dt: datetime, lang: str, tz: str) -> str:
    """ "20. december 2026 kl. 12.00" / "20 December 2026 at 12:00"; midnight: the date only."""
    zone = ZoneInfo(tz)
    local = dt.astimezone(zone)
    locale = LOCALES.get(lang, LOCALES["da"])
    if local.hour == 0 and local.minute == 0:
        return format_date(local.date(), "d. MMMM y" if lang == "da" else "d MMMM y", locale=locale)
    pattern = "d. MMMM y 'kl.' HH.mm" if lang == "da" else "d MMMM y 'at' HH:mm"
    return format_datetime(local, pattern, tzinfo=zone, locale=locale)


def relative(deadline: datetime, now: datetime, lang: str, tz: str) -> str:
    """ "om 12 dage" / "in 12 days" (Babel), counted in calendar days; "i dag", "udløbet"."""
    if deadline <= now:
        return t(lang, "expired")
    zone = ZoneInfo(tz)
    days = (deadline.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return t(lang, "today")
    return _in_days(days, lang)


@lru_cache(maxsize=1024)
def _in_days(days: int, lang: str) -> str:
    return format_timedelta(
        timedelta(days=days), granularity="day", threshold=10**9, add_direction=True, locale=LOCALES[lang]
    )
