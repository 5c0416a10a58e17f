"""The open-notice lists as an Atom feed and their deadlines as an iCalendar file (RFC 4287,
RFC 5545). Every string from a source is treated as hostile: XML is built by ElementTree
(escaped), characters XML cannot hold are dropped, iCalendar text is escaped and folded."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

from jobs.publish.listing import Card
from web.format import clean

ATOM = "http://www.w3.org/2005/Atom"


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(
    cards: Sequence[Card],
    *,
    title: str,
    self_url: str,
    page_url: str,
    entry_url: Callable[[Card], str],
    summary: Callable[[Card], str],
    lang: str,
    now: datetime,
) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}title").text = clean(title)
    updated = max((c.first_seen_at for c in cards), default=now)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": self_url})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": page_url})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "udbudsbot"
    for card in cards:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = entry_url(card)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}title").text = clean(card.title_in(lang))[:500]
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(card.first_seen_at)
        if card.published_at is not None:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = _iso(card.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": url})
        ET.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = clean(summary(card))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def _ics_text(value: str) -> str:
    value = clean(value).replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (never splitting a character);
    linear in the line's length (a calendar has 500 descriptions of up to 2,000 characters)."""
    if len(line) <= 75 and len(line.encode("utf-8")) <= 75:
        return line
    out: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for ch in line:
        n = 1 if ch < "\x80" else len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n ".join(out)


def ics(
    cards: Sequence[Card],
    *,
    name: str,
    host: str,
    entry_url: Callable[[Card], str],
    summary: Callable[[Card], str],
    describe: Callable[[Card], str],
    now: datetime,
) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//udbudsbot//web//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(name)}",
    ]
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for card in cards:
        if card.deadline is None:
            continue
        start = card.deadline.astimezone(UTC)
        uid = hashlib.sha256(f"{card.id}".encode()).hexdigest()[:16]
        lines += [
            "BEGIN:VEVENT",
            f"UID:notice-{card.id}-{uid}@{_ics_text(host)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}",
            f"DTEND:{(start + timedelta(minutes=30)).strftime('%Y%m%dT%H%M%SZ')}",
            f"SUMMARY:{_ics_text(summary(card)[:300])}",
            f"DESCRIPTION:{_ics_text(describe(card)[:2000])}",
            f"URL:{entry_url(card)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
