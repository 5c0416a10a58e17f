"""People first (jobs/deliver/priority.py): the sender holds its next message while the bot
handles someone's update, at most ``max_wait``; the bot's update processor marks each update
in hand. Real event loop, real database, the real sender."""

from __future__ import annotations

import asyncio

from jobs.db import Database
from jobs.deliver.priority import Foreground
from jobs.deliver.send import drain_outbox
from tests.helpers import make_runtime, settings_with
from tests.scalekit import add_broadcast, add_subscribers, until
from tests.test_outbox import RecordingNotifier, fast_limiter


async def test_yield_to_returns_at_once_when_nobody_waits() -> None:
    fg = Foreground(max_wait=60)
    await asyncio.wait_for(fg.yield_to(), 1)
    assert fg.yields == 0


async def test_yield_to_waits_for_the_last_update_in_hand() -> None:
    fg = Foreground(max_wait=60)
    first, second = fg.busy(), fg.busy()
    first.__enter__()
    second.__enter__()
    waiter = asyncio.create_task(fg.yield_to())
    await until(lambda: _true(fg.yields == 1), 5, 0.01)
    first.__exit__(None, None, None)
    await asyncio.sleep(0)
    assert not waiter.done(), "one update is still in hand"
    second.__exit__(None, None, None)
    await asyncio.wait_for(waiter, 5)
    assert fg.running == 0


async def test_yield_to_gives_up_after_max_wait() -> None:
    fg = Foreground(max_wait=0.05)
    with fg.busy():
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.wait_for(fg.yield_to(), 5)
        assert loop.time() - started >= 0.05
        assert fg.running == 1


async def test_the_sender_holds_its_next_message_while_an_update_is_in_hand(db: Database) -> None:
    async with make_runtime(db, settings_with()) as rt:
        now = rt.clock()
        rt.foreground = Foreground(max_wait=60)
        subs = await add_subscribers(db, [7001, 7002, 7003], now)
        await add_broadcast(db, list(subs.values()), "bc:prio", "Nyhed", now)
        notifier = RecordingNotifier()
        with rt.foreground.busy():
            sending = asyncio.create_task(drain_outbox(rt, notifier, fast_limiter()))
            await until(lambda: _true(rt.foreground.yields >= 1), 10, 0.01)
            assert notifier.delivered == [], "the sender waits for the update before its first message"
        report = await asyncio.wait_for(sending, 30)
        assert report.sent == 3
        assert sorted(d.chat_id for d in notifier.delivered) == [7001, 7002, 7003]


async def test_the_update_processor_marks_each_update_in_hand() -> None:
    from bot.updates import PerChatUpdateProcessor

    fg = Foreground()
    processor = PerChatUpdateProcessor(foreground=fg)
    seen: list[int] = []

    async def handler() -> None:
        seen.append(fg.running)

    await processor.do_process_update(object(), handler())
    assert seen == [1] and fg.running == 0


async def _true(value: bool) -> bool:
    return value
