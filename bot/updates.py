"""Updates processed concurrently, each chat's in order.

PTB hands every update to an update processor (``ApplicationBuilder().concurrent_updates``).
:class:`PerChatUpdateProcessor` lets updates of different chats run side by side, so one slow
chat (a long question, a database wait, a busy sender) delays nobody else, while the updates of
one chat run strictly one after the other, in the order Telegram sent them: the dialogue state,
double-tap detection and settings menus of a chat assume it.

The key is the chat (``update.effective_chat``), else the user (inline queries), else one
shared key for updates that concern neither (polls), which then run in order among themselves.
A key's lock exists only while updates of that chat are running or waiting, so memory does not
grow with the number of chats ever seen.

Ordering: PTB starts one task per update in the order it fetched them, and each task's first
step here is to queue on its chat's lock; ``asyncio.Lock`` wakes waiters first come, first
served. A chat that waits for its lock holds no handler slot: the bound on concurrently running
handlers (``max_handlers``) is taken only once the chat's turn has come, so one chat with many
queued updates cannot starve the others.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from contextlib import AbstractContextManager, AsyncExitStack, nullcontext
from typing import Any, Protocol

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_HANDLERS = 16  # handlers running at once; the database pool (5 + 5 overflow on PostgreSQL) bounds use anyway
UNBOUNDED = 1_000_000  # PTB's own semaphore, taken before the chat's turn: must never be what waits
SHARED_KEY = "shared"


class InHand(Protocol):
    """Who wants to know that an update is being handled: ``busy()`` is held around each
    (the engine's sender gives way to people's updates: jobs/deliver/priority.py)."""

    def busy(self) -> AbstractContextManager[object]: ...


def chat_key(update: object) -> Hashable:
    """Whose turn an update waits for: its chat, else its user, else one shared key."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return SHARED_KEY


def update_keys(update: object) -> list[Hashable]:
    """Every key an update waits for, in one global order (so two never wait for each other).

    A group upgraded to a supergroup is announced in both chats (``jobs/people/chats.py``
    moves everything from the old id to the new one): those messages wait for both chats,
    so the two moves never overlap, nor overlap anything else in either chat."""
    key = chat_key(update)
    message = update.message if isinstance(update, Update) else None
    other = (message.migrate_to_chat_id or message.migrate_from_chat_id) if message is not None else None
    if other is None:
        return [key]
    return sorted({key, ("chat", other)}, key=repr)


class _Turn:
    """One key's lock and how many updates hold or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Chats in parallel (at most ``max_handlers`` handlers at once), each chat in order."""

    def __init__(self, max_handlers: int = MAX_HANDLERS, foreground: InHand | None = None) -> None:
        super().__init__(UNBOUNDED)
        if max_handlers < 1:
            raise ValueError("max_handlers must be at least 1")
        self.max_handlers = max_handlers
        self.foreground = foreground
        self._slots = asyncio.Semaphore(max_handlers)
        self._turns: dict[Hashable, _Turn] = {}
        self.running = 0  # handlers running now
        self.peak = 0  # the most that ever ran at once (metrics, tests)

    @property
    def waiting_keys(self) -> int:
        """Keys with an update running or waiting (idle keys are forgotten)."""
        return len(self._turns)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        keys = update_keys(update)
        turns = []
        for key in keys:
            turn = self._turns.get(key)
            if turn is None:
                turn = self._turns[key] = _Turn()
            turn.users += 1
            turns.append(turn)
        started = False
        try:
            async with AsyncExitStack() as held:
                for turn in turns:
                    await held.enter_async_context(turn.lock)
                await held.enter_async_context(self._slots)
                started = True
                self.running += 1
                self.peak = max(self.peak, self.running)
                try:
                    with self.foreground.busy() if self.foreground is not None else nullcontext():
                        await coroutine
                finally:
                    self.running -= 1
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting (shutdown): no "never awaited" warning
            for key, turn in zip(keys, turns, strict=True):
                turn.users -= 1
                if turn.users == 0:
                    del self._turns[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
