"""The bot's HTTP client for the Bot API: python-telegram-bot's networking on aiohttp.

python-telegram-bot talks to Telegram through a ``BaseRequest``; its own (``HTTPXRequest``)
uses httpx. Every update the bot answers costs at least two Bot API calls (the
``getUpdates`` that brought it and the reply), and a broadcast one per recipient, so the
client's CPU per call is part of what each reply waits for when the CPU is short. On
loopback a bare aiohttp POST takes about 0.3× the CPU of a bare httpx one (0.25 ms against
0.8 ms); with PTB's own work around it (building the request, parsing the answer into a
``Message``), a whole call takes 0.75–0.90× the CPU (``bench/bench_request.py``).
BENCHMARKS.md ("Replies under load") has what it did for replies.

:class:`AiohttpRequest` implements PTB's documented interface (``do_request`` returns the
status and the body; PTB itself turns them into results and errors) with the same defaults as
``HTTPXRequest``: a pool of 256 connections, 5 s to connect, write and read, 1 s to wait for
a free connection, 20 s to write an upload. Network failures become PTB's ``NetworkError``
and timeouts its ``TimedOut``, as with httpx, so the sender's classification
(``bot/sender.py``) is the same. Proxies come from the environment (``HTTPS_PROXY``), as
httpx does. Feeds and pages are still fetched with httpx (``jobs/ingest/fetch.py``).
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from functools import lru_cache

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

POOL_SIZE = 256  # connections at most, as HTTPXRequest's default
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@lru_cache(maxsize=16)
def env_proxy(scheme: str, host: str) -> str | None:
    """The proxy the environment names for this scheme and host (``HTTPS_PROXY``,
    ``ALL_PROXY``, ``NO_PROXY``), as httpx reads them; read once per host, not per call
    (aiohttp's ``trust_env`` looks again on every request, in a thread)."""
    proxies = urllib.request.getproxies()
    if not proxies or urllib.request.proxy_bypass(host):
        return None
    return proxies.get(scheme) or proxies.get("all")


class AiohttpRequest(BaseRequest):
    """PTB's ``BaseRequest`` on one ``aiohttp.ClientSession``, opened by the first call and
    closed by ``shutdown`` (``bot/app.py`` calls it also after a failed start)."""

    __slots__ = ("_answered", "_connect", "_media_write", "_pool", "_pool_size", "_read", "_session", "_write")

    def __init__(
        self,
        connection_pool_size: int = POOL_SIZE,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._session: aiohttp.ClientSession | None = None
        self._answered = False  # has the server ever answered through this session?
        self._pool_size = connection_pool_size
        self._read, self._write, self._connect, self._pool = read_timeout, write_timeout, connect_timeout, pool_timeout
        self._media_write = media_write_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        """Nothing to do yet: the session opens with the first call (``_open``), so a
        request object that is never used (a failed start) never holds one."""

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )
        return self._session

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._open()
        files = request_data.multipart_data if request_data else None
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        if isinstance(write_timeout, DefaultValue):
            write = self._media_write if files else self._write
        else:
            write = write_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = _timeout(read, write, connect, pool)
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and files:
            body = _multipart(request_data)
        elif request_data is not None:  # a form, as PTB's httpx client sends it
            body = urllib.parse.urlencode(request_data.json_parameters).encode()
            headers = FORM
        split = urllib.parse.urlsplit(url)
        proxy = env_proxy(split.scheme, split.hostname or "")
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=proxy
            ) as response:
                answer = response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as err:
            await self._forget_unanswered()
            raise TimedOut from err
        except aiohttp.ClientError as err:
            await self._forget_unanswered()
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
        self._answered = True
        return answer

    async def _forget_unanswered(self) -> None:
        """A session that never had an answer (no network, Telegram down at start) is closed
        at once: the start is retried with a new Application, and aiohttp warns of every
        session left open. The next call opens a new one."""
        if not self._answered:
            await self.shutdown()


def _timeout(
    read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts from PTB's four: ``connect`` covers waiting for a pooled connection
    and opening one; ``sock_read`` each wait for the answer. aiohttp has no write timeout of
    its own: the whole call is capped at the sum of the four (an upload that stalls ends)."""
    parts = (read, write, connect, pool)
    total = sum(p for p in parts if p is not None) if all(p is not None for p in parts) else None
    wait = connect + pool if connect is not None and pool is not None else None
    return aiohttp.ClientTimeout(total=total, connect=wait, sock_connect=connect, sock_read=read)


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    """An upload: the parameters as fields and the files as parts, as PTB's httpx client sends."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in (request_data.multipart_data or {}).items():
        filename, content, *mime = part
        form.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
    return form
