"""Long polling by the leader only, so that several processes can run in polling mode.

Telegram lets one client at a time call ``getUpdates``: a second overlapping call makes both
fail with 409 Conflict. So of several ``udbudsbot run`` processes on one PostgreSQL database
only the leader (``jobs/ops/leader.py``, a session advisory lock) long-polls; every process
sends (drains the outbox) all the same. :class:`LeaderPolling` starts PTB's updater when this
process gains the lead and stops it when it loses it, checked every ``CHECK_SECONDS`` against
what the leader job last found; when the leader dies, a standby takes the lock within
``ops.leader_check_seconds`` and starts polling within a second after that.

:func:`serve` runs the Application as ``Application.run_polling`` would (initialise, post_init,
start, wait for SIGINT / SIGTERM / SIGABRT, then stop and shut down in that order), except that
the updater is started by :class:`LeaderPolling` rather than unconditionally. On SQLite the only
process always leads, so it polls at once, as before.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.deps import Context, Deps

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0  # how often the polling is matched to the leadership (no I/O unless it changed)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)


class LeaderPolling:
    """Keeps ``app.updater`` polling exactly while this process leads."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], *, timeout: int) -> None:
        self.app = app
        self.timeout = timeout
        self.starts = 0  # how often polling started in this process (tests, logs)
        self._busy = asyncio.Lock()
        self._closed = False

    @property
    def polling(self) -> bool:
        return bool(self.app.updater is not None and self.app.updater.running)

    async def sync(self) -> None:
        """Start polling when leading and not polling, stop it when polling and not leading."""
        async with self._busy:
            if self._closed:
                return
            leads = deps_of_app(self.app).leadership.is_leader
            updater = self.app.updater
            assert updater is not None, "polling needs PTB's updater"
            if leads and not updater.running:
                await updater.start_polling(
                    allowed_updates=Update.ALL_TYPES, timeout=self.timeout, error_callback=_polling_error
                )
                self.starts += 1
                log.warning("long polling Telegram for updates (this process leads)")
            elif not leads and updater.running:
                await updater.stop()
                log.warning("stopped polling Telegram for updates (another process leads now)")

    async def try_sync(self) -> None:
        """:meth:`sync`, an error said in one line (Telegram unreachable): the next check retries."""
        try:
            await self.sync()
        except Exception as e:
            log.warning("cannot start or stop polling yet (%s: %s); retrying", type(e).__name__, str(e)[:200])

    async def close(self) -> None:
        """Stop polling for good (at shutdown, before the Application stops)."""
        async with self._busy:
            self._closed = True
            if self.app.updater is not None and self.app.updater.running:
                await self.app.updater.stop()

    def schedule(self) -> None:
        """Check every CHECK_SECONDS in the job queue."""
        jq = self.app.job_queue
        assert jq is not None, "install python-telegram-bot[job-queue]"

        async def polling_job(context: Context) -> None:
            await self.try_sync()

        opts = {"id": "polling", "max_instances": 1, "coalesce": True, "replace_existing": True}
        jq.run_repeating(polling_job, interval=CHECK_SECONDS, first=CHECK_SECONDS, name="polling", job_kwargs=opts)


def _polling_error(error: TelegramError) -> None:
    """One line per failed getUpdates (PTB retries): Telegram unreachable, or 409 Conflict while
    the lead moves between two live processes (the old leader stops at its next check)."""
    log.warning("getUpdates failed (%s: %s); retrying", type(error).__name__, str(error)[:200])


def deps_of_app(app: Application[Any, Any, Any, Any, Any, Any]) -> Deps:
    deps: Deps | None = app.bot_data.deps
    assert deps is not None, "post_init builds Deps"
    return deps


async def serve(app: Application[Any, Any, Any, Any, Any, Any], *, poll_timeout: int) -> None:
    """Run until a stop signal: polling while this process leads, sending always."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    polling = LeaderPolling(app, timeout=poll_timeout)
    try:
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        await polling.try_sync()  # the first try for the lead ran in post_init: the leader polls at once
        polling.schedule()
        await stop.wait()
        log.info("stop signal received; shutting down")
    finally:
        await polling.close()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
