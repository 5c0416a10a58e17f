"""Questions for the business advisors' contact details: phone number, e-mail, address, map.

"Hvad er jeres telefonnummer?", "hvor ligger I?", "What's your phone number?", "where are
you". Pure: the details come from the ``[contact]`` table of config.toml (passed in, any
object with ``phone``, ``email``, ``address`` and ``map_url``).

A question about *when* to call ("hvornår kan jeg ringe?") is an hours question, not this:
only words for the number itself count, and ``understand`` hands back the rest of the text
so that "Hvad er jeres nummer, og hvornår kan jeg ringe?" is answered both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

from jobs.answers.hours.lexicon import fold

Topic = Literal["phone", "email", "address", "all"]
Lang = Literal["da", "en"]
MAX_CHARS = 300


class ContactDetails(Protocol):
    @property
    def phone(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def map_url(self) -> str: ...


# Patterns over folded text (lower case, æ→ae, ø→o, å→a); each names a topic and a language
# ("" for either). Order matters only for what is removed from the text.
_PATTERNS: tuple[tuple[str, Topic, str], ...] = (
    (r"\bkontakt ?oplysning(?:er|erne)?\b", "all", "da"),
    (r"\bcontact (?:details|information|info)\b", "all", "en"),
    (r"\be-?mail ?adresse\w*|\bmail ?adresse\w*", "email", "da"),
    (r"\be-?mail address\b", "email", "en"),
    (r"\be-?mails?\b|\bmail\b|\bmailen\b", "email", ""),
    (r"\btelefon ?n(?:umme)?r\w*|\btlf\.? ?(?:nr\.?)?|\bmobil ?n(?:umme)?r\w*", "phone", "da"),
    (r"\b(?:tele)?phone ?(?:number|no\b\.?|nr\b\.?)|\btelephone\b|\bcell ?(?:phone )?number\b", "phone", "en"),
    (r"\bjeres nummer\b|\bnummeret til jer\b", "phone", "da"),
    (r"\bnummer(?:et)?\b(?=.*\bringe?\b)", "phone", "da"),  # "hvilket nummer skal jeg ringe på?"
    (r"\b(?:your|the) number\b|\bnumber (?:to|for) (?:call|reach)\b|\bcall you on\b", "phone", "en"),
    (r"\badresse\w*", "address", "da"),
    (r"\baddress\w*", "address", "en"),
    (
        r"\bhvor (?:ligger|bor|holder|finder|er) (?:i|jeres|jer|man|kontoret|erhvervsservice\w*)\b"
        r"|\bhvor kan jeg (?:finde|besoge|mode) jer\b|\bfinde? (?:vej )?til jer\b|\bkomme forbi\b.*\bhvor\b",
        "address",
        "da",
    ),
    (
        r"\bwhere (?:are|is|do) (?:you|your|i find you)\b|\bwhere can i (?:find|visit|meet) you\b"
        r"|\byour (?:office|location)\b|\bdirections\b",
        "address",
        "en",
    ),
    (r"\bkort over\b|\bpa (?:et )?kortet?\b|\bgoogle maps?\b|\bmap\b", "address", ""),
)
_COMPILED = tuple((re.compile(p), topic, lang) for p, topic, lang in _PATTERNS)

LINES: dict[str, dict[str, str]] = {
    "da": {
        "phone": "Du kan ringe til os på {phone}.",
        "email": "Skriv til os på {email}.",
        "address": "Du finder os på {address}.",
        "map": "Kort: {map_url}",
        "none": "Jeg har desværre ikke {what} her. Skriv dit spørgsmål, så sender jeg det videre til en rådgiver.",
        "what.phone": "telefonnummeret",
        "what.email": "e-mailadressen",
        "what.address": "adressen",
        "what.all": "kontaktoplysningerne",
        "short": "Telefon {phone}",
        "short_address": "adresse {address}",
    },
    "en": {
        "phone": "You can call us on {phone}.",
        "email": "Write to us at {email}.",
        "address": "You will find us at {address}.",
        "map": "Map: {map_url}",
        "none": "Sorry, I don't have {what} here. Write your question and I will pass it on to an advisor.",
        "what.phone": "the phone number",
        "what.email": "the e-mail address",
        "what.address": "the address",
        "what.all": "the contact details",
        "short": "Phone {phone}",
        "short_address": "address {address}",
    },
}


@dataclass(frozen=True)
class ContactQuestion:
    topics: tuple[Topic, ...]  # phone, email, address, in that order; "all" for everything
    lang: Lang | None  # what the contact words say; None when they say nothing
    rest: str  # the text without the contact words, for the hours question it may also hold


def understand(text: str) -> ContactQuestion | None:
    """The contact details ``text`` asks for, or None."""
    folded = fold((text or "")[:MAX_CHARS])
    found: list[Topic] = []
    langs = {"da": 0, "en": 0}
    rest = folded
    for pattern, topic, said in _COMPILED:
        if pattern.search(rest):
            if topic not in found:
                found.append(topic)
            if said:
                langs[said] += 1
            rest = pattern.sub(" ", rest)
    if not found:
        return None
    order: tuple[Topic, ...] = ("phone", "email", "address")
    topics: tuple[Topic, ...] = order if "all" in found else tuple(t for t in order if t in found)
    lang: Lang | None = None
    if langs["da"] != langs["en"]:
        lang = "da" if langs["da"] > langs["en"] else "en"
    return ContactQuestion(topics, lang, re.sub(r"\s+", " ", rest).strip())


def answer(question: ContactQuestion, details: ContactDetails, lang: str) -> str:
    """The details asked for, one line each; what is not configured is said to be missing."""
    table = LINES["en" if lang == "en" else "da"]
    lines: list[str] = []
    missing: list[Topic] = []
    for topic in question.topics:
        value = getattr(details, topic).strip()
        if not value:
            missing.append(topic)
            continue
        lines.append(table[topic].format(**{topic: value}))
        if topic == "address" and details.map_url.strip():
            lines.append(table["map"].format(map_url=details.map_url.strip()))
    if missing:
        what = "all" if not lines and len(missing) > 1 else missing[0]
        if not lines or len(missing) == 1:
            lines.append(table["none"].format(what=table[f"what.{what}"]))
    return "\n".join(lines)


def short_line(details: ContactDetails | None, lang: str) -> str:
    """ "Telefon +45 …, adresse …" for the fallback reply ("ring eller kom forbi"); "" if unset."""
    if details is None:
        return ""
    table = LINES["en" if lang == "en" else "da"]
    bits = []
    if details.phone.strip():
        bits.append(table["short"].format(phone=details.phone.strip()))
    if details.address.strip():
        part = table["short_address"].format(address=details.address.strip())
        bits.append(part if bits else part[:1].upper() + part[1:])
    return ", ".join(bits) + ("." if bits else "")
