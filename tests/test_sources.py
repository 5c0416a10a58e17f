"""Each source kind over real HTTP: TED (POST search, iteration paging, details),
udbud.dk (bearer token, page/size/since, 416 at the end), OCDS (links.next), and broken paging."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

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


def udbud_service(items: list[dict[str, object]], *, size: int, total: int | None = None, gone: bool = True):  # type: ignore[no-untyped-def]
    """udbud.dk's data service as described: bearer token, pages from 1, 416 past the end."""

    def handler(req: BaseHTTPRequestHandler, _body: bytes) -> tuple[int, dict[str, str], bytes]:
        if req.headers.get("Authorization") != "Bearer s3cret":
            return 401, {}, b'{"message": "unauthorized"}'
        query = parse_qs(urlsplit(req.path).query)
        page, per = int(query["page"][0]), int(query["size"][0])
        chunk = items[(page - 1) * per : page * per]
        if not chunk and page > 1 and gone:
            return 416, {}, b""
        doc: dict[str, object] = {"bekendtgoerelser": chunk}
        if total is not None:
            doc["totalt"] = total
        return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()

    return handler


def envelope(rel: str, registered: str, **extra: object) -> dict[str, object]:
    return {
        "noticeId": rel,
        "noticeVersion": "01",
        "registreringsTidspunkt": registered,
        "bekendtgoerelseXml": base64.b64encode(fixture_bytes(rel)).decode(),
        **extra,
    }


SDK = "eforms/sdk-examples/"
PATH = "/udbud/ekstern-data/bekendtgoerelse/v1/fraKilde/DKUDBUD"


async def test_udbud_needs_its_token_pages_until_the_end_and_keeps_since(feed_server: FeedServer) -> None:
    items = [
        envelope(SDK + "cn_24_multilingual.xml", "2024-03-01T10:00:00"),
        envelope(SDK + "cn_24_open.xml", "2024-03-01T11:30:00"),
        {"noticeId": "bad", "bekendtgoerelseXml": "!!!not base64!!!"},
        envelope(SDK + "pin-cfc-social_24.xml", "2024-03-02T09:15:00"),
        envelope(SDK + "cn-social_24.xml", "2024-03-02T08:00:00"),
    ]
    feed_server.routes[PATH] = Route(handler=udbud_service(items, size=2))
    src = SourceSettings(
        name="udbud.dk", kind="udbud", url=feed_server.url(PATH), token_env="UDBUD_DK_TOKEN", page_size=2
    )
    with pytest.raises(FetchError, match="UDBUD_DK_TOKEN"):
        await read(src, env={})
    with pytest.raises(FetchError, match="HTTP 401"):
        await read(src, env={"UDBUD_DK_TOKEN": "wrong"})
    feed_server.hits.clear()
    out = await read(src, SourceState(cursor="2024-02-29T23:00:00+00:00"), env={"UDBUD_DK_TOKEN": "s3cret"})
    assert len(out.notices) == 4 and out.pages == 3  # 2 + 2 + a short page of 1
    assert len(out.item_errors) == 1 and out.item_errors[0].startswith("item 0 (bad)")
    queries = [parse_qs(urlsplit(h.path).query) for h in feed_server.hits]
    assert [q["page"] for q in queries] == [["1"], ["2"], ["3"]]
    assert all(q["size"] == ["2"] for q in queries)
    # the cursor minus ten minutes, as Copenhagen local time without an offset
    assert all(q["since"] == ["2024-02-29T23:50:00"] for q in queries)
    assert out.cursor == "2024-03-02T09:15:00+01:00"  # the latest registration, whatever the order
    # 416 after a full last page ends the paging too
    feed_server.hits.clear()
    feed_server.routes[PATH] = Route(handler=udbud_service(items[:4], size=2))
    out = await read(src, SourceState(cursor=out.cursor), env={"UDBUD_DK_TOKEN": "s3cret"})
    assert out.pages == 2 and len(feed_server.hits) == 3
    assert parse_qs(urlsplit(feed_server.hits[0].path).query)["since"] == ["2024-03-02T09:05:00"]


async def test_udbud_pages_that_end_before_the_total_are_an_error(feed_server: FeedServer) -> None:
    items = [envelope(SDK + "cn_24_multilingual.xml", "2024-03-01T10:00:00")] * 3
    feed_server.routes[PATH] = Route(handler=udbud_service(items, size=2, total=7))
    src = SourceSettings(name="u", kind="udbud", url=feed_server.url(PATH), token_env="T", page_size=2)
    with pytest.raises(ParseError, match="udbud.dk says 7 notices match but its pages ended after 3"):
        await read(src, env={"T": "s3cret"})


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
