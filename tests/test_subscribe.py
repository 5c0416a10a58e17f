"""Subscribing a chat (jobs.people.subscribers.subscribe): a new chat in one statement on
PostgreSQL, in a transaction on SQLite, the same on both: every change raises the newest
``updated_at`` (the fan-out's cached index watches it), a chat is subscribed once also when
two subscribe at the same moment, and a chat that left comes back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from jobs.db import Database
from jobs.models import Subscriber
from jobs.people.subscribers import Profile, set_status, subscribe

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


def profile(chat: int, name: str = "Firma") -> Profile:
    return Profile(chat, chat, name, None, "da")


async def test_each_new_subscriber_raises_the_newest_change_even_at_the_same_moment(db: Database) -> None:
    a, created_a = await subscribe(db, profile(1), NOW)
    b, created_b = await subscribe(db, profile(2), NOW)  # a clock that did not move
    assert created_a and created_b
    assert a.updated_at == NOW and b.updated_at > a.updated_at
    again, created = await subscribe(db, profile(2, "Nyt navn"), NOW)
    assert not created and again.id == b.id and again.name == "Nyt navn" and again.updated_at > b.updated_at


async def test_a_chat_subscribing_twice_at_once_is_subscribed_once(db: Database) -> None:
    results = await asyncio.gather(*(subscribe(db, profile(7), NOW) for _ in range(5)))
    assert sorted(created for _, created in results) == [False, False, False, False, True]
    assert len({sub.id for sub, _ in results}) == 1
    async with db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Subscriber).where(Subscriber.chat_id == 7)) == 1


async def test_a_chat_that_left_comes_back_active(db: Database) -> None:
    sub, _ = await subscribe(db, profile(9), NOW)
    await set_status(db, 9, "stopped", NOW)
    back, created = await subscribe(db, profile(9), NOW)
    assert not created and back.id == sub.id and back.status == "active"
