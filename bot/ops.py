"""The health and metrics server: ``GET /healthz`` and ``GET /metrics`` (Prometheus).

A small tornado server (tornado already serves PTB's webhook) on ``[ops] http_listen:http_port``,
started in ``post_init`` and stopped in ``post_shutdown``. Every process of a scaled-out
deployment runs one; a load balancer or systemd health check asks ``/healthz``, Prometheus
scrapes ``/metrics`` of each process.

``/healthz`` answers 200 when the database answers and the scheduler runs, 503 otherwise,
with a JSON body naming each check and the process's role (``leader`` or ``standby``; a
standby is healthy: it sends, and takes over the lead when the leader dies).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.netutil
import tornado.web
from sqlalchemy import text
from telegram import Update

from jobs.config import TelegramSettings
from jobs.db import Database
from jobs.deliver.workers import stop_worker
from jobs.errors import ConfigError
from jobs.ops.leader import Leadership, make_leadership
from jobs.ops.metrics import CONTENT_TYPE, ProcessMetrics, Snapshot, render, snapshot

log = logging.getLogger(__name__)
DB_TIMEOUT = 3.0


@dataclass
class Probe:
    """What the checks look at; built in post_init from the Application's parts."""

    db: Database
    leadership: Leadership
    metrics: ProcessMetrics
    scheduler_running: Callable[[], bool]
    clock: Callable[[], datetime]


async def database_ok(db: Database) -> str | None:
    """None when the database answers in time, else why not."""
    try:
        async with asyncio.timeout(DB_TIMEOUT), db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as e:
        return f"{type(e).__name__}: {e}"[:300]
    return None


async def health(probe: Probe) -> tuple[int, dict[str, object]]:
    db_error = await database_ok(probe.db)
    scheduler = probe.scheduler_running()
    ok = db_error is None and scheduler
    body: dict[str, object] = {
        "status": "ok" if ok else "fail",
        "database": "ok" if db_error is None else db_error,
        "scheduler": "running" if scheduler else "stopped",
        "role": probe.leadership.role,
        "process": f"{socket.gethostname()}:{os.getpid()}",
    }
    return (200 if ok else 503), body


async def metrics_text(probe: Probe) -> bytes:
    snap: Snapshot | None = None
    try:
        async with asyncio.timeout(DB_TIMEOUT * 2):
            snap = await snapshot(probe.db, probe.clock())
    except Exception:
        log.warning("metrics: the database did not answer", exc_info=True)
    probe.metrics.leader.set(1 if probe.leadership.is_leader else 0)
    return render(snap, probe.metrics)


class _Health(tornado.web.RequestHandler):
    def initialize(self, probe: Probe) -> None:
        self.probe = probe

    async def get(self) -> None:
        status, body = await health(self.probe)
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class _Metrics(tornado.web.RequestHandler):
    def initialize(self, probe: Probe) -> None:
        self.probe = probe

    async def get(self) -> None:
        payload = await metrics_text(self.probe)
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(payload)


class _App(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Scrapes every few seconds would flood the log; errors are logged where they happen."""


class OpsServer:
    """``/healthz`` and ``/metrics`` on one port, in the running event loop."""

    def __init__(self, probe: Probe) -> None:
        self.probe = probe
        app = _App([(r"/healthz", _Health, {"probe": probe}), (r"/metrics", _Metrics, {"probe": probe})])
        self._server = tornado.httpserver.HTTPServer(app)
        self.port = 0

    def start(self, listen: str, port: int) -> int:
        """Bind and serve; returns the port (useful with port 0)."""
        sockets = tornado.netutil.bind_sockets(port, address=listen)
        self._server.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        log.info("health and metrics on http://%s:%s/healthz and /metrics", listen, self.port)
        return self.port

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()


SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token


def webhook_options(tg: TelegramSettings, env: Mapping[str, str]) -> dict[str, Any]:
    """``Application.run_webhook`` arguments; webhook mode never runs without a secret token.

    Telegram sends the secret in ``X-Telegram-Bot-Api-Secret-Token`` with every update and PTB
    answers 403 to a request without it, so only Telegram can post updates to the endpoint.
    The local path is the public URL's path, so a reverse proxy can pass requests unchanged.
    """
    secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
    if not secret:
        raise ConfigError("webhook mode needs TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -)")
    if not SECRET_TOKEN.fullmatch(secret):
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET may only hold 1-256 of A-Z a-z 0-9 _ -")
    return {
        "listen": tg.webhook_listen,
        "port": tg.webhook_port,
        "url_path": urlsplit(tg.webhook_url).path.strip("/"),
        "webhook_url": tg.webhook_url,
        "secret_token": secret,
        "allowed_updates": Update.ALL_TYPES,
    }


async def start_ops(app: Any, *, schema: str | None = None) -> None:
    """In post_init, after Deps: leadership (first try at once), metrics, the ops server."""
    deps = app.bot_data.deps
    settings = deps.settings
    metrics = deps.metrics
    deps.leadership = make_leadership(
        settings.database.url,
        schema=schema,
        timeout=max(1.0, min(5.0, settings.ops.leader_check_seconds)),
        on_change=metrics.observe_leadership,
    )
    await deps.leadership.tick()
    metrics.leader.set(1 if deps.leadership.is_leader else 0)
    if settings.ops.http_port:
        jq = app.job_queue
        probe = Probe(
            db=deps.rt.db,
            leadership=deps.leadership,
            metrics=metrics,
            scheduler_running=lambda: bool(jq is not None and jq.scheduler.running),
            clock=deps.rt.clock,
        )
        deps.ops_server = OpsServer(probe)
        deps.ops_server.start(settings.ops.http_listen, settings.ops.http_port)


async def stop_ops(app: Any) -> None:
    """In post_shutdown, before the database closes: stop serving, hand the lead over."""
    deps = app.bot_data.deps
    if deps is None:
        return
    if deps.ops_server is not None:
        await deps.ops_server.stop()
        deps.ops_server = None
    await deps.leadership.close()
    await stop_worker(deps.rt)  # what this process still claims goes back at once
    close = getattr(deps.limiter, "close", None)  # the shared limiter holds a connection
    if close is not None:
        await close()
