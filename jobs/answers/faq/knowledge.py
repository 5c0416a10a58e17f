"""The FAQ knowledge base: entries read from ``faq.toml`` and their precomputed stems.

The file's format is described at the top of ``faq.toml`` and in README ("FAQ"). Mistakes
are reported as one ``ConfigError`` line naming the file and the key.
"""

from __future__ import annotations

import math
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jobs.answers.faq.words import stems
from jobs.errors import ConfigError
from jobs.settings_loader import build

LANGS = ("da", "en")


@dataclass(frozen=True)
class FaqEntry:
    id: str
    title_da: str
    title_en: str
    answer_da: str
    answer_en: str
    keywords_da: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    questions_da: tuple[str, ...] = ()
    questions_en: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValueError("id must not be empty")
        for name in ("title_da", "title_en", "answer_da", "answer_en"):
            if not getattr(self, name).strip():
                raise ValueError(f"entry {self.id!r}: {name} must not be empty")
        if not (self.keywords_da or self.questions_da) or not (self.keywords_en or self.questions_en):
            raise ValueError(f"entry {self.id!r}: needs keywords or questions in both da and en")

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_da

    def answer(self, lang: str) -> str:
        return self.answer_en if lang == "en" else self.answer_da


@dataclass(frozen=True)
class FaqFile:
    entries: tuple[FaqEntry, ...] = ()

    def __post_init__(self) -> None:
        ids = [e.id for e in self.entries]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"entry ids must be unique: {dupes[0]!r} repeats")


@dataclass(frozen=True)
class Indexed:
    """One entry's stems: each keyword as a phrase of stems, and the bag of words.

    The bag holds the words of the questions and titles and the one-word keywords.
    """

    entry: FaqEntry
    keywords: tuple[tuple[str, ...], ...]
    words: frozenset[str]
    by_lang: dict[str, frozenset[str]]  # every stem of the entry, per language (a language hint)


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[FaqEntry, ...]
    indexed: tuple[Indexed, ...] = field(init=False, repr=False)
    idf: dict[str, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        indexed = tuple(_index(e) for e in self.entries)
        df: Counter[str] = Counter()
        for item in indexed:
            df.update(item.words | {s for k in item.keywords for s in k})
        n = max(len(indexed), 1)
        object.__setattr__(self, "indexed", indexed)
        object.__setattr__(self, "idf", {s: math.log((n + 1) / (c + 0.5)) for s, c in df.items()})

    def get(self, entry_id: str) -> FaqEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def topics(self, lang: str) -> list[tuple[str, str]]:
        """(id, title) of every entry, in file order: what ``/help`` shows as buttons."""
        return [(e.id, e.title(lang)) for e in self.entries]

    @property
    def max_idf(self) -> float:
        """The weight of a word no entry has."""
        return math.log((len(self.entries) + 1) / 0.5)

    @property
    def rare_idf(self) -> float:
        """The weight of a word only one entry has."""
        return math.log((len(self.entries) + 1) / 1.5)


def _index(entry: FaqEntry) -> Indexed:
    keywords: list[tuple[str, ...]] = []
    bag: set[str] = set()
    by_lang: dict[str, frozenset[str]] = {}
    for lang in LANGS:
        own: set[str] = set()
        for keyword in getattr(entry, f"keywords_{lang}"):
            phrase = tuple(stems(keyword, lang))
            if phrase:
                keywords.append(phrase)
            if len(phrase) == 1:  # a phrase's words alone are too general ("lot" of "split into lots")
                own.update(phrase)
        for question in (*getattr(entry, f"questions_{lang}"), entry.title(lang)):
            own.update(stems(question, lang))
        by_lang[lang] = frozenset(own)
        bag |= own
    return Indexed(entry, tuple(keywords), frozenset(bag), by_lang)


def load_faq(path: str | Path) -> KnowledgeBase:
    """Read ``faq.toml``; raise ``ConfigError`` (one line naming the file) if it is unusable."""
    file = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{file}: FAQ file not found") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{file}: not valid TOML: {e}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{file}: cannot be read: {e}") from e
    parsed = build(FaqFile, raw, path="", file=file)
    if not parsed.entries:
        raise ConfigError(f"{file}: has no [[entries]]")
    return KnowledgeBase(parsed.entries)
