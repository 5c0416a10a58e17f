"""Fetching over real HTTP on loopback: conditional GET, caps, deadlines, redirects."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobs.config import FetchSettings
from jobs.errors import FetchError
from jobs.ingest.fetch import fetch, make_client, parse_retry_after
from tests.feedserver import FeedServer, Route

FAST = FetchSettings(timeout_seconds=0.5, total_seconds=1.5, max_bytes=100_000, max_redirects=3)


async def get(server: FeedServer, path: str, **kw: object):  # type: ignore[no-untyped-def]
    async with make_client(FAST) as client:
        return await fetch(client, server.url(path), FAST, **kw)  # type: ignore[arg-type]


async def test_conditional_get_304_costs_no_body(feed_server: FeedServer) -> None:
    feed_server.routes["/f"] = Route(body=b"<rss/>", etag='"v1"', headers={"Last-Modified": "Sat, 28 Nov 2026"})
    first = await get(feed_server, "/f")
    assert (first.status, first.body, first.etag) == (200, b"<rss/>", '"v1"')
    assert first.last_modified == "Sat, 28 Nov 2026"
    second = await get(feed_server, "/f", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b""
    assert feed_server.hits[-1].headers["if-none-match"] == '"v1"'
    assert feed_server.hits[-1].headers["if-modified-since"] == "Sat, 28 Nov 2026"


async def test_server_error_is_a_clear_fetch_error(feed_server: FeedServer) -> None:
    feed_server.routes["/e"] = Route(status=500, body=b"boom")
    with pytest.raises(FetchError, match="HTTP 500"):
        await get(feed_server, "/e")


async def test_retry_after_is_reported(feed_server: FeedServer) -> None:
    feed_server.routes["/busy"] = Route(status=429, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as exc:
        await get(feed_server, "/busy")
    assert exc.value.retry_after == 120.0


def test_retry_after_http_date() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert parse_retry_after("Sat, 28 Nov 2026 12:02:00 GMT", now=now) == 120.0
    assert parse_retry_after("soon", now=now) is None


async def test_hanging_server_times_out(feed_server: FeedServer) -> None:
    feed_server.routes["/hang"] = Route(body=b"x", delay=2.0)
    with pytest.raises(FetchError, match="timed out|no complete answer"):
        await get(feed_server, "/hang")


async def test_trickling_server_hits_the_total_deadline(feed_server: FeedServer) -> None:
    # every byte arrives well within the read timeout, but the whole never does
    feed_server.routes["/slow"] = Route(body=b"<rss>" + b" " * 200 + b"</rss>", trickle=0.05)
    with pytest.raises(FetchError, match="no complete answer within 1.5 s"):
        await get(feed_server, "/slow")


async def test_huge_body_is_capped(feed_server: FeedServer) -> None:
    feed_server.routes["/big"] = Route(body=b"x" * 200_000)
    with pytest.raises(FetchError, match="exceeds the cap"):
        await get(feed_server, "/big")


async def test_gzip_bomb_is_capped_after_decompression(feed_server: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < FAST.max_bytes
    feed_server.routes["/gz"] = Route(body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="exceeds the cap"):
        await get(feed_server, "/gz")


async def test_redirect_loop_ends(feed_server: FeedServer) -> None:
    feed_server.routes["/a"] = Route(redirect_to="/b")
    feed_server.routes["/b"] = Route(redirect_to="/a")
    with pytest.raises(FetchError, match="too many redirects"):
        await get(feed_server, "/a")


async def test_redirect_followed(feed_server: FeedServer) -> None:
    feed_server.routes["/old"] = Route(redirect_to="/new")
    feed_server.routes["/new"] = Route(body=b"ok")
    res = await get(feed_server, "/old")
    assert res.body == b"ok" and res.url.endswith("/new")


async def test_connection_refused() -> None:
    async with make_client(FAST) as client:
        with pytest.raises(FetchError, match="network error"):
            await fetch(client, "http://127.0.0.1:9/", FAST)


async def test_local_files(tmp_path: Path) -> None:
    (tmp_path / "f.xml").write_bytes(b"<rss/>")
    async with make_client(FAST) as client:
        res = await fetch(client, "f.xml", FAST, base_dir=tmp_path)
        assert res.body == b"<rss/>"
        with pytest.raises(FetchError, match="no such file"):
            await fetch(client, "missing.xml", FAST, base_dir=tmp_path)
        (tmp_path / "big.xml").write_bytes(b"x" * 200_000)
        with pytest.raises(FetchError, match="exceeds the cap"):
            await fetch(client, "big.xml", FAST, base_dir=tmp_path)
