"""Short answers to hours questions, in the question's language, always naming the day and times.

Pure: ``now`` is passed in. Weekday and month names come from Babel; every sentence comes
from ``texts.py``. Issue 5.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from babel.dates import format_date

from jobs.answers.hours.schedule import DayHours, Reason, check_time, deviations, hours_on, next_opening, status
from jobs.answers.hours.settings import HoursSettings, Interval, Kind
from jobs.answers.hours.texts import text
from jobs.answers.hours.understand import PART_WINDOWS, Part, Question

COMING_DAYS = 14  # how far ahead the overview lists holidays and changed hours


def _cap(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def format_time(moment: time | datetime, lang: str) -> str:
    return text(lang, "time", h=moment.hour, m=moment.minute)


def format_day(day: date, lang: str, today: date | None = None) -> str:
    """ "fredag 4. december" / "Friday 4 December"; the year only when it is not this year's;
    "i dag, …" / "i morgen, …" when ``today`` is given and it applies."""
    this_year = today.year if today else None
    pattern = text(lang, "date" if this_year in (None, day.year) else "date_year")
    name = format_date(day, pattern, locale=text(lang, "locale"))
    if today is not None and day == today:
        return text(lang, "today", day=name)
    if today is not None and day == today + timedelta(days=1):
        return text(lang, "tomorrow", day=name)
    return name


def _on(day: date, lang: str, today: date) -> str:
    """The day as the object of a sentence: "on Friday 4 December", "today (Friday 4 December)"."""
    name = format_day(day, lang, today)
    return name if today <= day <= today + timedelta(days=1) else text(lang, "on", day=name)


def format_ranges(intervals: tuple[Interval, ...], lang: str) -> str:
    spans = [text(lang, "range", start=format_time(i.start, lang), end=format_time(i.end, lang)) for i in intervals]
    return text(lang, "and").join(spans)


def reason_text(reason: Reason | None, lang: str) -> str:
    if reason is None:
        return text(lang, "week.closed")
    return reason.name(lang) or text(lang, f"reason.{reason.code}")


def _weekday_general(day: date, lang: str) -> str:
    weekday = format_date(day, "EEEE", locale=text(lang, "locale"))
    return text(lang, "weekday_general", weekday=weekday)


def _next_sentence(settings: HoursSettings, kind: Kind, after: datetime, lang: str, key: str) -> str:
    found = next_opening(settings, kind, after)
    if found is None:
        return text(lang, f"status.never.{kind}")
    start, day = found
    return text(lang, key, day=format_day(day.day, lang), time=format_time(start, lang))


def _status(settings: HoursSettings, kind: Kind, local: datetime, lang: str) -> str:
    st = status(settings, kind, local)
    now = text(lang, "now", day=format_day(local.date(), lang), time=format_time(local, lang))
    if st.is_open and st.until is not None:
        return text(lang, f"status.open.{kind}", now=now, until=format_time(st.until, lang))
    why = "" if st.today.is_open else ", " + reason_text(st.today.reason, lang)
    closed = text(lang, f"status.closed.{kind}", now=now, why=why)
    if st.next_open is None or st.next_day is None:
        return f"{closed} {text(lang, f'status.never.{kind}')}"
    nxt = text(
        lang,
        f"status.next.{kind}",
        day=format_day(st.next_day.day, lang),
        time=format_time(st.next_open, lang),
    )
    return f"{closed} {nxt}"


def _day(settings: HoursSettings, kind: Kind, q: Question, on: date, local: datetime) -> str:
    hours = hours_on(settings, kind, on)
    day = _cap(format_day(on, q.lang, local.date()))
    if hours.is_open:
        out = text(q.lang, f"day.open.{kind}", day=day, ranges=format_ranges(hours.intervals, q.lang))
        if hours.reason is not None and hours.reason.code == "special":
            name = hours.reason.name(q.lang)
            out += text(q.lang, "day.changed", name=name) if name else text(q.lang, "day.changed_plain")
        if on == local.date():
            out += " " + _status(settings, kind, local, q.lang)
    else:
        out = text(q.lang, f"day.closed.{kind}", day=day, reason=reason_text(hours.reason, q.lang))
        start = max(local, datetime.combine(on, time(0), tzinfo=settings.tz))
        out += " " + _next_sentence(settings, kind, start, q.lang, f"status.next.{kind}")
    if q.habitual and hours.deviates:
        weekday = _weekday_general(on, q.lang)
        if hours.regular:
            out += " " + text(q.lang, "day.usual", weekday=weekday, ranges=format_ranges(hours.regular, q.lang))
        else:
            out += " " + text(q.lang, "day.usual_closed", weekday=weekday)
    return out


def _closed_day(settings: HoursSettings, kind: Kind, hours: DayHours, local: datetime, lang: str) -> str:
    """The day is closed: say why, and the next possible time."""
    day = _on(hours.day, lang, local.date())
    out = text(lang, f"check.closed.{kind}", day=day, reason=reason_text(hours.reason, lang))
    start = max(local, datetime.combine(hours.day, time(0), tzinfo=settings.tz))
    return f"{out} {_next_sentence(settings, kind, start, lang, 'check.next')}"


def _check(settings: HoursSettings, kind: Kind, when: datetime, local: datetime, lang: str) -> str:
    result = check_time(settings, kind, when)
    day = _on(result.when.date(), lang, local.date())
    at = format_time(result.when, lang)
    if result.ok:
        ranges = format_ranges(result.day.intervals, lang)
        return text(lang, f"check.ok.{kind}", day=day, time=at, ranges=ranges)
    if not result.day.is_open:
        return _closed_day(settings, kind, result.day, local, lang)
    ranges = format_ranges(result.day.intervals, lang)
    out = text(lang, f"check.outside.{kind}", day=day, time=at, ranges=ranges)
    return f"{out} {_next_sentence(settings, kind, max(when, local), lang, 'check.next')}"


def _part(settings: HoursSettings, kind: Kind, day: date, part: Part, local: datetime, lang: str) -> str:
    hours = hours_on(settings, kind, day)
    if not hours.is_open:
        return _closed_day(settings, kind, hours, local, lang)
    start, end = PART_WINDOWS[part]
    overlap = tuple(
        Interval(max(i.start, start), min(i.end, end)) for i in hours.intervals if i.start < end and i.end > start
    )
    values = {
        "day": _on(day, lang, local.date()),
        "part": text(lang, f"part.{part}"),
        "ranges": format_ranges(hours.intervals, lang),
        "overlap": format_ranges(overlap, lang),
    }
    if not overlap:
        return text(lang, f"part.no.{kind}", **values)
    if overlap == (Interval(start, end),):
        return text(lang, f"part.yes.{kind}", **values)
    return text(lang, f"part.partly.{kind}", **values)


def _week_lines(settings: HoursSettings, kind: Kind, lang: str, line: str = "week.line") -> list[str]:
    """The usual week, consecutive days with the same hours joined: "mandag–onsdag: 10.00–15.00"."""
    monday = date(2024, 1, 1)  # any Monday; only the weekday names are used
    week = settings.week(kind)
    groups: list[tuple[int, int, tuple[Interval, ...]]] = []
    for weekday in range(7):
        intervals = week.on(weekday)
        if groups and groups[-1][2] == intervals:
            groups[-1] = (groups[-1][0], weekday, intervals)
        else:
            groups.append((weekday, weekday, intervals))

    def name(weekday: int) -> str:
        return format_date(monday + timedelta(days=weekday), "EEEE", locale=text(lang, "locale"))

    lines = []
    for first, last, intervals in groups:
        days = name(first) if first == last else text(lang, "week.days", first=name(first), last=name(last))
        ranges = format_ranges(intervals, lang) if intervals else text(lang, "week.closed")
        lines.append(text(lang, line, days=days, ranges=ranges))
    return lines


def _week(settings: HoursSettings, kind: Kind, lang: str, local: datetime) -> str:
    title = text(lang, f"week.title.{kind}")
    week = ", ".join(_week_lines(settings, kind, lang, "week.inline"))
    return f"{title}: {week}. {_status(settings, kind, local, lang)}"


def answer(question: Question, settings: HoursSettings, now: datetime) -> str:
    """The reply to ``question`` at ``now``: one short paragraph per kind of hours asked about."""
    local = now.astimezone(settings.tz)
    replies = []
    q = question
    for kind in q.kinds:
        if q.mode == "check" and q.day is not None and q.time is not None:
            when = datetime.combine(q.day, q.time, tzinfo=settings.tz)
            replies.append(_check(settings, kind, when, local, q.lang))
        elif q.mode == "check" and q.day is not None and q.part is not None:
            replies.append(_part(settings, kind, q.day, q.part, local, q.lang))
        elif q.mode in ("day", "check") and q.day is not None:
            replies.append(_day(settings, kind, q, q.day, local))
        elif q.mode == "week":
            replies.append(_week(settings, kind, q.lang, local))
        else:
            replies.append(_status(settings, kind, local, q.lang))
    return "\n".join(_cap(r) for r in replies)


def _overview_now(settings: HoursSettings, kind: Kind, local: datetime, lang: str) -> str:
    st = status(settings, kind, local)
    if st.is_open and st.until is not None:
        return text(lang, f"overview.open.{kind}", until=format_time(st.until, lang))
    if st.next_open is None or st.next_day is None:
        return text(lang, f"overview.closed_never.{kind}")
    day = format_day(st.next_day.day, lang)
    return text(lang, f"overview.closed.{kind}", day=day, time=format_time(st.next_open, lang))


def _coming(settings: HoursSettings, local: datetime, lang: str) -> list[str]:
    """Holidays, closed dates and changed hours in the next ``COMING_DAYS`` days, one line a day."""
    by_day: dict[date, dict[Kind, DayHours]] = {}
    for kind in ("opening", "phone"):
        for hours in deviations(settings, kind, local.date(), COMING_DAYS):
            by_day.setdefault(hours.day, {})[kind] = hours
    lines = []
    for day, kinds in sorted(by_day.items()):
        first = next(iter(kinds.values()))
        if all(not h.is_open for h in kinds.values()):
            what = text(lang, "overview.coming_closed", reason=reason_text(first.reason, lang))
        else:
            parts = []
            for kind, hours in kinds.items():
                if hours.is_open:
                    ranges = format_ranges(hours.intervals, lang)
                    parts.append(text(lang, f"overview.coming_changed.{kind}", ranges=ranges))
                else:
                    parts.append(text(lang, f"overview.closed_never.{kind}"))
            what = ", ".join(parts)
            name = first.reason.name(lang) if first.reason else ""
            if name:
                what += text(lang, "overview.coming_name", name=name)
        lines.append(text(lang, "overview.coming_line", day=format_day(day, lang), what=what))
    return lines


def overview(settings: HoursSettings, now: datetime, lang: str) -> str:
    """Both weekly schedules, the current status and the special days ahead (for ``/hours``)."""
    local = now.astimezone(settings.tz)
    blocks = []
    for kind in ("opening", "phone"):
        blocks.append("\n".join([text(lang, f"week.title.{kind}"), *_week_lines(settings, kind, lang)]))
    now_line = text(lang, "now", day=format_day(local.date(), lang), time=format_time(local, lang))
    statuses = "; ".join(_overview_now(settings, kind, local, lang) for kind in ("opening", "phone"))
    blocks.append(f"{text(lang, 'overview.now', now=now_line)} {statuses}.")
    coming = _coming(settings, local, lang)
    if coming:
        blocks.append("\n".join([text(lang, "overview.coming", days=COMING_DAYS), *coming]))
    return "\n\n".join(blocks)


def short_status(settings: HoursSettings, now: datetime, lang: str) -> str:
    """One line with both statuses, e.g. for the fallback reply."""
    local = now.astimezone(settings.tz)
    now_line = text(lang, "now", day=format_day(local.date(), lang), time=format_time(local, lang))
    statuses = "; ".join(_overview_now(settings, kind, local, lang) for kind in ("opening", "phone"))
    return f"{text(lang, 'overview.now', now=now_line)} {statuses}."
