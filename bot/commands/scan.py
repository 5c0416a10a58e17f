"""``udbudsbot scan`` and ``udbudsbot classify``: read, parse, classify, print."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from jobs.classify.model import Assessment
from jobs.config import Settings
from jobs.errors import FetchError, ParseError
from jobs.ingest.fetch import fetch, is_remote, make_client
from jobs.ingest.parse import parse_document
from jobs.ingest.sources import SourceState, read_source
from jobs.notice import Notice
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
            notices.extend(page.notices)
            for err in page.item_errors:
                print(f"udbudsbot: {item}: {err}", file=sys.stderr)
    return Scanned(notices, failures)


def _source_name(item: str) -> str:
    return item if is_remote(item) else Path(item).name


async def scan(settings: Settings, inputs: Sequence[str], *, as_json: bool) -> int:
    scanned = await collect(settings, inputs)
    assess = make_assess(settings)
    rows = [(n, assess(n)) for n in scanned.notices]
    if as_json:
        out = sys.stdout
        for n, a in rows:
            d = notice_to_dict(n)
            d.update(score=a.score, level=a.level, reasons=[r.to_dict() for r in a.reasons])
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        print_table(rows)
    return 1 if scanned.failures and not scanned.notices else 0


def print_table(rows: Sequence[tuple[Notice, Assessment]]) -> None:
    console = Console()
    table = Table(title=f"{len(rows)} notices", show_lines=False)
    for col in ("Source", "Deadline", "Title", "Buyer", "Value", "Level", "Top reason"):
        table.add_column(col, overflow="fold")
    for n, a in rows:
        value = f"{n.value:,.0f} {n.currency or ''}".strip() if n.value is not None else "–"
        deadline = n.deadline.strftime("%Y-%m-%d %H:%M") if n.deadline else "–"
        top = a.reasons[0].to_dict() if a.reasons else None
        reason = f"{top['signal']} ({top['weight']:+d})" if top else "–"
        table.add_row(n.source, deadline, n.title[:90], n.buyer[:40], value, f"{a.level} {a.score}", reason)
    console.print(table)


async def classify(settings: Settings, inputs: Sequence[str], *, lots: bool) -> int:
    from jobs.classify.report import assessment_to_json

    scanned = await collect(settings, inputs)
    assess = make_assess(settings)
    for n in scanned.notices:
        for line in assessment_to_json(n, assess(n), lots=lots):
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 1 if scanned.failures else 0
