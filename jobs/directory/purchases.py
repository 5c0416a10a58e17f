"""A planned purchase matched against the directory, and the heads-up to the enterprises
that fit: stored, sent through the outbox like a broadcast, and audited."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert, select, update

from jobs.db import Database
from jobs.directory.matching import MatchResult
from jobs.models import Enterprise, NoticeRow, OutboxRow, PurchaseMatch, Subscriber
from jobs.people import audit


@dataclass(frozen=True)
class NoticePurchase:
    """What a stored notice says about the purchase it announces."""

    notice_id: int
    title: str
    text: str
    cpv: tuple[str, ...]
    value_dkk: Decimal | None


async def notice_purchase(db: Database, notice_id: int) -> NoticePurchase | None:
    async with db.sessions() as s:
        row = await s.get(NoticeRow, notice_id)
        if row is None:
            return None
        return NoticePurchase(row.id, row.title, f"{row.title}\n{row.description}", tuple(row.cpv or ()), row.value_dkk)


async def record_match(
    db: Database,
    result: MatchResult,
    *,
    text: str,
    cpv: Sequence[str],
    value_dkk: Decimal | None,
    actor: int | None,
    now: datetime,
    notice_id: int | None = None,
) -> int:
    """Keep the match (the heads-up button refers to it) and audit it; returns its id."""
    async with db.sessions.begin() as s:
        row = PurchaseMatch(
            created_by=actor,
            text=text[:2000],
            cpv=list(cpv),
            value_dkk=value_dkk,
            notice_id=notice_id,
            enterprise_ids=[f.enterprise.id for f in result.fits],
            created_at=now,
        )
        s.add(row)
        await s.flush()
        audit.record(
            s,
            at=now,
            actor=actor,
            action="match.run",
            subject=f"match:{row.id}",
            detail=f"trades={','.join(result.trades)} cpv={','.join(cpv)} value={value_dkk} notice={notice_id}",
            count=len(result.fits),
        )
        return row.id


@dataclass(frozen=True)
class MatchView:
    id: int
    text: str
    enterprise_ids: tuple[int, ...]
    headsup_at: datetime | None
    headsup_count: int | None


async def get_match(db: Database, match_id: int) -> MatchView | None:
    async with db.sessions() as s:
        row = await s.get(PurchaseMatch, match_id)
        if row is None:
            return None
        return MatchView(row.id, row.text, tuple(row.enterprise_ids or ()), row.headsup_at, row.headsup_count)


@dataclass(frozen=True)
class Recipient:
    enterprise_id: int
    name: str
    language: str


async def recipients(db: Database, match_id: int) -> list[Recipient]:
    """The enterprises of a match that are still listed, with their chat's language."""
    async with db.sessions() as s:
        row = await s.get(PurchaseMatch, match_id)
        if row is None or not row.enterprise_ids:
            return []
        found = (
            await s.execute(
                select(Enterprise.id, Enterprise.name, Subscriber.language)
                .join(Subscriber, Subscriber.id == Enterprise.subscriber_id)
                .where(Enterprise.id.in_([int(i) for i in row.enterprise_ids]), Enterprise.listed.is_(True))
                .where(Subscriber.status != "blocked")
            )
        ).all()
    order = {int(e): i for i, e in enumerate(row.enterprise_ids)}
    return sorted((Recipient(r[0], r[1], r[2]) for r in found), key=lambda r: order.get(r.enterprise_id, 0))


async def send_headsup(
    db: Database, match_id: int, render: Callable[[str], str], *, actor: int | None, now: datetime
) -> int | None:
    """One outbox row (kind ``headsup``) per listed enterprise of the match, in one transaction
    with the audit entry; ``render(language)`` gives the message. None if it was sent already
    (a second press sends nothing: the match is marked, and the outbox is unique per row)."""
    async with db.sessions.begin() as s:
        res = await s.execute(
            update(PurchaseMatch)
            .where(PurchaseMatch.id == match_id, PurchaseMatch.headsup_at.is_(None))
            .values(headsup_at=now)
        )
        if not res.rowcount:  # type: ignore[attr-defined]
            return None
        row = await s.get(PurchaseMatch, match_id)
        assert row is not None
        ids = [int(i) for i in row.enterprise_ids or ()]
        targets = (
            (
                await s.execute(
                    select(Enterprise.subscriber_id, Subscriber.language)
                    .join(Subscriber, Subscriber.id == Enterprise.subscriber_id)
                    .where(Enterprise.id.in_(ids), Enterprise.listed.is_(True), Subscriber.status != "blocked")
                )
            ).all()
            if ids
            else []
        )
        messages = {lang: render(lang) for lang in {t[1] for t in targets}}
        if targets:
            await s.execute(
                insert(OutboxRow),
                [
                    {
                        "subscriber_id": sid,
                        "kind": "headsup",
                        "ref": str(match_id),
                        "notice_id": None,
                        "payload": {"html": messages[lang]},
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                    for sid, lang in targets
                ],
            )
        row.headsup_count = len(targets)
        audit.record(
            s,
            at=now,
            actor=actor,
            action="match.headsup",
            subject=f"match:{match_id}",
            detail=f"enterprises={','.join(str(i) for i in ids)}",
            count=len(targets),
            result="queued",
        )
        return len(targets)
