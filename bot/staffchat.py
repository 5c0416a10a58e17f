"""What the bot posts to staff on its own, outside any update: advice requests, the weekly chart,
and the progress and report of a broadcast being sent.

Called by handlers (a request just made, ``/chart``) and by the scheduled jobs (requests the
staff chat did not get, Mondays' chart, the broadcast tick); it schedules nothing itself.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.deps import Deps
from bot.directory_views import staff_profile_text
from bot.staff_views import chart_png, progress_text, render_request, report_text
from bot.texts import t
from jobs.categories import prefix_table
from jobs.directory import profiles as directory
from jobs.ops.chart import weekly_data
from jobs.people import advice
from jobs.people import broadcasts as bc
from jobs.status import BroadcastStatus

log = logging.getLogger(__name__)
STAFF_LANG = "da"  # what the bot posts to the staff chat on its own is in Danish


async def post_request(bot: Bot, deps: Deps, req: advice.RequestView) -> bool:
    """Post an advice request to the staff chat and remember the message staff will reply to."""
    chat = deps.settings.telegram.staff_chat_id
    if not chat:
        log.warning("advice request %s stored, but no staff chat is configured", req.id)
        return False
    try:
        msg = await bot.send_message(
            chat, render_request(req, STAFF_LANG), parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )
    except TelegramError:
        log.exception("could not post advice request %s to the staff chat (tried again later)", req.id)
        return False
    await advice.mark_posted(deps.rt.db, req.id, chat, msg.message_id)
    return True


async def repost_requests(bot: Bot, deps: Deps) -> None:
    """Post the requests the staff chat did not get when they were made."""
    if deps.settings.telegram.staff_chat_id:
        for req in await advice.unposted(deps.rt.db):
            if not await post_request(bot, deps, req):
                break


async def send_chart(bot: Bot, deps: Deps, chat_id: int, lang: str) -> None:
    """The week's notices per category and level, as a picture."""
    tz = deps.settings.delivery.timezone
    data = await weekly_data(deps.rt.db, deps.clock(), prefix_table(deps.settings))
    png, caption = await chart_png(data, lang, tz, deps.categories)
    await bot.send_photo(chat_id, photo=png, caption=caption, parse_mode=ParseMode.HTML)


async def tell(bot: Bot, deps: Deps, bid: int, text: str, *, edit: bool) -> None:
    """Edit the broadcast's progress message (or post one); best effort."""
    row = await bc.get(deps.rt.db, bid)
    if row is None:
        return
    chat = row.origin_chat_id or deps.settings.telegram.staff_chat_id
    if not chat:
        log.info("broadcast %s: %s", bid, text)
        return
    try:
        if edit and row.progress_message_id:
            await bot.edit_message_text(
                text, chat_id=chat, message_id=row.progress_message_id, parse_mode=ParseMode.HTML
            )
        else:
            reply = None
            if row.progress_message_id:
                reply = ReplyParameters(row.progress_message_id, allow_sending_without_reply=True)
            msg = await bot.send_message(chat, text, parse_mode=ParseMode.HTML, reply_parameters=reply)
            if row.progress_message_id is None:
                await bc.set_progress_message(deps.rt.db, bid, chat, msg.message_id)
    except TelegramError as e:
        log.info("could not show the progress of broadcast %s: %s", bid, e)


async def start_due_broadcasts(bot: Bot, deps: Deps) -> None:
    """Start the scheduled broadcasts whose time has come, and say so."""
    for bid in await bc.start_due(deps.rt.db, deps.clock()):
        row = await bc.get(deps.rt.db, bid)
        count = (row.recipients or 0) if row else 0
        await tell(bot, deps, bid, t(STAFF_LANG, "bc_started", id=bid, count=count), edit=False)


async def show_progress(bot: Bot, deps: Deps, bid: int, lang: str, last: str) -> str | None:
    """Edit the progress message from the outbox counts; report once when nothing is left.

    Returns the text now shown, or None when the broadcast is no longer being sent (stop watching).
    """
    row = await bc.get(deps.rt.db, bid)
    if row is None or row.status != BroadcastStatus.SENDING:  # done (reported by whoever closed it) or gone
        return None
    now_at = await bc.progress(deps.rt.db, bid)
    if not now_at.pending:
        final = await bc.finish(deps.rt.db, bid, now=deps.clock())
        if final is not None:  # this process closed it: it reports, once
            await tell(bot, deps, bid, progress_text(bid, final, lang), edit=True)
            await tell(bot, deps, bid, report_text(bid, final, lang), edit=False)
        return None
    text = progress_text(bid, now_at, lang)
    if text != last:
        await tell(bot, deps, bid, text, edit=True)
    return text


# ---- the enterprise directory ------------------------------------------------


def review_keyboard(view: directory.ProfileView, lang: str) -> InlineKeyboardMarkup:
    """Approve / Reject, for exactly this revision of the profile."""
    ref = f"{view.id}:{view.revision}"
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "btn_approve"), callback_data=f"ent:ok:{ref}"),
                InlineKeyboardButton(t(lang, "btn_reject"), callback_data=f"ent:no:{ref}"),
            ]
        ]
    )


async def post_profile(bot: Bot, deps: Deps, view: directory.ProfileView) -> bool:
    """Post a profile waiting for approval to the staff chat, with its review buttons."""
    chat = deps.settings.telegram.staff_chat_id
    if not chat:
        log.warning("profile %s waits for approval, but no staff chat is configured (/profiler lists it)", view.id)
        return False
    try:
        msg = await bot.send_message(
            chat,
            staff_profile_text(view, deps.categories, STAFF_LANG),
            parse_mode=ParseMode.HTML,
            reply_markup=review_keyboard(view, STAFF_LANG),
            disable_web_page_preview=True,
        )
    except TelegramError:
        log.exception("could not post profile %s to the staff chat (tried again later)", view.id)
        return False
    await directory.mark_posted(deps.rt.db, view.id, view.revision, chat, msg.message_id)
    return True


async def repost_profiles(bot: Bot, deps: Deps) -> None:
    """Post the profiles waiting for approval that the staff chat did not get."""
    if deps.settings.telegram.staff_chat_id:
        for view in await directory.unposted(deps.rt.db):
            if not await post_profile(bot, deps, view):
                break
