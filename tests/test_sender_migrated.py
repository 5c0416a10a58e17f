"""A group upgraded to a supergroup while the bot was away: the message still arrives.

Telegram answers a message to the old group id with 400 "group chat was upgraded to a
supergroup chat" and ``migrate_to_chat_id``; the bot moves the chat in the engine and sends
to the new id once. Through the real sender (``drain_outbox``), ``TelegramNotifier`` and the
fake Bot API on loopback, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from telegram import Bot

from bot.sender import TelegramNotifier
from jobs.config import Settings
from jobs.db import Database
from jobs.deliver.ratelimit import RateLimiter
from jobs.deliver.send import drain_outbox
from jobs.models import OutboxRow, Subscriber
from jobs.runtime import open_runtime, utcnow
from tests.fakebotapi import FakeBotAPI
from tests.scalekit import add_broadcast, add_subscribers

GROUP = -4_200_000_001


async def test_a_message_to_a_group_upgraded_unseen_goes_to_the_supergroup(
    db: Database, fake_bot_api: FakeBotAPI
) -> None:
    now = datetime.now(UTC)
    subs = await add_subscribers(db, [GROUP, 4242], now)
    fake_bot_api.add_chat_member(GROUP, 11, "creator", first_name="Anna")
    new = fake_bot_api.migrate_group(GROUP)  # its service messages are never fetched: the bot missed it
    await add_broadcast(db, list(subs.values()), "b:1", "Nyt fra Roskilde", now)
    settings = Settings()
    async with Bot(fake_bot_api.token, base_url=fake_bot_api.base_url) as bot:
        notifier = TelegramNotifier(bot, clock=utcnow, tz="Europe/Copenhagen", db=db)
        async with open_runtime(settings, db=db, notifier=notifier) as rt:
            report = await drain_outbox(rt, notifier, RateLimiter(1000, 0.0))
            assert (report.sent, report.failed) == (2, 0)
            assert fake_bot_api.messages_to(new) == ["Nyt fra Roskilde"]
            assert fake_bot_api.messages_to(4242) == ["Nyt fra Roskilde"]
            async with db.sessions() as s:
                chats = set((await s.scalars(select(Subscriber.chat_id))).all())
                statuses = set((await s.scalars(select(OutboxRow.status))).all())
            assert chats == {new, 4242} and statuses == {"sent"}
            # the next message goes straight to the supergroup: one call, no refusal first
            calls = len(fake_bot_api.calls_to("sendMessage"))
            await add_broadcast(db, [subs[GROUP]], "b:2", "Endnu en", now)
            report = await drain_outbox(rt, notifier, RateLimiter(1000, 0.0))
            assert report.sent == 1
            assert [int(c.params["chat_id"]) for c in fake_bot_api.calls_to("sendMessage")[calls:]] == [new]
            assert fake_bot_api.messages_to(new) == ["Nyt fra Roskilde", "Endnu en"]


async def test_without_the_engine_the_message_still_reaches_the_supergroup(
    db: Database, fake_bot_api: FakeBotAPI
) -> None:
    now = datetime.now(UTC)
    subs = await add_subscribers(db, [GROUP], now)
    new = fake_bot_api.migrate_group(GROUP)
    await add_broadcast(db, list(subs.values()), "b:1", "Hej", now)
    settings = Settings()
    async with Bot(fake_bot_api.token, base_url=fake_bot_api.base_url) as bot:
        notifier = TelegramNotifier(bot, clock=utcnow, tz="Europe/Copenhagen")  # no db: nothing moves
        async with open_runtime(settings, db=db, notifier=notifier) as rt:
            report = await drain_outbox(rt, notifier, RateLimiter(1000, 0.0))
    assert report.sent == 1 and fake_bot_api.messages_to(new) == ["Hej"]
