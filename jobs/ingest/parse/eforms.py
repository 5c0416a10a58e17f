"""eForms (UBL 2.3 + eForms extensions) notice XML → ``Notice``.

One eForms document is one notice: a ContractNotice, PriorInformationNotice or
ContractAwardNotice. The facts that matter for a bidder live per lot, so lots
are read first and the notice-level facts (deadline, reserved, social, SME,
framework) are derived from them.

Choices made here (see also the field comments in ``jobs.notice``):

* Lots are ``ProcurementProjectLot`` with ``cbc:ID/@schemeName`` "Lot", and the
  "Part"s of a prior information notice (they play the same role there).
  Groups of lots ("LotsGroup", ``GLO-``) are not lots and are ignored.
* Texts prefer Danish, then the notice's own language, then the first given;
  English, when present, is kept in ``texts["title_en"]`` / ``["description_en"]``.
* ``value``: the procedure's estimated value (BT-27); else the sum of the lots'
  estimated values when every lot has one, in one currency; else the framework
  maximum (BT-271) of the procedure, else the sum of the lots' framework maxima
  (every lot's). A lot's value is its BT-27, else its BT-271.
* ``framework`` / ``dps`` per lot from BT-765 / BT-766 (``dps-list``,
  ``dps-nlist``); the notice is a framework / DPS when any lot is. A lot's
  ``contract_nature`` is its own BT-23.
* ``concession``: a concession subtype (14, 19, 28, 32, 35, 40) or the legal
  basis (BT-01) of the concessions directive, 32014L0023.
  ``above_threshold``: True when the legal basis is one of the procurement
  directives (2014/23, 24, 25, 2009/81), False for "other", else unknown.
* ``deadline`` of a lot: the tender deadline (BT-131); when a procedure only
  states the deadline for requests to participate (BT-1311, restricted and
  negotiated procedures) or for expressions of interest (BT-630, a prior
  information notice used as call for competition), that one, because it is
  the first date a bidder must act by.
* ``social`` holds every BT-06 strategic-procurement code except "none"
  ("soc-obj", "env-imp", "inn-pur") and every BT-775 social-objective code.
* A notice carrying ``efac:Changes`` is a CHANGE, or a CANCELLATION when its
  reason code is "cancel" (or, with no code or "other", its reason text says
  cancelled/void). ``changes`` is the changed notice's id without the "-NN"
  version suffix of a UUID id; ``texts["change_reason"]`` keeps the code.
* ``url``: the procurement documents address (BT-15), else the TED page when
  the notice carries a TED publication number ("00486429-2023"); national
  placeholders ("n.a.") and old OJ S references give no TED link.

Speed: the fields are read with one precompiled XPath union per notice, per
lot and per extension block; each result node is told apart by its (parent,
tag) pair, which is unique within a union (checked at import).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage
from jobs.ingest.parse.text import clean_text, combine_date_time, parse_amount, parse_iso_date
from jobs.ingest.parse.xmlsafe import parse_xml
from jobs.notice import Lot, Notice, NoticeType

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
ROOT_NAMESPACES = {
    "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2": "ContractNotice",
    "urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2": "PriorInformationNotice",
    "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2": "ContractAwardNotice",
}

# eForms language codes (ISO 639-3 / 639-2B) → ISO 639-1.
LANGUAGES = {
    "BUL": "bg", "CES": "cs", "CZE": "cs", "DAN": "da", "DEU": "de", "GER": "de", "ELL": "el",
    "GRE": "el", "ENG": "en", "EST": "et", "FIN": "fi", "FRA": "fr", "FRE": "fr", "GLE": "ga",
    "HRV": "hr", "HUN": "hu", "ITA": "it", "LAV": "lv", "LIT": "lt", "MLT": "mt", "NLD": "nl",
    "DUT": "nl", "POL": "pl", "POR": "pt", "RON": "ro", "RUM": "ro", "SLK": "sk", "SLO": "sk",
    "SLV": "sl", "SPA": "es", "SWE": "sv", "NOR": "no", "NOB": "nb", "NNO": "nn", "ISL": "is",
    "ICE": "is", "SQI": "sq", "MKD": "mk", "SRP": "sr", "TUR": "tr", "UKR": "uk", "RUS": "ru",
}  # fmt: skip

# BT-02 notice type code → what the notice does (changes are detected separately).
_COMPETITION = {"cn-standard", "cn-social", "cn-desg", "pin-cfc-standard", "pin-cfc-social", "qu-sy", "subco"}
_PRIOR = {"pin-only", "pin-buyer", "pin-rtl", "pin-tran", "pmc"}
_AWARD = {"can-standard", "can-social", "can-desg", "can-tran", "can-modif", "veat", "compl"}

_UUID_VERSION = re.compile(r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})-\d{2}$")
_TED_PUBLICATION = re.compile(r"^\d{1,8}-\d{4}$")
_CPV = re.compile(r"^\s*(\d{8})(?:\s*-\s*\d)?\s*$")
_CANCEL_TEXT = re.compile(
    r"\b(?:cancell?ed|cancellation|void|annulleret|annullert|aflyst|avlyst|kansellert|avbrutt|aufgehoben)\b",
    re.IGNORECASE,
)
_DURATION_MONTHS = {
    "MONTH": Decimal(1),
    "YEAR": Decimal(12),
    "WEEK": Decimal(12) / 52,
    "DAY": Decimal(12) / 365,
}
_LOT_SCHEMES = ("Lot", "Part")
_DPS_CODES = ("dps-list", "dps-nlist")
_CONCESSION_SUBTYPES = {"14", "19", "28", "32", "35", "40"}
_DIRECTIVES = {"32014L0023", "32014L0024", "32014L0025", "32009L0081"}

# The lots of a notice repeat the same dates and amounts: parse each text once
# (the results are immutable, so sharing them is safe).
_date_time = functools.lru_cache(maxsize=1024)(combine_date_time)
_date = functools.lru_cache(maxsize=1024)(parse_iso_date)
_number = functools.lru_cache(maxsize=1024)(parse_amount)
# A single-lot notice usually repeats the procedure's title and description in
# its lot; long descriptions are the costliest texts to clean.
_clean = functools.lru_cache(maxsize=128)(clean_text)

_EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"


def _xp(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=NS)


def _clark(step: str) -> str:
    prefix, _, local = step.partition(":")
    return f"{{{NS[prefix]}}}{local}"


class _Fields:
    """A named set of paths read with one XPath union; calling it on a context
    element gives {name: [elements in document order]}.

    A result node is named by its tag when only one path ends in that tag, else
    by its (parent tag, tag) pair ("" for the context element as parent).
    """

    def __init__(self, paths: dict[str, str]) -> None:
        self._xpath = _xp(" | ".join(paths.values()))
        keys: dict[tuple[str, str], str] = {}
        for name, path in paths.items():
            steps = re.sub(r"\[[^\]]*\]", "", path).split("/")
            key = (_clark(steps[-2]) if len(steps) > 1 else "", _clark(steps[-1]))
            if key in keys:  # two paths would be indistinguishable
                raise AssertionError(f"{name} and {keys[key]} end in the same parent/tag")
            keys[key] = name
        tags = [tag for _, tag in keys]
        self._by_tag = {tag: name for (_, tag), name in keys.items() if tags.count(tag) == 1}
        self._by_pair = {key: name for key, name in keys.items() if tags.count(key[1]) > 1}

    def __call__(self, context: Any) -> dict[str, list[Any]]:
        by_tag, by_pair = self._by_tag, self._by_pair
        out: dict[str, list[Any]] = {}
        for el in self._xpath(context):
            tag = el.tag
            name = by_tag.get(tag)
            if name is None:
                parent = el.getparent()
                name = by_pair.get(("" if parent == context else parent.tag, tag))
                if name is None:
                    continue
            out.setdefault(name, []).append(el)
        return out


# Inside a cac:ProcurementProject, of the procedure or of a lot.
_PROJECT_PATHS = {
    "name": "cbc:Name",
    "description": "cbc:Description",
    "nature": "cbc:ProcurementTypeCode[@listName='contract-nature']",
    "sme": "cbc:SMESuitableIndicator",
    "cpv_main": "cac:MainCommodityClassification/cbc:ItemClassificationCode",
    "cpv_more": "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode",
    "nuts": "cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode",
    "estimate": "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount",
    "framework_max_ext": f"cac:RequestedTenderTotal/{_EXT}/efbc:FrameworkMaximumAmount",
    "additional_type": "cac:ProcurementAdditionalType/cbc:ProcurementTypeCode",
    "duration": "cac:PlannedPeriod/cbc:DurationMeasure",
    "start": "cac:PlannedPeriod/cbc:StartDate",
    "end": "cac:PlannedPeriod/cbc:EndDate",
}
_PROJECT = {name: f"cac:ProcurementProject/{path}" for name, path in _PROJECT_PATHS.items()}

_NOTICE_FIELDS = _Fields(
    {
        "id": "cbc:ID",
        "version": "cbc:VersionID",
        "folder": "cbc:ContractFolderID",
        "issue_date": "cbc:IssueDate",
        "issue_time": "cbc:IssueTime",
        "notice_type": "cbc:NoticeTypeCode",
        "legal_basis": "cbc:RegulatoryDomain",
        "notice_lang": "cbc:NoticeLanguageCode",
        "buyer_ids": "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID",
        "procedure_code": "cac:TenderingProcess/cbc:ProcedureCode",
        "extension": _EXT,
        "lots": "cac:ProcurementProjectLot",
        **_PROJECT,
    }
)
_EXTENSION_FIELDS = _Fields(
    {
        "subtype": "efac:NoticeSubType/cbc:SubTypeCode",
        "subtype_code": "efbc:NoticeSubTypeCode",
        "publication_id": "efac:Publication/efbc:NoticePublicationID",
        "publication_date": "efac:Publication/efbc:PublicationDate",
        "changes": "efac:Changes",
        "changed_id": "efac:Changes/efbc:ChangedNoticeIdentifier",
        "reason": "efac:Changes/efac:ChangeReason/cbc:ReasonCode",
        "reason_code": "efac:Changes/efac:ChangeReason/efbc:ChangeReasonCode",
        "reason_text": "efac:Changes/efac:ChangeReason/efbc:ReasonDescription",
    }
)
_LOT_FIELDS = _Fields(
    {
        "id": "cbc:ID",
        **_PROJECT,
        "deadline_date": "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndDate",
        "deadline_time": "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndTime",
        "request_date": "cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod/cbc:EndDate",
        "request_time": "cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod/cbc:EndTime",
        "interest_date": f"cac:TenderingProcess/{_EXT}/efac:InterestExpressionReceptionPeriod/cbc:EndDate",
        "interest_time": f"cac:TenderingProcess/{_EXT}/efac:InterestExpressionReceptionPeriod/cbc:EndTime",
        "contracting_system": "cac:TenderingProcess/cac:ContractingSystem/cbc:ContractingSystemTypeCode",
        "framework_max": "cac:TenderingProcess/cac:FrameworkAgreement/cbc:EstimatedMaximumValueAmount",
        "reserved": "cac:TenderingTerms/cac:TendererQualificationRequest/cac:SpecificTendererRequirement"
        "/cbc:TendererRequirementTypeCode[@listName='reserved-procurement']",
        "docs": "cac:TenderingTerms/cac:CallForTendersDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI",
    }
)
# Inside efext:EformsExtension: the organisation a party id points at.
_COMPANY_BY_ID = _xp("efac:Organizations/efac:Organization/efac:Company[cac:PartyIdentification/cbc:ID=$oid]")
_COMPANY_FIELDS = _Fields(
    {
        "name": "cac:PartyName/cbc:Name",
        "country": "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    }
)

_FieldMap = dict[str, list[Any]]
_Amount = tuple[Decimal, str | None]


def parse(data: bytes, *, source: str = "eforms") -> ParsedPage:
    """One eForms notice document as a page of one notice."""
    return ParsedPage(format="eforms", notices=[parse_notice(data, source=source)])


def parse_notice(data: bytes, *, source: str = "eforms") -> Notice:
    """The notice in ``data``; ParseError if it is not well-formed eForms XML."""
    return parse_root(parse_xml(data), source=source)


def parse_root(root: etree._Element, *, source: str) -> Notice:
    """The notice of an already parsed eForms root element (shared with the
    TED and udbud.dk adapters, which carry eForms XML inside their responses).
    Parse untrusted bytes with ``jobs.ingest.parse.xmlsafe.parse_xml`` first."""
    if hasattr(root, "getroot"):  # an ElementTree rather than its root
        root = root.getroot()
    if not isinstance(root.tag, str):
        raise ParseError("not an eForms notice: no root element")
    qname = etree.QName(root)
    if ROOT_NAMESPACES.get(qname.namespace or "") != qname.localname:
        raise ParseError(f"not an eForms notice: root element <{qname.localname}> in {qname.namespace!r}")

    f = _NOTICE_FIELDS(root)
    ids = f.get("id", [])
    notice_id = _first(el for el in ids if el.get("schemeName") == "notice-id") or _first(ids)
    if not notice_id:
        raise ParseError("eForms notice without a notice identifier (BT-701 cbc:ID)")
    notice_lang = (_first(f.get("notice_lang")) or "").upper()
    extension = f["extension"][0] if f.get("extension") else None
    x = _EXTENSION_FIELDS(extension) if extension is not None else {}

    lots = [p for p in (_parse_lot(el, notice_lang) for el in f.get("lots", ())) if p is not None]

    texts: dict[str, str] = {}
    title, title_lang, title_en = _pick(f.get("name"), notice_lang)
    description, desc_lang, desc_en = _pick(f.get("description"), notice_lang)
    if not title and lots:
        title, title_lang, title_en = lots[0].lot.title, lots[0].lang, lots[0].title_en
    if not description and lots:
        description, desc_lang, desc_en = lots[0].lot.description, lots[0].lang, lots[0].description_en
    if not title:
        if not description:
            raise ParseError(f"eForms notice {notice_id} has no title (BT-21)")
        title, title_lang = description[:200], desc_lang
    if title_en:
        texts["title_en"] = title_en
    if desc_en:
        texts["description_en"] = desc_en

    notice_type, changes = _notice_type(f, x, texts)
    buyer, buyer_country = _buyer(f, extension, notice_lang)

    cpv = _cpv_codes(_values(f.get("cpv_main")) + _values(f.get("cpv_more")))
    nuts = _values(f.get("nuts"))
    social = _social_codes(f.get("additional_type", ()))
    reserved: list[str] = []
    nature = _first(f.get("nature"))
    for p in lots:
        cpv += p.lot.cpv
        nuts += p.lot.nuts
        social += p.lot.social
        reserved += p.lot.reserved
        nature = nature or p.nature
    sme_flags = [p.lot.sme_suitable for p in lots if p.lot.sme_suitable is not None]
    deadlines = [p.lot.deadline for p in lots if p.lot.deadline is not None]
    value, currency = _notice_value(f, lots)
    url = next((p.url for p in lots if p.url), None) or _ted_url(_first(x.get("publication_id")))
    issue_time = _first(f.get("issue_time"))  # without it the issue day's start, not its end
    published_at = _date(_first(x.get("publication_date"))) or (
        _date_time(_first(f.get("issue_date")), issue_time) if issue_time else _date(_first(f.get("issue_date")))
    )

    subtype = _first(x.get("subtype")) or _first(x.get("subtype_code"))
    legal_basis = (_first(f.get("legal_basis")) or "").upper()
    return Notice(
        source=source,
        id=notice_id,
        title=title,
        version=_first(f.get("version")) or "",
        description=description,
        buyer=buyer,
        url=url,
        cpv=_unique(cpv),
        nuts=_unique(nuts),
        value=value,
        currency=currency,
        lots=tuple(p.lot for p in lots),
        deadline=min(deadlines) if deadlines else None,
        procedure_type=_first(f.get("procedure_code")),
        notice_type=notice_type,
        notice_subtype=subtype,
        form_type=_first(f.get("notice_type")),
        contract_nature=nature,
        reserved=_unique(reserved),
        social=_unique(social),
        sme_suitable=(any(sme_flags) if sme_flags else None),
        framework=any(p.lot.framework for p in lots),
        dps=any(p.lot.dps for p in lots),
        concession=subtype in _CONCESSION_SUBTYPES or legal_basis == "32014L0023",
        above_threshold=True if legal_basis in _DIRECTIVES else False if legal_basis.lower() == "other" else None,
        language=_iso639_1(title_lang or notice_lang) or "da",
        published_at=published_at,
        changes=changes,
        procedure_id=_first(f.get("folder")),
        buyer_country=buyer_country,
        texts=texts,
    )


@dataclass(slots=True)
class _ParsedLot:
    lot: Lot
    lang: str
    title_en: str
    description_en: str
    nature: str | None
    url: str | None
    estimate: _Amount | None
    framework_max: _Amount | None


def _parse_lot(el: Any, notice_lang: str) -> _ParsedLot | None:
    """A lot or a part; None for a group of lots."""
    f = _LOT_FIELDS(el)
    ids = f.get("id")
    if not ids or ids[0].get("schemeName") not in _LOT_SCHEMES:
        return None
    title, lang, title_en = _pick(f.get("name"), notice_lang)
    description, desc_lang, desc_en = _pick(f.get("description"), notice_lang)
    deadline = (
        _date_time(_first(f.get("deadline_date")), _first(f.get("deadline_time")))
        or _date_time(_first(f.get("request_date")), _first(f.get("request_time")))
        or _date_time(_first(f.get("interest_date")), _first(f.get("interest_time")))
    )
    systems = {el.get("listName"): (el.text or "").strip() for el in f.get("contracting_system", ())}
    framework_code = systems.get("framework-agreement")
    estimate = _amount(f.get("estimate"))
    framework_max = _amount(f.get("framework_max_ext")) or _amount(f.get("framework_max"))
    value, currency = estimate or framework_max or (None, None)
    lot = Lot(
        lot_id=_first(ids) or "",
        title=title,
        description=description,
        cpv=_unique(_cpv_codes(_values(f.get("cpv_main")) + _values(f.get("cpv_more")))),
        nuts=_unique(_values(f.get("nuts"))),
        value=value,
        currency=currency,
        deadline=deadline,
        reserved=_unique(c for c in _values(f.get("reserved")) if c != "none"),
        social=_unique(_social_codes(f.get("additional_type", ()))),
        sme_suitable=_bool(_first(f.get("sme"))),
        framework=bool(framework_code) and framework_code != "none",
        duration_months=_duration_months(f),
        contract_nature=_first(f.get("nature")),
        dps=systems.get("dps-usage") in _DPS_CODES,
    )
    return _ParsedLot(
        lot=lot,
        lang=lang or desc_lang,
        title_en=title_en,
        description_en=desc_en,
        nature=_first(f.get("nature")),
        url=next((u for u in map(_http_url, _values(f.get("docs"))) if u), None),
        estimate=estimate,
        framework_max=framework_max,
    )


def _notice_type(f: _FieldMap, x: _FieldMap, texts: dict[str, str]) -> tuple[NoticeType, str | None]:
    if x.get("changes"):
        changed = _first(x.get("changed_id"))
        if changed:
            m = _UUID_VERSION.match(changed)
            changed = m.group(1) if m else changed
        reasons = _values(x.get("reason")) + _values(x.get("reason_code"))
        if reasons:
            texts["change_reason"] = reasons[0]
        cancelled = "cancel" in reasons
        if not cancelled and set(reasons) <= {"other"}:
            cancelled = any(_CANCEL_TEXT.search(t) for t in _values(x.get("reason_text")))
        return (NoticeType.CANCELLATION if cancelled else NoticeType.CHANGE), changed
    code = (_first(f.get("notice_type")) or "").lower()
    if code in _COMPETITION or code.startswith(("pin-cfc", "cn-")):
        return NoticeType.COMPETITION, None
    if code in _PRIOR or code.startswith("pin-"):
        return NoticeType.PRIOR_INFORMATION, None
    if code in _AWARD or code.startswith("can-"):
        return NoticeType.AWARD, None
    return NoticeType.OTHER, None


def _notice_value(f: _FieldMap, lots: Sequence[_ParsedLot]) -> tuple[Decimal | None, str | None]:
    return (
        _amount(f.get("estimate"))
        or _sum(p.estimate for p in lots)
        or _amount(f.get("framework_max_ext"))
        or _sum(p.framework_max for p in lots)
        or (None, None)
    )


def _sum(amounts: Iterable[_Amount | None]) -> _Amount | None:
    """The sum when every amount is known, in one currency."""
    given = list(amounts)
    known = [a for a in given if a is not None]
    if not known or len(known) < len(given) or len({c for _, c in known}) != 1:
        return None
    return sum((v for v, _ in known), Decimal(0)), known[0][1]


def _buyer(f: _FieldMap, extension: Any, notice_lang: str) -> tuple[str, str | None]:
    if extension is None:
        return "", None
    for org_id in _values(f.get("buyer_ids")):
        companies = _COMPANY_BY_ID(extension, oid=org_id)
        if companies:
            c = _COMPANY_FIELDS(companies[0])
            name, _, _ = _pick(c.get("name"), notice_lang)
            country = _first(c.get("country"))
            return name, (country.upper() if country else None)
    return "", None


def _duration_months(f: _FieldMap) -> int | None:
    for el in f.get("duration", ()):
        factor = _DURATION_MONTHS.get((el.get("unitCode") or "").upper())
        number = _number(_text(el))
        if factor is not None and number is not None:
            return max(1, int((number * factor).to_integral_value()))
    start = _date(_first(f.get("start")))
    end = _date(_first(f.get("end")))
    if start is not None and end is not None and end > start:
        return max(1, round((end - start).days / 30.44))
    return None


def _pick(elements: Sequence[Any] | None, notice_lang: str) -> tuple[str, str, str]:
    """(chosen text, its language code, English text) of a multilingual field:
    Danish, else the notice language, else the first non-empty one."""
    by_lang: dict[str, Any] = {}
    for el in elements or ():
        lang = (el.get("languageID") or notice_lang).upper()
        if lang not in by_lang and (el.text or len(el)):
            by_lang[lang] = el
    for lang in ("DAN", notice_lang, *by_lang):
        el = by_lang.get(lang)
        text = _clean(_text(el)) if el is not None else ""
        if text:
            en = by_lang.get("ENG")
            english = text if lang == "ENG" else (_clean(_text(en)) if en is not None else "")
            return text, lang, english
    return "", "", ""


def _social_codes(elements: Iterable[Any]) -> list[str]:
    out = []
    for el in elements:
        if el.get("listName") in ("strategic-procurement", "social-objective"):
            code = (el.text or "").strip()
            if code and code != "none":
                out.append(code)
    return out


def _amount(elements: Sequence[Any] | None) -> _Amount | None:
    for el in elements or ():
        value = _number(el.text)
        if value is not None:
            currency = (el.get("currencyID") or "").strip().upper()
            return value, currency or None
    return None


def _ted_url(publication_id: str | None) -> str | None:
    if publication_id and _TED_PUBLICATION.match(publication_id):
        return f"https://ted.europa.eu/en/notice/-/detail/{publication_id}"
    return None


def _http_url(value: str) -> str | None:
    if value.lower().startswith(("http://", "https://")):
        return value
    if value.lower().startswith("www."):
        return "https://" + value
    return None


def _iso639_1(code: str) -> str:
    code = code.strip()
    if len(code) == 2:
        return code.lower()
    return LANGUAGES.get(code.upper(), code.lower())


def _cpv_codes(values: Iterable[str]) -> list[str]:
    return [m.group(1) for m in map(_CPV.match, values) if m]


def _bool(value: str | None) -> bool | None:
    v = (value or "").lower()
    return True if v in ("true", "1") else False if v in ("false", "0") else None


def _text(el: Any) -> str:
    # Comments or processing instructions kept by a caller's parser split the text.
    return "".join(el.itertext()) if len(el) else (el.text or "")


def _values(elements: Iterable[Any] | None) -> list[str]:
    """The stripped, non-empty texts of ``elements``."""
    out = []
    for el in elements or ():
        s = _text(el).strip()
        if s:
            out.append(s)
    return out


def _first(elements: Iterable[Any] | None) -> str | None:
    for el in elements or ():
        s = _text(el).strip()
        if s:
            return s
    return None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
