"""``udbudsbot copy-db --from URL --to URL``: move the data to another database."""

from __future__ import annotations

import sys

from jobs.config import Settings, resolve_sqlite_path
from jobs.ops.copydb import CopyError, copy_database


async def copy_db(settings: Settings, source: str | None, target: str, *, batch: int = 1000) -> int:
    src = resolve_sqlite_path(source, settings.base_dir) if source else settings.database.url
    dst = resolve_sqlite_path(target, settings.base_dir)
    try:
        report = await copy_database(
            src, dst, batch=batch, progress=lambda table, n: print(f"{table}: {n} rows", file=sys.stderr)
        )
    except CopyError as e:
        print(f"udbudsbot: {e}", file=sys.stderr)
        return 1
    print(f"copied {report.total} rows in {len(report.rows)} tables")
    return 0
