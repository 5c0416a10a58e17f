"""Seeding many subscribers and messages quickly (bulk inserts), and waiting for an outcome,
for scale-out tests and bench/."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy import insert, select

from jobs.db import Database
from jobs.models import OutboxRow, Subscriber
from jobs.people.subscribers import Profile, subscriber_values


async def add_subscribers(
    db: Database, chats: Sequence[int], now: datetime, *, categories: dict[int, list[str]] | None = None
) -> dict[int, int]:
    """Active instant subscribers for ``chats``; returns chat id -> subscriber id."""
    rows = [
        subscriber_values(Profile(c, c, f"Firma {c}", None, "da"), now)
        | {"min_level": "all", "categories": (categories or {}).get(c, [])}
        for c in chats
    ]
    async with db.sessions.begin() as s:
        for i in range(0, len(rows), 1000):
            await s.execute(insert(Subscriber), rows[i : i + 1000])
    async with db.sessions() as s:
        return {c: i for c, i in (await s.execute(select(Subscriber.chat_id, Subscriber.id))).all()}


async def add_broadcast(db: Database, subscriber_ids: Sequence[int], ref: str, text: str, now: datetime) -> int:
    """One plain-text outbox row per subscriber (a staff broadcast as the sender sees it)."""
    rows = [
        {
            "subscriber_id": sid,
            "kind": "broadcast",
            "ref": ref,
            "payload": {"text": text, "plain": True},
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for sid in subscriber_ids
    ]
    async with db.sessions.begin() as s:
        for i in range(0, len(rows), 1000):
            await s.execute(insert(OutboxRow), rows[i : i + 1000])
    return len(rows)


async def until(predicate: Callable[[], Awaitable[object]], timeout: float, step: float = 0.1) -> float:
    """Await ``predicate()`` until it is true; returns the seconds it took (fails after ``timeout``)."""
    t0 = time.monotonic()
    while True:
        if await predicate():
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(step)
