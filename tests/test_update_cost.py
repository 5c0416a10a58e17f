"""What one Telegram update costs the database: the chat's subscriber is looked up once per
update, whichever layers ask (gate, router, language choice, handler), and that look-up is one
statement without a transaction around it, which also says whether the bot waits for an
answer from the user: a command clears, and a plain message takes, what was waited for only
when there is something. The real Application against the fake Bot API, on
SQLite and PostgreSQL; the statements are those the engine executes (an engine event)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from jobs.db import Database
from jobs.people.subscribers import get_subscriber
from tests.botkit import Running, bot_settings, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI

SUBSCRIBED, STRANGER = 4101, 4102


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


class Lookups:
    """Subscriber SELECTs and whether each ran outside a transaction (AUTOCOMMIT); and every
    statement on the dialogue table (``dialogues``)."""

    def __init__(self, db: Database) -> None:
        self.seen: list[str | None] = []
        self.dialogue: list[str] = []
        event.listen(db.engine.sync_engine, "before_cursor_execute", self.on_statement)

    def on_statement(self, conn: Any, _cursor: object, statement: str, *_rest: object) -> None:
        flat = " ".join(statement.split()).lower()
        if flat.startswith("select") and " subscribers" in flat:
            self.seen.append(conn.get_execution_options().get("isolation_level"))
        elif " dialogues" in flat:
            self.dialogue.append(flat.split()[0])

    def take(self) -> list[str | None]:
        seen, self.seen = self.seen, []
        return seen

    def dialogue_statements(self) -> list[str]:
        seen, self.dialogue = self.dialogue, []
        return seen


async def one_update(bot: Running, push: Any) -> None:
    push()
    assert await bot.feed() == 1


async def test_each_update_looks_the_subscriber_up_once_outside_a_transaction(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(bot_settings(prepared_db, api), api, polling=False) as bot:
        await one_update(bot, lambda: api.push_message(SUBSCRIBED, "/start"))
        lookups = Lookups(bot.deps.rt.db)
        steps: list[tuple[str, Any]] = [
            ("/help", lambda: api.push_message(SUBSCRIBED, "/help")),
            ("question", lambda: api.push_message(SUBSCRIBED, "Hvornår har I åbent på torsdag?")),
            ("/settings", lambda: api.push_message(SUBSCRIBED, "/settings")),
            ("/settings, not subscribed", lambda: api.push_message(STRANGER, "/settings")),
            ("/hours, not subscribed", lambda: api.push_message(STRANGER, "/hours")),
        ]
        for name, push in steps:
            await one_update(bot, push)
            assert lookups.take() == ["AUTOCOMMIT"], name
            assert lookups.dialogue_statements() == [], f"{name}: nothing was waited for"
        menu = api.last_message(SUBSCRIBED)
        assert menu is not None and "reply_markup" in menu
        data = menu["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await one_update(bot, lambda: api.push_callback(SUBSCRIBED, data, message_id=menu["message_id"]))
        assert lookups.take() == ["AUTOCOMMIT"], "a press on the settings menu"
        assert api.last_text(STRANGER) and not bot.errors


async def test_what_was_waited_for_is_cleared_or_taken_only_when_there_is_something(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(bot_settings(prepared_db, api), api, polling=False) as bot:
        await one_update(bot, lambda: api.push_message(SUBSCRIBED, "/start"))
        lookups = Lookups(bot.deps.rt.db)
        await one_update(bot, lambda: api.push_message(SUBSCRIBED, "/keywords"))  # asks for the words
        assert lookups.dialogue_statements() == ["insert"]
        await one_update(bot, lambda: api.push_message(SUBSCRIBED, "/help"))  # changes the subject
        assert lookups.dialogue_statements() == ["delete"]
        await one_update(bot, lambda: api.push_message(SUBSCRIBED, "rengøring"))  # now a question
        assert lookups.dialogue_statements() == []
        await one_update(bot, lambda: api.push_message(SUBSCRIBED, "/keywords"))
        await one_update(bot, lambda: api.push_message(SUBSCRIBED, "rengøring, kantine"))  # the answer
        assert lookups.dialogue_statements() == ["insert", "delete"]
        sub = await get_subscriber(bot.deps.rt.db, SUBSCRIBED)
        assert sub is not None and sub.keywords == ["rengøring", "kantine"], "the answer was taken as the words"
        assert not bot.errors
