"""Free-text questions (small talk, contact details, hours, FAQ) and /hours; the help topics
as buttons; the reply to a message that is not text.

Every reply is in the chat's chosen language (its subscription's, e.g. after /language en);
without a subscription, in the language of the question.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot.deps import Context, deps_of
from bot.handlers.common import chosen_language, lang_of
from bot.keyboards import offer_keyboard
from bot.render import MAX_MESSAGE, esc
from bot.texts import t
from jobs.answers.ask import respond
from jobs.answers.hours.answer import overview

MAX_QUESTION = 1000


async def cmd_hours(update: Update, context: Context) -> None:
    deps = deps_of(context)
    lang = await lang_of(update, context)
    text = overview(deps.settings.hours, deps.clock(), lang)
    if update.effective_message:
        await update.effective_message.reply_text(esc(text, MAX_MESSAGE), parse_mode=ParseMode.HTML)


async def cmd_help(update: Update, context: Context) -> None:
    deps = deps_of(context)
    lang = await lang_of(update, context)
    keyboard = deps.help_keyboards.get(lang)
    if keyboard is None:  # built once per language: the topics do not change while the bot runs
        keyboard = deps.help_keyboards[lang] = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(entry.title(lang)[:60], callback_data=f"faq:{entry.id}"[:64])]
                for entry in deps.kb.entries
            ]
        )
    if update.effective_message:
        await update.effective_message.reply_text(t(lang, "help"), parse_mode=ParseMode.HTML, reply_markup=keyboard)


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
            update.effective_chat.id, esc(entry.answer(lang), MAX_MESSAGE), parse_mode=ParseMode.HTML
        )


async def on_question(update: Update, context: Context, text: str) -> None:
    """A question in plain text (or a photo's caption): small talk, contact details, hours, the
    FAQ, else the offer to pass it to an advisor (bot/router.py)."""
    msg = update.effective_message
    if msg is None or not text:
        return
    deps = deps_of(context)
    reply = respond(
        text[:MAX_QUESTION],
        deps.clock(),
        deps.settings.hours,
        deps.kb,
        deps.settings.faq.min_score,
        contact=deps.settings.contact,
        lang=await chosen_language(update, context),  # type: ignore[arg-type]
    )
    if reply.kind == "unknown":  # offer to pass it to staff; the reply quotes the question the button sends
        await msg.reply_text(
            esc(reply.text, MAX_MESSAGE),
            parse_mode=ParseMode.HTML,
            reply_markup=offer_keyboard(reply.lang),
            do_quote=True,
        )
        return
    await msg.reply_text(esc(reply.text, MAX_MESSAGE), parse_mode=ParseMode.HTML, disable_web_page_preview=True)


async def on_not_text(update: Update, context: Context) -> None:
    """A sticker, voice note, location, contact or photo without a caption: what the bot reads."""
    if update.effective_message is not None:
        lang = await lang_of(update, context)
        await update.effective_message.reply_text(t(lang, "not_text"), parse_mode=ParseMode.HTML)


async def on_cancel(update: Update, context: Context, *, waited: bool) -> None:
    """``/cancel`` (bot/router.py): the bot no longer waits for an answer, or did not."""
    if update.effective_message is not None:
        key = "cancel_done" if waited else "cancel_nothing"
        await update.effective_message.reply_text(t(await lang_of(update, context), key), parse_mode=ParseMode.HTML)
