"""How the directory and purchase matching look in Telegram: HTML, every value
an enterprise or staff typed escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import Decimal

from babel.numbers import format_decimal

from bot.texts import t
from jobs.categories import Category
from jobs.directory.fields import FIELDS, area_label
from jobs.directory.matching import Advice, MatchResult, Why
from jobs.directory.profiles import ProfileView

MAX_MESSAGE = 4096


def esc(value: object, limit: int = 600) -> str:
    text = str(value if value is not None else "")
    return html.escape(text[: limit - 1] + "…" if len(text) > limit else text, quote=True)


def dkk(value: object, lang: str) -> str:
    if value is None:
        return "–"
    amount = format_decimal(Decimal(str(value)), format="#,##0", locale="da_DK" if lang == "da" else "en_GB")
    return f"{amount} kr." if lang == "da" else f"DKK {amount}"


def trades_text(keys: object, categories: Mapping[str, Category], lang: str) -> str:
    return ", ".join(categories[k].label(lang) if k in categories else str(k) for k in keys or ())  # type: ignore[attr-defined]


def field_name(field: str, lang: str) -> str:
    return t(lang, f"pfield_{field}")


def profile_body(p: ProfileView, categories: Mapping[str, Category], lang: str) -> str:
    none = "–"
    return t(
        lang,
        "profile_body",
        name=esc(p.name) or none,
        cvr=esc(p.cvr) or none,
        trades=esc(trades_text(p.trades, categories, lang)) or none,
        area=esc(area_label(p.area, lang)) if p.area else none,
        employees=p.employees if p.employees is not None else none,
        capacity=dkk(p.capacity_dkk, lang),
        description=esc(p.description) or none,
        website=esc(p.website) or none,
        contact=esc(p.contact) or none,
    )


def profile_text(p: ProfileView, categories: Mapping[str, Category], lang: str) -> str:
    body = profile_body(p, categories, lang)
    lines = [t(lang, "profile_title", status=t(lang, f"pstatus_{p.status}")), body, ""]
    lines.append(t(lang, "profile_listed") if p.listed else t(lang, "profile_not_listed"))
    if p.missing:
        lines.append(t(lang, "profile_incomplete", fields=", ".join(field_name(f, lang) for f in p.missing)))
    lines.append(t(lang, "profile_edit_help"))
    return "\n".join(lines)


def staff_profile_text(p: ProfileView, categories: Mapping[str, Category], lang: str) -> str:
    return t(lang, "staff_profile_title", id=p.id, revision=p.revision) + "\n" + profile_body(p, categories, lang)


def ask_text(field: str, categories: Mapping[str, Category], lang: str) -> str:
    if field == "trades":
        listing = ", ".join(f"<code>{esc(k)}</code>" for k in categories)
        return t(lang, "ask_trades", list=listing)
    return t(lang, f"ask_{field}")


def all_fields(lang: str) -> str:
    return ", ".join(field_name(f, lang) for f in FIELDS)


def _why(why: Why, categories: Mapping[str, Category], lang: str) -> str:
    values: dict[str, object] = {}
    for key, value in why.values.items():
        if key == "trades":
            values[key] = esc(trades_text(value, categories, lang))
        elif key == "area":
            values[key] = esc(area_label(str(value), lang))
        elif key in ("capacity", "value", "lot_max"):
            values[key] = dkk(value, lang)
        else:
            values[key] = esc(value)
    return t(lang, f"why_{why.code}", **values)


def _advice(a: Advice, categories: Mapping[str, Category], lang: str) -> str:
    key = "advice_split_lots_n" if a.code == "split_lots" and "lots" in a.values else f"advice_{a.code}"
    values = {k: dkk(v, lang) if k == "lot_max" else esc(v) for k, v in a.values.items()}
    because = t(lang, "match_because")
    return f"• {t(lang, key, **values)} ({because} {_why(a.reason, categories, lang)})"


def match_text(text: str, result: MatchResult, categories: Mapping[str, Category], lang: str) -> str:
    lines = [t(lang, "match_title", text=esc(text, 300))]
    if result.trades:
        lines.append(t(lang, "match_trades", trades=esc(trades_text(result.trades, categories, lang))))
    else:
        lines.append(t(lang, "match_no_trades"))
    lines.append("")
    if result.fits:
        lines.append(t(lang, "match_fits", count=len(result.fits)))
        for i, fit in enumerate(result.fits, 1):
            e = fit.enterprise
            reasons = "; ".join(_why(w, categories, lang) for w in fit.reasons)
            lines.append(f"{i}. <b>{esc(e.name, 120)}</b> (CVR {esc(e.cvr)}) – {reasons}. {esc(e.contact, 120)}")
    else:
        lines.append(t(lang, "match_none"))
    lines.append("")
    lines.append(t(lang, "match_advice"))
    lines.extend(_advice(a, categories, lang) for a in result.advice)
    out = "\n".join(lines)
    while len(out) > MAX_MESSAGE and len(lines) > 3:  # never cut inside a tag: drop whole lines
        lines.pop(-len(result.advice) - 2)
        out = "\n".join(lines)
    return out
