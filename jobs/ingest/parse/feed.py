"""RSS 2.0 / Atom / RSS 1.0 tender feeds → notices, via feedparser.

feedparser only ever gets the bytes in a ``BytesIO`` (never a URL or a str, so
it never fetches anything), after ``xmlsafe.refuse_dtd`` has refused entity
declarations and external DTDs.

Tender data in a feed item is read from two places:

1. The udbudsbot feed namespace ``xmlns:udbud="https://udbudsbot.dk/ns/feed/1.0"``
   (any prefix; one element of each name per item, all optional):

   ==================  ============================================================
   ``udbud:deadline``  tender deadline: ISO 8601 with offset, or "08-11-2021 kl. 12.00"
                       (Copenhagen time)
   ``udbud:value``     estimated value: "700000", "700.000 kr.", "100000 DKK"
   ``udbud:currency``  ISO 4217 code when ``udbud:value`` has none (default DKK)
   ``udbud:cpv``       CPV codes separated by spaces or commas (check digits allowed)
   ``udbud:nuts``      NUTS codes separated by spaces or commas
   ``udbud:buyer``     the contracting authority
   ``udbud:type``      competition | prior_information | change | cancellation | award | other
   ``udbud:reserved``  BT-71 reserved-procurement codes, e.g. "res-ws res-pub-ser"
   ``udbud:social``    BT-06 / BT-775 codes, e.g. "soc-obj"
   ``udbud:smv``       Ja/Nej: suitable for SMEs
   ``udbud:vcse``      Ja/Nej: suitable for social-economy / voluntary enterprises
   ``udbud:procedure`` the procedure id (e.g. an eForms ContractFolderID)
   ``udbud:country``   buyer country, ISO 3166 alpha-3 ("DNK")
   ==================  ============================================================

   (feedparser keeps the text of namespaced elements but not their
   attributes, so the currency is an element of its own, not an attribute.)

2. Plain feed conventions, used for whatever the namespace does not give:
   ``<category>`` / ``atom:category`` terms that start with a CPV code
   ("90910000-9 - Rengøring"); ``dc:creator`` / ``author`` (else the feed's
   author) as the buyer; and labelled lines in the description, as Danish
   portals write them: "Ordregiver:", "Tilbudsfrist: 08-11-2021 kl. 12.00",
   "Skønnet kontraktsum: 700.000 kr.", "SMV venligt: Ja", "Leveringssted:
   Østjylland", "CPV:". With no CPV code at all, a title that is exactly the
   Danish label of a CPV code (udbud.dk names EU notices so, "Rengøring af
   skoler 2021/S 196-509919") gives that code, noted in
   ``texts["title_is_cpv"]``. Without ``udbud:type`` an item is a COMPETITION when
   it has a deadline, unless its title says otherwise (indkøbsplan /
   markedsdialog → PRIOR_INFORMATION, rettelse → CHANGE, annulleret/aflyst →
   CANCELLATION, tildeling → AWARD); else OTHER.

A document feedparser cannot read (truncated before the first item, an HTML
page, not XML) raises ParseError; a feed that is broken further down gives
the items before the break. ``refuse_dtd`` refuses entity declarations first.

``id`` is the guid / atom:id, else the link. ``version`` is the item's
``updated`` time when it has one (an edited Atom entry is a new version).
HTML in titles and descriptions is reduced to text.
"""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage
from jobs.ingest.parse.codes import cpv_codes, cpv_from_label, nuts_codes, unique
from jobs.ingest.parse.danish import labelled, parse_dk_amount, parse_dk_datetime, plain_lines, region_nuts, yes_no
from jobs.ingest.parse.text import clean_text
from jobs.ingest.parse.udbud import guess_language
from jobs.ingest.parse.xmlsafe import refuse_dtd
from jobs.notice import Notice, NoticeType

NAMESPACE = "https://udbudsbot.dk/ns/feed/1.0"
_SPLIT = re.compile(r"[\s,;]+")
_OJS_SUFFIX = re.compile(r"\s*\b\d{4}/S\s*\d{1,3}-\d{6}\s*$")  # "... 2021/S 196-509919"
_TITLE_KINDS = (
    (re.compile(r"annuller|aflys", re.IGNORECASE), NoticeType.CANCELLATION),
    (re.compile(r"\brettelse|berigtigelse|ændringsbekendtgørelse", re.IGNORECASE), NoticeType.CHANGE),
    (re.compile(r"indkøbsplan|markedsdialog|forhåndsmeddelelse|markedsafdækning", re.IGNORECASE),
     NoticeType.PRIOR_INFORMATION),
    (re.compile(r"kontrakttildeling|\btildelt\b|indgåede kontrakter", re.IGNORECASE), NoticeType.AWARD),
)  # fmt: skip


def parse(data: bytes, *, source: str = "rss") -> ParsedPage:
    """One RSS/Atom document; ParseError if it is no feed at all."""
    refuse_dtd(data)
    if not data.strip():
        raise ParseError("empty document")
    d = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=False)
    entries = list(d.get("entries") or [])
    if not entries:
        if d.get("bozo"):
            raise ParseError(f"not a readable RSS/Atom feed: {_reason(d.get('bozo_exception'))}")
        if not d.get("version"):
            raise ParseError("not an RSS/Atom feed (no channel or feed element)")
    page = ParsedPage(format="rss")
    prefixes = [p for p, uri in (d.get("namespaces") or {}).items() if uri.rstrip("/") == NAMESPACE and p]
    feed_info = d.get("feed") or {}
    feed_author = clean_text(feed_info.get("author") or feed_info.get("publisher") or "")
    feed_lang = _lang(feed_info.get("language"))
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        try:
            notice = entry_to_notice(
                entry, source=source, prefixes=prefixes, feed_author=feed_author, feed_lang=feed_lang
            )
        except ParseError as e:
            page.item_errors.append(f"entry {i}: {e}")
            continue
        if notice.id in seen:
            page.item_errors.append(f"entry {i} ({notice.id}): repeats an earlier entry's id; skipped")
            continue
        seen.add(notice.id)
        page.notices.append(notice)
    if d.get("bozo") and page.notices and not _ends_complete(data):
        # Cut off in transit: the items before the cut are whole, but the last one may have lost
        # its value, CPV or deadline, and storing it would later look like a change of that notice.
        cut = page.notices.pop()
        page.item_errors.append(f"item {cut.id}: the feed is cut off after it; dropped (it may be incomplete)")
    if d.get("bozo") and not page.notices and page.item_errors:
        # broken XML whose only "entries" are fragments: a broken document, not an empty page
        raise ParseError(f"not a readable RSS/Atom feed: {_reason(d.get('bozo_exception'))}")
    return page


_CLOSING_ROOT = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>\s*\Z", re.IGNORECASE)


def _ends_complete(data: bytes) -> bool:
    """Whether a document ends with the closing tag of an RSS/Atom/RDF root (UTF-8 or similar)."""
    return bool(_CLOSING_ROOT.search(data[-512:].rstrip(b"\x00")))


# The udbud: namespace's element names (module docstring).
_NS_FIELDS = (
    "deadline", "value", "currency", "cpv", "nuts", "buyer", "type", "reserved", "social", "smv", "vcse",
    "procedure", "country",
)  # fmt: skip


def entry_to_notice(
    entry: Any, *, source: str, prefixes: list[str], feed_author: str = "", feed_lang: str = ""
) -> Notice:
    """One feedparser entry → Notice (ParseError when it has no id/link or no text)."""
    ns = _namespaced(entry, prefixes)
    ident, link = _identity(entry)
    title, description, lines = _texts(entry, ident)
    deadline = parse_dk_datetime(
        ns["deadline"] or labelled(lines, "Tilbudsfrist", "Frist", "Deadline"), end_of_day=True
    )
    value, currency = parse_dk_amount(
        ns["value"] or labelled(lines, "Skønnet kontraktsum", "Anslået værdi", "Kontraktværdi", "Estimated value"),
        default_currency=ns["currency"].upper() or "DKK",
    )
    cpv, texts = _cpv(entry, ns["cpv"], lines, title)
    buyer = (
        clean_text(ns["buyer"])
        or clean_text(labelled(lines, "Ordregiver"))
        or clean_text(entry.get("author"))
        or feed_author
    )
    sme = yes_no(ns["smv"]) if ns["smv"] else yes_no(labelled(lines, "SMV venligt", "SMV-venligt", "SMV-venlig"))
    # dict.get: feedparser's own get() maps a missing "updated" to "published" (with a warning).
    updated = _when(dict.get(entry, "updated_parsed"))
    language = _lang(entry.get("language")) or _lang((entry.get("title_detail") or {}).get("language")) or feed_lang
    return Notice(
        source=source,
        id=ident,
        title=title,
        version=updated.isoformat() if updated else "",
        description=description,
        buyer=buyer,
        url=link or None,
        cpv=cpv,
        nuts=nuts_codes(_SPLIT.split(ns["nuts"])) or region_nuts(labelled(lines, "Leveringssted")),
        value=value,
        currency=currency if value is not None else None,
        deadline=deadline,
        notice_type=_kind(ns["type"], title, deadline is not None),
        reserved=unique(_SPLIT.split(ns["reserved"])),
        social=unique(_SPLIT.split(ns["social"])),
        sme_suitable=sme,
        vcse_suitable=yes_no(ns["vcse"]),
        language=language or guess_language(f"{title} {description}"),
        published_at=_when(dict.get(entry, "published_parsed")) or updated,
        procedure_id=ns["procedure"] or None,
        buyer_country=ns["country"].upper() or None,
        texts=texts,
    )


def _namespaced(entry: Any, prefixes: list[str]) -> dict[str, str]:
    """The entry's udbud: elements by name, stripped; "" for the missing ones."""
    out = dict.fromkeys(_NS_FIELDS, "")
    for name in _NS_FIELDS:
        for prefix in prefixes:
            # dict.get: no "<prefix>_<name>" key is one that feedparser's own get() remaps.
            value = dict.get(entry, f"{prefix}_{name}")
            if isinstance(value, str) and value.strip():
                out[name] = value.strip()
                break
    return out


def _identity(entry: Any) -> tuple[str, str]:
    """(id, link): the guid / atom:id, else the link; only an http(s) link counts."""
    link = entry.get("link") or ""
    link = link.strip() if link.startswith(("http://", "https://")) else ""
    ident = (entry.get("id") or "").strip() or link.strip()
    if not ident:
        raise ParseError("no guid/id and no link")
    return ident, link


def _texts(entry: Any, ident: str) -> tuple[str, str, str]:
    """(title, description, the description's lines for labels); the title falls back to the
    description's start."""
    summary = _summary(entry)
    title = clean_text(entry.get("title"))
    description = clean_text(summary)
    if not title:
        if not description:
            raise ParseError(f"{ident}: no title and no description")
        title = description[:200]
    return title, description, plain_lines(summary)


def _cpv(entry: Any, declared: str, lines: str, title: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """CPV codes from udbud:cpv, the categories and a "CPV:" line; else the code whose label the
    title is (udbud.dk's EU notices), noted in the texts."""
    tags = entry.get("tags") or []
    categories = [t.get("term") or "" for t in tags] + [t.get("label") or "" for t in tags]
    cpv = cpv_codes([*_SPLIT.split(declared), *categories, *_SPLIT.split(labelled(lines, "CPV", "CPV kode") or "")])
    texts: dict[str, str] = {}
    if not cpv and (label_code := cpv_from_label(_OJS_SUFFIX.sub("", title))):
        cpv = (label_code,)
        texts["title_is_cpv"] = label_code
    return cpv, texts


def _summary(entry: Any) -> str:
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    summary = entry.get("summary") or ""
    return max([summary, *contents], key=len)


def _kind(declared: str, title: str, has_deadline: bool) -> NoticeType:
    if declared:
        try:
            return NoticeType(declared.strip().lower())
        except ValueError:
            pass
    for pattern, kind in _TITLE_KINDS:
        if pattern.search(title):
            return kind
    return NoticeType.COMPETITION if has_deadline else NoticeType.OTHER


def _when(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's normalised struct_time (UTC) → aware datetime."""
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _lang(value: object) -> str:
    if not isinstance(value, str):
        return ""
    code = value.strip().lower()[:2]
    return code if code.isalpha() and len(code) == 2 else ""


def _reason(exc: object) -> str:
    if exc is None:
        return "unknown error"
    text = str(exc).strip() or type(exc).__name__
    return text[:300]
