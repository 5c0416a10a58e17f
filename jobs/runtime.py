"""The engine's dependencies, built once at the composition root and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from jobs.config import Settings
from jobs.db import Database
from jobs.notify import LogNotifier, Notifier
from jobs.store import Assess


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    http: httpx.AsyncClient
    notifier: Notifier = field(default_factory=LogNotifier)
    clock: Callable[[], datetime] = utcnow
    assess: Assess | None = None
    env: dict[str, str] | None = None  # None: os.environ (secrets are read at use)
