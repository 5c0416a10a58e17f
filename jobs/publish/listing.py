"""Open notices for the public: filters parsed from a URL's query (pure), the page of notices
that match (one indexed query), and one notice with its lots and history.

A notice is *open* when its newest version (no stored notice changes it) announces a
competition, or changes one, and its deadline is ahead. Only ``suitable`` and ``possible``
notices are listed. Filters: a category (its CPV prefixes, in the notice's or a lot's
codes), a level, a deadline within so many days, and free text (every word must occur in
the title, the buyer or the description; a long Danish word is searched by its stem, so
"rengøring" also finds "rengøringsopgaver" and "vinduesrengøring", as in the bot).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import snowballstemmer
from sqlalchemy import Select, Text, cast, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.elements import ColumnElement

from jobs.classify.render import render_reason
from jobs.db import Database
from jobs.ingest.decide import changed_fields
from jobs.models import LotRow, NoticeRow
from jobs.rows import row_to_notice

LISTED_LEVELS = ("suitable", "possible")
OPEN_TYPES = ("competition", "change")
LEVEL_WORDS = {"oplagt": "suitable", "suitable": "suitable", "mulig": "possible", "possible": "possible"}
LEVEL_PARAM = {"suitable": "oplagt", "possible": "mulig"}
DEADLINE_DAYS = (7, 14, 30, 60)
MAX_TEXT = 100
MAX_WORDS = 6
MAX_PAGE = 1000
COUNT_CAP = 1000  # counting stops here ("more than 1,000"): the count stays cheap on any table


class FilterError(ValueError):
    """A query parameter the section cannot use; the message names it (shown to the user)."""

    def __init__(self, code: str, param: str, value: str) -> None:
        super().__init__(f"{param}={value!r}: {code}")
        self.code, self.param, self.value = code, param, value


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    level: str | None = None  # suitable / possible; None: both
    within_days: int | None = None
    text: str = ""
    page: int = 1

    def params(self, **changes: Any) -> dict[str, str]:
        """The filters as query parameters (Danish names), e.g. for links to other pages."""
        f = replace(self, **changes)
        out: dict[str, str] = {}
        if f.category:
            out["kategori"] = f.category
        if f.level:
            out["vurdering"] = LEVEL_PARAM[f.level]
        if f.within_days:
            out["frist"] = str(f.within_days)
        if f.text:
            out["q"] = f.text
        if f.page > 1:
            out["side"] = str(f.page)
        return out

    @property
    def active(self) -> bool:
        return bool(self.category or self.level or self.within_days or self.text)


def parse_filters(query: Mapping[str, str], categories: Sequence[str]) -> Filters:
    """Filters from query parameters; empty ones mean "any". Raises FilterError."""
    category = (query.get("kategori") or "").strip() or None
    if category is not None and category not in categories:
        raise FilterError("unknown_category", "kategori", category[:40])
    level_word = (query.get("vurdering") or "").strip().lower()
    level = None
    if level_word:
        if level_word not in LEVEL_WORDS:
            raise FilterError("unknown_level", "vurdering", level_word[:20])
        level = LEVEL_WORDS[level_word]
    days_text = (query.get("frist") or "").strip()
    within = None
    if days_text:
        if not (days_text.isascii() and days_text.isdigit()) or int(days_text) not in DEADLINE_DAYS:
            raise FilterError("bad_deadline", "frist", days_text[:20])
        within = int(days_text)
    text = re.sub(r"\s+", " ", query.get("q") or "").strip()
    if len(text) > MAX_TEXT:
        raise FilterError("text_too_long", "q", text[:20])
    page_text = (query.get("side") or "1").strip()
    if not (page_text.isascii() and page_text.isdigit()) or not 1 <= int(page_text) <= MAX_PAGE:
        raise FilterError("bad_page", "side", page_text[:20])
    return Filters(category, level, within, text, int(page_text))


def search_terms(text: str) -> list[str]:
    """The lower-case strings every one of which must occur: a long word's Danish stem
    (at least five letters), a short word as written."""
    terms: list[str] = []
    danish = snowballstemmer.stemmer("danish")  # as written: the stored text has its æ, ø and å
    for word in re.findall(r"\w+", text.lower())[:MAX_WORDS]:
        term = danish.stemWord(word) if len(word) >= 6 else word
        term = term if len(term) >= 5 else word
        if term not in terms:
            terms.append(term)
    return terms


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _contains(column: Any, term: str) -> ColumnElement[bool]:
    """Case-insensitive "contains" on both databases (SQLite's lower() knows only ASCII, so
    the capitalised and upper-case forms are tried as written too)."""
    forms = {term, term[:1].upper() + term[1:], term.upper()}
    return or_(func.lower(column).like(_like(term), escape="\\"), *(column.like(_like(f), escape="\\") for f in forms))


def _cpv_prefix(column: Any, prefix: str) -> ColumnElement[bool]:
    """A CPV code in a JSON list starting with ``prefix`` (the list's text holds ``"90910000"``)."""
    return cast(column, Text).like('%"' + prefix + "%")  # prefixes are digits (config is validated)


def open_query(f: Filters, now: datetime, prefixes: Mapping[str, Sequence[str]]) -> Select[Any]:
    n = NoticeRow
    newer = aliased(NoticeRow)
    q = select(n).where(
        n.deadline > now,
        n.level.in_([f.level] if f.level else LISTED_LEVELS),
        n.notice_type.in_(OPEN_TYPES),
        ~exists().where(newer.changes_notice_id == n.id),
    )
    if f.within_days:
        q = q.where(n.deadline <= now + timedelta(days=f.within_days))
    if f.category:
        codes = prefixes.get(f.category, ())
        in_lot = exists().where(LotRow.notice_id == n.id, or_(*(_cpv_prefix(LotRow.cpv, p) for p in codes)))
        q = q.where(or_(*(_cpv_prefix(n.cpv, p) for p in codes), in_lot))
    for term in search_terms(f.text):
        q = q.where(or_(_contains(n.title, term), _contains(n.buyer, term), _contains(n.description, term)))
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

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


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
    )


async def open_notices(
    db: Database, f: Filters, *, now: datetime, prefixes: Mapping[str, Sequence[str]], per_page: int
) -> Page:
    """The page of open notices that pass the filters, soonest deadline first."""
    q = open_query(f, now, prefixes)
    async with db.sessions() as s:
        rows = (
            await s.scalars(
                q.order_by(NoticeRow.deadline, NoticeRow.id).offset((f.page - 1) * per_page).limit(per_page + 1)
            )
        ).all()
        ids = [r.id for r in rows[:per_page]]
        lots = (
            dict(
                (
                    await s.execute(
                        select(LotRow.notice_id, func.count())
                        .where(LotRow.notice_id.in_(ids))
                        .group_by(LotRow.notice_id)
                    )
                ).all()
            )
            if ids
            else {}
        )
        counted = q.with_only_columns(NoticeRow.id).limit(COUNT_CAP + 1).subquery()
        total = int(await s.scalar(select(func.count()).select_from(counted)) or 0)
    items = tuple(card_of(r, int(lots.get(r.id, 0))) for r in rows[:per_page])
    return Page(items, total, f.page, per_page, has_next=len(rows) > per_page)


# ------------------------------------------------------------------------ one notice


@dataclass(frozen=True)
class LotView:
    lot_id: str
    title: str
    description: str
    value: Decimal | None
    currency: str | None
    deadline: datetime | None
    level: str | None
    score: int | None
    reasons: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Version:
    """One stored version of a procedure, oldest first, with what it changed."""

    id: int
    notice_type: str
    first_seen_at: datetime
    published_at: datetime | None
    deadline: datetime | None
    changed: tuple[str, ...]  # field names (decide.changed_fields), "cancelled" first


@dataclass(frozen=True)
class NoticeDetail:
    card: Card
    lots: tuple[LotView, ...]
    history: tuple[Version, ...]
    current_id: int  # the newest version (may differ from the one asked for)
    is_open: bool


MAX_CHAIN = 50


async def notice_detail(db: Database, notice_id: int, *, now: datetime) -> NoticeDetail | None:
    async with db.sessions() as s:
        row = await s.get(NoticeRow, notice_id, options=[selectinload(NoticeRow.lots)])
        if row is None:
            return None
        chain = {row.id: row}
        root = row
        while root.changes_notice_id is not None and root.changes_notice_id not in chain and len(chain) < MAX_CHAIN:
            parent = await s.get(NoticeRow, root.changes_notice_id, options=[selectinload(NoticeRow.lots)])
            if parent is None:
                break
            chain[parent.id] = parent
            root = parent
        frontier = [root.id]
        while frontier and len(chain) < MAX_CHAIN:
            children = (
                await s.scalars(
                    select(NoticeRow)
                    .where(NoticeRow.changes_notice_id.in_(frontier))
                    .options(selectinload(NoticeRow.lots))
                    .limit(MAX_CHAIN)
                )
            ).all()
            frontier = [c.id for c in children if c.id not in chain]
            chain.update({c.id: c for c in children})
        versions = sorted(chain.values(), key=lambda r: r.id)
        history = []
        previous: NoticeRow | None = None
        for v in versions:
            changed: list[str] = (
                changed_fields(row_to_notice(previous), row_to_notice(v)) if previous is not None else []
            )
            history.append(Version(v.id, v.notice_type, v.first_seen_at, v.published_at, v.deadline, tuple(changed)))
            previous = v
        current = versions[-1]
        lots = tuple(
            LotView(
                lot.lot_id,
                lot.title,
                lot.description,
                lot.value,
                lot.currency,
                lot.deadline,
                lot.level,
                lot.score,
                tuple(lot.reasons or ()),
            )
            for lot in row.lots
        )
        is_open = current.notice_type in OPEN_TYPES and current.deadline is not None and current.deadline > now
        return NoticeDetail(card_of(row, len(row.lots)), lots, tuple(history), current.id, is_open)


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


async def feed_items(
    db: Database, f: Filters, *, now: datetime, prefixes: Mapping[str, Sequence[str]], limit: int = 100
) -> list[Card]:
    """The open notices of the filters for a feed: the newest first seen first."""
    q = open_query(replace(f, page=1), now, prefixes)
    async with db.sessions() as s:
        rows = (await s.scalars(q.order_by(NoticeRow.first_seen_at.desc(), NoticeRow.id.desc()).limit(limit))).all()
        ids = [r.id for r in rows]
        lots = (
            dict(
                (
                    await s.execute(
                        select(LotRow.notice_id, func.count())
                        .where(LotRow.notice_id.in_(ids))
                        .group_by(LotRow.notice_id)
                    )
                ).all()
            )
            if ids
            else {}
        )
    return [card_of(r, int(lots.get(r.id, 0))) for r in rows]
