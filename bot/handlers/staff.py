"""Staff commands: who is staff, /stats, /chart, /requests, /broadcasts.

Every staff command and button checks the role on each use (``roles.guard``).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot import staffchat
from bot.deps import Context, deps_of
from bot.handlers.common import lang_of
from bot.roles import guard
from bot.staff_views import render_broadcasts, render_requests, render_stats
from bot.texts import t
from jobs.ops.stats import collect
from jobs.people import broadcasts as bc
from jobs.people import staff
from jobs.people.advice import open_requests


async def _reply(update: Update, text: str, **kw: object) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            text,
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
            **kw,  # type: ignore[arg-type]
        )


async def cmd_staff(update: Update, context: Context) -> None:
    """``/staff`` (help and, for admins, the members), ``/staff add|remove <user id> <role>``."""
    args = context.args or []
    if args and args[0].lower() in ("add", "remove"):
        if await guard(update, context, "admin") is None:
            return
        await _change(update, context, args)
        return
    role = await guard(update, context)
    if role is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    text = t(lang, "staff_help")
    if role == "admin":
        text += t(lang, "staff_admin_help")
        lines = [
            t(
                lang,
                "staff_member_line",
                id=m.user_id,
                role=t(lang, f"role_{m.role}"),
                source=t(lang, "staff_from_config") if m.source == "config" else "",
            )
            for m in await staff.members(deps.rt.db, deps.settings.staff)
        ]
        text += "\n\n" + t(lang, "staff_members", list="\n".join(lines) or t(lang, "stats_none"))
    await _reply(update, text)


async def _change(update: Update, context: Context, args: list[str]) -> None:
    deps = deps_of(context)
    lang = await lang_of(update, context)
    role_word = args[2].lower() if len(args) == 3 else ""
    role = {
        "admin": "admin",
        "advisor": "advisor",
        "rådgiver": "advisor",
        "raadgiver": "advisor",
        "procurement": "procurement",
        "indkøb": "procurement",
        "indkoeb": "procurement",
    }.get(role_word)
    if len(args) != 3 or not args[1].lstrip("-").isdigit() or role is None:
        await _reply(update, t(lang, "staff_usage"))
        return
    user_id = int(args[1])
    actor = update.effective_user.id if update.effective_user else None
    role_name = t(lang, f"role_{role}")
    if args[0].lower() == "add":
        added = await staff.add(deps.rt.db, user_id, role, actor=actor, now=deps.clock())  # type: ignore[arg-type]
        await _reply(update, t(lang, "staff_added" if added else "staff_already", id=user_id, role=role_name))
        return
    result = await staff.remove(deps.rt.db, deps.settings.staff, user_id, role, actor=actor, now=deps.clock())  # type: ignore[arg-type]
    key = {"removed": "staff_removed", "absent": "staff_absent", "config": "staff_in_config"}[result]
    await _reply(update, t(lang, key, id=user_id, role=role_name))


async def cmd_stats(update: Update, context: Context) -> None:
    if await guard(update, context) is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    tz = deps.settings.delivery.timezone
    stats = await collect(deps.rt.db, deps.clock(), tz)
    await _reply(update, render_stats(stats, lang, tz, deps.categories))


async def cmd_chart(update: Update, context: Context) -> None:
    if await guard(update, context) is None or update.effective_chat is None:
        return
    await staffchat.send_chart(context.bot, deps_of(context), update.effective_chat.id, await lang_of(update, context))


async def cmd_requests(update: Update, context: Context) -> None:
    if await guard(update, context) is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    reqs = await open_requests(deps.rt.db)
    await _reply(update, render_requests(reqs, lang, deps.settings.delivery.timezone))


async def cmd_broadcasts(update: Update, context: Context) -> None:
    """The newest broadcasts; the pending ones get a cancel button each."""
    if await guard(update, context) is None:
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    rows = await bc.recent(deps.rt.db)
    buttons = [
        [InlineKeyboardButton(t(lang, "btn_bc_cancel_id", id=b.id), callback_data=f"bc:x:{b.id}")]
        for b in rows
        if b.status in bc.PENDING
    ]
    await _reply(
        update,
        render_broadcasts(rows, lang, deps.settings.delivery.timezone, deps.categories),
        reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
    )
