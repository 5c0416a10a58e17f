"""A page of notices is stored with one INSERT per table, whatever fields each notice leaves
empty (a feed whose items alternate with and without a deadline cost one statement per item
before), and the empty fields are stored as NULL."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select

from jobs.config import MoneySettings
from jobs.db import Database
from jobs.ingest.store import store_notices
from jobs.models import LotRow, NoticeCpv, NoticeRow
from jobs.notice import Lot, Notice

NOW = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
_INSERT = re.compile(r"^\s*INSERT INTO\s+(?:\"?\w+\"?\.)?\"?(\w+)", re.IGNORECASE)


def mixed_page(n: int) -> list[Notice]:
    """Every other notice has a deadline, a value, a link and a lot with a value; the others have none."""
    out = []
    for i in range(n):
        full = i % 2 == 0
        out.append(
            Notice(
                source="rss",
                id=f"item-{i}",
                title=f"Rengøring {i}",
                cpv=("90910000",) if full or i % 3 else (),
                deadline=NOW + timedelta(days=10 + i) if full else None,
                value=Decimal(100_000 + i) if full else None,
                currency="DKK" if full else None,
                url=f"https://example.dk/{i}" if full else None,
                sme_suitable=True if full else None,
                lots=(Lot(lot_id="LOT-1", value=Decimal(5000) if full else None, cpv=("90911000",)),),
            )
        )
    return out


async def test_a_mixed_page_is_one_insert_per_table(db: Database) -> None:
    inserts: Counter[str] = Counter()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        m = _INSERT.match(statement)
        if m:
            inserts[m.group(1)] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.sessions.begin() as s:
            result = await store_notices(s, "rss", mixed_page(40), now=NOW, money=MoneySettings())
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert len(result.new) == 40
    assert inserts == {"notices": 1, "lots": 1, "notice_cpv": 1, "notice_text": 1}

    async with db.sessions() as s:
        rows = {r.external_id: r for r in (await s.scalars(select(NoticeRow))).all()}
        lots = {r.notice_id: r for r in (await s.scalars(select(LotRow))).all()}
        codes = (await s.scalars(select(NoticeCpv.deadline).where(NoticeCpv.notice_id == rows["item-1"].id))).all()
    full, empty = rows["item-0"], rows["item-1"]
    assert (full.value, full.currency, full.url, full.sme_suitable) == (
        Decimal(100_000),
        "DKK",
        "https://example.dk/0",
        True,
    )
    assert full.deadline is not None
    assert (empty.deadline, empty.value, empty.currency, empty.url, empty.sme_suitable) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert (empty.language, empty.description, empty.texts) == ("da", "", {})
    assert lots[full.id].value == Decimal(5000) and lots[empty.id].value is None
    assert codes == [None, None]  # the notice's and its lot's code, without a deadline
