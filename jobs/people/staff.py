"""Who is staff: roles from config.toml plus those given with ``/staff add``.

The role is looked up on every use (never cached), so a removal takes effect at
once. An admin can do everything an advisor can.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select

from jobs.config import StaffSettings
from jobs.db import Database
from jobs.models import StaffMember
from jobs.people import audit

Role = Literal["admin", "advisor", "procurement"]
ROLES: tuple[Role, ...] = ("admin", "advisor", "procurement")
# admin ⊇ advisor ⊇ procurement (buyers of other departments: /match and heads-ups)
RANK: dict[str, int] = {"procurement": 1, "advisor": 2, "admin": 3}


def effective_role(user_id: int, settings: StaffSettings, stored: Collection[str]) -> Role | None:
    """The strongest role a user has, from config and the database (pure)."""
    if user_id in settings.admins or "admin" in stored:
        return "admin"
    if user_id in settings.advisors or "advisor" in stored:
        return "advisor"
    if user_id in settings.procurement or "procurement" in stored:
        return "procurement"
    return None


def allows(role: Role | None, needed: Role) -> bool:
    """Does ``role`` allow what ``needed`` may do? (admin ⊇ advisor ⊇ procurement)."""
    if role is None:
        return False
    return RANK[role] >= RANK[needed]


async def stored_roles(db: Database, user_id: int) -> set[str]:
    async with db.sessions() as s:
        return set((await s.scalars(select(StaffMember.role).where(StaffMember.user_id == user_id))).all())


async def role_of(db: Database, settings: StaffSettings, user_id: int | None) -> Role | None:
    if user_id is None:
        return None
    return effective_role(user_id, settings, await stored_roles(db, user_id))


async def add(db: Database, user_id: int, role: Role, *, actor: int | None, now: datetime) -> bool:
    """Give ``user_id`` the role; False if they already had it (stored)."""
    async with db.sessions.begin() as s:
        exists = (
            await s.scalars(select(StaffMember).where(StaffMember.user_id == user_id, StaffMember.role == role))
        ).one_or_none()
        if exists is None:
            s.add(StaffMember(user_id=user_id, role=role, added_by=actor, added_at=now))
        audit.record(
            s,
            at=now,
            actor=actor,
            action="staff.add",
            subject=f"user:{user_id}",
            detail=role,
            result="ok" if exists is None else "unchanged",
        )
        return exists is None


RemoveResult = Literal["removed", "absent", "config"]


async def remove(
    db: Database, settings: StaffSettings, user_id: int, role: Role, *, actor: int | None, now: datetime
) -> RemoveResult:
    """Take the stored role away; roles from config.toml stay (change the file for those)."""
    in_config = user_id in {"admin": settings.admins, "advisor": settings.advisors}.get(role, settings.procurement)
    async with db.sessions.begin() as s:
        res = await s.execute(delete(StaffMember).where(StaffMember.user_id == user_id, StaffMember.role == role))
        removed = bool(res.rowcount)  # type: ignore[attr-defined]
        result: RemoveResult = "removed" if removed else ("config" if in_config else "absent")
        audit.record(
            s, at=now, actor=actor, action="staff.remove", subject=f"user:{user_id}", detail=role, result=result
        )
    return result


@dataclass(frozen=True)
class Member:
    user_id: int
    role: Role
    source: Literal["config", "database"]


async def members(db: Database, settings: StaffSettings) -> list[Member]:
    out = [Member(u, "admin", "config") for u in settings.admins]
    out += [Member(u, "advisor", "config") for u in settings.advisors]
    out += [Member(u, "procurement", "config") for u in settings.procurement]
    async with db.sessions() as s:
        rows = (await s.scalars(select(StaffMember).order_by(StaffMember.role, StaffMember.user_id))).all()
    out += [Member(r.user_id, r.role, "database") for r in rows if r.role in ROLES]
    return out


async def staff_ids(db: Database, settings: StaffSettings) -> set[int]:
    return {m.user_id for m in await members(db, settings)}


async def log_refused(db: Database, user_id: int | None, command: str, now: datetime) -> None:
    """A non-staff user tried a staff command: recorded without the message text."""
    async with db.sessions.begin() as s:
        audit.record(s, at=now, actor=user_id, action="refused", subject=command[:100], result="refused")
