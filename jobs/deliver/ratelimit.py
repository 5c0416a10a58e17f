"""Sending pace: a global rate, a least gap per chat, and a global pause on 429.

Single-process state; the clock and the sleep are injectable for tests.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Protocol


class Limiter(Protocol):
    """What the sender needs of a limiter (this one, or jobs.deliver.pgratelimit's shared one)."""

    def pause(self, seconds: float) -> None: ...

    def wait_for_chat(self, chat_id: int) -> float: ...

    async def acquire(self, chat_id: int) -> None: ...

    async def answered(self, chat_id: int) -> None:
        """Telegram answered the message to ``chat_id``: its next gap counts from now."""
        ...


class RateLimiter:
    def __init__(
        self,
        rate_per_second: float,
        per_chat_seconds: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_chats: int = 100_000,
    ) -> None:
        self.interval = 1.0 / rate_per_second
        self.per_chat = per_chat_seconds
        self._mono = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._paused_until = 0.0
        self._chat_next: OrderedDict[int, float] = OrderedDict()
        self._max_chats = max_chats
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until ``seconds`` from now."""
        self._paused_until = max(self._paused_until, self._mono() + seconds)

    def wait_for_chat(self, chat_id: int) -> float:
        """Seconds until ``chat_id`` may get its next message (0 if now)."""
        return max(0.0, self._chat_next.get(chat_id, 0.0) - self._mono())

    def sent(self, chat_id: int) -> None:
        """Telegram answered a message to ``chat_id``: the gap to its next one counts from now.

        A slot is reserved when a request leaves, but requests reach Telegram after a delay
        that varies (network, a busy machine): one delayed by 100 ms followed by one on time
        arrive 100 ms closer than the gap, and Telegram answers 429. Counting from the answer,
        which came after the request arrived, keeps the gap whatever the delays."""
        if self.per_chat > 0 and chat_id in self._chat_next:
            self._chat_next[chat_id] = max(self._chat_next[chat_id], self._mono() + self.per_chat)

    async def answered(self, chat_id: int) -> None:
        self.sent(chat_id)

    async def acquire(self, chat_id: int) -> None:
        """Wait until one message to ``chat_id`` may go out, and reserve that slot."""
        async with self._lock:
            while True:
                now = self._mono()
                wait = max(self._paused_until, self._next_global, self._chat_next.get(chat_id, 0.0)) - now
                if wait <= 0:
                    break
                await self._sleep(wait)
            now = self._mono()
            # A message a little late (a busy event loop) does not shift the schedule: up to one
            # interval is made up, so at most two go back to back and any second holds at most
            # rate + 2. Not after a 429 pause, which starts the schedule afresh.
            on_schedule = self._next_global > self._paused_until
            self._next_global = max(now - self.interval if on_schedule else now, self._next_global) + self.interval
            self._chat_next[chat_id] = now + self.per_chat
            self._chat_next.move_to_end(chat_id)
            while len(self._chat_next) > self._max_chats:
                self._chat_next.popitem(last=False)
