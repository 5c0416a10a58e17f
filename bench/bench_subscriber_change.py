"""What a subscription change costs with 100,000 subscribers: the newest ``updated_at`` that
every change reads (``jobs.people.subscribers.changed_at``), with the index on
``subscribers.updated_at`` (migration 0011) and, in the same run, without it; then a new
chat's ``subscribe`` as ``/start`` runs it.

PostgreSQL (``UDBUDSBOT_TEST_PG_URL`` or the local ``test`` database), a schema of its own.

    python -m bench.bench_subscriber_change [--subscribers 100000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime

from sqlalchemy import text

from jobs.db import create_database, open_database
from jobs.people.subscribers import Profile, changed_at, subscribe
from tests.scalekit import add_subscribers

PG_URL = os.environ.get("UDBUDSBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SCHEMA = f"bench_subchange_{os.getpid()}"


async def timed(repeat: int, work: object) -> float:
    t0 = time.perf_counter()
    for i in range(repeat):
        await work(i)  # type: ignore[operator]
    return (time.perf_counter() - t0) / repeat


async def run(args: argparse.Namespace) -> None:
    admin = create_database(PG_URL)  # only to create and drop the schema
    async with admin.engine.begin() as c:
        await c.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    db = await open_database(PG_URL, schema=SCHEMA)
    try:
        now = datetime.now(UTC)
        await add_subscribers(db, list(range(10_000_000, 10_000_000 + args.subscribers)), now)
        async with db.engine.begin() as c:
            await c.execute(text("ANALYZE subscribers"))

        async def change(_: int) -> None:
            async with db.sessions.begin() as s:
                await changed_at(s, datetime.now(UTC))

        async def start(i: int) -> None:
            await subscribe(db, Profile(20_000_000 + i, i, "Ny", None, "da"), datetime.now(UTC))

        indexed = await timed(args.repeat, change)
        new_chat = await timed(args.repeat, start)
        async with db.engine.begin() as c:
            await c.execute(text("DROP INDEX ix_subscribers_updated_at"))
        scanned = await timed(args.repeat, change)
        print(
            f"{args.subscribers:,} subscribers: the newest change read in a transaction "
            f"{indexed * 1000:.2f} ms with the index, {scanned * 1000:.2f} ms without "
            f"(ratio {indexed / scanned:.3f}x); a new chat's subscribe {new_chat * 1000:.2f} ms"
        )
    finally:
        await db.close()
        async with admin.engine.begin() as c:
            await c.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
        await admin.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--subscribers", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=50)
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
