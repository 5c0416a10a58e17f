"""Broadcasts from staff: the ``/broadcast`` dialogue and ``/broadcast_now``.

The dialogue (drawn in ``broadcast.mmd``) is a PTB ConversationHandler; the draft lives in
the database from the first step, so the buttons carry its id and Send / Cancel work
even after a restart. Sending fans out through the outbox (``jobs.people.broadcasts``); one
progress message per broadcast is edited from the outbox counts until nothing is left,
then a final report follows.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import scheduled
from bot.deps import Context, Deps, deps_of
from bot.handlers.common import lang_of
from bot.roles import guard
from bot.staff_views import audience_text, progress_text, report_text, send_time
from bot.texts import t
from jobs.people import broadcasts as bc
from jobs.people.broadcasts import Audience
from jobs.people.markup import check_html
from jobs.people.sendtime import SendTimeError, parse_send_time
from jobs.status import BroadcastStatus

log = logging.getLogger(__name__)

TEXT, AUDIENCE, WHEN, PREVIEW = range(4)
END = ConversationHandler.END
DRAFT = "broadcast_draft"  # user_data: the id of the draft being composed
LANG_CYCLE = {None: "da", "da": "en", "en": None}


def _id(data: str | None, index: int = 2) -> int:
    return int((data or "").split(":")[index])


async def _say(update: Update, text: str, **kw: Any) -> None:
    chat = update.effective_chat
    assert chat is not None
    await update.get_bot().send_message(chat.id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True, **kw)


# ------------------------------------------------------------------ the dialogue


async def start(update: Update, context: Context) -> int:
    """``/broadcast``: ask for the text."""
    if await guard(update, context) is None:
        return END
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await _say(update, t(await lang_of(update, context), "bc_ask_text"))
    return TEXT


async def start_edit(update: Update, context: Context) -> int:
    """The Edit button: write the text again (audience and time are asked again too)."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return END
    lang = await lang_of(update, context)
    bid = _id(query.data)
    row = await bc.get(deps_of(context).rt.db, bid)
    if row is None or row.status != BroadcastStatus.DRAFT:
        await query.answer(
            t(lang, "bc_gone", id=bid, status=t(lang, f"bc_status_{row.status if row else 'cancelled'}"))
        )
        return END
    context.user_data[DRAFT] = bid  # type: ignore[index]
    await query.edit_message_reply_markup(None)
    await _say(update, t(lang, "bc_ask_text"))
    await query.answer()
    return TEXT


async def on_text(update: Update, context: Context) -> int:
    """The message, formatting kept: Telegram's entities become HTML (escaped by PTB)."""
    if await guard(update, context) is None:
        return END
    msg = update.effective_message
    assert msg is not None and msg.text is not None
    deps = deps_of(context)
    lang = await lang_of(update, context)
    markup = msg.text_html
    problem = check_html(markup)
    if problem:
        await _say(update, t(lang, "bc_text_invalid", reason=problem.replace("<", "&lt;").replace(">", "&gt;")))
        return TEXT
    draft = (context.user_data or {}).get(DRAFT)
    if draft is None or await bc.edit(deps.rt.db, draft, html=markup) is None:
        user = update.effective_user
        draft = await bc.create(
            deps.rt.db,
            html_text=markup,
            audience=Audience(),
            created_by=user.id if user else None,
            now=deps.clock(),
            origin_chat_id=update.effective_chat.id if update.effective_chat else None,
        )
        context.user_data[DRAFT] = draft  # type: ignore[index]
    row = await bc.get(deps.rt.db, draft)
    audience = Audience.from_json(row.audience if row else None)  # an edit keeps the audience chosen
    text, keyboard = await _audience_screen(deps, draft, audience, lang)
    await _say(update, text, reply_markup=keyboard)
    return AUDIENCE


async def on_not_text(update: Update, context: Context) -> int:
    if await guard(update, context) is None:
        return END
    await _say(update, t(await lang_of(update, context), "bc_not_text"))
    return TEXT


async def _audience_screen(deps: Deps, bid: int, audience: Audience, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    count = await bc.count_recipients(deps.rt.db, audience)
    text = t(lang, "bc_pick_audience", audience=audience_text(audience, lang, deps.categories), count=count)
    b = InlineKeyboardButton
    rows = [[b(("✅ " if audience.everyone else "") + t(lang, "btn_bc_everyone"), callback_data=f"bc:a:{bid}:all")]]
    for key, cat in deps.categories.items():
        mark = "✅ " if key in audience.categories else ""
        rows.append([b(f"{mark}{cat.label(lang)}"[:60], callback_data=f"bc:a:{bid}:c:{key}"[:64])])
    language = t(lang, f"lang_{audience.language}") if audience.language else t(lang, "lang_any")
    rows.append([b(t(lang, "btn_bc_lang", language=language), callback_data=f"bc:a:{bid}:lang")])
    rows.append([b(("✅ " if audience.relevant else "") + t(lang, "btn_bc_relevant"), callback_data=f"bc:a:{bid}:rel")])
    rows.append([b(t(lang, "btn_bc_next"), callback_data=f"bc:a:{bid}:next")])
    return text, InlineKeyboardMarkup(rows)


async def on_audience(update: Update, context: Context) -> int:
    """``bc:a:<id>:<op>``: everyone, toggle a category, cycle the language, toggle relevant, next."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if await guard(update, context) is None:
        return END
    deps = deps_of(context)
    lang = await lang_of(update, context)
    parts = query.data.split(":")
    bid, op = int(parts[2]), parts[3]
    row = await bc.get(deps.rt.db, bid)
    if row is None or row.status != BroadcastStatus.DRAFT:
        await query.answer()
        return END
    audience = Audience.from_json(row.audience)
    if op == "next":
        await query.edit_message_reply_markup(None)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "btn_bc_now"), callback_data=f"bc:n:{bid}")]])
        await _say(update, t(lang, "bc_ask_when"), reply_markup=keyboard)
        await query.answer()
        return WHEN
    if op == "all":
        audience = Audience()
    elif op == "c" and len(parts) == 5 and parts[4] in deps.categories:
        cats = list(audience.categories)
        cats = [c for c in cats if c != parts[4]] if parts[4] in cats else [*cats, parts[4]]
        audience = Audience(tuple(cats), audience.language, audience.relevant)
    elif op == "lang":
        audience = Audience(audience.categories, LANG_CYCLE.get(audience.language), audience.relevant)
    elif op == "rel":
        audience = Audience(audience.categories, audience.language, not audience.relevant)
    await bc.edit(deps.rt.db, bid, audience=audience)
    text, keyboard = await _audience_screen(deps, bid, audience, lang)
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    await query.answer()
    return AUDIENCE


async def on_when_text(update: Update, context: Context) -> int:
    """A typed send time ("i morgen kl. 9", "2026-12-01 09:00", "nu")."""
    if await guard(update, context) is None:
        return END
    msg = update.effective_message
    assert msg is not None and msg.text is not None
    deps = deps_of(context)
    lang = await lang_of(update, context)
    bid = (context.user_data or {}).get(DRAFT)
    if bid is None:
        return END
    try:
        at = parse_send_time(msg.text[:200], deps.clock(), deps.settings.delivery.timezone)
    except SendTimeError as e:
        await _say(update, t(lang, f"bc_when_{e.code}"))
        return WHEN
    if await bc.edit(deps.rt.db, bid, send_at=at) is None:
        return END
    await preview(update, context, bid, lang)
    return PREVIEW


async def on_when_now(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return END
    deps = deps_of(context)
    bid = _id(query.data)
    if await bc.edit(deps.rt.db, bid, send_at=None) is None:
        await query.answer()
        return END
    await query.edit_message_reply_markup(None)
    await preview(update, context, bid, await lang_of(update, context))
    await query.answer()
    return PREVIEW


async def preview(update: Update, context: Context, bid: int, lang: str) -> None:
    """The message exactly as recipients get it, then the facts and Send / Edit / Cancel."""
    deps = deps_of(context)
    row = await bc.get(deps.rt.db, bid)
    assert row is not None
    audience = Audience.from_json(row.audience)
    count = await bc.count_recipients(deps.rt.db, audience)
    await _say(update, row.html)  # what the sender sends: the same HTML, the same options
    text = t(
        lang,
        "bc_preview",
        id=bid,
        count=count,
        audience=audience_text(audience, lang, deps.categories),
        when=send_time(row.send_at, lang, deps.settings.delivery.timezone),
    )
    b = InlineKeyboardButton
    keyboard = InlineKeyboardMarkup(
        [
            [b(t(lang, "btn_bc_send"), callback_data=f"bc:s:{bid}")],
            [
                b(t(lang, "btn_bc_edit"), callback_data=f"bc:e:{bid}"),
                b(t(lang, "btn_bc_cancel"), callback_data=f"bc:x:{bid}"),
            ],
        ]
    )
    await _say(update, text, reply_markup=keyboard)


async def abort(update: Update, context: Context) -> int:
    """``/cancel`` during the dialogue: the draft is cancelled, nothing is sent."""
    deps = deps_of(context)
    bid = (context.user_data or {}).pop(DRAFT, None)
    user = update.effective_user
    if bid is not None:
        await bc.cancel(deps.rt.db, bid, actor=user.id if user else None, now=deps.clock())
    await _say(update, t(await lang_of(update, context), "bc_aborted"))
    return END


# ------------------------------------------------------------------ Send / Cancel (also outside the dialogue)


def _forget(context: Context, bid: int) -> None:
    """The dialogue's draft is done with (an older draft's button leaves the current one be)."""
    if context.user_data is not None and context.user_data.get(DRAFT) == bid:
        context.user_data.pop(DRAFT, None)


async def on_send(update: Update, context: Context) -> int:
    """``bc:s:<id>``: schedule it, or send it now and watch its progress."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return END
    deps = deps_of(context)
    lang = await lang_of(update, context)
    bid = _id(query.data)
    user = update.effective_user
    result = await bc.confirm(deps.rt.db, bid, actor=user.id if user else None, now=deps.clock())
    _forget(context, bid)
    tz = deps.settings.delivery.timezone
    if result.status == "gone":
        row = await bc.get(deps.rt.db, bid)
        status = t(lang, f"bc_status_{row.status}") if row else "?"
        await query.answer(t(lang, "bc_gone", id=bid, status=status)[:200], show_alert=True)
        return END
    if result.status == BroadcastStatus.SCHEDULED:
        text = t(lang, "bc_scheduled", id=bid, when=send_time(result.send_at, lang, tz), count=result.recipients)
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    else:
        p = bc.Progress(recipients=result.recipients, pending=result.recipients)
        done = result.status == BroadcastStatus.DONE
        text = report_text(bid, p, lang) if done else progress_text(bid, p, lang)
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
        if not done and query.message is not None:
            await bc.set_progress_message(deps.rt.db, bid, query.message.chat.id, query.message.message_id)
            scheduled.track_broadcast(context, bid, lang)  # edited as it goes
    await query.answer()
    return END


async def on_cancel(update: Update, context: Context) -> int:
    """``bc:x:<id>``: cancel a draft or a scheduled broadcast."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return END
    deps = deps_of(context)
    lang = await lang_of(update, context)
    bid = _id(query.data)
    user = update.effective_user
    if await bc.cancel(deps.rt.db, bid, actor=user.id if user else None, now=deps.clock()):
        _forget(context, bid)
        await _say(update, t(lang, "bc_cancelled", id=bid))
        await query.edit_message_reply_markup(None)
        await query.answer()
    else:
        row = await bc.get(deps.rt.db, bid)
        status = t(lang, f"bc_status_{row.status}") if row else "?"
        await query.answer(t(lang, "bc_gone", id=bid, status=status)[:200], show_alert=True)
    return END


async def cmd_broadcast_now(update: Update, context: Context) -> None:
    """``/broadcast_now <text>``: to every active subscriber, after one confirm button."""
    if await guard(update, context) is None:
        return
    msg = update.effective_message
    assert msg is not None
    deps = deps_of(context)
    lang = await lang_of(update, context)
    command, _, rest = msg.text_html.partition(" ") if msg.text else ("", "", "")
    if "\n" in command:  # "/broadcast_now\ntext"
        command, _, first_line = command.partition("\n")
        rest = first_line + (" " + rest if rest else "")
    markup = rest.strip()
    if not markup:
        await _say(update, t(lang, "bc_now_usage"))
        return
    problem = check_html(markup)
    if problem:
        await _say(update, t(lang, "bc_text_invalid", reason=problem.replace("<", "&lt;").replace(">", "&gt;")))
        return
    user = update.effective_user
    bid = await bc.create(
        deps.rt.db,
        html_text=markup,
        audience=Audience(),
        created_by=user.id if user else None,
        now=deps.clock(),
        origin_chat_id=update.effective_chat.id if update.effective_chat else None,
    )
    count = await bc.count_recipients(deps.rt.db, Audience())
    await _say(update, markup)
    b = InlineKeyboardButton
    keyboard = InlineKeyboardMarkup(
        [
            [b(t(lang, "btn_bc_confirm", count=count), callback_data=f"bc:s:{bid}")],
            [b(t(lang, "btn_bc_cancel"), callback_data=f"bc:x:{bid}")],
        ]
    )
    await _say(update, t(lang, "bc_now_confirm", id=bid, count=count), reply_markup=keyboard)


async def on_stale_button(update: Update, context: Context) -> None:
    """A dialogue button from a dialogue that has ended (a restart, or /broadcast again)."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return
    await query.answer(t(await lang_of(update, context), "bc_stale")[:200], show_alert=True)


def conversation() -> ConversationHandler:
    text_in = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CommandHandler("broadcast", start),
            CallbackQueryHandler(start_edit, pattern=r"^bc:e:\d+$"),
        ],
        states={
            TEXT: [MessageHandler(text_in, on_text), MessageHandler(~filters.COMMAND, on_not_text)],
            AUDIENCE: [CallbackQueryHandler(on_audience, pattern=r"^bc:a:\d+:")],
            WHEN: [
                MessageHandler(text_in, on_when_text),
                CallbackQueryHandler(on_when_now, pattern=r"^bc:n:\d+$"),
            ],
            PREVIEW: [
                CallbackQueryHandler(on_send, pattern=r"^bc:s:\d+$"),
                CallbackQueryHandler(on_cancel, pattern=r"^bc:x:\d+$"),
            ],
        },
        fallbacks=[CommandHandler("cancel", abort)],
        allow_reentry=True,
        name="broadcast",
    )
