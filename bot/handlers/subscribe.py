"""Subscribing and settings: /start with inline buttons, and a typed command for each setting.

Thin: parse (jobs.people.preferences) → change (jobs.people.subscribers) → reply (bot.texts).
Invalid input gets a short, helpful reply and changes nothing; a typed answer the bot asked
for that does not parse is asked for again.

Buttons are idempotent: a category button carries the state it sets (``c:<key>:1`` to
choose, ``c:<key>:0`` to drop), a setting button its value (``s:<setting>:<value>``); the
keyboard is drawn from what was saved, after the write, so it always shows what is saved;
a press that changes nothing is answered quietly. In a group anyone may look through the
menu; changing a setting is for the group's administrators (bot/groupadmin.py).
"""

from __future__ import annotations

import html

from telegram import Message, Update
from telegram.constants import ParseMode

from bot.deps import Context, deps_of
from bot.groupadmin import may_change
from bot.handlers.common import (
    edit_markup,
    edit_text,
    expect,
    has_buttons,
    is_private,
    lang_of,
    profile_of,
    subscriber_of,
    text_of,
)
from bot.keyboards import (
    categories_keyboard,
    delivery_keyboard,
    language_keyboard,
    level_keyboard,
    settings_keyboard,
    value_keyboard,
)
from bot.settings_views import delivery_text, error_params, level_text, settings_text, value_text
from bot.texts import t, user_language
from jobs.categories import source_categories
from jobs.people.dialogue import Awaiting
from jobs.people.preferences import (
    PreferenceError,
    parse_categories,
    parse_delivery,
    parse_keywords,
    parse_language,
    parse_level,
    parse_max_value,
)
from jobs.people.startlink import parse_payload
from jobs.people.subscribers import (
    Subscriber,
    get_subscriber,
    queue_open_notices,
    set_category,
    set_status,
    subscribe,
    update_settings,
)
from jobs.status import SubscriberStatus

MENU_PREFIXES = ("m:", "c:", "s:")  # the settings menus' buttons
TYPED = frozenset({"keywords", "maxvalue"})  # settings the bot asks for as typed text


async def _reply(update: Update, text: str, **kw: object) -> None:
    msg = update.effective_message
    if msg is not None:
        await msg.reply_text(text, parse_mode=ParseMode.HTML, **kw)  # type: ignore[arg-type]


async def start(update: Update, context: Context) -> None:
    deps = deps_of(context)
    user = update.effective_user
    existing = await subscriber_of(update, context)
    lang = existing.language if existing else user_language(user.language_code if user else None)
    active = existing is not None and existing.status not in (SubscriberStatus.STOPPED, SubscriberStatus.BLOCKED)
    if not is_private(update):
        # starting, restarting or adding to a group's subscription is a change: administrators only
        changes = not active or bool(context.args)
        if not await may_change(update, context, lang, refuse=changes):
            if not changes:  # a member's /start in a subscribed group: the welcome, nothing changed
                name = html.escape((user.first_name if user else "") or "")
                await _reply(update, t(lang, "welcome_back", name=name))
            return
    sub, created = await subscribe(deps.rt.db, profile_of(update, lang), deps.clock())
    name = html.escape((user.first_name if user else "") or "")
    followed = await _follow_payload(update, context, sub, lang)
    returning = existing is not None and existing.status not in (SubscriberStatus.STOPPED, SubscriberStatus.BLOCKED)
    key = "welcome_back" if returning and not created else "welcome"
    text = t(lang, key, name=name) + (f"\n\n{followed}" if followed else "")
    await _reply(update, text, reply_markup=settings_keyboard(lang))


async def _follow_payload(update: Update, context: Context, sub: Subscriber, lang: str) -> str | None:
    """``/start c_cleaning`` or ``/start k_<keyword>`` (a "Følg i Telegram" link from the web
    section): add the category or keyword to the settings. A payload that is not
    valid is ignored: the user gets the plain /start."""
    deps = deps_of(context)
    request = parse_payload((context.args or [""])[0] if context.args else "", list(deps.categories))
    if request is None:
        return None
    if request.kind == "category":
        chosen = list(sub.categories or [])
        if request.value not in chosen:
            chosen.append(request.value)
            await update_settings(deps.rt.db, sub.chat_id, deps.clock(), categories=chosen)
        return t(lang, "start_follow_category", category=html.escape(deps.categories[request.value].label(lang)))
    words = list(sub.keywords or [])
    if request.value not in words:
        try:
            words = parse_keywords(", ".join([*words, request.value]))
        except PreferenceError:  # already 30 keywords: say so, change nothing
            return t(lang, "start_follow_full")
        await update_settings(deps.rt.db, sub.chat_id, deps.clock(), keywords=words)
    return t(lang, "start_follow_keyword", keyword=html.escape(request.value))


async def _subscriber(update: Update, context: Context) -> Subscriber | None:
    sub = await subscriber_of(update, context)
    if sub is None or sub.status == SubscriberStatus.STOPPED:
        await _reply(update, t(await lang_of(update, context), "not_subscribed"))
        return None
    return sub


async def show_settings(update: Update, context: Context) -> None:
    sub = await _subscriber(update, context)
    if sub is not None:
        await _reply(update, settings_text(sub, deps_of(context)), reply_markup=settings_keyboard(sub.language))


async def _apply(
    update: Update, context: Context, sub: Subscriber, parse: str, raw: str, *, quiet: bool = False
) -> bool:
    """Parse ``raw`` for setting ``parse``; save it or explain, changing nothing."""
    deps = deps_of(context)
    lang = sub.language
    chat_id = sub.chat_id
    now = deps.clock()
    try:
        if parse == "keywords":
            words = [] if raw.strip().lower() in ("ingen", "none", "-") else parse_keywords(raw)
            await update_settings(deps.rt.db, chat_id, now, keywords=words)
            msg = (
                t(lang, "keywords_saved", keywords=html.escape(", ".join(words)))
                if words
                else t(lang, "keywords_cleared")
            )
        elif parse == "maxvalue":
            value = parse_max_value(raw)
            await update_settings(deps.rt.db, chat_id, now, max_value_dkk=value)
            shown = value_text(value, lang)
            typed = " ".join(raw.split())[:40]
            same = typed.lower() in (shown.lower(), shown.removesuffix(" DKK").lower())
            msg = t(lang, "maxvalue_saved", value=shown)
            if not same:  # say what was read from what was typed ("1,5 mio." → 1.500.000 DKK)
                msg += t(lang, "read_from", text=html.escape(typed))
        elif parse == "level":
            level = parse_level(raw)
            await update_settings(deps.rt.db, chat_id, now, min_level=level)
            msg = t(lang, "level_saved", level=level_text(level, lang))
        elif parse == "digest":
            mode, hour = parse_delivery(raw)
            changes: dict[str, object] = {"delivery": mode}
            if hour is not None:
                changes["digest_hour"] = hour
            updated = await update_settings(deps.rt.db, chat_id, now, **changes)
            assert updated is not None
            msg = t(lang, "delivery_saved", delivery=delivery_text(updated, deps, lang))
        elif parse == "language":
            lang = parse_language(raw)
            await update_settings(deps.rt.db, chat_id, now, language=lang)
            msg = t(lang, "language_saved")
        elif parse == "categories":
            labels = {k: c.label(lang) for k, c in deps.categories.items()}
            keys = parse_categories(raw, labels)
            await update_settings(deps.rt.db, chat_id, now, categories=keys)
            names = ", ".join(deps.categories[k].label(lang) for k in keys) or t(lang, "none")
            msg = t(lang, "categories_saved", categories=html.escape(names))
        else:  # pragma: no cover
            raise AssertionError(parse)
    except PreferenceError as e:
        await _reply(update, t(lang, f"err_{e.code}", **error_params(e, lang)))
        return False
    if not quiet:
        await _reply(update, msg)
    return True


def _command(setting: str):
    async def handler(update: Update, context: Context) -> None:
        sub = await _subscriber(update, context)
        if sub is None:
            return
        raw = " ".join(context.args or [])
        if not raw.strip():
            if setting in TYPED and not await may_change(update, context, sub.language):
                return
            await _ask(update, context, sub, setting)
            return
        if not await may_change(update, context, sub.language):
            return
        await _apply(update, context, sub, setting, raw)

    handler.__name__ = f"cmd_{setting}"
    return handler


async def _ask(update: Update, context: Context, sub: Subscriber, setting: str) -> None:
    """A setting command without arguments opens its buttons (or asks for text)."""
    deps = deps_of(context)
    lang = sub.language
    if setting == "categories":
        listing = ", ".join(f"<code>{html.escape(k)}</code>" for k in deps.categories)
        await _reply(
            update,
            t(lang, "categories_list", list=listing),
            reply_markup=categories_keyboard(deps.categories, sub.categories or [], lang),
        )
    elif setting == "keywords":
        await expect(update, context, "keywords")
        await _reply(update, t(lang, "ask_keywords"))
    elif setting == "maxvalue":  # buttons, or a typed amount
        await expect(update, context, "maxvalue")
        await _reply(update, t(lang, "ask_maxvalue"), reply_markup=value_keyboard(lang))
    elif setting == "level":
        await _reply(update, t(lang, "pick_level"), reply_markup=level_keyboard(lang))
    elif setting == "digest":
        await _reply(update, t(lang, "pick_delivery"), reply_markup=delivery_keyboard(lang))
    elif setting == "language":
        await _reply(update, t(lang, "pick_language"), reply_markup=language_keyboard(lang))


cmd_categories = _command("categories")
cmd_keywords = _command("keywords")
cmd_maxvalue = _command("maxvalue")
cmd_level = _command("level")
cmd_digest = _command("digest")
cmd_language = _command("language")


async def answer(update: Update, context: Context, state: Awaiting) -> None:
    """The typed answer to "Skriv dine nøgleord" or "Vælg eller skriv et beløb" (bot/router.py).
    An answer that does not parse is explained and asked for again."""
    sub = await _subscriber(update, context)
    text = text_of(update.effective_message)
    if sub is None or text is None or not await may_change(update, context, sub.language):
        return
    if not await _apply(update, context, sub, state.kind, text):
        await expect(update, context, state.kind, state.payload, prompt_message_id=state.prompt_message_id)


async def _status(update: Update, context: Context, status: str, key: str) -> None:
    deps = deps_of(context)
    sub = await _subscriber(update, context)
    if sub is None or not await may_change(update, context, sub.language):
        return
    await set_status(deps.rt.db, sub.chat_id, status, deps.clock())
    await _reply(update, t(sub.language, key))


async def cmd_pause(update: Update, context: Context) -> None:
    await _status(update, context, SubscriberStatus.PAUSED, "paused")


async def cmd_resume(update: Update, context: Context) -> None:
    await _status(update, context, SubscriberStatus.ACTIVE, "resumed")


async def cmd_stop(update: Update, context: Context) -> None:
    await _status(update, context, SubscriberStatus.STOPPED, "stopped")


async def cmd_open(update: Update, context: Context) -> None:
    deps = deps_of(context)
    sub = await _subscriber(update, context)
    if sub is None:
        return
    prefixes = {k: c.cpv_prefixes for k, c in deps.categories.items()}
    count = await queue_open_notices(
        deps.rt.db, sub.chat_id, deps.clock(), prefixes, source_categories=source_categories(deps.settings)
    )
    await _reply(update, t(sub.language, "open_queued", count=count) if count else t(sub.language, "open_none"))


async def on_menu(update: Update, context: Context) -> None:
    """Callback data ``m:<menu>`` (menus), ``c:<category>:<1|0>`` (choose or drop a category),
    ``s:<setting>:<value>`` (set a setting)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    deps = deps_of(context)
    sub = await subscriber_of(update, context) if query.message else None
    if sub is None or sub.status == SubscriberStatus.STOPPED:
        await query.answer(t(await lang_of(update, context), "not_subscribed")[:200], show_alert=True)
        return
    lang = sub.language
    message = query.message
    if not has_buttons(message, MENU_PREFIXES):  # a stale menu, or data made up for another message
        await query.answer(t(lang, "menu_expired")[:200])
        return
    assert isinstance(message, Message)
    kind, _, rest = query.data.partition(":")
    changes = kind in ("c", "s") or rest in ("kw", "valtype")
    if changes and not await may_change(update, context, lang):
        return
    if kind == "c":
        await _on_category(update, context, sub, message, rest)
        return
    if kind == "s":
        await _on_setting(update, context, sub, message, rest)
        return
    screens = {
        "cat": (t(lang, "pick_categories"), categories_keyboard(deps.categories, sub.categories or [], lang)),
        "val": (t(lang, "ask_maxvalue"), value_keyboard(lang)),
        "lvl": (t(lang, "pick_level"), level_keyboard(lang)),
        "dlv": (t(lang, "pick_delivery"), delivery_keyboard(lang)),
        "lang": (t(lang, "pick_language"), language_keyboard(lang)),
        "main": (settings_text(sub, deps), settings_keyboard(lang)),
    }
    if rest in screens:
        text, markup = screens[rest]
        if rest == "val" and await may_change(update, context, lang, refuse=False):
            # "Vælg eller skriv et beløb": a typed amount answers it too
            await expect(update, context, "maxvalue", prompt_message_id=message.message_id)
        await edit_text(message, text, markup)
    elif rest == "kw":
        await expect(update, context, "keywords", prompt_message_id=message.message_id)
        await _reply(update, t(lang, "ask_keywords"))
    elif rest == "valtype":
        await expect(update, context, "maxvalue", prompt_message_id=message.message_id)
        await _reply(update, t(lang, "ask_maxvalue_typed"))
    elif rest == "open":
        prefixes = {k: c.cpv_prefixes for k, c in deps.categories.items()}
        count = await queue_open_notices(
            deps.rt.db, sub.chat_id, deps.clock(), prefixes, source_categories=source_categories(deps.settings)
        )
        await _reply(update, t(lang, "open_queued", count=count) if count else t(lang, "open_none"))
    elif rest == "done":
        await edit_text(message, settings_text(sub, deps))
    await query.answer()  # last: the button stops spinning when the work is done


async def _on_setting(update: Update, context: Context, sub: Subscriber, message: Message, rest: str) -> None:
    """``s:<setting>:<value>``: set it, and show the settings as saved."""
    query = update.callback_query
    assert query is not None
    deps = deps_of(context)
    setting, _, value = rest.partition(":")
    parse = {"val": "maxvalue", "lvl": "level", "dlv": "digest", "lang": "language"}.get(setting)
    if parse is None:
        await query.answer()
        return
    before = settings_text(sub, deps)
    ok = await _apply(update, context, sub, parse, value, quiet=True)
    fresh = await get_subscriber(deps.rt.db, sub.chat_id)  # as changed above
    assert fresh is not None
    await edit_text(message, settings_text(fresh, deps), settings_keyboard(fresh.language))
    changed = settings_text(fresh, deps) != before
    await query.answer(t(fresh.language, "saved") if ok and changed else None)


def _wanted(message: Message, data: str, state: str) -> bool | None:
    """Choose (True) or drop (False) the category: as the button says (``1``/``0``); a button
    from before buttons carried their state says it by its mark, as the user saw it."""
    if state in ("1", "0"):
        return state == "1"
    if state:
        return None
    assert message.reply_markup is not None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return not button.text.startswith("✅")
    return None


async def _on_category(update: Update, context: Context, sub: Subscriber, message: Message, rest: str) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    deps = deps_of(context)
    key, _, state = rest.partition(":")
    wanted = _wanted(message, query.data, state) if key in deps.categories else None
    if wanted is None:
        await query.answer()
        return
    before = list(sub.categories or [])
    fresh = await set_category(deps.rt.db, sub.chat_id, key, wanted, deps.clock())
    chosen = list(fresh.categories or []) if fresh is not None else before
    # drawn from what is saved, after the write: the keyboard shows what is saved
    await edit_markup(message, categories_keyboard(deps.categories, chosen, sub.language))
    await query.answer(t(sub.language, "saved") if chosen != before else None)
