"""The facts of an assessment: the whole notice's and each lot's subject, values, codes and phrases (``Unit``)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from jobs.classify.reading import TextReader
from jobs.classify.settings import ClassifierSettings, SubjectSettings
from jobs.classify.units import Kind, Shared, Subject, Unit, Words, codes, smallest_lot, subject_codes
from jobs.notice import Lot, Notice

if TYPE_CHECKING:  # jobs.config imports the classifier settings; avoid the cycle at run time
    from jobs.config import MoneySettings


class FactBuilder:
    """What the rules look at, from a notice: subjects by CPV code or words, values in DKK, codes and phrases."""

    def __init__(self, settings: ClassifierSettings, money: MoneySettings, reader: TextReader) -> None:
        self.settings = settings
        self.money = money
        self.reader = reader
        self._cpv: dict[str, tuple[Kind, SubjectSettings]] = {}
        kinds: tuple[tuple[Kind, tuple[SubjectSettings, ...]], ...] = (
            ("sector", settings.sectors),
            ("specialised", settings.specialised),
            ("other", settings.other_subjects),
        )
        self._by_name: dict[str, tuple[Kind, SubjectSettings]] = {}
        for kind, subjects in kinds:
            for s in subjects:
                self._by_name[s.name] = (kind, s)
                for prefix in s.cpv_prefixes:
                    self._cpv.setdefault(prefix, (kind, s))
        self._cpv_lengths = tuple(sorted({len(p) for p in self._cpv}, reverse=True))
        self._goods = self._by_name.get("goods")
        self._subjects_made: dict[tuple[str, str, str], Subject] = {}
        self._goods_plain = Subject("other", self._goods[1], "") if self._goods else None
        self._cpv_hits: dict[str, tuple[Kind, SubjectSettings] | None] = {}
        self._by_codes: dict[tuple[str, ...], tuple[Subject | None, bool]] = {}
        qualification = settings.codes
        self._qualification_subtypes = frozenset(qualification.qualification_subtypes)
        self._qualification_forms = frozenset(qualification.qualification_form_types)
        self._reserved_codes = frozenset(settings.codes.reserved)
        self._social_codes = frozenset(settings.codes.social)

    def _dkk(self, value: Decimal | None, currency: str | None) -> Decimal | None:
        if value is None or value < self.settings.limits.placeholder_below:
            return None  # a placeholder (0, 0.01, 1) means "not given"
        return self.money.to_dkk(value, currency)

    def subject(self, codes: tuple[str, ...], *words: Words) -> Subject | None:
        """CPV codes first (longest prefix of any subject); then words: of the title, and of
        the description too when no code is more specific than a group ("90900000")."""
        by_code, specific = self._code_subject(codes)
        if by_code is not None:
            return by_code
        for w in words:
            found = self.reader.title_subject(w) or (None if specific else self.reader.body_subject(w))
            if found is not None:
                kind, s = self._by_name[found[0]]
                return self.subject_of(kind, s, found[1])
        return None

    def _code_subject(self, codes: tuple[str, ...]) -> tuple[Subject | None, bool]:
        """(the subject the codes decide, whether a code is more specific than a group), cached."""
        found = self._by_codes.get(codes)
        if found is None:
            subject = None
            for code in codes:
                hit = self._cpv_hit(code)
                if hit is not None:
                    subject = self.subject_of(hit[0], hit[1], f"CPV {code}")
                    break
            found = subject, any(not c.endswith("00000") for c in codes)
            if len(self._by_codes) > 50_000:
                self._by_codes.clear()
            self._by_codes[codes] = found
        return found

    def _needs_social(self, subject: Subject | None, value: Decimal | None, floor: Decimal | None) -> bool:
        """Could a social objective change the decision? Only for a specialised subject that is
        (or may be) over the limit; it keeps such a contract possible."""
        if subject is None or subject.kind != "specialised":
            return False
        if value is not None:
            return value > self.settings.limits.specialised_max_dkk
        return floor is not None or subject.clear_without_value

    def _needs_parts(self, subject: Subject | None, value: Decimal | None) -> bool:
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

    def subject_of(self, kind: Kind, settings: SubjectSettings, evidence: str) -> Subject:
        key = (kind, settings.name, evidence)
        subject = self._subjects_made.get(key)
        if subject is None:
            if len(self._subjects_made) > 50_000:
                self._subjects_made.clear()
            subject = self._subjects_made[key] = Subject(kind, settings, evidence)
        return subject

    def _goods_subject(self, subject: Subject | None, codes: tuple[str, ...], supplies: bool) -> Subject | None:
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
            return self.subject_of("other", self._goods[1], subject.evidence)
        return subject

    def _scheme(self, notice: Notice, dps: bool, framework: bool) -> str:
        if dps:
            return "dps"
        if notice.notice_subtype in self._qualification_subtypes or notice.form_type in self._qualification_forms:
            return "qualification"
        return "framework" if framework else ""

    def _concession(self, notice: Notice, words: Words) -> bool:
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

    def whole(self, notice: Notice, words: Words, lot_words: list[Words]) -> Unit:
        """The facts of the notice as a whole (``lot_words``: what each lot's text says)."""
        lots = notice.lots
        cpv = subject_codes(notice.cpv, *(lot.cpv for lot in lots))
        natures = {lot.contract_nature for lot in lots if lot.contract_nature}
        nature = notice.contract_nature or (natures.pop() if len(natures) == 1 else None)
        works = self._is_works(nature, cpv)
        supplies = (nature or "").lower() == "supplies"
        whole, smallest = self._whole_values(notice)
        first_lot_words = lot_words
        subject = self.subject(cpv, words, *first_lot_words)
        subject = self._goods_subject(subject, cpv, supplies)
        reserved = codes(notice.reserved, *(lot.reserved for lot in lots))
        reserved_text = words.reserved or next((w.reserved for w in first_lot_words if w.reserved), "")
        social = bool(self._social_codes.intersection(codes(notice.social, *(lot.social for lot in lots))))
        scheme = self._scheme(
            notice,
            dps=notice.dps or any(x.dps for x in lots) or bool(words.dps),
            framework=notice.framework or bool(words.framework),
        )
        # An EU notice is at least the threshold, but a scheme's call-offs are not.
        floor = None if scheme else self._floor(notice, works)
        if not social and self._needs_social(subject, whole, floor):  # keeps a specialised contract possible
            social = bool(self.reader.more(words).social) or any(self.reader.more(w).social for w in first_lot_words)
        sector = self._needs_parts(subject, whole)
        unit = Unit(
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
            parts=max(len(lots), self.reader.more(words).parts) if sector else len(lots),
            routes=bool(scheme)
            and sector
            and subject is not None
            and subject.name == "transport"  # school routes in a scheme: see Rules.apply
            and (bool(self.reader.more(words).routes) or any(self.reader.more(w).routes for w in first_lot_words)),
            lots=len(lots),
        )
        return unit._replace(whole_large=self._whole_large(scheme, whole, floor, smallest))

    def _whole_values(self, notice: Notice) -> tuple[Decimal | None, Decimal | None]:
        """The notice's value in DKK (else the sum of its lots' values, when in one currency) and an
        upper bound of its smallest lot's value."""
        lots = notice.lots
        whole = self._dkk(notice.value, notice.currency)
        lot_values = [self._dkk(lot.value, lot.currency or notice.currency) for lot in lots]
        if whole is None and lots and all(v is not None for v in lot_values):
            currencies = {(lot.currency or notice.currency or "DKK").upper() for lot in lots}
            if len(currencies) == 1:  # the sum of every lot's value, in one currency
                whole = sum((v for v in lot_values if v is not None), Decimal(0))
        return whole, smallest_lot(whole, lot_values)

    def _whole_large(self, scheme: str, whole: Decimal | None, floor: Decimal | None, smallest: Decimal | None) -> bool:
        """Is the notice as a whole over the large limit with no small lot (not a scheme's ceiling)?"""
        limits = self.settings.limits
        value = whole if whole is not None else floor
        return (
            not scheme
            and value is not None
            and value > limits.large_min_dkk
            and (smallest is None or smallest > limits.large_lot_max_dkk)
        )

    @staticmethod
    def same_as_whole(notice: Notice, lot: Lot, same_text: bool) -> bool:
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

    @staticmethod
    def lot_inputs(lot: Lot) -> tuple[object, ...]:
        """Every field of a lot that ``lot`` reads (with its text's ``Words``, all it depends on
        within one notice)."""
        return (lot.cpv, lot.contract_nature, lot.value, lot.currency, lot.reserved, lot.social, lot.dps, lot.framework)

    def lot(self, notice: Notice, lot: Lot, whole: Unit, notice_words: Words, words: Words, shared: Shared) -> Unit:
        cpv = subject_codes(lot.cpv) or subject_codes(notice.cpv)
        nature = lot.contract_nature or notice.contract_nature
        works = self._is_works(nature, cpv)
        supplies = (nature or "").lower() == "supplies"
        value = self._dkk(lot.value, lot.currency or notice.currency)
        floor = None
        if value is None and len(notice.lots) == 1:  # the only lot is the whole procedure
            value, floor = whole.value, whole.value_floor
        elif value is None and whole.value is None and not works:
            floor = whole.value_floor  # a lot of an EU procedure is itself clearly not small
        subject = self.subject(cpv, words, notice_words)
        subject = self._goods_subject(subject, cpv, supplies)
        # Procedure-level codes apply to every lot only when no lot carries its own.
        reserved = codes(lot.reserved) or (() if shared.reserved else codes(notice.reserved))
        social_codes = codes(lot.social) or (() if shared.social else codes(notice.social))
        social = bool(self._social_codes.intersection(social_codes))
        if not social and self._needs_social(subject, value, floor):
            social = bool(self.reader.more(words).social or self.reader.more(notice_words).social)
        sector = self._needs_parts(subject, value)
        return Unit(
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
            parts=self.reader.more(words).parts if sector else 0,
            routes=sector and whole.routes,
            lots=0,
            whole_large=whole.whole_large,
        )
