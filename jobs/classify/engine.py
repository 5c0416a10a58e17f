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
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from jobs.classify.model import Assessment, Level, LotAssessment, Reason
from jobs.classify.settings import (
    ClassifierSettings,
    LimitSettings,
    SectorSettings,
    SpecialisedSettings,
    SubjectSettings,
)
from jobs.classify.textmatch import BREAK, Matcher
from jobs.notice import Lot, Notice

if TYPE_CHECKING:  # jobs.config imports the classifier settings; avoid the cycle at run time
    from jobs.config import MoneySettings

# Bump when the rules' code changes meaning, so stored assessments get recomputed.
ALGORITHM_VERSION = "2"
_RANK: dict[Level, int] = {"unlikely": 0, "possible": 1, "suitable": 2}
_NONE_CODES = {"none", "no", "false", ""}
_NUMBER = re.compile(r"^\d{1,4}$")

Kind = Literal["sector", "specialised", "other"]


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


class _Subject:
    """What a notice is about; one object per (kind, name, evidence) (``Classifier._subject_of``),
    so identity is equality and units that hold one hash cheaply."""

    __slots__ = ("clear_without_value", "evidence", "kind", "name", "needs_value", "settings", "supplies")

    def __init__(self, kind: Kind, settings: SubjectSettings, evidence: str) -> None:
        self.kind = kind
        self.settings = settings
        self.name = settings.name
        self.evidence = evidence  # "CPV 90910000" or the matched words
        self.supplies = isinstance(settings, SectorSettings) and settings.supplies
        self.needs_value = isinstance(settings, SpecialisedSettings) and settings.needs_value
        self.clear_without_value = isinstance(settings, SpecialisedSettings) and settings.clear_without_value


@dataclass(slots=True)
class _Words:
    """What the words of one text say."""

    pieces: list[str] = field(default_factory=list)  # title, BREAK, description, split on white space
    head: int = 0  # pieces before the description (the title and BREAK)
    looked: bool = False  # subject words looked for in the title (only when no CPV code decides: see _subject)
    looked_body: bool = False  # ... and in the start of the description (only when no code is specific)
    looked_more: bool = False  # social, parts and routes looked for (only when the subject needs them)
    title_subject: tuple[str, str] | None = None  # (group, matched words), the first subject word
    body_subject: tuple[str, str] | None = None  # the same in the start of the description
    reserved: str = ""
    social: str = ""
    sale: str = ""
    concession: str = ""
    dps: str = ""
    framework: str = ""
    routes: str = ""
    parts: int = 0  # the largest number written just before a word for a part ("32 ruter")


@dataclass(frozen=True, slots=True)
class _Shared:
    """Facts about all lots of a notice, computed once per notice."""

    reserved_text: bool  # some lot's own text says it is reserved
    reserved: bool  # some lot carries its own reservation code
    social: bool  # some lot carries its own social code


class _Unit(NamedTuple):
    """The facts one assessment looks at: the whole notice or one lot (a hashable tuple: equal
    facts give the same decision, so the many alike lots of a notice are decided once)."""

    is_lot: bool
    subject: _Subject | None
    works: bool
    supplies: bool
    value: Decimal | None  # DKK; the unit's own value
    value_floor: Decimal | None  # DKK; a lower bound when no value is given (an EU notice)
    whole: Decimal | None  # DKK; the notice as a whole (works and large rules)
    whole_floor: Decimal | None
    whole_works: bool
    smallest_lot: Decimal | None  # DKK; an upper bound of the smallest lot's value (whole notice only)
    reserved: tuple[str, ...]  # codes
    reserved_text: str
    social: bool
    sale: bool
    vcse: bool
    scheme: str  # "dps", "qualification", "framework" or ""
    concession: bool
    parts: int
    routes: bool  # work let route by route (school transport)
    lots: int
    whole_large: bool = False  # the notice as a whole is over the large limit with no small lot


class Classifier:
    """Compiled rules; ``classify(notice, now)`` is cheap and pure."""

    def __init__(self, settings: ClassifierSettings, money: MoneySettings) -> None:
        self.settings = settings
        self.money = money
        self.rules_version = rules_version(settings, money)
        m = settings.match
        options = {"min_compound": m.min_compound, "min_prefix": m.min_prefix, "min_stem": m.min_stem}
        self._subjects: dict[str, _Subject] = {}
        groups: dict[str, dict[str, tuple[str, ...]]] = {}
        self._cpv: dict[str, tuple[Kind, SubjectSettings]] = {}
        kinds: tuple[tuple[Kind, tuple[SubjectSettings, ...]], ...] = (
            ("sector", settings.sectors),
            ("specialised", settings.specialised),
            ("other", settings.other_subjects),
        )
        self._by_name: dict[str, tuple[Kind, SubjectSettings]] = {}
        for kind, subjects in kinds:
            for s in subjects:
                groups[s.name] = s.words
                self._by_name[s.name] = (kind, s)
                for prefix in s.cpv_prefixes:
                    self._cpv.setdefault(prefix, (kind, s))
        self._cpv_lengths = tuple(sorted({len(p) for p in self._cpv}, reverse=True))
        # Subject words count in the title and the start of a description, and so do sale,
        # concession, DPS and framework phrases; a reservation anywhere. Social objectives,
        # parts and routes are looked for only when the subject makes them matter.
        self._subject_words = Matcher(groups, **options)  # type: ignore[arg-type]
        ph = settings.phrases
        first = {name: getattr(ph, name) for name in ("reserved", "sale", "concession", "dps", "framework")}
        self._first_words = Matcher(first, **options)  # type: ignore[arg-type]
        self._reserved_words = Matcher({"reserved": ph.reserved}, **options)  # type: ignore[arg-type]
        more = {name: getattr(ph, name) for name in ("social", "parts", "routes")}
        self._more_words = Matcher(more, **options)  # type: ignore[arg-type]
        self._goods = self._by_name.get("goods")
        self._texts = _Texts(settings.limits)
        self._decided: dict[_Unit, tuple[Level, tuple[Reason, ...]]] = {}
        self._subjects_made: dict[tuple[str, str, str], _Subject] = {}
        self._goods_plain = _Subject("other", self._goods[1], "") if self._goods else None
        self._cpv_hits: dict[str, tuple[Kind, SubjectSettings] | None] = {}
        self._by_codes: dict[tuple[str, ...], tuple[_Subject | None, bool]] = {}
        qualification = settings.codes
        self._qualification_subtypes = frozenset(qualification.qualification_subtypes)
        self._qualification_forms = frozenset(qualification.qualification_form_types)
        self._reserved_codes = frozenset(settings.codes.reserved)
        self._social_codes = frozenset(settings.codes.social)

    # -- public --------------------------------------------------------------

    def classify(self, notice: Notice, now: datetime) -> Assessment:
        """The assessment of ``notice`` and its lots (``now`` must be timezone-aware; the
        rules do not depend on it today, but a decision takes its clock explicitly)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        # A title that is only a CPV code's label (udbud.dk) says no more than the code.
        title = "" if notice.texts.get("title_is_cpv") else notice.title
        notice_words = self._words(title, notice.texts.get("title_en", ""), notice.description)
        lot_words: dict[str, _Words] = {}
        for lot in notice.lots:
            key = f"{lot.title}\n{lot.description}"
            if key not in lot_words:
                if lot.title == title and lot.description == notice.description and "title_en" not in notice.texts:
                    lot_words[key] = notice_words  # a single lot that repeats the procedure
                else:
                    lot_words[key] = self._words(lot.title, "", lot.description, lot=True)

        whole = self._whole(notice, notice_words, lot_words)
        level, reasons = self._decide(whole)
        lots: list[LotAssessment] = []
        shared = _Shared(
            reserved_text=any(w.reserved for w in lot_words.values()),
            reserved=any(_codes(x.reserved) for x in notice.lots),
            social=any(_codes(x.social) for x in notice.lots),
        )
        for lot in notice.lots:
            key = f"{lot.title}\n{lot.description}"
            if len(notice.lots) == 1 and self._same_as_whole(notice, lot, lot_words[key] is notice_words):
                unit = whole._replace(is_lot=True)  # the only lot is the procedure, in every fact
            else:
                unit = self._lot(notice, lot, whole, notice_words, lot_words[key], shared)
            lot_level, lot_reasons = self._decide(unit)
            lots.append(LotAssessment(lot.lot_id, _score(lot_level, unit), lot_level, lot_reasons))
        best = max(lots, key=lambda la: _RANK[la.level], default=None)  # first of equals
        score = _score(level, whole)
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

    # -- words ---------------------------------------------------------------

    def _words(self, title: str, title_en: str, description: str, *, lot: bool = False) -> _Words:
        """The phrases of a text that always matter: a reservation anywhere; for the notice also a
        sale, concession, DPS or framework in the title or the start of the description."""
        heading = (f"{title}\n{title_en}" if title_en else title).split()
        pieces = [*heading, BREAK, *description.split()]
        out = _Words(pieces=pieces, head=len(heading) + 1)
        cut = out.head + self.settings.match.description_words
        scan = (self._reserved_words if lot else self._first_words).scan_pieces(pieces)
        for m in scan.matches:
            if m.group != "reserved" and scan.piece_of[m.start] >= cut:
                continue  # "framework" deep in a description is rarely the procedure's
            if not getattr(out, m.group):
                setattr(out, m.group, m.text)
        return out

    def _more(self, w: _Words) -> _Words:
        """Social objectives, parts and routes in a text, looked for once and only when needed."""
        if not w.looked_more:
            w.looked_more = True
            matches, tokens, _ = self._more_words.scan_pieces(w.pieces)
            for m in matches:
                if m.group == "parts":
                    for back in (1, 2):  # "32 ruter", "32 school routes"
                        i = m.start - back
                        if i >= 0 and _NUMBER.match(tokens[i]):
                            w.parts = max(w.parts, int(tokens[i]))
                            break
                elif not getattr(w, m.group):
                    setattr(w, m.group, m.text)
        return w

    # -- facts ---------------------------------------------------------------

    def _dkk(self, value: Decimal | None, currency: str | None) -> Decimal | None:
        if value is None or value < self.settings.limits.placeholder_below:
            return None  # a placeholder (0, 0.01, 1) means "not given"
        return self.money.to_dkk(value, currency)

    def _subject(self, codes: tuple[str, ...], *words: _Words) -> _Subject | None:
        """CPV codes first (longest prefix of any subject); then words: of the title, and of
        the description too when no code is more specific than a group ("90900000")."""
        by_code, specific = self._code_subject(codes)
        if by_code is not None:
            return by_code
        for w in words:
            found = self._title_subject(w) or (None if specific else self._body_subject(w))
            if found is not None:
                kind, s = self._by_name[found[0]]
                return self._subject_of(kind, s, found[1])
        return None

    def _title_subject(self, w: _Words) -> tuple[str, str] | None:
        """The first subject word of the title (looked for once)."""
        if not w.looked:
            w.looked = True
            m = self._subject_words.first(w.pieces[: w.head])
            w.title_subject = (m.group, m.text) if m is not None else None
        return w.title_subject

    def _body_subject(self, w: _Words) -> tuple[str, str] | None:
        """The first subject word of the start of the description (looked for once)."""
        if not w.looked_body:
            w.looked_body = True
            m = self._subject_words.first(w.pieces[w.head : w.head + self.settings.match.description_words])
            w.body_subject = (m.group, m.text) if m is not None else None
        return w.body_subject

    def _code_subject(self, codes: tuple[str, ...]) -> tuple[_Subject | None, bool]:
        """(the subject the codes decide, whether a code is more specific than a group), cached."""
        found = self._by_codes.get(codes)
        if found is None:
            subject = None
            for code in codes:
                hit = self._cpv_hit(code)
                if hit is not None:
                    subject = self._subject_of(hit[0], hit[1], f"CPV {code}")
                    break
            found = subject, any(not c.endswith("00000") for c in codes)
            if len(self._by_codes) > 50_000:
                self._by_codes.clear()
            self._by_codes[codes] = found
        return found

    def _needs_social(self, subject: _Subject | None, value: Decimal | None, floor: Decimal | None) -> bool:
        """Could a social objective change the decision? Only for a specialised subject that is
        (or may be) over the limit; it keeps such a contract possible."""
        if subject is None or subject.kind != "specialised":
            return False
        if value is not None:
            return value > self.settings.limits.specialised_max_dkk
        return floor is not None or subject.clear_without_value

    def _needs_parts(self, subject: _Subject | None, value: Decimal | None) -> bool:
        """Could many small parts or routes change the decision? Only for sector work that is not
        already small enough to be suitable."""
        if subject is None or subject.kind != "sector":
            return False
        return value is None or value > self.settings.limits.suitable_max_dkk

    def _cpv_hit(self, code: str) -> tuple[Kind, SubjectSettings] | None:
        """The subject of a CPV code: the longest prefix of any subject (cached per code)."""
        if code in self._cpv_hits:
            return self._cpv_hits[code]
        hit = None
        for length in self._cpv_lengths:
            hit = self._cpv.get(code[:length])
            if hit is not None:
                break
        if len(self._cpv_hits) > 50_000:
            self._cpv_hits.clear()
        self._cpv_hits[code] = hit
        return hit

    def _subject_of(self, kind: Kind, settings: SubjectSettings, evidence: str) -> _Subject:
        key = (kind, settings.name, evidence)
        subject = self._subjects_made.get(key)
        if subject is None:
            if len(self._subjects_made) > 50_000:
                self._subjects_made.clear()
            subject = self._subjects_made[key] = _Subject(kind, settings, evidence)
        return subject

    def _goods_subject(self, subject: _Subject | None, codes: tuple[str, ...], supplies: bool) -> _Subject | None:
        """Goods are outside the sectors: a supply named by sector words, or a goods CPV code."""
        if self._goods is None or self._goods_plain is None or (subject is not None and subject.kind != "sector"):
            return subject
        goods = self._goods_plain
        if subject is None:
            main = codes[0] if codes else ""
            if supplies or (main[:2].isdigit() and int(main[:2]) < 45):
                return goods
            return None
        if supplies and not subject.supplies and not subject.evidence.startswith("CPV "):
            return self._subject_of("other", self._goods[1], subject.evidence)
        return subject

    def _scheme(self, notice: Notice, dps: bool, framework: bool) -> str:
        if dps:
            return "dps"
        if notice.notice_subtype in self._qualification_subtypes or notice.form_type in self._qualification_forms:
            return "qualification"
        return "framework" if framework else ""

    def _concession(self, notice: Notice, words: _Words) -> bool:
        return (
            notice.concession
            or (notice.notice_subtype or "") in self.settings.codes.concession_subtypes
            or bool(words.concession)
        )

    def _floor(self, notice: Notice, works: bool) -> Decimal | None:
        if notice.above_threshold is not True:
            return None
        limits = self.settings.limits
        return limits.eu_threshold_works_dkk if works else limits.eu_threshold_dkk

    def _is_works(self, nature: str | None, codes: tuple[str, ...]) -> bool:
        if nature:
            return nature.lower() == "works"
        return bool(codes) and codes[0].startswith(self.settings.codes.works_cpv_prefixes)

    def _whole(self, notice: Notice, words: _Words, lot_words: dict[str, _Words]) -> _Unit:
        lots = notice.lots
        cpv = _subject_codes(notice.cpv, *(lot.cpv for lot in lots))
        natures = {lot.contract_nature for lot in lots if lot.contract_nature}
        nature = notice.contract_nature or (natures.pop() if len(natures) == 1 else None)
        works = self._is_works(nature, cpv)
        supplies = (nature or "").lower() == "supplies"
        whole = self._dkk(notice.value, notice.currency)
        lot_values = [self._dkk(lot.value, lot.currency or notice.currency) for lot in lots]
        if whole is None and lots and all(v is not None for v in lot_values):
            currencies = {(lot.currency or notice.currency or "DKK").upper() for lot in lots}
            if len(currencies) == 1:  # the sum of every lot's value, in one currency
                whole = sum((v for v in lot_values if v is not None), Decimal(0))
        smallest = _smallest_lot(whole, lot_values)
        limits = self.settings.limits
        first_lot_words = [lot_words[f"{lot.title}\n{lot.description}"] for lot in lots]
        subject = self._subject(cpv, words, *first_lot_words)
        subject = self._goods_subject(subject, cpv, supplies)
        reserved = _codes(notice.reserved, *(lot.reserved for lot in lots))
        reserved_text = words.reserved or next((w.reserved for w in first_lot_words if w.reserved), "")
        social = bool(self._social_codes.intersection(_codes(notice.social, *(lot.social for lot in lots))))
        scheme = self._scheme(
            notice,
            dps=notice.dps or any(x.dps for x in lots) or bool(words.dps),
            framework=notice.framework or bool(words.framework),
        )
        # An EU notice is at least the threshold, but a scheme's call-offs are not.
        floor = None if scheme else self._floor(notice, works)
        if not social and self._needs_social(subject, whole, floor):  # keeps a specialised contract possible
            social = bool(self._more(words).social) or any(self._more(w).social for w in first_lot_words)
        sector = self._needs_parts(subject, whole)
        unit = _Unit(
            is_lot=False,
            subject=subject,
            works=works,
            supplies=supplies,
            value=whole,
            value_floor=floor,
            whole=whole,
            whole_floor=floor,
            whole_works=works,
            smallest_lot=smallest,
            reserved=tuple(c for c in reserved if c in self._reserved_codes),
            reserved_text=reserved_text,
            social=social,
            sale=bool(words.sale) or any(c.startswith(self.settings.codes.sale_cpv_prefixes) for c in cpv),
            vcse=notice.vcse_suitable is True,
            scheme=scheme,
            concession=self._concession(notice, words),
            parts=max(len(lots), self._more(words).parts) if sector else len(lots),
            routes=bool(scheme)
            and sector
            and subject is not None
            and subject.name == "transport"  # school routes in a scheme: see _rules
            and (bool(self._more(words).routes) or any(self._more(w).routes for w in first_lot_words)),
            lots=len(lots),
        )
        value = whole if whole is not None else floor
        large = (
            not scheme
            and value is not None
            and value > limits.large_min_dkk
            and (smallest is None or smallest > limits.large_lot_max_dkk)
        )
        return unit._replace(whole_large=large)

    @staticmethod
    def _same_as_whole(notice: Notice, lot: Lot, same_text: bool) -> bool:
        """Does the single lot of a notice add nothing to what the notice says?"""
        return (
            same_text
            and (not lot.cpv or lot.cpv == notice.cpv[: len(lot.cpv)])
            and (lot.contract_nature is None or lot.contract_nature == notice.contract_nature)
            and (lot.value is None or (lot.value == notice.value and lot.currency in (None, notice.currency)))
            and set(lot.reserved) <= set(notice.reserved)
            and set(lot.social) <= set(notice.social)
            and lot.dps == notice.dps
            and lot.framework == notice.framework
        )

    def _lot(
        self, notice: Notice, lot: Lot, whole: _Unit, notice_words: _Words, words: _Words, shared: _Shared
    ) -> _Unit:
        cpv = _subject_codes(lot.cpv) or _subject_codes(notice.cpv)
        nature = lot.contract_nature or notice.contract_nature
        works = self._is_works(nature, cpv)
        supplies = (nature or "").lower() == "supplies"
        value = self._dkk(lot.value, lot.currency or notice.currency)
        floor = None
        if value is None and len(notice.lots) == 1:  # the only lot is the whole procedure
            value, floor = whole.value, whole.value_floor
        elif value is None and whole.value is None and not works:
            floor = whole.value_floor  # a lot of an EU procedure is itself clearly not small
        subject = self._subject(cpv, words, notice_words)
        subject = self._goods_subject(subject, cpv, supplies)
        # Procedure-level codes apply to every lot only when no lot carries its own.
        reserved = _codes(lot.reserved) or (() if shared.reserved else _codes(notice.reserved))
        social_codes = _codes(lot.social) or (() if shared.social else _codes(notice.social))
        social = bool(self._social_codes.intersection(social_codes))
        if not social and self._needs_social(subject, value, floor):
            social = bool(self._more(words).social or self._more(notice_words).social)
        sector = self._needs_parts(subject, value)
        return _Unit(
            is_lot=True,
            subject=subject,
            works=works,
            supplies=supplies,
            value=value,
            value_floor=floor,
            whole=whole.whole,
            whole_floor=whole.whole_floor,
            whole_works=whole.whole_works,
            smallest_lot=None,
            reserved=tuple(c for c in reserved if c in self._reserved_codes),
            reserved_text=words.reserved or ("" if shared.reserved_text else notice_words.reserved),
            social=social,
            sale=whole.sale,
            vcse=whole.vcse,
            scheme=self._scheme(notice, lot.dps or whole.scheme == "dps", lot.framework or whole.scheme == "framework"),
            concession=whole.concession or bool(words.concession),
            parts=self._more(words).parts if sector else 0,
            routes=sector and whole.routes,
            lots=0,
            whole_large=whole.whole_large,
        )

    # -- the rules -----------------------------------------------------------

    def _decide(self, u: _Unit) -> tuple[Level, tuple[Reason, ...]]:
        decided = self._decided.get(u)
        if decided is None:
            level, reasons = self._rules(u)
            decided = level, tuple(reasons)
            if len(self._decided) > 50_000:
                self._decided.clear()
            self._decided[u] = decided
        return decided

    def _rules(self, u: _Unit) -> tuple[Level, list[Reason]]:
        limits = self.settings.limits
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


def _score(level: Level, u: _Unit) -> int:
    """A number that orders assessments within a level (the level decides)."""
    if level == "suitable":
        return 100 if u.reserved or u.reserved_text else 90
    if level == "possible":
        return 65 if u.subject is not None and u.subject.kind == "sector" else 50
    return 5 if u.sale else 15


def _subject_codes(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """CPV codes in order, a bare division ("85000000") after the more specific codes."""
    return _ordered_codes(groups[0] if len(groups) == 1 else tuple(c for g in groups for c in g))


@lru_cache(maxsize=20_000)
def _ordered_codes(codes: tuple[str, ...]) -> tuple[str, ...]:
    unique = tuple(dict.fromkeys(codes))
    specific = tuple(c for c in unique if not c.endswith("000000"))
    return specific + tuple(c for c in unique if c.endswith("000000"))


def _codes(*parts: tuple[str, ...]) -> tuple[str, ...]:
    """Codes without duplicates and without "none"."""
    return _clean_codes(parts[0] if len(parts) == 1 else tuple(c for part in parts for c in part))


@lru_cache(maxsize=20_000)
def _clean_codes(codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in codes if c.lower() not in _NONE_CODES))


def _smallest_lot(whole: Decimal | None, lot_values: list[Decimal | None]) -> Decimal | None:
    """An upper bound of the smallest lot's value: the smallest known lot value, or what the
    lots without a value share of the rest (one of them is at most the average)."""
    if not lot_values:
        return None
    known = [v for v in lot_values if v is not None]
    bounds = list(known)
    unknown = len(lot_values) - len(known)
    if unknown and whole is not None:
        rest = whole - sum(known, Decimal(0))
        if rest >= 0:
            bounds.append(rest / unknown)
    return min(bounds) if bounds else None


# -- sentences -----------------------------------------------------------------


def _kr(dkk: Decimal) -> str:
    """Danish: "850.000 kr.", "1,2 mio. kr."."""
    if dkk >= 1_000_000:
        m = f"{dkk / 1_000_000:.1f}".rstrip("0").rstrip(".")
        return f"{m.replace('.', ',')} mio. kr."
    return f"{int(dkk):,} kr.".replace(",", ".")


def _dkk_en(dkk: Decimal) -> str:
    """English: "DKK 850,000", "DKK 1.2m"."""
    if dkk >= 1_000_000:
        m = f"{dkk / 1_000_000:.1f}".rstrip("0").rstrip(".")
        return f"DKK {m}m"
    return f"DKK {int(dkk):,}"


_SCHEME = {
    "dps": ("Dynamisk indkøbsordning", "Dynamic purchasing system"),
    "qualification": ("Kvalifikationsordning", "Qualification system"),
    "framework": ("Rammeaftale", "Framework agreement"),
}


class _Texts:
    """The reasons as sentences in Danish and English (signal ids are for programs only)."""

    def __init__(self, limits: LimitSettings) -> None:
        self.lim = limits

    def reserved(self, codes: tuple[str, ...]) -> Reason:
        if "res-ws" in codes or not codes:
            return Reason(
                "reserved",
                "Reserveret til socialøkonomiske virksomheder og beskyttede værksteder",
                "Reserved for social enterprises and sheltered workshops",
                ",".join(codes),
            )
        return Reason(
            "reserved",
            "Reserveret til organisationer med en offentlig tjenesteydelsesopgave, fx socialøkonomiske virksomheder",
            "Reserved for organisations with a public service mission, such as social enterprises",
            ",".join(codes),
        )

    def reserved_text(self, words: str) -> Reason:
        return Reason(
            "reserved_text",
            f"Teksten siger, at kontrakten er reserveret (»{words}«)",
            f"The text says the contract is reserved (“{words}”)",
            words,
        )

    def sale(self) -> Reason:
        return Reason(
            "sale",
            "Salg eller auktion af offentlig ejendom – ikke et indkøb",
            "A sale or auction of public property, not a purchase",
        )

    def works_large(self, from_threshold: bool) -> Reason:
        limit_da, limit_en = _kr(self.lim.works_max_dkk), _dkk_en(self.lim.works_max_dkk)
        if from_threshold:
            return Reason(
                "works_large",
                f"Bygge- og anlægsarbejde i et EU-udbud, dvs. over {limit_da}",
                f"Construction works in an EU procedure, so over {limit_en}",
                "above the EU threshold",
            )
        return Reason("works_large", f"Bygge- og anlægsarbejde over {limit_da}", f"Construction works over {limit_en}")

    def large(self) -> Reason:
        return Reason(
            "large",
            f"Over {_kr(self.lim.large_min_dkk)}, og ingen delaftale under {_kr(self.lim.large_lot_max_dkk)}",
            f"Over {_dkk_en(self.lim.large_min_dkk)} and no lot under {_dkk_en(self.lim.large_lot_max_dkk)}",
        )

    def sector_small(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        lim = self.lim.suitable_max_dkk
        return Reason(
            "sector_small",
            f"{s.label('da')}, under {_kr(lim)}",
            f"{s.label('en')}, under {_dkk_en(lim)}",
            f"{evidence}; {_kr(value)}",
        )

    def sector_small_lot(self, s: SubjectSettings, evidence: str) -> Reason:
        lim = self.lim.suitable_max_dkk
        return Reason(
            "sector_small_lot",
            f"{s.label('da')}, mindst én delaftale under {_kr(lim)}",
            f"{s.label('en')}, at least one lot under {_dkk_en(lim)}",
            evidence,
        )

    def vcse_sector(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        lim = self.lim.vcse_max_dkk
        return Reason(
            "vcse_sector",
            f"{s.label('da')}, under {_kr(lim)}, og ordregiveren angiver, at opgaven egner sig for "
            "socialøkonomiske og frivillige organisationer",
            f"{s.label('en')}, under {_dkk_en(lim)}, and the buyer says it suits voluntary, community "
            "and social enterprises",
            f"{evidence}; {_kr(value)}",
        )

    def many_parts(self, s: SubjectSettings, evidence: str, parts: int) -> Reason:
        return Reason(
            "many_parts",
            f"{s.label('da')}, delt i {parts} små opgaver",
            f"{s.label('en')}, let in {parts} small parts",
            evidence,
        )

    def routes(self, s: SubjectSettings, evidence: str, scheme: str) -> Reason:
        da, en = _SCHEME[scheme]
        return Reason(
            "many_parts",
            f"{s.label('da')}: {da.lower()} med mange små ruter, hver sin opgave",
            f"{s.label('en')}: {en.lower()} of many small routes, each its own contract",
            evidence,
        )

    def kiosk_concession(self, evidence: str) -> Reason:
        return Reason(
            "kiosk_concession",
            "Forpagtning af café, kiosk eller kantine",
            "Café, kiosk or canteen concession",
            evidence,
        )

    def specialised_large(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        lim = self.lim.specialised_max_dkk
        return Reason(
            "specialised_large",
            f"{s.label('da')}, over {_kr(lim)}",
            f"{s.label('en')}, over {_dkk_en(lim)}",
            f"{evidence}; {_kr(value)}",
        )

    def specialised_clearly_large(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "specialised_large",
            f"{s.label('da')}, et EU-udbud (over tærskelværdien)",
            f"{s.label('en')}, an EU procedure (above the threshold)",
            evidence,
        )

    def specialised_by_nature(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "specialised_large",
            f"{s.label('da')}: en stor, specialiseret opgave, også uden oplyst værdi",
            f"{s.label('en')}: a large, specialised contract even without a stated value",
            evidence,
        )

    def specialised_small(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        lim = self.lim.specialised_max_dkk
        return Reason(
            "specialised_small",
            f"{s.label('da')}, men højst {_kr(lim)}",
            f"{s.label('en')}, but at most {_dkk_en(lim)}",
            f"{evidence}; {_kr(value)}",
        )

    def specialised_social(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "specialised_social",
            f"{s.label('da')}, men med sociale hensyn",
            f"{s.label('en')}, but with a social objective",
            evidence,
        )

    def specialised_unknown(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "specialised_unknown",
            f"{s.label('da')}, værdi ikke oplyst",
            f"{s.label('en')}, value not given",
            evidence,
        )

    def sector_unknown(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "sector_unknown", f"{s.label('da')}, værdi ikke oplyst", f"{s.label('en')}, value not given", evidence
        )

    def sector_medium(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        return Reason(
            "sector_medium",
            f"{s.label('da')}, {_kr(value)}",
            f"{s.label('en')}, {_dkk_en(value)}",
            evidence,
        )

    def other(self, s: SubjectSettings, evidence: str) -> Reason:
        if s.name == "care":
            return Reason("care", f"{s.label('da')}, ikke reserveret", f"{s.label('en')}, not reserved", evidence)
        return Reason(
            f"other_{s.name}",
            f"{s.label('da')}, uden for de socialøkonomiske brancher",
            f"{s.label('en')}, outside the social-enterprise sectors",
            evidence,
        )

    def works_small(self, value: Decimal | None) -> Reason:
        if value is None:
            return Reason("works", "Bygge- og anlægsarbejde, værdi ikke oplyst", "Construction works, value not given")
        lim = self.lim.works_max_dkk
        return Reason(
            "works",
            f"Bygge- og anlægsarbejde, højst {_kr(lim)}",
            f"Construction works, at most {_dkk_en(lim)}",
            _kr(value),
        )

    def scheme(self, scheme: str) -> Reason:
        da, en = _SCHEME[scheme]
        return Reason(
            "scheme",
            f"{da}: det samlede beløb er et loft for hele ordningen, den enkelte opgave er mindre",
            f"{en}: the total is a ceiling for the whole scheme, each call-off is smaller",
            scheme,
        )

    def vcse_outside(self) -> Reason:
        return Reason(
            "vcse",
            "Ordregiveren angiver, at opgaven egner sig for socialøkonomiske og frivillige organisationer",
            "The buyer says it suits voluntary, community and social enterprises",
        )

    def no_sign(self) -> Reason:
        return Reason(
            "no_sign",
            "Ingen tegn på, at opgaven er for stor eller for specialiseret",
            "No sign that it is too large or too specialised",
        )


def classify(notice: Notice, settings: ClassifierSettings, *, money: MoneySettings, now: datetime) -> Assessment:
    """One-shot convenience; for many notices build one ``Classifier`` and reuse it."""
    return Classifier(settings, money).classify(notice, now)
