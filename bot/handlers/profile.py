"""``/profil``: an enterprise keeps its profile in the directory.

Step by step the first time (one question at a time, each answer checked; "-" skips an
optional one), then one field at a time: a button per field, or ``/profil <field> <text>``.
A complete profile goes to staff for approval; every later change goes again (the approved
copy stays public meanwhile). Private chats only: in a group anyone could change it.
Callback data: ``pf:e:<field>`` (change a field), ``pf:w`` (withdraw), ``pf:s`` (send).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode

from bot.deps import Context, Deps, deps_of
from bot.directory_views import all_fields, ask_text, field_name, profile_text
from bot.handlers.common import expect, has_buttons, lang_of, profile_of, text_of
from bot.staffchat import post_profile
from bot.texts import t
from jobs.directory import profiles
from jobs.directory.fields import FIELDS, ProfileError, parse_field
from jobs.people.dialogue import Awaiting

FIELD_WORDS = {
    "navn": "name",
    "name": "name",
    "cvr": "cvr",
    "brancher": "trades",
    "branche": "trades",
    "trades": "trades",
    "område": "area",
    "omraade": "area",
    "area": "area",
    "ansatte": "employees",
    "employees": "employees",
    "kapacitet": "capacity",
    "opgavestørrelse": "capacity",
    "capacity": "capacity",
    "beskrivelse": "description",
    "description": "description",
    "hjemmeside": "website",
    "website": "website",
    "kontakt": "contact",
    "contact": "contact",
}
WITHDRAW_WORDS = {"træk", "tilbagetræk", "withdraw", "fjern"}


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )


def _keyboard(view: profiles.ProfileView, lang: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(t(lang, "btn_pf_edit", field=field_name(f, lang)), callback_data=f"pf:e:{f}")
        for f in FIELDS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if view.complete and view.status in ("draft", "rejected", "withdrawn"):
        rows.append([InlineKeyboardButton(t(lang, "btn_pf_submit"), callback_data="pf:s")])
    if view.status != "withdrawn":
        rows.append([InlineKeyboardButton(t(lang, "btn_pf_withdraw"), callback_data="pf:w")])
    return InlineKeyboardMarkup(rows)


def _labels(deps: Deps, lang: str) -> dict[str, str]:
    return {k: c.label(lang) for k, c in deps.categories.items()}


async def _private(update: Update, context: Context) -> bool:
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return True
    await _reply(update, t(await lang_of(update, context), "profile_private"))
    return False


async def _ask(context: Context, update: Update, field: str, *, guided: bool) -> None:
    """The next message answers ``field`` (``guided``: then the next field, the first time)."""
    await expect(update, context, "profile", {"field": field, "guided": guided})


async def cmd_profil(update: Update, context: Context) -> None:
    if not await _private(update, context):
        return
    deps = deps_of(context)
    lang = await lang_of(update, context)
    view = await profiles.start_profile(deps.rt.db, profile_of(update, lang), deps.clock())
    args = context.args or []
    if args and args[0].lower() in WITHDRAW_WORDS:
        await _withdraw(update, context, lang)
        return
    if args:
        field = FIELD_WORDS.get(args[0].lower())
        if field is None:
            await _reply(update, t(lang, "profile_unknown_field", fields=all_fields(lang)))
            return
        if len(args) == 1:
            await _ask(context, update, field, guided=False)
            await _reply(update, ask_text(field, deps.categories, lang))
            return
        await _save(update, context, field, " ".join(args[1:]), lang, guided=False)
        return
    if view.status == "draft" and view.missing:
        first = view.next_field()
        assert first is not None
        await _ask(context, update, first, guided=True)
        await _reply(update, t(lang, "profile_intro") + "\n\n" + ask_text(first, deps.categories, lang))
        return
    await _reply(update, profile_text(view, deps.categories, lang), _keyboard(view, lang))


async def _save(update: Update, context: Context, field: str, raw: str, lang: str, *, guided: bool) -> None:
    deps = deps_of(context)
    chat = update.effective_chat
    assert chat is not None
    try:
        value = parse_field(field, raw, _labels(deps, lang))
    except ProfileError as e:
        await _ask(context, update, field, guided=guided)  # ask the same again
        await _reply(update, t(lang, f"perr_{e.code}", **{k: _plain(v) for k, v in e.params.items()}))
        return
    saved = await profiles.set_field(deps.rt.db, chat.id, field, value, deps.clock())
    if saved is None:
        await _reply(update, t(lang, "profile_none"))
        return
    if guided and saved.view.status == "draft":
        following = FIELDS[FIELDS.index(field) + 1 :]
        nxt = next((f for f in following), None)
        if nxt is not None:
            await _ask(context, update, nxt, guided=True)
            await _reply(update, ask_text(nxt, deps.categories, lang))
            return
        if saved.view.missing:
            first = saved.view.next_field()
            assert first is not None
            await _ask(context, update, first, guided=True)
            await _reply(update, ask_text(first, deps.categories, lang))
            return
        await _submit(update, context, lang)
        return
    if saved.submitted:
        await post_profile(context.bot, deps, saved.view)
        await _reply(update, t(lang, "profile_resubmitted"))
        return
    await _reply(
        update,
        t(lang, "profile_field_saved") + "\n\n" + profile_text(saved.view, deps.categories, lang),
        _keyboard(saved.view, lang),
    )


def _plain(value: object) -> str:
    import html

    return html.escape(str(value))


async def _submit(update: Update, context: Context, lang: str) -> None:
    deps = deps_of(context)
    chat = update.effective_chat
    assert chat is not None
    saved = await profiles.submit(deps.rt.db, chat.id, deps.clock())
    if saved is None:
        await _reply(update, t(lang, "profile_none"))
        return
    if saved.view.missing:
        fields = ", ".join(field_name(f, lang) for f in saved.view.missing)
        await _reply(update, t(lang, "profile_incomplete", fields=fields))
        return
    if saved.submitted:
        await post_profile(context.bot, deps, saved.view)
    await _reply(update, t(lang, "profile_submitted"))


async def _withdraw(update: Update, context: Context, lang: str) -> None:
    deps = deps_of(context)
    chat = update.effective_chat
    assert chat is not None
    view = await profiles.withdraw(deps.rt.db, chat.id, deps.clock())
    await _reply(update, t(lang, "profile_withdrawn") if view else t(lang, "profile_none"))


async def answer(update: Update, context: Context, state: Awaiting) -> None:
    """The profile field the bot asked for (bot/router.py); private chats only."""
    field = state.payload.get("field")
    text = text_of(update.effective_message)
    chat = update.effective_chat
    if field not in FIELDS or text is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    guided = bool(state.payload.get("guided"))
    await _save(update, context, str(field), text, await lang_of(update, context), guided=guided)


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = await lang_of(update, context)
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or not has_buttons(query.message, ("pf:",)):
        await query.answer()
        return
    deps = deps_of(context)
    parts = query.data.split(":")
    if parts[1:2] == ["e"] and len(parts) == 3 and parts[2] in FIELDS:
        await _ask(context, update, parts[2], guided=False)
        await _reply(update, ask_text(parts[2], deps.categories, lang))
    elif parts[1:] == ["w"]:
        await _withdraw(update, context, lang)
    elif parts[1:] == ["s"]:
        await _submit(update, context, lang)
    await query.answer()
