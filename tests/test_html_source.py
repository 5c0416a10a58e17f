"""``kind = "html"``: municipal tender list pages (saved pages written for these tests:
Danish, with navigation, cookie banners, scripts, broken markup, relative links and wrong
charsets) read by CSS selectors over real HTTP, stored, versioned by content, matched by
the source's category; hostile pages give one clear error and leave other sources alone."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs.config import CategorySettings, FetchSettings, Settings, SourceSettings, load_settings
from jobs.db import Database
from jobs.errors import ConfigError, FetchError, ParseError
from jobs.ingest.fetch import make_client
from jobs.ingest.parse.html import decode_html, parse_list
from jobs.ingest.poll import poll_due_sources
from jobs.ingest.sources import SourceState, read_source
from jobs.models import NoticeRow, OutboxRow
from jobs.notice import NoticeType
from jobs.people.subscribers import Profile, subscribe, update_settings
from tests.feedserver import FeedServer, Route
from tests.helpers import Clock, make_runtime

HTML = Path(__file__).resolve().parent / "data" / "html"
LIST = (HTML / "kommune-udbud-renovation.html").read_bytes()
DETAIL = (HTML / "udbud-graesslaaning.html").read_bytes()
LIST_SELECTORS = {
    "item": "ul.udbud-list > li.udbud-item",
    "title": "h3.udbud-title",
    "link": "h3.udbud-title a",
    "date": "time@datetime",
    "deadline": ".frist",
    "description": ".udbud-teaser",
}
DETAIL_SELECTORS = {
    "buyer": "dd.ordregiver",
    "deadline": "dd.frist",
    "value": "dd.vaerdi",
    "cpv": "dd.cpv",
    "location": "dd.sted",
    "description": "article .rich-text",
}
TRANSPORT_SELECTORS = {
    "item": "table.udbud tr.row",
    "title": "td.titel",
    "link": "td.titel a",
    "deadline": "td.frist",
    "value": "td.vaerdi",
}
PATH = "/erhverv/udbud/renovation/"
GRASS = "/erhverv/udbud/renovation/graesslaaning-og-parkpleje-2024/"
CATEGORIES = {
    "renovation": CategorySettings("Renovation", "Waste", ("90", "77")),
    "it": CategorySettings("IT", "IT", ("72",)),
}


def html_source(server: FeedServer, **kw: object) -> SourceSettings:
    args: dict[str, object] = {"selectors": LIST_SELECTORS, "category": "renovation"} | kw
    return SourceSettings(name="kommune", kind="html", url=server.url(PATH), **args)  # type: ignore[arg-type]


def settings_for(*sources: SourceSettings) -> Settings:
    return replace(
        Settings(),
        categories=CATEGORIES,
        sources=sources,
        fetch=FetchSettings(timeout_seconds=2.0, total_seconds=5.0, max_bytes=2_000_000),
    )


async def read(src: SourceSettings, state: SourceState = SourceState()):  # type: ignore[no-untyped-def]
    settings = settings_for(src)
    async with make_client(settings.fetch) as client:
        return await read_source(src, state, client, settings, now=datetime(2024, 3, 6, tzinfo=UTC))


def test_list_page_items_without_navigation_cookies_or_scripts() -> None:
    page, _ = parse_list(LIST, LIST_SELECTORS, source="k", base_url="https://www.kommune.example.dk" + PATH)
    titles = [n.title for n in page.notices]
    assert titles == [
        "Græsslåning og parkpleje i bydel Nord & Syd",
        "Vintertjeneste: snerydning og saltning af cykelstier",
        "Markedsdialog om indsamling af storskrald",
    ]  # not the script's template, not document.write, not the cookie banner
    grass, winter, dialog = page.notices
    assert grass.url == "https://www.kommune.example.dk" + GRASS
    assert winter.url == "https://www.kommune.example.dk/erhverv/udbud/renovation/vintertjeneste-2024-2028"
    assert dialog.url == "https://www.kommune.example.dk/erhverv/udbud/renovation/indsamling-af-storskrald/"
    assert grass.id == grass.url  # the link is the identity
    assert grass.deadline == datetime(2024, 4, 12, 10, 0, tzinfo=UTC)  # "12. april 2024 kl. 12:00", summer time
    assert winter.deadline == datetime(2024, 4, 2, 8, 0, tzinfo=UTC)  # "02-04-2024 kl. 10.00"
    assert grass.published_at == datetime(2024, 2, 29, 23, 0, tzinfo=UTC)  # time@datetime "2024-03-01"
    assert "reserveret til socialøkonomiske virksomheder" in grass.description
    assert (grass.notice_type, dialog.notice_type) == (NoticeType.COMPETITION, NoticeType.PRIOR_INFORMATION)
    assert grass.buyer_country == "DNK" and grass.language == "da"
    assert page.item_errors == ["item 4: no title; skipped"]


@pytest.mark.parametrize("name", ["kommune-transport-cp1252.html", "kommune-transport-utf8-says-latin1.html"])
def test_wrong_meta_charset_and_broken_table_markup(name: str) -> None:
    data = (HTML / name).read_bytes()
    page, _ = parse_list(
        data, TRANSPORT_SELECTORS, source="t", base_url="https://www.kommune.example.dk/udbud/transport"
    )
    school, special = page.notices
    assert school.title == "Skolekørsel – 12 ruter i Øster Ørby"
    assert special.title == "Handicapkørsel til dagtilbud “Æblehaven”"
    assert special.url == "https://www.kommune.example.dk/udbud/koersel/flextrafik?id=7&ret=1"
    assert (school.value, school.currency) == (Decimal(1_200_000), "DKK")  # "ca. 1,2 mio. kr."
    assert school.deadline == datetime(2024, 4, 30, 21, 59, tzinfo=UTC)  # a day only: open all that day
    assert special.deadline == datetime(2024, 5, 15, 7, 0, tzinfo=UTC)


def test_charset_from_http_header_bom_and_fallback() -> None:
    text = "Rengøring af rådhuset"
    assert decode_html(text.encode("cp1252"), "text/html; charset=windows-1252") == text
    assert decode_html(text.encode("cp1252"), "text/html; charset=utf-8") == text  # a lying header
    assert decode_html(b"\xef\xbb\xbf" + text.encode("utf-8"), "text/html; charset=iso-8859-1") == text
    assert decode_html(text.encode("utf-16"), None) == text
    assert decode_html(text.encode("cp1252"), "text/html; charset=no-such-charset") == text


async def test_read_follows_item_pages_and_keeps_list_fields_when_one_fails(feed_server: FeedServer) -> None:
    feed_server.routes[PATH] = Route(body=LIST, headers={"Content-Type": "text/html; charset=utf-8"}, etag='"v1"')
    feed_server.routes[GRASS] = Route(body=DETAIL, headers={"Content-Type": "text/html; charset=utf-8"})
    # the second item's page answers 404, the third's page is a JSON error document
    feed_server.routes["/erhverv/udbud/renovation/indsamling-af-storskrald/"] = Route(body=b'{"error": "x"}')
    src = html_source(feed_server, follow_links=True, detail_selectors=DETAIL_SELECTORS)
    out = await read(src)
    grass, winter, dialog = out.notices
    assert grass.buyer == "Roskilde-eksempel Kommune, Vej og Park"
    assert (grass.value, grass.currency) == (Decimal(850_000), "DKK")
    assert grass.cpv == ("77314000", "77312000")
    assert grass.nuts == ("DK021",)
    assert "udbudslovens § 20" in grass.description and "trackPageView" not in grass.description
    assert grass.id == feed_server.url(GRASS)  # the list's identity, whatever the page says
    assert winter.title == "Vintertjeneste: snerydning og saltning af cykelstier"  # list fields kept
    assert dialog.title == "Markedsdialog om indsamling af storskrald"
    assert out.pages == 4
    assert any("vintertjeneste-2024-2028: item page not read (HTTP 404" in e for e in out.item_errors)
    assert out.etag == '"v1"'
    # next poll: the list page is unchanged (304), nothing else is fetched
    hits = len(feed_server.hits)
    again = await read(src, SourceState(etag=out.etag))
    assert again.not_modified and again.notices == []
    assert len(feed_server.hits) == hits + 1
    assert feed_server.hits[-1].headers["if-none-match"] == '"v1"'


async def test_a_page_without_items_is_an_error_not_no_news(feed_server: FeedServer) -> None:
    moved = LIST.replace(b'class="udbud-list"', b'class="tender-list"')
    feed_server.routes[PATH] = Route(body=moved)
    with pytest.raises(ParseError, match=r"no item matches the selector 'ul.udbud-list > li.udbud-item'"):
        await read(html_source(feed_server))


def _entity_bomb() -> bytes:
    ents = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    return (
        f'<!DOCTYPE html [<!ENTITY e0 "lol">{ents}]><html><body><ul class="udbud-list">'
        '<li class="udbud-item"><h3 class="udbud-title">&e9; &#0; &#x110000; &amp;lt;b&amp;gt;</h3></li></ul>'
    ).encode()


async def test_hostile_pages_fail_alone_with_one_line(db: Database, feed_server: FeedServer) -> None:
    feed_server.routes[PATH] = Route(body=LIST)
    feed_server.routes["/huge"] = Route(body=b"<html><body>" + b"<p>x</p>" * 400_000)
    feed_server.routes["/deep"] = Route(body=b"<html><body>" + b"<div>" * 100_000 + b"</body></html>")
    feed_server.routes["/binary"] = Route(body=bytes(range(256)) * 100)
    feed_server.routes["/bomb"] = Route(body=_entity_bomb())
    good = html_source(feed_server)
    bad = [
        replace(good, name=name, url=feed_server.url(f"/{name}"), category="")
        for name in ("huge", "deep", "binary", "bomb")
    ]
    async with make_runtime(db, settings_for(good, *bad)) as rt:
        reports = {r.source: r for r in await poll_due_sources(rt)}
    assert reports["kommune"].ok and len(reports["kommune"].result.new) == 3
    assert reports["huge"].error == "body of 3,200,012 bytes exceeds the cap of 2,000,000"
    for name in ("deep", "binary"):
        assert reports[name].error is not None
        assert reports[name].error.startswith("no item matches the selector"), reports[name].error
    bomb = reports["bomb"]
    assert bomb.ok  # the entities are never expanded: the title is what the page says
    async with db.sessions() as s:
        title = await s.scalar(select(NoticeRow.title).where(NoticeRow.source == "bomb"))
    assert title is not None and title.startswith("&e9;") and len(title) < 40


async def test_changed_item_is_a_change_and_category_subscribers_get_new_items(
    db: Database, feed_server: FeedServer
) -> None:
    feed_server.routes[PATH] = Route(body=LIST)
    clock = Clock(datetime(2024, 3, 6, 9, 0, tzinfo=UTC))
    async with make_runtime(db, settings_for(html_source(feed_server, interval_minutes=10)), clock=clock) as rt:
        [first] = await poll_due_sources(rt)
        assert first.baseline and len(first.result.new) == 3
        for chat, categories in ((1, ["renovation"]), (2, ["it"])):
            await subscribe(rt.db, Profile(chat, chat, f"Firma {chat}", None, "da"), clock())
            await update_settings(rt.db, chat, clock(), categories=categories, min_level="all")
        clock.advance(minutes=11)
        # the municipality moves a deadline and adds a tender (no CPV codes anywhere on the page)
        changed = LIST.replace(b"Tilbudsfrist: 02-04-2024 kl. 10.00", b"Tilbudsfrist: 09-04-2024 kl. 10.00")
        added = changed.replace(
            b'<ul class="udbud-list">',
            b'<ul class="udbud-list"><li class="udbud-item"><h3 class="udbud-title">'
            b'<a href="fejning-af-torve">Fejning af torve og pladser</a></h3>'
            b'<span class="frist">Tilbudsfrist: 30-04-2024 kl. 12.00</span></li>',
        )
        feed_server.routes[PATH] = Route(body=added)
        [second] = await poll_due_sources(rt)
        assert second.ok and len(second.result.new) == 1 and len(second.result.changed) == 1
        async with db.sessions() as s:
            rows = (await s.scalars(select(NoticeRow).order_by(NoticeRow.id))).all()
            winter_old, winter_new = [r for r in rows if r.title.startswith("Vintertjeneste")]
            assert winter_new.changes_notice_id == winter_old.id  # versioned by content, linked
            assert winter_new.deadline is not None and winter_new.deadline.day == 9
            new_row = next(r for r in rows if r.title == "Fejning af torve og pladser")
            assert new_row.cpv == []
            alerts = (await s.scalars(select(OutboxRow).where(OutboxRow.kind == "notice"))).all()
        assert [(a.notice_id, a.subscriber_id) for a in alerts] == [(new_row.id, alerts[0].subscriber_id)]
        async with db.sessions() as s:
            from jobs.models import Subscriber

            chat = await s.scalar(select(Subscriber.chat_id).where(Subscriber.id == alerts[0].subscriber_id))
        assert chat == 1  # the renovation subscriber, not the IT one
        clock.advance(minutes=11)
        [third] = await poll_due_sources(rt)
        assert third.result.stored == 0 and third.result.duplicates == 4  # nothing changed: nothing new


def _config(tmp_path: Path, source: str) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[categories.renovation]\nlabel_da = "R"\nlabel_en = "R"\ncpv_prefixes = ["90"]\n\n'
        f'[[sources]]\nname = "kommune"\nurl = "https://www.kommune.example.dk/udbud"\n{source}',
        encoding="utf-8",
    )
    return cfg


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('kind = "html"\n', "kind html needs selectors.item"),
        ('kind = "html"\n[sources.selectors]\nitem = "li"\n', "kind html needs selectors.title"),
        (
            'kind = "html"\n[sources.selectors]\nitem = "li["\ntitle = "h3"\n',
            "selectors.item: invalid CSS selector 'li['",
        ),
        ('kind = "html"\n[sources.selectors]\nitem = "li"\ntitle = "h3"\nprice = "b"\n', "unknown key selectors.price"),
        (
            'kind = "html"\nfollow_links = true\n[sources.selectors]\nitem = "li"\ntitle = "h3"\n',
            "needs selectors.link",
        ),
        ('kind = "rss"\n[sources.selectors]\nitem = "li"\n', "for kind html only"),
        ('kind = "rss"\ncategory = "rengoering"\n', "category 'rengoering' is not a category"),
    ],
)
def test_config_mistakes_are_one_line(tmp_path: Path, source: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as e:
        load_settings(_config(tmp_path, source), env={})
    assert "\n" not in str(e.value)


def test_a_valid_html_source_loads(tmp_path: Path) -> None:
    cfg = _config(
        tmp_path,
        'kind = "html"\ncategory = "renovation"\nfollow_links = true\n'
        '[sources.selectors]\nitem = "li.udbud-item"\ntitle = "h3"\nlink = "h3 a"\ndate = "time@datetime"\n'
        '[sources.detail_selectors]\nvalue = "dd.vaerdi"\n',
    )
    (src,) = load_settings(cfg, env={}).sources
    assert src.kind == "html" and src.category == "renovation" and src.follow_links
    assert src.selectors["date"] == "time@datetime" and src.detail_selectors == {"value": "dd.vaerdi"}


async def test_fetch_errors_of_the_list_page_are_fetch_errors(feed_server: FeedServer) -> None:
    feed_server.routes[PATH] = Route(status=503, headers={"Retry-After": "120"})
    with pytest.raises(FetchError, match="HTTP 503") as e:
        await read(html_source(feed_server))
    assert e.value.retry_after == 120


async def test_the_commented_example_in_config_toml_reads_the_test_page(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """config.toml's commented html source is a working example (docs kept true)."""
    from tests.conftest import ROOT

    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    block = text.split('# [[sources]]\n# name = "kommune-renovation"', 1)[1].split("\n\n", 1)[0]
    source = "\n".join(line[2:] for line in block.splitlines() if line.startswith("# "))
    source = source.replace("https://www.kommune.example.dk/erhverv/udbud/renovation/", feed_server.url(PATH))
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[categories.renovation]\nlabel_da = "R"\nlabel_en = "R"\ncpv_prefixes = ["90"]\n\n'
        f'[[sources]]\nname = "kommune-renovation"\n{source}\n',
        encoding="utf-8",
    )
    (src,) = load_settings(cfg, env={}).sources
    feed_server.routes[PATH] = Route(body=LIST)
    feed_server.routes[GRASS] = Route(body=DETAIL)
    out = await read(src)
    assert out.notices[0].title == "Græsslåning og parkpleje i bydel Nord & Syd"
    assert out.notices[0].buyer == "Roskilde-eksempel Kommune, Vej og Park"
