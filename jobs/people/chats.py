"""A group upgraded to a supergroup gets a new chat id; everything keyed by the old one moves.

Telegram tells the bot twice: a service message in the old group (``migrate_to_chat_id``) and
one in the new supergroup (``migrate_from_chat_id``); either may come first, and the second
finds nothing left to move. **The rule**, from the schema like the privacy module's: every
integer column named ``chat_id`` or ending in ``_chat_id`` holds a chat id and is moved (the
subscription and through it its settings, alerts and profile; a broadcast composed there;
advice requests posted there when the staff chat itself is upgraded; dialogue state, button
presses and the chat's sending pace). Should the new chat already have a subscription of its
own (someone wrote /start there before the upgrade was handled), the old one, with its
settings and history, wins and the new one is deleted.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, delete, func, select, update

from jobs.db import Database
from jobs.models import Base, Subscriber
from jobs.people.privacy import delete_subscriber

log = logging.getLogger(__name__)


def chat_columns(metadata: MetaData = Base.metadata) -> list[tuple[Table, Column[Any]]]:
    """Every column that holds a Telegram chat id, by the module's rule."""
    return [
        (table, column)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Integer | BigInteger)
        and (column.name == "chat_id" or column.name.endswith("_chat_id"))
    ]


async def move_chat(db: Database, old: int, new: int) -> bool:
    """Move everything keyed by chat ``old`` to chat ``new``. True if a subscription moved."""
    if old == new:
        return False
    async with db.sessions() as s:
        q = select(Subscriber.chat_id, Subscriber.id).where(Subscriber.chat_id.in_((old, new)))
        ids = dict((await s.execute(q)).all())
    if old in ids and new in ids:
        log.warning("chat %s was upgraded to %s, which has a subscription of its own: the old one wins", old, new)
        await delete_subscriber(db, new)
    async with db.sessions.begin() as s:
        for table, column in chat_columns():
            if (await s.scalar(select(func.count()).select_from(table).where(column == old))) == 0:
                continue  # nothing here (or moved already, by the other service message)
            keyed = column.primary_key or column.unique
            if keyed and table.name != Subscriber.__tablename__:  # keyed by the chat: what the new chat has goes
                await s.execute(delete(table).where(column == new))
            await s.execute(update(table).where(column == old).values({column.name: new}))
    moved = old in ids
    if moved:
        log.info("chat %s was upgraded to a supergroup: its subscription moved to %s", old, new)
    return moved
