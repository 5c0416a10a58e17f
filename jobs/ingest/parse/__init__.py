"""Bytes in, normalised notices out: format detection and the parser registry.

Each format module exposes ``parse(data: bytes, *, source: str) -> ParsedPage``.
Detection looks at the content, never at a file name or a Content-Type header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from jobs.errors import ParseError
from jobs.notice import Notice


@dataclass
class ParsedPage:
    """What one fetched document yields."""

    format: str
    notices: list[Notice] = field(default_factory=list)
    next_url: str | None = None  # the next page (OCDS links.next)
    next_token: str | None = None  # TED iterationNextToken
    total: int | None = None  # what the source says it holds, when it says
    item_errors: list[str] = field(default_factory=list)  # items skipped, with reasons
    items: int | None = None  # items on the page, read or not (udbud.dk: a short page is the last)


EFORMS_ROOTS = {"ContractNotice", "PriorInformationNotice", "ContractAwardNotice"}
FEED_ROOTS = {"rss", "feed", "RDF"}
HEAD_BYTES = 65536  # the prolog (declaration, comments, DOCTYPE) must end within this
_NAME = re.compile(rb"(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_HTML_TAGS = {"html", "head", "body", "meta", "title", "div", "p", "link", "script", "style", "table", "a"}
_FEED_LINK = re.compile(rb"<link\b[^>]*\btype\s*=\s*[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"\bhref\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


def root_element(data: bytes) -> str | None:
    """The local name of an XML document's root element, after its prolog.

    Skips a byte-order mark, whitespace, the XML declaration and other processing
    instructions (``<?xml-stylesheet?>``), comments (WordPress writes
    ``<!-- generator="WordPress/…" -->`` before ``<rss>``) and a DOCTYPE with or without an
    internal subset. None when the document does not start like XML.
    """
    head = data[:HEAD_BYTES]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a byte-order mark
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):  # UTF-16 without one
        head = head.decode("utf-16-le" if head[:1] == b"<" else "utf-16-be", errors="ignore").encode("utf-8")
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    n = len(head)
    while i < n:
        c = head[i : i + 1]
        if c in b" \t\r\n\x00":
            i += 1
        elif head.startswith(b"<?", i):
            end = head.find(b"?>", i + 2)
            if end < 0:
                return None
            i = end + 2
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i + 4)
            if end < 0:
                return None
            i = end + 3
        elif head.startswith(b"<!", i):  # DOCTYPE: ends at the first ">" outside [...] and quotes
            i = _skip_declaration(head, i + 2)
            if i < 0:
                return None
        elif c == b"<":
            m = _NAME.match(head, i + 1)
            return m.group(1).decode("ascii", "ignore") if m else None
        else:
            return None
    return None


def _skip_declaration(head: bytes, i: int) -> int:
    depth, quote = 0, 0
    while i < len(head):
        b = head[i]
        if quote:
            if b == quote:
                quote = 0
        elif head.startswith(b"<!--", i):  # a comment in the internal subset may hold "]" or ">"
            end = head.find(b"-->", i + 4)
            if end < 0:
                return -1
            i = end + 3
            continue
        elif b in (0x22, 0x27):  # " '
            quote = b
        elif b == 0x5B:  # [
            depth += 1
        elif b == 0x5D:  # ]
            depth -= 1
        elif b == 0x3E and depth <= 0:  # >
            return i + 1
        i += 1
    return -1


def detect_format(data: bytes) -> str:
    """One of: eforms, rss, ted, udbud, udbud-jsonl, ocds; ParseError if none.

    The content decides, never a file name or a Content-Type: a feed served as
    ``text/html`` is a feed.
    """
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if not head:
        raise ParseError("empty document")
    if head[:1] in (b"{", b"["):
        return _detect_json(data)
    name = root_element(data)
    if name is None:
        if _looks_html(data):
            raise ParseError(_html_message(data))
        if head[:1] == b"<":
            raise ParseError("no XML root element found")
        start = head[:40].decode("utf-8", "replace").split("\n", 1)[0]
        raise ParseError(f"not XML or JSON: no supported format recognised (it starts {start!r})")
    if name in EFORMS_ROOTS:
        return "eforms"
    if name in FEED_ROOTS:
        return "rss"
    if name.lower() in _HTML_TAGS or _looks_html(data):
        raise ParseError(_html_message(data))
    raise ParseError(f"unsupported XML document <{name}>")


def _looks_html(data: bytes) -> bool:
    head = data[:HEAD_BYTES].lower()
    return b"<!doctype html" in head or b"<html" in head or b"<body" in head


def _html_message(data: bytes) -> str:
    """An HTML page: say so, and name the feed it links to when it advertises one."""
    m = _FEED_LINK.search(data[:HEAD_BYTES])
    href = _HREF.search(m.group(0)) if m else None
    if href:
        link = href.group(1).decode("utf-8", "replace")[:300]
        return f"this is an HTML page, not a feed or notice; it links to a feed at {link}"
    return "this is an HTML page, not a feed or notice (a list page needs a source of kind html)"


def _detect_json(data: bytes) -> str:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        first = data.lstrip().split(b"\n", 1)[0]
        try:
            line = json.loads(first)
        except ValueError as e:
            raise ParseError(f"malformed JSON: {e}") from e
        if isinstance(line, dict) and ("Titel" in line or "Ordregiver" in line):
            return "udbud-jsonl"
        raise ParseError("malformed JSON (and not JSON lines of udbud.dk records)") from None
    if isinstance(doc, dict):
        if "notices" in doc and ("totalNoticeCount" in doc or "iterationNextToken" in doc or _looks_ted(doc)):
            return "ted"
        if "releases" in doc or "records" in doc or "ocid" in doc:
            return "ocds"
        if isinstance(doc.get("bekendtgoerelser"), list):
            return "udbud"
        if "Titel" in doc or "Ordregiver" in doc:
            return "udbud-jsonl"
    raise ParseError("JSON document of no supported kind (TED API, udbud.dk data service, OCDS)")


def _looks_ted(doc: dict[str, object]) -> bool:
    notices = doc.get("notices")
    return isinstance(notices, list) and (
        not notices or (isinstance(notices[0], dict) and ("publication-number" in notices[0] or "ND" in notices[0]))
    )


Parser = Callable[..., ParsedPage]


def get_parser(fmt: str) -> Parser:
    # Imported lazily: scanning one format should not pay for all of them.
    if fmt == "eforms":
        from jobs.ingest.parse import eforms

        return eforms.parse
    if fmt == "rss":
        from jobs.ingest.parse import feed

        return feed.parse
    if fmt == "ted":
        from jobs.ingest.parse import ted

        return ted.parse
    if fmt in ("udbud", "udbud-jsonl"):
        from jobs.ingest.parse import udbud

        return udbud.parse if fmt == "udbud" else udbud.parse_jsonl
    if fmt == "ocds":
        from jobs.ingest.parse import ocds

        return ocds.parse
    raise ParseError(f"no parser for format {fmt!r}")


def parse_document(data: bytes, *, source: str | None = None, fmt: str | None = None) -> ParsedPage:
    """Detect (unless ``fmt`` is given) and parse; ``source`` defaults to the format."""
    fmt = fmt or detect_format(data)
    return get_parser(fmt)(data, source=source or fmt)
