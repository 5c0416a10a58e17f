"""The public list's queries against a plain Python reading of the rule (SQLite and PostgreSQL).

Open means: the newest version of a procedure, a competition or a change, deadline ahead, level
suitable or possible; a category is a CPV prefix of the notice's or a lot's codes; every search
word (a long one by its stem) occurs in the title, the buyer or the description, in any case.
The list is soonest deadline first (then id), the feed newest first; the indexes and the
stored ``notice_text`` / ``notice_cpv`` (jobs/listindex.py) must not change which notices
are listed or in what order, also across pages and beyond the capped count.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

import jobs.publish.listing as listing
from jobs.categories import all_categories
from jobs.db import Database, alembic_config, create_database, migrate
from jobs.listindex import cpv_number, cpv_numbers, prefix_range, search_text
from jobs.models import NoticeCpv, NoticeRow, NoticeText
from jobs.notice import Lot, Notice, NoticeType
from jobs.publish.filters import LISTED_LEVELS, OPEN_TYPES, Filters, search_terms
from jobs.publish.listing import feed_items, open_notices
from jobs.runtime import open_runtime
from tests.conftest import PG_SCHEMA, reset_postgres
from tests.webkit import NOW, store, web_settings

WORDS = ["Rengøring", "VINDUESPUDSNING", "kantine", "grønne områder", "IT-drift", "Æblehaven", "kørsel", "tryk"]
LEVELS = ["suitable", "possible", "unlikely", None]
EDGES = {0: NOW, 1: NOW + timedelta(days=14), 2: NOW + timedelta(days=14, seconds=1)}  # deadlines on the limits


def test_index_values() -> None:
    assert cpv_number("90910000-9") == 90910000 and cpv_number("9091") == 90910000
    assert cpv_number("909100001") == 90910000 and cpv_number("x90") is None and cpv_number(None) is None
    assert cpv_numbers(["90910000", "90910000-9"], ["55500000"], []) == {90910000, 55500000}
    assert prefix_range("9091") == (90910000, 90920000) and prefix_range("0") == (0, 10_000_000)
    assert prefix_range("123456789") == (0, 0) and prefix_range("9a") == (0, 0)
    assert search_text("RENGØRING", None, "Æble\nHAVEN") == "rengøring\n\næble\nhaven"


def _notices(rng: random.Random, cats: list[tuple[str, ...]], n: int) -> list[Notice]:
    def code() -> str:
        return (rng.choice(rng.choice(cats)) + "00000000")[:8]

    out = []
    for i in range(n):
        lots = tuple(Lot(f"L{k}", f"Delaftale {k}", cpv=(code(),)) for k in range(rng.choice((0, 0, 0, 2, 3))))
        out.append(
            Notice(
                source="feed",
                id=f"n{i}",
                title=f"{rng.choice(WORDS)} nr. {i}",
                version="1",
                description=" ".join(rng.sample(WORDS, 2)),
                buyer=rng.choice(["Roskilde Kommune", "REGION SJÆLLAND", "Køge"]),
                url=f"https://udbud.dk/{i}",
                cpv=(code(),),
                value=Decimal(100_000),
                currency="DKK",
                deadline=EDGES[i]
                if i in EDGES
                else NOW + timedelta(days=rng.uniform(-20, 70))
                if rng.random() < 0.95
                else None,
                notice_type=NoticeType(
                    "competition"
                    if i in EDGES
                    else rng.choice(["competition", "competition", "change", "award", "cancellation"])
                ),
                lots=lots,
            )
        )
    return out


async def _stored(db: Database, prefixes: dict[str, tuple[str, ...]], seed: int) -> None:
    rng = random.Random(seed)
    settings = web_settings("sqlite://")
    async with open_runtime(settings, db=db, clock=lambda: NOW) as rt:
        first = _notices(rng, list(prefixes.values()), 160)
        for k in range(0, 160, 40):  # four polls, an hour apart (first_seen_at differs)
            await store(rt, first[k : k + 40], now=NOW - timedelta(hours=8 - k // 40))
        # new versions of some of them: the old version leaves the list
        again = [n for i, n in enumerate(first) if i not in EDGES and rng.random() < 0.2]
        newer = [replace(n, version="2", deadline=NOW + timedelta(days=rng.uniform(-5, 60))) for n in again]
        await store(rt, newer, now=NOW - timedelta(hours=1))
    async with db.sessions.begin() as s:
        for nid in (await s.scalars(select(NoticeRow.id))).all():
            await s.execute(update(NoticeRow).where(NoticeRow.id == nid).values(level=rng.choice(LEVELS)))
        edges = NoticeRow.external_id.in_([f"n{i}" for i in EDGES])
        await s.execute(update(NoticeRow).where(edges).values(level="suitable"))


def _expected(rows: list[NoticeRow], f: Filters, prefixes: dict[str, tuple[str, ...]]) -> list[NoticeRow]:
    replaced = {r.changes_notice_id for r in rows if r.changes_notice_id is not None}
    until = NOW + timedelta(days=f.within_days) if f.within_days else None
    terms = search_terms(f.text)

    def ok(r: NoticeRow) -> bool:
        if r.id in replaced or r.notice_type not in OPEN_TYPES or r.deadline is None or r.deadline <= NOW:
            return False
        if r.level not in ([f.level] if f.level else LISTED_LEVELS) or (until and r.deadline > until):
            return False
        codes = [*r.cpv, *(c for lot in r.lots for c in lot.cpv)]
        if f.category and not any(c.startswith(p) for c in codes for p in prefixes[f.category]):
            return False
        fields = [r.title.lower(), r.buyer.lower(), r.description.lower()]
        return all(any(t in field for field in fields) for t in terms)

    return [r for r in rows if ok(r)]


def _filters(prefixes: dict[str, tuple[str, ...]]) -> list[Filters]:
    out = [Filters(), Filters(level="suitable"), Filters(level="possible"), Filters(within_days=14)]
    out += [Filters(category=c) for c in prefixes]
    out += [Filters(category="cleaning", level="suitable", within_days=60), Filters(category="it", within_days=30)]
    words = ("rengøringen", "VINDUESPUDSNING", "æblehaven køge", "it", "sjælland nr", "zzz", "n_")
    out += [Filters(text=t) for t in words]  # "n_": a LIKE wildcard in a word is a character
    return out


async def test_the_list_is_the_rule_on_every_filter_and_page(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    prefixes = {k: c.cpv_prefixes for k, c in all_categories(web_settings("sqlite://")).items()}
    await _stored(db, prefixes, seed=5)
    async with db.sessions() as s:
        rows = list((await s.scalars(select(NoticeRow).options(selectinload(NoticeRow.lots)))).all())
    monkeypatch.setattr(listing, "COUNT_CAP", 12)  # small: pages beyond the counted ones are read too
    listed_any = 0
    for f in _filters(prefixes):
        expected = _expected(rows, f, prefixes)
        by_deadline = [r.id for r in sorted(expected, key=lambda r: (r.deadline, r.id))]
        got: list[int] = []
        page = 1
        while True:
            result = await open_notices(db, replace(f, page=page), now=NOW, prefixes=prefixes, per_page=5)
            assert result.total == min(len(expected), 13), f
            got += [c.id for c in result.items]
            if not result.has_next:
                break
            page += 1
        assert got == by_deadline, f
        newest = sorted(expected, key=lambda r: (r.first_seen_at, r.id), reverse=True)[:7]
        assert [c.id for c in await feed_items(db, f, now=NOW, prefixes=prefixes, limit=7)] == [r.id for r in newest]
        listed_any += bool(expected)
    assert listed_any >= 15  # the filters are not vacuous


async def test_the_store_indexes_codes_of_the_notice_and_its_lots(db: Database) -> None:
    prefixes = {k: c.cpv_prefixes for k, c in all_categories(web_settings("sqlite://")).items()}
    await _stored(db, prefixes, seed=8)
    async with db.sessions() as s:
        rows = (await s.scalars(select(NoticeRow).options(selectinload(NoticeRow.lots)))).all()
        codes = (await s.execute(select(NoticeCpv.notice_id, NoticeCpv.code, NoticeCpv.deadline))).all()
        texts = (await s.execute(select(NoticeText.notice_id, NoticeText.deadline, NoticeText.search_text))).all()
    expected = {(r.id, c, r.deadline) for r in rows for c in cpv_numbers(r.cpv, *(lot.cpv for lot in r.lots))}
    assert set(codes) == expected and any(r.lots for r in rows)
    expected_texts = {(r.id, r.deadline, search_text(r.title, r.buyer, r.description)) for r in rows if r.deadline}
    assert set(texts) == expected_texts and any(r.deadline is None for r in rows)


def _tables() -> tuple[sa.Table, sa.Table]:
    meta = sa.MetaData()
    notices = sa.Table(
        "notices", meta, *(sa.Column(c, sa.Text) for c in ("source", "external_id", "version", "dedup_key")),
        sa.Column("id", sa.Integer, primary_key=True), sa.Column("content_hash", sa.Text), sa.Column("title", sa.Text),
        sa.Column("description", sa.Text), sa.Column("buyer", sa.Text), sa.Column("cpv", sa.JSON),
        sa.Column("nuts", sa.JSON), sa.Column("deadline", sa.DateTime), sa.Column("notice_type", sa.Text),
        sa.Column("reserved", sa.JSON), sa.Column("social", sa.JSON), sa.Column("framework", sa.Boolean),
        sa.Column("language", sa.Text), sa.Column("texts", sa.JSON), sa.Column("reasons", sa.JSON),
        sa.Column("baseline", sa.Boolean), sa.Column("first_seen_at", sa.DateTime),
    )  # fmt: skip
    lots = sa.Table(
        "lots", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("notice_id", sa.Integer),
        sa.Column("position", sa.Integer), sa.Column("lot_id", sa.Text), sa.Column("title", sa.Text),
        sa.Column("description", sa.Text), sa.Column("cpv", sa.JSON), sa.Column("nuts", sa.JSON),
        sa.Column("reserved", sa.JSON), sa.Column("social", sa.JSON), sa.Column("framework", sa.Boolean),
        sa.Column("reasons", sa.JSON),
    )  # fmt: skip
    return notices, lots


async def test_migration_0009_fills_the_index_of_notices_stored_before(db_url: str) -> None:
    """A database at 0007 with notices in it: the upgrade fills notice_text and notice_cpv."""
    schema = None
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
        schema = PG_SCHEMA
    db = create_database(db_url, schema=schema)
    try:
        async with db.engine.begin() as conn:

            def to_0007(c: Any) -> None:
                cfg = alembic_config()
                cfg.attributes["connection"] = c
                command.upgrade(cfg, "0007")

            await conn.run_sync(to_0007)
            notices, lots = _tables()
            deadline = datetime(2026, 12, 24, 12, 0)
            common = {
                **{key: [] for key in ("nuts", "reserved", "social", "reasons")},
                **{"framework": False, "language": "da", "texts": {}, "baseline": False},
                **{"first_seen_at": deadline, "notice_type": "competition"},
            }
            rows = [
                ("RENGØRING af skoler", ["90910000-9"], deadline),
                ("Kantine", [], deadline),
                ("Uden frist", ["03"], None),
            ]
            for i, (title, cpv, due) in enumerate(rows, start=1):
                await conn.execute(
                    notices.insert().values(
                        id=i, source="s", external_id=f"e{i}", version="1", dedup_key=f"k{i}", content_hash="h",
                        title=title, description="Æbler", buyer="Køge", cpv=cpv, deadline=due, **common,
                    )
                )  # fmt: skip
            await conn.execute(
                lots.insert().values(
                    notice_id=2, position=0, lot_id="L1", title="", description="", cpv=["55500000", "5551"],
                    nuts=[], reserved=[], social=[], framework=False, reasons=[],
                )
            )  # fmt: skip
        await migrate(db)
        async with db.sessions() as s:
            texts = dict((await s.execute(select(NoticeText.notice_id, NoticeText.search_text))).all())
            codes = sorted((await s.execute(select(NoticeCpv.notice_id, NoticeCpv.code))).all())
            deadlines = {d for (d,) in (await s.execute(select(NoticeCpv.deadline))).all()}
        assert texts == {1: "rengøring af skoler\nkøge\næbler", 2: "kantine\nkøge\næbler"}  # 3: no deadline
        assert codes == [(1, 90910000), (2, 55500000), (2, 55510000), (3, 3000000)]
        assert {d.replace(tzinfo=None) if d else None for d in deadlines} == {deadline, None}
    finally:
        await db.close()
