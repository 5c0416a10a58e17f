"""udbud.dk: the data service (eForms inside JSON) and scraped "Nyheder" records.

``parse`` reads one page of udbud.dk's data service for system providers, as a public
third-party design note describes it; **it has not been tried against the live
service** (access is granted per organisation, see docs/sources.md). The request::

    GET https://api.udbud.dk/udbud/ekstern-data/bekendtgoerelse/v1/fraKilde/{DKUDBUD|TED}
        ?page=1&size=100&since=2024-03-01T10:00:00      (Authorization: Bearer <token>)

and the page, with the field names public third-party client code reads::

    {
      "bekendtgoerelser": [
        {
          "noticeId": "6a26cc22-a211-41ea-867f-c34b4d726154",
          "noticeVersion": "01",
          "noticePublicationNumber": "00258225-2024",          (TED notices; absent for national ones)
          "registreringsTidspunkt": "2024-09-20T12:00:00",     (when udbud.dk registered it)
          "bekendtgoerelseXml": "<base64 of the eForms notice XML>"
        }
      ],
      "totalt": 23660                                           (optional; "total" is read too)
    }

Pages are numbered from 1; the last page is short or empty, or the service answers
HTTP 416 for a page past the end (``jobs/ingest/sources.py`` pages and keeps the
``since`` cursor). Each item's XML goes through the eForms parser
(``jobs.ingest.parse.eforms.parse_notice``); the envelope's id and version fill what the
XML lacks. An item with bad base64 or bad XML goes to ``item_errors`` and the others
are kept.

``parse_jsonl`` reads the "Nyheder" records scraped from udbud.dk (one JSON
object a line, Danish field names: Titel, Ordregiver, Tilbudsfrist
"08-11-2021 kl. 12.00", Annonceret, "CPV kode" "09310000-5 - Elektricitet",
"Skønnet kontraktsum" "700000 DKK", "SMV venligt" Ja/Nej, Udbudstype,
Opgavebeskrivelse, Leveringssted, ...). Choices:

* A record has no stable id, so ``id`` is derived: "udbud-dk-" + the first 16
  hex digits of SHA-1 over Titel, Ordregiver and Annonceret (as published,
  joined by U+001F). The same record always gets the same id; a record whose
  title is edited becomes a new notice.
* Dates are Copenhagen local time. A deadline given as a day only
  ("09-11-2021", the EU notices) is read as 23:59 that day.
* EU notices end their title with the OJ S reference ("... 2021/S 196-509919");
  it is cut from the title, kept in ``texts["ojs_reference"]`` and gives the
  TED link (publication number "509919-2021") as ``url``.
* "Indkøbsplaner" (procurement plans) are PRIOR_INFORMATION; all else COMPETITION.
* An EU notice's title is the Danish label of its main CPV code: without a
  "CPV kode", that code is taken from the title (``codes.cpv_from_label``).
  "EU-udbud" is ``above_threshold``; "Udbud under tærskelværdierne" is not;
  ``texts["title_is_cpv"]`` names the code when the title was read as its label.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import re
from datetime import datetime
from typing import Any

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage
from jobs.ingest.parse.codes import cpv_codes, cpv_from_label
from jobs.ingest.parse.danish import (
    CONTRACT_NATURE,
    PROCEDURE_TYPE,
    parse_dk_amount,
    parse_dk_datetime,
    region_nuts,
    yes_no,
)
from jobs.ingest.parse.text import clean_text, parse_iso_date
from jobs.notice import Notice, NoticeType

_OJS = re.compile(r"\s*\b((\d{4})/S\s*\d{1,3}-(\d{6}))\s*$")
_DANISH_HINTS = re.compile(r"[æøå]|\b(?:og|af|til|med|der|det|en|et|som|er|vil|udbud)\b", re.IGNORECASE)
_ENGLISH_HINTS = re.compile(r"\b(?:the|and|of|would|like|an|with|please|see|is|are|will)\b", re.IGNORECASE)


# --- the data service ----------------------------------------------------------------

LIST_KEY = "bekendtgoerelser"
XML_KEY = "bekendtgoerelseXml"
_ENVELOPE_TEXTS = (
    ("noticePublicationNumber", "ted_publication_number"),
    ("registreringsTidspunkt", "udbud_registered"),
)


def parse(data: bytes, *, source: str = "udbud.dk") -> ParsedPage:
    """One page of the udbud.dk data service (shape in the module docstring)."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as e:
        raise ParseError(f"udbud.dk page is not valid JSON: {e}") from e
    if not isinstance(doc, dict):
        raise ParseError("udbud.dk page is not a JSON object")
    items = doc.get(LIST_KEY)
    if not isinstance(items, list):
        raise ParseError(f"udbud.dk page without a '{LIST_KEY}' list")
    page = ParsedPage(format="udbud")
    total = doc.get("totalt", doc.get("total"))
    if isinstance(total, int) and not isinstance(total, bool):
        page.total = total
    page.items = len(items)
    for i, item in enumerate(items):
        try:
            page.notices.append(_item(item, source=source))
        except ParseError as e:
            ident = item.get("noticeId") if isinstance(item, dict) else None
            page.item_errors.append(f"item {i}{f' ({ident})' if ident else ''}: {e}")
    return page


def _item(item: object, *, source: str) -> Notice:
    from jobs.ingest.parse import eforms  # lazily: only this format needs it

    if not isinstance(item, dict):
        raise ParseError("not a JSON object")
    body = item.get(XML_KEY)
    if not isinstance(body, str) or not body.strip():
        raise ParseError(f"no eForms XML in the item (expected a base64 '{XML_KEY}')")
    notice = eforms.parse_notice(_decode_body(body), source=source)
    texts = dict(notice.texts)
    for key, name in (
        ("noticePublicationNumber", "ted_publication_number"),
        ("registreringsTidspunkt", "udbud_registered"),
    ):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            texts[name] = value.strip()
    ident, version = item.get("noticeId"), item.get("noticeVersion")
    return dataclasses.replace(
        notice,
        id=notice.id or (str(ident) if ident else ""),
        version=notice.version or (str(version) if version else ""),
        texts=texts,
    )


def registered_at(notice: Notice) -> datetime | None:
    """When udbud.dk registered the notice (the ``since`` cursor is built from these)."""
    return parse_iso_date(notice.texts.get("udbud_registered"))


def _decode_body(body: str) -> bytes:
    s = body.strip()
    if s.startswith("<"):
        return s.encode("utf-8")
    try:
        xml = base64.b64decode("".join(s.split()), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ParseError(f"eForms XML is not valid base64 ({e})") from e
    if not xml.strip():
        raise ParseError("eForms XML is empty")
    return xml


# --- scraped "Nyheder" records (JSON lines) -------------------------------------------


def parse_jsonl(data: bytes, *, source: str = "udbud.dk") -> ParsedPage:
    """udbud.dk records, one JSON object a line (see the module docstring)."""
    page = ParsedPage(format="udbud-jsonl")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(f"udbud.dk records are not UTF-8: {e}") from e
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as e:
            page.item_errors.append(f"line {n}: malformed JSON ({e})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("Titel"), str):
            page.item_errors.append(f"line {n}: not a udbud.dk record (no 'Titel')")
            continue
        try:
            page.notices.append(record_to_notice(record, source=source))
        except ParseError as e:
            page.item_errors.append(f"line {n}: {e}")
    if not page.notices and page.item_errors:
        raise ParseError(f"no udbud.dk record could be read ({page.item_errors[0]})")
    return page


def record_id(record: dict[str, Any]) -> str:
    """The derived, deterministic id of a scraped record (see the module docstring)."""
    key = "\x1f".join(str(record.get(k) or "") for k in ("Titel", "Ordregiver", "Annonceret"))
    return "udbud-dk-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def record_to_notice(record: dict[str, Any], *, source: str = "udbud.dk") -> Notice:
    """One scraped udbud.dk record → Notice."""

    def field(name: str) -> str:
        value = record.get(name)
        return value.strip() if isinstance(value, str) else ""

    title = clean_text(field("Titel"))
    texts: dict[str, str] = {}
    url: str | None = None
    m = _OJS.search(title)
    if m:
        texts["ojs_reference"] = m.group(1)
        url = f"https://ted.europa.eu/da/notice/-/detail/{int(m.group(3))}-{m.group(2)}"
        title = title[: m.start()].strip()
    title = title.lstrip("-– ").strip()
    if not title:
        raise ParseError("record with an empty 'Titel'")
    description = clean_text(field("Opgavebeskrivelse"))
    for link in (field("Link til udbudsmateriale"), field("Adresse for modtagelse af tilbud")):
        if link.startswith(("http://", "https://")):
            url = link
            break

    kind = field("Udbudstype")
    notice_type = NoticeType.PRIOR_INFORMATION if kind.lower() == "indkøbsplaner" else NoticeType.COMPETITION
    value, currency = parse_dk_amount(field("Skønnet kontraktsum"), default_currency="DKK")
    for name, key in (("Dokumenttype", "document_type"), ("Tildelingskriterier", "award_criteria")):
        if field(name):
            texts[key] = clean_text(field(name))

    cpv = cpv_codes([field("CPV kode")])
    if not cpv and (label_code := cpv_from_label(title)):
        cpv = (label_code,)
        texts["title_is_cpv"] = label_code
    return Notice(
        source=source,
        id=record_id(record),
        title=title,
        description=description,
        buyer=clean_text(field("Ordregiver")),
        url=url,
        cpv=cpv,
        nuts=region_nuts(field("Leveringssted")),
        value=value,
        currency=currency if value is not None else None,
        deadline=parse_dk_datetime(field("Deadline") or field("Tilbudsfrist"), end_of_day=True),
        procedure_type=PROCEDURE_TYPE.get(field("Udbudsform").lower()),
        notice_type=notice_type,
        notice_subtype=kind or None,
        above_threshold=True if kind.lower() == "eu-udbud" else False if "under tærskel" in kind.lower() else None,
        contract_nature=CONTRACT_NATURE.get(field("Opgavetype").lower()),
        sme_suitable=yes_no(field("SMV venligt")),
        language=guess_language(f"{title} {description}"),
        published_at=parse_dk_datetime(field("Annonceret")),
        buyer_country="DNK",
        texts=texts,
    )


def guess_language(text: str) -> str:
    """Language of a udbud.dk text, "da" or "en" (some are in English); "da" when unsure."""
    danish = len(_DANISH_HINTS.findall(text))
    english = len(_ENGLISH_HINTS.findall(text))
    return "en" if english > danish else "da"
