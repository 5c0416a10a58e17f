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
    next_url: str | None = None  # the next page (OCDS links.next, udbud.dk)
    next_token: str | None = None  # TED iterationNextToken
    total: int | None = None  # what the source says it holds, when it says
    item_errors: list[str] = field(default_factory=list)  # items skipped, with reasons


_XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
EFORMS_ROOTS = {"ContractNotice", "PriorInformationNotice", "ContractAwardNotice"}


def detect_format(data: bytes) -> str:
    """One of: eforms, rss, ted, udbud, udbud-jsonl, ocds; ParseError if none."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if not head:
        raise ParseError("empty document")
    if head[:1] in (b"{", b"["):
        return _detect_json(data)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 XML
        head = data[:8192].decode("utf-16", errors="ignore").encode("utf-8")
    if b"<" in head[:200] or head.startswith(b"<"):
        for m in _XML_ROOT.finditer(head):
            name = m.group(1).decode("ascii", "ignore")
            if name in ("xml", "DOCTYPE") or m.group(0).startswith((b"<?", b"<!")):
                continue
            if name in EFORMS_ROOTS:
                return "eforms"
            if name in ("rss", "feed", "RDF"):
                return "rss"
            if name.lower() == "html":
                raise ParseError("this is an HTML page, not a feed or notice")
            raise ParseError(f"unsupported XML document <{name}>")
        raise ParseError("no XML root element found")
    raise ParseError("not XML or JSON: no supported format recognised")


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
        if any(k in doc for k in ("items", "data", "notices", "results")) and _looks_udbud(doc):
            return "udbud"
        if "Titel" in doc or "Ordregiver" in doc:
            return "udbud-jsonl"
    raise ParseError("JSON document of no supported kind (TED API, udbud.dk API, OCDS)")


def _looks_ted(doc: dict[str, object]) -> bool:
    notices = doc.get("notices")
    return isinstance(notices, list) and (
        not notices or (isinstance(notices[0], dict) and ("publication-number" in notices[0] or "ND" in notices[0]))
    )


def _looks_udbud(doc: dict[str, object]) -> bool:
    for key in ("items", "data", "notices", "results"):
        items = doc.get(key)
        if isinstance(items, list):
            return not items or (
                isinstance(items[0], dict) and any("xml" in k.lower() or "eform" in k.lower() for k in items[0])
            )
    return False


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
