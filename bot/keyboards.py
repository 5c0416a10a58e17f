"""Inline keyboards and their callback data (always ≤ 64 bytes, checked on use)."""

from __future__ import annotations

from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t
from jobs.categories import Category


def notice_keyboard(notice_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "btn_details"), callback_data=f"n:d:{notice_id}"),
                InlineKeyboardButton(t(lang, "btn_remind"), callback_data=f"n:m:{notice_id}"),
            ],
            [
                InlineKeyboardButton(t(lang, "btn_relevant"), callback_data=f"n:r:{notice_id}"),
                InlineKeyboardButton(t(lang, "btn_irrelevant"), callback_data=f"n:x:{notice_id}"),
            ],
            [InlineKeyboardButton(t(lang, "btn_advisor"), callback_data=f"n:a:{notice_id}")],
        ]
    )


def settings_keyboard(lang: str) -> InlineKeyboardMarkup:
    b = InlineKeyboardButton
    return InlineKeyboardMarkup(
        [
            [b(t(lang, "btn_categories"), callback_data="m:cat"), b(t(lang, "btn_keywords"), callback_data="m:kw")],
            [b(t(lang, "btn_maxvalue"), callback_data="m:val"), b(t(lang, "btn_level"), callback_data="m:lvl")],
            [b(t(lang, "btn_delivery"), callback_data="m:dlv"), b(t(lang, "btn_language"), callback_data="m:lang")],
            [b(t(lang, "btn_open"), callback_data="m:open"), b(t(lang, "btn_done"), callback_data="m:done")],
        ]
    )


def categories_keyboard(categories: dict[str, Category], chosen: list[str], lang: str) -> InlineKeyboardMarkup:
    """A button per category that carries the state it sets: ``c:<key>:0`` drops a chosen one,
    ``c:<key>:1`` chooses one (a repeated press sets the same again: no flip-flop)."""
    rows = []
    for key, cat in categories.items():
        on = key in chosen
        mark = "✅ " if on else ""
        data = f"c:{key}:{0 if on else 1}"
        if len(data.encode()) > 64:  # a category key too long for callback data: no button
            continue
        rows.append([InlineKeyboardButton(f"{mark}{cat.label(lang)}"[:60], callback_data=data)])
    rows.append([InlineKeyboardButton(t(lang, "btn_back"), callback_data="m:main")])
    return InlineKeyboardMarkup(rows)


def choice_keyboard(options: list[tuple[str, str]], lang: str) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(label, callback_data=data)] for label, data in options]
    rows.append([InlineKeyboardButton(t(lang, "btn_back"), callback_data="m:main")])
    return InlineKeyboardMarkup(rows)


def value_keyboard(lang: str) -> InlineKeyboardMarkup:
    amounts = [
        ("100.000 kr.", "s:val:100000"),
        ("500.000 kr.", "s:val:500000"),
        ("1 mio. kr.", "s:val:1000000"),
        ("5 mio. kr.", "s:val:5000000"),
        (t(lang, "btn_no_limit"), "s:val:0"),
        (t(lang, "btn_own_value"), "m:valtype"),
    ]
    return choice_keyboard(amounts, lang)


def level_keyboard(lang: str) -> InlineKeyboardMarkup:
    from jobs.classify.render import level_label

    lg: Literal["da", "en"] = "en" if lang == "en" else "da"
    return choice_keyboard(
        [
            (level_label("suitable", lg).capitalize(), "s:lvl:suitable"),
            (level_label("possible", lg).capitalize(), "s:lvl:possible"),
            (t(lang, "level_all").capitalize(), "s:lvl:all"),
        ],
        lang,
    )


def delivery_keyboard(lang: str) -> InlineKeyboardMarkup:
    return choice_keyboard(
        [
            (t(lang, "btn_instant"), "s:dlv:instant"),
            (t(lang, "btn_daily"), "s:dlv:daily"),
            (t(lang, "btn_weekly"), "s:dlv:weekly"),
        ],
        lang,
    )


def language_keyboard(lang: str) -> InlineKeyboardMarkup:
    return choice_keyboard([("Dansk", "s:lang:da"), ("English", "s:lang:en")], lang)


def offer_keyboard(lang: str) -> InlineKeyboardMarkup:
    """Under an answer the bot could not give: pass the (quoted) question on to an advisor."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "adv_offer_button"), callback_data="adv:q")]])
