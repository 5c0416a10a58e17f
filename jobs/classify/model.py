"""What the classifier returns: a level, a score and the reasons, per notice and per lot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["suitable", "possible", "unlikely"]
LEVELS: tuple[Level, ...] = ("suitable", "possible", "unlikely")
Lang = Literal["da", "en"]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an assessment has its level, as a sentence an enterprise understands.

    ``signal`` is a stable id for programs ("reserved", "sector_small", ...); it is
    never shown to a user. ``da`` and ``en`` are the sentence in Danish and English;
    ``evidence`` the facts behind it (codes, amounts, matched words), for programs.
    """

    signal: str
    da: str
    en: str
    evidence: str = ""

    def text(self, lang: str = "da") -> str:
        return self.en if lang == "en" else self.da

    def to_dict(self) -> dict[str, str]:
        return {"signal": self.signal, "da": self.da, "en": self.en, "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class LotAssessment:
    lot_id: str
    score: int
    level: Level
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """The verdict on one notice; ``rules_version`` names the rules that made it.

    ``reasons`` is never empty: the first is the one that decided the level.
    """

    score: int
    level: Level
    reasons: tuple[Reason, ...]
    lots: tuple[LotAssessment, ...]
    rules_version: str

    @property
    def top_reason(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None
