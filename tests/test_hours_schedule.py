"""The hours schedule: days, holidays, closed dates, changed hours, status and checks.

Expectations are written out from the calendar and the strategy appendix's hours, not
computed by the code under test.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobs.answers.hours.answer import overview
from jobs.answers.hours.schedule import check_time, deviations, hours_on, next_opening, status
from jobs.answers.hours.settings import (
    HoursSettings,
    Interval,
    OpeningWeek,
    PhoneWeek,
    SpecialHours,
    WeekHours,
    parse_intervals,
)
from jobs.config import load_settings
from jobs.errors import ConfigError

CPH = ZoneInfo("Europe/Copenhagen")
ROOT = Path(__file__).resolve().parents[1]
DEFAULT = HoursSettings()


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=CPH)


def span(a: str, b: str) -> Interval:
    return Interval(time.fromisoformat(a), time.fromisoformat(b))


# ---- the week as in the strategy appendix ---------------------------------


@pytest.mark.parametrize(
    ("day", "opening", "phone"),
    [
        (date(2026, 11, 30), ("10:00", "15:00"), ("08:00", "15:00")),  # Monday
        (date(2026, 12, 1), ("10:00", "15:00"), ("08:00", "15:00")),  # Tuesday
        (date(2026, 12, 2), ("10:00", "15:00"), ("08:00", "15:00")),  # Wednesday
        (date(2026, 12, 3), ("10:00", "18:00"), ("10:00", "18:00")),  # Thursday
        (date(2026, 12, 4), ("10:00", "13:00"), ("08:00", "13:00")),  # Friday
    ],
)
def test_weekday_hours_follow_the_appendix(day: date, opening: tuple[str, str], phone: tuple[str, str]) -> None:
    assert hours_on(DEFAULT, "opening", day).intervals == (span(*opening),)
    assert hours_on(DEFAULT, "phone", day).intervals == (span(*phone),)
    assert hours_on(DEFAULT, "opening", day).reason is None


@pytest.mark.parametrize("day", [date(2026, 11, 28), date(2026, 11, 29)])
def test_weekends_are_closed(day: date) -> None:
    for kind in ("opening", "phone"):
        hours = hours_on(DEFAULT, kind, day)
        assert not hours.is_open
        assert hours.reason is not None
        assert hours.reason.code == "weekend"


@pytest.mark.parametrize(
    ("day", "name_da", "name_en"),
    [
        (date(2025, 12, 26), "Anden juledag", "Second Day of Christmas"),  # a Friday
        (date(2026, 5, 14), "Kristi himmelfartsdag", "Ascension Day"),  # a Thursday
        (date(2026, 4, 6), "Anden påskedag", "Easter Monday"),
        (date(2026, 1, 1), "Nytårsdag", "New Year's Day"),
    ],
)
def test_public_holidays_are_closed_with_their_names(day: date, name_da: str, name_en: str) -> None:
    hours = hours_on(DEFAULT, "phone", day)
    assert hours.intervals == ()
    assert hours.regular != ()  # a working weekday otherwise
    assert hours.reason is not None
    assert (hours.reason.code, hours.reason.name("da"), hours.reason.name("en")) == ("holiday", name_da, name_en)


def test_christmas_eve_and_new_years_eve_are_closed_dates_named_by_the_calendar() -> None:
    eve = hours_on(DEFAULT, "opening", date(2025, 12, 24))  # a Wednesday
    assert eve.intervals == ()
    assert eve.reason is not None
    assert (eve.reason.code, eve.reason.name_da, eve.reason.name_en) == (
        "closed_date",
        "Juleaftensdag",
        "Christmas Eve",
    )
    nye = hours_on(DEFAULT, "phone", date(2026, 12, 31))  # a Thursday
    assert nye.intervals == ()
    assert nye.reason is not None
    assert nye.reason.name_da == "Nytårsaften"


def test_grundlovsdag_on_a_friday_has_shorter_hours() -> None:
    day = date(2026, 6, 5)
    opening, phone = hours_on(DEFAULT, "opening", day), hours_on(DEFAULT, "phone", day)
    assert opening.intervals == (span("10:00", "12:00"),)
    assert phone.intervals == (span("08:00", "12:00"),)
    assert opening.regular == (span("10:00", "13:00"),)
    assert opening.reason is not None
    assert (opening.reason.code, opening.reason.name_da) == ("special", "Grundlovsdag")


def test_grundlovsdag_on_a_saturday_stays_closed() -> None:
    hours = hours_on(DEFAULT, "opening", date(2027, 6, 5))
    assert hours.intervals == ()
    assert hours.reason is not None
    assert hours.reason.code == "weekend"


def test_a_dated_entry_beats_holidays_and_weekends() -> None:
    settings = HoursSettings(
        closed_dates=("12-24", "2026-12-02"),
        special=SpecialHours(opening={"2025-12-26": "10:00-12:00", "2026-11-28": "11:00-13:00"}, phone={}),
    )
    assert hours_on(settings, "opening", date(2025, 12, 26)).intervals == (span("10:00", "12:00"),)
    assert hours_on(settings, "opening", date(2026, 11, 28)).intervals == (span("11:00", "13:00"),)
    wednesday = hours_on(settings, "opening", date(2026, 12, 2))
    assert wednesday.intervals == ()
    assert wednesday.reason is not None
    assert wednesday.reason.code == "closed_date"
    # phone special table emptied: Grundlovsdag keeps its normal Friday phone hours
    assert hours_on(settings, "phone", date(2026, 6, 5)).intervals == (span("08:00", "13:00"),)


def test_holidays_can_be_turned_off() -> None:
    settings = HoursSettings(holidays_country="", closed_dates=())
    assert hours_on(settings, "opening", date(2025, 12, 26)).intervals == (span("10:00", "13:00"),)


# ---- status ----------------------------------------------------------------


def test_friday_one_minute_before_closing_is_open_until_13() -> None:
    st = status(DEFAULT, "opening", at(2026, 12, 4, 12, 59))
    assert st.is_open
    assert st.until == at(2026, 12, 4, 13, 0)
    assert st.next_open is None


def test_friday_at_closing_opens_again_on_monday() -> None:
    st = status(DEFAULT, "opening", at(2026, 12, 4, 13, 0))
    assert not st.is_open
    assert st.next_open == at(2026, 12, 7, 10, 0)
    assert st.next_day is not None
    assert st.next_day.day == date(2026, 12, 7)


def test_thursday_phone_boundaries() -> None:
    assert status(DEFAULT, "phone", at(2026, 12, 3, 17, 59)).until == at(2026, 12, 3, 18, 0)
    closed = status(DEFAULT, "phone", at(2026, 12, 3, 18, 0))
    assert not closed.is_open
    assert closed.next_open == at(2026, 12, 4, 8, 0)


def test_before_opening_on_a_weekday_opens_the_same_day() -> None:
    st = status(DEFAULT, "opening", at(2026, 11, 30, 9, 30))
    assert not st.is_open
    assert st.today.is_open
    assert st.next_open == at(2026, 11, 30, 10, 0)
    assert status(DEFAULT, "phone", at(2026, 11, 30, 9, 30)).is_open


def test_christmas_skips_holidays_and_the_weekend() -> None:
    st = status(DEFAULT, "phone", at(2025, 12, 24, 9, 0))  # Wednesday, Christmas Eve
    assert not st.is_open
    assert st.today.reason is not None
    assert st.today.reason.name_en == "Christmas Eve"
    assert st.next_open == at(2025, 12, 29, 8, 0)  # 25, 26 holidays, 27-28 weekend


def test_new_year_is_skipped() -> None:
    st = status(DEFAULT, "opening", at(2026, 12, 30, 16, 0))  # Wednesday after hours
    assert st.next_open == at(2027, 1, 4, 10, 0)  # 31 Dec closed, 1 Jan holiday, weekend


def test_ascension_day_2026() -> None:
    st = status(DEFAULT, "opening", at(2026, 5, 14, 11, 0))
    assert not st.is_open
    assert st.today.reason is not None
    assert st.today.reason.name_da == "Kristi himmelfartsdag"
    assert st.next_open == at(2026, 5, 15, 10, 0)


def test_now_in_utc_is_read_in_copenhagen_time() -> None:
    # 08:30 UTC on 1 June 2026 is 10:30 summer time in Copenhagen (Monday)
    st = status(DEFAULT, "opening", datetime(2026, 6, 1, 8, 30, tzinfo=ZoneInfo("UTC")))
    assert st.is_open
    assert st.now.hour == 10
    assert st.until == at(2026, 6, 1, 15, 0)
    # 07:30 UTC in winter is 08:30 in Copenhagen: phone open, office not yet
    winter = datetime(2026, 12, 1, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert status(DEFAULT, "phone", winter).is_open
    assert not status(DEFAULT, "opening", winter).is_open


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        status(DEFAULT, "opening", datetime(2026, 12, 4, 12, 0))


def test_never_open_has_no_next_opening() -> None:
    closed = HoursSettings(opening=OpeningWeek(*[""] * 7), phone=PhoneWeek(*[""] * 7))
    st = status(closed, "opening", at(2026, 12, 4, 12, 0))
    assert not st.is_open
    assert st.next_open is None
    assert next_opening(closed, "phone", at(2026, 12, 4, 12, 0)) is None


# ---- check a given time ----------------------------------------------------


def test_check_friday_14_for_phone_suggests_monday_8() -> None:
    result = check_time(DEFAULT, "phone", at(2026, 12, 4, 14, 0))
    assert not result.ok
    assert result.day.intervals == (span("08:00", "13:00"),)
    assert result.next_time == at(2026, 12, 7, 8, 0)


def test_check_before_opening_suggests_the_same_day() -> None:
    result = check_time(DEFAULT, "opening", at(2026, 12, 1, 9, 0))
    assert not result.ok
    assert result.next_time == at(2026, 12, 1, 10, 0)


def test_check_within_hours() -> None:
    result = check_time(DEFAULT, "opening", at(2026, 12, 3, 17, 59))
    assert result.ok
    assert result.interval == span("10:00", "18:00")
    assert result.next_time is None


# ---- validation and config ---------------------------------------------------


def test_intervals_are_sorted_merged_and_flexible() -> None:
    assert parse_intervals("13:00-15:00, 10:00-12:00", key="k") == (
        span("10:00", "12:00"),
        span("13:00", "15:00"),
    )
    assert parse_intervals("10-12,12-14", key="k") == (span("10:00", "14:00"),)
    assert parse_intervals("8.30–12", key="k") == (span("08:30", "12:00"),)
    assert parse_intervals("  ", key="k") == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10-15x", "is not like"),
        ("15:00-10:00", "ends before it starts"),
        ("10:00-25:00", "impossible time"),
        ("10:70-12:00", "impossible time"),
        ("ten to three", "is not like"),
    ],
)
def test_bad_intervals_name_the_key(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        WeekHours(friday=value)
    assert str(info.value).startswith("friday:")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"timezone": "Europe/Roskilde"}, "timezone"),
        ({"holidays_country": "XX"}, "holidays_country"),
        ({"closed_dates": ("13-45",)}, "closed_dates"),
        ({"closed_dates": ("24/12",)}, "closed_dates"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        HoursSettings(**settings)  # type: ignore[arg-type]


def test_special_hours_keys_are_checked() -> None:
    with pytest.raises(ValueError, match=r"opening\.06/05"):
        SpecialHours(opening={"06/05": "10-12"})


def test_config_file_with_a_malformed_interval_is_one_line_naming_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[hours.opening]\nfriday = "10-15x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, env={})
    message = str(info.value)
    assert "\n" not in message
    assert str(cfg) in message
    assert "hours.opening" in message
    assert "friday" in message


def test_shipped_config_has_the_appendix_hours() -> None:
    settings = load_settings(ROOT / "config.toml", env={})
    hours = settings.hours
    assert hours.timezone == "Europe/Copenhagen"
    assert hours_on(hours, "opening", date(2026, 12, 3)).intervals == (span("10:00", "18:00"),)
    assert hours_on(hours, "phone", date(2026, 12, 4)).intervals == (span("08:00", "13:00"),)
    assert hours_on(hours, "opening", date(2026, 12, 24)).intervals == ()
    assert hours_on(hours, "opening", date(2026, 6, 5)).intervals == (span("10:00", "12:00"),)


def test_deviations_list_the_special_days_ahead() -> None:
    days = [h.day for h in deviations(DEFAULT, "opening", date(2026, 12, 20), 14)]
    # 26 Dec is a Saturday and closed anyway, so it does not deviate from the usual week
    assert days == [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 31), date(2027, 1, 1)]


# ---- the /hours overview ------------------------------------------------------


def test_overview_in_danish() -> None:
    text = overview(DEFAULT, at(2026, 12, 20, 10, 0), "da")
    assert "Åbningstider\nmandag–onsdag: 10.00–15.00\ntorsdag: 10.00–18.00\nfredag: 10.00–13.00" in text
    assert "Telefontider\nmandag–onsdag: 08.00–15.00\ntorsdag: 10.00–18.00\nfredag: 08.00–13.00" in text
    assert "lørdag–søndag: lukket" in text
    assert "Lige nu (søndag 20. december kl. 10.00)" in text
    assert "vi åbner mandag 21. december kl. 10.00" in text
    assert "torsdag 24. december: lukket (Juleaftensdag)" in text
    assert "fredag 1. januar: lukket (Nytårsdag)" in text


def test_overview_in_english_while_open() -> None:
    text = overview(DEFAULT, at(2026, 6, 1, 11, 0), "en")
    assert "Opening hours\nMonday–Wednesday: 10:00–15:00\nThursday: 10:00–18:00\nFriday: 10:00–13:00" in text
    assert "Phone hours\nMonday–Wednesday: 08:00–15:00" in text
    assert "Right now (Monday 1 June, 11:00): open until 15:00; phone lines open until 15:00." in text
    assert "Friday 5 June: open 10:00–12:00, phone hours 08:00–12:00 (Constitution Day)" in text
