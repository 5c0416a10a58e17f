"""The public list of open notices: the page of notices that pass the filters, soonest
deadline first, and the newest first for feeds.

A notice is *open* when its newest version (no stored notice changes it) announces a
competition, or changes one, and its deadline is ahead. Only ``suitable`` and ``possible``
notices are listed (jobs/publish/filters.py has the filters).

Speed (bench/bench_web.py, 100,000 notices): the list walks ``ix_notices_open`` from now, so
the first page reads about as many notices as it shows; a category is a range scan of
``notice_cpv`` (CPV codes as numbers, with the deadline), free text one "contains" per word
on the lower-case text in ``notice_text`` (a narrow table with the deadline), both written by
the store (jobs/listindex.py). The page is chosen by id first and only its 20 notices are
read whole; the count stops at ``COUNT_CAP``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from jobs.classify.render import render_reason
from jobs.db import Database
from jobs.listindex import prefix_range
from jobs.models import LotRow, NoticeCpv, NoticeRow, NoticeText
from jobs.publish.filters import LISTED_LEVELS, OPEN_TYPES, Filters, search_terms

COUNT_CAP = 1000  # counting stops here ("more than 1,000"): the count stays cheap on any table


class _NoIndex(FunctionElement[Any]):
    """A column's value, written so that SQLite's planner does not pick an index for it
    (``+column``, SQLite's documented way). Without statistics SQLite takes an equality on an
    indexed column for selective: it read every listed notice through ``ix_notices_level``
    and sorted them, where walking ``ix_notices_open`` (deadline, id, level, notice_type, ...)
    gives the rows in list order without reading them. PostgreSQL plans by statistics: the
    plain column."""

    name = "no_index"
    inherit_cache = True


@compiles(_NoIndex)
def _plain(element: _NoIndex, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_NoIndex, "sqlite")
def _unary_plus(element: _NoIndex, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)


@asynccontextmanager
async def _reading(db: Database) -> AsyncIterator[AsyncSession]:
    """A session for the list's queries. On PostgreSQL each is planned for its values: after
    five runs of a prepared statement PostgreSQL may switch to a generic plan, which does not
    know how many notices are open now or how large a category is, and picked plans 3-5 times
    slower here (bench/bench_web.py --pg)."""
    async with db.sessions() as s:
        if db.is_postgres:
            await s.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        yield s


class _Contains(FunctionElement[bool]):
    """``text`` contains ``word`` (both lower case): ``strpos`` on PostgreSQL, a quarter
    faster there than ``LIKE`` on non-ASCII words; ``LIKE`` (with the word's ``%``, ``_`` and
    ``/`` escaped) on SQLite, where ``instr`` is the slower one."""

    name = "contains"
    inherit_cache = True

    def __init__(self, text: Any, word: str) -> None:
        pattern = "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
        super().__init__(text, literal(word), literal(pattern))


@compiles(_Contains)
def _like(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    text, _, pattern = element.clauses.clauses
    return f"{compiler.process(text, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '/'"


@compiles(_Contains, "postgresql")
def _strpos(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    text, word, _ = element.clauses.clauses
    return f"strpos({compiler.process(text, **kw)}, {compiler.process(word, **kw)}) > 0"


def _category(codes: Sequence[str], now: datetime, until: datetime | None) -> ColumnElement[bool]:
    """The notice or one of its lots has a CPV code with one of the prefixes (notice_cpv)."""
    ranges = [prefix_range(p) for p in codes]
    in_range = [and_(NoticeCpv.code >= low, NoticeCpv.code < high) for low, high in ranges if high > low]
    if not in_range:
        return false()
    sub = select(NoticeCpv.notice_id).where(NoticeCpv.deadline > now, or_(*in_range))
    if until is not None:
        sub = sub.where(NoticeCpv.deadline <= until)
    # SQLite: keep walking the open-list index in order and test each id against the list
    # (at most every open notice, read from the index alone), rather than reading every open
    # notice of a broad category by id and sorting them all
    return _NoIndex(NoticeRow.id).in_(sub)


def _text(terms: Sequence[str], now: datetime, until: datetime | None) -> ColumnElement[bool]:
    """Every term occurs in the notice's search text. ``notice_text`` is a narrow table in
    deadline order (on SQLite): the open notices' texts are one range, read without the rest
    of each notice; as with a category, SQLite walks the open-list index and tests each id."""
    t = NoticeText
    sub = select(t.notice_id).where(t.deadline > now, *(_Contains(t.search_text, w) for w in terms))
    if until is not None:
        sub = sub.where(t.deadline <= until)
    return _NoIndex(NoticeRow.id).in_(sub)


def open_query(f: Filters, now: datetime, prefixes: Mapping[str, Sequence[str]]) -> Select[Any]:
    """The ids of the open notices that pass the filters (no order, no page)."""
    n = NoticeRow
    newer = aliased(NoticeRow)
    until = now + timedelta(days=f.within_days) if f.within_days else None
    q = select(n.id).where(
        n.deadline > now,
        _NoIndex(n.level).in_([f.level] if f.level else LISTED_LEVELS),
        n.notice_type.in_(OPEN_TYPES),
        ~select(newer.id).where(newer.changes_notice_id == n.id).exists(),  # index only
    )
    if until is not None:
        q = q.where(n.deadline <= until)
    if f.category:
        q = q.where(_category(prefixes.get(f.category, ()), now, until))
    terms = search_terms(f.text)
    if terms:
        q = q.where(_text(terms, now, until))
    return q


@dataclass(frozen=True)
class Card:
    """One notice as a list shows it."""

    id: int
    title: str
    title_en: str | None
    buyer: str
    url: str | None
    deadline: datetime | None
    value: Decimal | None
    currency: str | None
    level: str | None
    score: int | None
    reasons: tuple[dict[str, Any], ...]
    lots: int
    notice_type: str
    first_seen_at: datetime
    published_at: datetime | None
    cpv: tuple[str, ...] = ()
    description: str = ""
    language: str = "da"  # of the source's text (ISO 639-1, checked)

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    def title_lang(self, lang: str) -> str:
        """The language of ``title_in(lang)`` (for a ``lang`` attribute where it differs)."""
        return "en" if lang == "en" and self.title_en else self.language


@dataclass(frozen=True)
class Page:
    items: tuple[Card, ...]
    total: int  # at most COUNT_CAP + 1
    page: int
    per_page: int
    has_next: bool

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, COUNT_CAP) // self.per_page))


def card_of(row: NoticeRow, lots: int) -> Card:
    return Card(
        id=row.id,
        title=row.title,
        title_en=(row.texts or {}).get("title_en"),
        buyer=row.buyer,
        url=row.url if row.url and row.url.startswith(("http://", "https://")) else None,
        deadline=row.deadline,
        value=row.value,
        currency=row.currency,
        level=row.level,
        score=row.score,
        reasons=tuple(row.reasons or ()),
        lots=lots,
        notice_type=row.notice_type,
        first_seen_at=row.first_seen_at,
        published_at=row.published_at,
        cpv=tuple(row.cpv or ()),
        description=row.description,
        language=row.language if re.fullmatch(r"[a-z]{2,3}", row.language or "") else "da",
    )


async def open_notices(
    db: Database, f: Filters, *, now: datetime, prefixes: Mapping[str, Sequence[str]], per_page: int
) -> Page:
    """The page of open notices that pass the filters, soonest deadline first.

    One query gives the ids of the first ``COUNT_CAP + 1`` in order: the count, and the page
    if it lies within them (a filter that few notices pass is not read twice); a page beyond
    them is a query of its own."""
    ordered = open_query(f, now, prefixes).order_by(NoticeRow.deadline, NoticeRow.id)
    start = (f.page - 1) * per_page
    async with _reading(db) as s:
        first = (await s.scalars(ordered.limit(COUNT_CAP + 1))).all()
        if start + per_page < len(first) or len(first) <= COUNT_CAP:
            ids = first[start : start + per_page + 1]
        else:
            ids = (await s.scalars(ordered.offset(start).limit(per_page + 1))).all()
        cards = await _cards(s, ids[:per_page])
    return Page(tuple(cards), len(first), f.page, per_page, has_next=len(ids) > per_page)


async def feed_items(
    db: Database, f: Filters, *, now: datetime, prefixes: Mapping[str, Sequence[str]], limit: int = 100
) -> list[Card]:
    """The open notices of the filters for a feed: the newest first seen first."""
    q = open_query(replace(f, page=1), now, prefixes)
    async with _reading(db) as s:
        # SQLite: sort the open notices (from the index) rather than walk every notice ever
        # stored by first_seen_at until enough open ones pass the filters
        newest = q.order_by(_NoIndex(NoticeRow.first_seen_at).desc(), NoticeRow.id.desc())
        ids = (await s.scalars(newest.limit(limit))).all()
        return await _cards(s, ids)


async def stored_notices(db: Database) -> int:
    """How many notices are stored at all (an empty list says so, to a newcomer)."""
    async with db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(NoticeRow)) or 0)


async def _cards(s: AsyncSession, ids: Sequence[int]) -> list[Card]:
    """The cards of these notices, in this order (one query: the rows and their lot counts)."""
    if not ids:
        return []
    lots = select(func.count()).where(LotRow.notice_id == NoticeRow.id).scalar_subquery()
    rows = {
        row.id: (row, count) for row, count in await s.execute(select(NoticeRow, lots).where(NoticeRow.id.in_(ids)))
    }
    return [card_of(*rows[i]) for i in ids if i in rows]


# ------------------------------------------------------------------------ reasons in words


def reason_sentences(reasons: Sequence[Mapping[str, Any]], lang: str, *, limit: int = 3) -> list[str]:
    """The reasons as sentences; a stored reason without a sentence of its own (made by older
    rules, not yet re-scored) is left out rather than shown by its internal name."""
    out: list[str] = []
    for r in reasons:
        sentence = render_reason(r, "en" if lang == "en" else "da")
        if not sentence:
            continue
        out.append(sentence)
        if len(out) >= limit:
            break
    return out
