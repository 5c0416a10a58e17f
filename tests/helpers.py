"""Test helpers: build settings and a runtime around a real database and HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jobs.config import FetchSettings, PollSettings, Settings, SourceSettings
from jobs.db import Database
from jobs.runtime import Runtime, open_runtime

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def settings_with(*sources: SourceSettings, **poll: float) -> Settings:
    return replace(
        Settings(),
        sources=tuple(sources),
        fetch=FetchSettings(timeout_seconds=2.0, total_seconds=5.0, max_bytes=5_000_000),
        poll=replace(PollSettings(), **poll),  # type: ignore[arg-type]
    )


@asynccontextmanager
async def make_runtime(db: Database, settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[Runtime]:
    """The engine as production builds it (``open_runtime``), on the test's database."""
    async with open_runtime(settings, db=db, clock=clock or Clock()) as rt:
        yield rt


def fixture_bytes(rel: str) -> bytes:
    return (FIXTURES / rel).read_bytes()
