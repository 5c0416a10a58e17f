"""Prometheus metrics: the database's figures and this process's own counters.

Figures read from the database at scrape time (:func:`snapshot`) are the same whichever
process is scraped — notices ingested per source, assessments by level, the outbox by status,
its depth and the age of its oldest due message, subscribers by status, each source's failures
in a row. :class:`ProcessMetrics` counts what *this* process did since it started (messages
sent, retried, failed; polls; leadership changes), so summing them over processes gives the
service's totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from jobs.db import Database
from jobs.models import NoticeRow, OutboxRow, Source, Subscriber
from jobs.status import OutboxStatus

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
QUEUED = ("pending", "sending")


@dataclass
class SourceHealth:
    name: str
    failures: int
    ingested: int
    last_success_at: datetime | None


@dataclass
class Snapshot:
    """The database's figures at one moment."""

    notices: int = 0
    assessments: dict[str, int] = field(default_factory=dict)  # level ("none": not assessed) -> notices
    outbox: dict[str, int] = field(default_factory=dict)  # status -> rows
    outbox_due: int = 0
    oldest_due_seconds: float = 0.0
    subscribers: dict[str, int] = field(default_factory=dict)  # status -> subscribers
    sources: list[SourceHealth] = field(default_factory=list)

    @property
    def outbox_depth(self) -> int:
        """Messages waiting to go out or going out now."""
        return sum(self.outbox.get(s, 0) for s in QUEUED)


async def snapshot(db: Database, now: datetime) -> Snapshot:
    """Read the figures (a handful of aggregate queries, cheap on the indexed tables)."""
    snap = Snapshot()
    async with db.sessions() as s:
        snap.notices = int(await s.scalar(select(func.count()).select_from(NoticeRow)) or 0)
        for level, n in await s.execute(select(NoticeRow.level, func.count()).group_by(NoticeRow.level)):
            snap.assessments[level or "none"] = int(n)
        for status, n in await s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)):
            snap.outbox[status] = int(n)
        due, oldest = (
            await s.execute(
                select(func.count(), func.min(OutboxRow.next_attempt_at)).where(
                    OutboxRow.status == OutboxStatus.PENDING, OutboxRow.next_attempt_at <= now
                )
            )
        ).one()
        snap.outbox_due = int(due or 0)
        if oldest is not None:
            oldest_at = oldest if isinstance(oldest, datetime) and oldest.tzinfo else _aware(oldest)
            snap.oldest_due_seconds = max(0.0, (now - oldest_at).total_seconds())
        for status, n in await s.execute(select(Subscriber.status, func.count()).group_by(Subscriber.status)):
            snap.subscribers[status] = int(n)
        for row in (await s.scalars(select(Source).order_by(Source.name))).all():
            snap.sources.append(SourceHealth(row.name, row.failures, row.notices_seen, row.last_success_at))
    return snap


def _aware(value: Any) -> datetime:
    """min() over a UTCDateTime column comes back raw (naive UTC) on some dialects."""
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class ProcessMetrics:
    """What this process did since it started, in a registry of its own (no global state)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages = Counter(
            "udbudsbot_process_messages",
            "Outbox messages handled by this process, by outcome",
            ["outcome"],
            registry=r,
        )
        self.polls = Counter(
            "udbudsbot_process_polls", "Source polls run by this process, by result", ["result"], registry=r
        )
        self.source_failures = Counter(
            "udbudsbot_process_source_failures", "Failed polls by this process, per source", ["source"], registry=r
        )
        self.notices_new = Counter("udbudsbot_process_notices_new", "New notices stored by this process", registry=r)
        self.leader_changes = Counter(
            "udbudsbot_process_leader_changes", "Times this process took or lost the lead", registry=r
        )
        self.leader = Gauge("udbudsbot_leader", "1 if this process leads (polls and schedules)", registry=r)
        self.standby_skips = Counter(
            "udbudsbot_process_standby_skips",
            "Leader-only jobs this process skipped because another process leads, per job",
            ["job"],
            registry=r,
        )

    def observe_drain(self, report: Any) -> None:
        """Count a ``jobs.deliver.send.DrainReport``."""
        for outcome in ("sent", "retried", "gone", "failed", "to_digest", "rate_limited"):
            n = int(getattr(report, outcome, 0) or 0)
            if n:
                self.messages.labels(outcome).inc(n)

    def observe_polls(self, reports: Iterable[Any]) -> None:
        """Count ``jobs.ingest.poll.PollReport``s."""
        for r in reports:
            self.polls.labels("ok" if r.ok else "failed").inc()
            if not r.ok:
                self.source_failures.labels(r.source).inc()
            else:
                self.notices_new.inc(len(r.result.new))

    def observe_leadership(self, leader: bool) -> None:
        self.leader_changes.inc()
        self.leader.set(1 if leader else 0)


class _SnapshotCollector(Collector):
    def __init__(self, snap: Snapshot | None, db_up: bool) -> None:
        self.snap = snap
        self.db_up = db_up

    def collect(self) -> Iterator[Any]:
        up = GaugeMetricFamily("udbudsbot_database_up", "1 if the database answered this scrape")
        up.add_metric([], 1 if self.db_up else 0)
        yield up
        snap = self.snap
        if snap is None:
            return
        ingested = CounterMetricFamily(
            "udbudsbot_notices_ingested", "Notices (versions) stored per source since it was added", labels=["source"]
        )
        failures = GaugeMetricFamily(
            "udbudsbot_source_failures", "Failed polls in a row per source (0: healthy)", labels=["source"]
        )
        last_ok = GaugeMetricFamily(
            "udbudsbot_source_last_success_timestamp_seconds", "Unix time of the last good poll", labels=["source"]
        )
        for src in snap.sources:
            ingested.add_metric([src.name], src.ingested)
            failures.add_metric([src.name], src.failures)
            if src.last_success_at is not None:
                last_ok.add_metric([src.name], src.last_success_at.timestamp())
        yield from (ingested, failures, last_ok)
        yield _labelled("udbudsbot_notices_stored", "Notices stored now", [], {(): snap.notices})
        yield _labelled("udbudsbot_assessments", "Stored notices by assessed level", ["level"], _keys(snap.assessments))
        yield _labelled("udbudsbot_outbox_messages", "Outbox rows by status", ["status"], _keys(snap.outbox))
        yield _labelled("udbudsbot_outbox_depth", "Messages waiting or being sent", [], {(): snap.outbox_depth})
        yield _labelled("udbudsbot_outbox_due", "Messages due now", [], {(): snap.outbox_due})
        yield _labelled(
            "udbudsbot_outbox_oldest_due_seconds", "Age of the oldest due message", [], {(): snap.oldest_due_seconds}
        )
        yield _labelled("udbudsbot_subscribers", "Subscribers by status", ["status"], _keys(snap.subscribers))


def _keys(d: dict[str, int]) -> dict[tuple[str, ...], float]:
    return {(k,): v for k, v in sorted(d.items())}


def _labelled(name: str, doc: str, labels: Sequence[str], values: dict[tuple[str, ...], float]) -> GaugeMetricFamily:
    g = GaugeMetricFamily(name, doc, labels=list(labels))
    for key, v in values.items():
        g.add_metric(list(key), v)
    return g


class _Forward(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Any]:
        yield from self.registry.collect()


def render(snap: Snapshot | None, process: ProcessMetrics | None = None) -> bytes:
    """The Prometheus text format of one scrape; ``snap`` is None when the database did not answer."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(snap, snap is not None))
    if process is not None:
        registry.register(_Forward(process.registry))
    return generate_latest(registry)
