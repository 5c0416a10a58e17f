"""Staff side of the directory: approving profiles, matching a planned purchase to
the listed enterprises (``/match``), and the heads-up to them.

Every command and button checks the role (bot/roles.py ``guard``): approving needs an
advisor; ``/match`` and heads-ups also procurement staff of other departments.
Callback data: ``ent:ok|no:<enterprise>:<revision>``, ``mt:h|y|n:<match>``.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.deps import Context, deps_of
from bot.directory_views import match_text, staff_profile_text
from bot.handlers.common import edit_text, has_buttons, lang_of, parse_id
from bot.roles import guard
from bot.staffchat import review_keyboard
from bot.texts import t
from jobs.directory import profiles, purchases
from jobs.directory.fields import ProfileError, parse_purchase
from jobs.directory.matching import Purchase, TradeFinder, match_purchase


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
    if update.effective_message is None:
        return None
    return await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


def _who(update: Update) -> str:
    user = update.effective_user
    if user is None:
        return "?"
    return html.escape("@" + user.username if user.username else user.full_name or str(user.id))


async def on_review_button(update: Update, context: Context) -> None:
    """Approve or reject the revision a staff-chat post (or /profiler) showed."""
    if await guard(update, context) is None:
        return
    query = update.callback_query
    assert query is not None and query.data is not None
    deps = deps_of(context)
    parts = query.data.split(":")
    ent_id = parse_id(parts[2]) if len(parts) == 4 else None
    revision = parse_id(parts[3]) if len(parts) == 4 else None
    if ent_id is None or revision is None or parts[1] not in ("ok", "no"):
        await query.answer()
        return
    lang = "da"
    approve = parts[1] == "ok"
    current = await profiles.get_by_id(deps.rt.db, ent_id)
    message_html = None
    if current is not None:
        key = "profile_approved_msg" if approve else "profile_rejected_msg"
        message_html = t(current.language, key, name=html.escape(current.name))
    actor = update.effective_user.id if update.effective_user else None
    done = await profiles.review(
        deps.rt.db, ent_id, revision, approve=approve, actor=actor, now=deps.clock(), message_html=message_html
    )
    msg = query.message
    if done.decision in ("approved", "rejected") and done.view is not None:
        verdict = t(lang, "review_approved" if approve else "review_rejected", who=_who(update))
        if has_buttons(msg, ("ent:",)):
            assert isinstance(msg, Message)
            await edit_text(msg, staff_profile_text(done.view, deps.categories, lang) + "\n\n" + verdict)
        await query.answer(verdict[:200])
        return
    view = done.view
    if view is not None and view.revision == revision and view.status == ("approved" if approve else "rejected"):
        await query.answer()  # this very decision, pressed again (a double tap): done already
        return
    await query.answer(t(lang, "review_stale"), show_alert=True)


async def cmd_profiler(update: Update, context: Context) -> None:
    """Profiles waiting for approval, each with its buttons (also without a staff chat)."""
    if await guard(update, context) is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    waiting = await profiles.pending(deps.rt.db)
    if not waiting:
        await _reply(update, t(lang, "profiles_pending_none"))
        return
    for view in waiting:
        await _reply(update, staff_profile_text(view, deps.categories, lang), review_keyboard(view, lang))


async def cmd_match(update: Update, context: Context) -> None:
    """``/match <text> [cpv:…] [værdi:…] [område:…]`` or ``/match <notice number>``."""
    if await guard(update, context, "procurement") is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    msg = update.effective_message
    raw = (msg.text or "").split(maxsplit=1)[1] if msg is not None and msg.text and " " in msg.text.strip() else ""
    try:
        request = parse_purchase(raw)
    except ProfileError as e:
        await _reply(update, t(lang, f"perr_{e.code}", **{k: html.escape(str(v)) for k, v in e.params.items()}))
        return
    text, cpv, value = request.text, request.cpv, request.value_dkk
    if request.notice_id is not None:
        found = await purchases.notice_purchase(deps.rt.db, request.notice_id)
        if found is None:
            await _reply(update, t(lang, "perr_notice_unknown", id=request.notice_id))
            return
        text = text or found.title
        cpv = cpv or found.cpv
        value = value if value is not None else found.value_dkk
        purchase = Purchase(found.text if not request.text else request.text, cpv, value, request.area)
    else:
        purchase = Purchase(text, cpv, value, request.area)
    finder = TradeFinder({k: c.cpv_prefixes for k, c in deps.categories.items()}, deps.settings.classifier.sectors)
    result = match_purchase(purchase, await profiles.listed_enterprises(deps.rt.db), finder)
    actor = update.effective_user.id if update.effective_user else None
    match_id = await purchases.record_match(
        deps.rt.db,
        result,
        text=text,
        cpv=cpv,
        value_dkk=value,
        actor=actor,
        now=deps.clock(),
        notice_id=request.notice_id,
    )
    markup = None
    if result.fits:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(lang, "btn_headsup", count=len(result.fits)), callback_data=f"mt:h:{match_id}")]]
        )
    await _reply(update, match_text(text, result, deps.categories, lang), markup)


def headsup_html(deps: object, text: str, lang: str) -> str:
    contact = getattr(getattr(deps, "settings", None), "contact", None)
    bits = [b for b in (getattr(contact, "phone", ""), getattr(contact, "email", "")) if b]
    extra = t(lang, "headsup_contact", contact=html.escape(", ".join(bits))) if bits else ""
    return t(lang, "headsup_msg", text=html.escape(text[:1000]), contact=extra)


async def on_headsup_button(update: Update, context: Context) -> None:
    if await guard(update, context, "procurement") is None:
        return
    query = update.callback_query
    assert query is not None and query.data is not None
    deps = deps_of(context)
    lang = await lang_of(update, context)
    parts = query.data.split(":")
    match_id = parse_id(parts[2]) if len(parts) == 3 else None
    msg = query.message
    match = await purchases.get_match(deps.rt.db, match_id) if match_id is not None else None
    if match is None or not has_buttons(msg, ("mt:",)):
        await query.answer()
        return
    assert isinstance(msg, Message)
    if match.headsup_at is not None:
        if parts[1] == "y":  # Send pressed again (a double tap): sent already, quietly
            await query.answer()
            return
        await query.answer(t(lang, "headsup_already"), show_alert=True)
        return
    if parts[1] == "h":
        count = len(await purchases.recipients(deps.rt.db, match.id))
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t(lang, "btn_headsup_send"), callback_data=f"mt:y:{match.id}"),
                    InlineKeyboardButton(t(lang, "btn_headsup_cancel"), callback_data=f"mt:n:{match.id}"),
                ]
            ]
        )
        preview = headsup_html(deps, match.text, lang)
        await _reply(update, t(lang, "headsup_confirm", count=count, preview=preview), keyboard)
    elif parts[1] == "y":
        actor = update.effective_user.id if update.effective_user else None
        sent = await purchases.send_headsup(
            deps.rt.db, match.id, lambda rl: headsup_html(deps, match.text, rl), actor=actor, now=deps.clock()
        )
        text = t(lang, "headsup_already") if sent is None else t(lang, "headsup_sent", count=sent)
        await edit_text(msg, text)
    elif parts[1] == "n":
        await edit_text(msg, t(lang, "headsup_cancelled"))
    await query.answer()
