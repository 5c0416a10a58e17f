"""One entry point for free-text questions: small talk, contact details, hours, the FAQ,
else a polite fallback.

The bot's handler calls ``respond`` with the message text and the current time and sends
``Reply.text``; for ``kind == "unknown"`` it adds a button offering to pass the question to
staff (an advice request). Pure: the clock is injected.

The reply's language is ``lang`` when the caller knows the user's chosen language (a
subscriber's setting); otherwise the language of the question.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from jobs.answers import contact as contacts
from jobs.answers import smalltalk
from jobs.answers.faq.knowledge import KnowledgeBase
from jobs.answers.faq.match import DEFAULT_MIN_SCORE, match
from jobs.answers.hours.answer import answer, overview, short_status
from jobs.answers.hours.settings import HoursSettings
from jobs.answers.hours.texts import text as hours_text
from jobs.answers.hours.understand import Lang, Question, detect_language, interpret, language_evidence

ReplyKind = Literal["smalltalk", "contact", "hours", "faq", "unknown"]


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
    *,
    contact: contacts.ContactDetails | None = None,
    lang: Lang | None = None,
) -> Reply:
    """Answer ``text`` as of ``now``: small talk in kind, the contact details asked for, an
    hours answer, an FAQ answer, or the fallback; in ``lang`` when given."""
    talk = smalltalk.understand(text)
    if talk is not None:
        said = lang or talk.lang or detect_language(text)
        return Reply("smalltalk", said, smalltalk.reply(talk, said))
    asked = contacts.understand(text) if contact is not None else None
    question = interpret(asked.rest if asked is not None else text, now, hours_settings)
    if asked is not None and contact is not None:
        said = lang or asked.lang or (question.lang if question else None) or detect_language(text)
        parts = [contacts.answer(asked, contact, said)]
        if question is not None:  # "what's your number, and when can I call?"
            parts.append(answer(replace(question, lang=said), hours_settings, now))
        return Reply("contact", said, "\n\n".join(parts), question=question)
    if question is not None:
        if lang is not None:
            question = replace(question, lang=lang)
        return Reply("hours", question.lang, answer(question, hours_settings, now), question=question)
    detected = detect_language(text)
    found = match(text, kb, min_score)
    if found is not None:
        evidence = language_evidence(text)
        if evidence["da"] == evidence["en"] and found.lang in ("da", "en"):
            detected = "en" if found.lang == "en" else "da"  # "mentor scheme?": no function words to go by
        said = lang or detected
        return Reply("faq", said, found.entry.answer(said), faq_id=found.entry.id, score=found.score)
    said = lang or detected
    return Reply("unknown", said, fallback(hours_settings, now, said, contact))


def fallback(
    hours_settings: HoursSettings, now: datetime, lang: str, contact: contacts.ContactDetails | None = None
) -> str:
    """ "I can't answer that; shall I pass it to staff? You can also call or drop by:" plus
    the phone number and address (when configured) and the current hours status."""
    lines = [hours_text(lang, "fallback"), contacts.short_line(contact, lang), short_status(hours_settings, now, lang)]
    return "\n".join(line for line in lines if line)


WARM_UP = (
    "Hvornår har I åbent i morgen?",
    "When can I call you on Friday?",
    "Hvad er en socialøkonomisk virksomhed?",
)


def warm(hours_settings: HoursSettings, kb: KnowledgeBase, now: datetime) -> None:
    """Answer a few questions and the hours overview once, in both languages, at start:
    what the first ones load (the locale data for dates, the hours lexicon, the FAQ's
    index: 36 ms of CPU measured) is then loaded before anyone waits for it."""
    for text in WARM_UP:
        respond(text, now, hours_settings, kb)
    for lang in ("da", "en"):
        overview(hours_settings, now, lang)
