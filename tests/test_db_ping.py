"""A pooled PostgreSQL connection closed under the pool (as by a server restart): pinged
before use when it was idle long enough, else one statement fails and the pool is replaced.

The server's side of a restart is ``pg_terminate_backend`` of the pool's connection; the
whole restart is bench/proof_pg_restart.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from jobs.db import Database, create_database


async def _backend(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(url: str, pid: int) -> None:
    admin = create_database(url)
    try:
        async with admin.engine.connect() as conn:
            assert (await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})).scalar_one()
    finally:
        await admin.close()


async def test_an_idle_connection_closed_by_the_server_is_replaced_before_use(pg_only_url: str) -> None:
    db = create_database(pg_only_url, ping_after_idle=0.0)  # every connection counts as idle
    try:
        first = await _backend(db)
        await _terminate(pg_only_url, first)
        second = await _backend(db)  # the ping failed: a new connection, no error
        assert second != first
        assert await _backend(db) == second  # the new one is pooled and reused
    finally:
        await db.close()


async def test_a_connection_used_a_moment_ago_is_not_pinged(pg_only_url: str) -> None:
    """Without the ping (the connection was idle for less than the threshold), the closed
    connection fails its statement once; SQLAlchemy then replaces the pool, and the next
    statement works on a new connection."""
    db = create_database(pg_only_url, ping_after_idle=3600.0)
    try:
        first = await _backend(db)
        await _terminate(pg_only_url, first)
        with pytest.raises(DBAPIError) as failed:
            await _backend(db)
        assert failed.value.connection_invalidated
        assert await _backend(db) != first
    finally:
        await db.close()
