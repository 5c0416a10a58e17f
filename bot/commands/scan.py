"""``udbudsbot scan`` and ``udbudsbot classify``: read, parse, classify, print."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from jobs.classify.model import Assessment
from jobs.classify.render import level_label
from jobs.classify.report import assessment_to_json, reason_json
from jobs.config import Settings
from jobs.errors import FetchError, ParseError
from jobs.ingest.decide import collapse_same
from jobs.ingest.fetch import fetch, is_remote, make_client
from jobs.ingest.parse import parse_document
from jobs.ingest.parse.text import COPENHAGEN
from jobs.ingest.sources import SourceState, read_source
from jobs.notice import Notice, is_open
from jobs.report import notice_to_dict
from jobs.runtime import make_assess, utcnow


@dataclass
class Scanned:
    notices: list[Notice]
    failures: int


async def collect(settings: Settings, inputs: Sequence[str]) -> Scanned:
    """Notices from the inputs (or the enabled configured sources); one stderr line per failure."""
    notices: list[Notice] = []
    failures = 0
    async with make_client(settings.fetch) as client:
        if not inputs:
            for src in settings.sources:
                if not src.enabled:
                    continue
                try:
                    read = await read_source(src, SourceState(), client, settings, now=utcnow())
                except (FetchError, ParseError) as e:
                    failures += 1
                    print(f"udbudsbot: source {src.name} ({src.url}): {e}", file=sys.stderr)
                    continue
                except Exception as e:  # a bug or a library surprise: this source only, in one line
                    failures += 1
                    print(f"udbudsbot: source {src.name}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
                    continue
                notices.extend(read.notices)
                for err in read.item_errors:
                    print(f"udbudsbot: source {src.name}: {err}", file=sys.stderr)
            return Scanned(notices, failures)
        for item in inputs:
            try:
                path = item if is_remote(item) else str(Path(item).resolve())
                result = await fetch(client, path, settings.fetch)
                page = await asyncio.to_thread(parse_document, result.body, source=_source_name(item))
            except (FetchError, ParseError) as e:
                failures += 1
                print(f"udbudsbot: {item}: {e}", file=sys.stderr)
                continue
            except Exception as e:
                failures += 1
                print(f"udbudsbot: {item}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
                continue
            notices.extend(page.notices)
            for err in page.item_errors:
                print(f"udbudsbot: {item}: {err}", file=sys.stderr)
    return Scanned(notices, failures)


def _source_name(item: str) -> str:
    return item if is_remote(item) else Path(item).name


@dataclass
class Row:
    """One tender as scan shows it: its latest notice, the assessment, and where else it was seen."""

    notice: Notice
    assessment: Assessment
    closed: bool
    also_in: list[str]


LEVEL_ORDER = {"suitable": 0, "possible": 1, "unlikely": 2}


def scan_rows(settings: Settings, notices: Sequence[Notice], now: datetime) -> list[Row]:
    """Each tender once (``collapse_same``), open ones first, then by level and deadline."""
    assess = make_assess(settings, lambda: now)
    rows = []
    for n, others in collapse_same(notices):
        also = sorted({o.source for o in others} - {n.source})
        rows.append(Row(n, assess(n), not is_open(n, now), also))
    far = datetime.max.replace(tzinfo=UTC)
    rows.sort(key=lambda r: (r.closed, LEVEL_ORDER.get(r.assessment.level, 3), r.notice.deadline or far))
    return rows


async def scan(settings: Settings, inputs: Sequence[str], *, as_json: bool, lang: str = "en") -> int:
    """Print each tender once; exit 1 when any input or source failed (the others are printed).
    Levels and reasons are words in ``lang``, never the classifier's signal ids."""
    scanned = await collect(settings, inputs)
    rows = scan_rows(settings, scanned.notices, utcnow())
    if as_json:
        for r in rows:
            d = notice_to_dict(r.notice)
            d.update(
                score=r.assessment.score,
                level=r.assessment.level,
                reasons=[reason_json(x, lang) for x in r.assessment.reasons],
                closed=r.closed,
                also_in=r.also_in,
            )
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    elif sys.stdout.isatty():
        print_table(rows, lang)
    else:
        print_lines(rows, lang)
    return 1 if scanned.failures else 0


COLUMNS = ("Source", "Deadline", "Status", "Level", "Title", "Buyer", "Value", "Top reason")


STATUS = {
    "en": {"closed": "closed", "open": "open", "undated": "no deadline"},
    "da": {"closed": "lukket", "open": "åben", "undated": "ingen frist"},
}


def _cells(r: Row, lang: str) -> list[str]:
    n, a = r.notice, r.assessment
    value = f"{n.value:,.0f} {n.currency or ''}".strip() if n.value is not None else "–"
    deadline = n.deadline.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M") if n.deadline else "–"
    reason = a.reasons[0].text(lang) if a.reasons else "–"  # a sentence, never the signal id
    source = n.source + (f" (+ {', '.join(r.also_in)})" if r.also_in else "")
    words = STATUS["da" if lang == "da" else "en"]
    status = words["closed"] if r.closed else (words["open"] if n.deadline or _lot_deadline(n) else words["undated"])
    level = level_label(a.level, "da" if lang == "da" else "en")
    return [source, deadline, status, level, n.title, n.buyer, value, reason]


def _lot_deadline(n: Notice) -> bool:
    return any(lot.deadline for lot in n.lots)


def print_table(rows: Sequence[Row], lang: str = "en") -> None:
    """A table for a terminal."""
    closed = sum(r.closed for r in rows)
    undated = sum(not r.closed and not (r.notice.deadline or _lot_deadline(r.notice)) for r in rows)
    title = f"{len(rows)} notices: {len(rows) - closed - undated} open, {undated} without a deadline, {closed} closed"
    table = Table(title=title, show_lines=False)
    for col in COLUMNS:
        table.add_column(col, overflow="fold")
    for r in rows:
        cells = _cells(r, lang)
        cells[4], cells[5] = cells[4][:90], cells[5][:40]
        table.add_row(*cells, style="dim" if r.closed else None)
    Console().print(table)


def print_lines(rows: Sequence[Row], lang: str = "en") -> None:
    """Plain tab-separated lines (a header, then one line per tender) for pipes and files."""
    out = sys.stdout
    out.write("\t".join(c.lower().replace(" ", "_") for c in COLUMNS) + "\n")
    for r in rows:
        out.write("\t".join(" ".join(c.split()) for c in _cells(r, lang)) + "\n")


async def classify(settings: Settings, inputs: Sequence[str], *, lots: bool, lang: str = "da") -> int:
    """JSON lines: the reasons' ``text`` is the sentence in ``lang`` (Danish by default)."""
    scanned = await collect(settings, inputs)
    assess = make_assess(settings)
    for n in scanned.notices:
        for line in assessment_to_json(n, assess(n), lots=lots, lang=lang):
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 1 if scanned.failures else 0
