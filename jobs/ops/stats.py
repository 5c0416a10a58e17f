"""Is the service working? The figures behind ``/stats``.

``collect`` runs a handful of small grouped queries; ``build_stats`` (pure) turns
their rows into ``Stats``. "This week" starts Monday 00:00 local time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from jobs.db import Database
from jobs.models import AdviceRequest, Feedback, NoticeRow, OutboxRow, Source, Subscriber
from jobs.status import OutboxStatus, SubscriberStatus

LEVELS = ("suitable", "possible", "unlikely")
SUBSCRIBED = (SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED)  # counted by category and language


@dataclass(frozen=True)
class SourceHealth:
    name: str
    kind: str
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    failures: int

    @property
    def healthy(self) -> bool:
        return self.failures == 0


@dataclass(frozen=True)
class Stats:
    week_start: datetime
    subscribers: dict[str, int]  # by status: active paused blocked stopped
    by_language: dict[str, int]  # subscribed (active or paused)
    by_category: dict[str, int]  # subscribed; "" = chose no category (gets all)
    notices: int  # first seen this week
    notices_by_level: dict[str, int]  # suitable possible unlikely, "" = not assessed
    delivered: int  # messages sent this week
    failed: int  # messages given up on, made this week
    dropped: int  # messages not sent (recipient blocked or unsubscribed), made this week
    queued: int  # waiting to be sent now
    feedback: dict[str, tuple[int, int]]  # level -> (relevant, not relevant), all time
    advice: dict[str, int]  # open answered
    sources: list[SourceHealth] = field(default_factory=list)


@dataclass(frozen=True)
class RawStats:
    """What the queries return, before any arithmetic."""

    subscribers: Sequence[tuple[str, str, Sequence[str] | None]]  # status, language, categories
    notice_levels: list[tuple[str | None, int]]
    outbox: list[tuple[str, int]]  # status -> rows made (or sent) this week; "queued" -> waiting now
    feedback: list[tuple[str | None, bool, int]]
    advice: list[tuple[str, int]]
    sources: list[SourceHealth]


def week_start(now: datetime, tz: str) -> datetime:
    """Monday 00:00 local time of ``now``'s week, in UTC."""
    local = now.astimezone(ZoneInfo(tz))
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _count(pairs: Iterable[tuple[str | None, int]]) -> dict[str, int]:
    out: Counter[str] = Counter()
    for key, n in pairs:
        out[key or ""] += int(n)
    return dict(out)


def build_stats(raw: RawStats, start: datetime) -> Stats:
    """Query rows → the figures staff see (pure)."""
    by_status: Counter[str] = Counter()
    by_language: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for status, language, categories in raw.subscribers:
        by_status[status] += 1
        if status in SUBSCRIBED:
            by_language[language] += 1
            for cat in categories or [""]:
                by_category[cat] += 1
    levels = _count(raw.notice_levels)
    outbox = _count(raw.outbox)
    feedback: dict[str, tuple[int, int]] = {}
    for level, relevant, n in raw.feedback:
        yes, no = feedback.get(level or "", (0, 0))
        feedback[level or ""] = (yes + int(n), no) if relevant else (yes, no + int(n))
    return Stats(
        week_start=start,
        subscribers={
            s: by_status.get(s, 0)
            for s in (
                SubscriberStatus.ACTIVE,
                SubscriberStatus.PAUSED,
                SubscriberStatus.BLOCKED,
                SubscriberStatus.STOPPED,
            )
        },
        by_language=dict(by_language),
        by_category=dict(by_category),
        notices=sum(levels.values()),
        notices_by_level=levels,
        delivered=outbox.get("sent", 0),
        failed=outbox.get("failed", 0),
        dropped=outbox.get("dropped", 0),
        queued=outbox.get("queued", 0),
        feedback=feedback,
        advice={"open": 0, "answered": 0, **_count(raw.advice)},
        sources=raw.sources,
    )


async def collect(db: Database, now: datetime, tz: str) -> Stats:
    start = week_start(now, tz)
    async with db.sessions() as s:
        subs = [
            (r[0], r[1], r[2])
            for r in (await s.execute(select(Subscriber.status, Subscriber.language, Subscriber.categories))).all()
        ]
        levels = (
            await s.execute(
                select(NoticeRow.level, func.count()).where(NoticeRow.first_seen_at >= start).group_by(NoticeRow.level)
            )
        ).all()
        sent = await s.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.status == OutboxStatus.SENT, OutboxRow.sent_at >= start)
        )
        ended = (
            await s.execute(
                select(OutboxRow.status, func.count())
                .where(OutboxRow.status.in_((OutboxStatus.FAILED, OutboxStatus.DROPPED)), OutboxRow.created_at >= start)
                .group_by(OutboxRow.status)
            )
        ).all()
        queued = await s.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
        )
        feedback = (
            await s.execute(
                select(Feedback.level, Feedback.relevant, func.count()).group_by(Feedback.level, Feedback.relevant)
            )
        ).all()
        advice = (await s.execute(select(AdviceRequest.status, func.count()).group_by(AdviceRequest.status))).all()
        sources = [
            SourceHealth(r.name, r.kind, r.last_success_at, r.last_error, r.last_error_at, r.failures or 0)
            for r in (await s.scalars(select(Source).order_by(Source.name))).all()
        ]
    raw = RawStats(
        subscribers=subs,
        notice_levels=[(lv, int(n)) for lv, n in levels],
        outbox=[("sent", int(sent or 0)), ("queued", int(queued or 0)), *((st, int(n)) for st, n in ended)],
        feedback=[(lv, bool(rel), int(n)) for lv, rel, n in feedback],
        advice=[(st, int(n)) for st, n in advice],
        sources=sources,
    )
    return build_stats(raw, start)
