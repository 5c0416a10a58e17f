"""Re-classify stored notices when the rules change (``udbudsbot rescore``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jobs.db import Database
from jobs.models import NoticeRow
from jobs.rows import row_to_notice
from jobs.store import Assess, apply_assessment

BATCH = 500


async def rescore_all(db: Database, assess: Assess, *, only_stale: bool = False) -> int:
    """Recompute every stored assessment (or only those of another rules version)."""
    count = 0
    last_id = 0
    while True:
        async with db.sessions.begin() as s:
            rows = (
                await s.scalars(
                    select(NoticeRow)
                    .where(NoticeRow.id > last_id)
                    .order_by(NoticeRow.id)
                    .limit(BATCH)
                    .options(selectinload(NoticeRow.lots))
                )
            ).all()
            if not rows:
                return count
            for row in rows:
                a = assess(row_to_notice(row))
                if not only_stale or row.rules_version != a.rules_version:
                    apply_assessment(row, a)
                    count += 1
            last_id = rows[-1].id
