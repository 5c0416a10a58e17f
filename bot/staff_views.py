"""Staff-facing messages: statistics, advice requests, broadcasts, the chart.

HTML like every message of the bot; everything from data is escaped here.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.render import LOCALES, esc, fit, when
from bot.texts import t
from jobs.categories import Category
from jobs.classify.render import level_label
from jobs.models import Broadcast
from jobs.ops.chart import OTHER, ChartData, render_png
from jobs.ops.stats import LEVELS, Stats
from jobs.people.advice import RequestView
from jobs.people.broadcasts import Audience, Progress
from jobs.status import BroadcastStatus, SubscriberStatus


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "da"


def level_name(level: str, lang: str) -> str:
    if level in LEVELS:
        return level_label(level, _lang(lang))  # type: ignore[arg-type]
    return t(lang, "stats_not_assessed")


def who(name: str, username: str | None) -> str:
    """ "Name (@username)", escaped."""
    label = esc(name or "?", 100)
    return f"{label} (@{esc(username, 60)})" if username else label


def _number(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", "." if lang == "da" else ",")


# ------------------------------------------------------------------ statistics


def _source_line(src: object, lang: str, tz: str) -> str:
    name = esc(getattr(src, "name", ""), 60)
    last = getattr(src, "last_success_at", None)
    failures = int(getattr(src, "failures", 0) or 0)
    seen = when(last, lang, tz) if last else t(lang, "stats_never")
    if failures:
        error = esc(getattr(src, "last_error", "") or "?", 160)
        return t(lang, "stats_source_failing", name=name, failures=failures, when=seen, error=error)
    if last is None:
        return t(lang, "stats_source_never", name=name)
    return t(lang, "stats_source_ok", name=name, when=seen)


def render_stats(stats: Stats, lang: str, tz: str, categories: Mapping[str, Category]) -> str:
    local_start = stats.week_start.astimezone(ZoneInfo(tz))
    week = local_start.isocalendar().week
    start = format_date(local_start.date(), "d. MMMM" if lang == "da" else "d MMMM", locale=LOCALES.get(lang, "da_DK"))
    subs = stats.subscribers
    lines = [
        t(lang, "stats_title", week=week, start=start),
        "",
        t(
            lang,
            "stats_subscribers",
            active=subs[SubscriberStatus.ACTIVE],
            paused=subs[SubscriberStatus.PAUSED],
            blocked=subs[SubscriberStatus.BLOCKED],
            stopped=subs[SubscriberStatus.STOPPED],
        ),
    ]
    langs = " · ".join(
        f"{t(lang, f'lang_{code}') if code in ('da', 'en') else esc(code, 5)} {n}"
        for code, n in sorted(stats.by_language.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    lines.append(t(lang, "stats_languages", list=langs or t(lang, "stats_none")))

    def cat_name(key: str) -> str:
        if not key:
            return t(lang, "stats_all_categories")
        return esc(categories[key].label(lang) if key in categories else key, 60)

    cats = " · ".join(
        f"{cat_name(k)} {n}" for k, n in sorted(stats.by_category.items(), key=lambda kv: (not kv[0], -kv[1], kv[0]))
    )
    lines.append(t(lang, "stats_categories", list=cats or t(lang, "stats_none")))
    levels = " · ".join(
        f"{stats.notices_by_level.get(lv, 0)} {level_name(lv, lang)}"
        for lv in (*LEVELS, "")
        if lv in LEVELS or stats.notices_by_level.get(lv)
    )
    lines += ["", t(lang, "stats_notices", count=stats.notices, levels=levels)]
    lines.append(
        t(
            lang,
            "stats_messages",
            delivered=stats.delivered,
            failed=stats.failed,
            dropped=stats.dropped,
            queued=stats.queued,
        )
    )
    feedback = " · ".join(
        f"{level_name(lv, lang)} {yes}/{no}"
        for lv in (*LEVELS, "")
        if lv in stats.feedback
        for yes, no in [stats.feedback[lv]]
    )
    lines.append(t(lang, "stats_feedback", list=feedback or t(lang, "stats_none")))
    lines.append(t(lang, "stats_advice", open=stats.advice.get("open", 0), answered=stats.advice.get("answered", 0)))
    lines += ["", t(lang, "stats_sources")]
    lines += [_source_line(s, lang, tz) for s in stats.sources] or [t(lang, "stats_no_sources")]
    return fit(lines)


# ------------------------------------------------------------------ advice requests


def render_request(req: RequestView, lang: str) -> str:
    """The request as staff see it in the staff chat (they answer by replying to it)."""
    notice = ""
    if req.notice_title:
        title = esc(req.notice_title, 200)
        if req.notice_url and req.notice_url.startswith(("http://", "https://")):
            title = f'<a href="{html.escape(req.notice_url[:1000], quote=True)}">{title}</a>'
        notice = t(lang, "adv_staff_notice", notice=title)
    sender = f"{who(req.name, req.username)} · {t(lang, f'lang_{_lang(req.language)}')}"
    return t(lang, "adv_staff_request", id=req.id, who=sender, notice=notice, question=esc(req.question, 1000))


def render_answer(req: RequestView, answer_html: str) -> str:
    """The answer as the enterprise sees it, in its language."""
    return t(req.language, "adv_answer", answer=answer_html, question=esc(req.question, 300))


def staff_link(chat_id: int | None, message_id: int | None) -> str | None:
    """A t.me link to a message in a supergroup (other chats have none)."""
    if not chat_id or not message_id or not str(chat_id).startswith("-100"):
        return None
    return f"https://t.me/c/{str(chat_id)[4:]}/{message_id}"


def render_requests(reqs: list[RequestView], lang: str, tz: str) -> str:
    if not reqs:
        return t(lang, "requests_none")
    lines = [t(lang, "requests_title", count=len(reqs))]
    for r in reqs:
        url = staff_link(r.staff_chat_id, r.staff_message_id)
        link = t(lang, "requests_link", url=html.escape(url, quote=True)) if url else ""
        lines.append("")
        lines.append(
            t(
                lang,
                "requests_line",
                id=r.id,
                when=when(r.created_at, lang, tz),
                who=who(r.name, r.username),
                link=link,
                question=esc(r.question, 200),
            )
        )
    return fit(lines)


# ------------------------------------------------------------------ broadcasts


def audience_text(audience: Audience, lang: str, categories: Mapping[str, Category]) -> str:
    if audience.everyone:
        return t(lang, "bc_aud_everyone")
    parts = []
    if audience.categories:
        names = ", ".join(categories[c].label(lang) if c in categories else c for c in audience.categories)
        parts.append(t(lang, "bc_aud_categories", list=esc(names, 300)))
    if audience.language:
        parts.append(t(lang, "bc_aud_language", language=t(lang, f"lang_{_lang(audience.language)}")))
    if audience.relevant:
        if audience.notice_id is not None:
            parts.append(t(lang, "bc_aud_relevant_notice", id=audience.notice_id))
        else:
            parts.append(t(lang, "bc_aud_relevant"))
    return t(lang, "bc_aud_and").join(parts)


def send_time(at: datetime | None, lang: str, tz: str) -> str:
    return when(at, lang, tz) if at is not None else t(lang, "bc_when_now")


def excerpt(markup: str, limit: int = 80) -> str:
    """The first words of a broadcast, as plain escaped text."""
    plain = " ".join(html.unescape(re.sub(r"<[^>]*>", "", markup)).split())
    return esc(plain, limit)


def render_broadcasts(rows: list[Broadcast], lang: str, tz: str, categories: Mapping[str, Category]) -> str:
    if not rows:
        return t(lang, "broadcasts_none")
    lines = [t(lang, "broadcasts_title")]
    for b in rows:
        stamp = (
            b.finished_at
            if b.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED) and b.finished_at
            else (b.send_at or b.created_at)
        )
        count = t(lang, "bc_recipients", count=b.recipients) if b.recipients is not None else ""
        lines.append("")
        lines.append(
            t(
                lang,
                "broadcasts_line",
                id=b.id,
                status=t(lang, f"bc_status_{b.status}"),
                when=when(stamp, lang, tz),
                audience=audience_text(Audience.from_json(b.audience), lang, categories),
                count=count,
                excerpt=excerpt(b.html),
            ).replace(" · \n", "\n")
        )
    return fit(lines)


def progress_text(broadcast_id: int, p: Progress, lang: str) -> str:
    return t(lang, "bc_progress", id=broadcast_id, done=_number(p.finished, lang), total=_number(p.recipients, lang))


def report_text(broadcast_id: int, p: Progress, lang: str) -> str:
    return t(
        lang,
        "bc_report",
        id=broadcast_id,
        total=_number(p.recipients, lang),
        delivered=_number(p.delivered, lang),
        blocked=_number(p.blocked, lang),
        failed=_number(p.failed, lang),
    )


# ------------------------------------------------------------------ chart


def _period(data: ChartData, lang: str, tz: str) -> tuple[str, str]:
    zone = ZoneInfo(tz)
    locale = LOCALES.get(lang, "da_DK")
    pattern = "d. MMMM" if lang == "da" else "d MMMM"
    start = format_date(data.start.astimezone(zone).date(), pattern, locale=locale)
    end = format_date(data.end.astimezone(zone).date(), pattern, locale=locale)
    return start, end


async def chart_png(data: ChartData, lang: str, tz: str, categories: Mapping[str, Category]) -> tuple[bytes, str]:
    """The PNG (drawn off the event loop) and its caption."""
    start, end = _period(data, lang, tz)
    labels = {k: c.label(lang) for k, c in categories.items()}
    labels[OTHER] = t(lang, "chart_other")
    level_labels = {lv: level_name(lv, lang) for lv in (*LEVELS, "")}
    png = await asyncio.to_thread(
        render_png,
        data,
        title=t(lang, "chart_title", start=start, end=end),
        category_labels=labels,
        level_labels=level_labels,
        xlabel=t(lang, "chart_xlabel"),
        empty=t(lang, "chart_empty"),
    )
    return png, t(lang, "chart_caption", start=start, end=end, count=_number(data.notices, lang))
