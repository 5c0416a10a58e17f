"""Telegram's sending pace shared by every process on one PostgreSQL database.

The in-process :class:`jobs.deliver.ratelimit.RateLimiter` holds the global rate only within one
process; N senders would send N times as fast. :class:`SharedRateLimiter` keeps the state in
two small tables instead and grants each message in one atomic statement:

* ``rate_limit`` (one row per limiter name): ``next_at``, the database time (epoch seconds) of
  the next free global slot, and ``paused_until``, set by a 429 (``retry_after``) so that
  *every* process waits;
* ``rate_limit_chats``: the next time each chat may get a message (``per_chat_seconds``),
  reserved by the grant and set again when Telegram answers (:meth:`SharedRateLimiter.answered`):
  requests reach Telegram after delays that vary, so a gap counted from the grants alone lets
  two messages to one chat arrive closer than ``per_chat_seconds`` (Telegram answers 429);
  counted from the answer, which comes after the request arrived, the gap holds.

A grant is an ``UPDATE ... WHERE next_at <= now AND paused_until <= now`` on the one global
row: concurrent grants serialise on its row lock, and a loser re-checks the condition against
the winner's new row (PostgreSQL's read-committed re-evaluation), so two processes never get
the same slot. The next slot follows the previous one, not the moment of the grant (a caller
that comes a little late — a round trip, a wake-up — does not lose the slot's time; the rate
would sag to ~20/s otherwise), which allows at most one message more than the rate in a window.
All times are the database's clock, so hosts with skewed clocks agree. A denied caller sleeps
until the earliest time it could succeed and asks again.

``pause`` keeps the interface of the in-process limiter (synchronous): it takes effect in this
process at once and is written to the database by the next ``acquire``, which the sender calls
right after a 429.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from jobs.config import DeliverySettings
from jobs.db import Database
from jobs.deliver.ratelimit import Limiter, RateLimiter

log = logging.getLogger(__name__)

ENSURE = text("INSERT INTO rate_limit (name, next_at, paused_until) VALUES (:name, 0, 0) ON CONFLICT (name) DO NOTHING")
GRANT = text(
    """
    WITH t AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now),
    c AS (SELECT coalesce((SELECT next_at FROM rate_limit_chats WHERE chat_id = :chat), 0) AS chat_next),
    g AS (
        UPDATE rate_limit AS r SET next_at = greatest(r.next_at, t.now - :interval) + :interval
        FROM t, c
        WHERE r.name = :name AND r.next_at <= t.now AND r.paused_until <= t.now AND c.chat_next <= t.now
        RETURNING t.now AS granted_at
    ),
    ch AS (
        INSERT INTO rate_limit_chats (chat_id, next_at) SELECT :chat, g.granted_at + :per_chat FROM g
        ON CONFLICT (chat_id) DO UPDATE SET next_at = excluded.next_at
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM g) AS granted, (SELECT count(*) FROM ch) AS chat_rows,
           r.next_at, r.paused_until, c.chat_next, t.now
    FROM rate_limit AS r, t, c WHERE r.name = :name
    """
)
# Telegram answered: the chat's next message waits a full gap from now (a later gap stays).
ANSWERED = text(
    "INSERT INTO rate_limit_chats (chat_id, next_at) VALUES (:chat, extract(epoch FROM clock_timestamp()) + :per_chat) "
    "ON CONFLICT (chat_id) DO UPDATE SET next_at = greatest(rate_limit_chats.next_at, excluded.next_at)"
)
PAUSE = text(
    "UPDATE rate_limit SET paused_until = greatest(paused_until, extract(epoch FROM clock_timestamp()) + :seconds) "
    "WHERE name = :name"
)
PRUNE = text("DELETE FROM rate_limit_chats WHERE next_at < extract(epoch FROM clock_timestamp()) - 3600")


class SharedRateLimiter:
    """Global rate, per-chat gap and 429 pauses held across processes (PostgreSQL only)."""

    def __init__(
        self,
        db: Database,
        rate_per_second: float,
        per_chat_seconds: float,
        *,
        name: str = "telegram",
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_chats: int = 100_000,
        prune_every_seconds: float = 600.0,
    ) -> None:
        if not db.is_postgres:
            raise ValueError("the shared rate limiter needs PostgreSQL")
        self.db = db
        self.interval = 1.0 / rate_per_second
        self.per_chat = per_chat_seconds
        self.name = name
        self._mono = monotonic
        self._sleep = sleep
        self._ready = False
        self._pending_pause = 0.0  # seconds of a 429 not yet written to the database
        self._paused_until = 0.0  # monotonic, this process's view
        self._chat_next: OrderedDict[int, float] = OrderedDict()  # monotonic, what this process knows
        self._max_chats = max_chats
        self._prune_every = prune_every_seconds
        self._pruned_at = monotonic()
        self._lock = asyncio.Lock()  # one acquire at a time per process, like the local limiter
        self._conn_lock = asyncio.Lock()  # one statement at a time on the connection
        self._conn: AsyncConnection | None = None
        self.grants = 0
        self.denials = 0

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody (in any process) sends until ``seconds`` from now."""
        self._pending_pause = max(self._pending_pause, seconds)
        self._paused_until = max(self._paused_until, self._mono() + seconds)

    def wait_for_chat(self, chat_id: int) -> float:
        """Seconds until ``chat_id`` may get its next message, as far as this process knows."""
        return max(0.0, self._chat_next.get(chat_id, 0.0) - self._mono())

    async def acquire(self, chat_id: int) -> None:
        """Wait until one message to ``chat_id`` may go out, and reserve that slot for everyone."""
        async with self._lock:
            await self._prepare()
            while True:
                local_wait = self._paused_until - self._mono()
                if local_wait > 0:
                    await self._sleep(local_wait)
                granted, wait, chat_wait = await self._try(chat_id)
                if granted:
                    self.grants += 1
                    self._remember(chat_id, self.per_chat)
                    return
                self.denials += 1
                if chat_wait > 0:
                    self._remember(chat_id, chat_wait)
                # lost a race (wait <= 0) or must wait: ask again when a grant can succeed
                await self._sleep(max(wait, 0.0) + random.uniform(0, self.interval / 4))

    async def answered(self, chat_id: int) -> None:
        """Telegram answered the message to ``chat_id``: the gap to its next one counts from now,
        for every process (as the in-process limiter's ``sent``)."""
        if self.per_chat <= 0:
            return
        self._remember(chat_id, self.per_chat)
        try:
            async with self._connection() as s:
                await s.execute(ANSWERED, {"chat": chat_id, "per_chat": self.per_chat})
        except Exception as e:  # the grant's reservation still holds; the next grant reconnects
            log.warning("could not record the answer to chat %s in the shared rate limit: %s", chat_id, e)

    async def _prepare(self) -> None:
        prune = self._mono() - self._pruned_at > self._prune_every
        if self._ready and self._pending_pause <= 0 and not prune:
            return
        async with self._connection() as s:
            if not self._ready:
                await s.execute(ENSURE, {"name": self.name})
                self._ready = True
            if self._pending_pause > 0:
                await s.execute(PAUSE, {"name": self.name, "seconds": self._pending_pause})
                log.info("shared rate limit paused for %.1f s (429)", self._pending_pause)
                self._pending_pause = 0.0
            if prune:
                self._pruned_at = self._mono()
                await s.execute(PRUNE)

    async def _try(self, chat_id: int) -> tuple[bool, float, float]:
        """One grant attempt: (granted, seconds until a retry can succeed, seconds the chat must wait)."""
        params = {"name": self.name, "chat": chat_id, "interval": self.interval, "per_chat": self.per_chat}
        async with self._connection() as s:
            row = (await s.execute(GRANT, params)).one_or_none()
            if row is None:  # the row vanished (a truncate): recreate it and try again
                await s.execute(ENSURE, {"name": self.name})
                return False, 0.0, 0.0
        now = float(row.now)
        wait = max(float(row.next_at), float(row.paused_until), float(row.chat_next)) - now
        return bool(row.granted), wait, float(row.chat_next) - now

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        """A connection of its own in autocommit: one round trip per grant, no pool check-out.

        A failed statement throws the connection away; the next call opens a new one. Its
        commits do not wait for the WAL to reach the disk (``synchronous_commit = off``): a grant
        per message would otherwise cost a disk flush per message.
        """
        async with self._conn_lock:
            if self._conn is None:
                conn = await self.db.engine.connect()
                self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                # Pacing state is worth no disk flush: after a crash the next grant starts afresh.
                await self._conn.execute(text("SET synchronous_commit TO off"))
            try:
                yield self._conn
            except BaseException:
                conn, self._conn = self._conn, None
                with contextlib.suppress(Exception):
                    await conn.invalidate()
                raise

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):
                await conn.close()

    def _remember(self, chat_id: int, seconds: float) -> None:
        self._chat_next[chat_id] = self._mono() + seconds
        self._chat_next.move_to_end(chat_id)
        while len(self._chat_next) > self._max_chats:
            self._chat_next.popitem(last=False)


def make_limiter(delivery: DeliverySettings, db: Database) -> Limiter:
    """The shared limiter on PostgreSQL when ``delivery.shared_rate_limit``; else the in-process one."""
    if db.is_postgres and delivery.shared_rate_limit:
        return SharedRateLimiter(db, delivery.rate_per_second, delivery.per_chat_seconds)
    return RateLimiter(delivery.rate_per_second, delivery.per_chat_seconds)
