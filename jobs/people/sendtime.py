"""When should a broadcast go out? Staff type it the way they say it.

Pure: ``parse_send_time(text, now, tz)`` with the clock injected. Danish and English,
with or without æøå: "nu", "i morgen kl. 9", "på fredag kl. 14.30", "1/12 kl. 9",
"1. december 2026 09:00", "2026-12-01 09:00", "om 2 timer", "tomorrow at 9am",
"Monday 10:00", "in 30 minutes". A day without a time means 09:00 local time.
Anything not understood, in the past or more than a year ahead is an error with a
code the bot explains; nothing is guessed from words it does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from jobs.answers.hours.lexicon import fold, month_number

DEFAULT_TIME = time(9, 0)
MAX_AHEAD = timedelta(days=366)

NOW_WORDS = {"nu", "straks", "now", "med det samme", "omgaende", "immediately", "right away", "asap"}
DAY_WORDS = {
    "i dag": 0,
    "idag": 0,
    "today": 0,
    "i morgen": 1,
    "imorgen": 1,
    "tomorrow": 1,
    "i overmorgen": 2,
    "overmorgen": 2,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
}
WEEKDAYS = {
    **{w: i for i, w in enumerate(("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lordag", "sondag"))},
    **{w: i for i, w in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{w: i for i, w in enumerate(("", "tirs", "ons", "tors", "fre", "lor", "son")) if w},
    **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
}
UNITS = {
    "minut": 1,
    "minutter": 1,
    "min": 1,
    "minute": 1,
    "minutes": 1,
    "mins": 1,
    "time": 60,
    "timer": 60,
    "hour": 60,
    "hours": 60,
    "dag": 1440,
    "dage": 1440,
    "day": 1440,
    "days": 1440,
}
NUMBER_WORDS = {"en": 1, "et": 1, "a": 1, "an": 1, "one": 1, "to": 2, "two": 2, "tre": 3, "three": 3, "halv": 0}
# words that carry no meaning of their own here ("på fredag", "kl. 9", "at 9", "den 1. december")
FILLER = {"pa", "kl", "klokken", "at", "on", "the", "den", "d", "next", "naeste", "this", "denne", "og", "and", "ved"}


class SendTimeError(ValueError):
    """``code``: "unknown" (not understood), "past" or "too_far"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class _Parts:
    day: date | None = None
    clock: time | None = None
    delta: timedelta | None = None


def parse_send_time(text: str, now: datetime, tz: str) -> datetime | None:
    """The moment ``text`` means, as an aware UTC datetime; None for "now"."""
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    s = " ".join(fold(text).replace(",", " ").split())
    if s in NOW_WORDS or s == "":
        return None
    parts = _Parts()
    s = _relative(s, parts)
    s = _date(s, parts, local_now.date())
    s = _day_word(s, parts, local_now)
    s = _clock(s, parts, bare_number_is_hour=parts.day is not None)
    leftover = [w for w in re.findall(r"[a-z]+|\d+", s) if w not in FILLER]
    if leftover or (parts.day is None and parts.clock is None and parts.delta is None):
        raise SendTimeError("unknown")
    if parts.delta is not None:
        if parts.day is not None or parts.clock is not None:
            raise SendTimeError("unknown")
        when = now + parts.delta
    else:
        clock = parts.clock or DEFAULT_TIME
        day = parts.day
        if day is None:  # a time alone: today if still ahead, else tomorrow
            day = local_now.date()
            if datetime.combine(day, clock, tzinfo=zone) <= local_now:
                day += timedelta(days=1)
        when = datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
    if when <= now:
        raise SendTimeError("past")
    if when - now > MAX_AHEAD:
        raise SendTimeError("too_far")
    return when.astimezone(UTC)


def _cut(s: str, m: re.Match[str]) -> str:
    return (s[: m.start()] + " " + s[m.end() :]).strip()


def _relative(s: str, parts: _Parts) -> str:
    """ "om 2 timer", "om en halv time", "in 30 minutes"."""
    m = re.search(r"\b(?:om|in)\s+(\d+|[a-z]+)\s+(?:og\s+en\s+)?(halv\s+)?([a-z]+)\b", s)
    if m is None:
        return s
    unit = UNITS.get(m.group(3))
    amount = int(m.group(1)) if m.group(1).isdigit() else NUMBER_WORDS.get(m.group(1))
    if unit is None or amount is None:
        return s
    minutes = amount * unit + (unit // 2 if m.group(2) else 0)
    if m.group(1) == "en" and m.group(2):  # "om en halv time"
        minutes = unit // 2
    parts.delta = timedelta(minutes=minutes)
    return _cut(s, m)


def _valid(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as e:
        raise SendTimeError("unknown") from e


def _next_date(today: date, month: int, day: int, year: int | None) -> date:
    if year is not None:
        return _valid(year + 2000 if year < 100 else year, month, day)
    found = _valid(today.year, month, day) if (month, day) != (2, 29) else None
    if found is None or found < today:
        found = _valid(today.year + 1, month, day)
    return found


def _date(s: str, parts: _Parts, today: date) -> str:
    # 2026-12-01, 2026-12-01t09:00
    m = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:t(\d{1,2}):(\d{2}))?\b", s)
    if m:
        parts.day = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m.group(4):
            parts.clock = _time(int(m.group(4)), int(m.group(5)))
        return _cut(s, m)
    # 1/12, 1/12/2026, 1-12-2026, 1.12.2026 (a dot needs the year: "9.30" is a time)
    m = re.search(r"\b(\d{1,2})(?:[/-](\d{1,2})(?:[/-](\d{2,4}))?|\.(\d{1,2})\.(\d{2,4}))\b", s)
    if m:
        if m.group(2):
            day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        else:
            day, month, year = int(m.group(1)), int(m.group(4)), m.group(5)
        parts.day = _next_date(today, month, day, int(year) if year else None)
        return _cut(s, m)
    # 1. december [2026], 1 dec, december 1[,] 2026
    for m in re.finditer(r"\b(\d{1,2})\.?\s+([a-z]+)\.?(?:\s+(\d{4}))?\b", s):
        named = month_number(m.group(2))
        if named is not None:
            parts.day = _next_date(today, named, int(m.group(1)), int(m.group(3)) if m.group(3) else None)
            return _cut(s, m)
    for m in re.finditer(r"\b([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:\s+(\d{4})\b)?", s):
        named = month_number(m.group(1)) if len(m.group(1)) >= 3 else None
        if named is not None:
            parts.day = _next_date(today, named, int(m.group(2)), int(m.group(3)) if m.group(3) else None)
            return _cut(s, m)
    return s


def _day_word(s: str, parts: _Parts, local_now: datetime) -> str:
    for phrase in sorted(DAY_WORDS, key=len, reverse=True):
        m = re.search(rf"\b{phrase}\b", s)
        if m:
            if parts.day is not None:
                raise SendTimeError("unknown")  # "i morgen 1/12": which one?
            parts.day = local_now.date() + timedelta(days=DAY_WORDS[phrase])
            return _cut(s, m)
    for m in re.finditer(r"\b[a-z]{3,}\b", s):
        word = m.group(0)
        weekday = WEEKDAYS.get(word, WEEKDAYS.get(word.removesuffix("en")))  # "fredag", "fredagen"
        if weekday is None:
            continue
        if parts.day is not None:
            raise SendTimeError("unknown")
        parts.day = local_now.date() + timedelta(days=(weekday - local_now.weekday()) % 7)
        s = _clock(_cut(s, m), parts, bare_number_is_hour=True)
        # the same weekday as today: today if that time is still ahead, else next week
        if datetime.combine(parts.day, parts.clock or DEFAULT_TIME, tzinfo=local_now.tzinfo) <= local_now:
            parts.day += timedelta(days=7)
        return s
    return s


def _time(hour: int, minute: int, ampm: str | None = None) -> time:
    if ampm:
        if not 1 <= hour <= 12:
            raise SendTimeError("unknown")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise SendTimeError("unknown")
    return time(hour, minute)


def _clock(s: str, parts: _Parts, *, bare_number_is_hour: bool) -> str:
    if parts.clock is not None:
        return s
    patterns = [
        r"\b(\d{1,2})[:.](\d{2})\s*(am|pm)?\b",  # 9:30, 09.30, 9.30 pm
        r"\b(?:kl|klokken|at)\.?\s*(\d{1,2})()\s*(am|pm)?\b",  # kl. 9, klokken 14, at 9
        r"\b(\d{1,2})()\s*(am|pm)\b",  # 9am, 3 pm
    ]
    if bare_number_is_hour:
        patterns.append(r"\b(\d{1,2})()()\b")  # "i morgen 9"
    for pattern in patterns:
        m = re.search(pattern, s)
        if m:
            parts.clock = _time(int(m.group(1)), int(m.group(2) or 0), m.group(3) or None)
            return _cut(s, m)
    return s
