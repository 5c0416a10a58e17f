"""The suitability classifier: ``Notice`` → ``Assessment``, pure and deterministic.

It implements ``../shared/SUITABILITY.md`` (docs/classifier.md explains it rule by
rule). Each assessment, of the whole notice and of each lot, is decided in this
order, the first rule that applies giving the level and the first reason:

1. reserved (a code or a reservation said in text)          → suitable
2. a sale or auction, not a purchase                           → unlikely
3. works over ``works_max_dkk``, the notice as a whole          → unlikely
4. sector work ≤ ``suitable_max_dkk`` (the whole or a lot), or ≤ ``vcse_max_dkk`` when the
   buyer flags it for VCSEs, or let in many small parts, or a café/kiosk concession
   without a value                                              → suitable
5. over ``large_min_dkk`` with no lot ≤ ``large_lot_max_dkk`` (not a scheme's ceiling)
                                                                → unlikely
6. a specialised subject over ``specialised_max_dkk`` (or clearly larger: an EU notice or
   a scheme without a value), with no social objective        → unlikely
7. everything else                                              → possible

A notice is never below its best lot; rules 2, 3 and 5 judge the notice as a whole and
so hold for its lots too. Evidence comes from the CPV codes first (the longest prefix of
any subject wins), then from words in the title and the start of the description, in any
language (``textmatch``). Build one ``Classifier`` per settings and reuse it.

The parts: ``reading`` (the texts), ``facts`` (a ``Unit`` of facts per assessment, ``units``),
``rules`` (the decision) and ``texts`` (the reasons as sentences).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

from jobs.classify.facts import FactBuilder
from jobs.classify.model import Assessment, Level, LotAssessment, Reason
from jobs.classify.reading import TextReader
from jobs.classify.rules import Rules
from jobs.classify.rules import score as score_of
from jobs.classify.settings import ClassifierSettings
from jobs.classify.units import Shared, Unit, Words, codes
from jobs.notice import Notice

if TYPE_CHECKING:  # jobs.config imports the classifier settings; avoid the cycle at run time
    from jobs.config import MoneySettings

# Bump when the rules' code changes meaning, so stored assessments get recomputed.
ALGORITHM_VERSION = "2"
_RANK: dict[Level, int] = {"unlikely": 0, "possible": 1, "suitable": 2}


def rules_version(settings: ClassifierSettings, money: MoneySettings | None = None) -> str:
    """A stable short hash of the rules: every limit, code, subject, word and phrase, the
    algorithm version and the exchange rates (which move values across the limits)."""
    payload = {
        "algorithm": ALGORITHM_VERSION,
        "settings": asdict(settings),
        "rates": {k: str(v) for k, v in sorted((money.rates_to_dkk if money else {}).items())},
    }
    blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


class Classifier:
    """Compiled rules; ``classify(notice, now)`` is cheap and pure."""

    def __init__(self, settings: ClassifierSettings, money: MoneySettings) -> None:
        self.settings = settings
        self.money = money
        self.rules_version = rules_version(settings, money)
        self._reader = TextReader(settings)
        self._facts = FactBuilder(settings, money, self._reader)
        self._rules = Rules(settings.limits)

    def classify(self, notice: Notice, now: datetime) -> Assessment:
        """The assessment of ``notice`` and its lots (``now`` must be timezone-aware; the
        rules do not depend on it today, but a decision takes its clock explicitly)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        # A title that is only a CPV code's label (udbud.dk) says no more than the code.
        title = "" if notice.texts.get("title_is_cpv") else notice.title
        notice_words = self._reader.words(title, notice.texts.get("title_en", ""), notice.description)
        by_text = self._lot_texts(notice, title, notice_words)
        lot_words = [by_text[f"{lot.title}\n{lot.description}"] for lot in notice.lots]
        whole = self._facts.whole(notice, notice_words, lot_words)
        level, reasons = self._rules.decide(whole)
        lots = self._lots(notice, whole, notice_words, lot_words, by_text)
        best = max(lots, key=lambda la: _RANK[la.level], default=None)  # first of equals
        score = score_of(level, whole)
        if best is not None and _RANK[best.level] > _RANK[level]:
            top = best.reasons[0]
            lifted = Reason(
                "best_lot",
                f"Delaftale {best.lot_id}: {top.da}",
                f"Lot {best.lot_id}: {top.en}",
                f"{best.lot_id}: {top.signal}",
            )
            level, score, reasons = best.level, best.score, (lifted, *reasons)
        return Assessment(
            score=score,
            level=level,
            reasons=reasons,
            lots=tuple(lots),
            rules_version=self.rules_version,
        )

    def _lot_texts(self, notice: Notice, title: str, notice_words: Words) -> dict[str, Words]:
        """What each distinct lot text (title and description) says, read once."""
        by_text: dict[str, Words] = {}
        for lot in notice.lots:
            key = f"{lot.title}\n{lot.description}"
            if key not in by_text:
                if lot.title == title and lot.description == notice.description and "title_en" not in notice.texts:
                    by_text[key] = notice_words  # a single lot that repeats the procedure
                else:
                    by_text[key] = self._reader.words(lot.title, "", lot.description, lot=True)
        return by_text

    def _lots(
        self, notice: Notice, whole: Unit, notice_words: Words, lot_words: list[Words], by_text: dict[str, Words]
    ) -> list[LotAssessment]:
        """The assessment of each lot (``lot_words``: what each lot's text says)."""
        shared = Shared(
            reserved_text=any(w.reserved for w in by_text.values()),
            reserved=any(codes(x.reserved) for x in notice.lots),
            social=any(codes(x.social) for x in notice.lots),
        )
        lots: list[LotAssessment] = []
        alike: dict[tuple[object, ...], Unit] = {}  # lots alike in every fact the rules read share one unit
        for lot, words in zip(notice.lots, lot_words, strict=True):
            if len(notice.lots) == 1 and self._facts.same_as_whole(notice, lot, words is notice_words):
                unit = whole._replace(is_lot=True)  # the only lot is the procedure, in every fact
            else:
                key = (*self._facts.lot_inputs(lot), id(words))
                found = alike.get(key)
                if found is None:
                    found = alike[key] = self._facts.lot(notice, lot, whole, notice_words, words, shared)
                unit = found
            level, reasons = self._rules.decide(unit)
            lots.append(LotAssessment(lot.lot_id, score_of(level, unit), level, reasons))
        return lots


def classify(notice: Notice, settings: ClassifierSettings, *, money: MoneySettings, now: datetime) -> Assessment:
    """One-shot convenience; for many notices build one ``Classifier`` and reuse it."""
    return Classifier(settings, money).classify(notice, now)
