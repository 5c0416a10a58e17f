"""Municipal tender list pages (HTML) → notices, by configured CSS selectors.

Many municipalities publish their tenders as ordinary web pages, not feeds: Roskilde's
"Udbud" page has one list page per category, each item a heading, a link to the
tender's own page, a date and sometimes a deadline. A source of kind ``html`` names,
as CSS selectors, where the items are and where each field is inside an item:

==================  ==============================================================
``item``            each tender on the list page (required)
``title``           the title (required)
``link``            the tender's own page (``href`` of the element, or of the first
                    ``a[href]`` inside it); relative links are resolved
``id``              a stable id; default: the link, else a hash of the title
``date``            publication date
``deadline``        tender deadline
``value``           estimated value ("700.000 kr.", "2,5 mio. kr.")
``description``     the text
``buyer``           the contracting authority
``cpv``             text holding CPV codes ("90911300-9")
``location``        place of delivery (a region name, see ``danish.region_nuts``)
``type``            words that say what kind of notice it is (see ``feed._kind``)
==================  ==============================================================

A selector may end in ``@name`` to read an attribute instead of the text
(``time@datetime``). With ``follow_links`` the adapter also reads each item's own page
with ``detail_selectors`` (the same field names, without ``item``); what the item's
page says wins over the list.

Dates are Danish ("12-03-2024 kl. 12.00", "12. marts 2024 kl. 12:00", "12.03.2024")
or ISO; a deadline given as a day is open all that day (23:59 Copenhagen time).
Items have no version: the hash of what the selectors read is the version, so an
item whose title, deadline or text changes is a changed notice.

Pages are untrusted: the bytes are decoded by the HTTP charset, a byte-order mark or
the page's ``<meta charset>``, except that bytes that are valid UTF-8 are read as UTF-8
even when the page claims a single-byte charset, and bytes that are not valid in the
declared charset fall back to windows-1252. ``<script>``, ``<style>``, ``<template>``
and comments never reach a field; libxml2's HTML parser does not expand entities
declared in a DOCTYPE; the HTTP fetch caps the size; at most ``MAX_ITEMS`` items are
read from one page.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage
from jobs.ingest.parse.codes import cpv_codes
from jobs.ingest.parse.danish import parse_dk_amount, parse_dk_datetime, region_nuts
from jobs.ingest.parse.text import clean_text
from jobs.ingest.parse.udbud import guess_language
from jobs.ingest.settings import Selector, compile_selector
from jobs.notice import Notice, NoticeType

MAX_ITEMS = 2000
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_CPV_IN_TEXT = re.compile(r"(?<!\d)\d{8}(?:-\d)?(?!\d)")
_TYPE_WORDS = (
    (re.compile(r"annuller|aflys", re.IGNORECASE), NoticeType.CANCELLATION),
    (re.compile(r"rettelse|berigtigelse|ændring", re.IGNORECASE), NoticeType.CHANGE),
    (re.compile(r"indkøbsplan|markedsdialog|forhåndsmeddelelse|markedsafdækning", re.IGNORECASE),
     NoticeType.PRIOR_INFORMATION),
    (re.compile(r"tildel|indgåede kontrakter", re.IGNORECASE), NoticeType.AWARD),
)  # fmt: skip


# --- decoding and parsing ------------------------------------------------------------


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """The page's text (see the module docstring for how the charset is chosen)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    declared = _charset(content_type) or _meta_charset(data)
    try:
        as_utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    if as_utf8 is not None and (declared is None or declared in ("utf-8", "ascii") or not as_utf8.isascii()):
        return as_utf8  # valid UTF-8 with non-ASCII bytes is UTF-8, whatever the page claims
    if declared and declared not in ("utf-8",):
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace")


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return _codec(m.group(1)) if m else None


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return _codec(m.group(1).decode("ascii", "ignore")) if m else None


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Browsers read "latin-1" and "ascii" pages as windows-1252 (WHATWG Encoding), and so do we.
    return "cp1252" if codec in ("latin-1", "iso8859-1") else codec


def parse_page(data: bytes, *, content_type: str | None = None) -> Any:
    """An lxml HTML document without scripts, styles, templates and comments."""
    if not data.strip():
        raise ParseError("empty page")
    text = _XML_DECL.sub("", decode_html(data, content_type), count=1)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        doc = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as e:  # e.g. "Document is empty"
        raise ParseError(f"not a readable HTML page ({e})") from e
    etree.strip_elements(doc, "script", "style", "template", "noscript", with_tail=False)
    return doc


def _read(el: Any, selector: Selector, *, base_url: str, is_link: bool) -> str:
    """The first non-empty value the selector finds inside ``el``."""
    for found in selector.values(el):
        if selector.attr:
            value = found.get(selector.attr) or ""
        elif is_link:
            value = found.get("href") or ""
            if not value:
                inner = found.xpath(".//a[@href]")
                value = inner[0].get("href") if inner else ""
        else:
            value = found.text_content()
        value = value.strip()
        if not value:
            continue
        if is_link:
            return _absolute(value, base_url)
        return value
    return ""


def _absolute(link: str, base_url: str) -> str:
    url = urljoin(base_url, link.strip())
    return url if urlsplit(url).scheme in ("http", "https") else ""


def read_fields(el: Any, selectors: Mapping[str, str], *, base_url: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, text in selectors.items():
        if name == "item":
            continue
        value = _read(el, compile_selector(text), base_url=base_url, is_link=name == "link")
        if value:
            out[name] = value
    return out


# --- fields → Notice -------------------------------------------------------------------


def fields_to_notice(values: Mapping[str, str], *, source: str) -> Notice:
    """One item's field texts → Notice (ParseError when it has no title)."""
    title = clean_text(values.get("title"), limit=500)
    if not title:
        raise ParseError("no title")
    link = values.get("link") or None
    ident = clean_text(values.get("id"), limit=500) or link
    if not ident:
        ident = "html:" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:16]
    description = clean_text(values.get("description"))
    deadline = parse_dk_datetime(values.get("deadline"), end_of_day=True)
    value, currency = parse_dk_amount(values.get("value"), default_currency="DKK")
    kind = _kind(values.get("type") or title, deadline)
    return Notice(
        source=source,
        id=ident,
        title=title,
        description=description,
        buyer=clean_text(values.get("buyer"), limit=300),
        url=link,
        cpv=cpv_codes(_CPV_IN_TEXT.findall(values.get("cpv") or "")),
        nuts=region_nuts(values.get("location")),
        value=value,
        currency=currency if value is not None else None,
        deadline=deadline,
        notice_type=kind,
        language=guess_language(f"{title} {description}"),
        published_at=parse_dk_datetime(values.get("date")),
        buyer_country="DNK",
    )


def _kind(text: str, deadline: datetime | None) -> NoticeType:
    for pattern, kind in _TYPE_WORDS:
        if pattern.search(text):
            return kind
    return NoticeType.COMPETITION if deadline else NoticeType.OTHER


@dataclass
class ListItem:
    """An item of a list page: its fields as read, and the notice they make."""

    values: dict[str, str]
    notice: Notice


def parse_list(
    data: bytes,
    selectors: Mapping[str, str],
    *,
    source: str,
    base_url: str,
    content_type: str | None = None,
) -> tuple[ParsedPage, list[ListItem]]:
    """A list page → notices; an item that cannot be read is an item error."""
    doc = parse_page(data, content_type=content_type)
    base = _base_href(doc, base_url)
    elements = compile_selector(selectors["item"]).values(doc)
    page = ParsedPage(format="html")
    items: list[ListItem] = []
    if not elements:
        raise ParseError(f"no item matches the selector {selectors['item']!r} (has the page changed?)")
    if len(elements) > MAX_ITEMS:
        page.item_errors.append(f"{len(elements)} items on the page; read the first {MAX_ITEMS}")
        elements = elements[:MAX_ITEMS]
    seen: set[str] = set()
    for i, el in enumerate(elements, start=1):
        values = read_fields(el, selectors, base_url=base)
        try:
            notice = fields_to_notice(values, source=source)
        except ParseError as e:
            page.item_errors.append(f"item {i}: {e}; skipped")
            continue
        if notice.id in seen:
            page.item_errors.append(f"item {i} ({notice.id}): repeats an earlier item; skipped")
            continue
        seen.add(notice.id)
        page.notices.append(notice)
        items.append(ListItem(values, notice))
    return page, items


def merge_detail(
    item: ListItem,
    data: bytes,
    selectors: Mapping[str, str],
    *,
    source: str,
    page_url: str,
    content_type: str | None = None,
) -> Notice:
    """The item as its own page describes it: the page's fields win over the list's."""
    doc = parse_page(data, content_type=content_type)
    detail = read_fields(doc, selectors, base_url=_base_href(doc, page_url))
    merged = {**item.values, **detail}
    merged.setdefault("link", page_url)
    notice = fields_to_notice(merged, source=source)
    # the identity stays the list's, so that following links later never makes it a new notice
    return replace(notice, id=item.notice.id)


def _base_href(doc: Any, url: str) -> str:
    base = doc.xpath("//base[@href]/@href")
    return urljoin(url, str(base[0]).strip()) if base else url
