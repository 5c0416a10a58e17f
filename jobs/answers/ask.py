"""One entry point for free-text questions: hours first, then the FAQ, else a polite fallback.

The bot's handler calls ``respond`` with the message text and the current time and sends
``Reply.text``; for ``kind == "unknown"`` it adds a button offering to pass the question to
staff (an advice request). Pure: the clock is injected. Issue 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from jobs.answers.faq.knowledge import KnowledgeBase
from jobs.answers.faq.match import DEFAULT_MIN_SCORE, match
from jobs.answers.hours.answer import answer, short_status
from jobs.answers.hours.settings import HoursSettings
from jobs.answers.hours.texts import text as hours_text
from jobs.answers.hours.understand import Lang, Question, detect_language, interpret, language_evidence

ReplyKind = Literal["hours", "faq", "unknown"]


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    lang: Lang
    text: str
    faq_id: str | None = None  # the FAQ entry answered, for kind "faq"
    score: float | None = None  # the FAQ match score, for kind "faq"
    question: Question | None = None  # what was understood, for kind "hours"


def respond(
    text: str,
    now: datetime,
    hours_settings: HoursSettings,
    kb: KnowledgeBase,
    min_score: float = DEFAULT_MIN_SCORE,
) -> Reply:
    """Answer ``text`` as of ``now``: an hours answer, an FAQ answer, or the fallback."""
    question = interpret(text, now, hours_settings)
    if question is not None:
        return Reply("hours", question.lang, answer(question, hours_settings, now), question=question)
    lang = detect_language(text)
    found = match(text, kb, min_score)
    if found is not None:
        evidence = language_evidence(text)
        if evidence["da"] == evidence["en"] and found.lang in ("da", "en"):
            lang = "en" if found.lang == "en" else "da"  # "mentor scheme?": no function words to go by
        return Reply("faq", lang, found.entry.answer(lang), faq_id=found.entry.id, score=found.score)
    return Reply("unknown", lang, fallback(hours_settings, now, lang))


def fallback(hours_settings: HoursSettings, now: datetime, lang: str) -> str:
    """ "I can't answer that; shall I pass it to staff?" plus the current hours status."""
    return f"{hours_text(lang, 'fallback')}\n{short_status(hours_settings, now, lang)}"
