"""Small helpers shared by handlers: the user's language, replies, safe edits."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.deps import Context, deps_of
from bot.texts import t, user_language
from jobs.people.subscribers import Profile, get_subscriber, received


async def lang_of(update: Update, context: Context) -> str:
    """The subscriber's chosen language, else Telegram's (English only if English)."""
    chat = update.effective_chat
    if chat is not None:
        sub = await get_subscriber(deps_of(context).rt.db, chat.id)
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


async def edit_text(message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit a message, skipping an edit that would change nothing (Telegram refuses it with
    "message is not modified", e.g. when a button is pressed twice)."""
    if _shown(text) == (message.text or "").strip() and message.reply_markup == reply_markup:
        return
    await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=reply_markup)


async def edit_markup(message: Message, reply_markup: InlineKeyboardMarkup | None) -> None:
    if message.reply_markup == reply_markup:
        return
    await message.edit_reply_markup(reply_markup)


def reply_key(name: str, update: Update) -> tuple[str, int]:
    """The ``user_data`` key of "the next message in this chat answers ``name``".

    ``user_data`` belongs to the user in every chat: keyed without the chat, a question asked
    in the private chat would be answered by the user's next message in a group (found by
    tests/test_fuzz_updates.py).
    """
    chat = update.effective_chat
    return (name, chat.id if chat is not None else 0)


async def reply_unknown_command(update: Update, context: Context) -> None:
    """The reply to a command the bot does not know (and to staff commands from non-staff)."""
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
