"""Opening and phone hours as configured in ``[hours]`` (declarations and validation only).

Defaults are the hours in the strategy appendix (../shared/seed/): opening Monday–Wednesday
10–15, Thursday 10–18, Friday 10–13; phone Monday–Wednesday 08–15, Thursday 10–18, Friday
08–13; closed at weekends, on Danish public holidays and on 24 and 31 December, and open
only until noon on Grundlovsdag (5 June). Issue 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

Kind = Literal["opening", "phone"]
KINDS: tuple[Kind, ...] = ("opening", "phone")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# "10-15", "10:00-15:00", "8.30–12", several joined by commas: "10:00-12:00, 13:00-15:00".
_INTERVAL = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, order=True)
class Interval:
    """One span of open time within a day, start inclusive, end exclusive."""

    start: time
    end: time


def parse_intervals(value: str, *, key: str) -> tuple[Interval, ...]:
    """``"10:00-12:00, 13:00-15:00"`` → intervals, sorted and merged; ``""`` → closed.

    Raises ValueError naming ``key`` on anything malformed, so a config mistake is one clear line.
    """
    if not value.strip():
        return ()
    spans: list[tuple[time, time]] = []
    for part in value.split(","):
        m = _INTERVAL.match(part)
        if not m:
            raise ValueError(f'{key}: {value!r} is not like "10:00-15:00" (use "" for closed)')
        h1, m1, h2, m2 = (int(g) if g else 0 for g in m.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"{key}: {value!r} has an impossible time of day")
        start, end = time(h1, m1), time(h2, m2)
        if start >= end:
            raise ValueError(f"{key}: {value!r} ends before it starts")
        spans.append((start, end))
    spans.sort()
    merged: list[tuple[time, time]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(Interval(s, e) for s, e in merged)


def parse_day_key(value: str, *, key: str) -> date | tuple[int, int]:
    """``"2026-12-23"`` → that date; ``"12-24"`` → (12, 24), every year."""
    if _ISO_DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError as e:
            raise ValueError(f"{key}: {value!r} is not a real date") from e
    m = _MONTH_DAY.match(value)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            date(2000, month, day)  # a leap year, so "02-29" is allowed
        except ValueError as e:
            raise ValueError(f"{key}: {value!r} is not a real month-day") from e
        return (month, day)
    raise ValueError(f'{key}: {value!r} must be "MM-DD" (every year) or "YYYY-MM-DD"')


@dataclass(frozen=True)
class WeekHours:
    """Hours per weekday; ``""`` is closed. Subclasses carry each kind's defaults."""

    monday: str = ""
    tuesday: str = ""
    wednesday: str = ""
    thursday: str = ""
    friday: str = ""
    saturday: str = ""
    sunday: str = ""

    def __post_init__(self) -> None:
        for f in fields(self):
            parse_intervals(getattr(self, f.name), key=f.name)

    def on(self, weekday: int) -> tuple[Interval, ...]:
        """Intervals for ``weekday`` (0 = Monday, as ``date.weekday()``)."""
        name = WEEKDAYS[weekday]
        return parse_intervals(getattr(self, name), key=name)


@dataclass(frozen=True)
class OpeningWeek(WeekHours):
    monday: str = "10:00-15:00"
    tuesday: str = "10:00-15:00"
    wednesday: str = "10:00-15:00"
    thursday: str = "10:00-18:00"
    friday: str = "10:00-13:00"


@dataclass(frozen=True)
class PhoneWeek(WeekHours):
    monday: str = "08:00-15:00"
    tuesday: str = "08:00-15:00"
    wednesday: str = "08:00-15:00"
    thursday: str = "10:00-18:00"
    friday: str = "08:00-13:00"


def _check_special(table: dict[str, str], *, key: str) -> None:
    for day_key, value in table.items():
        parse_day_key(day_key, key=f"{key}.{day_key}")
        parse_intervals(value, key=f"{key}.{day_key}")


@dataclass(frozen=True)
class SpecialHours:
    """Changed hours on given dates: ``"MM-DD"`` every year, or ``"YYYY-MM-DD"`` once."""

    opening: dict[str, str] = field(default_factory=lambda: {"06-05": "10:00-12:00"})
    phone: dict[str, str] = field(default_factory=lambda: {"06-05": "08:00-12:00"})

    def __post_init__(self) -> None:
        _check_special(self.opening, key="opening")
        _check_special(self.phone, key="phone")


@dataclass(frozen=True)
class HoursSettings:
    timezone: str = "Europe/Copenhagen"
    holidays_country: str = "DK"  # "" turns public holidays off
    closed_dates: tuple[str, ...] = ("12-24", "12-31")
    opening: OpeningWeek = field(default_factory=OpeningWeek)
    phone: PhoneWeek = field(default_factory=PhoneWeek)
    special: SpecialHours = field(default_factory=SpecialHours)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"timezone: {self.timezone!r} is not a known time zone") from e
        if self.holidays_country and self.holidays_country.upper() not in holidays.list_supported_countries():
            raise ValueError(f"holidays_country: {self.holidays_country!r} is not supported by holidays")
        for i, value in enumerate(self.closed_dates):
            parse_day_key(value, key=f"closed_dates[{i}]")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def week(self, kind: Kind) -> WeekHours:
        return self.opening if kind == "opening" else self.phone

    def special_for(self, kind: Kind) -> dict[str, str]:
        return self.special.opening if kind == "opening" else self.special.phone
