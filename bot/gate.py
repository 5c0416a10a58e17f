"""What every update passes first (handler group -2), before any handler sees it.

* **Channel posts** and their edits are ignored: the bot answers people, never into a channel.
* **Edited messages** are ignored: the message was acted on when it came, and acting on its
  edit would do it twice (a second advice request, a setting changed back). To change an
  answer, a user sends a new message.
* **A group upgraded to a supergroup** (``migrate_to_chat_id`` in the old group,
  ``migrate_from_chat_id`` in the new one): everything keyed by the old chat id moves to the
  new one (``jobs.people.chats``), so the group keeps its subscription.
* **A repeated button press**: the same data pressed by the same user on the same message as
  it was (a double tap: Telegram delivers both presses with the message as it was before the
  first edit) within
  ``telegram.repeat_press_seconds`` is answered quietly and goes no further, in whichever
  process it arrives (``jobs.people.dialogue.first_press``).
* **A command** changes the subject: what the bot waited for from this user in this chat is
  forgotten (``/cancel`` says so itself).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.deps import Context, deps_of
from bot.handlers.common import asker, awaited, for_another_bot
from jobs.people import chats, dialogue

log = logging.getLogger(__name__)


async def gate(update: Update, context: Context) -> None:
    if update.channel_post is not None or update.edited_channel_post is not None:
        raise ApplicationHandlerStop
    if update.edited_message is not None:
        raise ApplicationHandlerStop
    message = update.message
    if message is not None and (message.migrate_to_chat_id or message.migrate_from_chat_id):
        await _migrate(message, context)
        raise ApplicationHandlerStop
    if update.callback_query is not None and not await _first_press(update, context):
        await update.callback_query.answer()
        raise ApplicationHandlerStop
    if message is not None and _is_command(message) and not for_another_bot(message, context.bot.username):
        command = (message.text or "").split(maxsplit=1)[0].split("@", 1)[0].lower()
        if command != "/cancel" and message.chat is not None and await awaited(update, context):
            await dialogue.clear(deps_of(context).rt.db, *asker(update))


def _is_command(message: Message) -> bool:
    entities = message.entities or ()
    return bool(entities) and entities[0].type == "bot_command" and entities[0].offset == 0


async def _migrate(message: Message, context: Context) -> None:
    old, new = (
        (message.chat.id, message.migrate_to_chat_id)
        if message.migrate_to_chat_id
        else (message.migrate_from_chat_id, message.chat.id)
    )
    assert old is not None and new is not None
    deps = deps_of(context)
    await chats.move_chat(deps.rt.db, old, new)
    deps.group_admins.pop(old, None)
    if old == deps.settings.telegram.staff_chat_id:
        log.warning("the staff chat %s was upgraded to a supergroup: set telegram.staff_chat_id = %s", old, new)
    context.application.migrate_chat_data(old_chat_id=old, new_chat_id=new)


async def _first_press(update: Update, context: Context) -> bool:
    query = update.callback_query
    assert query is not None
    message = query.message
    chat = update.effective_chat
    if message is None or chat is None:
        return True
    state = ""
    if isinstance(message, Message):
        markup = message.reply_markup.to_dict() if message.reply_markup is not None else None
        stamp = message.edit_date.timestamp() if message.edit_date is not None else 0
        state = json.dumps([message.text or message.caption or "", markup, stamp], sort_keys=True, default=str)
    deps = deps_of(context)
    window = timedelta(seconds=deps.settings.telegram.repeat_press_seconds)
    # another user's press of the same button is theirs, not a repeat
    key = dialogue.press_key(chat.id, message.message_id, query.from_user.id, query.data or "", state)
    return await dialogue.first_press(deps.rt.db, key, deps.clock(), window)
