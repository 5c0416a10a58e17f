"""What the bot waits for from a chat, and buttons already pressed: kept in the database.

**Dialogue state.** When the bot asks for something it cannot get from a button ("Skriv dine
nøgleord", "Vælg eller skriv et beløb", a profile field, an advice question, a broadcast's
text or send time), it records *what* it waits for from that user in that chat; the next
plain message from them is the answer (bot/router.py). In the database, not in a process's
memory: a restart between the question and the answer loses nothing, and with several
processes the answer may reach any of them. One row per (chat, user): a new question
replaces the old one; a command clears it; it expires after ``telegram.dialogue_minutes``
(``alive`` decides, with the clock passed in), after which a message is a new question.

**Button presses.** Telegram delivers a double tap as two presses that both carry the message
as it was *before* the first press changed it. ``first_press`` records each press by a key
(``press_key``: a hash of the chat, the message, the user, the data and the message's state);
the same key again within ``telegram.repeat_press_seconds`` is a repeat, answered quietly by
the bot and acted on once, in whichever process it arrives. Only the hash is stored, for a
day at most: no chat or user id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete

from jobs.db import Database
from jobs.models import ButtonPress, Dialogue

KINDS = frozenset({"keywords", "maxvalue", "advice", "profile", "broadcast_text", "broadcast_when"})
PRESS_KEEP = timedelta(days=1)  # presses older than this are pruned (only the last seconds matter)


@dataclass(frozen=True)
class Awaiting:
    """What the bot waits for: ``kind`` (one of ``KINDS``) with its details in ``payload``."""

    kind: str
    asked_at: datetime
    expires_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    prompt_message_id: int | None = None  # the message whose button asked, if a button did


def alive(state: Awaiting, now: datetime) -> bool:
    """Is the question still open at ``now``? (Pure: the clock is the caller's.)"""
    return now < state.expires_at


def _state(row: Any) -> Awaiting:
    """From a ``Dialogue`` row, or a result row with its columns."""
    return Awaiting(row.kind, row.asked_at, row.expires_at, dict(row.payload or {}), row.prompt_message_id)


async def expect(
    db: Database,
    chat_id: int,
    user_id: int,
    kind: str,
    now: datetime,
    ttl: timedelta,
    *,
    payload: dict[str, Any] | None = None,
    prompt_message_id: int | None = None,
) -> Awaiting:
    """The bot asked ``user_id`` in ``chat_id`` for ``kind``: their next message answers it."""
    if kind not in KINDS:
        raise ValueError(f"not a dialogue kind: {kind!r}")
    state = Awaiting(kind, now, now + ttl, dict(payload or {}), prompt_message_id)
    values = {
        "chat_id": chat_id,
        "user_id": user_id,
        "kind": kind,
        "payload": state.payload,
        "prompt_message_id": prompt_message_id,
        "asked_at": now,
        "expires_at": state.expires_at,
    }
    stmt = db.insert(Dialogue).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Dialogue.chat_id, Dialogue.user_id],
        set_={k: stmt.excluded[k] for k in values if k not in ("chat_id", "user_id")},
    )
    async with db.sessions.begin() as s:
        await s.execute(stmt)
    return state


async def waiting(db: Database, chat_id: int, user_id: int, now: datetime) -> Awaiting | None:
    """What the bot waits for from this user in this chat (None: nothing, or expired)."""
    async with db.sessions() as s:
        row = await s.get(Dialogue, (chat_id, user_id))
        state = _state(row) if row is not None else None
    return state if state is not None and alive(state, now) else None


async def take(db: Database, chat_id: int, user_id: int, now: datetime) -> Awaiting | None:
    """Remove and return what the bot waited for: the message at hand is its answer.

    One ``DELETE ... RETURNING`` that commits by itself (it runs on every plain message):
    exactly one caller gets the row, also when two processes handle two messages at once;
    an expired question is removed too, and None returned (the message is a new question).
    """
    stmt = (
        delete(Dialogue)
        .where(Dialogue.chat_id == chat_id, Dialogue.user_id == user_id)
        .returning(Dialogue.kind, Dialogue.asked_at, Dialogue.expires_at, Dialogue.payload, Dialogue.prompt_message_id)
    )
    async with db.autocommit.connect() as conn:
        row = (await conn.execute(stmt)).one_or_none()
    if row is None:
        return None
    state = _state(row)
    return state if alive(state, now) else None


async def clear(db: Database, chat_id: int, user_id: int) -> bool:
    """Stop waiting (a command changes the subject; /cancel). True if something was waited for.

    One statement that commits by itself: it runs on every command."""
    async with db.autocommit.connect() as conn:
        gone = await conn.execute(delete(Dialogue).where(Dialogue.chat_id == chat_id, Dialogue.user_id == user_id))
    return bool(gone.rowcount)


def press_key(chat_id: int, message_id: int, user_id: int, data: str, message_state: str) -> str:
    """The key of a press: a hash of where (chat, message), who, which button (its callback
    data) and the message as the press carried it (text, keyboard, edit time). Pure."""
    raw = f"{chat_id}\x00{message_id}\x00{user_id}\x00{data}\x00{message_state}"
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


async def first_press(db: Database, key: str, now: datetime, window: timedelta) -> bool:
    """Record a press; False if the same press (``key``) was seen within ``window`` before
    ``now`` (a double tap, or Telegram delivering it again).

    One statement that commits by itself (it runs on every press): a new key is inserted, a
    key last pressed before the window is pressed anew, a key pressed within it is left as it
    is and changes no row. Two processes recording the same press at once: the database lets
    one insert it and the other find it there."""
    insert = db.insert(ButtonPress).values(key=key, pressed_at=now)
    stmt = insert.on_conflict_do_update(
        index_elements=[ButtonPress.key],
        set_={"pressed_at": insert.excluded.pressed_at},
        where=ButtonPress.pressed_at <= now - window,
    )
    async with db.autocommit.connect() as conn:
        done = await conn.execute(stmt)
    return done.rowcount == 1


async def prune(db: Database, now: datetime) -> int:
    """Delete expired questions and old presses (the daily retention job)."""
    async with db.sessions.begin() as s:
        a = await s.execute(delete(Dialogue).where(Dialogue.expires_at <= now))
        b = await s.execute(delete(ButtonPress).where(ButtonPress.pressed_at <= now - PRESS_KEEP))
    return int(getattr(a, "rowcount", 0) or 0) + int(getattr(b, "rowcount", 0) or 0)
