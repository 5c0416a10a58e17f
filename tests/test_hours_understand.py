"""Free-text hours questions → answers, table-driven.

Each row is a real-world phrasing (Danish or English, typos, no æøå, odd word order) at an
injected time, with what a correct answer must say: open or closed, the concrete day and
date, and the hours or times, all written out by hand from the calendar and the strategy
appendix (opening Mon–Wed 10–15, Thu 10–18, Fri 10–13; phone Mon–Wed 08–15, Thu 10–18,
Fri 08–13; closed weekends, holidays, 24 and 31 December; Grundlovsdag until 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobs.answers.ask import respond
from jobs.answers.faq.knowledge import load_faq
from jobs.answers.hours.answer import answer
from jobs.answers.hours.settings import HoursSettings
from jobs.answers.hours.understand import detect_language, interpret
from jobs.config import load_settings

CPH = ZoneInfo("Europe/Copenhagen")
ROOT = Path(__file__).resolve().parents[1]
SETTINGS = HoursSettings()


def at(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=CPH)


# The injected clocks. Calendar: Sat 28 Nov 2026 … Fri 4 Dec 2026; Christmas 2025 falls
# Wed 24 (closed), Thu 25 and Fri 26 (holidays); Ascension Day 2026 is Thu 14 May;
# Grundlovsdag 2026 is Fri 5 June.
SAT = at(2026, 11, 28, 10, 0)  # Saturday morning
SUN_0900 = at(2026, 11, 29, 9, 0)  # Sunday morning
MON_0930 = at(2026, 11, 30, 9, 30)  # phone open, office opens at 10
MON_1100 = at(2026, 11, 30, 11, 0)  # weekday morning, all open
MON_1600 = at(2026, 11, 30, 16, 0)  # weekday after hours
WED_2000 = at(2026, 12, 2, 20, 0)  # weekday evening
THU_1759 = at(2026, 12, 3, 17, 59)  # the minute before Thursday closing
THU_1800 = at(2026, 12, 3, 18, 0)  # Thursday closing
FRI_1259 = at(2026, 12, 4, 12, 59)  # the minute before Friday closing
FRI_1300 = at(2026, 12, 4, 13, 0)  # Friday closing
PRE_XMAS = at(2025, 12, 22, 10, 0)  # Monday before Christmas 2025
XMAS_EVE = at(2025, 12, 24, 11, 0)  # Wednesday, Christmas Eve (closed date)
XMAS2 = at(2025, 12, 26, 11, 0)  # Friday, 2. juledag (public holiday)
MAY11 = at(2026, 5, 11, 10, 0)  # Monday before Ascension Day 2026
ASCENSION = at(2026, 5, 14, 12, 0)  # Thursday, Kristi himmelfartsdag 2026
JUNE1 = at(2026, 6, 1, 10, 0)  # Monday before Grundlovsdag 2026
GRUNDLOV_1159 = at(2026, 6, 5, 11, 59)
GRUNDLOV_1200 = at(2026, 6, 5, 12, 0)

OPEN, CLOSED, PARTLY, WEEK = "open", "closed", "partly", "week"


@dataclass(frozen=True)
class Row:
    text: str
    now: datetime
    lang: str
    state: str  # what the answer's first sentence says: open, closed, partly, or the week
    says: tuple[str, ...]  # must all appear in the answer

    def __str__(self) -> str:  # readable test ids
        return f"{self.text} @ {self.now:%a %d %b %Y %H:%M}"


def row(text: str, now: datetime, lang: str, state: str, *says: str) -> Row:
    return Row(text, now, lang, state, says)


ROWS = [
    # ---- open now? (status) ---------------------------------------------------
    row("har I åbent nu?", SAT, "da", CLOSED, "lørdag 28. november", "mandag 30. november kl. 10.00"),
    row("har I åbent nu?", FRI_1259, "da", OPEN, "fredag 4. december", "indtil kl. 13.00"),
    row("har I åbent nu?", FRI_1300, "da", CLOSED, "fredag 4. december", "mandag 7. december kl. 10.00"),
    row("Har i åben nu", THU_1759, "da", OPEN, "torsdag 3. december", "indtil kl. 18.00"),
    row("har i aabent nu", THU_1800, "da", CLOSED, "torsdag 3. december", "fredag 4. december kl. 10.00"),
    row("er der åbent lige nu?", MON_0930, "da", CLOSED, "mandag 30. november kl. 09.30", "kl. 10.00"),
    row("HAR I ABENT NU", WED_2000, "da", CLOSED, "onsdag 2. december", "torsdag 3. december kl. 10.00"),
    row("are you open now?", MON_1100, "en", OPEN, "Monday 30 November", "until 15:00"),
    row("are you open?", SAT, "en", CLOSED, "Saturday 28 November", "Monday 30 November at 10:00"),
    row("are u open right now", MON_1600, "en", CLOSED, "Monday 30 November", "Tuesday 1 December at 10:00"),
    row("hvornår åbner i igen", SAT, "da", CLOSED, "lørdag 28. november", "mandag 30. november kl. 10.00"),
    row("hvornaar aabner I igen?", FRI_1300, "da", CLOSED, "mandag 7. december kl. 10.00"),
    row(
        "when do you open again?",
        XMAS2,
        "en",
        CLOSED,
        "Friday 26 December",
        "Second Day of Christmas",
        "Monday 29 December at 10:00",
    ),
    row("har I åbent i dag", XMAS2, "da", CLOSED, "fredag 26. december", "Anden juledag", "mandag 29. december"),
    row(
        "har I åbent nu",
        ASCENSION,
        "da",
        CLOSED,
        "torsdag 14. maj",
        "Kristi himmelfartsdag",
        "fredag 15. maj kl. 10.00",
    ),
    row("kan jeg ringe nu?", MON_0930, "da", OPEN, "mandag 30. november", "indtil kl. 15.00"),
    row("kan jeg ringe nu", FRI_1300, "da", CLOSED, "fredag 4. december", "mandag 7. december kl. 08.00"),
    row("can I call you now?", THU_1759, "en", OPEN, "Thursday 3 December", "until 18:00"),
    row("can i call now", THU_1800, "en", CLOSED, "Thursday 3 December", "Friday 4 December at 08:00"),
    row("er telefonen åben?", SUN_0900, "da", CLOSED, "søndag 29. november", "mandag 30. november kl. 08.00"),
    row("har I åbent nu?", XMAS_EVE, "da", CLOSED, "onsdag 24. december", "Juleaftensdag", "mandag 29. december"),
    row(
        "are you open today?",
        XMAS_EVE,
        "en",
        CLOSED,
        "Wednesday 24 December",
        "Christmas Eve",
        "Monday 29 December at 10:00",
    ),
    row("har i åbent nu", GRUNDLOV_1159, "da", OPEN, "fredag 5. juni", "indtil kl. 12.00"),
    row("har i åbent nu", GRUNDLOV_1200, "da", CLOSED, "fredag 5. juni", "mandag 8. juni kl. 10.00"),
    row("kan man ringe nu", GRUNDLOV_1200, "da", CLOSED, "fredag 5. juni", "mandag 8. juni kl. 08.00"),
    # ---- the hours on a day -----------------------------------------------------
    row("Hvornår har I telefontid om fredagen?", SAT, "da", OPEN, "fredag 4. december", "08.00–13.00"),
    row("Hvornår har I telefontid om fredagen?", MON_1100, "da", OPEN, "fredag 4. december", "08.00–13.00"),
    row(
        "hvornår har i telefon tid om fredagen",
        XMAS_EVE,
        "da",
        CLOSED,
        "fredag 26. december",
        "Anden juledag",
        "Normalt om fredagen: 08.00–13.00",
    ),
    row("aabningstider i morgen", SAT, "da", CLOSED, "søndag 29. november", "mandag 30. november kl. 10.00"),
    row("aabningstider i morgen", THU_1800, "da", OPEN, "fredag 4. december", "10.00–13.00"),
    row("åbningstider imorgen?", SUN_0900, "da", OPEN, "mandag 30. november", "10.00–15.00"),
    row("åbningstid i dag", MON_1100, "da", OPEN, "mandag 30. november", "10.00–15.00"),
    row("har I åbent 2. juledag?", SAT, "da", CLOSED, "lørdag 26. december", "Anden juledag"),
    row(
        "har i åbent anden juledag",
        PRE_XMAS,
        "da",
        CLOSED,
        "fredag 26. december",
        "Anden juledag",
        "mandag 29. december kl. 10.00",
    ),
    row("Are you open on Boxing Day?", PRE_XMAS, "en", CLOSED, "Friday 26 December", "Second Day of Christmas"),
    row("åbent juleaften?", PRE_XMAS, "da", CLOSED, "onsdag 24. december", "Juleaftensdag"),
    row("har i åbent d. 24/12", SAT, "da", CLOSED, "torsdag 24. december", "mandag 28. december kl. 10.00"),
    row("åbningstider 24.12", SAT, "da", CLOSED, "torsdag 24. december"),
    row("har I åbent den 23. december", SAT, "da", OPEN, "onsdag 23. december", "10.00–15.00"),
    row("are you open on December 23rd?", SAT, "en", OPEN, "Wednesday 23 December", "10:00–15:00"),
    row("opening hours on 31 December", SAT, "en", CLOSED, "Thursday 31 December", "New Year's Eve"),
    row("har i åben nytårsaften", SAT, "da", CLOSED, "torsdag 31. december", "Nytårsaften"),
    row("har I åbent grundlovsdag?", JUNE1, "da", OPEN, "fredag 5. juni", "10.00–12.00", "Grundlovsdag"),
    row("telefontid den 5. juni", JUNE1, "da", OPEN, "fredag 5. juni", "08.00–12.00"),
    row(
        "Har I åbent Kristi himmelfartsdag?",
        MAY11,
        "da",
        CLOSED,
        "torsdag 14. maj",
        "Kristi himmelfartsdag",
        "fredag 15. maj kl. 10.00",
    ),
    row("are you open on ascension day", MAY11, "en", CLOSED, "Thursday 14 May", "Ascension Day"),
    row("har i åbnt på torsdag", SAT, "da", OPEN, "torsdag 3. december", "10.00–18.00"),
    row("hvad er jeres åbningstider om torsdagen", SAT, "da", OPEN, "torsdag 3. december", "10.00–18.00"),
    row("on Thursday, what are your opening hours?", SAT, "en", OPEN, "Thursday 3 December", "10:00–18:00"),
    row("phone hours on wednesday?", SAT, "en", OPEN, "Wednesday 2 December", "08:00–15:00"),
    row("telfontid onsdag", SAT, "da", OPEN, "onsdag 2. december", "08.00–15.00"),
    row("Aabent lørdag?", MON_1100, "da", CLOSED, "lørdag 5. december", "weekend", "mandag 7. december"),
    row("hvornar har i abent om lordagen", MON_1100, "da", CLOSED, "lørdag 5. december", "weekend"),
    row("har i åbent i weekenden", MON_1100, "da", CLOSED, "lørdag 5. december"),
    row("friday opening hours", FRI_1300, "en", OPEN, "Friday 4 December", "10:00–13:00"),
    row("hvornår lukker I i dag?", MON_1100, "da", OPEN, "mandag 30. november", "10.00–15.00", "kl. 15.00"),
    row("what time do you close today", THU_1759, "en", OPEN, "Thursday 3 December", "10:00–18:00"),
    row("fredag, telefon?", WED_2000, "da", OPEN, "fredag 4. december", "08.00–13.00"),
    # ---- does a given time work? ---------------------------------------------
    row(
        "kan jeg ringe fredag kl. 14?",
        SAT,
        "da",
        CLOSED,
        "fredag 4. december",
        "08.00–13.00",
        "kl. 14.00",
        "mandag 7. december kl. 08.00",
    ),
    row("kan jeg ringe fredag kl 12", SAT, "da", OPEN, "fredag 4. december", "kl. 12.00", "08.00–13.00"),
    row("kan jeg ringe fredag kl 12.59", SAT, "da", OPEN, "fredag 4. december", "kl. 12.59"),
    row("kan jeg ringe fredag kl 13", SAT, "da", CLOSED, "fredag 4. december", "mandag 7. december kl. 08.00"),
    row("kan jeg ringe torsdag klokken 17.59", SAT, "da", OPEN, "torsdag 3. december", "10.00–18.00"),
    row("kan jeg ringe torsdag kl 18", SAT, "da", CLOSED, "torsdag 3. december", "fredag 4. december kl. 08.00"),
    row(
        "can I call on Friday at 2pm?",
        SAT,
        "en",
        CLOSED,
        "Friday 4 December",
        "08:00–13:00",
        "14:00",
        "Monday 7 December at 08:00",
    ),
    row("can i call at 9am tomorrow", SUN_0900, "en", OPEN, "Monday 30 November", "09:00", "08:00–15:00"),
    row("kan jeg ringe kl 9 i morgen", SAT, "da", CLOSED, "søndag 29. november", "mandag 30. november kl. 08.00"),
    row(
        "kan jeg komme forbi mandag kl. 9.30",
        SAT,
        "da",
        CLOSED,
        "mandag 30. november",
        "10.00–15.00",
        "kl. 09.30",
        "mandag 30. november kl. 10.00",
    ),
    row("kan jeg kigge forbi i morgen kl 10.30", THU_1800, "da", OPEN, "fredag 4. december", "kl. 10.30"),
    row("kan jeg ringe 24/12 kl 10", SAT, "da", CLOSED, "torsdag 24. december", "mandag 28. december kl. 08.00"),
    row("ringe tirsdag klokken halv 3", SAT, "da", OPEN, "tirsdag 1. december", "kl. 14.30"),
    row(
        "are you open on Friday afternoon?",
        SAT,
        "en",
        PARTLY,
        "Friday 4 December",
        "12:00–13:00",
        "10:00–13:00",
    ),
    row("har i åbent torsdag eftermiddag", SAT, "da", OPEN, "torsdag 3. december", "10.00–18.00"),
    row("er i åbne fredag aften", SAT, "da", CLOSED, "fredag 4. december", "10.00–13.00"),
    row(
        "can i call on saturday morning",
        MON_1100,
        "en",
        CLOSED,
        "Saturday 5 December",
        "Monday 7 December at 08:00",
    ),
    row("kan jeg ringe kl 14", FRI_1259, "da", CLOSED, "fredag 4. december", "mandag 7. december kl. 08.00"),
    row("kan jeg ringe kl. 10", FRI_1259, "da", CLOSED, "lørdag 5. december", "mandag 7. december kl. 08.00"),
    row("open at 11 on christmas eve?", PRE_XMAS, "en", CLOSED, "Wednesday 24 December", "Christmas Eve"),
    # ---- the week ----------------------------------------------------------------
    row(
        "Hvornår kan jeg ringe?",
        SAT,
        "da",
        WEEK,
        "mandag–onsdag 08.00–15.00",
        "torsdag 10.00–18.00",
        "fredag 08.00–13.00",
        "lørdag 28. november",
        "mandag 30. november kl. 08.00",
    ),
    row(
        "what are your opening hours?",
        MON_1100,
        "en",
        WEEK,
        "Monday–Wednesday 10:00–15:00",
        "Thursday 10:00–18:00",
        "Friday 10:00–13:00",
        "Monday 30 November",
        "until 15:00",
    ),
    row("åbningstider", SAT, "da", WEEK, "mandag–onsdag 10.00–15.00", "mandag 30. november kl. 10.00"),
    row(
        "hvornår kan man ringe til jer",
        THU_1759,
        "da",
        WEEK,
        "fredag 08.00–13.00",
        "torsdag 3. december",
        "indtil kl. 18.00",
    ),
    row("telefon tider?", WED_2000, "da", WEEK, "torsdag 10.00–18.00", "torsdag 3. december kl. 10.00"),
]


def first_sentence_state(reply: str) -> str:
    """Read the answer's verdict from its first line, independently of how it was built."""
    first = reply.split("\n")[0]
    if first.startswith(("Ja,", "Yes,")):
        return OPEN
    if first.startswith(("Nej,", "No,", "No:")):
        return CLOSED
    if first.startswith(("Delvist:", "Partly:")):
        return PARTLY
    if first.startswith(("Åbningstider:", "Telefontider:", "Opening hours:", "Phone hours:")):
        return WEEK
    _, _, rest = first.partition(": ")
    if rest.startswith(("åbent", "telefontid", "open", "phone hours")):
        return OPEN
    if rest.startswith(("lukket", "ingen telefontid", "closed", "no phone hours")):
        return CLOSED
    return "?"


DANISH_ONLY = ("kl.", "lukket", "åbent", "mandag", "fredag", "Nej", "Ja,")
ENGLISH_ONLY = (" at ", "closed", "open ", "Monday", "Friday", "No,", "Yes,")


def test_the_table_is_big_enough() -> None:
    assert len(ROWS) >= 60
    assert {r.lang for r in ROWS} == {"da", "en"}


@pytest.mark.parametrize("case", ROWS, ids=str)
def test_question_gets_the_right_answer(case: Row) -> None:
    question = interpret(case.text, case.now, SETTINGS)
    assert question is not None, "not understood as an hours question"
    assert question.lang == case.lang
    reply = answer(question, SETTINGS, case.now)
    assert first_sentence_state(reply) == case.state, reply
    for expected in case.says:
        at_start = expected[:1].upper() + expected[1:]  # "Fredag 4. december: …" opens a sentence
        assert expected in reply or at_start in reply, f"{expected!r} missing from {reply!r}"
    foreign = ENGLISH_ONLY if case.lang == "da" else DANISH_ONLY
    assert not [w for w in foreign if w in reply], reply


@pytest.mark.parametrize(
    ("text", "kinds", "day", "at_time"),
    [
        ("Hvornår har I telefontid om fredagen?", ("phone",), date(2026, 12, 4), None),
        ("kan jeg ringe fredag kl. 14?", ("phone",), date(2026, 12, 4), time(14, 0)),
        ("aabningstider i morgen", ("opening",), date(2026, 11, 29), None),
        ("har i åbent 2. juledag", ("opening",), date(2026, 12, 26), None),
        ("åbningstider og telefontider", ("opening", "phone"), None, None),
        ("can i call at 2:30 pm on thursday", ("phone",), date(2026, 12, 3), time(14, 30)),
        ("hvad med den 24.12 kl 10 - er der åbent?", ("opening",), date(2026, 12, 24), time(10, 0)),
        ("open 12/24?", ("opening",), date(2026, 12, 24), None),
        ("åbent 2027-01-04?", ("opening",), date(2027, 1, 4), None),
        ("kan jeg ringe ved middagstid på mandag", ("phone",), date(2026, 11, 30), time(12, 0)),
        ("er der åbent næste fredag", ("opening",), date(2026, 12, 4), None),
        ("telefontid 5 juni 2027", ("phone",), date(2027, 6, 5), None),
    ],
)
def test_what_is_understood(text: str, kinds: tuple[str, ...], day: date | None, at_time: time | None) -> None:
    question = interpret(text, SAT, SETTINGS)
    assert question is not None
    assert question.kinds == kinds
    assert question.day == day
    assert question.time == at_time


def test_next_weekday_on_the_same_weekday_means_next_week() -> None:
    question = interpret("har i åbent næste lørdag", SAT, SETTINGS)
    assert question is not None
    assert question.day == date(2026, 12, 5)
    same = interpret("har i åbent lørdag", SAT, SETTINGS)
    assert same is not None
    assert same.day == date(2026, 11, 28)


@pytest.mark.parametrize(
    "text",
    [
        "Is the tender still open?",
        "How do I respond to a call for tenders?",
        "hvordan bliver jeg mentor",
        "Hvornår åbner udbuddet?",
        "hvad koster en pizza",
        "hvad er fristen for tilbud på fredag",
        "",
        "!!!",
    ],
)
def test_not_an_hours_question(text: str) -> None:
    assert interpret(text, SAT, SETTINGS) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hvornår har I åbent?", "da"),
        ("hvornaar kan jeg ringe", "da"),
        ("When are you open?", "en"),
        ("can I call tomorrow", "en"),
        ("åbningstider", "da"),
        ("mentor", "da"),  # nothing to go by: Danish first
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang


# ---- staff change the hours in config; the answers follow ----------------------

CHANGED = """
[hours]
timezone = "Europe/Copenhagen"
holidays_country = "DK"
closed_dates = ["12-24", "12-31", "2026-12-02"]

[hours.opening]
monday = "09:00-12:00, 13:00-16:00"
tuesday = "09:00-16:00"
wednesday = "09:00-16:00"
thursday = "09:00-16:00"
friday = "09:00-16:00"
saturday = "10:00-12:00"
sunday = ""

[hours.phone]
monday = "09:00-11:00"
tuesday = "09:00-11:00"
wednesday = "09:00-11:00"
thursday = "09:00-11:00"
friday = ""
saturday = ""
sunday = ""

[hours.special.opening]
"2026-12-04" = "09:00-10:00"

[hours.special.phone]
"""


def test_answers_follow_changed_config(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(CHANGED, encoding="utf-8")
    hours = load_settings(cfg, env={}).hours
    kb = load_faq(ROOT / "faq.toml")

    saturday = respond("har I åbent nu?", SAT, hours, kb)
    assert saturday.kind == "hours"
    assert saturday.text.startswith("Ja,")
    assert "indtil kl. 12.00" in saturday.text

    friday_phone = respond("Hvornår har I telefontid om fredagen?", SAT, hours, kb)
    assert friday_phone.text.startswith("Fredag 4. december: ingen telefontid")

    lunch = respond("har i åbent mandag kl 12.30", SAT, hours, kb)
    assert lunch.text.startswith("Nej,")
    assert "09.00–12.00 og 13.00–16.00" in lunch.text
    assert "mandag 30. november kl. 13.00" in lunch.text

    closed_wednesday = respond("har i åbent onsdag", SAT, hours, kb)
    assert closed_wednesday.text.startswith("Onsdag 2. december: lukket (lukkedag)")
    assert "torsdag 3. december kl. 09.00" in closed_wednesday.text

    short_friday = respond("are you open on friday at 11?", SAT, hours, kb)
    assert short_friday.text.startswith("No:")
    assert "09:00–10:00" in short_friday.text

    # the shipped config answers the same questions differently
    shipped = load_settings(ROOT / "config.toml", env={}).hours
    assert respond("har I åbent nu?", SAT, shipped, kb).text.startswith("Nej,")
    friday = respond("Hvornår har I telefontid om fredagen?", SAT, shipped, kb)
    assert friday.text.startswith("Fredag 4. december: telefontid 08.00–13.00")


def test_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        interpret("har I åbent nu?", datetime(2026, 11, 28, 10, 0), SETTINGS)


def test_a_long_message_is_read_only_at_its_start() -> None:
    # hours questions are short; an essay must neither hang the bot nor be misread
    kb = load_faq(ROOT / "faq.toml")
    essay = "har I åbent nu? " + "bla bla " * 1000
    started = datetime.now()
    reply = respond(essay, SAT, SETTINGS, kb)
    assert (datetime.now() - started).total_seconds() < 5
    assert reply.kind == "hours"
    assert reply.text.startswith("Nej, vi har lukket nu (lørdag 28. november")
    late = respond("bla bla " * 100 + "har I åbent nu?", SAT, SETTINGS, kb)
    assert late.kind == "unknown"
