"""Advice requests: an enterprise asks, staff answer by replying in the staff chat.

Three ways in: the "Spørg en rådgiver" button under a notice, ``/raadgivning [question]``
and the "Send til en rådgiver" button under a question the bot could not answer (the
bot's reply quotes the question, so the button needs no state). The request is posted
to the staff chat; a staff member's reply to that post is the answer, which goes back
to the enterprise through the outbox (``jobs.people.advice``).

A request is opened once per message: the question's message id goes with it, so pressing
"Send til en rådgiver" twice (or Telegram delivering it twice) opens one request.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import staffchat
from bot.deps import Context, deps_of
from bot.handlers.common import edit_markup, expect, has_buttons, lang_of, notice_of_button, profile_of, text_of
from bot.render import esc
from bot.staff_views import render_answer, who
from bot.texts import t, user_language
from jobs.people import advice, staff
from jobs.people.dialogue import Awaiting
from jobs.people.markup import MAX_VISIBLE, visible_length

log = logging.getLogger(__name__)


async def cmd_raadgivning(update: Update, context: Context) -> None:
    """``/raadgivning <question>`` sends it; without a question the next message is the question."""
    msg = update.effective_message
    if msg is None:
        return
    parts = (msg.text or "").split(maxsplit=1)  # the command, then the question as written
    question = parts[1].strip() if len(parts) == 2 else ""
    if question:
        await submit(update, context, question, notice_id=None, source_message_id=msg.message_id)
        return
    await expect(update, context, "advice", {"notice_id": None})
    await msg.reply_text(t(await lang_of(update, context), "adv_ask"), parse_mode=ParseMode.HTML)


async def on_ask_button(update: Update, context: Context) -> None:
    """``n:a:<id>`` under a notice: ask for the question (the notice goes along with it)."""
    query = update.callback_query
    assert query is not None
    button = await notice_of_button(update, context)
    if button is None:
        return
    chat_id, notice_id, lang = button
    title = await advice.notice_title(deps_of(context).rt.db, notice_id)
    message_id = query.message.message_id if query.message is not None else None
    await expect(update, context, "advice", {"notice_id": notice_id}, prompt_message_id=message_id)
    await context.bot.send_message(chat_id, t(lang, "adv_ask_notice", title=esc(title, 200)), parse_mode=ParseMode.HTML)
    await query.answer()


async def answer(update: Update, context: Context, state: Awaiting) -> None:
    """The question the bot asked for (bot/router.py): the text, or a photo's caption."""
    msg = update.effective_message
    question = text_of(msg)
    if msg is None or question is None:
        return
    notice_id = state.payload.get("notice_id")
    await submit(
        update,
        context,
        question,
        notice_id=notice_id if isinstance(notice_id, int) else None,
        source_message_id=msg.message_id,
    )


async def on_offer_button(update: Update, context: Context) -> None:
    """``adv:q`` under the fallback answer: the question is the message it replies to."""
    query = update.callback_query
    assert query is not None
    lang = await lang_of(update, context)
    if not has_buttons(query.message, ("adv:",)):  # made-up data on another message, or too old
        await query.answer(t(lang, "adv_offer_gone")[:200], show_alert=True)
        return
    original = getattr(query.message, "reply_to_message", None)  # an old message may be inaccessible
    question = text_of(original) if original is not None else None
    if not question or original is None:
        await query.answer(t(lang, "adv_offer_gone")[:200], show_alert=True)
        return
    await submit(update, context, question, notice_id=None, source_message_id=original.message_id)
    try:
        await edit_markup(query.message, None)  # type: ignore[arg-type]  # asked once is enough
    except TelegramError as e:
        log.info("could not remove the advice button: %s", e)
    await query.answer()


async def submit(
    update: Update, context: Context, question: str, *, notice_id: int | None, source_message_id: int | None
) -> None:
    """Open the request (once per ``source_message_id``), post it to staff and say so."""
    deps = deps_of(context)
    lang = await lang_of(update, context)
    if not question.strip():  # only spaces (found by tests/test_fuzz_updates.py): ask for the question
        chat = update.effective_chat
        assert chat is not None
        await expect(update, context, "advice", {"notice_id": notice_id})
        await context.bot.send_message(chat.id, t(lang, "adv_ask"), parse_mode=ParseMode.HTML)
        return
    req = await advice.create_request(
        deps.rt.db,
        profile_of(update, lang),
        question,
        notice_id=notice_id,
        now=deps.clock(),
        source_message_id=source_message_id,
    )
    if req.repeated:  # this message opened it already: posted and confirmed then
        return
    await staffchat.post_request(context.bot, deps, req)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, t(lang, "adv_sent", id=req.id), parse_mode=ParseMode.HTML)


async def on_staff_reply(update: Update, context: Context) -> None:
    """A reply in the staff chat to a posted request is the answer (group -1: seen first).

    Anything else passes on to the other handlers untouched.
    """
    msg = update.effective_message
    chat = update.effective_chat
    deps = deps_of(context)
    staff_chat = deps.settings.telegram.staff_chat_id
    if msg is None or chat is None or not staff_chat or chat.id != staff_chat or msg.reply_to_message is None:
        return
    req = await advice.by_staff_message(deps.rt.db, chat.id, msg.reply_to_message.message_id)
    if req is None:
        return
    user = update.effective_user
    if await staff.role_of(deps.rt.db, deps.settings.staff, user.id if user else None) is None:
        log.warning("ignored a reply to advice request %s from non-staff user %s", req.id, user.id if user else None)
        await staff.log_refused(deps.rt.db, user.id if user else None, f"advice-reply:{req.id}", deps.clock())
        raise ApplicationHandlerStop
    lang = user_language(user.language_code if user else None)
    if not msg.text:
        raise ApplicationHandlerStop
    body = render_answer(req, msg.text_html)
    if visible_length(body) > MAX_VISIBLE:
        await msg.reply_text(t(lang, "adv_staff_too_long"), parse_mode=ParseMode.HTML)
        raise ApplicationHandlerStop
    assert user is not None
    done = await advice.answer(
        deps.rt.db,
        req.id,
        html_text=body,
        answer_text=msg.text,
        by=user.id,
        reply_message_id=msg.message_id,
        now=deps.clock(),
    )
    if done is not None and not done.duplicate:
        key = "adv_staff_answered" if done.first else "adv_staff_followup"
        await msg.reply_text(t(lang, key, who=who(req.name, req.username), id=req.id), parse_mode=ParseMode.HTML)
    raise ApplicationHandlerStop
