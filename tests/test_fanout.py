"""Fan-out as set work: the cached subscription index, bulk outbox rows, the poll's transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select

from jobs.db import Database, open_database
from jobs.deliver.outbox import NOTICE_CHUNK, ROW_CHUNK, Fanout
from jobs.ingest.store import store_notices
from jobs.models import NoticeRow, OutboxRow, Subscriber
from jobs.notice import Notice, NoticeType
from jobs.people.subscribers import OPEN_PAGE, Profile, queue_open_notices, set_status, subscribe, update_settings
from jobs.runtime import Runtime
from tests.conftest import PG_SCHEMA
from tests.helpers import Clock, make_runtime, settings_with
from tests.scalekit import add_subscribers

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def notice(i: int, title: str, *, closed: bool = False) -> Notice:
    deadline = START + (timedelta(days=-1) if closed else timedelta(days=30))
    return Notice(source="src", id=f"n{i}", title=title, deadline=deadline, notice_type=NoticeType.COMPETITION)


async def poll(rt: Runtime, notices: list[Notice]) -> list[int]:
    """What ``poll_source`` does with a page: store, then announce, in one transaction."""
    assert rt.announce is not None
    async with rt.db.sessions.begin() as s:
        res = await store_notices(s, "src", notices, now=rt.clock(), money=rt.settings.money)
        await rt.announce(s, res.new, res.changed, rt.clock())
    return res.new


async def recipients(db: Database, notice_id: int) -> list[tuple[int, str]]:
    async with db.sessions() as s:
        q = (
            select(Subscriber.chat_id, OutboxRow.status)
            .join(Subscriber, Subscriber.id == OutboxRow.subscriber_id)
            .where(OutboxRow.notice_id == notice_id)
            .order_by(Subscriber.chat_id)
        )
        return [(c, st) for c, st in await s.execute(q)]


async def add_sub(db: Database, chat: int, now: datetime, keywords: list[str]) -> None:
    await subscribe(db, Profile(chat, chat, f"Firma {chat}", None, "da"), now)
    await update_settings(db, chat, now, keywords=keywords)


async def other_process(db: Database) -> Database:
    """A second engine on the same database, as another process sharing it would have."""
    url = db.engine.url.render_as_string(hide_password=False)
    return await open_database(url, schema=PG_SCHEMA if db.is_postgres else None)


async def test_index_kept_between_polls_and_rebuilt_after_a_change(db: Database) -> None:
    clock = Clock(START)  # never advances: a change must be seen without the clock's help
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        fan = rt.announce
        assert isinstance(fan, Fanout)
        await add_sub(db, 1, clock(), ["rengøring"])
        await add_sub(db, 2, clock(), ["catering"])
        [first] = await poll(rt, [notice(1, "Rengøring af kontorer")])
        assert await recipients(db, first) == [(1, "pending")]
        built = fan.audiences.audience
        assert built is not None

        [second] = await poll(rt, [notice(2, "Rengøring af skoler")])
        assert await recipients(db, second) == [(1, "pending")]
        assert fan.audiences.audience is built  # nothing changed: the same index object

        other = await other_process(db)
        try:
            await update_settings(other, 2, clock(), keywords=["rengøring"])
            [third] = await poll(rt, [notice(3, "Rengøring af haller")])
            assert await recipients(db, third) == [(1, "pending"), (2, "pending")]
            assert fan.audiences.audience is not built

            await set_status(other, 1, "paused", clock())
            [fourth] = await poll(rt, [notice(4, "Rengøring af biblioteker")])
            assert await recipients(db, fourth) == [(1, "held"), (2, "pending")]

            await set_status(other, 2, "stopped", clock())
            [fifth] = await poll(rt, [notice(5, "Rengøring af rådhuse")])
            assert await recipients(db, fifth) == [(1, "held")]
        finally:
            await other.close()


async def test_many_notices_and_rows_cross_every_chunk(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        subs = 6
        await add_subscribers(db, range(1, subs + 1), clock() - timedelta(days=1))  # match everything
        count = NOTICE_CHUNK * 2 + 100
        assert count * subs > ROW_CHUNK
        closed = set(range(0, count, 97))
        notices = [notice(i, f"Opgave {i}", closed=i in closed) for i in range(count)]
        inserts: list[tuple[bool, int]] = []  # (executemany, rows) of every INSERT INTO outbox

        def seen(conn: object, cursor: object, statement: str, params: Any, context: object, many: bool) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO OUTBOX"):
                inserts.append((many, len(params) if many else 1))

        event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
        try:
            ids = await poll(rt, notices)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
        assert len(ids) == count
        rows = subs * (count - len(closed))
        full, rest = divmod(rows, ROW_CHUNK)
        assert inserts == [(True, ROW_CHUNK)] * full + [(True, rest)]  # set work, in bounded chunks
        async with db.sessions() as s:
            per_notice = dict(
                (await s.execute(select(OutboxRow.notice_id, func.count()).group_by(OutboxRow.notice_id))).all()
            )
            total = await s.scalar(select(func.count()).select_from(OutboxRow))
            distinct = await s.scalar(
                select(func.count()).select_from(
                    select(OutboxRow.subscriber_id, OutboxRow.kind, OutboxRow.ref).distinct().subquery()
                )
            )
        expected = {nid: subs for i, nid in enumerate(ids) if i not in closed}
        assert per_notice == expected
        assert total == distinct == rows


async def test_a_failed_poll_leaves_no_notice_and_no_alert(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        assert rt.announce is not None
        await add_subscribers(db, range(1, 4), clock() - timedelta(days=1))
        announce = rt.announce

        async def dies_before_commit() -> None:
            async with db.sessions.begin() as s:
                res = await store_notices(s, "src", [notice(1, "Opgave")], now=clock(), money=rt.settings.money)
                await announce(s, res.new, res.changed, clock())
                assert await s.scalar(select(func.count()).select_from(OutboxRow)) == 3
                raise RuntimeError("the process dies before the commit")

        with pytest.raises(RuntimeError):
            await dies_before_commit()
        async with db.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(OutboxRow)) == 0
            assert await s.scalar(select(func.count()).select_from(NoticeRow)) == 0


async def test_bulk_insert_with_a_nul_in_one_row(db: Database) -> None:
    """PostgreSQL refuses NUL in text: a bulk insert loses it in the row that has one and keeps
    the others as they are (SQLite stores it as given)."""
    now = START
    rows = [
        {
            "chat_id": c,
            "name": "Fir\x00ma" if c == 2 else f"Firma {c}",
            "subscribed_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for c in range(1, 4)
    ]
    async with db.sessions.begin() as s:
        await s.execute(insert(Subscriber), rows)
    async with db.sessions() as s:
        names = (await s.scalars(select(Subscriber.name).order_by(Subscriber.chat_id))).all()
    assert names == ["Firma 1", "Firma" if db.is_postgres else "Fir\x00ma", "Firma 3"]


async def test_open_notices_are_read_a_page_at_a_time_in_deadline_order(db: Database) -> None:
    clock = Clock(START)
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        count = OPEN_PAGE * 2 + 50
        # In deadline order the notices come in pairs with the same deadline, and the first page
        # ends inside the pair n249 / n250: the next page must start at n250, not after it.
        wanted = set(range(244, 256)) | {count - 1}
        notices = [
            replace(
                notice(i, "Catering til skole" if i in wanted else f"Vejarbejde {i}"),
                deadline=START + timedelta(days=1, minutes=(count - i) // 2),  # not stored order; pairs tie
            )
            for i in range(count)
        ]
        async with db.sessions.begin() as s:
            await store_notices(s, "src", notices, now=clock(), money=rt.settings.money)
        clock.advance(minutes=1)
        await add_sub(db, 7, clock(), ["catering"])  # subscribed after: only /open brings them
        by_deadline = [f"n{i}" for i in sorted(wanted, key=lambda i: ((count - i) // 2, i))]
        assert await queue_open_notices(db, 7, clock(), {}, limit=10) == 10
        assert await queue_open_notices(db, 7, clock(), {}, limit=10) == len(wanted) - 10  # no repeats
        async with db.sessions() as s:
            q = (
                select(NoticeRow.external_id)
                .join(OutboxRow, OutboxRow.notice_id == NoticeRow.id)
                .order_by(OutboxRow.id)
            )
            queued = list((await s.scalars(q)).all())
        assert queued == by_deadline
