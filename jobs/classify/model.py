"""What the classifier returns: a score, a level and the reasons, per notice and per lot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["suitable", "possible", "unlikely"]
LEVELS: tuple[Level, ...] = ("suitable", "possible", "unlikely")


@dataclass(frozen=True, slots=True)
class Reason:
    """One signal that moved the score.

    ``signal`` is a stable id ("reserved", "sector:cleaning", ...), ``weight``
    the signed points it added, ``evidence`` the field value or matched phrase.
    """

    signal: str
    weight: int
    evidence: str

    def to_dict(self) -> dict[str, str | int]:
        return {"signal": self.signal, "weight": self.weight, "evidence": self.evidence}


def sort_reasons(reasons: list[Reason]) -> tuple[Reason, ...]:
    """Strongest first (by absolute weight), then by signal id for a stable order."""
    return tuple(sorted(reasons, key=lambda r: (-abs(r.weight), r.signal, r.evidence)))


@dataclass(frozen=True, slots=True)
class LotAssessment:
    lot_id: str
    score: int
    level: Level
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """The verdict on one notice; ``rules_version`` names the rules that made it."""

    score: int
    level: Level
    reasons: tuple[Reason, ...]
    lots: tuple[LotAssessment, ...]
    rules_version: str

    @property
    def top_reason(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None
