"""Broadcasts from staff: the ``/broadcast`` dialogue and ``/broadcast_now``.

The dialogue (drawn in ``broadcast.mmd``) keeps nothing in a process's memory: the draft is a
row in ``broadcasts`` from the first step, its buttons carry its id (and the state they set:
``bc:a:<id>:c:<key>:1`` chooses a category, ``:0`` drops it; ``rel:1|0``; ``lang:da|en|any``),
and the two typed steps, the text and the send time, are what the bot waits for from the staff
member (``jobs.people.dialogue``, routed by bot/router.py). So every step works after a restart
and in any process. Sending fans out through the outbox (``jobs.people.broadcasts``); one
progress message per broadcast is edited from the outbox counts until nothing is left, then a
final report follows. A Send or Cancel pressed again (a double tap) is answered quietly.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot import scheduled
from bot.deps import Context, Deps, deps_of
from bot.handlers.common import edit_markup, edit_text, expect, lang_of, parse_id, stop_waiting, waiting_for
from bot.roles import guard
from bot.staff_views import audience_text, progress_text, report_text, send_time
from bot.texts import t
from jobs.people import broadcasts as bc
from jobs.people.broadcasts import Audience
from jobs.people.dialogue import Awaiting
from jobs.people.markup import check_html
from jobs.people.sendtime import SendTimeError, parse_send_time
from jobs.status import BroadcastStatus

log = logging.getLogger(__name__)

LANG_CYCLE: dict[str | None, str | None] = {None: "da", "da": "en", "en": None}
DONE_ALREADY = (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING, BroadcastStatus.DONE)


def _id(data: str | None, index: int = 2) -> int:
    """The broadcast id in callback data; 0 (no such broadcast) when it is not a row id."""
    parts = (data or "").split(":")
    return (parse_id(parts[index]) or 0) if len(parts) > index else 0


async def _say(update: Update, text: str, **kw: Any) -> Message:
    chat = update.effective_chat
    assert chat is not None
    return await update.get_bot().send_message(
        chat.id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True, **kw
    )


async def _remove_buttons(update: Update) -> None:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await edit_markup(query.message, None)


# ------------------------------------------------------------------ the dialogue


async def start(update: Update, context: Context) -> None:
    """``/broadcast``: ask for the text."""
    if await guard(update, context) is None:
        return
    await expect(update, context, "broadcast_text", {"draft": None})
    await _say(update, t(await lang_of(update, context), "bc_ask_text"))


async def start_edit(update: Update, context: Context) -> None:
    """The Edit button ``bc:e:<id>``: write the text again (audience and time are asked again too)."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return
    lang = await lang_of(update, context)
    bid = _id(query.data)
    row = await bc.get(deps_of(context).rt.db, bid)
    if row is None or row.status != BroadcastStatus.DRAFT:
        await query.answer(
            t(lang, "bc_gone", id=bid, status=t(lang, f"bc_status_{row.status if row else 'cancelled'}"))[:200]
        )
        return
    await expect(update, context, "broadcast_text", {"draft": bid})
    await _remove_buttons(update)
    await _say(update, t(lang, "bc_ask_text"))
    await query.answer()


async def answer_text(update: Update, context: Context, state: Awaiting) -> None:
    """The message, formatting kept: Telegram's entities become HTML (escaped by PTB)."""
    if await guard(update, context) is None:
        return
    msg = update.effective_message
    assert msg is not None
    deps = deps_of(context)
    lang = await lang_of(update, context)
    if msg.text is None:  # a photo, a sticker: broadcasts are text
        await expect(update, context, "broadcast_text", state.payload)
        await _say(update, t(lang, "bc_not_text"))
        return
    markup = msg.text_html
    problem = check_html(markup)
    if problem:
        await expect(update, context, "broadcast_text", state.payload)
        await _say(update, t(lang, "bc_text_invalid", reason=problem.replace("<", "&lt;").replace(">", "&gt;")))
        return
    draft = state.payload.get("draft")
    if not isinstance(draft, int) or await bc.edit(deps.rt.db, draft, html=markup) is None:
        user = update.effective_user
        draft = await bc.create(
            deps.rt.db,
            html_text=markup,
            audience=Audience(),
            created_by=user.id if user else None,
            now=deps.clock(),
            origin_chat_id=update.effective_chat.id if update.effective_chat else None,
        )
    row = await bc.get(deps.rt.db, draft)
    audience = Audience.from_json(row.audience if row else None)  # an edit keeps the audience chosen
    text, keyboard = await _audience_screen(deps, draft, audience, lang)
    await _say(update, text, reply_markup=keyboard)


async def _audience_screen(deps: Deps, bid: int, audience: Audience, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The audience as saved, with buttons that each carry the state they set."""
    count = await bc.count_recipients(deps.rt.db, audience)
    text = t(lang, "bc_pick_audience", audience=audience_text(audience, lang, deps.categories), count=count)
    b = InlineKeyboardButton
    rows = [[b(("✅ " if audience.everyone else "") + t(lang, "btn_bc_everyone"), callback_data=f"bc:a:{bid}:all")]]
    for key, cat in deps.categories.items():
        on = key in audience.categories
        data = f"bc:a:{bid}:c:{key}:{0 if on else 1}"
        if len(data.encode()) <= 64:
            rows.append([b(f"{'✅ ' if on else ''}{cat.label(lang)}"[:60], callback_data=data)])
    language = t(lang, f"lang_{audience.language}") if audience.language else t(lang, "lang_any")
    following = LANG_CYCLE.get(audience.language) or "any"
    rows.append([b(t(lang, "btn_bc_lang", language=language), callback_data=f"bc:a:{bid}:lang:{following}")])
    relevant = ("✅ " if audience.relevant else "") + t(lang, "btn_bc_relevant")
    rows.append([b(relevant, callback_data=f"bc:a:{bid}:rel:{0 if audience.relevant else 1}")])
    rows.append([b(t(lang, "btn_bc_next"), callback_data=f"bc:a:{bid}:next")])
    return text, InlineKeyboardMarkup(rows)


def _changed(audience: Audience, parts: list[str], categories: dict[str, Any]) -> Audience | None:
    """The audience after the button ``parts`` (``bc:a:<id>:<op>[:...]``); None: not a button we made.

    A button sets a state (choose / drop, on / off, a language); data from a message sent before
    buttons carried their state flips the saved one, as it did then."""
    op, args = parts[3], parts[4:]
    if op == "all" and not args:
        return Audience()
    if op == "c" and args and args[0] in categories and len(args) <= 2:
        cats = [c for c in audience.categories if c != args[0]]
        on = args[1] == "1" if len(args) == 2 else args[0] not in audience.categories
        return Audience(tuple([*cats, args[0]] if on else cats), audience.language, audience.relevant)
    if op == "lang" and len(args) <= 1:
        if args and args[0] not in ("da", "en", "any"):
            return None
        wanted = LANG_CYCLE.get(audience.language) if not args else {"da": "da", "en": "en"}.get(args[0])
        return Audience(audience.categories, wanted, audience.relevant)
    if op == "rel" and len(args) <= 1:
        on = args[0] == "1" if args else not audience.relevant
        return Audience(audience.categories, audience.language, on)
    return None


async def on_audience(update: Update, context: Context) -> None:
    """``bc:a:<id>:<op>``: everyone, choose or drop a category, a language, relevant on/off, next."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if await guard(update, context) is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    parts = query.data.split(":")
    bid = _id(query.data)
    row = await bc.get(deps.rt.db, bid)
    if row is None or row.status != BroadcastStatus.DRAFT or len(parts) < 4:
        await query.answer()
        return
    audience = Audience.from_json(row.audience)
    if parts[3] == "next" and len(parts) == 4:
        await expect(update, context, "broadcast_when", {"draft": bid})
        await _remove_buttons(update)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "btn_bc_now"), callback_data=f"bc:n:{bid}")]])
        await _say(update, t(lang, "bc_ask_when"), reply_markup=keyboard)
        await query.answer()
        return
    wanted = _changed(audience, parts, deps.categories)
    if wanted is None:
        await query.answer()
        return
    if wanted != audience:
        await bc.edit(deps.rt.db, bid, audience=wanted)
    saved = await bc.get(deps.rt.db, bid)
    audience = Audience.from_json(saved.audience if saved else None)
    text, keyboard = await _audience_screen(deps, bid, audience, lang)  # drawn from what is saved
    if isinstance(query.message, Message):
        await edit_text(query.message, text, keyboard)
    await query.answer()


async def answer_when(update: Update, context: Context, state: Awaiting) -> None:
    """A typed send time ("i morgen kl. 9", "2026-12-01 09:00", "nu")."""
    if await guard(update, context) is None:
        return
    msg = update.effective_message
    assert msg is not None and msg.text is not None
    deps = deps_of(context)
    lang = await lang_of(update, context)
    bid = state.payload.get("draft")
    if not isinstance(bid, int):
        return
    try:
        at = parse_send_time(msg.text[:200], deps.clock(), deps.settings.delivery.timezone)
    except SendTimeError as e:
        await expect(update, context, "broadcast_when", state.payload)
        await _say(update, t(lang, f"bc_when_{e.code}"))
        return
    if await bc.edit(deps.rt.db, bid, send_at=at) is None:
        return
    await preview(update, context, bid, lang)


async def on_when_now(update: Update, context: Context) -> None:
    """``bc:n:<id>``: send as soon as confirmed (no typed time is awaited any more)."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return
    deps = deps_of(context)
    bid = _id(query.data)
    if await bc.edit(deps.rt.db, bid, send_at=None) is None:
        await query.answer()
        return
    state = await waiting_for(update, context)
    if state is not None and state.kind == "broadcast_when" and state.payload.get("draft") == bid:
        await stop_waiting(update, context)
    await _remove_buttons(update)
    await preview(update, context, bid, await lang_of(update, context))
    await query.answer()


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


async def abort(update: Update, context: Context, state: Awaiting) -> None:
    """``/cancel`` in the dialogue (bot/router.py): the draft is cancelled, nothing is sent."""
    deps = deps_of(context)
    bid = state.payload.get("draft")
    user = update.effective_user
    if isinstance(bid, int):
        await bc.cancel(deps.rt.db, bid, actor=user.id if user else None, now=deps.clock())
    await _say(update, t(await lang_of(update, context), "bc_aborted"))


# ------------------------------------------------------------------ Send / Cancel (also outside the dialogue)


async def on_send(update: Update, context: Context) -> None:
    """``bc:s:<id>``: schedule it, or send it now and watch its progress. Once: pressed again
    (a double tap, another staff member) it is answered quietly."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    bid = _id(query.data)
    user = update.effective_user
    result = await bc.confirm(deps.rt.db, bid, actor=user.id if user else None, now=deps.clock())
    tz = deps.settings.delivery.timezone
    if result.status == "gone":
        row = await bc.get(deps.rt.db, bid)
        if row is not None and row.status in DONE_ALREADY:
            await query.answer()
            return
        status = t(lang, f"bc_status_{row.status}") if row else "?"
        await query.answer(t(lang, "bc_gone", id=bid, status=status)[:200], show_alert=True)
        return
    message = query.message if isinstance(query.message, Message) else None
    if result.status == BroadcastStatus.SCHEDULED:
        text = t(lang, "bc_scheduled", id=bid, when=send_time(result.send_at, lang, tz), count=result.recipients)
        if message is not None:
            await edit_text(message, text)
    else:
        p = bc.Progress(recipients=result.recipients, pending=result.recipients)
        done = result.status == BroadcastStatus.DONE
        text = report_text(bid, p, lang) if done else progress_text(bid, p, lang)
        if message is not None:
            await edit_text(message, text)
        if not done and message is not None:
            await bc.set_progress_message(deps.rt.db, bid, message.chat.id, message.message_id)
            scheduled.track_broadcast(context, bid, lang)  # edited as it goes
    await query.answer()


async def on_cancel(update: Update, context: Context) -> None:
    """``bc:x:<id>``: cancel a draft or a scheduled broadcast (pressed again: quietly nothing)."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    bid = _id(query.data)
    user = update.effective_user
    if await bc.cancel(deps.rt.db, bid, actor=user.id if user else None, now=deps.clock()):
        state = await waiting_for(update, context)
        if state is not None and state.kind.startswith("broadcast_") and state.payload.get("draft") == bid:
            await stop_waiting(update, context)
        await _say(update, t(lang, "bc_cancelled", id=bid))
        await _remove_buttons(update)
        await query.answer()
    else:
        row = await bc.get(deps.rt.db, bid)
        if row is not None and row.status == BroadcastStatus.CANCELLED:
            await _remove_buttons(update)
            await query.answer()
            return
        status = t(lang, f"bc_status_{row.status}") if row else "?"
        await query.answer(t(lang, "bc_gone", id=bid, status=status)[:200], show_alert=True)


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
    """A ``bc:`` button no handler takes (made-up data, or a button of an old version)."""
    query = update.callback_query
    assert query is not None
    if await guard(update, context) is None:
        return
    await query.answer(t(await lang_of(update, context), "bc_stale")[:200], show_alert=True)
