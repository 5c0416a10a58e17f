"""The weekly chart: notices per category and suitability level, as a PNG.

``chart_counts`` (pure) puts each notice of the week in every category its CPV codes
fall in ("other" when none); ``render_png`` draws stacked bars with matplotlib's Agg
canvas (no pyplot, no global state, no display). The words on the chart come from the
caller, so every user-facing string stays in ``bot/texts.py``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from jobs.db import Database
from jobs.models import NoticeRow

LEVELS = ("suitable", "possible", "unlikely", "")  # "": not assessed
COLOURS = {"suitable": "#2e7d32", "possible": "#f9a825", "unlikely": "#9e9e9e", "": "#d7ccc8"}
OTHER = "_other"


@dataclass(frozen=True)
class ChartData:
    start: datetime
    end: datetime
    counts: dict[str, dict[str, int]]  # category key (or OTHER) -> level -> notices
    notices: int = 0  # each notice once (one in two categories is in two bars)


def categories_of(cpv: Sequence[str], prefixes: Mapping[str, Sequence[str]]) -> list[str]:
    """Every category one of the CPV codes falls in (pure)."""
    codes = [c.split("-", 1)[0] for c in cpv]
    return [key for key, pfx in prefixes.items() if any(code.startswith(p) for code in codes for p in pfx)]


def chart_counts(
    notices: Iterable[tuple[Sequence[str], str | None]], prefixes: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, int]]:
    """(cpv codes, level) per notice → notices per category and level (pure)."""
    out: dict[str, dict[str, int]] = {}
    for cpv, level in notices:
        lv = level if level in LEVELS else ""
        for key in categories_of(cpv, prefixes) or [OTHER]:
            bucket = out.setdefault(key, {})
            bucket[lv] = bucket.get(lv, 0) + 1
    return out


async def weekly_data(
    db: Database, now: datetime, prefixes: Mapping[str, Sequence[str]], *, days: int = 7
) -> ChartData:
    """The notices first seen in the ``days`` days before ``now``."""
    start = now - timedelta(days=days)
    async with db.sessions() as s:
        rows = (
            await s.execute(
                select(NoticeRow.cpv, NoticeRow.level).where(
                    NoticeRow.first_seen_at >= start, NoticeRow.first_seen_at < now
                )
            )
        ).all()
    return ChartData(start, now, chart_counts(((r[0] or [], r[1]) for r in rows), prefixes), len(rows))


def render_png(
    data: ChartData,
    *,
    title: str,
    category_labels: Mapping[str, str],
    level_labels: Mapping[str, str],
    xlabel: str,
    empty: str,
) -> bytes:
    """Stacked horizontal bars, biggest category on top; PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    keys = sorted(data.counts, key=lambda k: (k == OTHER, -sum(data.counts[k].values()), k))
    fig = Figure(figsize=(9, 2.0 + 0.45 * max(1, len(keys))), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=12)
    if not keys:
        ax.text(0.5, 0.5, empty, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        labels = [category_labels.get(k, k)[:45] for k in keys]
        left = [0] * len(keys)
        for level in LEVELS:
            values = [data.counts[k].get(level, 0) for k in keys]
            if not any(values):
                continue
            ax.barh(labels, values, left=left, color=COLOURS[level], label=level_labels.get(level, level))
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        fig.legend(loc="outside lower center", ncol=4, fontsize=9, frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
