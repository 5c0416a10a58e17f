"""Free-text questions (hours, FAQ) and /hours; the help topics as buttons."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot.deps import Context, deps_of
from bot.handlers.common import lang_of
from bot.keyboards import offer_keyboard
from bot.texts import t
from jobs.answers.ask import respond
from jobs.answers.hours.answer import overview

MAX_QUESTION = 1000


async def cmd_hours(update: Update, context: Context) -> None:
    deps = deps_of(context)
    lang = await lang_of(update, context)
    text = overview(deps.settings.hours, deps.clock(), lang)
    if update.effective_message:
        await update.effective_message.reply_text(html.escape(text)[:4096], parse_mode=ParseMode.HTML)


async def cmd_help(update: Update, context: Context) -> None:
    deps = deps_of(context)
    lang = await lang_of(update, context)
    buttons = [
        [InlineKeyboardButton(entry.title(lang)[:60], callback_data=f"faq:{entry.id}"[:64])]
        for entry in deps.kb.entries
    ]
    if update.effective_message:
        await update.effective_message.reply_text(
            t(lang, "help"), parse_mode=ParseMode.HTML, reply_markup=InlineKeyboardMarkup(buttons)
        )


async def on_faq_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    deps = deps_of(context)
    lang = await lang_of(update, context)
    entry_id = query.data.split(":", 1)[1]
    entry = next((e for e in deps.kb.entries if e.id == entry_id), None)
    await query.answer()
    if entry is not None and update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id, html.escape(entry.answer(lang))[:4096], parse_mode=ParseMode.HTML
        )


async def on_question(update: Update, context: Context) -> None:
    """A question in plain text: hours, the FAQ, else the offer to pass it to an advisor."""
    msg = update.effective_message
    if msg is None or not msg.text:
        return
    deps = deps_of(context)
    reply = respond(msg.text[:MAX_QUESTION], deps.clock(), deps.settings.hours, deps.kb, deps.settings.faq.min_score)
    if reply.kind == "unknown":  # offer to pass it to staff; the reply quotes the question the button sends
        await msg.reply_text(
            html.escape(reply.text)[:4096],
            parse_mode=ParseMode.HTML,
            reply_markup=offer_keyboard(reply.lang),
            do_quote=True,
        )
        return
    await msg.reply_text(html.escape(reply.text)[:4096], parse_mode=ParseMode.HTML)
