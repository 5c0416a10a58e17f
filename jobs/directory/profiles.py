"""Enterprise profiles: kept by the enterprise in the bot, public only once staff approve.

Every change to a complete profile submits it for approval (a new ``revision``); the web
section shows ``published``, the copy staff approved, and only while the profile is
``listed``. A review acts only on the revision it was shown (an old Approve button cannot
publish text written after it was posted). Decisions are audited, and the enterprise hears
of them through the outbox, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select

from jobs.db import Database
from jobs.directory.fields import FIELDS, REQUIRED
from jobs.directory.matching import Listed
from jobs.models import Enterprise, OutboxRow, Subscriber
from jobs.people import audit
from jobs.people.subscribers import Profile, new_subscriber

CONTACT_ONLY = "directory profile only"
PUBLIC_FIELDS = ("name", "cvr", "trades", "area", "employees", "capacity_dkk", "description", "website", "contact")
COLUMN = {"capacity": "capacity_dkk"}  # field name (as typed) -> column


@dataclass(frozen=True)
class ProfileView:
    id: int
    chat_id: int
    language: str
    name: str
    cvr: str
    trades: tuple[str, ...]
    area: str
    employees: int | None
    capacity_dkk: Decimal | None
    description: str
    website: str
    contact: str
    status: str  # draft pending approved rejected withdrawn
    revision: int
    listed: bool

    @property
    def missing(self) -> list[str]:
        """Required fields still empty, in dialogue order."""
        return [f for f in REQUIRED if not getattr(self, COLUMN.get(f, f))]

    @property
    def complete(self) -> bool:
        return not self.missing

    def next_field(self, after: str | None = None) -> str | None:
        """The next field the guided dialogue asks for: the next empty required one after ``after``,
        or (while creating) the next field in order."""
        order = list(FIELDS)
        start = order.index(after) + 1 if after in order else 0
        for name in order[start:]:
            if name in self.missing:
                return name
        return None


def _view(row: Enterprise, sub: Subscriber) -> ProfileView:
    return ProfileView(
        id=row.id,
        chat_id=sub.chat_id,
        language=sub.language,
        name=row.name,
        cvr=row.cvr,
        trades=tuple(row.trades or ()),
        area=row.area,
        employees=row.employees,
        capacity_dkk=row.capacity_dkk,
        description=row.description,
        website=row.website,
        contact=row.contact,
        status=row.status,
        revision=row.revision,
        listed=row.listed,
    )


def _public(row: Enterprise) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in PUBLIC_FIELDS}
    values["trades"] = list(row.trades or ())
    values["capacity_dkk"] = str(row.capacity_dkk) if row.capacity_dkk is not None else None
    return values


async def _row(s: Any, chat_id: int) -> tuple[Enterprise, Subscriber] | None:
    found = (
        await s.execute(
            select(Enterprise, Subscriber)
            .join(Subscriber, Subscriber.id == Enterprise.subscriber_id)
            .where(Subscriber.chat_id == chat_id)
        )
    ).one_or_none()
    return (found[0], found[1]) if found is not None else None


async def get_profile(db: Database, chat_id: int) -> ProfileView | None:
    async with db.sessions() as s:
        found = await _row(s, chat_id)
        return _view(*found) if found else None


async def get_by_id(db: Database, enterprise_id: int) -> ProfileView | None:
    async with db.sessions() as s:
        found = (
            await s.execute(
                select(Enterprise, Subscriber)
                .join(Subscriber, Subscriber.id == Enterprise.subscriber_id)
                .where(Enterprise.id == enterprise_id)
            )
        ).one_or_none()
        return _view(found[0], found[1]) if found else None


async def start_profile(db: Database, profile: Profile, now: datetime) -> ProfileView:
    """The chat's profile, created (empty, a draft) when it has none. A chat that never
    subscribed gets a contact-only subscriber row (no alerts; the bot's replies reach it)."""
    async with db.sessions.begin() as s:
        sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == profile.chat_id))).one_or_none()
        if sub is None:
            sub = new_subscriber(profile, now, status="stopped", reason=CONTACT_ONLY)
            s.add(sub)
            await s.flush()
        row = (await s.scalars(select(Enterprise).where(Enterprise.subscriber_id == sub.id))).one_or_none()
        if row is None:
            row = Enterprise(
                subscriber_id=sub.id,
                name="",
                cvr="",
                trades=[],
                area="",
                description="",
                website="",
                contact="",
                status="draft",
                revision=0,
                listed=False,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            await s.flush()
        return _view(row, sub)


@dataclass(frozen=True)
class Saved:
    view: ProfileView
    submitted: bool  # the change made it (again) wait for staff approval


async def set_field(db: Database, chat_id: int, field: str, value: object, now: datetime) -> Saved | None:
    """Store one parsed field. A complete profile whose public text changed is submitted for
    approval (pending, a new revision); the approved copy stays public meanwhile."""
    column = COLUMN.get(field, field)
    if column not in PUBLIC_FIELDS:
        raise ValueError(f"not a profile field: {field!r}")
    async with db.sessions.begin() as s:
        found = await _row(s, chat_id)
        if found is None:
            return None
        row, sub = found
        if getattr(row, column) == value and row.status != "draft":
            return Saved(_view(row, sub), submitted=False)
        setattr(row, column, value)
        row.updated_at = now
        submitted = False
        if not _view(row, sub).missing and row.status != "draft":
            submitted = _submit(row, now)
        await s.flush()
        return Saved(_view(row, sub), submitted)


def _submit(row: Enterprise, now: datetime) -> bool:
    row.status = "pending"
    row.revision += 1
    row.submitted_at = now
    row.staff_message_id = None
    return True


async def submit(db: Database, chat_id: int, now: datetime) -> Saved | None:
    """Send a complete profile for approval (the end of the guided dialogue, or "send again")."""
    async with db.sessions.begin() as s:
        found = await _row(s, chat_id)
        if found is None:
            return None
        row, sub = found
        if _view(row, sub).missing:
            return Saved(_view(row, sub), submitted=False)
        if row.status == "pending":
            return Saved(_view(row, sub), submitted=False)
        _submit(row, now)
        await s.flush()
        return Saved(_view(row, sub), submitted=True)


async def withdraw(db: Database, chat_id: int, now: datetime) -> ProfileView | None:
    """Take the profile off the directory at once (it stays, unlisted, until deleted)."""
    async with db.sessions.begin() as s:
        found = await _row(s, chat_id)
        if found is None:
            return None
        row, sub = found
        row.status, row.listed, row.published, row.updated_at = "withdrawn", False, None, now
        audit.record(s, at=now, actor=sub.user_id, action="directory.withdraw", subject=f"enterprise:{row.id}")
        return _view(row, sub)


async def mark_posted(db: Database, enterprise_id: int, revision: int, chat_id: int, message_id: int) -> None:
    async with db.sessions.begin() as s:
        row = await s.get(Enterprise, enterprise_id)
        if row is not None and row.revision == revision:
            row.staff_chat_id, row.staff_message_id = chat_id, message_id


async def unposted(db: Database) -> list[ProfileView]:
    """Pending profiles the staff chat did not get (it was down, or not configured then)."""
    async with db.sessions() as s:
        rows = (
            await s.execute(
                select(Enterprise, Subscriber)
                .join(Subscriber, Subscriber.id == Enterprise.subscriber_id)
                .where(Enterprise.status == "pending", Enterprise.staff_message_id.is_(None))
                .order_by(Enterprise.id)
            )
        ).all()
        return [_view(r[0], r[1]) for r in rows]


async def pending(db: Database, limit: int = 20) -> list[ProfileView]:
    async with db.sessions() as s:
        rows = (
            await s.execute(
                select(Enterprise, Subscriber)
                .join(Subscriber, Subscriber.id == Enterprise.subscriber_id)
                .where(Enterprise.status == "pending")
                .order_by(Enterprise.submitted_at, Enterprise.id)
                .limit(limit)
            )
        ).all()
        return [_view(r[0], r[1]) for r in rows]


Decision = Literal["approved", "rejected", "stale", "gone"]


@dataclass(frozen=True)
class Reviewed:
    decision: Decision  # stale: not pending at that revision any more (already decided, or edited since)
    view: ProfileView | None = None


async def review(
    db: Database,
    enterprise_id: int,
    revision: int,
    *,
    approve: bool,
    actor: int | None,
    now: datetime,
    message_html: str | None = None,
) -> Reviewed:
    """Approve (publish this revision) or reject it; ``message_html`` goes to the enterprise."""
    async with db.sessions.begin() as s:
        row = await s.get(Enterprise, enterprise_id)
        if row is None:
            return Reviewed("gone")
        sub = await s.get(Subscriber, row.subscriber_id)
        assert sub is not None
        if row.status != "pending" or row.revision != revision:
            audit.record(
                s,
                at=now,
                actor=actor,
                action="directory.approve" if approve else "directory.reject",
                subject=f"enterprise:{enterprise_id}",
                detail=f"revision={revision}",
                result="stale",
            )
            return Reviewed("stale", _view(row, sub))
        row.reviewed_at, row.reviewed_by = now, actor
        if approve:
            row.status, row.listed, row.published, row.published_at = "approved", True, _public(row), now
        else:
            row.status = "rejected"  # an earlier approved copy, if any, stays listed
        audit.record(
            s,
            at=now,
            actor=actor,
            action="directory.approve" if approve else "directory.reject",
            subject=f"enterprise:{enterprise_id}",
            detail=f"revision={revision}",
        )
        if message_html:
            s.add(
                OutboxRow(
                    subscriber_id=sub.id,
                    kind="directory",
                    ref=f"{enterprise_id}:{revision}",
                    notice_id=None,
                    payload={"html": message_html},
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        return Reviewed("approved" if approve else "rejected", _view(row, sub))


# ---------------------------------------------------------------- the public directory


def _listed(enterprise_id: int, data: dict[str, Any]) -> Listed:
    capacity = data.get("capacity_dkk")
    return Listed(
        id=enterprise_id,
        name=str(data.get("name") or ""),
        cvr=str(data.get("cvr") or ""),
        trades=tuple(str(t) for t in data.get("trades") or ()),
        area=str(data.get("area") or ""),
        employees=int(data["employees"]) if data.get("employees") is not None else None,
        capacity_dkk=Decimal(str(capacity)) if capacity is not None else None,
        description=str(data.get("description") or ""),
        website=str(data.get("website") or ""),
        contact=str(data.get("contact") or ""),
    )


async def listed_enterprises(db: Database) -> list[Listed]:
    """Every listed profile, approved copy only, by name."""
    async with db.sessions() as s:
        rows = (await s.execute(select(Enterprise.id, Enterprise.published).where(Enterprise.listed.is_(True)))).all()
    out = [_listed(rid, data) for rid, data in rows if data]
    return sorted(out, key=lambda e: (e.name.lower(), e.id))


def by_trade(enterprises: list[Listed], order: list[str]) -> list[tuple[str, list[Listed]]]:
    """Group the directory by trade, in ``order`` (the categories' order); one enterprise can
    appear under several trades."""
    groups: dict[str, list[Listed]] = {key: [] for key in order}
    for e in enterprises:
        for trade in e.trades:
            if trade in groups:
                groups[trade].append(e)
    return [(key, items) for key, items in groups.items() if items]
