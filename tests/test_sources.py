"""Each source kind over real HTTP: TED (POST search, iteration paging, details),
udbud.dk (bearer token, since paging), OCDS (links.next), and broken paging."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

import pytest

from jobs.config import SourceSettings
from jobs.errors import FetchError, ParseError
from jobs.ingest.fetch import make_client
from jobs.ingest.sources import SourceState, read_source
from tests.feedserver import FeedServer, Route
from tests.helpers import fixture_bytes, settings_with

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TED_FIXTURE = json.loads(fixture_bytes("ted-api-v3/ted-search-tenderpilot.json"))


async def read(src: SourceSettings, state: SourceState = SourceState(), env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    settings = settings_with(src)
    async with make_client(settings.fetch) as client:
        return await read_source(src, state, client, settings, now=NOW, env=env)


def ted_search(pages: list[list[dict[str, object]]], total: int | None = None):  # type: ignore[no-untyped-def]
    """A TED search endpoint: page k answers the token "t<k>" and hands out "t<k+1>"."""

    def handler(_req: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        request = json.loads(body)
        token = request.get("iterationNextToken")
        k = 0 if token is None else int(str(token)[1:])
        page = {
            "notices": pages[k],
            "totalNoticeCount": total if total is not None else sum(len(p) for p in pages),
            "iterationNextToken": f"t{k + 1}" if k + 1 < len(pages) else None,
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(page).encode()

    return handler


async def test_ted_pages_by_iteration_token_and_remembers_the_day(feed_server: FeedServer) -> None:
    hits = TED_FIXTURE["notices"]
    feed_server.routes["/search"] = Route(handler=ted_search([hits[:10], hits[10:]]))
    src = SourceSettings(
        name="ted", kind="ted", url=feed_server.url("/search"), query="buyer-country=DNK", page_size=10
    )
    out = await read(src)
    assert [n.id for n in out.notices] == [h["publication-number"] for h in hits]
    assert out.pages == 2
    bodies = [json.loads(h.body) for h in feed_server.hits]
    assert bodies[0]["query"] == "buyer-country=DNK" and bodies[0]["limit"] == 10
    assert bodies[0]["paginationMode"] == "ITERATION" and "iterationNextToken" not in bodies[0]
    assert bodies[1]["iterationNextToken"] == "t1"
    assert out.cursor == "20261127"
    # the next poll asks only for what was published since
    feed_server.hits.clear()
    await read(src, SourceState(cursor=out.cursor))
    assert json.loads(feed_server.hits[0].body)["query"] == "(buyer-country=DNK) AND publication-date>=20261127"


async def test_ted_missing_next_page_is_an_error_not_no_news(feed_server: FeedServer) -> None:
    hits = TED_FIXTURE["notices"]
    feed_server.routes["/search"] = Route(handler=ted_search([hits[:5]], total=40))
    src = SourceSettings(name="ted", kind="ted", url=feed_server.url("/search"), page_size=5)
    with pytest.raises(ParseError, match="TED says 40 notices match but paging stopped after 5"):
        await read(src)


async def test_ted_details_replace_summaries_and_a_missing_one_is_kept(feed_server: FeedServer) -> None:
    real = fixture_bytes("eforms/ted-real/2024-OJS044-00127505.xml")
    hits = [dict(TED_FIXTURE["notices"][0], **{"publication-number": "127505-2024"}), TED_FIXTURE["notices"][1]]
    feed_server.routes["/search"] = Route(handler=ted_search([hits]))
    feed_server.routes["/xml/127505-2024"] = Route(body=real)
    src = SourceSettings(
        name="ted",
        kind="ted",
        url=feed_server.url("/search"),
        fetch_details=True,
        details_url=feed_server.url("/xml/{publication_number}"),
    )
    out = await read(src)
    detailed, summary = out.notices
    assert detailed.texts["ted_publication_number"] == "127505-2024"
    assert detailed.procedure_id  # the eForms notice: procedure id, lots, ...
    assert detailed.lots
    assert summary.id == hits[1]["publication-number"]  # its XML answered 404: the summary stays
    assert any("details not read" in e and "HTTP 404" in e for e in out.item_errors)


async def test_udbud_api_needs_its_token_and_pages_since(feed_server: FeedServer) -> None:
    xml = [
        fixture_bytes("eforms/sdk-examples/cn_24_multilingual.xml"),
        fixture_bytes("eforms/sdk-examples/cn_24_open.xml"),
    ]
    p1 = {
        "items": [{"id": "a", "eformsXml": base64.b64encode(xml[0]).decode()}],
        "next": feed_server.url("/api?page=2"),
    }
    p2 = {
        "items": [
            {"id": "b", "eformsXml": base64.b64encode(xml[1]).decode()},
            {"id": "bad", "eformsXml": "!!!not base64!!!"},
        ],
        "next": None,
    }

    def handler(req: BaseHTTPRequestHandler, _body: bytes) -> tuple[int, dict[str, str], bytes]:
        if req.headers.get("Authorization") != "Bearer s3cret":
            return 401, {}, b"unauthorized"
        return 200, {}, json.dumps(p2 if "page=2" in req.path else p1).encode()

    feed_server.routes["/api"] = Route(handler=handler)
    src = SourceSettings(name="udbud.dk", kind="udbud", url=feed_server.url("/api"), token_env="UDBUD_DK_TOKEN")
    with pytest.raises(FetchError, match="UDBUD_DK_TOKEN"):
        await read(src, env={})
    out = await read(src, SourceState(cursor="2024-01-01T00:00:00+00:00"), env={"UDBUD_DK_TOKEN": "s3cret"})
    assert len(out.notices) == 2 and out.pages == 2
    assert len(out.item_errors) == 1 and "bad" in out.item_errors[0]
    assert "since=2024-01-01" in feed_server.hits[0].path  # the cursor is sent on the first page
    stamps = [n.published_at for n in out.notices if n.published_at]
    assert out.cursor == max(stamps).isoformat()


async def test_ocds_follows_links_next_and_refuses_a_loop(feed_server: FeedServer) -> None:
    package = json.loads(fixture_bytes("ocds/contracts-finder/CFSearchRel1.json"))
    releases = package["releases"]
    first = dict(package, releases=releases[:60], links={"next": feed_server.url("/ocds?p=2")})
    second = dict(package, releases=releases[60:], links={})
    feed_server.routes["/ocds"] = Route(
        handler=lambda req, _b: (200, {}, json.dumps(second if "p=2" in req.path else first).encode())
    )
    src = SourceSettings(name="cf", kind="ocds", url=feed_server.url("/ocds"))
    out = await read(src)
    assert len(out.notices) + len(out.item_errors) == len(releases) and out.pages == 2
    looping = dict(package, releases=releases[:3], links={"next": feed_server.url("/loop")})
    feed_server.routes["/loop"] = Route(body=json.dumps(looping).encode())
    with pytest.raises(ParseError, match="paging loops back"):
        await read(SourceSettings(name="loop", kind="ocds", url=feed_server.url("/loop")))


async def test_content_must_match_the_source_kind(feed_server: FeedServer) -> None:
    feed_server.routes["/x"] = Route(body=fixture_bytes("ocds/contracts-finder/CFSearchRel1.json"))
    with pytest.raises(ParseError, match="expected rss content but got ocds"):
        await read(SourceSettings(name="x", kind="rss", url=feed_server.url("/x")))
