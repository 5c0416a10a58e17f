"""The polling job end to end: real HTTP on loopback, real SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from jobs.config import SourceSettings
from jobs.db import Database
from jobs.deliver.notify import LogNotifier
from jobs.ingest.poll import poll_due_sources
from jobs.models import NoticeAlias, NoticeRow, Source
from tests.feedserver import FeedServer, Route
from tests.helpers import Clock, fixture_bytes, make_runtime, settings_with

OPEN = "eforms/sdk-examples/cn_24_open.xml"
OPEN_CHANGE = "eforms/sdk-examples/change-cn_24_open_dates.xml"
MULTI = "eforms/sdk-examples/cn_24_multilingual.xml"
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<ContractNotice>&lol2;</ContractNotice>"""


def src(server: FeedServer, name: str, path: str, **kw: object) -> SourceSettings:
    return SourceSettings(name=name, kind="eforms", url=server.url(path), **kw)  # type: ignore[arg-type]


async def count(db: Database, model: type) -> int:
    async with db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def source_row(db: Database, name: str) -> Source:
    async with db.sessions() as s:
        return (await s.scalars(select(Source).where(Source.name == name))).one()


async def test_baseline_then_new_then_not_modified(db: Database, feed_server: FeedServer) -> None:
    feed_server.routes["/a"] = Route(body=fixture_bytes(OPEN), etag='"1"')
    clock = Clock()
    settings = settings_with(src(feed_server, "a", "/a", interval_minutes=10))
    async with make_runtime(db, settings, clock=clock) as rt:
        [r1] = await poll_due_sources(rt)
        assert r1.ok and r1.baseline and len(r1.result.new) == 1
        async with db.sessions() as s:
            row = (await s.scalars(select(NoticeRow))).one()
            assert row.baseline is True  # silent: never pushed to users
            assert row.external_id == "c4c415ee-ac08-4465-8fa6-57568cf69462"
        # not due yet: nothing is fetched
        hits = len(feed_server.hits)
        assert await poll_due_sources(rt) == []
        assert len(feed_server.hits) == hits
        clock.advance(minutes=11)
        [r2] = await poll_due_sources(rt)
        assert r2.ok and r2.not_modified
        assert feed_server.hits[-1].headers.get("if-none-match") == '"1"'
        # the change notice arrives: stored (not baseline), linked to what it changes
        feed_server.routes["/a"] = Route(body=fixture_bytes(OPEN_CHANGE), etag='"2"')
        clock.advance(minutes=11)
        [r3] = await poll_due_sources(rt)
        assert r3.ok and not r3.baseline and r3.result.changed and not r3.result.new
    async with db.sessions() as s:
        change = await s.get(NoticeRow, r3.result.changed[0])
        assert change is not None and change.baseline is False
        assert change.notice_type == "change"
        original = await s.get(NoticeRow, change.changes_notice_id)
        assert original is not None and original.external_id == "c4c415ee-ac08-4465-8fa6-57568cf69462"
    row = await source_row(db, "a")
    assert row.failures == 0 and row.etag == '"2"' and row.baseline_done


async def test_same_notice_from_two_sources_is_stored_once(db: Database, feed_server: FeedServer) -> None:
    feed_server.routes["/ted"] = Route(body=fixture_bytes(MULTI))
    feed_server.routes["/udbud"] = Route(body=fixture_bytes(MULTI))
    settings = settings_with(src(feed_server, "ted", "/ted"), src(feed_server, "udbud", "/udbud"))
    async with make_runtime(db, settings) as rt:
        reports = await poll_due_sources(rt)
        assert all(r.ok for r in reports)
        # a second round without ETags: the very same versions are duplicates
        again = await poll_due_sources(rt, force=True)
        assert sum(r.result.duplicates for r in again) == 2
    assert await count(db, NoticeRow) == 1
    assert await count(db, NoticeAlias) == 1


async def test_failing_source_is_recorded_and_others_go_on(db: Database, feed_server: FeedServer) -> None:
    feed_server.routes["/good"] = Route(body=fixture_bytes(MULTI))
    feed_server.routes["/bad"] = Route(status=500, body=b"oops")
    clock = Clock()
    settings = settings_with(src(feed_server, "good", "/good"), src(feed_server, "bad", "/bad"), alert_after_failures=2)
    async with make_runtime(db, settings, clock=clock) as rt:
        assert isinstance(rt.notifier, LogNotifier)
        reports = {r.source: r for r in await poll_due_sources(rt)}
        assert reports["good"].ok and len(reports["good"].result.new) == 1
        assert not reports["bad"].ok and "HTTP 500" in (reports["bad"].error or "")
        bad = await source_row(db, "bad")
        assert bad.failures == 1 and bad.last_error == "HTTP 500 Internal Server Error"
        assert bad.next_check_at is not None and bad.next_check_at > clock.now
        for _ in range(3):
            clock.advance(hours=7)
            await poll_due_sources(rt)
        bad = await source_row(db, "bad")
        assert bad.failures == 4
        assert len(rt.notifier.alerts) == 1  # once per streak, not every time
        assert "bad" in rt.notifier.alerts[0] and "HTTP 500" in rt.notifier.alerts[0]
        feed_server.routes["/bad"] = Route(body=fixture_bytes(OPEN))
        clock.advance(hours=7)
        await poll_due_sources(rt)
        bad = await source_row(db, "bad")
        assert bad.failures == 0 and not bad.alerted and bad.last_success_at == clock.now


async def test_hostile_and_broken_documents_are_errors(db: Database, feed_server: FeedServer) -> None:
    body = fixture_bytes(OPEN)
    feed_server.routes["/trunc"] = Route(body=body[: len(body) // 2])
    feed_server.routes["/bomb"] = Route(body=BOMB)
    feed_server.routes["/html"] = Route(body=b"<!doctype html><html><body>Maintenance</body></html>")
    feed_server.routes["/empty"] = Route(body=b"")
    feed_server.routes["/ok"] = Route(body=fixture_bytes(MULTI))
    settings = settings_with(*(src(feed_server, n, f"/{n}") for n in ("trunc", "bomb", "html", "empty", "ok")))
    async with make_runtime(db, settings) as rt:
        reports = {r.source: r for r in await poll_due_sources(rt)}
    assert reports["ok"].ok
    assert "malformed XML" in (reports["trunc"].error or "")
    assert "refused" in (reports["bomb"].error or "")
    assert "HTML" in (reports["html"].error or "")
    assert "empty" in (reports["empty"].error or "")
    for name in ("trunc", "bomb", "html", "empty"):
        row = await source_row(db, name)
        assert row.failures == 1 and row.last_error == reports[name].error
    assert await count(db, NoticeRow) == 1


async def test_closed_notices_are_stored_but_never_pushed_as_new(db: Database, feed_server: FeedServer) -> None:
    """A notice whose deadline has passed when it is stored is not announced (jobs.notice.is_open)."""
    from jobs.models import OutboxRow
    from jobs.people.subscribers import Profile, subscribe
    from tests.botkit import rss

    clock = Clock()  # 28 Nov 2026, 09:00 UTC
    feed_server.routes["/f"] = Route(body=rss([{"guid": "first", "title": "Rengøring af skole"}]))
    settings = settings_with(SourceSettings(name="f", kind="rss", url=feed_server.url("/f"), interval_minutes=10))
    async with make_runtime(db, settings, clock=clock) as rt:
        await subscribe(rt.db, Profile(1, 1, "Firma", None, "da"), clock())
        [baseline] = await poll_due_sources(rt)
        assert baseline.baseline
        items = [
            {"guid": "closed", "title": "Rengøring af rådhus", "deadline": "2026-11-27T12:00:00+01:00"},
            {"guid": "open", "title": "Rengøring af bibliotek", "deadline": "2026-12-20T12:00:00+01:00"},
            {"guid": "undated", "title": "Rengøring af hal"},
        ]
        feed_server.routes["/f"] = Route(body=rss(items))
        clock.advance(minutes=11)
        [report] = await poll_due_sources(rt)
        assert report.ok and len(report.result.new) == 3  # all stored ...
        async with db.sessions() as s:
            sent = (
                await s.scalars(
                    select(NoticeRow.external_id)
                    .join(OutboxRow, OutboxRow.notice_id == NoticeRow.id)
                    .where(OutboxRow.kind == "notice")
                )
            ).all()
        assert sorted(sent) == ["open", "undated"]  # ... but the closed one is never pushed
