"""Small talk, contact details and the reply's language (jobs/answers: pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from jobs.answers import contact, smalltalk
from jobs.answers.ask import respond
from jobs.answers.faq.knowledge import load_faq
from jobs.config import load_settings
from tests.conftest import ROOT

SETTINGS = load_settings(ROOT / "config.toml", env={})
KB = load_faq(SETTINGS.faq.resolve(SETTINGS.base_dir))
MONDAY_10 = datetime.fromisoformat("2026-11-30T09:00:00+00:00")  # 10:00 in Copenhagen


@dataclass(frozen=True)
class Contact:
    phone: str = "+45 46 31 30 00"
    email: str = "erhverv@roskilde.dk"
    address: str = "Rådhusbuen 1, 4000 Roskilde"
    map_url: str = "https://www.openstreetmap.org/?mlat=55.64&mlon=12.08"


@pytest.mark.parametrize(
    ("text", "kind", "lang"),
    [
        ("hej", "greeting", None),
        ("Hej!", "greeting", None),
        ("hejsa 👋", "greeting", None),
        ("godmorgen", "greeting", "da"),
        ("God morgen :)", "greeting", "da"),
        ("Good morning!", "greeting", "en"),
        ("hello bot", "greeting", "en"),
        ("tak", "thanks", "da"),
        ("Tak!", "thanks", "da"),
        ("mange tak 🙏", "thanks", "da"),
        ("tak for hjælpen", "thanks", "da"),
        ("tusind tak!!", "thanks", "da"),
        ("thanks", "thanks", "en"),
        ("Thank you so much", "thanks", "en"),
        ("thx", "thanks", "en"),
        ("hej og tak", "thanks", "da"),
        ("👍", "ack", None),
        ("👍👍", "ack", None),
        ("🙏", "thanks", None),
        ("😊", "ack", None),
        ("👍🏽", "ack", None),  # with a skin tone
        ("ok", "ack", None),
        ("OK.", "ack", None),
        ("okay 👌", "ack", None),
        ("super", "ack", "da"),
        ("perfekt", "ack", "da"),
        ("great", "ack", "en"),
        ("farvel", "goodbye", "da"),
        ("bye", "goodbye", "en"),
    ],
)
def test_small_talk_is_recognised(text: str, kind: str, lang: str | None) -> None:
    talk = smalltalk.understand(text)
    assert talk is not None and (talk.kind, talk.lang) == (kind, lang)


@pytest.mark.parametrize(
    "text",
    [
        "hej, hvornår åbner I?",
        "tak, men hvad med fredag?",
        "ok?",
        "hej hvad koster det",
        "thanks, and where are you?",
        "tak 2",
        "hej " * 30,
        "",
        "🚀",  # an emoji that says nothing we answer in kind
        "hvornår har I åbent",
    ],
)
def test_a_question_is_not_small_talk(text: str) -> None:
    assert smalltalk.understand(text) is None


def test_small_talk_is_answered_in_kind_in_the_language_chosen() -> None:
    assert smalltalk.reply(smalltalk.understand("godmorgen"), "da").startswith("Godmorgen! 👋")  # type: ignore[arg-type]
    assert smalltalk.reply(smalltalk.understand("good morning"), "en").startswith("Good morning! 👋")  # type: ignore[arg-type]
    assert smalltalk.reply(smalltalk.understand("godmorgen"), "en").startswith("Hi! 👋")  # type: ignore[arg-type]
    assert smalltalk.reply(smalltalk.understand("tak"), "en") == "You're welcome! 😊"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "topics", "lang"),
    [
        ("Hvad er jeres telefonnummer?", ("phone",), "da"),
        ("hvad er jeres nummer", ("phone",), "da"),
        ("Hvad er jeres tlf?", ("phone",), "da"),
        ("hvilket nummer skal jeg ringe på?", ("phone",), "da"),
        ("What's your phone number?", ("phone",), "en"),
        ("what is your number", ("phone",), "en"),
        ("telephone", ("phone",), "en"),
        ("Hvad er jeres e-mail?", ("email",), None),
        ("e-mail", ("email",), None),
        ("hvad er jeres mailadresse", ("email",), "da"),
        ("email address please", ("email",), "en"),
        ("Hvor ligger I?", ("address",), "da"),
        ("hvor holder i til", ("address",), "da"),
        ("adresse", ("address",), "da"),
        ("Hvad er jeres adresse", ("address",), "da"),
        ("where are you", ("address",), "en"),
        ("Where is your office?", ("address",), "en"),
        ("what's your address", ("address",), "en"),
        ("kontaktoplysninger", ("phone", "email", "address"), "da"),
        ("contact details?", ("phone", "email", "address"), "en"),
        ("telefonnummer og adresse", ("phone", "address"), "da"),
    ],
)
def test_contact_questions(text: str, topics: tuple[str, ...], lang: str | None) -> None:
    asked = contact.understand(text)
    assert asked is not None and (asked.topics, asked.lang) == (topics, lang)


@pytest.mark.parametrize(
    "text",
    [
        "hvornår kan jeg ringe?",
        "kan jeg ringe til jer?",
        "hvad er udbuddets nummer?",
        "et kort spørgsmål: hvornår åbner I?",
        "hvornår har I telefontid",
        "Når har jeg fået mit svar?",
    ],
)
def test_not_contact_questions(text: str) -> None:
    assert contact.understand(text) is None


def test_contact_answers_give_what_is_configured() -> None:
    full = Contact()
    phone = contact.understand("hvad er jeres nummer")
    where = contact.understand("where are you")
    assert phone is not None and where is not None
    assert contact.answer(phone, full, "da") == "Du kan ringe til os på +45 46 31 30 00."
    assert contact.answer(where, full, "en") == (
        "You will find us at Rådhusbuen 1, 4000 Roskilde.\nMap: https://www.openstreetmap.org/?mlat=55.64&mlon=12.08"
    )
    empty = Contact(phone="", email="", address="", map_url="")
    assert "ikke telefonnummeret" in contact.answer(phone, empty, "da")
    everything = contact.understand("kontaktoplysninger")
    assert everything is not None and "ikke kontaktoplysningerne" in contact.answer(everything, empty, "da")
    assert contact.short_line(full, "da") == "Telefon +45 46 31 30 00, adresse Rådhusbuen 1, 4000 Roskilde."
    assert contact.short_line(empty, "en") == ""


@pytest.mark.parametrize(
    ("text", "lang", "kind", "starts"),
    [
        ("What's your phone number?", None, "contact", "You can call us on +45 46 31 30 00."),
        ("Hvad er jeres telefonnummer?", None, "contact", "Du kan ringe til os på +45 46 31 30 00."),
        ("Hvad er jeres telefonnummer?", "en", "contact", "You can call us on"),
        ("hvornår kan jeg ringe?", None, "hours", "Telefontider"),
        ("hvornår kan jeg ringe?", "en", "hours", "Phone hours"),
        ("Hvad er jeres nummer, og hvornår kan jeg ringe?", None, "contact", "Du kan ringe til os på"),
        ("tak!", None, "smalltalk", "Selv tak"),
        ("tak!", "en", "smalltalk", "You're welcome"),
        ("Hvad koster en elefant på Mars?", None, "unknown", "Det kan jeg desværre ikke svare på"),
        ("Hvad koster en elefant på Mars?", "en", "unknown", "Sorry, I can't answer that here"),
        ("Hvordan fungerer mentorordningen?", "en", "faq", "The mentor scheme"),
    ],
)
def test_respond_in_the_chosen_language(text: str, lang: str | None, kind: str, starts: str) -> None:
    reply = respond(text, MONDAY_10, SETTINGS.hours, KB, SETTINGS.faq.min_score, contact=Contact(), lang=lang)  # type: ignore[arg-type]
    assert reply.kind == kind and reply.text.startswith(starts), reply
    assert reply.lang == (lang or ("en" if text.startswith("What") else "da"))


def test_the_fallback_says_how_to_call_or_come_by() -> None:
    reply = respond("Hvad koster en elefant på Mars?", MONDAY_10, SETTINGS.hours, KB, contact=Contact())
    lines = reply.text.split("\n")
    assert lines[0].endswith("ringe eller komme forbi:")
    assert lines[1] == "Telefon +45 46 31 30 00, adresse Rådhusbuen 1, 4000 Roskilde."
    assert "åbent" in lines[2]
    both = "Hvad er jeres nummer, og hvornår kan jeg ringe?"
    combined = respond(both, MONDAY_10, SETTINGS.hours, KB, contact=Contact())
    assert "Telefontider" in combined.text and combined.question is not None
