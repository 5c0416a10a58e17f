"""Database engine, sessions and automatic migrations (Alembic, applied at start)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# A transaction-level advisory lock per schema, released at commit.
MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('udbudsbot:migrate'), hashtext(coalesce(current_schema(), '')))"


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def close(self) -> None:
        await self.engine.dispose()


def create_database(url: str, *, echo: bool = False, schema: str | None = None) -> Database:
    """Engine + session factory; SQLite gets WAL, foreign keys and a busy timeout.

    ``schema`` (PostgreSQL only) puts every table in that schema via search_path:
    the tests use it so that concurrent test runs never share tables.
    """
    if url.startswith("sqlite") and ":///" in url:
        db_file = url.split(":///", 1)[1]
        if db_file and db_file != ":memory:":
            Path(db_file).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, object] = {"echo": echo}
    if url.startswith("postgresql"):
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=5)
        if schema:
            kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    if engine.dialect.name == "postgresql":
        event.listen(engine.sync_engine, "before_cursor_execute", _without_nul, retval=True)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))


def _without_nul(
    conn: object, cursor: object, statement: str, parameters: Any, context: object, executemany: bool
) -> tuple[str, Any]:
    """PostgreSQL refuses NUL (U+0000) in text, and one stray NUL in a user's name, a question
    or a source's JSON would fail the whole statement: string parameters lose it (found by
    tests/test_fuzz_updates.py). SQLite stores it as given."""
    return statement, _clean(parameters, executemany)


def _clean(params: Any, many: bool) -> Any:
    if many and isinstance(params, list | tuple):
        return type(params)(_clean(p, False) for p in params)
    if isinstance(params, dict):
        return {k: v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v for k, v in params.items()}
    if isinstance(params, list | tuple):
        return type(params)(v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v for v in params)
    return params


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


async def migrate(db: Database) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    async with db.engine.begin() as conn:
        if db.is_postgres:  # several processes starting at once: one migrates, the others wait
            await conn.execute(text(MIGRATION_LOCK))
        await conn.run_sync(_upgrade)


def _upgrade(conn: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


async def open_database(url: str, *, echo: bool = False, schema: str | None = None) -> Database:
    db = create_database(url, echo=echo, schema=schema)
    await migrate(db)
    return db
