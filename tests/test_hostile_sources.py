"""Every kind of hostile source in one polling round: each fails alone, the good one is unaffected.

tests/test_fetch.py and tests/test_poll.py test each defence on its own; this puts them all
in the same round, as a national deployment with dozens of sources would meet them.
"""

from __future__ import annotations

import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler

from sqlalchemy import select

from jobs.config import FetchSettings, SourceSettings
from jobs.db import Database
from jobs.ingest.poll import poll_due_sources
from jobs.models import NoticeRow, Source
from tests.botkit import rss
from tests.feedserver import FeedServer, Route
from tests.helpers import Clock, make_runtime, settings_with

GOOD = [
    {"guid": "g1", "title": "Rengøring af Roskilde Bibliotek", "cpv": "90910000", "value": "400000"},
    {"guid": "g2", "title": "Kantinedrift på rådhuset", "cpv": "55500000"},
]
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    b"<rss version='2.0'><channel><title>t</title><item><guid>x</guid><title>&d;&d;&d;&d;</title></item>"
    b"</channel></rss>"
)
MB = 1024 * 1024


def xxe(secret_url: str) -> bytes:
    return (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY file SYSTEM "file:///etc/passwd">'
        f'<!ENTITY net SYSTEM "{secret_url}">]>'
        "<rss version='2.0'><channel><title>t</title><item><guid>x</guid><title>&file;&net;</title>"
        "<description>&file;</description></item></channel></rss>"
    ).encode()


def endless_chunks(handler: BaseHTTPRequestHandler, _body: bytes) -> tuple[int, dict[str, str], bytes]:
    """50 MB without a Content-Length (chunked), so only counting the bytes can stop it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"<rss>" + b"x" * (MB - 5)
    for _ in range(50):
        handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    handler.wfile.write(b"0\r\n\r\n")
    raise ConnectionAbortedError("answered by hand")  # the feed server must not answer again


async def test_one_round_with_every_hostile_source(db: Database, feed_server: FeedServer) -> None:
    good_body = rss(GOOD)
    routes = {
        "good": Route(body=good_body),
        "error500": Route(status=500, body=b"Internal Server Error"),
        "hang": Route(body=good_body, delay=10.0),
        "trickle": Route(body=good_body, trickle=0.05),
        "huge": Route(body=b"<rss>" + b" " * (50 * MB)),
        "chunked50mb": Route(handler=endless_chunks),
        "truncated": Route(body=good_body[: len(good_body) // 2]),
        "bomb": Route(body=BOMB),
        "xxe": Route(body=xxe(feed_server.url("/secret"))),
        "loop": Route(redirect_to="/loop2"),
        "loop2": Route(redirect_to="/loop"),
    }
    for name, route in routes.items():
        feed_server.routes[f"/{name}"] = route
    feed_server.routes["/secret"] = Route(body=b"TOP SECRET")
    names = [n for n in routes if n != "loop2"]
    settings = settings_with(*(SourceSettings(name=n, kind="rss", url=feed_server.url(f"/{n}")) for n in names))
    settings = replace(settings, fetch=FetchSettings(timeout_seconds=1.0, total_seconds=2.0, max_bytes=5_000_000))
    clock = Clock()
    async with make_runtime(db, settings, clock=clock) as rt:
        t0 = time.monotonic()
        reports = {r.source: r for r in await poll_due_sources(rt)}
        took = time.monotonic() - t0

    assert took < 10, f"the hostile sources held the round up for {took:.1f} s"
    assert reports["good"].ok and reports["good"].error is None
    assert len(reports["good"].result.new) == 2
    bad = [n for n in names if n != "good"]
    assert [n for n in bad if reports[n].ok] == []
    expected = {
        "error500": "HTTP 500",
        "hang": "timed out",
        "trickle": "within 2 s",
        "huge": "exceeds the cap",
        "chunked50mb": "exceeds the cap",
        "truncated": "",
        "bomb": "refused",
        "xxe": "refused",
        "loop": "too many redirects",
    }
    for name, words in expected.items():
        assert words in (reports[name].error or ""), (name, reports[name].error)
    async with db.sessions() as s:
        sources = {r.name: r for r in (await s.scalars(select(Source))).all()}
        notices = (await s.scalars(select(NoticeRow))).all()
    for name in bad:
        row = sources[name]
        assert row.failures == 1 and row.last_error and row.next_check_at and row.next_check_at > clock.now, name
    good = sources["good"]
    assert good.failures == 0 and good.last_error is None and good.last_success_at == clock.now
    assert sorted(n.title for n in notices) == sorted(i["title"] for i in GOOD)
    assert {n.source for n in notices} == {"good"}
    assert not any(h.path == "/secret" for h in feed_server.hits)  # no external entity was fetched
    assert not any("root:" in (n.title + n.description) for n in notices)


def test_a_feed_cut_in_transit_keeps_its_whole_items_and_drops_the_cut_one() -> None:
    from jobs.ingest.parse import feed

    body = rss(GOOD)
    cut = body[: body.index(b"55500000") + 4]  # inside the second item's CPV
    page = feed.parse(cut, source="x")
    assert [n.id for n in page.notices] == ["g1"]
    assert page.notices[0].cpv and page.notices[0].value is not None  # the first item is whole
    assert any("cut off" in e for e in page.item_errors)
    whole = feed.parse(body, source="x")
    assert [n.id for n in whole.notices] == ["g1", "g2"] and not whole.item_errors
