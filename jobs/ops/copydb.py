"""Copy every row from one database to another: moving from SQLite to PostgreSQL.

``udbudsbot copy-db --from URL --to URL``: both databases are migrated to the newest schema
first (so their tables match), the target must be empty, every table of the models is copied
in dependency order (parents before children) in batches by primary key, and PostgreSQL's
sequences are moved past the copied ids so that new rows do not collide. Columns that refer to
their own table (a notice that changes another) are copied in a second pass, so the order of
rows within a table does not matter. The copy is one transaction on the target: it lands
whole or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from jobs.db import Database, open_database
from jobs.errors import UdbudError
from jobs.models import Base

log = logging.getLogger(__name__)


class CopyError(UdbudError):
    """The copy cannot start (a non-empty target, the same database twice)."""


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """The engine's tables, parents first."""
    return list(Base.metadata.sorted_tables)


def _self_refs(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


async def copy_database(
    source_url: str,
    target_url: str,
    *,
    batch: int = 1000,
    source_schema: str | None = None,
    target_schema: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    if source_url == target_url and source_schema == target_schema:
        raise CopyError("the source and the target are the same database")
    source = await open_database(source_url, schema=source_schema)
    try:
        target = await open_database(target_url, schema=target_schema)
    except BaseException:
        await source.close()
        raise
    try:
        return await copy_rows(source, target, batch=batch, progress=progress)
    finally:
        await source.close()
        await target.close()


async def copy_rows(
    source: Database, target: Database, *, batch: int = 1000, progress: Callable[[str, int], None] | None = None
) -> CopyReport:
    report = CopyReport()
    async with source.engine.connect() as src, target.engine.begin() as dst:
        for table in tables():
            if await dst.scalar(select(func.count()).select_from(table)):
                raise CopyError(f"the target is not empty (table {table.name} has rows); copy into a new database")
        for table in tables():
            report.rows[table.name] = await _copy_table(src, dst, table, batch)
            if progress is not None:
                progress(table.name, report.rows[table.name])
        if target.is_postgres:
            await _fix_sequences(dst)
    return report


async def _copy_table(src: AsyncConnection, dst: AsyncConnection, table: Table, batch: int) -> int:
    pk = list(table.primary_key.columns)
    later = _self_refs(table)
    deferred: list[dict[str, Any]] = []
    copied = 0
    last: tuple[Any, ...] | None = None
    while True:
        q = select(table).order_by(*pk).limit(batch)
        if last is not None:
            q = q.where(_after(pk, last))
        rows = [dict(r._mapping) for r in (await src.execute(q)).all()]
        if not rows:
            break
        last = tuple(rows[-1][c.name] for c in pk)
        for row in rows:
            refs = {name: row[name] for name in later if row[name] is not None}
            if refs:
                deferred.append({**{c.name: row[c.name] for c in pk}, **refs})
                row.update(dict.fromkeys(refs))
        await dst.execute(insert(table), rows)
        copied += len(rows)
    for values in deferred:
        await dst.execute(
            update(table)
            .where(*(c == values[c.name] for c in pk))
            .values({k: v for k, v in values.items() if k not in {c.name for c in pk}})
        )
    return copied


def _after(pk: list[Any], last: tuple[Any, ...]) -> Any:
    if len(pk) == 1:
        return pk[0] > last[0]
    from sqlalchemy import tuple_

    return tuple_(*pk) > tuple_(*last)


async def _fix_sequences(dst: AsyncConnection) -> None:
    """Move each serial/identity sequence past the largest copied id."""
    for table in tables():
        for col in table.primary_key.columns:
            seq = await dst.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": col.name})
            if seq is None:
                continue
            await dst.execute(
                text(f'SELECT setval(:seq, coalesce((SELECT max("{col.name}") FROM "{table.name}"), 0) + 1, false)'),
                {"seq": seq},
            )
