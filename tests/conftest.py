"""Shared fixtures: real databases (SQLite and PostgreSQL) and a real HTTP feed server."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from jobs.db import Database, create_database, open_database
from tests.feedserver import FeedServer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
PG_URL = os.environ.get("UDBUDSBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def _pg_reachable() -> bool:
    parts = urlsplit(PG_URL.replace("+asyncpg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"shared fixtures not found at {FIXTURES}")
    return FIXTURES


PG_SCHEMA = f"udbudsbot_test_{os.getpid()}"  # one schema per test process: runs never collide


async def reset_postgres(url: str, schema: str = PG_SCHEMA) -> None:
    db = create_database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await db.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL of each kind (the test decides when to open it)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    if not _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL} (CI must start it)")
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    return PG_URL


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    schema = None
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
        schema = PG_SCHEMA
    database = await open_database(db_url, schema=schema)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


# Fake Telegram Bot API server, appended here so every bot test can use it.
from tests.fakebotapi import FakeBotAPI, running_fake_bot_api  # noqa: E402


@pytest.fixture
def fake_bot_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBotAPI]:
    """A started fake Telegram Bot API server on loopback (tests/fakebotapi.py), stopped afterwards.

    PTB_TIMEDELTA=true: PTB 22 warns (PTBDeprecationWarning, an error under our filterwarnings)
    whenever RetryAfter is built with the old int retry_after, so a 429 would surface as a warning.
    """
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    yield from running_fake_bot_api()


@pytest.fixture
async def pg_only_url() -> str:
    """PostgreSQL only (scale-out tests): a fresh per-process schema, or a skip."""
    if not _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL} (CI must start it)")
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    await reset_postgres(PG_URL)
    return PG_URL
