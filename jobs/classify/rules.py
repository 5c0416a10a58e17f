"""The decision rules: a ``Unit`` of facts → a level and its reasons, in the order of ../shared/SUITABILITY.md."""

from __future__ import annotations

from jobs.classify.model import Level, Reason
from jobs.classify.settings import LimitSettings
from jobs.classify.texts import Texts
from jobs.classify.units import Unit


class Rules:
    """The rules with their limits; decisions are remembered per set of facts (equal facts,
    as the many alike lots of a notice have, are decided once)."""

    def __init__(self, limits: LimitSettings) -> None:
        self.limits = limits
        self._texts = Texts(limits)
        self._decided: dict[Unit, tuple[Level, tuple[Reason, ...]]] = {}

    def decide(self, u: Unit) -> tuple[Level, tuple[Reason, ...]]:
        decided = self._decided.get(u)
        if decided is None:
            level, reasons = self.apply(u)
            decided = level, tuple(reasons)
            if len(self._decided) > 50_000:
                self._decided.clear()
            self._decided[u] = decided
        return decided

    def apply(self, u: Unit) -> tuple[Level, list[Reason]]:
        """The first rule that applies, with its reasons (Long on purpose, one function: the
        rules read in order, as docs/classifier.md lists them)."""
        limits = self.limits
        t = self._texts
        s = u.subject
        if u.reserved:
            return "suitable", [t.reserved(u.reserved)]
        if u.reserved_text:
            return "suitable", [t.reserved_text(u.reserved_text)]
        if u.sale:
            return "unlikely", [t.sale()]
        whole = u.whole if u.whole is not None else u.whole_floor
        if u.whole_works and whole is not None and whole > limits.works_max_dkk and (not u.is_lot or u.works):
            return "unlikely", [t.works_large(u.whole is None)]
        value = u.value
        sector = s is not None and s.kind == "sector"
        if sector and s is not None:
            label = s.settings
            if value is not None and value <= limits.suitable_max_dkk:
                return "suitable", [t.sector_small(label, s.evidence, value)]
            if u.smallest_lot is not None and u.smallest_lot <= limits.suitable_max_dkk:
                return "suitable", [t.sector_small_lot(label, s.evidence)]
            if u.vcse and value is not None and value <= limits.vcse_max_dkk:
                return "suitable", [t.vcse_sector(label, s.evidence, value)]
            per_part = value / u.parts if value is not None and u.parts else None
            if u.parts >= limits.many_parts_min and (per_part is None or per_part <= limits.suitable_max_dkk):
                return "suitable", [t.many_parts(label, s.evidence, u.parts)]
            if u.routes and u.scheme and s.name == "transport":  # each route is its own call-off
                return "suitable", [t.routes(label, s.evidence, u.scheme)]
            if u.concession and value is None and s.name == "catering":
                return "suitable", [t.kiosk_concession(s.evidence)]
        if u.whole_large:
            return "unlikely", [t.large()]
        if value is not None and value > limits.large_min_dkk and not u.scheme and u.is_lot:
            return "unlikely", [t.large()]
        extra: list[Reason] = []
        if u.vcse and not sector:
            extra.append(t.vcse_outside())
        if s is not None and s.kind == "specialised":
            if u.social:
                return "possible", [t.specialised_social(s.settings, s.evidence), *extra]
            if value is not None and value > limits.specialised_max_dkk:
                return "unlikely", [t.specialised_large(s.settings, s.evidence, value)]
            if value is None and s.clear_without_value:
                return "unlikely", [t.specialised_by_nature(s.settings, s.evidence)]
            if value is None and u.value_floor is not None and not s.needs_value:
                return "unlikely", [t.specialised_clearly_large(s.settings, s.evidence)]
            if value is not None:
                return "possible", [t.specialised_small(s.settings, s.evidence, value), *extra]
            return "possible", [t.specialised_unknown(s.settings, s.evidence), *extra]
        if u.scheme:
            extra.append(t.scheme(u.scheme))
        if sector and s is not None:
            if value is None:
                return "possible", [t.sector_unknown(s.settings, s.evidence), *extra]
            return "possible", [t.sector_medium(s.settings, s.evidence, value), *extra]
        if s is not None:  # other subjects: care, guarding, teaching, goods
            return "possible", [t.other(s.settings, s.evidence), *extra]
        if u.works:
            return "possible", [t.works_small(value), *extra]
        return "possible", [t.no_sign(), *extra]


def score(level: Level, u: Unit) -> int:
    """A number that orders assessments within a level (the level decides)."""
    if level == "suitable":
        return 100 if u.reserved or u.reserved_text else 90
    if level == "possible":
        return 65 if u.subject is not None and u.subject.kind == "sector" else 50
    return 5 if u.sale else 15
