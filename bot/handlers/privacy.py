"""/mydata (everything stored about you, as a JSON file) and /deletemydata (erase it). Issue 7.

The deletion asks first: a button with callback data ``del:yes:<unix time>:<user id>``,
honoured only for ``CONFIRM_SECONDS`` (an old confirmation button does nothing) and only when
pressed by the user who asked (in a group, another member's press does nothing), and
``del:no``. It acts on the chat the button is in, so forged data can at most erase the
presser's own data, which the command would have done anyway. In a group, deleting the
group's data is for its administrators (bot/groupadmin.py), both the command and the button.

Deleting is idempotent: a second press (a double tap) deletes nothing more, and the edit
that shows the outcome is not sent twice.
"""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ParseMode

from bot.deps import Context, deps_of
from bot.groupadmin import may_change
from bot.handlers.common import edit_text, has_buttons, lang_of
from bot.texts import t
from jobs.people.privacy import delete_subscriber, export_subscriber, has_data, is_empty

CONFIRM_SECONDS = 600
MAX_DOCUMENT_BYTES = 45 * 1024 * 1024  # Telegram takes 50 MB from bots


async def cmd_mydata(update: Update, context: Context) -> None:
    chat, msg, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or msg is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    now = deps.clock()
    data = await export_subscriber(deps.rt.db, chat.id, user_id=user.id if user else None, now=now)
    if is_empty(data):
        await msg.reply_text(t(lang, "mydata_none"), parse_mode=ParseMode.HTML)
        return
    blob = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    if len(blob) > MAX_DOCUMENT_BYTES:  # pragma: no cover - would take years of alerts
        blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    name = f"udbudsbot-{'mine-data' if lang == 'da' else 'my-data'}-{now:%Y-%m-%d}.json"
    await context.bot.send_document(
        chat.id,
        InputFile(blob, filename=name),
        caption=t(lang, "mydata_caption"),
        parse_mode=ParseMode.HTML,
    )


async def cmd_deletemydata(update: Update, context: Context) -> None:
    chat, msg, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or msg is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    if not await may_change(update, context, lang):
        return
    if not await has_data(deps.rt.db, chat.id, user_id=user.id if user else None):
        await msg.reply_text(t(lang, "mydata_none"), parse_mode=ParseMode.HTML)
        return
    stamp = int(deps.clock().timestamp())
    asker = user.id if user else 0
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, "btn_delete_yes"), callback_data=f"del:yes:{stamp}:{asker}")],
            [InlineKeyboardButton(t(lang, "btn_delete_no"), callback_data="del:no")],
        ]
    )
    await msg.reply_text(t(lang, "delete_confirm"), parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def on_delete_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    deps = deps_of(context)
    chat, user = update.effective_chat, update.effective_user
    lang = await lang_of(update, context)
    parts = query.data.split(":")
    if chat is None or len(parts) < 2 or parts[1] not in ("yes", "no"):
        await query.answer()
        return
    if parts[1] == "no":
        await _show(context, chat.id, query.message, t(lang, "delete_cancelled"))
        await query.answer()
        return
    now = deps.clock().timestamp()
    numbers = [int(p) if p.isascii() and p.isdigit() and len(p) <= 20 else None for p in parts[2:]]
    if len(numbers) != 2 or numbers[0] is None or not (now - CONFIRM_SECONDS <= numbers[0] <= now + 60):
        await query.answer(t(lang, "delete_expired")[:200], show_alert=True)
        return
    if user is None or numbers[1] != user.id:  # not the user who asked
        await query.answer(t(lang, "delete_not_yours")[:200], show_alert=True)
        return
    if not await may_change(update, context, lang):  # no longer a group administrator
        return
    if not await has_data(deps.rt.db, chat.id, user_id=user.id):  # deleted already (a double tap)
        await query.answer()
        return
    await delete_subscriber(deps.rt.db, chat.id, user_id=user.id if user else None)
    if context.user_data is not None:
        context.user_data.clear()
    if context.chat_data is not None:
        context.chat_data.clear()
    await _show(context, chat.id, query.message, t(lang, "deleted"))
    await query.answer()


async def _show(context: Context, chat_id: int, message: object, text: str) -> None:
    """Replace the confirmation with the outcome; when the bot cannot edit that message
    (deleted, too old, or not the confirmation at all) the outcome comes as a new message."""
    if has_buttons(message, ("del:",)):
        assert isinstance(message, Message)
        await edit_text(message, text)
        return
    await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
