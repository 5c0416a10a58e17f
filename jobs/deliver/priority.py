"""People first: the sender holds its next message while someone waits for a reply.

A process that both answers people and sends a broadcast runs both on one event loop, and
with the CPU short (other work on the machine, a burst of people writing at once) every
message the sender starts takes CPU from the replies people are waiting for. A broadcast's
message can go out a fraction of a second later without anyone noticing; a reply that comes
late is noticed. So the face that handles people's updates marks each one
(:meth:`Foreground.busy`), and the sender, before it starts a message, waits until no update
is being handled, at most ``max_wait`` (:meth:`Foreground.yield_to`): under a constant stream of
updates it still sends, at least one message per ``max_wait``, and with nobody writing it
does not wait at all. Messages already on their way are not held.

In-process state of one event loop, nothing shared: each process gives way to its own updates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

FOREGROUND_WAIT = 0.1  # seconds the sender holds a message at most for people's updates


class Foreground:
    """How many people's updates are being handled now, and a wait for none."""

    def __init__(self, max_wait: float = FOREGROUND_WAIT) -> None:
        self.max_wait = max_wait
        self.running = 0
        self.yields = 0  # times the sender waited (metrics, tests)
        self._idle = asyncio.Event()
        self._idle.set()

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Around the handling of one update."""
        self.running += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.running -= 1
            if self.running == 0:
                self._idle.set()

    async def yield_to(self) -> None:
        """Return when no update is being handled, or after ``max_wait`` seconds."""
        if self.running == 0:
            return
        self.yields += 1
        try:
            await asyncio.wait_for(self._idle.wait(), self.max_wait)
        except TimeoutError:
            pass
