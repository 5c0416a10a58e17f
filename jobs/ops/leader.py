"""Leadership: which process polls sources and runs the scheduled engine jobs.

Several ``udbudsbot run`` processes (or hosts) may share one PostgreSQL database. Every one of
them sends (the outbox is claimed with ``FOR UPDATE SKIP LOCKED``), but the jobs that must not
run twice at once — polling sources, building digests, scheduling broadcasts, pruning old rows —
run only in the *leader*: the process holding a session-level advisory lock
(``pg_try_advisory_lock``) on a connection of its own.

When the leader dies its connection closes, PostgreSQL releases the lock, and a standby, which
retries every few seconds (:meth:`AdvisoryLeader.tick`), takes over. The leader checks its
connection at the same pace and steps down as soon as the check fails or times out — before
PostgreSQL itself gives up on a silent peer (the connection asks for TCP keepalives after 10 s
idle, 3 probes 5 s apart) — so two leaders overlap at most for a job already running.

The lock key is derived from the schema (``current_schema()``), so deployments or test runs
that live in different schemas of one database do not compete. SQLite is single-process: its
only process always leads (:class:`SoleLeader`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

LOCK_NAMESPACE = "udbudsbot:leader"
# Two int4 keys: the namespace and the schema, both hashed by PostgreSQL itself.
TRY_LOCK = text("SELECT pg_try_advisory_lock(hashtext(:ns), hashtext(coalesce(current_schema(), '')))")
UNLOCK = text("SELECT pg_advisory_unlock(hashtext(:ns), hashtext(coalesce(current_schema(), '')))")
ALIVE = text("SELECT 1")
KEEPALIVES = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}


class Leadership(Protocol):
    """What the scheduler asks before running a leader-only job."""

    @property
    def is_leader(self) -> bool: ...

    @property
    def role(self) -> str:
        """``leader`` or ``standby`` (for /healthz and logs)."""
        ...

    async def tick(self) -> bool:
        """Keep or try to take the lead; returns whether this process leads now."""
        ...

    async def close(self) -> None: ...


class SoleLeader:
    """SQLite (or a single process): always the leader."""

    is_leader = True
    role = "leader"

    async def tick(self) -> bool:
        return True

    async def close(self) -> None:
        return None


class AdvisoryLeader:
    """Leadership by a PostgreSQL session-level advisory lock on a dedicated connection.

    ``schema`` puts the connection's search_path on that schema (as ``jobs.db.create_database``
    does), which also selects the lock. ``on_change(is_leader)`` is called after every change.
    """

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        timeout: float = 5.0,
        on_change: Callable[[bool], None] | None = None,
        namespace: str = LOCK_NAMESPACE,
    ) -> None:
        server_settings = dict(KEEPALIVES)
        # pg_stat_activity shows which process leads: application_name of the lock's session
        server_settings["application_name"] = f"udbudsbot-leader {socket.gethostname()}:{os.getpid()}"[:63]
        if schema:
            server_settings["search_path"] = schema
        self._engine: AsyncEngine = create_async_engine(
            url,
            poolclass=NullPool,
            connect_args={"server_settings": server_settings, "timeout": timeout},
        )
        self._timeout = timeout
        self._on_change = on_change
        self._ns = namespace
        self._conn: AsyncConnection | None = None
        self._leader = False
        self._busy = asyncio.Lock()
        self.changes = 0  # how often leadership changed in this process (metrics, tests)
        self.backend_pid: int | None = None  # the PostgreSQL backend holding the lock (logs, tests)

    @property
    def is_leader(self) -> bool:
        return self._leader

    @property
    def role(self) -> str:
        return "leader" if self._leader else "standby"

    async def tick(self) -> bool:
        async with self._busy:
            try:
                await asyncio.wait_for(self._check_or_take(), self._timeout)
            except Exception as e:  # a dead connection, a restarting server, a timeout
                if self._leader:
                    log.warning("lost the lead (%s: %s); stepping down", type(e).__name__, e)
                else:
                    log.info("cannot try for the lead yet: %s: %s", type(e).__name__, e)
                self._set(False)
                await self._drop()
            return self._leader

    async def _check_or_take(self) -> None:
        if self._conn is None:
            conn = await self._engine.connect()
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if self._leader:
            # A session-level lock lives as long as the session: a live connection keeps it.
            await self._conn.execute(ALIVE)
            return
        got = (await self._conn.execute(TRY_LOCK, {"ns": self._ns})).scalar()
        if got:
            self.backend_pid = (await self._conn.execute(text("SELECT pg_backend_pid()"))).scalar()
            log.warning("this process now leads (polls sources and runs the scheduled jobs)")
        self._set(bool(got))

    def _set(self, leader: bool) -> None:
        if leader != self._leader:
            self._leader = leader
            self.changes += 1
            if self._on_change is not None:
                self._on_change(leader)

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await asyncio.wait_for(conn.invalidate(), self._timeout)
        except Exception:  # already broken: nothing to give back
            log.debug("closing the leader connection failed", exc_info=True)

    async def close(self) -> None:
        """Give the lead back (a clean shutdown hands over at once) and close the connection."""
        async with self._busy:
            if self._conn is not None and self._leader:
                try:
                    await asyncio.wait_for(self._conn.execute(UNLOCK, {"ns": self._ns}), self._timeout)
                except Exception:
                    log.debug("unlock failed", exc_info=True)
            if self._conn is not None:
                try:
                    await asyncio.wait_for(self._conn.close(), self._timeout)
                except Exception:
                    await self._drop()
                self._conn = None
            self._set(False)
        await self._engine.dispose()


def make_leadership(
    url: str, *, schema: str | None = None, timeout: float = 5.0, on_change: Callable[[bool], None] | None = None
) -> Leadership:
    """The advisory lock on PostgreSQL; the sole process on SQLite."""
    if url.startswith("postgresql"):
        return AdvisoryLeader(url, schema=schema, timeout=timeout, on_change=on_change)
    return SoleLeader()
