"""The engine's only way out to people: a Notifier protocol that ``bot`` implements.

The engine never imports Telegram; the CLI uses ``LogNotifier``.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class Notifier(Protocol):
    async def alert_staff(self, text: str) -> None:
        """Tell the staff something needs attention (a source keeps failing, ...)."""


class LogNotifier:
    """Notifier for runs without Telegram: staff alerts go to the log."""

    def __init__(self) -> None:
        self.alerts: list[str] = []

    async def alert_staff(self, text: str) -> None:
        self.alerts.append(text)
        log.warning("staff alert: %s", text)
