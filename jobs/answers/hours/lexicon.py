"""The words an hours question is made of, in Danish and English, and how to look them up.

Words are compared after ``fold`` (lower case, å/aa → a, æ → ae, ø/oe → o), so "åbent",
"aabent" and "abent" are the same word; a token that is not in the lexicon is matched to the
closest entry by ``difflib`` when it is long enough to make a typo plausible. Issue 5.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

Lang = str  # "da", "en" or "" (either)

_FOLDS = (("å", "a"), ("aa", "a"), ("æ", "ae"), ("ø", "o"), ("oe", "o"), ("é", "e"), ("ü", "u"), ("'", ""))


def fold(text: str) -> str:
    """Lower case without Danish letters, so spellings without æøå compare equal."""
    text = unicodedata.normalize("NFC", text.lower()).replace("’", "'").replace("`", "'")
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return text


def tokens(text: str) -> list[str]:
    """Folded word and number tokens; punctuation dropped ("2. juledag" → ["2", "juledag"])."""
    return re.findall(r"[a-z]+|\d+", fold(text))


@dataclass(frozen=True)
class Entry:
    concept: str
    lang: Lang


# concept names:
#   phone            calling: "ringe", "call" (strong signal)
#   phonehours       the phone hours as such: "telefontid", "phone hours" (strong)
#   hours            about opening hours as such: "åbningstider", "opening hours" (strong)
#   open             open/closed words: "åbent", "closed" (weak: also said of tenders)
#   verb             "åbner", "lukker", "opens": asks for the next change
#   visit            "komme forbi", "drop by" (weak, opening)
#   now, again, next, when, today, tomorrow, overmorrow, weekend, every, on
#   part:morning|afternoon|evening, tonight
#   weekday:N, weekdays:N (plural or definite: "fredagen", "Fridays" — the weekday in general)
#   holiday:<English name in the holidays package>
#   topic            procurement/advice words: a weak hours word next to these is not about hours
#   word             a common word, kept only so it is not mistaken for a lexicon word by typo
WORDS: dict[str, Entry] = {}
PHRASES: dict[tuple[str, ...], Entry] = {}


def _add(concept: str, lang: Lang, *words: str) -> None:
    for word in words:
        key = tuple(tokens(word))
        entry = Entry(concept, lang)
        if len(key) == 1:
            WORDS.setdefault(key[0], entry)
        else:
            PHRASES.setdefault(key, entry)


_add("phonehours", "da", "telefontid", "telefontider", "telefontiden", "telefontiderne", "telefon tid")
_add("phonehours", "da", "telefon tider", "ringetid", "ringetider", "telefonåbningstid", "telefonåbningstider")
_add("phonehours", "en", "phone hours", "telephone hours", "phone times", "calling hours")
_add("phone", "da", "telefon", "telefonen", "telefonisk", "tlf", "ringe", "ring", "ringer", "opkald")
_add("phone", "en", "phone", "phones", "telephone", "call", "calls", "calling", "phone lines")
# "call for tenders" is not a phone call
_add("topic", "en", "call for tenders", "calls for tenders", "call for tender", "call for competition")
_add("topic", "en", "call for bids", "call for proposals", "calls for competition", "call off")
_add("hours", "da", "åbningstid", "åbningstider", "åbningstiden", "åbningstiderne", "åbnings tider")
_add("hours", "da", "åbnings tid", "kontortid", "kontortider", "ekspeditionstid")
_add("hours", "en", "hours", "opening hours", "opening times", "office hours", "business hours")
_add("hours", "en", "opening time", "open hours")
_add("open", "da", "åben", "åbent", "åbne", "åbnet", "lukket", "lukke", "lukt", "åbentstid")
_add("open", "en", "open", "closed", "shut")
_add("verb", "da", "åbner", "lukker")
_add("verb", "en", "opens", "closes", "close", "closing", "opening")
_add("visit", "da", "komme forbi", "kigge forbi", "kigge ind", "komme ind", "besøge", "besøg", "møde op")
_add("visit", "en", "come by", "drop by", "drop in", "come in", "visit", "come over", "stop by")
_add("now", "da", "nu", "lige nu", "nuværende", "for øjeblikket", "i øjeblikket")
_add("now", "en", "now", "right now", "currently", "at the moment", "at present")
_add("again", "da", "igen", "næste gang", "genåbner")
_add("again", "en", "again", "next time", "reopen", "reopens")
_add("next", "da", "næste", "kommende")
_add("next", "en", "next", "coming")
_add("when", "da", "hvornår", "hvilke tider", "hvad tid", "hvilken tid", "tidspunkt", "tidspunkter")
_add("when", "en", "when", "what time", "which times", "what times", "what are your")
_add("today", "da", "i dag", "idag", "dag i dag")
_add("today", "en", "today")
_add("tonight", "da", "i aften", "iaften")
_add("tonight", "en", "tonight", "this evening")
_add("tomorrow", "da", "i morgen", "imorgen", "i morgen tidlig")
_add("tomorrow", "en", "tomorrow", "tmrw", "tomorow", "tommorow")
_add("overmorrow", "da", "i overmorgen", "overmorgen")
_add("overmorrow", "en", "day after tomorrow", "the day after tomorrow")
_add("weekend", "da", "weekend", "weekenden", "i weekenden", "lørdag og søndag")
_add("weekend", "en", "weekend", "this weekend", "the weekend", "weekends")
_add("every", "da", "hver", "alle")
_add("every", "en", "every", "each")
_add("on", "da", "om", "på")
_add("part:morning", "da", "formiddag", "formiddagen", "morgenen", "om morgenen", "om formiddagen")
_add("part:morning", "en", "morning", "in the morning")
_add("part:afternoon", "da", "eftermiddag", "eftermiddagen", "om eftermiddagen")
_add("part:afternoon", "en", "afternoon", "in the afternoon")
_add("part:evening", "da", "aften", "aftenen", "om aftenen")
_add("part:evening", "en", "evening", "in the evening")

_WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
for _n, (_da, _en) in enumerate(zip(_WEEKDAYS_DA, _WEEKDAYS_EN, strict=True)):
    _add(f"weekday:{_n}", "da", _da)
    _add(f"weekday:{_n}", "en", _en)
    _add(f"weekdays:{_n}", "da", _da + "en", _da + "e", _da + "ene", _da + "s")
    _add(f"weekdays:{_n}", "en", _en + "s")
_add("weekday:1", "da", "tirs")
_add("weekday:1", "en", "tues")
_add("weekday:2", "en", "weds")
_add("weekday:3", "da", "tors")
_add("weekday:3", "en", "thurs", "thur")

# Holiday names people use, mapped to the holidays package's English name for DK.
_HOLIDAY_ALIASES: dict[str, tuple[str, ...]] = {
    "Christmas Eve": (
        "juleaften",
        "juleaftensdag",
        "juleaftens dag",
        "juleaftenen",
        "christmas eve",
        "xmas eve",
        # "i julen", "over Christmas": the first closed day, so the answer says when we reopen
        "jul",
        "julen",
        "juleferien",
        "over christmas",
    ),
    "Christmas Day": ("juledag", "1. juledag", "første juledag", "juledagen", "christmas day", "christmas"),
    "Second Day of Christmas": (
        "2. juledag",
        "anden juledag",
        "2 juledag",
        "andenjuledag",
        "second day of christmas",
        "boxing day",
    ),
    "New Year's Eve": (
        "nytårsaften",
        "nytårsaftensdag",
        "nytårsaftens dag",
        "new year's eve",
        "new years eve",
        "nytår",
        "nytåret",
    ),
    "New Year's Day": ("nytårsdag", "nytårsdagen", "new year's day", "new years day", "new year"),
    "Constitution Day": ("grundlovsdag", "grundlovsdagen", "grundlovens dag", "constitution day"),
    "Maundy Thursday": (
        "skærtorsdag",
        "skærtorsdagen",
        "maundy thursday",
        "holy thursday",
        "påske",  # "i påsken", "at Easter": the first closed day, then when we reopen
        "påsken",
        "easter",
    ),
    "Good Friday": ("langfredag", "langfredagen", "good friday"),
    "Easter Sunday": ("påskedag", "påskesøndag", "påskedagen", "1. påskedag", "easter sunday"),
    "Easter Monday": ("2. påskedag", "anden påskedag", "påskemandag", "easter monday"),
    "Ascension Day": (
        "kristi himmelfartsdag",
        "kristi himmelfart",
        "himmelfartsdag",
        "himmelfart",
        "ascension day",
        "ascension",
    ),
    "Pentecost": ("pinsedag", "pinsesøndag", "1. pinsedag", "pinse", "pentecost", "whit sunday", "whitsun"),
    "Pentecost Monday": ("2. pinsedag", "anden pinsedag", "pinsemandag", "whit monday", "pentecost monday"),
    "Workers' Day": ("arbejdernes kampdag", "labour day", "labor day", "may day", "workers day"),
}
for _name, _aliases in _HOLIDAY_ALIASES.items():
    for _alias in _aliases:
        _add(f"holiday:{_name}", "", _alias)

# Words of the FAQ's subjects: next to these, "open"/"closed" is about a tender, not the office.
TOPIC_PREFIXES = tuple(
    fold(p)
    for p in (
        "udbud",
        "tilbud",
        "tender",
        "procur",
        "kontrakt",
        "contract",
        "espd",
        "mentor",
        "netværk",
        "network",
        "pulje",
        "fond",
        "fund",
        "temadag",
        "theme",
        "alert",
        "notif",
        "abonn",
        "subscri",
        "kategori",
        "categor",
        "keyword",
        "nøgleord",
        "frist",
        "deadline",
        "byde",
        "byder",
        "bid",
        "licit",
        "indkøb",
    )
)

# Common words that look like lexicon words after a typo ("morges" ~ "morgen").
_add("word", "da", "i morges", "morges", "tilbage", "åbenbart", "fra", "til", "dage", "tage", "tidlig")
_add("word", "en", "hour", "our", "hope", "opera", "phonetic", "coming soon", "days")

# Function words, only to tell the languages apart.
_add("lang", "da", "har", "er", "vi", "jeg", "kan", "man", "hvad", "hvor", "hvordan", "det", "den", "der")
_add("lang", "da", "jer", "mig", "og", "ikke", "med", "skal", "må", "gerne", "hej", "tak", "kl", "klokken")
_add("lang", "da", "jeres", "mon", "eller", "når", "hvis", "os", "hos", "være", "sig", "noget", "lidt")
_add("lang", "en", "are", "you", "is", "the", "what", "can", "do", "does", "your", "we", "there", "how")
_add("lang", "en", "to", "of", "for", "and", "it", "will", "be", "please", "hi", "hello", "at", "on")
_add("lang", "en", "in", "am", "pm", "still", "yet", "would", "could", "should", "may", "any", "this")

MONTHS: dict[str, int] = {}
for _m, _names in enumerate(
    (
        ("januar", "january", "jan"),
        ("februar", "february", "feb"),
        ("marts", "march", "mar"),
        ("april", "apr"),
        ("maj", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _month_name in _names:
        MONTHS[_month_name] = _m

NUMBER_WORDS: dict[str, int] = {
    **dict.fromkeys(("en", "et", "one"), 1),
    **dict.fromkeys(("to", "two"), 2),
    **dict.fromkeys(("tre", "three"), 3),
    **dict.fromkeys(("fire", "four"), 4),
    **dict.fromkeys(("fem", "five"), 5),
    **dict.fromkeys(("seks", "six"), 6),
    **dict.fromkeys(("syv", "seven"), 7),
    **dict.fromkeys(("otte", "eight"), 8),
    **dict.fromkeys(("ni", "nine"), 9),
    **dict.fromkeys(("ti", "ten"), 10),
    **dict.fromkeys(("elleve", "eleven"), 11),
    **dict.fromkeys(("tolv", "twelve"), 12),
}

FUZZY_MIN_LENGTH = 5  # shorter tokens must match exactly ("nu", "open", "ring")
FUZZY_CUTOFF = 0.8


@lru_cache(maxsize=4096)
def lookup(token: str) -> Entry | None:
    """The lexicon entry for one folded token, allowing a typo in longer words."""
    if token in WORDS:
        return WORDS[token]
    if len(token) < FUZZY_MIN_LENGTH or token.isdigit():
        return None
    close = difflib.get_close_matches(token, _similar_length(len(token)), n=1, cutoff=FUZZY_CUTOFF)
    return WORDS[close[0]] if close else None


@lru_cache(maxsize=64)
def _similar_length(length: int) -> list[str]:
    """Lexicon words a typo of a ``length``-letter word could be (at most 3 letters more or less)."""
    return [w for w in WORDS if len(w) >= 4 and abs(len(w) - length) <= 3]


@lru_cache(maxsize=8192)
def lookup_phrase(words: tuple[str, ...]) -> Entry | None:
    """A multi-word phrase, exactly or with a small typo ("kristi himelfartsdag").

    Cached: a question is read as every run of two to four words, and the fuzzy comparison
    with every phrase of that length is most of what answering an hours question costs."""
    if words in PHRASES:
        return PHRASES[words]
    text = " ".join(words)
    if len(text) < 8 or any(w.isdigit() for w in words):
        return None
    close = difflib.get_close_matches(text, _phrases_of_length(len(words)), n=1, cutoff=0.88)
    return PHRASES[tuple(close[0].split(" "))] if close else None


@lru_cache(maxsize=8)
def _phrases_of_length(n: int) -> list[str]:
    return [" ".join(p) for p in PHRASES if len(p) == n]


def month_number(word: str) -> int | None:
    """1–12 for a month name or abbreviation in Danish or English (typos allowed in full names)."""
    key = fold(word).rstrip(".")
    if key in MONTHS:
        return MONTHS[key]
    if len(key) < FUZZY_MIN_LENGTH:
        return None
    full = [m for m in MONTHS if len(m) >= FUZZY_MIN_LENGTH]
    close = difflib.get_close_matches(key, full, n=1, cutoff=FUZZY_CUTOFF)
    return MONTHS[close[0]] if close else None


def is_topic(token: str) -> bool:
    return token.startswith(TOPIC_PREFIXES)
