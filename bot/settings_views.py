"""How a subscriber's settings read in Telegram: amounts, levels, delivery, the settings screen."""

from __future__ import annotations

import html
from decimal import Decimal, localcontext

from babel.numbers import format_decimal

from bot.deps import Deps
from bot.texts import t
from jobs.classify.render import level_label
from jobs.people.preferences import PreferenceError
from jobs.people.subscribers import Subscriber
from jobs.status import DeliveryMode


def value_text(value: Decimal | None, lang: str) -> str:
    """1500000 → "1.500.000 DKK" (Danish) or "1,500,000 DKK" (English); øre when there are any."""
    if value is None:
        return t(lang, "no_limit")
    with localcontext() as exact:  # an amount refused as too large may have more digits than Decimal's default
        exact.prec = 100
        pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
        return format_decimal(value, format=pattern, locale="da_DK" if lang == "da" else "en_GB") + " DKK"


def level_text(level: str, lang: str) -> str:
    if level == "all":
        return t(lang, "level_all")
    return level_label(level, "en" if lang == "en" else "da")  # type: ignore[arg-type]


def delivery_text(sub: Subscriber, deps: Deps, lang: str) -> str:
    hour = f"{sub.digest_hour:02d}:00"
    if sub.delivery == DeliveryMode.DAILY:
        return t(lang, "delivery_daily", hour=hour)
    if sub.delivery == DeliveryMode.WEEKLY:
        return t(lang, "delivery_weekly", hour=hour, day=deps.settings.delivery.weekly_digest_day)
    return t(lang, "delivery_instant")


def settings_text(sub: Subscriber, deps: Deps) -> str:
    lang = sub.language
    cats = [deps.categories[c].label(lang) for c in sub.categories or [] if c in deps.categories]
    body = t(
        lang,
        "settings_body",
        categories=html.escape(", ".join(cats)) or t(lang, "none"),
        keywords=html.escape(", ".join(sub.keywords or [])) or t(lang, "none"),
        max_value=value_text(sub.max_value_dkk, lang),
        level=level_text(sub.min_level, lang),
        delivery=delivery_text(sub, deps, lang),
        status=t(lang, f"status_{sub.status}"),
    )
    return f"{t(lang, 'settings_title')}\n{body}"


def error_params(e: PreferenceError, lang: str) -> dict[str, str]:
    """An error's details for its message: amounts formatted the user's way, the rest escaped."""
    out = {}
    for k, v in e.params.items():
        if isinstance(v, Decimal):
            out[k] = value_text(v, lang)
        elif isinstance(v, list) and v and all(isinstance(x, Decimal) for x in v):
            out[k] = t(lang, "or").join(value_text(x, lang) for x in v)
        else:
            out[k] = html.escape(str(v))
    return out
