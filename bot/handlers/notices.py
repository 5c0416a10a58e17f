"""The buttons under a notice: details, feedback, reminder, ask an advisor.

Callback data is ``n:<action>:<notice id>``; a chat may only act on notices it was
sent (checked against the outbox), whatever data a client makes up.
"""

from __future__ import annotations

import html

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from telegram import Update
from telegram.constants import ParseMode

from bot.deps import Context, deps_of
from bot.handlers import advice
from bot.handlers.common import lang_of, parse_id
from bot.render import render_details, when
from bot.texts import t
from jobs.deliver.resolve import notice_view
from jobs.models import NoticeRow
from jobs.people.subscribers import add_reminder, received, record_feedback


async def on_notice_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    deps = deps_of(context)
    lang = await lang_of(update, context)
    parts = query.data.split(":")
    chat = update.effective_chat
    parsed = parse_id(parts[2]) if len(parts) == 3 else None
    if parsed is None or chat is None:
        await query.answer()
        return
    action, notice_id = parts[1], parsed
    if not await received(deps.rt.db, chat.id, notice_id):
        await query.answer(t(lang, "not_yours"), show_alert=True)
        return
    now = deps.clock()
    tz = deps.settings.delivery.timezone
    if action == "d":
        async with deps.rt.db.sessions() as s:
            row = (
                await s.scalars(
                    select(NoticeRow).where(NoticeRow.id == notice_id).options(selectinload(NoticeRow.lots))
                )
            ).one()
            view = notice_view(row)
        await context.bot.send_message(
            chat.id,
            render_details(view, lang, now, tz, sectors=deps.settings.classifier.sectors),
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
        )
        await query.answer()
    elif action in ("r", "x"):
        relevant = action == "r"
        await record_feedback(deps.rt.db, chat.id, notice_id, relevant, now)
        if relevant:
            await add_reminder(deps.rt.db, chat.id, notice_id, now, deps.settings.delivery.reminder_days)
        await query.answer(t(lang, "feedback_yes" if relevant else "feedback_no"))
    elif action == "m":
        res = await add_reminder(deps.rt.db, chat.id, notice_id, now, deps.settings.delivery.reminder_days)
        if res.status in ("scheduled", "exists") and res.remind_at is not None:
            text = t(lang, f"remind_{res.status}", date=html.unescape(when(res.remind_at, lang, tz)))
        else:
            text = t(lang, f"remind_{res.status}" if res.status != "unknown" else "not_yours")
        await query.answer(text[:200])
    elif action == "a":
        await advice.ask_about_notice(update, context, notice_id, lang)  # the next message is the question
        await query.answer()
    else:
        await query.answer()
