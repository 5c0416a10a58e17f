"""``udbudsbot copy-db``: a seeded SQLite database copied into PostgreSQL, every row compared."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from bot.cli import main
from jobs.db import Database, open_database
from jobs.deliver.outbox import enqueue_notices
from jobs.ingest.parse import parse_document
from jobs.ingest.store import store_notices
from jobs.models import AuditEntry, NoticeRow, OutboxRow, RateLimitChat, RateLimitState, Subscriber
from jobs.ops.copydb import CopyError, copy_database, tables
from jobs.people.subscribers import Profile, record_feedback, subscribe, update_settings
from tests.conftest import PG_SCHEMA, ROOT
from tests.helpers import Clock, fixture_bytes, make_runtime, settings_with

OPEN = "eforms/sdk-examples/cn_24_open.xml"
CHANGE = "eforms/sdk-examples/change-cn_24_open_dates.xml"
MULTI = "eforms/sdk-examples/cn_24_multilingual.xml"
LOTS = "eforms/sdk-examples/cn_24_maximal.xml"


async def seed(db: Database) -> None:
    clock = Clock(datetime(2020, 1, 20, 9, 0, tzinfo=UTC))  # before the fixtures' deadlines: alerts are queued
    async with make_runtime(db, settings_with(), clock=clock) as rt:
        for chat in (1, 2, 3):
            await subscribe(rt.db, Profile(chat, chat, f"Firma {chat} «æøå»", None, "da"), clock())
        await update_settings(rt.db, 2, clock(), categories=["it"], keywords=["rengøring", "-vagt"])
        clock.advance(minutes=1)
        ids = []
        for rel in (OPEN, MULTI, LOTS, CHANGE):  # the change refers to an earlier notice (changes_notice_id)
            notices = parse_document(fixture_bytes(rel), source="ted").notices
            async with rt.db.sessions.begin() as s:
                res = await store_notices(s, "ted", notices, now=clock(), money=rt.settings.money, assess=rt.assess)
                await enqueue_notices(
                    s, res.new, res.changed, now=clock(), prefixes={"it": ("72",)}, delivery=rt.settings.delivery
                )
            ids += res.new + res.changed
            clock.advance(minutes=5)
        await record_feedback(rt.db, 1, ids[0], True, clock())
    async with db.sessions.begin() as s:
        s.add(AuditEntry(at=clock(), actor=42, action="broadcast.send", subject="broadcast:1", detail="x", count=3))
        await s.execute(insert(RateLimitState), [{"name": "telegram", "next_at": 1.5, "paused_until": 0.25}])
        await s.execute(insert(RateLimitChat), [{"chat_id": 2**40, "next_at": 12.75}])


async def dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    async with db.engine.connect() as conn:
        for table in tables():
            rows = (await conn.execute(select(table).order_by(*table.primary_key.columns))).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


async def test_copy_sqlite_into_postgresql_keeps_every_row(tmp_path: Path, pg_only_url: str) -> None:
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    source = await open_database(sqlite_url)
    await seed(source)
    before = await dump(source)
    await source.close()
    changed = [r for r in before["notices"] if r[NoticeRow.__table__.c.keys().index("changes_notice_id")]]
    assert changed, "the seed must hold a notice that changes another"
    for name in ("notices", "lots", "subscribers", "outbox", "feedback", "audit_log", "rate_limit"):
        assert before[name], f"the seed must fill {name}"

    report = await copy_database(sqlite_url, pg_only_url, batch=3, target_schema=PG_SCHEMA)  # small batches: many pages
    assert report.total == sum(len(v) for v in before.values())

    target = await open_database(pg_only_url, schema=PG_SCHEMA)
    try:
        after = await dump(target)
        for name in before:
            assert after[name] == before[name], name
        # sequences moved past the copied ids: new rows get fresh ids
        async with target.sessions.begin() as s:
            top = await s.scalar(select(func.max(Subscriber.id)))
            sub = Subscriber(
                chat_id=99,
                name="Ny",
                language="da",
                status="active",
                delivery="instant",
                digest_hour=8,
                min_level="possible",
                categories=[],
                keywords=[],
                subscribed_at=Clock()(),
                created_at=Clock()(),
                updated_at=Clock()(),
            )
            s.add(sub)
            await s.flush()
            assert sub.id == (top or 0) + 1
            assert await s.scalar(select(func.count()).select_from(OutboxRow)) == len(before["outbox"])
        # the target now has rows: a second copy is refused, and nothing is added
        with pytest.raises(CopyError, match="not empty"):
            await copy_database(sqlite_url, pg_only_url, target_schema=PG_SCHEMA)
        async with target.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM notices"))).scalar() == len(before["notices"])
    finally:
        await target.close()


def test_the_command_copies_between_two_sqlite_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    old, new = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"

    async def prepare() -> None:
        db = await open_database(f"sqlite+aiosqlite:///{old}")
        await seed(db)
        await db.close()

    asyncio.run(prepare())
    config = ROOT / "config.toml"
    code = main(
        [
            "--config",
            str(config),
            "copy-db",
            "--from",
            f"sqlite+aiosqlite:///{old}",
            "--to",
            f"sqlite+aiosqlite:///{new}",
        ]
    )
    assert code == 0
    assert "copied" in capsys.readouterr().out

    async def compare() -> None:
        a = await open_database(f"sqlite+aiosqlite:///{old}")
        b = await open_database(f"sqlite+aiosqlite:///{new}")
        try:
            assert await dump(a) == await dump(b)
        finally:
            await a.close()
            await b.close()

    asyncio.run(compare())
    assert (
        main(
            [
                "--config",
                str(config),
                "copy-db",
                "--from",
                f"sqlite+aiosqlite:///{old}",
                "--to",
                f"sqlite+aiosqlite:///{new}",
            ]
        )
        == 1
    )
