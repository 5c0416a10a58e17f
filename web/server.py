"""Serving the web section with uvicorn: on its own (``udbudsbot web``), or beside the bot
inside ``udbudsbot run`` (``web.enabled``), sharing the bot's engine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn

from jobs.config import Settings
from jobs.runtime import Runtime
from web.app import create_app

log = logging.getLogger(__name__)


class _QuietServer(uvicorn.Server):
    """A server that leaves the process's signal handlers alone (the bot owns them)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebServer:
    """The web section served in the background of a running event loop."""

    def __init__(self, settings: Settings, *, rt: Runtime | None = None, host: str, port: int) -> None:
        config = uvicorn.Config(
            create_app(settings, rt=rt), host=host, port=port, log_level="warning", lifespan="on", access_log=False
        )
        self.server = _QuietServer(config)
        self.task: asyncio.Task[None] | None = None
        self.host, self.port = host, port

    async def start(self, wait_seconds: float = 15.0) -> None:
        self.task = asyncio.create_task(self.server.serve())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while not self.server.started:
            if self.task.done():
                self.task.result()  # raises the reason it stopped
                raise RuntimeError(f"the web section could not listen on {self.host}:{self.port}")
            if loop.time() > deadline:
                raise RuntimeError(f"the web section did not start on {self.host}:{self.port}")
            await asyncio.sleep(0.05)
        log.info("web section on http://%s:%s/", self.host, self.port)

    @property
    def bound_port(self) -> int:
        """The port actually listened on (0 in the config: one the system chose)."""
        for server in getattr(self.server, "servers", []):
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return self.port

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve(settings: Settings, host: str, port: int) -> int:
    """``udbudsbot web``: serve until interrupted (uvicorn handles Ctrl-C)."""
    if not port_free(host, port):
        raise OSError(f"cannot listen on {host}:{port}: the address is in use or not available")
    print(f"udbudsbot web: http://{host}:{port}/ (Ctrl-C stops)", flush=True)  # noqa: T201
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", lifespan="on")
    return 0
