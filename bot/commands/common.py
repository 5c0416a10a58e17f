"""Shared wiring for CLI commands: classifier, runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from jobs.config import Settings
from jobs.db import open_database
from jobs.fetch import make_client
from jobs.notify import LogNotifier, Notifier
from jobs.runtime import Runtime, utcnow
from jobs.store import Assess


def make_assess(settings: Settings, clock: Callable[[], datetime] = utcnow) -> Assess:
    """The classifier as the store wants it: Notice -> Assessment, clock injected."""
    from jobs.classify import Classifier

    classifier = Classifier(settings.classifier, settings.money)
    return lambda notice: classifier.classify(notice, now=clock())


@asynccontextmanager
async def runtime(
    settings: Settings, *, notifier: Notifier | None = None, clock: Callable[[], datetime] = utcnow
) -> AsyncIterator[Runtime]:
    db = await open_database(settings.database.url, echo=settings.database.echo)
    http = make_client(settings.fetch)
    try:
        yield Runtime(
            settings=settings,
            db=db,
            http=http,
            notifier=notifier or LogNotifier(),
            clock=clock,
            assess=make_assess(settings, clock),
        )
    finally:
        await http.aclose()
        await db.close()
