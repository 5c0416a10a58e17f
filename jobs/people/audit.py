"""The audit log: who did what, when, to how many, with what result.

Written in the same transaction as the action it records, so the log and the
data never disagree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.db import Database
from jobs.models import AuditEntry


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: int | None,
    action: str,
    subject: str = "",
    detail: str = "",
    count: int | None = None,
    result: str = "ok",
) -> None:
    """Add one entry to the caller's transaction."""
    session.add(
        AuditEntry(
            at=at,
            actor=actor,
            action=action[:40],
            subject=subject[:100],
            detail=detail[:2000],
            count=count,
            result=result[:40],
        )
    )


async def entries(db: Database, *, action: str | None = None, limit: int = 100) -> list[AuditEntry]:
    """The newest entries first (optionally of one action)."""
    async with db.sessions() as s:
        q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action is not None:
            q = q.where(AuditEntry.action == action)
        return list((await s.scalars(q)).all())
