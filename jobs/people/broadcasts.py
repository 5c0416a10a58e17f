"""Broadcasts: one message from staff to many subscribers, safely.

A broadcast is stored first (``draft``), then confirmed: ``scheduled`` for later, or
fanned out at once. Fan-out turns it into one outbox row per recipient (kind
``broadcast``, ref = the broadcast id, the HTML in the payload) and flips the status
to ``sending`` in ONE transaction: a crash before the commit leaves it to be fanned
out again, a crash after leaves the rows to the sender, and the outbox's unique
(subscriber, kind, ref) means nobody gets it twice. The rows then go through the same
sender and rate limiter as notices. ``finish`` closes it when no row is left to send.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, insert, select, update

from jobs.db import Database
from jobs.deliver.outbox import new_message
from jobs.models import Broadcast, Feedback, OutboxRow, Subscriber
from jobs.people import audit
from jobs.status import BroadcastStatus, OutboxKind, OutboxStatus, SubscriberStatus

PENDING = (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED)


# ------------------------------------------------------------------ audience (pure)


@dataclass(frozen=True)
class Audience:
    """Who gets it; every filter given must hold (none given: every active subscriber).

    ``categories``: subscribers who chose at least one of them (those who chose none,
    i.e. follow everything, are not counted in: a category broadcast is for those who
    asked for that category). ``relevant``: subscribers who marked a notice relevant
    (``notice_id``: that notice).
    """

    categories: tuple[str, ...] = ()
    language: str | None = None
    relevant: bool = False
    notice_id: int | None = None

    @property
    def everyone(self) -> bool:
        return not self.categories and self.language is None and not self.relevant

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.categories:
            out["categories"] = list(self.categories)
        if self.language:
            out["language"] = self.language
        if self.relevant:
            out["relevant"] = True
            if self.notice_id is not None:
                out["notice_id"] = self.notice_id
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Audience:
        data = data or {}
        nid = data.get("notice_id")
        return cls(
            categories=tuple(str(c) for c in data.get("categories", ())),
            language=data.get("language") or None,
            relevant=bool(data.get("relevant")),
            notice_id=int(nid) if nid is not None else None,
        )


@dataclass(frozen=True)
class Candidate:
    id: int
    language: str
    categories: tuple[str, ...]


def select_recipients(audience: Audience, candidates: Iterable[Candidate], relevant_ids: set[int]) -> list[int]:
    """Subscriber ids the audience means, from active subscribers (pure)."""
    wanted = set(audience.categories)
    out = []
    for c in candidates:
        if wanted and not wanted.intersection(c.categories):
            continue
        if audience.language and c.language != audience.language:
            continue
        if audience.relevant and c.id not in relevant_ids:
            continue
        out.append(c.id)
    return sorted(out)


# ------------------------------------------------------------------ storage


async def _candidates(s: Any, audience: Audience) -> tuple[list[Candidate], set[int]]:
    rows = (
        await s.execute(
            select(Subscriber.id, Subscriber.language, Subscriber.categories).where(
                Subscriber.status == SubscriberStatus.ACTIVE
            )
        )
    ).all()
    candidates = [Candidate(r[0], r[1], tuple(r[2] or ())) for r in rows]
    relevant: set[int] = set()
    if audience.relevant:
        q = select(Feedback.subscriber_id).where(Feedback.relevant.is_(True))
        if audience.notice_id is not None:
            q = q.where(Feedback.notice_id == audience.notice_id)
        relevant = set((await s.scalars(q)).all())
    return candidates, relevant


async def count_recipients(db: Database, audience: Audience) -> int:
    async with db.sessions() as s:
        candidates, relevant = await _candidates(s, audience)
    return len(select_recipients(audience, candidates, relevant))


async def create(
    db: Database,
    *,
    html_text: str,
    audience: Audience,
    created_by: int | None,
    now: datetime,
    origin_chat_id: int | None = None,
    send_at: datetime | None = None,
) -> int:
    async with db.sessions.begin() as s:
        row = Broadcast(
            created_by=created_by,
            html=html_text,
            audience=audience.to_json(),
            status=BroadcastStatus.DRAFT,
            send_at=send_at,
            origin_chat_id=origin_chat_id,
            created_at=now,
        )
        s.add(row)
        await s.flush()
        audit.record(s, at=now, actor=created_by, action="broadcast.draft", subject=f"broadcast:{row.id}")
        return row.id


async def get(db: Database, broadcast_id: int) -> Broadcast | None:
    async with db.sessions() as s:
        return await s.get(Broadcast, broadcast_id)


async def edit(db: Database, broadcast_id: int, **changes: Any) -> Broadcast | None:
    """Change a draft: ``html``, ``audience`` (an Audience), ``send_at``. None unless a draft."""
    allowed = {"html", "audience", "send_at", "origin_chat_id"}
    if set(changes) - allowed:
        raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
    async with db.sessions.begin() as s:
        row = await s.get(Broadcast, broadcast_id)
        if row is None or row.status != BroadcastStatus.DRAFT:
            return None
        for key, value in changes.items():
            setattr(row, key, value.to_json() if isinstance(value, Audience) else value)
        return row


@dataclass(frozen=True)
class Confirmed:
    status: Literal[
        BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING, BroadcastStatus.DONE, "gone"
    ]  # gone: not a draft any more
    recipients: int = 0
    send_at: datetime | None = None


async def confirm(db: Database, broadcast_id: int, *, actor: int | None, now: datetime) -> Confirmed:
    """The staff member pressed Send: schedule it, or fan it out now."""
    async with db.sessions.begin() as s:
        row = await s.get(Broadcast, broadcast_id)
        if row is None or row.status != BroadcastStatus.DRAFT:
            return Confirmed("gone")
        if row.send_at is not None and row.send_at > now:
            res = await s.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.DRAFT)
                .values(status=BroadcastStatus.SCHEDULED)
            )
            if not res.rowcount:  # type: ignore[attr-defined]
                return Confirmed("gone")
            candidates, relevant = await _candidates(s, Audience.from_json(row.audience))
            count = len(select_recipients(Audience.from_json(row.audience), candidates, relevant))
            audit.record(
                s,
                at=now,
                actor=actor,
                action="broadcast.schedule",
                subject=f"broadcast:{broadcast_id}",
                detail=f"send_at={row.send_at.isoformat()} audience={row.audience}",
                count=count,
            )
            return Confirmed(BroadcastStatus.SCHEDULED, count, row.send_at)
    fanned = await fan_out(db, broadcast_id, now=now, actor=actor)
    if fanned is None:
        return Confirmed("gone")
    return Confirmed(BroadcastStatus.SENDING if fanned else BroadcastStatus.DONE, fanned)


async def fan_out(db: Database, broadcast_id: int, *, now: datetime, actor: int | None = None) -> int | None:
    """Draft or scheduled → sending, with one outbox row per recipient, in one transaction.

    Returns the number of recipients, or None if the broadcast was not pending (already
    fanned out by someone else, or cancelled). With no recipient it is done at once.
    """
    async with db.sessions.begin() as s:
        res = await s.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status.in_(PENDING))
            .values(status=BroadcastStatus.SENDING, started_at=now)
        )
        if not res.rowcount:  # type: ignore[attr-defined]
            return None
        row = await s.get(Broadcast, broadcast_id)
        assert row is not None
        audience = Audience.from_json(row.audience)
        candidates, relevant = await _candidates(s, audience)
        ids = select_recipients(audience, candidates, relevant)
        payload = {"html": row.html}
        if ids:
            await s.execute(
                insert(OutboxRow),
                [new_message(sid, OutboxKind.BROADCAST, str(broadcast_id), now, payload=payload) for sid in ids],
            )
        row.recipients = len(ids)
        if not ids:
            row.status, row.finished_at = BroadcastStatus.DONE, now
            row.delivered = row.blocked = row.failed = 0
        audit.record(
            s,
            at=now,
            actor=actor if actor is not None else row.created_by,
            action="broadcast.send",
            subject=f"broadcast:{broadcast_id}",
            detail=f"audience={row.audience}",
            count=len(ids),
            result="queued",
        )
        return len(ids)


async def start_due(db: Database, now: datetime) -> list[int]:
    """Fan out every scheduled broadcast whose time has come (the scheduler's tick)."""
    async with db.sessions() as s:
        due = list(
            (
                await s.scalars(
                    select(Broadcast.id)
                    .where(Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.send_at <= now)
                    .order_by(Broadcast.send_at, Broadcast.id)
                )
            ).all()
        )
    started = []
    for bid in due:
        if await fan_out(db, bid, now=now) is not None:
            started.append(bid)
    return started


async def cancel(db: Database, broadcast_id: int, *, actor: int | None, now: datetime) -> bool:
    """Cancel a draft or a scheduled broadcast (one that is sending cannot be taken back)."""
    async with db.sessions.begin() as s:
        res = await s.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status.in_(PENDING))
            .values(status=BroadcastStatus.CANCELLED, finished_at=now)
        )
        done = bool(res.rowcount)  # type: ignore[attr-defined]
        audit.record(
            s,
            at=now,
            actor=actor,
            action="broadcast.cancel",
            subject=f"broadcast:{broadcast_id}",
            result="ok" if done else "not pending",
        )
        return done


@dataclass(frozen=True)
class Progress:
    recipients: int
    delivered: int = 0
    blocked: int = 0  # blocked the bot, unsubscribed or gone
    failed: int = 0
    pending: int = 0  # not sent yet (or being sent)

    @property
    def finished(self) -> int:
        return self.delivered + self.blocked + self.failed


def progress_of(recipients: int, by_status: dict[str, int]) -> Progress:
    """Outbox rows by status → what the staff member sees (pure)."""
    return Progress(
        recipients=recipients,
        delivered=by_status.get(OutboxStatus.SENT, 0),
        blocked=by_status.get(OutboxStatus.DROPPED, 0),
        failed=by_status.get(OutboxStatus.FAILED, 0),
        pending=sum(
            n for st, n in by_status.items() if st not in (OutboxStatus.SENT, OutboxStatus.DROPPED, OutboxStatus.FAILED)
        ),
    )


async def progress(db: Database, broadcast_id: int) -> Progress:
    async with db.sessions() as s:
        rows = (
            await s.execute(
                select(OutboxRow.status, func.count())
                .where(OutboxRow.kind == OutboxKind.BROADCAST, OutboxRow.ref == str(broadcast_id))
                .group_by(OutboxRow.status)
            )
        ).all()
        row = await s.get(Broadcast, broadcast_id)
    by_status = {str(st): int(n) for st, n in rows}
    return progress_of((row.recipients or 0) if row else 0, by_status)


async def finish(db: Database, broadcast_id: int, *, now: datetime) -> Progress | None:
    """Sending → done once nothing is left to send; records the counts and the audit entry.

    Returns the final progress when this call closed the broadcast; None while rows remain
    or when it was closed already (by another process), so exactly one caller reports it.
    """
    p = await progress(db, broadcast_id)
    if p.pending:
        return None
    async with db.sessions.begin() as s:
        res = await s.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SENDING)
            .values(
                status=BroadcastStatus.DONE, finished_at=now, delivered=p.delivered, blocked=p.blocked, failed=p.failed
            )
        )
        if not res.rowcount:  # type: ignore[attr-defined]
            return None
        row = await s.get(Broadcast, broadcast_id)
        audit.record(
            s,
            at=now,
            actor=row.created_by if row else None,
            action="broadcast.done",
            subject=f"broadcast:{broadcast_id}",
            detail=f"delivered={p.delivered} blocked={p.blocked} failed={p.failed}",
            count=p.recipients,
            result="ok" if not p.failed else "some failed",
        )
    return p


async def set_progress_message(db: Database, broadcast_id: int, chat_id: int, message_id: int) -> None:
    async with db.sessions.begin() as s:
        row = await s.get(Broadcast, broadcast_id)
        if row is not None:
            row.origin_chat_id, row.progress_message_id = chat_id, message_id


async def sending(db: Database) -> list[Broadcast]:
    """Broadcasts being sent (their progress needs watching, also after a restart)."""
    async with db.sessions() as s:
        return list((await s.scalars(select(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING))).all())


async def recent(db: Database, limit: int = 15, statuses: Sequence[str] | None = None) -> list[Broadcast]:
    async with db.sessions() as s:
        q = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
        if statuses:
            q = q.where(Broadcast.status.in_(list(statuses)))
        return list((await s.scalars(q)).all())
