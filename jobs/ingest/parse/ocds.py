"""Open Contracting Data Standard (OCDS 1.1) → notices.

Accepted documents: a release package (``releases``), a record package
(``records``, each read from its ``compiledRelease``) and a single release
(an object with ``ocid``, as Public Contracts Scotland and Sell2Wales serve
them). ``links.next`` of a package is the next page.

Choices:

* ``id`` is the release id (the ocid when a release has none), ``version``
  the release date, ``procedure_id`` the ocid.
* ``notice_type`` from the release tags: tenderCancellation (or a tender
  with status "cancelled") → CANCELLATION; tenderAmendment / tenderUpdate →
  CHANGE; tender → COMPETITION; award*, contract*, implementation* → AWARD;
  planning* → PRIOR_INFORMATION. A compiled release is judged by its
  content instead. For a CHANGE or CANCELLATION ``changes`` is the ocid: the
  id of the earlier release is not in the data (Contracts Finder numbers
  every release of a notice differently), so matching goes by procedure.
* ``value`` is ``tender.value``, else ``tender.minValue`` (a lower bound,
  noted in ``texts["value_is_minimum"]``); placeholders such as 0.01 → None.
* CPV codes come from ``tender.classification``, ``additionalClassifications``
  and the items' classifications (scheme "CPV"); NUTS codes from the items'
  ``deliveryAddresses[].region`` when they are codes (Scotland and Wales
  write "UKM82", Contracts Finder writes region names, which are skipped).
* ``tender.suitability.sme`` / ``.vcse`` (Contracts Finder) → ``sme_suitable``
  / ``vcse_suitable``.
* ``tender.otherRequirements.reservedParticipation`` → ``reserved``:
  "shelteredWorkshop" as "res-ws", "publicServiceMissionOrganization" as
  "res-pub-ser" (the eForms BT-71 codes). ``techniques.hasFrameworkAgreement``
  / ``hasDynamicPurchasingSystem`` → ``framework`` / ``dps``.
* ``tender.legalBasis`` (CELEX): the concessions directive 32014L0023 →
  ``concession``; a procurement directive, or "above threshold" in
  ``procurementMethodDetails``, → ``above_threshold`` (False for "below
  threshold").
* ``url``: the notice page among the documents (tenderNotice, contractNotice,
  awardNotice, ...), else the first document with an http(s) URL.
* Mojibake (UTF-8 read as cp1252, e.g. "â€¢" for "•", seen in Contracts
  Finder descriptions) is repaired sequence by sequence: only runs of
  characters that re-encode to one valid UTF-8 character are replaced.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage
from jobs.ingest.parse.codes import cpv_codes, nuts_codes, unique
from jobs.ingest.parse.text import clean_text, parse_amount, parse_iso_date
from jobs.notice import Lot, Notice, NoticeType

_NOTICE_DOCS = (
    "tenderNotice",
    "contractNotice",
    "awardNotice",
    "contractAwardNotice",
    "marketEngagementNotice",
    "plannedProcurementNotice",
    "cancellationNotice",
)
_NATURE = {"goods": "supplies", "works": "works", "services": "services"}
_METHOD = {"open": "open", "selective": "restricted", "direct": "neg-wo-call"}
_RESERVED = {"shelteredworkshop": "res-ws", "publicservicemissionorganization": "res-pub-ser"}
_DIRECTIVES = {"32014L0023", "32014L0024", "32014L0025", "32009L0081"}
_UK = {"united kingdom", "england", "scotland", "wales", "northern ireland", "great britain", "uk"}
_COUNTRY = {"denmark": "DNK", "danmark": "DNK", **dict.fromkeys(_UK, "GBR")}

# cp1252 decodings of UTF-8 lead bytes (0xC2-0xF4) and continuation bytes (0x80-0xBF).
_CP1252_BYTE = {}
for _b in range(0x80, 0x100):
    try:
        _CP1252_BYTE[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass
_LEADS = "".join(ch for ch, b in _CP1252_BYTE.items() if 0xC2 <= b <= 0xF4)
_CONTS = "".join(ch for ch, b in _CP1252_BYTE.items() if 0x80 <= b <= 0xBF)
_MOJIBAKE = re.compile(f"[{re.escape(_LEADS)}][{re.escape(_CONTS)}]{{1,3}}")
_SPACES = re.compile(r"[\u2000-\u200a\u202f\u205f\u3000]")


def parse(data: bytes, *, source: str = "ocds") -> ParsedPage:
    """A release package, record package or single release."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as e:
        raise ParseError(f"OCDS document is not valid JSON: {e}") from e
    if not isinstance(doc, dict):
        raise ParseError("OCDS document is not a JSON object")
    page = ParsedPage(format="ocds")
    links = doc.get("links")
    if isinstance(links, dict) and isinstance(links.get("next"), str) and links["next"].strip():
        page.next_url = links["next"].strip()

    releases: list[Any]
    if "releases" in doc:
        if not isinstance(doc["releases"], list):
            raise ParseError("OCDS release package whose 'releases' is not a list")
        releases = doc["releases"]
    elif "records" in doc:
        if not isinstance(doc["records"], list):
            raise ParseError("OCDS record package whose 'records' is not a list")
        releases = [_compiled(r) for r in doc["records"]]
    elif isinstance(doc.get("ocid"), str):
        releases = [doc]
    else:
        raise ParseError("not OCDS: no 'releases', 'records' or 'ocid'")

    for i, release in enumerate(releases):
        try:
            page.notices.append(release_to_notice(release, source=source))
        except ParseError as e:
            ident = (release.get("id") or release.get("ocid")) if isinstance(release, dict) else None
            page.item_errors.append(f"release {i}{f' ({ident})' if ident else ''}: {e}")
    return page


def _compiled(record: object) -> object:
    if not isinstance(record, dict):
        return record
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        return compiled
    embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "tender" in r]
    return embedded[-1] if embedded else {"ocid": record.get("ocid"), "_no_release": True}


def release_to_notice(release: object, *, source: str = "ocds") -> Notice:
    """One OCDS release → Notice; ParseError if it has no ocid/id or no title."""
    release, ocid, rid = _ids(release)
    tender = _dict(release.get("tender"))
    planning = _dict(release.get("planning"))
    title = text(tender.get("title")) or text(release.get("title")) or text(planning.get("title"))
    if not title:
        raise ParseError("no tender title")
    texts: dict[str, str] = {}
    value, currency = _value(tender, texts)
    items = [i for i in _list(tender.get("items")) if isinstance(i, dict)]
    tags = [t for t in _list(release.get("tag")) if isinstance(t, str)]
    kind = notice_type(tags, tender, release)
    suitability = _dict(tender.get("suitability"))
    buyer, country = _buyer(release)
    techniques = _dict(tender.get("techniques"))
    legal_basis = (_str(_dict(tender.get("legalBasis")).get("id")) or "").upper()
    if tags:
        texts["ocds_tag"] = ",".join(tags)
    return Notice(
        source=source,
        id=rid,
        title=title,
        version=_str(release.get("date")) or "",
        description=text(tender.get("description")) or text(release.get("description")),
        buyer=buyer,
        url=_url(release, tender, planning),
        cpv=_cpv(tender, items),
        nuts=nuts_codes(r for it in items for r in _item_regions(it)),
        value=value,
        currency=currency,
        lots=tuple(_lot(lot, items) for lot in _list(tender.get("lots")) if isinstance(lot, dict)),
        deadline=parse_iso_date(_str(_dict(tender.get("tenderPeriod")).get("endDate"))),
        procedure_type=_METHOD.get(_str(tender.get("procurementMethod")) or ""),
        notice_type=kind,
        notice_subtype=tags[0] if tags else None,
        contract_nature=_NATURE.get(_str(tender.get("mainProcurementCategory")) or ""),
        sme_suitable=_bool(suitability.get("sme")),
        vcse_suitable=_bool(suitability.get("vcse")),
        reserved=_reserved(tender),
        framework=techniques.get("hasFrameworkAgreement") is True,
        dps=techniques.get("hasDynamicPurchasingSystem") is True,
        concession=legal_basis == "32014L0023",
        above_threshold=_above_threshold(tender, legal_basis),
        language=(_str(release.get("language")) or "en").lower()[:2],
        published_at=_published(release, tender, kind),
        changes=ocid if kind in (NoticeType.CHANGE, NoticeType.CANCELLATION) else None,
        procedure_id=ocid,
        buyer_country=country,
        texts=texts,
    )


def _ids(release: object) -> tuple[dict[str, Any], str | None, str]:
    """(the release, its ocid, its id or else the ocid); ParseError when it is no object or has
    neither id."""
    if not isinstance(release, dict):
        raise ParseError("not a JSON object")
    if release.get("_no_release"):
        raise ParseError("record without a compiledRelease or embedded release")
    ocid = _str(release.get("ocid"))
    rid = _str(release.get("id")) or ocid
    if not rid:
        raise ParseError("no ocid or release id")
    return release, ocid, rid


def _value(tender: dict[str, Any], texts: dict[str, str]) -> tuple[Decimal | None, str | None]:
    """The tender's value, else its minimum value (noted in the texts); no currency without a value."""
    value, currency = _money(tender.get("value"))
    if value is None:
        value, currency = _money(tender.get("minValue"))
        if value is not None:
            texts["value_is_minimum"] = "true"
    return (value, currency) if value is not None else (None, None)


def _cpv(tender: dict[str, Any], items: list[dict[str, Any]]) -> tuple[str, ...]:
    """CPV codes of the tender's classifications, then of its items'."""
    classifications = [tender.get("classification"), *_list(tender.get("additionalClassifications"))]
    return cpv_codes([*_cpv_ids(classifications), *(c for it in items for c in _item_cpv(it))])


def _reserved(tender: dict[str, Any]) -> tuple[str, ...]:
    """BT-71 codes of the tender's reserved participation, unique, in order."""
    given = _list(_dict(tender.get("otherRequirements")).get("reservedParticipation"))
    return tuple(dict.fromkeys(_RESERVED[r.lower()] for r in given if isinstance(r, str) and r.lower() in _RESERVED))


def _above_threshold(tender: dict[str, Any], legal_basis: str) -> bool | None:
    """True under a procurement directive or "above threshold", False "below threshold", else unknown."""
    method_details = (_str(tender.get("procurementMethodDetails")) or "").lower()
    if legal_basis in _DIRECTIVES or "above threshold" in method_details:
        return True
    if "below threshold" in method_details:
        return False
    return None


def notice_type(tags: list[str], tender: dict[str, Any], release: dict[str, Any]) -> NoticeType:
    """Release tags (or, for a compiled release, its content) → NoticeType."""
    status = (_str(tender.get("status")) or "").lower()
    t = {tag.lower() for tag in tags} - {"compiled"}
    if not t:  # compiled release: the furthest stage it has reached
        if status in ("cancelled", "withdrawn"):
            return NoticeType.CANCELLATION
        if release.get("awards") or release.get("contracts"):
            return NoticeType.AWARD
        if status == "active":
            return NoticeType.COMPETITION
        if status == "planning" or release.get("planning"):
            return NoticeType.PRIOR_INFORMATION
        return NoticeType.OTHER
    if "tendercancellation" in t or ("tender" in t and status in ("cancelled", "withdrawn")):
        return NoticeType.CANCELLATION
    if t & {"tenderamendment", "tenderupdate"}:
        return NoticeType.CHANGE
    if "tender" in t:
        return NoticeType.COMPETITION
    if any(tag.startswith(("award", "contract", "implementation")) for tag in t):
        return NoticeType.AWARD
    if any(tag.startswith("planning") for tag in t):
        return NoticeType.PRIOR_INFORMATION
    return NoticeType.OTHER


def fix_mojibake(value: str) -> str:
    """Repair UTF-8 text that was decoded as cp1252 ("â€¢" → "•", "Ã¸" → "ø").

    Only a lead character followed by the continuation characters one UTF-8
    character needs is replaced, and only if those bytes decode as UTF-8, so
    correct text ("Â", Welsh "â") is left alone. Unusual spaces become " ".
    """
    if not value:
        return value

    def repair(m: re.Match[str]) -> str:
        s = m.group(0)
        raw = bytes(_CP1252_BYTE[ch] for ch in s)
        need = 2 if raw[0] < 0xE0 else 3 if raw[0] < 0xF0 else 4
        if len(raw) < need:
            return s
        try:
            return raw[:need].decode("utf-8") + s[need:]
        except UnicodeDecodeError:
            return s

    return _SPACES.sub(" ", _MOJIBAKE.sub(repair, value))


def text(value: object) -> str:
    """Clean text of an OCDS string field, mojibake repaired."""
    return clean_text(fix_mojibake(value)) if isinstance(value, str) else ""


def _lot(lot: dict[str, Any], items: list[dict[str, Any]]) -> Lot:
    lot_id = _str(lot.get("id")) or ""
    related = [it for it in items if _str(it.get("relatedLot")) == lot_id]
    value, currency = _money(lot.get("value"))
    days = _dict(lot.get("contractPeriod")).get("durationInDays")
    months = None
    if isinstance(days, (int, float)) and not isinstance(days, bool) and days > 0:
        months = int((Decimal(str(days)) * 12 / 365).quantize(Decimal(1), rounding=ROUND_HALF_UP)) or 1
    suitability = _dict(lot.get("suitability"))
    return Lot(
        lot_id=lot_id,
        title=text(lot.get("title")),
        description=text(lot.get("description")),
        cpv=cpv_codes(c for it in related for c in _item_cpv(it)),
        nuts=nuts_codes(r for it in related for r in _item_regions(it)),
        value=value,
        currency=currency if value is not None else None,
        deadline=parse_iso_date(_str(_dict(lot.get("tenderPeriod")).get("endDate"))),
        sme_suitable=_bool(suitability.get("sme")),
        duration_months=months,
    )


def _published(release: dict[str, Any], tender: dict[str, Any], kind: NoticeType) -> datetime | None:
    """The tender's first publication for an opportunity; the release date for later stages."""
    opportunity = kind in (NoticeType.COMPETITION, NoticeType.PRIOR_INFORMATION)
    first = _str(tender.get("datePublished")) if opportunity else None
    return parse_iso_date(first or _str(release.get("date")))


def _buyer(release: dict[str, Any]) -> tuple[str, str | None]:
    parties = [p for p in _list(release.get("parties")) if isinstance(p, dict)]
    buyer_ref = _dict(release.get("buyer"))
    party = next((p for p in parties if buyer_ref.get("id") and p.get("id") == buyer_ref.get("id")), None)
    party = party or next((p for p in parties if "buyer" in _list(p.get("roles"))), None)
    name = text(buyer_ref.get("name")) or (text(party.get("name")) if party else "")
    country = None
    if party:
        address = _dict(party.get("address"))
        country = _COUNTRY.get((_str(address.get("countryName")) or "").lower())
        region = _str(address.get("region")) or ""
        if country is None and nuts_codes([region]) and region.startswith("UK"):
            country = "GBR"
    return name, country


def _url(release: dict[str, Any], tender: dict[str, Any], planning: dict[str, Any]) -> str | None:
    docs = [
        d
        for d in (
            *_list(tender.get("documents")),
            *_list(planning.get("documents")),
            *(d for a in _list(release.get("awards")) if isinstance(a, dict) for d in _list(a.get("documents"))),
        )
        if isinstance(d, dict) and (_str(d.get("url")) or "").startswith(("http://", "https://"))
    ]
    for doc in docs:
        if doc.get("documentType") in _NOTICE_DOCS:
            return _str(doc.get("url"))
    return _str(docs[0].get("url")) if docs else None


def _cpv_ids(classifications: list[Any]) -> list[str]:
    out = []
    for c in classifications:
        if isinstance(c, dict) and (_str(c.get("scheme")) or "").upper() == "CPV":
            ident = c.get("id")
            if isinstance(ident, (str, int)) and not isinstance(ident, bool):
                out.append(f"{ident:08d}" if isinstance(ident, int) else ident)
    return out


def _item_cpv(item: dict[str, Any]) -> list[str]:
    return _cpv_ids([item.get("classification"), *_list(item.get("additionalClassifications"))])


def _item_regions(item: dict[str, Any]) -> list[str]:
    addresses = [*_list(item.get("deliveryAddresses")), item.get("deliveryAddress")]
    return list(unique(_str(_dict(a).get("region")) or "" for a in addresses))


def _money(value: object) -> tuple[Decimal | None, str | None]:
    v = _dict(value)
    amount = v.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, (int, float, str)):
        return None, None
    parsed = parse_amount(amount)
    if parsed is not None and parsed == parsed.to_integral():
        parsed = parsed.quantize(Decimal(1))
    return parsed, (_str(v.get("currency")) or None)


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None
