"""Database engine, sessions and automatic migrations (Alembic, applied at start)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from jobs.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SUPPORTED = ("sqlite+aiosqlite", "postgresql+asyncpg")
URL_FORMS = "sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER:PASSWORD@HOST:PORT/NAME"
CONNECT_TIMEOUT = 10.0  # seconds; a server that does not answer is reported, not waited for
# A transaction-level advisory lock per schema, released at commit.
MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('udbudsbot:migrate'), hashtext(coalesce(current_schema(), '')))"


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @cached_property
    def autocommit(self) -> AsyncEngine:
        """The engine for one statement that stands alone: each commits by itself, without
        BEGIN and COMMIT round trips around it (what every Telegram update does: a
        subscriber's look-up, a command clearing what the bot waited for, a button press)."""
        return self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @cached_property
    def single(self) -> async_sessionmaker[AsyncSession]:
        """ORM sessions on ``autocommit``: one statement that stands alone, outside a
        transaction (a read, or a write that commits by itself)."""
        return async_sessionmaker(self.autocommit, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def insert(self) -> Any:
        """The dialect's ``insert`` (with ``on_conflict_do_nothing`` / ``_do_update``)."""
        return pg_insert if self.is_postgres else sqlite_insert

    async def close(self) -> None:
        await self.engine.dispose()

    async def warm(self) -> int:
        """Open the pool's connections now, not when the first burst of users needs them
        (each new PostgreSQL connection is a server process to start and a handshake, while
        people wait). Returns how many are open; SQLite opens its file per use: 0."""
        if not self.is_postgres:
            return 0
        size = self.engine.sync_engine.pool.size()  # type: ignore[attr-defined]
        async with AsyncExitStack() as held:
            for _ in range(size):
                await held.enter_async_context(self.engine.connect())
        return int(size)


def create_database(url: str, *, echo: bool = False, schema: str | None = None) -> Database:
    """Engine + session factory; SQLite gets WAL, foreign keys and a busy timeout.

    ``schema`` (PostgreSQL only) puts every table in that schema via search_path:
    the tests use it so that concurrent test runs never share tables.
    """
    check_url(url)
    if url.startswith("sqlite") and ":///" in url:
        db_file = url.split(":///", 1)[1]
        if db_file and db_file != ":memory:":
            Path(db_file).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, object] = {"echo": echo}
    if url.startswith("postgresql"):
        # Pinged on every checkout: a connection a PostgreSQL restart closed is replaced before
        # anyone uses it, so the statement that marks a message sent does not meet a dead
        # connection (and the message go out twice). Pinging only connections left idle saved
        # round trips but let bench/proof_pg_restart.py find an unexplained duplicate.
        # Last in, first out: a busy bot reuses its warm connections.
        kwargs.update(pool_size=10, max_overflow=10, pool_use_lifo=True)
        connect: dict[str, object] = {"timeout": CONNECT_TIMEOUT}
        if schema:
            connect["server_settings"] = {"search_path": schema}
        kwargs["connect_args"] = connect
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    if engine.dialect.name == "postgresql":
        event.listen(engine.sync_engine, "before_cursor_execute", _without_nul, retval=True)
        event.listen(engine.sync_engine.pool, "checkout", _ping)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))


def _ping(dbapi_conn: Any, _record: object, _proxy: object) -> None:
    """Is the connection still alive? Asked on every checkout, in one round trip.

    SQLAlchemy's own ``pool_pre_ping`` for asyncpg wraps its ping in a transaction (BEGIN, a
    prepared ``;``, ROLLBACK: three round trips, for pgbouncer's transaction mode). A query
    without parameters goes by the simple protocol: it prepares nothing and is one round trip,
    also through pgbouncer (asyncpg cannot read the answer to an empty query, so ``SELECT 1``). A
    dead connection raises ``DisconnectionError``: the pool drops it and connects anew (the
    recipe "pessimistic disconnect handling" in SQLAlchemy's pooling documentation)."""
    try:
        dbapi_conn.run_async(lambda conn: conn.execute("SELECT 1"))
    except Exception as e:
        raise DisconnectionError(f"connection failed its ping: {type(e).__name__}: {e}") from e


def _without_nul(
    conn: object, cursor: object, statement: str, parameters: Any, context: object, executemany: bool
) -> tuple[str, Any]:
    """PostgreSQL refuses NUL (U+0000) in text, and one stray NUL in a user's name, a question
    or a source's JSON would fail the whole statement: string parameters lose it (found by
    tests/test_fuzz_updates.py). SQLite stores it as given."""
    return statement, _clean(parameters, executemany)


def _clean(params: Any, many: bool) -> Any:
    if many and isinstance(params, list | tuple):
        # A bulk insert is thousands of rows: look for a NUL first (one pass, no copies) and
        # rebuild only the rows that hold one; the usual case returns the rows as they are.
        for p in params:
            if _has_nul(p):
                return type(params)(_clean(p, False) for p in params)
        return params
    if isinstance(params, dict):
        return {k: v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v for k, v in params.items()}
    if isinstance(params, list | tuple):
        return type(params)(v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v for v in params)
    return params


def _has_nul(row: Any) -> bool:  # a plain loop: twice as fast as any() over a generator
    if isinstance(row, dict):
        row = row.values()
    elif not isinstance(row, list | tuple):
        return False
    for v in row:  # noqa: SIM110
        if isinstance(v, str) and "\x00" in v:
            return True
    return False


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    # Read the file through a memory map (up to 256 MiB): a page already in the OS's cache is
    # read without a system call. The web list walks thousands of notices by the deadline
    # index; with the default 2 MB page cache that was half system time (bench/bench_web.py).
    cur.execute("PRAGMA mmap_size=268435456")
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


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def check_url(url: str) -> None:
    """DatabaseError unless ``url`` is a database URL udbudsbot can use."""
    try:
        driver = make_url(url).drivername
    except ArgumentError:
        raise DatabaseError(f"database URL {url!r} cannot be read: use {URL_FORMS}") from None
    if driver not in SUPPORTED:
        hint = " (postgresql+asyncpg://...)" if driver.startswith("postgres") else ""
        raise DatabaseError(f"unsupported database URL {shown_url(url)}{hint}: use {URL_FORMS}")


def unreachable(url: str, e: BaseException) -> DatabaseError:
    """One line saying which database could not be used, why, and what to check."""
    reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return DatabaseError(
        f"cannot use the database {shown_url(url)}: {reason[:300]} "
        "(is the server running, and is database.url or UDBUDSBOT_DATABASE_URL right?)"
    )


# What a database that is down, missing or refusing us raises while connecting or migrating.
CONNECT_ERRORS: tuple[type[BaseException], ...] = (OSError, TimeoutError, DBAPIError, NoSuchModuleError)
try:
    import asyncpg

    CONNECT_ERRORS += (asyncpg.PostgresError, asyncpg.InterfaceError)
except ImportError:  # pragma: no cover - asyncpg is a dependency
    pass


async def open_database(url: str, *, echo: bool = False, schema: str | None = None) -> Database:
    """Create, connect and migrate; DatabaseError (one line) when the database cannot be used."""
    db = create_database(url, echo=echo, schema=schema)
    try:
        await migrate(db)
    except CONNECT_ERRORS as e:
        await db.close()
        raise unreachable(url, e) from e
    return db
