"""What we store about a person: export it (/mydata) and erase it (/deletemydata). Issue 7.

Which rows are a person's is decided from the schema, not from a list of tables, so that a
table added later is covered without touching this module. **The rule** (``person_columns``):

* a column with a foreign key to ``subscribers.id`` refers to a subscriber;
* an integer column named ``chat_id``, ``user_id`` or ``actor``, or ending in ``_chat_id``,
  ``_user_id`` or ``_by``, holds a Telegram chat or user id (``info={"person": False}`` on a
  column opts it out, ``info={"person": True}`` opts any integer column in);
* where such a column is NOT NULL the row *belongs* to the person (their subscription, their
  outbox messages, feedback, advice requests, a stored staff role): it is exported in full and
  deleted; where it is nullable the row only *mentions* them (who answered a request, who
  added a staff member, the actor of an audit entry): the column is set to NULL, the row stays
  (it belongs to someone else), and the export says which rows mention them;
* rows that reference a deleted row through a foreign key go with it or lose the reference
  as the key's ON DELETE says (CASCADE, SET NULL; without one: deleted when the column is
  NOT NULL, else set to NULL), done here so that it holds whatever the database enforces.

A person is the chat (its subscriber row and the chat id) and the user who asked (the user
id; in a private chat both are the same number). Free text is not searched: a new table must
keep person ids in columns that follow the rule. Known exception: the audit log's ``subject``
of ``staff.add``/``staff.remove`` entries names a staff member's user id; it stays as the
record of who had access (legitimate interest), while the actor column is cleared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from jobs.db import Database
from jobs.models import Base, Feedback, NoticeRow, OutboxRow, Subscriber
from jobs.status import OutboxKind

Key = Literal["subscriber", "person"]
PERSON_NAMES = frozenset({"chat_id", "user_id", "actor"})
PERSON_SUFFIXES = ("_chat_id", "_user_id", "_by")
CHUNK = 500


@dataclass(frozen=True)
class PersonColumn:
    """A column that identifies a person (see the module docstring)."""

    table: Table
    column: Column[Any]
    key: Key  # "subscriber": holds subscribers.id; "person": holds a chat or user id
    owner: bool  # NOT NULL: the row is the person's; nullable: the row mentions them


def _is_integer(column: Column[Any]) -> bool:
    return isinstance(column.type, Integer | BigInteger)


def person_columns(metadata: MetaData = Base.metadata) -> list[PersonColumn]:
    """Every column of every table that refers to a person, by the module's rule."""
    out: list[PersonColumn] = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            opt = column.info.get("person")
            if any(fk.column.table.name == "subscribers" and fk.column.name == "id" for fk in column.foreign_keys):
                key: Key | None = "subscriber"
            elif opt is False or not _is_integer(column):
                key = None
            elif opt is True or column.name in PERSON_NAMES or column.name.endswith(PERSON_SUFFIXES):
                key = "person"
            else:
                key = None
            if key is not None:
                out.append(PersonColumn(table, column, key, owner=not column.nullable))
    return out


@dataclass(frozen=True)
class Person:
    chat_id: int
    user_id: int | None
    subscriber_ids: tuple[int, ...]  # subscriber rows of the chat and of the user's private chat

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(sorted({self.chat_id, *([self.user_id] if self.user_id is not None else [])}))

    def values(self, key: Key) -> tuple[int, ...]:
        return self.subscriber_ids if key == "subscriber" else self.ids


async def _person(s: AsyncSession, chat_id: int, user_id: int | None) -> Person:
    chats = {chat_id} if user_id is None else {chat_id, user_id}
    ids = (await s.scalars(select(Subscriber.id).where(Subscriber.chat_id.in_(chats)).order_by(Subscriber.id))).all()
    return Person(chat_id, user_id, tuple(ids))


def _where(pc: PersonColumn, person: Person) -> ColumnElement[bool] | None:
    values = person.values(pc.key)
    return pc.column.in_(values) if values else None


# ------------------------------------------------------------------------------------ export


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _row_dict(table: Table, row: Any) -> dict[str, Any]:
    return {c.name: _jsonable(row._mapping[c]) for c in table.columns}


async def export_subscriber(
    db: Database, chat_id: int, *, user_id: int | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Everything stored about a chat (and the user who asks), as JSON-ready data.

    Sections: ``subscriber`` (the row, settings included), ``settings``, ``messages`` (every
    outbox row: kind, reference, notice, status, times; the payload is what the message said),
    ``reminders``, ``feedback``, ``tables`` (rows of any other table that belong to the
    person, e.g. advice requests and stored staff roles), ``broadcasts`` (the broadcasts
    received, with their text) and ``mentioned_in`` (rows of others that name the person,
    listed by table, id and column only: their content is someone else's data).
    """
    out: dict[str, Any] = {"chat_id": chat_id, "user_id": user_id}
    if now is not None:
        out["exported_at"] = now.isoformat()
    async with db.sessions() as s:
        person = await _person(s, chat_id, user_id)
        out.update(await _subscriptions(s, chat_id, person))
        messages, reminders, broadcast_refs = await _messages(s, person)
        out["messages"], out["reminders"] = messages, reminders
        out["feedback"] = await _feedback(s, person)
        out["tables"], out["mentioned_in"] = await _other_rows(s, person)
        out["broadcasts"] = await _broadcasts(s, broadcast_refs)
    return out


_SUBSCRIBERS: Table = Subscriber.__table__  # type: ignore[assignment]
SETTINGS = ("language", "status", "delivery", "digest_hour", "daily_cap", "max_value_dkk", "min_level")


def _subscriber_dict(sub: Subscriber) -> dict[str, Any]:
    return {c.name: _jsonable(getattr(sub, c.key)) for c in _SUBSCRIBERS.columns}


async def _subscriptions(s: AsyncSession, chat_id: int, person: Person) -> dict[str, Any]:
    """The chat's subscriber row and settings; asked in a group, the user's own private one too."""
    out: dict[str, Any] = {}
    sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id))).one_or_none()
    out["subscriber"] = _subscriber_dict(sub) if sub is not None else None
    others = (
        await s.scalars(
            select(Subscriber).where(Subscriber.id.in_(person.subscriber_ids), Subscriber.chat_id != chat_id)
        )
    ).all()
    if others:
        out["other_subscriptions"] = [_subscriber_dict(o) for o in others]
    out["settings"] = (
        {
            **{k: _jsonable(getattr(sub, k)) for k in SETTINGS},
            "categories": list(sub.categories or []),
            "keywords": list(sub.keywords or []),
        }
        if sub is not None
        else None
    )
    return out


async def _messages(s: AsyncSession, person: Person) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Every outbox row of the person's subscriptions, the reminders among them, and the
    references of the broadcasts they got."""
    messages: list[dict[str, Any]] = []
    reminders: list[dict[str, Any]] = []
    broadcast_refs: list[str] = []
    if not person.subscriber_ids:
        return messages, reminders, broadcast_refs
    q = (
        select(OutboxRow, NoticeRow.title)
        .outerjoin(NoticeRow, NoticeRow.id == OutboxRow.notice_id)
        .where(OutboxRow.subscriber_id.in_(person.subscriber_ids))
        .order_by(OutboxRow.id)
    )
    for row, title in (await s.execute(q)).all():
        messages.append(
            {
                "id": row.id,
                "kind": row.kind,
                "ref": row.ref,
                "notice_id": row.notice_id,
                "notice_title": title,
                "status": row.status,
                "attempts": row.attempts,
                "created_at": _jsonable(row.created_at),
                "next_attempt_at": _jsonable(row.next_attempt_at),
                "sent_at": _jsonable(row.sent_at),
                "telegram_message_id": row.telegram_message_id,
                "error": row.error,
                "payload": _jsonable(row.payload or {}),
            }
        )
        if row.kind == OutboxKind.REMINDER:
            remind_at = _jsonable(row.next_attempt_at)
            reminders.append(
                {"notice_id": row.notice_id, "notice_title": title, "remind_at": remind_at, "status": row.status}
            )
        if row.kind == OutboxKind.BROADCAST:
            broadcast_refs.append(row.ref)
    return messages, reminders, broadcast_refs


async def _feedback(s: AsyncSession, person: Person) -> list[dict[str, Any]]:
    if not person.subscriber_ids:
        return []
    fq = (
        select(Feedback, NoticeRow.title)
        .join(NoticeRow, NoticeRow.id == Feedback.notice_id)
        .where(Feedback.subscriber_id.in_(person.subscriber_ids))
        .order_by(Feedback.id)
    )
    return [
        {
            "notice_id": fb.notice_id,
            "notice_title": title,
            "relevant": fb.relevant,
            "level": fb.level,
            "created_at": _jsonable(fb.created_at),
        }
        for fb, title in (await s.execute(fq)).all()
    ]


async def _other_rows(s: AsyncSession, person: Person) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Rows of every other table that are the person's (whole), and rows of others that only
    name them (table, id and column: their content is someone else's)."""
    covered = {"subscribers", "outbox", "feedback"}
    tables: dict[str, list[dict[str, Any]]] = {}
    mentioned: list[dict[str, Any]] = []
    columns = person_columns()
    mentions = {(pc.table.name, pc.column.name) for pc in columns if pc.key == "person" and not pc.owner}
    for pc in columns:
        where = _where(pc, person)
        if where is None:
            continue
        name = pc.table.name
        if pc.owner:
            if name in covered:
                continue
            seen = {r["id"] for r in tables.get(name, []) if "id" in r}
            for r in (await s.execute(select(pc.table).where(where))).all():
                d = _row_dict(pc.table, r)
                for col in d:  # who else is named in the row (the advisor who answered) is theirs
                    if (name, col) in mentions and d[col] not in person.ids:
                        d[col] = None
                if d.get("id") not in seen:
                    tables.setdefault(name, []).append(d)
        else:
            pk = list(pc.table.primary_key.columns)
            if len(pk) != 1:
                continue
            ids = (await s.scalars(select(pk[0]).where(where))).all()
            if name == "subscribers":
                ids = [i for i in ids if i not in person.subscriber_ids]
            mentioned.extend({"table": name, "id": i, "column": pc.column.name} for i in ids)
    return {k: v for k, v in sorted(tables.items()) if v}, mentioned


async def _broadcasts(s: AsyncSession, refs: Sequence[str]) -> list[dict[str, Any]]:
    """The broadcasts behind outbox rows of kind ``broadcast`` (ref = the broadcast's id)."""
    table = Base.metadata.tables.get("broadcasts")
    ids = sorted({int(r) for r in refs if r.isdigit()})
    if table is None or not ids or "id" not in table.c:
        return []
    wanted = [c for c in table.columns if c.name in ("id", "html", "text", "created_at", "send_at", "finished_at")]
    rows = (await s.execute(select(*wanted).where(table.c.id.in_(ids)).order_by(table.c.id))).all()
    return [{c.name: _jsonable(r._mapping[c]) for c in wanted} for r in rows]


async def has_data(db: Database, chat_id: int, *, user_id: int | None = None) -> bool:
    """Is anything stored about the chat or the user? (One cheap EXISTS per person column,
    stopping at the first hit; the same columns the export and the erasure cover.)"""
    async with db.sessions() as s:
        person = await _person(s, chat_id, user_id)
        if person.subscriber_ids:
            return True
        for pc in person_columns():
            where = _where(pc, person)
            if where is not None and await s.scalar(select(exists().where(where))):
                return True
    return False


def is_empty(export: dict[str, Any]) -> bool:
    """Nothing stored about the person."""
    return (
        export.get("subscriber") is None
        and not export.get("messages")
        and not export.get("tables")
        and not export.get("mentioned_in")
    )


# ------------------------------------------------------------------------------------ erase


@dataclass
class DeletionReport:
    deleted: dict[str, int] = field(default_factory=dict)  # table -> rows deleted
    cleared: dict[str, int] = field(default_factory=dict)  # table -> rows whose reference was set to NULL

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.cleared.values())


async def delete_subscriber(db: Database, chat_id: int, *, user_id: int | None = None) -> DeletionReport:
    """Delete every row that belongs to the chat or the user and clear every mention of them,
    in one transaction (see the module docstring for the rule)."""
    report = DeletionReport()
    async with db.sessions.begin() as s:
        person = await _person(s, chat_id, user_id)
        columns = person_columns()
        # Mentions first (they may sit in rows that are deleted next, which is harmless),
        # then the owned rows, children before parents.
        for pc in columns:
            where = _where(pc, person)
            if where is None or pc.owner:
                continue
            if pc.table.name == "subscribers" and person.subscriber_ids:
                pk = pc.table.c.id
                where = where & pk.not_in(person.subscriber_ids)
            res = await s.execute(update(pc.table).where(where).values({pc.column.name: None}))
            _count(report.cleared, pc.table.name, res.rowcount)  # type: ignore[attr-defined]
        for pc in reversed(columns):
            where = _where(pc, person)
            if where is None or not pc.owner:
                continue
            await delete_rows(s, pc.table, where, report)
    return report


def _count(counts: dict[str, int], table: str, n: int | None) -> None:
    if n:
        counts[table] = counts.get(table, 0) + n


def _dependents(table: Table) -> Iterable[tuple[Table, Column[Any], bool]]:
    """Columns of other tables (or this one) with a foreign key to ``table``'s primary key,
    and whether their rows go with it: as the key's ON DELETE says (CASCADE or SET NULL),
    else when the column is NOT NULL."""
    for other in Base.metadata.sorted_tables:
        for column in other.columns:
            for fk in column.foreign_keys:
                if fk.column.table is table and fk.column.primary_key:
                    rule = (fk.ondelete or "").upper()
                    cascade = rule == "CASCADE" or (rule != "SET NULL" and not column.nullable)
                    yield other, column, cascade


async def delete_rows(
    s: AsyncSession, table: Table, where: ColumnElement[bool], report: DeletionReport, *, depth: int = 0
) -> None:
    """Delete the rows of ``table`` matching ``where`` and deal with the rows that point at
    them, whatever the foreign keys' ON DELETE says: NOT NULL references are deleted (the same
    way, recursively), nullable ones set to NULL. Counts go into ``report``."""
    if depth > 10:  # pragma: no cover - a cycle of NOT NULL foreign keys
        raise RuntimeError(f"foreign keys nest too deep at {table.name}")
    dependents = [(t, c, cascade) for t, c, cascade in _dependents(table) if t is not table or not cascade]
    pk = list(table.primary_key.columns)
    if dependents and len(pk) == 1:
        ids = list((await s.scalars(select(pk[0]).where(where))).all())
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for other, column, cascade in dependents:
                if cascade:
                    await delete_rows(s, other, column.in_(chunk), report, depth=depth + 1)
                else:
                    res = await s.execute(update(other).where(column.in_(chunk)).values({column.name: None}))
                    _count(report.cleared, other.name, res.rowcount)  # type: ignore[attr-defined]
    res = await s.execute(delete(table).where(where))
    _count(report.deleted, table.name, res.rowcount)  # type: ignore[attr-defined]
