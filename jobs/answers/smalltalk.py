"""Small talk: a greeting, thanks, "ok" or an emoji, answered briefly in kind. Pure.

Only a message that is *nothing but* small talk counts ("hej", "Tak!", "👍", "godmorgen",
"thanks a lot 🙏"); "hej, hvornår åbner I?" is a question and goes to the hours and the FAQ.
Such a message is not something to pass on to staff, so it never gets the fallback's offer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from jobs.answers.hours.lexicon import fold

Kind = Literal["greeting", "thanks", "ack", "goodbye"]
Lang = Literal["da", "en"]
MAX_CHARS = 80

# phrase (folded: lower case, æ→ae, ø→o, å→a) → (kind, language; "" for either)
PHRASES: dict[str, tuple[Kind, str]] = {
    **dict.fromkeys(
        ("hej", "hejsa", "hey", "hejhej", "hallo", "halloj", "goddag", "dav", "davs", "mojn", "morn", "hi", "hiya"),
        ("greeting", ""),
    ),
    **dict.fromkeys(("godmorgen", "god morgen", "godaften", "god aften", "god eftermiddag"), ("greeting", "da")),
    **dict.fromkeys(
        ("hello", "good morning", "good afternoon", "good evening", "morning", "greetings"), ("greeting", "en")
    ),
    **dict.fromkeys(
        (
            "tak",
            "mange tak",
            "tusind tak",
            "tak skal du have",
            "tak for hjaelpen",
            "tak for det",
            "tak for svaret",
            "takker",
            "tak tak",
        ),
        ("thanks", "da"),
    ),
    **dict.fromkeys(
        (
            "thanks",
            "thank you",
            "thank you very much",
            "thank you so much",
            "thanks a lot",
            "many thanks",
            "thx",
            "ty",
            "cheers",
            "thanks for the help",
            "thanks for your help",
        ),
        ("thanks", "en"),
    ),
    **dict.fromkeys(
        ("fint", "super", "perfekt", "godt", "fedt", "dejligt", "forstaet", "jep", "jamen godt", "det er fint"),
        ("ack", "da"),
    ),
    **dict.fromkeys(
        ("great", "fine", "cool", "nice", "perfect", "alright", "all right", "got it", "understood", "good"),
        ("ack", "en"),
    ),
    **dict.fromkeys(("ok", "okay", "okey", "okej", "oki", "ok ok"), ("ack", "")),
    **dict.fromkeys(("farvel", "vi ses", "hav en god dag", "god dag"), ("goodbye", "da")),
    **dict.fromkeys(("bye", "goodbye", "see you", "have a nice day"), ("goodbye", "en")),
}
# words that may go with small talk without making it a question ("hej bot", "tak igen")
FILLERS = frozenset(
    {"bot", "udbudsbot", "igen", "again", "sa", "meget", "so", "much", "alle", "all", "du", "you", "og", "and"}
)
EMOJI: dict[str, Kind] = {
    **dict.fromkeys("👍👌✅🙂😊😀😃😄☺😁🤗💯👏🎉", "ack"),
    **dict.fromkeys("🙏❤💙💚🥰😍🤝", "thanks"),
    "👋": "greeting",
}
_ORDER: tuple[Kind, ...] = ("thanks", "goodbye", "greeting", "ack")  # "hej og tak" is thanks

REPLIES: dict[str, dict[Kind, str]] = {
    "da": {
        "greeting": "Hej! 👋 Skriv dit spørgsmål, eller se hvad jeg kan med /help.",
        "thanks": "Selv tak! 😊",
        "ack": "👍 Skriv endelig, hvis der er mere.",
        "goodbye": "Hav en god dag! 👋",
    },
    "en": {
        "greeting": "Hi! 👋 Ask me anything, or see what I can do with /help.",
        "thanks": "You're welcome! 😊",
        "ack": "👍 Just write if there is anything else.",
        "goodbye": "Have a nice day! 👋",
    },
}
# A time-of-day greeting is answered with the same greeting.
IN_KIND = {
    "godmorgen": ("da", "Godmorgen"),
    "god morgen": ("da", "Godmorgen"),
    "godaften": ("da", "Godaften"),
    "god aften": ("da", "Godaften"),
    "god eftermiddag": ("da", "God eftermiddag"),
    "good morning": ("en", "Good morning"),
    "morning": ("en", "Good morning"),
    "good afternoon": ("en", "Good afternoon"),
    "good evening": ("en", "Good evening"),
}
_LONGEST = max(len(p.split()) for p in PHRASES)


@dataclass(frozen=True)
class SmallTalk:
    kind: Kind
    lang: Lang | None  # None: nothing to tell the language by (an emoji, "ok", "hej")
    greeting: str | None = None  # "godmorgen": answered with the same greeting


def understand(text: str) -> SmallTalk | None:
    """The small talk ``text`` is, or None when it is (also) something else."""
    if not text or len(text) > MAX_CHARS:
        return None
    kinds: list[Kind] = []
    words: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in EMOJI:
            kinds.append(EMOJI[ch])
            words.append(" ")
        elif unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf") or ch in "\ufe0f\u200d":
            words.append(" ")  # other symbols, skin tones, variation selectors: decoration
        else:
            words.append(ch)
    tokens = re.findall(r"[a-z]+", fold("".join(words)))
    if re.search(r"[0-9?]", text) and not kinds:  # "ok?" and "tak 2" are not just small talk
        return None
    langs: set[str] = set()
    greeting: str | None = None
    i = 0
    while i < len(tokens):
        for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + n])
            if phrase in PHRASES:
                kind, said = PHRASES[phrase]
                kinds.append(kind)
                if said:
                    langs.add(said)
                greeting = greeting or (phrase if phrase in IN_KIND else None)
                i += n
                break
        else:
            if tokens[i] not in FILLERS:
                return None
            i += 1
    if not kinds:
        return None
    kind = next(k for k in _ORDER if k in kinds)
    lang: Lang | None = None
    if len(langs) == 1:
        lang = "en" if "en" in langs else "da"
    return SmallTalk(kind, lang, greeting if kind == "greeting" else None)


def reply(talk: SmallTalk, lang: str) -> str:
    """The short answer, in ``lang``."""
    table = REPLIES["en" if lang == "en" else "da"]
    text = table[talk.kind]
    if talk.greeting is not None:
        greeting_lang, words = IN_KIND[talk.greeting]
        if greeting_lang == ("en" if lang == "en" else "da"):
            text = words + text[text.index("!") :]
    return text
