"""TED Search API v3: the search request body and its JSON response → notices.

The response is ``{"notices": [...], "totalNoticeCount": N, "iterationNextToken": ...}``
and each notice holds the fields asked for in ``FIELDS`` plus ``links``. Shapes
seen in real responses: multilingual texts as ``{"dan": "...", "eng": "..."}``
(3-letter language keys), buyer names as ``{"swe": ["A", "B"]}``, CPV arrays
with duplicates, per-lot arrays of dates like "2026-11-17+02:00", values as a
string, number or list. Older responses use the legacy aliases ``ND`` /
``PD`` for the publication number and date.

Choices:

* ``title``: Danish first, then English, then any language, taking the
  procedure title (``title-proc``) before TED's composed ``notice-title``
  ("Country – CPV label – title"); English goes to ``texts["title_en"]``.
  ``language`` is the chosen title's language.
* ``deadline``: the earliest lot deadline (``deadline-receipt-tender-date-lot``
  with the time from ``...-time-lot`` at the same index when given, else 23:59).
* ``value``: ``estimated-value-proc``; else the sum of the lot estimates
  when every lot has one (as many as ``identifier-lot``) in one currency.
* ``framework`` / ``dps`` when any lot's ``framework-agreement-lot`` /
  ``dps-usage-lot`` is not "none"; ``concession`` from a concession
  ``notice-subtype`` or the concessions directive as ``legal-basis-proc``;
  ``above_threshold`` when the legal basis is a procurement directive.
* ``notice_type`` from ``notice-type``: cn-*, pin-cfc-* (a call for
  competition), subco, qu-sy → COMPETITION; pin-*, pmc → PRIOR_INFORMATION;
  can-*, veat, compl → AWARD; corr → CHANGE.
* ``nuts``: only real NUTS codes from ``place-of-performance`` (it mixes them
  with alpha-3 country codes).
* ``url``: the Danish HTML page, else English, else any, else the TED page
  built from the publication number.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage
from jobs.ingest.parse.codes import cpv_codes, nuts_codes, unique
from jobs.ingest.parse.danish import yes_no
from jobs.ingest.parse.text import clean_text, combine_date_time, parse_amount, parse_iso_date
from jobs.notice import Notice, NoticeType

SEARCH_URL = "https://api.ted.europa.eu/v3/notices/search"

# What we ask TED for: every field read below.
FIELDS = [
    "publication-number",
    "publication-date",
    "notice-identifier",
    "notice-version",
    "procedure-identifier",
    "notice-type",
    "procedure-type",
    "contract-nature",
    "notice-subtype",
    "legal-basis-proc",
    "notice-title",
    "title-proc",
    "description-proc",
    "buyer-name",
    "buyer-country",
    "classification-cpv",
    "place-of-performance",
    "deadline-receipt-tender-date-lot",
    "deadline-receipt-tender-time-lot",
    "estimated-value-proc",
    "estimated-value-cur-proc",
    "estimated-value-lot",
    "estimated-value-cur-lot",
    "sme-lot",
    "reserved-procurement-lot",
    "identifier-lot",
    "framework-agreement-lot",
    "dps-usage-lot",
    "links",
]

# ISO 639-2/3 (TED's language keys) → ISO 639-1.
LANGUAGES = {
    "bul": "bg", "ces": "cs", "dan": "da", "deu": "de", "ell": "el", "eng": "en", "est": "et",
    "fin": "fi", "fra": "fr", "gle": "ga", "hrv": "hr", "hun": "hu", "ita": "it", "lav": "lv",
    "lit": "lt", "mlt": "mt", "nld": "nl", "pol": "pl", "por": "pt", "ron": "ro", "slk": "sk",
    "slv": "sl", "spa": "es", "swe": "sv", "nor": "no", "isl": "is",
}  # fmt: skip
_PREFERRED = ("dan", "eng")

_COMPETITION = {"subco", "qu-sy"}
_CONCESSION_SUBTYPES = {"14", "19", "28", "32", "35", "40"}
_DIRECTIVES = {"32014L0023", "32014L0024", "32014L0025", "32009L0081"}
_PRIOR = {"pmc"}
_AWARD = {"veat", "compl"}


def build_search_body(query: str, page_size: int, token: str | None) -> dict[str, Any]:
    """The POST body for ``SEARCH_URL``: expert ``query``, our ``FIELDS``, iteration paging."""
    body: dict[str, Any] = {
        "query": query,
        "fields": list(FIELDS),
        "limit": page_size,
        "paginationMode": "ITERATION",
    }
    if token:
        body["iterationNextToken"] = token
    return body


def xml_url(notice_or_pubnumber: Notice | str) -> str:
    """Where TED serves a notice's eForms XML, from a Notice (its id) or a publication number."""
    pub = notice_or_pubnumber.id if isinstance(notice_or_pubnumber, Notice) else notice_or_pubnumber
    pub = pub.strip()
    if not pub:
        raise ValueError("empty TED publication number")
    return f"https://ted.europa.eu/en/notice/{pub}/xml"


def notice_page_url(pub: str, lang: str = "da") -> str:
    return f"https://ted.europa.eu/{lang}/notice/-/detail/{pub}"


def parse(data: bytes, *, source: str = "ted") -> ParsedPage:
    """One TED Search API v3 response page."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as e:
        raise ParseError(f"TED response is not valid JSON: {e}") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("notices"), list):
        raise ParseError("not a TED search response: no 'notices' list")
    page = ParsedPage(format="ted")
    token = doc.get("iterationNextToken")
    page.next_token = token if isinstance(token, str) and token else None
    total = doc.get("totalNoticeCount")
    page.total = total if isinstance(total, int) and not isinstance(total, bool) else None
    seen: set[str] = set()
    for i, raw in enumerate(doc["notices"]):
        try:
            notice = notice_from_hit(raw, source=source)
        except ParseError as e:
            ident = raw.get("publication-number") if isinstance(raw, dict) else None
            page.item_errors.append(f"notice {i}{f' ({ident})' if ident else ''}: {e}")
            continue
        if notice.id in seen:
            page.item_errors.append(f"notice {i} ({notice.id}): repeats an earlier notice of this page; skipped")
            continue
        seen.add(notice.id)
        page.notices.append(notice)
    return page


def notice_from_hit(raw: object, *, source: str = "ted") -> Notice:
    """One search hit → Notice (ParseError when it has no publication number).

    A hit without any title (only the publication number was asked for) gets
    the title "TED-bekendtgørelse <number>" and ``texts["title_missing"]``."""
    if not isinstance(raw, dict):
        raise ParseError("not a JSON object")
    pub = _first_str(raw.get("publication-number")) or _first_str(raw.get("ND"))
    if not pub:
        raise ParseError("no publication-number")
    texts: dict[str, str] = {}
    title, lang, description = _texts(raw, pub, texts)
    eforms_id = _first_str(raw.get("notice-identifier"))
    if eforms_id:
        texts["eforms_notice_id"] = eforms_id  # the eForms notice UUID (BT-701), as udbud.dk knows it
    buyers = _buyer_names(raw.get("buyer-name"))
    if len(buyers) > 1:
        texts["buyers"] = "; ".join(buyers)

    value, currency = _value(raw)
    notice_type_code = _first_str(raw.get("notice-type"))
    countries = _strings(raw.get("buyer-country"))
    sme, reserved, framework, dps = _lot_facts(raw)
    subtype = _first_str(raw.get("notice-subtype"))
    legal_basis = (_first_str(raw.get("legal-basis-proc")) or "").upper()

    return Notice(
        source=source,
        id=pub,
        title=title,
        version=_first_str(raw.get("notice-version")) or "",
        description=description,
        buyer=buyers[0] if buyers else "",
        url=_html_link(raw.get("links")) or notice_page_url(pub),
        cpv=cpv_codes(_strings(raw.get("classification-cpv"))),
        nuts=nuts_codes(_strings(raw.get("place-of-performance")), strict=True),
        value=value,
        currency=currency,
        deadline=_deadline(raw),
        procedure_type=_first_str(raw.get("procedure-type")),
        notice_type=notice_type(notice_type_code),
        notice_subtype=subtype,
        form_type=notice_type_code,
        contract_nature=_first_str(raw.get("contract-nature")),
        reserved=reserved,
        sme_suitable=sme,
        framework=framework,
        dps=dps,
        concession=subtype in _CONCESSION_SUBTYPES or legal_basis == "32014L0023",
        above_threshold=True if legal_basis in _DIRECTIVES else False if legal_basis == "OTHER" else None,
        language=LANGUAGES.get(lang, "da") if lang else "da",
        published_at=parse_iso_date(_first_str(raw.get("publication-date")) or _first_str(raw.get("PD"))),
        procedure_id=_first_str(raw.get("procedure-identifier")),
        buyer_country=countries[0] if countries else None,
        texts=texts,
    )


def _texts(raw: dict[str, Any], pub: str, texts: dict[str, str]) -> tuple[str, str, str]:
    """(title, its TED language code, description); the English ones and a missing title are
    noted in ``texts``."""
    title, lang, title_en = _pick_title(raw.get("title-proc"), raw.get("notice-title"))
    if not title:
        title, lang, title_en = _pick_title(raw.get("TI"), None)
    if not title:  # a bare hit (fields not asked for): still worth fetching the XML for
        title, lang = f"TED-bekendtgørelse {pub}", "dan"
        texts["title_missing"] = "true"
    if title_en and title_en != title:
        texts["title_en"] = title_en
    description, _, description_en = _pick_text(raw.get("description-proc"))
    if description_en and description_en != description:
        texts["description_en"] = description_en
    return title, lang, description


def _lot_facts(raw: dict[str, Any]) -> tuple[bool | None, tuple[str, ...], bool, bool]:
    """(SME-suitable, reserved codes, framework, DPS) from the per-lot fields: suitable when any
    lot is, unknown when no lot says."""
    sme = [b for b in (yes_no(v) for v in _list(raw.get("sme-lot"))) if b is not None]
    reserved = [r for r in _strings(raw.get("reserved-procurement-lot")) if r.lower() != "none"]
    framework = [c for c in _strings(raw.get("framework-agreement-lot")) if c.lower() != "none"]
    dps = [c for c in _strings(raw.get("dps-usage-lot")) if c.lower() in ("dps-list", "dps-nlist")]
    return (any(sme) if sme else None), unique(reserved), bool(framework), bool(dps)


def notice_type(code: str | None) -> NoticeType:
    """TED's notice-type code (eForms BT-02) → NoticeType."""
    if not code:
        return NoticeType.OTHER
    c = code.lower()
    if c.startswith("cn-") or c.startswith("pin-cfc") or c in _COMPETITION:
        return NoticeType.COMPETITION
    if c.startswith("pin-") or c in _PRIOR:
        return NoticeType.PRIOR_INFORMATION
    if c == "can-modif":
        return NoticeType.OTHER  # a contract modification, not a new award
    if c.startswith("can-") or c in _AWARD:
        return NoticeType.AWARD
    if c.startswith("corr"):
        return NoticeType.CHANGE
    return NoticeType.OTHER


def _pick_text(value: object) -> tuple[str, str, str]:
    """(text, its language, English text) from a language map; Danish first."""
    if isinstance(value, str):
        return clean_text(value), "", ""
    if not isinstance(value, dict):
        return "", "", ""
    texts = {str(k).lower(): clean_text(_first_str(v)) for k, v in value.items()}
    texts = {k: v for k, v in texts.items() if v}
    english = texts.get("eng", "")
    for lang in (*_PREFERRED, *texts):
        if texts.get(lang):
            return texts[lang], lang, english
    return "", "", english


def _pick_title(proc: object, composed: object) -> tuple[str, str, str]:
    p_text, p_langs, p_en = _lang_map(proc)
    c_text, c_langs, c_en = _lang_map(composed)
    for lang in _PREFERRED:
        for texts in (p_text, c_text):
            if texts.get(lang):
                return texts[lang], lang, p_en or c_en
    for texts, langs in ((p_text, p_langs), (c_text, c_langs)):
        if langs:
            return texts[langs[0]], langs[0], p_en or c_en
    return "", "", ""


def _lang_map(value: object) -> tuple[dict[str, str], list[str], str]:
    if isinstance(value, str):
        value = {"": value}
    if not isinstance(value, dict):
        return {}, [], ""
    texts = {str(k).lower(): clean_text(_first_str(v)) for k, v in value.items()}
    texts = {k: v for k, v in texts.items() if v}
    return texts, list(texts), texts.get("eng", "")


def _buyer_names(value: object) -> list[str]:
    if isinstance(value, dict):
        for lang in (*_PREFERRED, *value):
            names = _strings(value.get(lang))
            if names:
                return list(unique(clean_text(n) for n in names))
        return []
    return list(unique(clean_text(n) for n in _strings(value)))


def _value(raw: dict[str, Any]) -> tuple[Decimal | None, str | None]:
    amount = parse_amount(_first_str(raw.get("estimated-value-proc")))
    if amount is not None:
        return amount, (_first_str(raw.get("estimated-value-cur-proc")) or None)
    values = _list(raw.get("estimated-value-lot"))
    currencies = set(_strings(raw.get("estimated-value-cur-lot")))
    amounts = [parse_amount(_scalar(v)) for v in values]
    known = [a for a in amounts if a is not None]
    lots = len(set(_strings(raw.get("identifier-lot"))))
    if not known or len(currencies) > 1 or len(known) < len(amounts) or (lots and len(known) < lots):
        return None, None
    return sum(known, Decimal(0)), (currencies.pop() if currencies else None)


def _deadline(raw: dict[str, Any]) -> datetime | None:
    dates = _strings(raw.get("deadline-receipt-tender-date-lot"))
    times = _strings(raw.get("deadline-receipt-tender-time-lot"))
    aligned = len(times) == len(dates)
    found = [combine_date_time(d, times[i] if aligned else None) for i, d in enumerate(dates)]
    known = [d for d in found if d is not None]
    return min(known) if known else None


def _html_link(links: object) -> str | None:
    if not isinstance(links, dict):
        return None
    html = links.get("html")
    if not isinstance(html, dict):
        return None
    by_lang = {str(k).upper(): v for k, v in html.items() if isinstance(v, str) and v.startswith("http")}
    for lang in ("DAN", "ENG", *by_lang):
        if lang in by_lang:
            return str(by_lang[lang])
    return None


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _scalar(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float, Decimal)):
        return str(value)
    return None


def _strings(value: object) -> list[str]:
    return [s for s in (_scalar(v) for v in _list(value)) if s]


def _first_str(value: object) -> str | None:
    items = _strings(value)
    return items[0].strip() if items else None
