"""A pooled PostgreSQL connection closed under the pool (as by a server restart) is pinged
before use and replaced: no statement meets a dead connection, however briefly it was idle.

The server's side of a restart is ``pg_terminate_backend`` of the pool's connection; the
whole restart is bench/proof_pg_restart.py.
"""

from __future__ import annotations

from sqlalchemy import text

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


async def test_a_connection_closed_by_the_server_is_replaced_before_use(pg_only_url: str) -> None:
    db = create_database(pg_only_url)
    try:
        first = await _backend(db)
        await _terminate(pg_only_url, first)  # at once: the connection was used a moment ago
        second = await _backend(db)  # the ping failed: a new connection, no error
        assert second != first
        assert await _backend(db) == second  # the new one is pooled and reused (last in, first out)
    finally:
        await db.close()
