"""Retention: old notices and finished messages are deleted after a configured time.

``cutoffs`` is the pure decision (from ``[retention]`` and ``now``); ``prune`` carries it out
in small transactions, so that it can run beside the sender on a big database. The rules:

* a **notice** goes when its deadline (or, without one, the time it was first seen) is older
  than ``notices_days``, unless a message about it is still waiting (an outbox row that is
  not finished, or a digest still to be sent that lists it), and unless a later version of
  it (a change notice pointing at it) must stay: a chain of changes goes as a whole. Its
  lots, aliases, feedback and the finished alerts about it go with it;
* a finished **outbox row** (sent, dropped, failed, or digested) goes ``outbox_days`` after
  it finished, except an alert (kind ``notice``) whose notice is still stored: that row is
  what lets its user press the alert's buttons and get its changes; it goes with the notice;
* an expired **question** the bot waited for an answer to, and button presses older than a
  day (``jobs.people.dialogue``), always.

Caveat: a source that still lists a pruned notice makes it new again (the store remembers
nothing of it). Keep ``notices_days`` well beyond how long sources list old notices.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from jobs.config import RetentionSettings
from jobs.db import Database
from jobs.models import NoticeRow, OutboxRow
from jobs.people import dialogue
from jobs.people.privacy import DeletionReport, delete_rows
from jobs.runtime import Runtime
from jobs.status import OutboxKind, OutboxStatus

log = logging.getLogger(__name__)

FINISHED = (OutboxStatus.SENT, OutboxStatus.DROPPED, OutboxStatus.FAILED, OutboxStatus.DIGESTED)
BATCH = 1000


@dataclass(frozen=True)
class Cutoffs:
    notices_before: datetime | None  # None: keep notices forever
    outbox_before: datetime | None  # None: keep finished messages forever


def cutoffs(settings: RetentionSettings, now: datetime) -> Cutoffs:
    """What is old enough to go, at ``now``."""
    return Cutoffs(
        now - timedelta(days=settings.notices_days) if settings.notices_days else None,
        now - timedelta(days=settings.outbox_days) if settings.outbox_days else None,
    )


@dataclass
class PruneReport:
    notices: int = 0
    outbox: int = 0
    dialogues: int = 0  # expired questions and old button presses


async def prune(rt: Runtime, *, batch: int = BATCH) -> PruneReport:
    """Delete what ``[retention]`` says is too old (the daily job)."""
    c = cutoffs(rt.settings.retention, rt.clock())
    report = PruneReport()
    if c.outbox_before is not None:
        report.outbox = await prune_outbox(rt.db, c.outbox_before, batch=batch)
    if c.notices_before is not None:
        report.notices = await prune_notices(rt.db, c.notices_before, batch=batch)
    report.dialogues = await dialogue.prune(rt.db, rt.clock())
    if report.notices or report.outbox:
        log.info("retention: deleted %d notices and %d outbox rows", report.notices, report.outbox)
    return report


async def prune_outbox(db: Database, before: datetime, *, batch: int = BATCH) -> int:
    finished_at = func.coalesce(OutboxRow.sent_at, OutboxRow.next_attempt_at)
    old = and_(
        OutboxRow.status.in_(FINISHED),
        finished_at < before,
        or_(OutboxRow.kind != OutboxKind.NOTICE, OutboxRow.notice_id.is_(None)),
    )
    total = 0
    while True:
        async with db.sessions.begin() as s:
            ids = (await s.scalars(select(OutboxRow.id).where(old).order_by(OutboxRow.id).limit(batch))).all()
            if ids:
                report = DeletionReport()
                await delete_rows(s, _table(OutboxRow), OutboxRow.id.in_(ids), report)
                total += report.deleted.get("outbox", 0)
        if len(ids) < batch:
            return total


async def prune_notices(db: Database, before: datetime, *, batch: int = BATCH) -> int:
    waiting_ids = await _notices_in_waiting_digests(db)
    child = aliased(NoticeRow)

    def prunable(n: type[NoticeRow]) -> list[object]:
        """The notice is old and no message about it waits."""
        waiting = exists().where(OutboxRow.notice_id == n.id, OutboxRow.status.not_in(FINISHED))
        conds: list[object] = [func.coalesce(n.deadline, n.first_seen_at) < before, not_(waiting)]
        if waiting_ids:
            conds.append(n.id.not_in(waiting_ids))
        return conds

    total = 0
    last_id = 0
    while True:
        async with db.sessions.begin() as s:
            ids = list(
                (
                    await s.scalars(
                        select(NoticeRow.id)
                        .where(NoticeRow.id > last_id, *prunable(NoticeRow))  # type: ignore[arg-type]
                        .order_by(NoticeRow.id)
                        .limit(batch)
                    )
                ).all()
            )
            if not ids:
                return total
            last_id = ids[-1]
            # A chain of changes goes as a whole: keep a notice any later version of which stays.
            chain = (
                select(child.changes_notice_id.label("root"), child.id.label("id"))
                .where(child.changes_notice_id.in_(ids))
                .cte("chain", recursive=True)
            )
            later = aliased(NoticeRow)
            chain = chain.union(select(chain.c.root, later.id).where(later.changes_notice_id == chain.c.id))
            kept = aliased(NoticeRow)
            blocked = set(
                (
                    await s.scalars(
                        select(chain.c.root)
                        .join(kept, kept.id == chain.c.id)
                        .where(not_(and_(*prunable(kept))))  # type: ignore[arg-type]
                        .distinct()
                    )
                ).all()
            )
            doomed = [i for i in ids if i not in blocked]
            if doomed:
                report = DeletionReport()
                await delete_rows(s, _table(NoticeRow), NoticeRow.id.in_(doomed), report)
                total += report.deleted.get("notices", 0)


async def _notices_in_waiting_digests(db: Database) -> list[int]:
    """Notices listed by digest rows still to be sent (their payload holds the ids)."""
    async with db.sessions() as s:
        payloads = (
            await s.scalars(
                select(OutboxRow.payload).where(OutboxRow.kind == OutboxKind.DIGEST, OutboxRow.status.not_in(FINISHED))
            )
        ).all()
    ids = {int(i) for p in payloads for i in (p or {}).get("notice_ids", []) if str(i).isdigit()}
    return sorted(ids)


def _table(model: type[object]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table
