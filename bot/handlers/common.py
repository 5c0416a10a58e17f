"""Small helpers shared by handlers: the user's language, replies, safe edits, what the bot
waits for from a user (dialogue state, kept in the database by ``jobs.people.dialogue``)."""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.deps import Context, deps_of
from bot.texts import t, user_language
from jobs.people import dialogue
from jobs.people.subscribers import Arrival, Profile, Subscriber, look_up, received

log = logging.getLogger(__name__)


_FOUND = "udbudsbot_arrival"  # where arrival_of keeps what it read, in the update's context


async def arrival_of(update: Update, context: Context) -> Arrival | None:
    """What the update found, read once per update: the chat's subscriber, and whether the bot
    waits for an answer from this user in this chat (one statement, no transaction:
    ``jobs.people.subscribers.look_up``). None for an update without a chat.

    PTB builds one context per update and hands it to every handler group, so the gate, the
    router, the language choice and the handler share one look-up. A handler that changed
    the subscriber and needs it as it is now reads it again itself.
    """
    chat = update.effective_chat
    if chat is None:
        return None
    found: dict[int, Arrival] = vars(context).setdefault(_FOUND, {})
    if chat.id not in found:
        chat_id, user_id = asker(update)
        found[chat.id] = await look_up(deps_of(context).rt.db, chat_id, user_id)
    return found[chat.id]


async def subscriber_of(update: Update, context: Context) -> Subscriber | None:
    """The chat's subscriber as the update found it (``arrival_of``)."""
    arrival = await arrival_of(update, context)
    return arrival.subscriber if arrival is not None else None


async def awaited(update: Update, context: Context) -> bool:
    """Might the bot wait for an answer from this user in this chat? False only when the
    update's look-up found nothing waiting: what the bot waits for is set only in answer to
    this user's own updates in this chat, which run one after the other (bot/updates.py), so
    nothing can start waiting between the look-up and the update's handler."""
    arrival = await arrival_of(update, context)
    return arrival is None or arrival.awaited


async def chosen_language(update: Update, context: Context) -> str | None:
    """The language the chat chose (its subscription's), or None when it has none."""
    sub = await subscriber_of(update, context)
    return sub.language if sub is not None else None


async def lang_of(update: Update, context: Context) -> str:
    """The subscriber's chosen language, else Telegram's (English only if English)."""
    sub = await subscriber_of(update, context)
    if sub is not None:
        return sub.language
    user = update.effective_user
    return user_language(user.language_code if user else None)


def profile_of(update: Update, lang: str) -> Profile:
    user = update.effective_user
    chat = update.effective_chat
    assert chat is not None
    name = (user.full_name if user else "") or (chat.title or "")
    return Profile(chat.id, user.id if user else None, name, user.username if user else None, lang)


MAX_ID = 2**31 - 1  # row ids are 32-bit integers (PostgreSQL INTEGER)


def parse_id(text: str) -> int | None:
    """A row id from callback data: ASCII digits in range, else None (data can be forged:
    "²" is a digit to ``str.isdigit`` but not to ``int``, and 2**63 overflows the database)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def has_buttons(message: object, prefixes: tuple[str, ...]) -> bool:
    """Is ``message`` a text message the bot can still edit that carries buttons of this kind?

    A client can send any callback data for any message, and a message older than 48 hours
    or deleted arrives as an InaccessibleMessage; a handler that edits checks this first.
    """
    if not isinstance(message, Message) or message.text is None or message.reply_markup is None:
        return False
    return any(
        isinstance(b.callback_data, str) and b.callback_data.startswith(prefixes)
        for row in message.reply_markup.inline_keyboard
        for b in row
    )


def _shown(text: str) -> str:
    """What Telegram shows for our HTML (tags dropped, references decoded, trimmed)."""
    return html.unescape(re.sub(r"<[^>]*>", "", text)).strip()


def is_not_modified(error: BaseException) -> bool:
    """Telegram's answer to an edit that would change nothing ("message is not modified")."""
    return isinstance(error, BadRequest) and "message is not modified" in error.message.lower()


async def edit_text(message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit a message, skipping an edit that would change nothing.

    Every edit the bot makes in answer to a user goes through here or ``edit_markup``: the one
    place where Telegram's "message is not modified" is not an error. A double tap delivers
    two presses that both carry the message as it was before the first edit, so the second
    edit can be the same as the first; it is then not sent, or, when the message we hold is
    older than Telegram's, Telegram refuses it and that is fine too.
    """
    if _shown(text) == (message.text or "").strip() and message.reply_markup == reply_markup:
        return
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=reply_markup)
    except BadRequest as e:
        if not is_not_modified(e):
            raise
        log.debug("edit of message %s not needed: %s", message.message_id, e.message)


async def edit_markup(message: Message, reply_markup: InlineKeyboardMarkup | None) -> None:
    """Change only the keyboard (None removes it); see ``edit_text``."""
    if message.reply_markup == reply_markup or (reply_markup is None and not message.reply_markup):
        return
    try:
        await message.edit_reply_markup(reply_markup)
    except BadRequest as e:
        if not is_not_modified(e):
            raise
        log.debug("keyboard edit of message %s not needed: %s", message.message_id, e.message)


def text_of(message: Message | None) -> str | None:
    """What the user wrote: the text, or the caption of a photo, document or video."""
    if message is None:
        return None
    return message.text if message.text is not None else message.caption


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


# ---- what the bot waits for (jobs/people/dialogue.py) ---------------------------------


def asker(update: Update) -> tuple[int, int]:
    """(chat id, user id) whose next message answers a question; user 0 when there is none."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    return chat.id, user.id if user is not None else 0


async def expect(
    update: Update,
    context: Context,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    prompt_message_id: int | None = None,
) -> None:
    """The next plain message from this user in this chat answers ``kind`` (bot/router.py)."""
    deps = deps_of(context)
    chat_id, user_id = asker(update)
    ttl = timedelta(minutes=deps.settings.telegram.dialogue_minutes)
    await dialogue.expect(
        deps.rt.db, chat_id, user_id, kind, deps.clock(), ttl, payload=payload, prompt_message_id=prompt_message_id
    )


async def waiting_for(update: Update, context: Context) -> dialogue.Awaiting | None:
    """What the bot waits for from this user in this chat, if anything (not taken)."""
    deps = deps_of(context)
    chat_id, user_id = asker(update)
    return await dialogue.waiting(deps.rt.db, chat_id, user_id, deps.clock())


async def stop_waiting(update: Update, context: Context) -> None:
    chat_id, user_id = asker(update)
    await dialogue.clear(deps_of(context).rt.db, chat_id, user_id)


def for_another_bot(message: Message | None, bot_username: str | None) -> bool:
    """Is this ``/command@other_bot``, meant for another bot in the group?"""
    text = (message.text or "") if message is not None else ""
    word = text.split(maxsplit=1)[0] if text.startswith("/") else ""
    _, at, name = word.partition("@")
    return bool(at) and name.lower() != (bot_username or "").lower()


async def reply_unknown_command(update: Update, context: Context) -> None:
    """The reply to a command the bot does not know (and to staff commands from non-staff);
    a command for another bot in a group is none of ours."""
    if for_another_bot(update.effective_message, context.bot.username):
        return
    if update.effective_message:
        lang = await lang_of(update, context)
        await update.effective_message.reply_text(t(lang, "unknown_command"), parse_mode=ParseMode.HTML)


async def notice_of_button(update: Update, context: Context) -> tuple[int, int, str] | None:
    """(chat id, notice id, language) of a press on a notice's button ``n:<action>:<id>``.

    A chat may only act on a notice it was sent, whatever data a client makes up; any other
    press is answered here (quietly, or "not yours") and None returned.
    """
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    chat = update.effective_chat
    notice_id = parse_id(parts[2]) if len(parts) == 3 else None
    if notice_id is None or chat is None:
        await query.answer()
        return None
    lang = await lang_of(update, context)
    if not await received(deps_of(context).rt.db, chat.id, notice_id):
        await query.answer(t(lang, "not_yours"), show_alert=True)
        return None
    return chat.id, notice_id, lang
