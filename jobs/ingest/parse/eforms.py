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

This module reads the notice as a whole; ``eforms_lots`` reads its lots and
decides the values, and ``eforms_xml`` holds what both read with: the XPath field
sets and the element helpers. Speed: the fields are read with one precompiled
XPath union per notice, per lot and per extension block (see ``eforms_xml``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lxml import etree

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage
from jobs.ingest.parse.eforms_lots import ParsedLot, notice_value, parse_lot
from jobs.ingest.parse.eforms_xml import (
    COMPANY_BY_ID,
    COMPANY_FIELDS,
    EXTENSION_FIELDS,
    NOTICE_FIELDS,
    FieldMap,
    cached_date,
    cached_date_time,
    cpv_list,
    distinct,
    first,
    iso639_1,
    pick,
    social_codes,
    values,
)
from jobs.ingest.parse.xmlsafe import parse_xml
from jobs.notice import Notice, NoticeType

ROOT_NAMESPACES = {
    "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2": "ContractNotice",
    "urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2": "PriorInformationNotice",
    "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2": "ContractAwardNotice",
}


# BT-02 notice type code → what the notice does (changes are detected separately).
_COMPETITION = {"cn-standard", "cn-social", "cn-desg", "pin-cfc-standard", "pin-cfc-social", "qu-sy", "subco"}
_PRIOR = {"pin-only", "pin-buyer", "pin-rtl", "pin-tran", "pmc"}
_AWARD = {"can-standard", "can-social", "can-desg", "can-tran", "can-modif", "veat", "compl"}

_UUID_VERSION = re.compile(r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})-\d{2}$")
_TED_PUBLICATION = re.compile(r"^\d{1,8}-\d{4}$")
_CANCEL_TEXT = re.compile(
    r"\b(?:cancell?ed|cancellation|void|annulleret|annullert|aflyst|avlyst|kansellert|avbrutt|aufgehoben)\b",
    re.IGNORECASE,
)
_CONCESSION_SUBTYPES = {"14", "19", "28", "32", "35", "40"}
_DIRECTIVES = {"32014L0023", "32014L0024", "32014L0025", "32009L0081"}


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
    f = NOTICE_FIELDS(_notice_root(root))
    ids = f.get("id", [])
    notice_id = first(el for el in ids if el.get("schemeName") == "notice-id") or first(ids)
    if not notice_id:
        raise ParseError("eForms notice without a notice identifier (BT-701 cbc:ID)")
    notice_lang = (first(f.get("notice_lang")) or "").upper()
    extension = f["extension"][0] if f.get("extension") else None
    x = EXTENSION_FIELDS(extension) if extension is not None else {}
    lots = [p for p in (parse_lot(el, notice_lang) for el in f.get("lots", ())) if p is not None]
    return _notice(source, notice_id, notice_lang, f, x, extension, lots)


def _notice_root(root: Any) -> Any:
    """The root element, checked to be one of the three eForms notice roots."""
    if hasattr(root, "getroot"):  # an ElementTree rather than its root
        root = root.getroot()
    if not isinstance(root.tag, str):
        raise ParseError("not an eForms notice: no root element")
    qname = etree.QName(root)
    if ROOT_NAMESPACES.get(qname.namespace or "") != qname.localname:
        raise ParseError(f"not an eForms notice: root element <{qname.localname}> in {qname.namespace!r}")
    return root


def _notice(
    source: str,
    notice_id: str,
    notice_lang: str,
    f: FieldMap,
    x: FieldMap,
    extension: Any,
    lots: list[ParsedLot],
) -> Notice:
    """The notice from its read fields and lots (the choices in the module docstring)."""
    title, title_lang, description, texts = _texts(f, lots, notice_lang, notice_id)
    notice_type, changes = _notice_type(f, x, texts)
    buyer, buyer_country = _buyer(f, extension, notice_lang)
    cpv, nuts, social, reserved, nature = _codes(f, lots)
    sme_flags = [p.lot.sme_suitable for p in lots if p.lot.sme_suitable is not None]
    deadlines = [p.lot.deadline for p in lots if p.lot.deadline is not None]
    value, currency = notice_value(f, lots)
    subtype = first(x.get("subtype")) or first(x.get("subtype_code"))
    legal_basis = (first(f.get("legal_basis")) or "").upper()
    return Notice(
        source=source,
        id=notice_id,
        title=title,
        version=first(f.get("version")) or "",
        description=description,
        buyer=buyer,
        url=next((p.url for p in lots if p.url), None) or _ted_url(first(x.get("publication_id"))),
        cpv=distinct(cpv),
        nuts=distinct(nuts),
        value=value,
        currency=currency,
        lots=tuple(p.lot for p in lots),
        deadline=min(deadlines) if deadlines else None,
        procedure_type=first(f.get("procedure_code")),
        notice_type=notice_type,
        notice_subtype=subtype,
        form_type=first(f.get("notice_type")),
        contract_nature=nature,
        reserved=distinct(reserved),
        social=distinct(social),
        sme_suitable=(any(sme_flags) if sme_flags else None),
        framework=any(p.lot.framework for p in lots),
        dps=any(p.lot.dps for p in lots),
        concession=subtype in _CONCESSION_SUBTYPES or legal_basis == "32014L0023",
        above_threshold=True if legal_basis in _DIRECTIVES else False if legal_basis.lower() == "other" else None,
        language=iso639_1(title_lang or notice_lang) or "da",
        published_at=_published_at(f, x),
        changes=changes,
        procedure_id=first(f.get("folder")),
        buyer_country=buyer_country,
        texts=texts,
    )


def _texts(
    f: FieldMap, lots: list[ParsedLot], notice_lang: str, notice_id: str
) -> tuple[str, str, str, dict[str, str]]:
    """(title, its language, description, texts with the English ones): the procedure's, else
    the first lot's; a notice with neither title nor description is refused."""
    texts: dict[str, str] = {}
    title, title_lang, title_en = pick(f.get("name"), notice_lang)
    description, desc_lang, desc_en = pick(f.get("description"), notice_lang)
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
    return title, title_lang, description, texts


def _codes(f: FieldMap, lots: list[ParsedLot]) -> tuple[list[str], list[str], list[str], list[str], str | None]:
    """(CPV, NUTS, social, reserved codes, contract nature) of the procedure and its lots."""
    cpv = cpv_list(values(f.get("cpv_main")) + values(f.get("cpv_more")))
    nuts = values(f.get("nuts"))
    social = social_codes(f.get("additional_type", ()))
    reserved: list[str] = []
    nature = first(f.get("nature"))
    for p in lots:
        cpv += p.lot.cpv
        nuts += p.lot.nuts
        social += p.lot.social
        reserved += p.lot.reserved
        nature = nature or p.nature
    return cpv, nuts, social, reserved, nature


def _published_at(f: FieldMap, x: FieldMap) -> datetime | None:
    """The publication date, else the issue date and time (without a time, the day's start)."""
    issue_time = first(f.get("issue_time"))
    return cached_date(first(x.get("publication_date"))) or (
        cached_date_time(first(f.get("issue_date")), issue_time)
        if issue_time
        else cached_date(first(f.get("issue_date")))
    )


def _notice_type(f: FieldMap, x: FieldMap, texts: dict[str, str]) -> tuple[NoticeType, str | None]:
    if x.get("changes"):
        changed = first(x.get("changed_id"))
        if changed:
            m = _UUID_VERSION.match(changed)
            changed = m.group(1) if m else changed
        reasons = values(x.get("reason")) + values(x.get("reason_code"))
        if reasons:
            texts["change_reason"] = reasons[0]
        cancelled = "cancel" in reasons
        if not cancelled and set(reasons) <= {"other"}:
            cancelled = any(_CANCEL_TEXT.search(t) for t in values(x.get("reason_text")))
        return (NoticeType.CANCELLATION if cancelled else NoticeType.CHANGE), changed
    code = (first(f.get("notice_type")) or "").lower()
    if code in _COMPETITION or code.startswith(("pin-cfc", "cn-")):
        return NoticeType.COMPETITION, None
    if code in _PRIOR or code.startswith("pin-"):
        return NoticeType.PRIOR_INFORMATION, None
    if code in _AWARD or code.startswith("can-"):
        return NoticeType.AWARD, None
    return NoticeType.OTHER, None


def _buyer(f: FieldMap, extension: Any, notice_lang: str) -> tuple[str, str | None]:
    if extension is None:
        return "", None
    for org_id in values(f.get("buyer_ids")):
        companies = COMPANY_BY_ID(extension, oid=org_id)
        if companies:
            c = COMPANY_FIELDS(companies[0])
            name, _, _ = pick(c.get("name"), notice_lang)
            country = first(c.get("country"))
            return name, (country.upper() if country else None)
    return "", None


def _ted_url(publication_id: str | None) -> str | None:
    if publication_id and _TED_PUBLICATION.match(publication_id):
        return f"https://ted.europa.eu/en/notice/-/detail/{publication_id}"
    return None
