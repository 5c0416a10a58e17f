"""Messages as subscribers see them: HTML with every feed-derived string escaped,
never over Telegram's 4,096 characters."""

from __future__ import annotations

import html
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.texts import t
from jobs.classify.render import level_label, render_reason
from jobs.deliver.notify import Delivery, NoticeView

MAX_MESSAGE = 4096
LOCALES = {"da": "da_DK", "en": "en_GB"}
LEVEL_ICON = {"suitable": "🟢", "possible": "🟡", "unlikely": "⚪"}


def esc(value: object, limit: int = 300) -> str:
    text = str(value or "")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(text, quote=True)


def money(value: Decimal | None, currency: str | None, lang: str) -> str:
    if value is None:
        return "–"
    amount = format_decimal(value, format="#,##0", locale=LOCALES.get(lang, "da_DK"))
    return f"{amount} {currency or 'DKK'}"


def when(dt: datetime, lang: str, tz: str) -> str:
    locale = LOCALES.get(lang, "da_DK")
    zone = ZoneInfo(tz)
    local = dt.astimezone(zone)
    if local.hour == 0 and local.minute == 0:
        return format_date(local.date(), "d. MMMM y" if lang == "da" else "d MMMM y", locale=locale)
    pattern = "d. MMMM y 'kl.' HH.mm" if lang == "da" else "d MMMM y 'at' HH:mm"
    return format_datetime(local, pattern, tzinfo=zone, locale=locale)


def relative(deadline: datetime, now: datetime, lang: str, tz: str) -> str:
    zone = ZoneInfo(tz)
    if deadline <= now:
        return t(lang, "expired")
    days = (deadline.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return t(lang, "today")
    if days == 1:
        return t(lang, "tomorrow")
    return t(lang, "in_days", n=days)


def reason_text(r: dict[str, object], lang: str) -> str:
    """The sentence of a stored reason in ``lang`` (never its signal id)."""
    return render_reason(r, "en" if lang == "en" else "da")


def level_line(view: NoticeView, lang: str) -> str:
    if view.level not in LEVEL_ICON:
        return t(lang, "level_unknown")
    label = level_label(view.level, "en" if lang == "en" else "da")  # type: ignore[arg-type]
    return f"{LEVEL_ICON[view.level]} " + t(lang, "level_line", label=label.capitalize())


def notice_lines(
    view: NoticeView,
    lang: str,
    now: datetime,
    tz: str,
    *,
    reasons: int = 3,
    title_limit: int = 300,
) -> list[str]:
    n = view.notice
    title = n.texts.get("title_en") if lang == "en" and n.texts.get("title_en") else n.title
    lines = [f"<b>{esc(title, title_limit)}</b>"]
    if n.buyer:
        lines.append(t(lang, "buyer", buyer=esc(n.buyer, 150)))
    if n.deadline:
        lines.append(t(lang, "deadline", date=when(n.deadline, lang, tz), relative=relative(n.deadline, now, lang, tz)))
    else:
        lines.append(t(lang, "no_deadline"))
    value_bits = []
    if n.value is not None:
        value_bits.append(t(lang, "value", value=esc(money(n.value, n.currency, lang), 60)))
    if len(n.lots) > 1:
        value_bits.append(t(lang, "lots", count=len(n.lots)))
    if value_bits:
        lines.append(" · ".join(value_bits))
    lines.append(level_line(view, lang))
    for text in [reason_text(r, lang) for r in view.reasons][:reasons]:
        if text:
            lines.append("• " + esc(text, 200))
    if n.url and n.url.startswith(("http://", "https://")):
        lines.append(f'<a href="{html.escape(n.url[:1000], quote=True)}">{t(lang, "link")}</a>')
    return lines


def fit(lines: list[str], limit: int = MAX_MESSAGE) -> str:
    """Join lines, dropping whole lines from the end (never cutting a tag) to fit."""
    text = "\n".join(lines)
    while len(text) > limit and len(lines) > 1:
        lines = lines[:-1]
        text = "\n".join(lines) + "\n…"
    return text


def render_notice(
    view: NoticeView,
    lang: str,
    now: datetime,
    tz: str,
    *,
    banner: str | None = None,
) -> str:
    lines = notice_lines(view, lang, now, tz)
    if banner:
        lines.insert(0, banner)
    return fit(lines)


def render_details(view: NoticeView, lang: str, now: datetime, tz: str) -> str:
    lines = notice_lines(view, lang, now, tz, reasons=0)
    label = level_label(view.level, lang) if view.level in LEVEL_ICON else t(lang, "level_unknown")  # type: ignore[arg-type]
    lines.append("")
    lines.append(t(lang, "details_title", label=esc(label)))
    for text in [reason_text(r, lang) for r in view.reasons][:15]:
        if text:
            lines.append(f"• {esc(text, 200)}")
    if view.lots:
        lines.append("")
        lines.append(t(lang, "details_lots"))
        for lot in view.lots[:25]:
            icon = LEVEL_ICON.get(str(lot.get("level")), "")
            value = ""
            if lot.get("value"):
                value = " · " + esc(money(Decimal(str(lot["value"])), lot.get("currency"), lang), 40)
            lines.append(f"{icon} {esc(lot.get('lot_id'), 20)}: {esc(lot.get('title'), 120)}{value}")
    return fit(lines)


def render_change(d: Delivery, now: datetime, tz: str) -> str:
    assert d.notice is not None
    lang = d.language
    lines = [t(lang, "change_header")]
    changed = list(d.notice.changed)
    if "cancelled" in changed or d.notice.notice.notice_type == "cancellation":
        lines.append(t(lang, "change_cancelled"))
        changed = [c for c in changed if c != "cancelled"]
    if changed:
        names = ", ".join(t(lang, f"field_{c}") for c in changed)
        lines.append(t(lang, "change_fields", fields=esc(names)))
    lines.append("")
    lines.extend(notice_lines(d.notice, lang, now, tz, reasons=1))
    return fit(lines)


def render_reminder(d: Delivery, now: datetime, tz: str) -> str:
    assert d.notice is not None
    return fit([t(d.language, "reminder_header"), *notice_lines(d.notice, d.language, now, tz, reasons=1)])


def render_digest(d: Delivery, now: datetime, tz: str) -> str:
    lang = d.language
    header = t(lang, "digest_header", count=len(d.notices))
    parts = int(d.payload.get("parts", 1) or 1)
    if parts > 1:
        header += " – " + t(lang, "digest_part", part=d.payload.get("part", 1), parts=parts)
    lines = [header]
    budget = (MAX_MESSAGE - len(header) - 50) // max(1, len(d.notices))
    for i, view in enumerate(d.notices, 1):
        entry = notice_lines(view, lang, now, tz, reasons=1, title_limit=200)
        # each line is whole HTML: shorten an entry by dropping lines, never by cutting one
        text = next(
            (joined for k in (len(entry), 4, 1) if len(joined := "\n".join(entry[:k])) <= budget),
            "\n".join(entry[:1]),
        )
        lines.append("")
        lines.append(f"{i}. {text}")
    return fit(lines)
