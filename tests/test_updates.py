"""Updates of different chats run concurrently, each chat's in order (bot/updates.py)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.ext import TypeHandler

from bot.updates import SHARED_KEY, PerChatUpdateProcessor, chat_key, update_keys
from tests.botkit import bot_settings, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI

SLOW_CHAT = 11
OTHER_CHAT = 22


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


async def test_a_slow_update_holds_up_its_own_chat_only(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    release = asyncio.Event()
    seen: dict[int, list[str]] = defaultdict(list)

    async def observe(update: Update, context: object) -> None:
        """Test-only, before every real handler: the first update of SLOW_CHAT blocks until released."""
        chat, message = update.effective_chat, update.effective_message
        assert chat is not None and message is not None
        seen[chat.id].append(f"{message.text}:start")
        if chat.id == SLOW_CHAT and len(seen[chat.id]) == 1:
            await release.wait()
        seen[chat.id].append(f"{message.text}:end")

    async with running_bot(bot_settings(prepared_db, api), api) as bot:
        bot.app.add_handler(TypeHandler(Update, observe), group=-3)
        processor = bot.app.update_processor
        assert isinstance(processor, PerChatUpdateProcessor)
        try:
            for text in ("/help", "/hours", "/settings"):
                api.push_message(SLOW_CHAT, text)
            api.push_message(OTHER_CHAT, "/help")
            # the other chat is answered by the real handlers while the slow chat's first update still runs
            await api.wait_for_sent(OTHER_CHAT, 1, timeout=10)
            assert not release.is_set()
            assert seen[SLOW_CHAT] == ["/help:start"]  # its later updates wait their turn, in order
            assert api.messages_to(SLOW_CHAT) == []
        finally:
            release.set()  # also when an assertion failed: the Application stops only when it ends
        await api.wait_for(lambda: len(seen[SLOW_CHAT]) == 6, timeout=10)
        assert seen[SLOW_CHAT] == [
            "/help:start",
            "/help:end",
            "/hours:start",
            "/hours:end",
            "/settings:start",
            "/settings:end",
        ]
        await api.wait_for_sent(SLOW_CHAT, 3, timeout=10)
        replies = api.messages_to(SLOW_CHAT)
        assert replies[0] == api.messages_to(OTHER_CHAT)[0]  # the help text first, as sent
        assert replies[1] != replies[0]
        # nothing is kept for chats with nothing running or waiting
        await api.wait_for(lambda: processor.waiting_keys == 0, timeout=10)
        assert bot.errors == []


async def test_many_chats_at_once_run_side_by_side_and_leave_no_lock_behind(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    chats = range(1000, 1060)
    async with running_bot(bot_settings(prepared_db, api), api) as bot:
        processor = bot.app.update_processor
        assert isinstance(processor, PerChatUpdateProcessor)
        for chat in chats:
            api.push_message(chat, "/start")  # each one writes: a subscriber, its preferences
        await api.wait_for(lambda: all(api.messages_to(c) for c in chats), timeout=30)
        assert processor.peak > 1  # several chats' handlers were running at the same moment
        assert processor.peak <= processor.max_handlers
        await api.wait_for(lambda: processor.waiting_keys == 0, timeout=10)
        assert bot.errors == []


def _message_update(update_id: int, chat_id: int, **kw: int) -> Update:
    user = User(abs(chat_id), "Test", is_bot=False)
    kind = "private" if chat_id > 0 else "group"
    message = Message(update_id, datetime.now(UTC), Chat(chat_id, kind), from_user=user, text="x", **kw)  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_a_chat_waiting_for_its_turn_holds_no_handler_slot() -> None:
    processor = PerChatUpdateProcessor(max_handlers=2)
    gates = {name: asyncio.Event() for name in ("a1", "a2", "b1", "c1")}
    started: list[str] = []

    async def handle(name: str) -> None:
        started.append(name)
        await gates[name].wait()

    def submit(name: str, update: Update) -> asyncio.Task[None]:
        return asyncio.create_task(processor.process_update(update, handle(name)))

    tasks = [
        submit("a1", _message_update(1, 5)),
        submit("a2", _message_update(2, 5)),  # chat 5 again: waits for a1, without a slot
        submit("b1", _message_update(3, 6)),
        submit("c1", _message_update(4, 7)),  # both slots taken by a1 and b1: waits for one
    ]
    while len(started) < 2:
        await asyncio.sleep(0)
    assert started == ["a1", "b1"]
    assert processor.running == 2 and processor.waiting_keys == 3
    gates["a1"].set()  # a1 done: its slot goes to whoever queued first for one (c1); a2 now queues for a slot
    while len(started) < 3:
        await asyncio.sleep(0)
    assert started == ["a1", "b1", "c1"]
    for name in ("b1", "c1", "a2"):
        gates[name].set()
    await asyncio.gather(*tasks)
    assert started == ["a1", "b1", "c1", "a2"]
    assert processor.peak == 2 and processor.running == 0 and processor.waiting_keys == 0


def test_the_key_is_the_chat_else_the_user_else_one_shared_key() -> None:
    user = User(42, "Test", is_bot=False)
    assert chat_key(_message_update(1, -100)) == ("chat", -100)
    inline_press = Update(2, callback_query=CallbackQuery("q", user, "instance", inline_message_id="i", data="d"))
    assert chat_key(inline_press) == ("user", 42)
    assert chat_key(Update(3)) == SHARED_KEY  # about neither chat nor user (a poll's new results)
    assert chat_key(object()) == SHARED_KEY


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        PerChatUpdateProcessor(max_handlers=0)


def test_a_group_upgrade_waits_for_both_chats() -> None:
    old, new = -100, -1001234
    assert update_keys(_message_update(1, old)) == [("chat", old)]
    moved_to = update_keys(_message_update(2, old, migrate_to_chat_id=new))
    moved_from = update_keys(_message_update(3, new, migrate_from_chat_id=old))
    assert moved_to == moved_from and set(moved_to) == {("chat", old), ("chat", new)}


async def test_the_two_upgrade_messages_never_overlap_each_other_or_either_chat() -> None:
    """Telegram announces an upgrade in the old group and in the new supergroup; both move the
    same rows (jobs/people/chats.py), so they run one after the other and after what runs in
    either chat."""
    old, new = -100, -1001234
    processor = PerChatUpdateProcessor()
    gates = {name: asyncio.Event() for name in ("old", "new", "to", "from")}
    events: list[str] = []

    async def handle(name: str) -> None:
        events.append(f"{name}:start")
        await gates[name].wait()
        events.append(f"{name}:end")

    def submit(name: str, update: Update) -> asyncio.Task[None]:
        return asyncio.create_task(processor.process_update(update, handle(name)))

    tasks = [
        submit("old", _message_update(1, old)),
        submit("new", _message_update(2, new)),
        submit("to", _message_update(3, old, migrate_to_chat_id=new)),
        submit("from", _message_update(4, new, migrate_from_chat_id=old)),
    ]
    while len(events) < 2:
        await asyncio.sleep(0)
    assert events == ["old:start", "new:start"]
    gates["new"].set()
    await tasks[1]
    for _ in range(20):  # turns of the event loop: an upgrade message waiting for the new chat only would start now
        await asyncio.sleep(0)
    gates["old"].set()
    gates["to"].set()
    gates["from"].set()
    await asyncio.gather(*tasks)
    assert events == ["old:start", "new:start", "new:end", "old:end", "to:start", "to:end", "from:start", "from:end"]
    assert processor.waiting_keys == 0
