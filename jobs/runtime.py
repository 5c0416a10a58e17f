"""The engine, built in one place: settings, database, HTTP client, classifier and fan-out.

``open_runtime`` is the only function that wires the engine; the bot, the command line,
the web section and the tests all call it. Stages receive the ``Runtime`` and take
what they need from it, so none of them builds another stage itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from jobs.config import Settings
from jobs.db import Database, open_database
from jobs.deliver.priority import Foreground

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from jobs.classify.model import Assessment
    from jobs.deliver.notify import Notifier
    from jobs.notice import Notice

Assess = Callable[["Notice"], "Assessment"]
# Called by ingestion inside the transaction that stored new and changed notices:
# delivery's fan-out (outbox rows), so ingestion never imports delivery.
Announce = Callable[["AsyncSession", Sequence[int], Sequence[int], datetime], Awaitable[object]]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _log_notifier() -> Notifier:
    from jobs.deliver.notify import LogNotifier

    return LogNotifier()


@dataclass
class Runtime:
    settings: Settings
    db: Database
    http: httpx.AsyncClient
    notifier: Notifier = field(default_factory=_log_notifier)
    clock: Callable[[], datetime] = utcnow
    assess: Assess | None = None
    announce: Announce | None = None
    env: dict[str, str] | None = None  # None: os.environ (secrets are read at use)
    # people's updates being handled in this process: the sender gives way to them
    foreground: Foreground = field(default_factory=Foreground)


def make_assess(settings: Settings, clock: Callable[[], datetime] = utcnow) -> Assess:
    """The classifier as ingestion wants it: Notice -> Assessment, with the clock injected."""
    from jobs.classify import Classifier  # the rules load their data files: only when an engine is built

    classifier = Classifier(settings.classifier, settings.money)
    return lambda notice: classifier.classify(notice, now=clock())


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    notifier: Notifier | None = None,
    clock: Callable[[], datetime] = utcnow,
    db: Database | None = None,
    schema: str | None = None,
    env: dict[str, str] | None = None,
    foreground: Foreground | None = None,
) -> AsyncIterator[Runtime]:
    """Build the whole engine and close what it opened on the way out.

    ``db``: an open database to use (and leave open), e.g. a test's; otherwise
    ``database.url`` is opened (and migrated) here, in ``schema`` when given.
    ``foreground``: the face's count of people's updates in hand (jobs/deliver/priority.py).
    """
    from jobs.deliver.outbox import make_announce
    from jobs.ingest.fetch import make_client

    own_db = db is None
    database = db or await open_database(settings.database.url, echo=settings.database.echo, schema=schema)
    http = make_client(settings.fetch)
    try:
        yield Runtime(
            settings=settings,
            db=database,
            http=http,
            notifier=notifier or _log_notifier(),
            clock=clock,
            assess=make_assess(settings, clock),
            announce=make_announce(settings),
            env=env,
            foreground=foreground or Foreground(),
        )
    finally:
        await http.aclose()
        if own_db:
            await database.close()
