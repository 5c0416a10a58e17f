"""The suitability classifier: ``Notice`` → ``Assessment``, pure and deterministic.

Every assessment (of the whole notice and of each lot) starts at
``levels.base`` and adds the signed weight of each signal that fires; the score
is clamped to 0-100 and mapped to a level by ``levels.possible`` and
``levels.suitable``. Combination rule: the notice's score is the larger of its
whole-notice score and (best lot score - ``levels.best_lot_discount``), since a
social enterprise can bid for one lot only. A reserved contract (code or text,
on the notice or a lot) is never below ``levels.possible``.

Build one ``Classifier`` per settings and reuse it: matchers are compiled once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from jobs.classify.model import Assessment, Level, LotAssessment, Reason, sort_reasons
from jobs.classify.settings import ClassifierSettings
from jobs.classify.textmatch import Matcher, tokenize
from jobs.notice import Lot, Notice

if TYPE_CHECKING:  # jobs.config imports the classifier settings; avoid the cycle at run time
    from jobs.config import MoneySettings

# Bump when the scoring code changes meaning, so stored assessments get recomputed.
ALGORITHM_VERSION = "1"
RESERVED, SOCIAL, SECTOR = "reserved", "social", "sector:"
_NONE_CODES = {"none", "no", "false", ""}
_LONG_TEXT_TOKENS = 40
# Words nearly every longer text in the language has (Norwegian shares the Danish ones).
_DA_HINTS = frozenset({"og", "af", "til", "på", "med", "er", "der", "som", "skal", "ved", "av"})
_EN_HINTS = frozenset({"the", "and", "of", "to", "with", "is", "are", "will", "be", "for"})


@lru_cache(maxsize=1)
def social_service_cpv() -> frozenset[str]:
    """The light-regime CPV codes shipped in data/social_service_cpv.txt."""
    text = resources.files("jobs.classify").joinpath("data/social_service_cpv.txt").read_text("utf-8")
    return frozenset(line.split("\t", 1)[0].strip() for line in text.splitlines() if line.strip() and line[0] != "#")


def rules_version(settings: ClassifierSettings, money: MoneySettings | None = None) -> str:
    """A stable short hash of the rules: changes whenever a weight, threshold or list does
    (and the exchange rates, which move values across the size thresholds)."""
    payload = {
        "algorithm": ALGORITHM_VERSION,
        "settings": asdict(settings),
        "rates": {k: str(v) for k, v in sorted((money.rates_to_dkk if money else {}).items())},
        "social_service_cpv": sorted(social_service_cpv()),
    }
    blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class _Facts:
    """What one assessment looks at (the whole notice, or one lot)."""

    value_dkk: Decimal | None
    value: Decimal | None  # in its own currency, for the evidence
    currency: str
    share_of: int  # > 1: the value is this lot's share of the notice's value
    cpv: str | None  # main CPV (the first more specific one when the main is a bare division)
    reserved: tuple[str, ...]
    social: tuple[str, ...]
    sme: bool | None
    vcse: bool | None
    framework: bool
    deadline: datetime | None
    n_lots: int
    text: dict[str, str]  # group -> first matched text


@dataclass(frozen=True, slots=True)
class _LotContext:
    """Facts about all lots of a notice, computed once per notice."""

    any_reserved: bool
    any_social: bool
    any_framework: bool


class Classifier:
    """Compiled rules; ``classify(notice, now)`` is cheap and pure."""

    def __init__(self, settings: ClassifierSettings, money: MoneySettings) -> None:
        self.settings = settings
        self.money = money
        self.rules_version = rules_version(settings, money)
        ph = settings.phrases
        da: dict[str, tuple[str, ...]] = {RESERVED: ph.reserved_da, SOCIAL: ph.social_da}
        en: dict[str, tuple[str, ...]] = {RESERVED: ph.reserved_en, SOCIAL: ph.social_en}
        for sector in settings.sectors:
            da[SECTOR + sector.name] = sector.keywords_da
            en[SECTOR + sector.name] = sector.keywords_en
        self._matchers = tuple(
            Matcher(groups, lang=lang, min_compound=ph.min_compound, min_exact_stem=ph.min_exact_stem)
            for lang, groups in (("da", da), ("en", en))
        )
        self._sector_prefixes: dict[str, str] = {}
        for sector in settings.sectors:
            for prefix in sector.cpv_prefixes:
                self._sector_prefixes.setdefault(prefix, sector.name)
        self._social_cpv = social_service_cpv()
        self._sector_keys = tuple(SECTOR + sector.name for sector in settings.sectors)  # config order
        self._reserved_codes = frozenset(settings.codes.reserved)
        self._public_service_codes = frozenset(settings.codes.reserved_public_service)
        self._social_codes = frozenset(settings.codes.social)

    # -- public --------------------------------------------------------------

    def classify(self, notice: Notice, now: datetime) -> Assessment:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        levels = self.settings.levels
        own_text = self._text_hits(_notice_text(notice))
        seen: dict[str, dict[str, str]] = {}  # lots often repeat one text
        lot_texts: list[dict[str, str]] = []
        for lot in notice.lots:
            lot_text = _lot_text(lot)
            if lot_text not in seen:
                seen[lot_text] = self._text_hits(lot_text)
            lot_texts.append(seen[lot_text])
        whole_text = dict(own_text)
        for hits in lot_texts:
            for group, hit in hits.items():
                whole_text.setdefault(group, hit)

        whole_score, whole_reasons, whole_reserved = self._assess(self._whole_facts(notice, whole_text), notice, now)
        lots: list[LotAssessment] = []
        any_reserved = whole_reserved
        shared = _LotContext(
            any_reserved=any(x.reserved for x in notice.lots),
            any_social=any(x.social for x in notice.lots),
            any_framework=any(x.framework for x in notice.lots),
        )
        for lot, hits in zip(notice.lots, lot_texts, strict=True):
            text = dict(own_text)
            for group, hit in hits.items():
                text.setdefault(group, hit)
            score, reasons, reserved = self._assess(self._lot_facts(notice, lot, text, shared), notice, now)
            any_reserved = any_reserved or reserved
            score, reasons = self._floor(score, reasons, reserved)
            lots.append(LotAssessment(lot.lot_id, score, self.level(score), sort_reasons(reasons)))

        score, reasons = whole_score, whole_reasons
        best = max(lots, key=lambda la: la.score, default=None)  # first of equals
        if best is not None and best.score - levels.best_lot_discount > score:
            lifted = best.score - levels.best_lot_discount
            reasons = [*reasons, Reason("best_lot", lifted - score, best.lot_id)]
            score = lifted
        score, reasons = self._floor(score, reasons, any_reserved)
        return Assessment(
            score=score,
            level=self.level(score),
            reasons=sort_reasons(reasons),
            lots=tuple(lots),
            rules_version=self.rules_version,
        )

    def level(self, score: int) -> Level:
        levels = self.settings.levels
        if score >= levels.suitable:
            return "suitable"
        if score >= levels.possible:
            return "possible"
        return "unlikely"

    # -- facts ---------------------------------------------------------------

    def _text_hits(self, text: str) -> dict[str, str]:
        tokens = tokenize(text)
        distinct = set(tokens)
        hits: dict[str, str] = {}
        da, en = self._matchers
        # Cost guard for long texts: skip a language none of whose common words occur.
        long = len(distinct) > _LONG_TEXT_TOKENS
        for matcher, hints in ((da, _DA_HINTS), (en, _EN_HINTS)):
            if long and hints.isdisjoint(distinct):
                continue
            for group, _phrase, matched in matcher.find_tokens(tokens, distinct):
                hits.setdefault(group, matched)
        return hits

    def _whole_facts(self, notice: Notice, text: dict[str, str]) -> _Facts:
        lots = notice.lots
        value, currency = notice.value, notice.currency
        if value is None and lots and all(lot.value is not None for lot in lots):
            currencies = {(lot.currency or notice.currency or "DKK").upper() for lot in lots}
            if len(currencies) == 1:  # a sum of every lot's estimate is a fact, not a guess
                value = sum((lot.value for lot in lots if lot.value is not None), Decimal(0))
                currency = currencies.pop()
        dkk = self.money.to_dkk(value, currency)
        cpv = _subject_cpv(notice.cpv) or next((_subject_cpv(lot.cpv) for lot in lots if lot.cpv), None)
        sme = notice.sme_suitable
        if sme is None and lots and len({lot.sme_suitable for lot in lots}) == 1:
            sme = lots[0].sme_suitable
        return _Facts(
            value_dkk=dkk,
            value=value,
            currency=(currency or "DKK").upper(),
            share_of=1,
            cpv=cpv,
            reserved=_union(notice.reserved, *(lot.reserved for lot in lots)),
            social=_union(notice.social, *(lot.social for lot in lots)),
            sme=sme,
            vcse=notice.vcse_suitable,
            framework=notice.framework or any(lot.framework for lot in lots),
            deadline=notice.deadline,
            n_lots=len(lots),
            text=text,
        )

    def _lot_facts(self, notice: Notice, lot: Lot, text: dict[str, str], shared: _LotContext) -> _Facts:
        lots = notice.lots
        value, currency, share_of = lot.value, lot.currency or notice.currency, 1
        dkk = self.money.to_dkk(value, currency)
        if dkk is None and notice.value is not None:  # a lot's share of the procedure's value
            value, currency, share_of = notice.value / len(lots), notice.currency, len(lots)
            dkk = self.money.to_dkk(value, currency)
        # Procedure-level codes apply to every lot only when no lot carries its own.
        reserved = lot.reserved or (() if shared.any_reserved else notice.reserved)
        social = lot.social or (() if shared.any_social else notice.social)
        framework = lot.framework or (notice.framework and not shared.any_framework)
        return _Facts(
            value_dkk=dkk,
            value=value,
            currency=(currency or "DKK").upper(),
            share_of=share_of,
            cpv=_subject_cpv(lot.cpv) or _subject_cpv(notice.cpv),
            reserved=reserved,
            social=social,
            sme=lot.sme_suitable if lot.sme_suitable is not None else notice.sme_suitable,
            vcse=notice.vcse_suitable,
            framework=framework,
            deadline=lot.deadline or notice.deadline,
            n_lots=0,
            text=text,
        )

    # -- signals -------------------------------------------------------------

    def _assess(self, f: _Facts, notice: Notice, now: datetime) -> tuple[int, list[Reason], bool]:
        s = self.settings
        w, size = s.weights, s.size
        out: list[Reason] = []

        reserved_codes = [c for c in f.reserved if c in self._reserved_codes]
        public_codes = [c for c in f.reserved if c in self._public_service_codes]
        if reserved_codes:
            out.append(Reason("reserved", w.reserved, ",".join(reserved_codes)))
        elif public_codes:
            out.append(Reason("reserved", w.reserved_public_service, ",".join(public_codes)))
        elif RESERVED in f.text:
            out.append(Reason("reserved_text", w.reserved_text, f.text[RESERVED]))
        is_reserved = bool(out)

        social_codes = [c for c in f.social if c in self._social_codes]
        if social_codes:
            out.append(Reason("social_clause", w.social_clause, ",".join(social_codes)))
        elif SOCIAL in f.text:
            out.append(Reason("social_clause", w.social_clause, f.text[SOCIAL]))

        if f.sme is True:
            out.append(Reason("sme_suitable", w.sme_suitable, "yes"))
        elif f.sme is False:
            out.append(Reason("not_sme_suitable", w.not_sme_suitable, "no"))
        if f.vcse is True:
            out.append(Reason("vcse_suitable", w.vcse_suitable, "yes"))

        light = self._light_regime(notice, f.cpv)
        if light:
            out.append(Reason("light_regime", w.light_regime, light))

        dkk = f.value_dkk
        if dkk is not None:
            if dkk >= size.very_large_min_dkk:
                out.append(Reason("very_large_value", w.very_large_value, _value_evidence(f)))
            elif dkk >= size.large_min_dkk:
                out.append(Reason("large_value", w.large_value, _value_evidence(f)))
            elif dkk <= size.small_max_dkk:
                out.append(Reason("small_value", w.small_value, _value_evidence(f)))
        if f.n_lots >= size.many_lots_min:
            out.append(Reason("many_lots", w.many_lots, str(f.n_lots)))

        sector = self._sector(f)
        if sector is not None:
            out.append(sector)
        elif f.cpv and f.cpv.startswith(s.codes.specialist_cpv_prefixes):
            out.append(Reason("specialist", w.specialist, f"CPV {f.cpv}"))

        works_cpv = f.cpv is not None and f.cpv.startswith(s.codes.works_cpv_prefixes)
        if (notice.contract_nature or "").lower() == "works" or works_cpv:
            evidence = f"CPV {f.cpv}" if works_cpv else "works"
            if dkk is not None and dkk >= size.works_large_min_dkk:
                out.append(Reason("large_works", w.large_works, f"{evidence}, {_value_evidence(f)}"))
            else:
                out.append(Reason("works", w.works, evidence))
        if f.framework and dkk is not None and dkk >= size.framework_large_min_dkk:
            out.append(Reason("large_framework", w.large_framework, _value_evidence(f)))

        if f.deadline is not None:
            days = (f.deadline - now).total_seconds() / 86400
            if 0 <= days < s.short_deadline_days:
                out.append(Reason("short_deadline", w.short_deadline, f.deadline.date().isoformat()))

        score = max(0, min(100, s.levels.base + sum(r.weight for r in out)))
        return score, out, is_reserved

    def _light_regime(self, notice: Notice, cpv: str | None) -> str:
        codes = self.settings.codes
        if notice.form_type and notice.form_type in codes.light_regime_form_types:
            return notice.form_type
        if notice.notice_subtype and notice.notice_subtype in codes.light_regime_subtypes:
            return f"subtype {notice.notice_subtype}"
        if cpv and cpv in self._social_cpv:
            return f"CPV {cpv}"
        return ""

    def _sector(self, f: _Facts) -> Reason | None:
        if f.cpv:
            for k in range(len(f.cpv), 0, -1):  # longest prefix wins
                name = self._sector_prefixes.get(f.cpv[:k])
                if name is not None:
                    return Reason(SECTOR + name, self.settings.weights.sector, f"CPV {f.cpv}")
        if len(f.text) > (RESERVED in f.text) + (SOCIAL in f.text):  # some sector keyword matched
            for key in self._sector_keys:
                hit = f.text.get(key)
                if hit is not None:
                    return Reason(key, self.settings.weights.sector_text, hit)
        return None

    def _floor(self, score: int, reasons: list[Reason], reserved: bool) -> tuple[int, list[Reason]]:
        floor = self.settings.levels.possible
        if reserved and score < floor:
            return floor, [*reasons, Reason("reserved_floor", floor - score, "reserved")]
        return score, reasons


def _subject_cpv(codes: tuple[str, ...]) -> str | None:
    """The main CPV code, unless it is a bare division ("85000000") and a more specific code follows."""
    if not codes:
        return None
    return next((c for c in codes if not c.endswith("000000")), codes[0])


def _union(*parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for part in parts for c in part if c.lower() not in _NONE_CODES))


def _value_evidence(f: _Facts) -> str:
    dkk = f.value_dkk
    if f.value is None or dkk is None:
        return ""
    text = f"{_amount(dkk)} DKK" if f.currency == "DKK" else f"{_amount(f.value)} {f.currency} ≈ {_amount(dkk)} DKK"
    return f"{text} (1/{f.share_of} of the total)" if f.share_of > 1 else text


def _amount(value: Decimal) -> str:
    return f"{int(value.to_integral_value()):,}".replace(",", " ")


def _notice_text(notice: Notice) -> str:
    parts = [notice.title, notice.description, *(v for v in notice.texts.values() if isinstance(v, str))]
    return "\n".join(p for p in parts if p)


def _lot_text(lot: Lot) -> str:
    return "\n".join(p for p in (lot.title, lot.description) if p)


def classify(notice: Notice, settings: ClassifierSettings, *, money: MoneySettings, now: datetime) -> Assessment:
    """One-shot convenience; for many notices build one ``Classifier`` and reuse it."""
    return Classifier(settings, money).classify(notice, now)
