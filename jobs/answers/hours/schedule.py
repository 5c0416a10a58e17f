"""Is it open, when does it open, does a given time work: pure functions over ``HoursSettings``.

The clock is always passed in (``now`` / ``when``, timezone-aware); results are in the
configured time zone. Public holidays come from the ``holidays`` package. Issue 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal

import holidays

from jobs.answers.hours.settings import HoursSettings, Interval, Kind, parse_intervals

ReasonCode = Literal["weekend", "weekly", "holiday", "closed_date", "special"]
# How far ahead to look for the next opening before giving up (a year and a bit).
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Reason:
    """Why a day is closed (or has changed hours), with the day's name where it has one."""

    code: ReasonCode
    name_da: str = ""
    name_en: str = ""

    def name(self, lang: str) -> str:
        return self.name_da if lang == "da" else self.name_en


@dataclass(frozen=True)
class DayHours:
    day: date
    kind: Kind
    intervals: tuple[Interval, ...]  # empty: closed
    regular: tuple[Interval, ...]  # the usual hours for this weekday
    reason: Reason | None = None  # set when closed, or when the hours are changed that day

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)

    @property
    def deviates(self) -> bool:
        """Differs from the usual weekly hours (holiday, closed date, changed hours)."""
        return self.intervals != self.regular


@dataclass(frozen=True)
class Status:
    kind: Kind
    now: datetime  # in the configured time zone
    today: DayHours
    is_open: bool
    until: datetime | None = None  # when open: closing time of the current interval
    next_open: datetime | None = None  # when closed: the next opening instant
    next_day: DayHours | None = None  # the day of next_open


@dataclass(frozen=True)
class Check:
    kind: Kind
    when: datetime  # in the configured time zone
    day: DayHours
    ok: bool
    interval: Interval | None = None  # the interval ``when`` falls in
    next_time: datetime | None = None  # when not ok: the next possible instant
    next_day: DayHours | None = None


@lru_cache(maxsize=256)
def _holiday_names(country: str, year: int, category: str, language: str) -> dict[date, str]:
    try:
        table = holidays.country_holidays(country, years=year, categories=(category,), language=language)
    except NotImplementedError:  # the country has no such category
        return {}
    return dict(table.items())


def holiday_reason(country: str, day: date, *, optional: bool = False) -> Reason | None:
    """The public holiday on ``day`` (``optional``: days like Christmas Eve) with da/en names."""
    if not country:
        return None
    category = "optional" if optional else "public"
    name_da = _holiday_names(country.upper(), day.year, category, "da").get(day)
    if name_da is None:
        return None
    name_en = _holiday_names(country.upper(), day.year, category, "en_US").get(day, name_da)
    return Reason("holiday", name_da, name_en)


def _local(settings: HoursSettings, moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return moment.astimezone(settings.tz)


def _named(code: ReasonCode, name: Reason | None) -> Reason:
    return Reason(code, name.name_da, name.name_en) if name else Reason(code)


def hours_on(settings: HoursSettings, kind: Kind, day: date) -> DayHours:
    """The hours of ``kind`` on ``day``, after holidays, closed dates and changed hours.

    Precedence: a dated entry ("YYYY-MM-DD") in special hours, then in closed dates; a yearly
    ("MM-DD") special entry (only on a day that would otherwise be open, so Grundlovsdag on a
    Saturday stays closed); a yearly closed date; a public holiday; the weekday's hours.
    """
    regular = settings.week(kind).on(day.weekday())
    special = settings.special_for(kind)
    iso, month_day = day.isoformat(), f"{day.month:02d}-{day.day:02d}"
    public = holiday_reason(settings.holidays_country, day)
    named = public or holiday_reason(settings.holidays_country, day, optional=True)

    def changed(key: str) -> DayHours:
        intervals = parse_intervals(special[key], key=key)
        return DayHours(day, kind, intervals, regular, _named("special" if intervals else "closed_date", named))

    if iso in special:
        return changed(iso)
    if iso in settings.closed_dates:
        return DayHours(day, kind, (), regular, _named("closed_date", named))
    if month_day in special and regular and public is None:
        return changed(month_day)
    if month_day in settings.closed_dates:
        return DayHours(day, kind, (), regular, _named("closed_date", named))
    if public is not None:
        return DayHours(day, kind, (), regular, public)
    if not regular:
        return DayHours(day, kind, (), regular, Reason("weekend" if day.weekday() >= 5 else "weekly"))
    return DayHours(day, kind, regular, regular)


def _at(settings: HoursSettings, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=settings.tz)


def next_opening(settings: HoursSettings, kind: Kind, after: datetime) -> tuple[datetime, DayHours] | None:
    """The first interval start at or after ``after`` (aware), with its day; None within the horizon."""
    local = _local(settings, after, "after")
    for offset in range(HORIZON_DAYS):
        day = local.date() + timedelta(days=offset)
        hours = hours_on(settings, kind, day)
        for interval in hours.intervals:
            start = _at(settings, day, interval.start)
            if start >= local:
                return start, hours
    return None


def _containing(settings: HoursSettings, hours: DayHours, local: datetime) -> Interval | None:
    for interval in hours.intervals:
        if _at(settings, hours.day, interval.start) <= local < _at(settings, hours.day, interval.end):
            return interval
    return None


def status(settings: HoursSettings, kind: Kind, now: datetime) -> Status:
    """Open now? Until when? If closed, when next (skipping weekends, holidays, closed dates)?"""
    local = _local(settings, now, "now")
    today = hours_on(settings, kind, local.date())
    interval = _containing(settings, today, local)
    if interval is not None:
        return Status(kind, local, today, True, until=_at(settings, today.day, interval.end))
    found = next_opening(settings, kind, local)
    if found is None:
        return Status(kind, local, today, False)
    return Status(kind, local, today, False, next_open=found[0], next_day=found[1])


def check_time(settings: HoursSettings, kind: Kind, when: datetime) -> Check:
    """Does ``when`` fall within the hours? If not, the next possible instant after it."""
    local = _local(settings, when, "when")
    day = hours_on(settings, kind, local.date())
    interval = _containing(settings, day, local)
    if interval is not None:
        return Check(kind, local, day, True, interval=interval)
    found = next_opening(settings, kind, local)
    if found is None:
        return Check(kind, local, day, False)
    return Check(kind, local, day, False, next_time=found[0], next_day=found[1])


def deviations(settings: HoursSettings, kind: Kind, start: date, days: int) -> list[DayHours]:
    """Days in ``[start, start + days)`` whose hours differ from the usual week."""
    found = []
    for offset in range(days):
        hours = hours_on(settings, kind, start + timedelta(days=offset))
        if hours.deviates:
            found.append(hours)
    return found
