"""HTTP (and local file) fetching for sources: conditional GET, size cap, deadlines.

feedparser and the other parsers only ever get the bytes fetched here.
"""

from __future__ import annotations

import asyncio
import email.utils
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from jobs.config import FetchSettings
from jobs.errors import FetchError


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def make_client(settings: FetchSettings) -> httpx.AsyncClient:
    """One shared client: timeouts, redirect limit and User-Agent from config."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout_seconds),
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
    )


def is_remote(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    settings: FetchSettings,
    *,
    base_dir: Path | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    method: str = "GET",
    json: Any = None,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> FetchResult:
    """Fetch ``url`` (http(s) or a local path); raise FetchError with a clear reason."""
    if not is_remote(url):
        return await asyncio.to_thread(read_file, url, settings, base_dir)
    req_headers = dict(headers or {})
    if etag:
        req_headers["If-None-Match"] = etag
    if last_modified:
        req_headers["If-Modified-Since"] = last_modified
    try:
        # The per-read timeout does not stop a server that trickles bytes forever.
        async with asyncio.timeout(settings.total_seconds):
            return await _fetch_http(client, url, settings, method, json, req_headers, params)
    except TimeoutError as e:
        raise FetchError(f"no complete answer within {settings.total_seconds:g} s") from e
    except httpx.TooManyRedirects as e:
        raise FetchError(f"too many redirects (more than {settings.max_redirects})") from e
    except httpx.TimeoutException as e:
        raise FetchError(f"timed out ({type(e).__name__})") from e
    except httpx.HTTPError as e:
        raise FetchError(f"network error: {type(e).__name__}: {e}") from e


async def _fetch_http(
    client: httpx.AsyncClient,
    url: str,
    settings: FetchSettings,
    method: str,
    json: Any,
    headers: dict[str, str],
    params: dict[str, str] | None,
) -> FetchResult:
    async with client.stream(method, url, json=json, headers=headers, params=params) as resp:
        if resp.status_code == 304:
            return FetchResult(str(resp.url), 304, etag=resp.headers.get("etag"))
        if resp.status_code >= 400:
            retry_after = parse_retry_after(resp.headers.get("retry-after"), now=datetime.now(UTC))
            reason = f"HTTP {resp.status_code} {resp.reason_phrase}".strip()
            raise FetchError(reason, retry_after=retry_after, status=resp.status_code)
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_bytes:
            raise FetchError(f"body of {int(declared):,} bytes exceeds the cap of {settings.max_bytes:,}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > settings.max_bytes:
                raise FetchError(f"body exceeds the cap of {settings.max_bytes:,} bytes")
            chunks.append(chunk)
        return FetchResult(
            str(resp.url),
            resp.status_code,
            b"".join(chunks),
            etag=resp.headers.get("etag"),
            last_modified=resp.headers.get("last-modified"),
            headers={k.lower(): v for k, v in resp.headers.items()},
        )


def read_file(url: str, settings: FetchSettings, base_dir: Path | None) -> FetchResult:
    path = Path(url.removeprefix("file://"))
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            raise FetchError(f"file of {size:,} bytes exceeds the cap of {settings.max_bytes:,}")
        return FetchResult(str(path), 200, path.read_bytes())
    except FileNotFoundError as e:
        raise FetchError(f"no such file ({path})") from e
    except IsADirectoryError as e:
        raise FetchError(f"is a directory ({path})") from e
    except OSError as e:
        raise FetchError(f"cannot be read ({e.strerror})") from e


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
