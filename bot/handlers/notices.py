"""The buttons under a notice: details, feedback, reminder, ask an advisor.

Callback data is ``n:<action>:<notice id>``; a chat may only act on notices it was
sent (checked against the outbox), whatever data a client makes up.
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode

from bot.deps import Context, deps_of
from bot.handlers.common import notice_of_button
from bot.render import render_details, when
from bot.texts import t
from jobs.deliver.resolve import stored_notice
from jobs.people.subscribers import add_reminder, record_feedback


async def on_notice_button(update: Update, context: Context) -> None:
    """``n:<d|r|x|m>:<id>``; ``n:a:<id>`` (ask an advisor) is the advice handler's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    button = await notice_of_button(update, context)
    if button is None:
        return
    chat, notice_id, lang = button
    action = query.data.split(":")[1]
    deps = deps_of(context)
    now = deps.clock()
    tz = deps.settings.delivery.timezone
    if action == "d":
        view = await stored_notice(deps.rt.db, notice_id)
        if view is None:  # deleted by retention since
            await query.answer(t(lang, "not_yours"), show_alert=True)
            return
        await context.bot.send_message(
            chat,
            render_details(view, lang, now, tz),
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
        )
        await query.answer()
    elif action in ("r", "x"):
        relevant = action == "r"
        await record_feedback(deps.rt.db, chat, notice_id, relevant, now)
        if relevant:
            await add_reminder(deps.rt.db, chat, notice_id, now, deps.settings.delivery.reminder_days)
        await query.answer(t(lang, "feedback_yes" if relevant else "feedback_no"))
    elif action == "m":
        res = await add_reminder(deps.rt.db, chat, notice_id, now, deps.settings.delivery.reminder_days)
        if res.status in ("scheduled", "exists") and res.remind_at is not None:
            text = t(lang, f"remind_{res.status}", date=html.unescape(when(res.remind_at, lang, tz)))
        else:
            text = t(lang, f"remind_{res.status}" if res.status != "unknown" else "not_yours")
        await query.answer(text[:200])
    else:
        await query.answer()
