"""Re-classify stored notices when the rules change (``udbudsbot rescore``)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from jobs.db import Database
from jobs.ingest.store import apply_assessment
from jobs.models import NoticeRow
from jobs.rows import row_to_notice
from jobs.runtime import Assess

BATCH = 500


async def rescore_all(
    db: Database, assess: Assess, *, stale_for: str | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Recompute every stored assessment, or with ``stale_for`` (the running rules
    version) only those made by other rules. Returns how many were recomputed;
    ``progress`` hears the running count after each batch."""
    count = 0
    last_id = 0
    while True:
        async with db.sessions.begin() as s:
            q = select(NoticeRow).where(NoticeRow.id > last_id)
            if stale_for is not None:
                q = q.where(or_(NoticeRow.rules_version.is_(None), NoticeRow.rules_version != stale_for))
            rows = (await s.scalars(q.order_by(NoticeRow.id).limit(BATCH).options(selectinload(NoticeRow.lots)))).all()
            if not rows:
                return count
            for row in rows:
                apply_assessment(row, assess(row_to_notice(row)))
                count += 1
            last_id = rows[-1].id
        if progress is not None:
            progress(count)
