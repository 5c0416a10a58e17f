"""Claims tied to a live process: every sending process is a row in ``workers`` with a heartbeat.

A process registers when it starts (:func:`start_worker`), heartbeats every quarter of
``delivery.worker_timeout_seconds`` (:func:`heartbeat`, a scheduled job) and deregisters on a
clean shutdown (:func:`stop_worker`, its unsent claims go back at once). The sender writes the
claiming worker's id on each row it claims (``outbox.worker_id``), and at every round takes back
the rows of dead workers (:func:`release_dead`):

* a worker whose heartbeat is older than ``worker_timeout_seconds`` (any host);
* a worker on this host (and pid namespace) whose process is gone (``kill -9``; the pid no longer exists), or which
  has this very process's pid under another id (a container restarted with the same pid): its
  previous incarnation;
* at start-up, when no other worker is alive, every row still claimed (also by a sender that
  registered no worker, or on SQLite, where only one process runs).

The claim's lease (``delivery.lease_seconds``) stays as the last resort. A live worker whose own
heartbeat is late (a stalled event loop, an unreachable database) could look dead to the others:
before each message it then re-checks its claim (:meth:`Worker.fresh`, used by
``jobs.deliver.send``), so a row taken back is not sent twice by two live workers.

Heartbeats use the runtime's clock (``rt.clock``): hosts sharing a database need synchronised
clocks (NTP), as the lease already did.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Update, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from jobs.models import OutboxRow, WorkerRow
from jobs.runtime import Runtime
from jobs.status import OutboxStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSeen:
    """A row of ``workers`` as the decision sees it."""

    id: int
    host: str
    pid: int
    heartbeat_at: datetime


def dead_workers(
    workers: Sequence[WorkerSeen],
    *,
    now: datetime,
    timeout: float,
    me: int | None,
    host: str,
    pid: int,
    pid_alive: Callable[[int], bool],
) -> list[int]:
    """The ids of the workers whose claims go back (the caller ``me`` is never one of them)."""
    cutoff = now - timedelta(seconds=timeout)
    dead = []
    for w in workers:
        if w.id == me:
            continue
        silent = w.heartbeat_at < cutoff
        gone_here = w.host == host and (w.pid == pid or not pid_alive(w.pid))
        if silent or gone_here:
            dead.append(w.id)
    return dead


def this_host() -> str:
    """Where pids mean the same: the host name and, on Linux, the pid namespace (containers
    sharing a host name, e.g. with host networking, each have their own pids)."""
    try:
        ns = os.readlink("/proc/self/ns/pid")
    except OSError:
        ns = ""
    return f"{socket.gethostname()} {ns}".strip()[:255]


def pid_alive(pid: int) -> bool:
    """Whether a process with ``pid`` exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


@dataclass
class Worker:
    """This process's registration on one database."""

    id: int
    host: str
    pid: int
    timeout: float
    started_at: datetime
    beat_at: float = field(default_factory=time.monotonic)  # monotonic time of the last heartbeat

    def fresh(self) -> bool:
        """Whether the last heartbeat is recent enough that no other process can think us dead."""
        return time.monotonic() - self.beat_at < self.timeout / 2


_workers: weakref.WeakKeyDictionary[AsyncEngine, Worker] = weakref.WeakKeyDictionary()


def current(rt: Runtime) -> Worker | None:
    """This process's worker on ``rt``'s database, if it registered one."""
    return _workers.get(rt.db.engine)


async def start_worker(rt: Runtime) -> Worker:
    """Register this process, and take back at once what dead processes held."""
    now = rt.clock()
    host, pid = this_host(), os.getpid()
    async with rt.db.sessions.begin() as s:
        wid = await s.scalar(
            insert(WorkerRow).values(host=host, pid=pid, started_at=now, heartbeat_at=now).returning(WorkerRow.id)
        )
    assert wid is not None
    worker = Worker(int(wid), host, pid, rt.settings.delivery.worker_timeout_seconds, now)
    _workers[rt.db.engine] = worker
    released = await release_dead(rt, starting=True)
    log.info("sender registered as worker %s (%s:%s); took back %s claimed messages", wid, host, pid, released)
    return worker


async def ensure_worker(rt: Runtime) -> Worker:
    """This process's worker, registered now if it is not yet (before its first claim)."""
    worker = current(rt)
    return worker if worker is not None else await start_worker(rt)


async def heartbeat(rt: Runtime) -> None:
    """This process is alive (registering it if it is not yet, or again if it was given up)."""
    worker = current(rt)
    if worker is None:
        await start_worker(rt)
        return
    async with rt.db.sessions.begin() as s:
        done = await s.execute(update(WorkerRow).where(WorkerRow.id == worker.id).values(heartbeat_at=rt.clock()))
        if not done.rowcount:  # type: ignore[attr-defined]
            # declared dead while alive (a stalled loop): its claims went back; it goes on
            log.warning("worker %s was given up by another process; registering again", worker.id)
            now = rt.clock()
            again = {"id": worker.id, "host": worker.host, "pid": worker.pid, "started_at": now, "heartbeat_at": now}
            await s.execute(insert(WorkerRow).values(**again))
    worker.beat_at = time.monotonic()


async def stop_worker(rt: Runtime) -> None:
    """Clean shutdown: what this process still holds goes back now, and it leaves the table."""
    worker = _workers.pop(rt.db.engine, None)
    if worker is None:
        return
    try:
        async with rt.db.sessions.begin() as s:
            await s.execute(release_claims(OutboxRow.worker_id == worker.id))
            await s.execute(delete(WorkerRow).where(WorkerRow.id == worker.id))
    except Exception as e:  # the database is away: the others take them back when the heartbeat ages
        log.warning("could not deregister worker %s: %s: %s", worker.id, type(e).__name__, e)


# What a row's claim is: cleared together whenever a claim ends (sent, retried, taken back).
UNCLAIMED: dict[str, None] = {"claimed_at": None, "claimed_by": None, "worker_id": None}


def unclaim(row: OutboxRow, status: str) -> None:
    """End the claim on a loaded row, leaving it in ``status``."""
    row.status = status
    for column, value in UNCLAIMED.items():
        setattr(row, column, value)


def release_claims(where: ColumnElement[bool]) -> Update:
    """Claimed rows matching ``where`` back to pending."""
    return (
        update(OutboxRow)
        .where(OutboxRow.status == OutboxStatus.SENDING, where)
        .values(status=OutboxStatus.PENDING, **UNCLAIMED)
    )


async def release_dead(rt: Runtime, *, starting: bool = False) -> int:
    """Rows claimed by dead workers (or by no live one, when ``starting`` alone): back to pending."""
    worker = current(rt)
    me = worker.id if worker is not None else None
    async with rt.db.sessions.begin() as s:
        rows = (await s.execute(select(WorkerRow.id, WorkerRow.host, WorkerRow.pid, WorkerRow.heartbeat_at))).all()
        seen = [WorkerSeen(int(i), h, int(p), at) for i, h, p, at in rows]
        dead = dead_workers(
            seen,
            now=rt.clock(),
            timeout=rt.settings.delivery.worker_timeout_seconds,
            me=me,
            host=this_host(),
            pid=os.getpid(),
            pid_alive=pid_alive,
        )
        alone = starting and (not rt.db.is_postgres or len(seen) - len(dead) <= (1 if me is not None else 0))
        if alone and worker is not None:
            # nobody else alive: what was claimed before this process started, the dead held
            # (not what a process registering right now claims after it)
            res = await s.execute(release_claims(OutboxRow.claimed_at < worker.started_at))
        elif dead:
            res = await s.execute(release_claims(OutboxRow.worker_id.in_(dead)))
        else:
            return 0
        if dead:
            await s.execute(delete(WorkerRow).where(WorkerRow.id.in_(dead)))
    count = int(res.rowcount or 0)  # type: ignore[attr-defined]
    if count or dead:
        log.warning("took back %s messages claimed by dead senders (workers %s)", count, dead or "none alive")
    return count
