"""The polling job: a plain async function the scheduler (or the CLI) calls.

Orchestration only; the decisions live in ``decide.py`` and ``store.py``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from jobs.config import SourceSettings
from jobs.errors import FetchError, ParseError
from jobs.ingest.decide import next_check_after_failure, next_check_after_success, should_alert
from jobs.ingest.sources import SourceState, read_source
from jobs.ingest.store import StoreResult, store_notices
from jobs.models import Source
from jobs.redact import redact
from jobs.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ERROR_CHARS = 1000


@dataclass
class PollReport:
    source: str
    ok: bool = True
    not_modified: bool = False
    baseline: bool = False
    error: str | None = None
    result: StoreResult = field(default_factory=StoreResult)
    item_errors: list[str] = field(default_factory=list)
    pages: int = 0


async def sync_sources(rt: Runtime) -> dict[str, Source]:
    """Make the ``sources`` table follow config (new ones added, changed URLs updated)."""
    now = rt.clock()
    async with rt.db.sessions.begin() as s:
        rows = {r.name: r for r in (await s.scalars(select(Source))).all()}
        for cfg in rt.settings.sources:
            row = rows.get(cfg.name)
            if row is None:
                row = Source(name=cfg.name, kind=cfg.kind, url=cfg.url, created_at=now, failures=0)
                s.add(row)
                rows[cfg.name] = row
            elif (row.kind, row.url) != (cfg.kind, cfg.url):
                row.kind, row.url = cfg.kind, cfg.url
                row.etag = row.last_modified = row.cursor = None
    return rows


def _due(row: Source, now: object) -> bool:
    return row.next_check_at is None or row.next_check_at <= now  # type: ignore[operator]


async def poll_due_sources(rt: Runtime, *, force: bool = False) -> list[PollReport]:
    """Poll every enabled source whose time has come (all of them with ``force``)."""
    rows = await sync_sources(rt)
    now = rt.clock()
    due = [c for c in rt.settings.sources if c.enabled and (force or _due(rows[c.name], now))]
    store_lock = asyncio.Lock()  # fetch in parallel, write one source at a time
    sem = asyncio.Semaphore(4)

    async def one(cfg: SourceSettings) -> PollReport:
        async with sem:
            return await poll_source(rt, cfg, store_lock=store_lock)

    return list(await asyncio.gather(*(one(c) for c in due)))


async def poll_source(rt: Runtime, cfg: SourceSettings, *, store_lock: asyncio.Lock | None = None) -> PollReport:
    """Poll one source; every failure is recorded on the source, never raised."""
    lock = store_lock or asyncio.Lock()
    report = PollReport(cfg.name)
    async with rt.db.sessions() as s:
        row = (await s.scalars(select(Source).where(Source.name == cfg.name))).one()
        state = SourceState(row.etag, row.last_modified, row.cursor)
    now = rt.clock()
    try:
        read = await read_source(cfg, state, rt.http, rt.settings, now=now, env=rt.env)
    except (FetchError, ParseError) as e:
        msg = redact(str(e))  # an error may quote a token (a header echoed back, an illegal header value)
        await _record_failure(rt, cfg, msg, getattr(e, "retry_after", None))
        report.ok, report.error = False, msg
        return report
    except Exception as e:  # a bug or a library surprise must not stop the other sources
        log.exception("unexpected error polling %s", cfg.name)
        msg = redact(f"internal error: {type(e).__name__}: {e}")
        await _record_failure(rt, cfg, msg, None)
        report.ok, report.error = False, msg
        return report
    report.not_modified, report.item_errors, report.pages = read.not_modified, read.item_errors, read.pages
    for err in read.item_errors:
        log.warning("%s: %s", cfg.name, err)
    async with lock, rt.db.sessions.begin() as s:
        row = (await s.scalars(select(Source).where(Source.name == cfg.name))).one()
        now = rt.clock()
        if not read.not_modified:
            report.baseline = not row.baseline_done
            report.result = await store_notices(
                s,
                cfg.name,
                read.notices,
                now=now,
                money=rt.settings.money,
                assess=rt.assess,
                baseline=report.baseline,
            )
            if rt.announce is not None:  # delivery's fan-out, in this transaction
                await rt.announce(s, report.result.new, report.result.changed, now)
            row.baseline_done = True
            row.etag, row.last_modified, row.cursor = read.etag, read.last_modified, read.cursor
            row.notices_seen += report.result.stored
        row.failures, row.alerted = 0, False
        row.last_success_at = now
        interval = cfg.interval_minutes or rt.settings.poll.interval_minutes
        row.next_check_at = next_check_after_success(now, interval)
    return report


async def _record_failure(rt: Runtime, cfg: SourceSettings, error: str, retry_after: float | None) -> None:
    p = rt.settings.poll
    alert = None
    async with rt.db.sessions.begin() as s:
        row = (await s.scalars(select(Source).where(Source.name == cfg.name))).one()
        now = rt.clock()
        row.failures += 1
        row.last_error, row.last_error_at = error[:MAX_ERROR_CHARS], now
        row.next_check_at = next_check_after_failure(
            now,
            row.failures,
            base_seconds=p.backoff_base_seconds,
            max_seconds=p.backoff_max_seconds,
            retry_after=retry_after,
            retry_after_max=p.retry_after_max_seconds,
        )
        if should_alert(row.failures, row.alerted, p.alert_after_failures):
            row.alerted = True
            alert = f"Source {cfg.name} has failed {row.failures} times in a row. Last error: {error[:300]}"
    log.warning("source %s failed (%s)", cfg.name, error)
    if alert:
        try:
            await rt.notifier.alert_staff(alert)
        except Exception:  # telling staff must not break polling
            log.exception("could not alert staff about %s", cfg.name)
