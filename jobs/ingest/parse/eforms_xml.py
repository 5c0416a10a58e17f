"""Reading eForms XML: the namespaces, the fields read from a notice, its extension block,
its lots and its buyer (each as one precompiled XPath union), and the helpers that turn
elements into texts, codes and amounts. Used by ``eforms`` and ``eforms_lots``.

Speed: each result node of a union is told apart by its (parent, tag) pair, which is
unique within a union (checked at import); dates, amounts and long texts that the lots
of a notice repeat are parsed once (cached).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from lxml import etree

from jobs.ingest.parse.text import clean_text, combine_date_time, parse_amount, parse_iso_date

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
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

_CPV = re.compile(r"^\s*(\d{8})(?:\s*-\s*\d)?\s*$")

# The lots of a notice repeat the same dates and amounts: parse each text once
# (the results are immutable, so sharing them is safe).
cached_date_time = functools.lru_cache(maxsize=1024)(combine_date_time)
cached_date = functools.lru_cache(maxsize=1024)(parse_iso_date)
cached_number = functools.lru_cache(maxsize=1024)(parse_amount)
# A single-lot notice usually repeats the procedure's title and description in
# its lot; long descriptions are the costliest texts to clean.
cached_clean = functools.lru_cache(maxsize=128)(clean_text)

EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"


def xp(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=NS)


def _clark(step: str) -> str:
    prefix, _, local = step.partition(":")
    return f"{{{NS[prefix]}}}{local}"


class Fields:
    """A named set of paths read with one XPath union; calling it on a context
    element gives {name: [elements in document order]}.

    A result node is named by its tag when only one path ends in that tag, else
    by its (parent tag, tag) pair ("" for the context element as parent).
    """

    def __init__(self, paths: dict[str, str]) -> None:
        self._xpath = xp(" | ".join(paths.values()))
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
    "framework_max_ext": f"cac:RequestedTenderTotal/{EXT}/efbc:FrameworkMaximumAmount",
    "additional_type": "cac:ProcurementAdditionalType/cbc:ProcurementTypeCode",
    "duration": "cac:PlannedPeriod/cbc:DurationMeasure",
    "start": "cac:PlannedPeriod/cbc:StartDate",
    "end": "cac:PlannedPeriod/cbc:EndDate",
}
_PROJECT = {name: f"cac:ProcurementProject/{path}" for name, path in _PROJECT_PATHS.items()}

NOTICE_FIELDS = Fields(
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
        "extension": EXT,
        "lots": "cac:ProcurementProjectLot",
        **_PROJECT,
    }
)
EXTENSION_FIELDS = Fields(
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
LOT_FIELDS = Fields(
    {
        "id": "cbc:ID",
        **_PROJECT,
        "deadline_date": "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndDate",
        "deadline_time": "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndTime",
        "request_date": "cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod/cbc:EndDate",
        "request_time": "cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod/cbc:EndTime",
        "interest_date": f"cac:TenderingProcess/{EXT}/efac:InterestExpressionReceptionPeriod/cbc:EndDate",
        "interest_time": f"cac:TenderingProcess/{EXT}/efac:InterestExpressionReceptionPeriod/cbc:EndTime",
        "contracting_system": "cac:TenderingProcess/cac:ContractingSystem/cbc:ContractingSystemTypeCode",
        "framework_max": "cac:TenderingProcess/cac:FrameworkAgreement/cbc:EstimatedMaximumValueAmount",
        "reserved": "cac:TenderingTerms/cac:TendererQualificationRequest/cac:SpecificTendererRequirement"
        "/cbc:TendererRequirementTypeCode[@listName='reserved-procurement']",
        "docs": "cac:TenderingTerms/cac:CallForTendersDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI",
    }
)
# Inside efext:EformsExtension: the organisation a party id points at.
COMPANY_BY_ID = xp("efac:Organizations/efac:Organization/efac:Company[cac:PartyIdentification/cbc:ID=$oid]")
COMPANY_FIELDS = Fields(
    {
        "name": "cac:PartyName/cbc:Name",
        "country": "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    }
)

FieldMap = dict[str, list[Any]]
Amount = tuple[Decimal, str | None]


def pick(elements: Sequence[Any] | None, notice_lang: str) -> tuple[str, str, str]:
    """(chosen text, its language code, English text) of a multilingual field:
    Danish, else the notice language, else the first non-empty one."""
    by_lang: dict[str, Any] = {}
    for el in elements or ():
        lang = (el.get("languageID") or notice_lang).upper()
        if lang not in by_lang and (el.text or len(el)):
            by_lang[lang] = el
    for lang in ("DAN", notice_lang, *by_lang):
        el = by_lang.get(lang)
        text = cached_clean(text_of(el)) if el is not None else ""
        if text:
            en = by_lang.get("ENG")
            english = text if lang == "ENG" else (cached_clean(text_of(en)) if en is not None else "")
            return text, lang, english
    return "", "", ""


def social_codes(elements: Iterable[Any]) -> list[str]:
    out = []
    for el in elements:
        if el.get("listName") in ("strategic-procurement", "social-objective"):
            code = (el.text or "").strip()
            if code and code != "none":
                out.append(code)
    return out


def amount(elements: Sequence[Any] | None) -> Amount | None:
    for el in elements or ():
        value = cached_number(el.text)
        if value is not None:
            currency = (el.get("currencyID") or "").strip().upper()
            return value, currency or None
    return None


def http_url(value: str) -> str | None:
    if value.lower().startswith(("http://", "https://")):
        return value
    if value.lower().startswith("www."):
        return "https://" + value
    return None


def iso639_1(code: str) -> str:
    code = code.strip()
    if len(code) == 2:
        return code.lower()
    return LANGUAGES.get(code.upper(), code.lower())


def cpv_list(values: Iterable[str]) -> list[str]:
    return [m.group(1) for m in map(_CPV.match, values) if m]


def as_bool(value: str | None) -> bool | None:
    v = (value or "").lower()
    return True if v in ("true", "1") else False if v in ("false", "0") else None


def text_of(el: Any) -> str:
    # Comments or processing instructions kept by a caller's parser split the text.
    return "".join(el.itertext()) if len(el) else (el.text or "")


def values(elements: Iterable[Any] | None) -> list[str]:
    """The stripped, non-empty texts of ``elements``."""
    out = []
    for el in elements or ():
        s = text_of(el).strip()
        if s:
            out.append(s)
    return out


def first(elements: Iterable[Any] | None) -> str | None:
    for el in elements or ():
        s = text_of(el).strip()
        if s:
            return s
    return None


def distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
