"""Understand a free-text hours question: which hours, which day, which time, and what is asked.

``interpret`` is pure (the clock is passed in) and forgiving: typos, missing æøå, any case,
punctuation and word order. It returns None when the text is not about opening or phone
hours, so the FAQ can try. Issue 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

import holidays

from jobs.answers.hours.lexicon import (
    NUMBER_WORDS,
    WORDS,
    Entry,
    is_topic,
    lookup,
    lookup_phrase,
    month_number,
    tokens,
)
from jobs.answers.hours.settings import HoursSettings, Kind

Lang = Literal["da", "en"]
Mode = Literal["status", "day", "check", "week"]
Part = Literal["morning", "afternoon", "evening"]

# Parts of the day as windows [start, end), used to answer "Friday afternoon".
PART_WINDOWS: dict[Part, tuple[time, time]] = {
    "morning": (time(8, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time(22, 0)),
}
MAX_CHARS = 300
_PARTS: dict[str, Part] = {f"part:{p}": p for p in PART_WINDOWS}


@dataclass(frozen=True)
class Question:
    """What an hours question asks.

    ``mode``: "status" (open now? when next?), "day" (the hours on ``day``), "check" (does
    ``day`` at ``time``, or in ``part`` of it, work?), "week" (the schedule in general).
    ``habitual``: the weekday was meant in general ("om fredagen", "on Fridays").
    """

    lang: Lang
    kinds: tuple[Kind, ...]
    mode: Mode
    day: date | None = None
    time: time | None = None
    part: Part | None = None
    habitual: bool = False


@dataclass
class _Found:
    """What the extractors found so far (mutable scratch, local to one ``interpret`` call)."""

    today: date
    day: date | None = None
    explicit_date: bool = False  # a calendar date or holiday, not a weekday
    time: time | None = None


# ---- language -------------------------------------------------------------


def language_evidence(text: str) -> dict[str, int]:
    """How many words (and æøå letters) point to Danish and to English."""
    score = {"da": 0, "en": 0}
    if re.search(r"[æøå]", text.lower()):
        score["da"] += 2
    for token in tokens(text[:MAX_CHARS]):
        entry = WORDS.get(token)  # exact: a fuzzy look-up per word is too slow for long texts
        if entry is not None and entry.lang in score:
            score[entry.lang] += 1
    return score


def detect_language(text: str) -> Lang:
    """Danish or English, by the words used; Danish when unsure (the bot's first language)."""
    score = language_evidence(text)
    return "en" if score["en"] > score["da"] else "da"


# ---- times and dates (regular expressions on the lower-cased text) --------

_AMPM = r"(a\.?m\.?|p\.?m\.?)"
_TIME_MARK = r"(?:kl\.?|klokken|at|ved|omkring|around|efter|after|før|before|inden|by)"
_NUM_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_RE_HALF = re.compile(rf"\b(?:kl\.?\s*|klokken\s+)?halv\s+(\d{{1,2}}|{_NUM_WORD})\b")
_RE_AMPM = re.compile(rf"\b(?:{_TIME_MARK}\s*)?(\d{{1,2}})(?:[:.](\d{{2}}))?\s*{_AMPM}(?![a-z])")
_RE_MARKED = re.compile(rf"\b{_TIME_MARK}\s*(\d{{1,2}})(?!\d)(?:[:.](\d{{2}})(?!\d))?(?!\s*[./-]\s*\d)")
_RE_MARKED_WORD = re.compile(rf"\b(?:kl\.?|klokken|at)\s*({_NUM_WORD})\b(?:\s*o'?clock)?")
_RE_COLON = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_RE_OCLOCK = re.compile(r"\b(\d{1,2})\s*o'?clock\b")
_RE_NOON = re.compile(r"\b(?:middag|middagstid|noon|midday)\b")
_RE_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_RE_NUMERIC = re.compile(r"\b(\d{1,2})\s*([./-])\s*(\d{1,2})(?:\s*[./-]\s*(\d{4}|\d{2})(?!\d))?(?!\d)\.?")
_RE_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|\.)?\s*(?:of\s+|af\s+)?([a-zæøå]{3,})\.?(?:\s*,?\s+(\d{4}))?\b")
_RE_MONTH_DAY = re.compile(
    r"\b([a-zæøå]{3,})\.?\s+(?:the\s+|den\s+)?(\d{1,2})(?:st|nd|rd|th|\.)?(?!\s*[:.]?\d)(?:\s*,?\s+(\d{4}))?\b"
)


def _clock(hour: int, minute: int, ampm: str | None) -> time | None:
    """A time of day; a bare 1–6 means the afternoon (office hours: "kl. 2" is 14:00)."""
    if minute > 59:
        return None
    if ampm:
        if not 1 <= hour <= 12:
            return None
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
    elif 1 <= hour <= 6:
        hour += 12
    return time(hour, minute) if 0 <= hour <= 23 else None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def _next_occurrence(today: date, month: int, day: int, year: int | None) -> date | None:
    """The date ``day``/``month`` (of ``year``, or the next one not in the past)."""
    try:
        if year is not None:
            return date(year + 2000 if year < 100 else year, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def _extract_times_and_dates(text: str, found: _Found) -> str:
    """Find a time and a calendar date; return the text with what was used blanked out."""
    # Long only by its small replacers, one per written form of a time or a date, all filling
    # the same ``found`` in a fixed order (more specific forms first); split, they would need it passed around.

    def take_time(value: time | None, m: re.Match[str]) -> str:
        if value is None:
            return m.group(0)
        if found.time is None:
            found.time = value
        return " "

    def half(m: re.Match[str]) -> str:
        hour = _number(m.group(1)) - 1
        return take_time(_clock(hour if hour > 0 else 12, 30, None), m)

    def ampm(m: re.Match[str]) -> str:
        return take_time(_clock(int(m.group(1)), int(m.group(2) or 0), m.group(3)), m)

    def marked(m: re.Match[str]) -> str:
        return take_time(_clock(int(m.group(1)), int(m.group(2) or 0), None), m)

    def marked_word(m: re.Match[str]) -> str:
        return take_time(_clock(NUMBER_WORDS[m.group(1)], 0, None), m)

    def colon(m: re.Match[str]) -> str:
        return take_time(_clock(int(m.group(1)), int(m.group(2)), None), m)

    def take_date(value: date | None, m: re.Match[str]) -> str:
        if value is None:
            return m.group(0)
        if found.day is None:
            found.day, found.explicit_date = value, True
        return " "

    def iso(m: re.Match[str]) -> str:
        try:
            return take_date(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m)
        except ValueError:
            return m.group(0)

    def numeric(m: re.Match[str]) -> str:
        first, sep, second = int(m.group(1)), m.group(2), int(m.group(3))
        year = int(m.group(4)) if m.group(4) else None
        if second > 12 >= first and sep == "/":  # "12/24", the US order
            first, second = second, first
        value = _next_occurrence(found.today, second, first, year) if 1 <= second <= 12 else None
        if value is not None:
            return take_date(value, m)
        if sep == "." and year is None and len(m.group(3)) == 2:  # "14.30" is a time
            return take_time(_clock(first, second, None), m)
        return m.group(0)

    def day_month(m: re.Match[str]) -> str:
        month = month_number(m.group(2))
        if month is None:
            return m.group(0)
        year = int(m.group(3)) if m.group(3) else None
        return take_date(_next_occurrence(found.today, month, int(m.group(1)), year), m)

    def month_day(m: re.Match[str]) -> str:
        month = month_number(m.group(1))
        if month is None:
            return m.group(0)
        year = int(m.group(3)) if m.group(3) else None
        return take_date(_next_occurrence(found.today, month, int(m.group(2)), year), m)

    text = _RE_HALF.sub(half, text)
    text = _RE_AMPM.sub(ampm, text)
    text = _RE_ISO.sub(iso, text)
    text = _RE_MARKED.sub(marked, text)
    text = _RE_MARKED_WORD.sub(marked_word, text)
    text = _RE_COLON.sub(colon, text)
    text = _RE_OCLOCK.sub(marked, text)
    text = _RE_NUMERIC.sub(numeric, text)
    text = _RE_DAY_MONTH.sub(day_month, text)
    text = _RE_MONTH_DAY.sub(month_day, text)
    if found.time is None and _RE_NOON.search(text):
        found.time = time(12, 0)
        text = _RE_NOON.sub(" ", text)
    return text


# ---- words ----------------------------------------------------------------


def _concepts(words: list[str]) -> list[tuple[str, str, Entry]]:
    """Tag the words with lexicon concepts, longest phrases first, then compounds, then words."""
    out: list[tuple[str, str, Entry]] = []
    i = 0
    while i < len(words):
        entry: Entry | None = None
        width = 1
        for n in (4, 3, 2):
            if i + n <= len(words):
                entry = lookup_phrase(tuple(words[i : i + n]))
                if entry is not None:
                    width = n
                    break
        if entry is None and i + 1 < len(words):
            # a compound written apart: "telefon tid", "aabnings tiderne"
            first, second = words[i], words[i + 1]
            joined = lookup(first + second)
            if joined is not None and (first + second in WORDS or not {first, second} & WORDS.keys()):
                entry, width = joined, 2
        if entry is None:
            entry = lookup(words[i])
            # "i mogren" (typo): "i" + something like "morgen" still means tomorrow
            if (
                entry is not None
                and entry.concept == "part:morning"
                and i > 0
                and words[i - 1] == "i"
                and SequenceMatcher(None, words[i], "morgen").ratio() >= 0.8
            ):
                entry = Entry("tomorrow", "da")
        if entry is not None:
            out.append((entry.concept, " ".join(words[i : i + width]), entry))
        i += width
    return out


@lru_cache(maxsize=64)
def _holiday_dates(year: int) -> dict[str, date]:
    table = holidays.country_holidays("DK", years=year, categories=("public", "optional"), language="en_US")
    return {name: day for day, name in table.items()}


def _holiday_date(name: str, today: date) -> date | None:
    """The next date (today or later) of the holiday called ``name`` in the holidays package."""
    for year in (today.year, today.year + 1):
        day = _holiday_dates(year).get(name)
        if day is not None and day >= today:
            return day
    return None


# ---- putting it together ----------------------------------------------------


def _is_hours_question(concepts: list[str], words: list[str]) -> bool:
    strong = {"phone", "phonehours", "hours"} & set(concepts)
    weak = {"open", "verb", "visit"} & set(concepts)
    if strong:
        return True
    if not weak:
        return False
    return not any(is_topic(w) for w in words)


def _weekday_date(today: date, weekday: int, strictly_after: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and strictly_after:
        ahead = 7
    return today + timedelta(days=ahead)


def interpret(text: str, now: datetime, settings: HoursSettings) -> Question | None:
    """Read an hours question; None if ``text`` is not about opening or phone hours.

    Only the first ``MAX_CHARS`` characters are read: hours questions are short, and fuzzy
    matching a whole essay would keep the bot busy.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    text = text[:MAX_CHARS]
    local = now.astimezone(settings.tz)
    today = local.date()
    found = _Found(today=today)
    rest = _extract_times_and_dates(_normalise(text), found)
    words = tokens(rest)
    tagged = _concepts(words)
    concepts = [c for c, _, _ in tagged]
    if not _is_hours_question(concepts, words):
        return None

    lang = detect_language(text)
    kinds: tuple[Kind, ...] = ("opening",)
    if {"phone", "phonehours"} & set(concepts):
        kinds = ("opening", "phone") if "hours" in concepts else ("phone",)

    part: Part | None = None
    habitual = False
    weekday_asked: int | None = None
    relative = False
    for index, (concept, _tok, _entry) in enumerate(tagged):
        previous = tagged[index - 1][0] if index else ""
        if found.day is None and concept.startswith("holiday:"):
            day = _holiday_date(concept.removeprefix("holiday:"), today)
            if day is not None:
                found.day, found.explicit_date = day, True
        elif concept in ("today", "tonight", "tomorrow", "overmorrow") and not found.explicit_date:
            offset = {"today": 0, "tonight": 0, "tomorrow": 1, "overmorrow": 2}[concept]
            found.day, relative = today + timedelta(days=offset), True
            if concept == "tonight":
                part = "evening"
        elif concept == "weekend" and found.day is None:
            found.day, relative = _weekday_date(today, 5, False) if today.weekday() < 5 else today, True
        elif concept.startswith(("weekday:", "weekdays:")) and found.day is None:
            weekday_asked = int(concept.split(":")[1])
            strict = previous == "next"
            habitual = concept.startswith("weekdays:") or previous == "every"
            found.day = _weekday_date(today, weekday_asked, strict)
        elif concept.startswith("part:") and part is None:
            part = _PARTS[concept]

    if found.time is not None and part is not None:
        part = None  # an exact time says more than "in the afternoon"
    mode = _mode(found, part, concepts, weekday_asked, relative, local, settings)
    return Question(lang, kinds, mode, found.day, found.time, part, habitual)


def _normalise(text: str) -> str:
    """Lower-case and normalise dashes and apostrophes, keeping æøå for the date patterns."""
    text = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text)


def _mode(
    found: _Found,
    part: Part | None,
    concepts: list[str],
    weekday_asked: int | None,
    relative: bool,
    local: datetime,
    settings: HoursSettings,
) -> Mode:
    """What kind of answer the question wants; sets ``found.day`` when a time implies it."""
    today = local.date()
    mode: Mode
    if found.time is not None or part is not None:
        mode = "check"
        if found.day is None:
            end = found.time or PART_WINDOWS[part or "morning"][1]
            passed = datetime.combine(today, end, tzinfo=settings.tz) < local
            found.day = today + timedelta(days=1) if passed else today
        elif weekday_asked is not None and found.day == today and not relative:
            end = found.time or PART_WINDOWS[part or "morning"][1]
            if datetime.combine(today, end, tzinfo=settings.tz) < local:
                found.day = today + timedelta(days=7)  # "fredag kl. 10" asked Friday at noon
    elif found.day is not None:
        mode = "day"
    elif {"now", "again", "verb"} & set(concepts):
        mode = "status"
    elif {"when", "hours", "phonehours"} & set(concepts):
        mode = "week"
    else:
        mode = "status"
    if "next" in concepts and weekday_asked is None and mode == "week":
        mode = "status"  # "when do you open next"
    return mode
