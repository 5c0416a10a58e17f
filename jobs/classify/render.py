"""Levels and reasons as words, in Danish (first) and English.

A reason carries its own sentence in both languages (``Reason.da`` / ``.en``); a
stored reason is its ``to_dict()``. The signal id is never shown to a user.
"""

from __future__ import annotations

from collections.abc import Mapping

from jobs.classify.model import Lang, Level, Reason

LEVEL_LABELS: dict[str, dict[str, str]] = {
    "da": {"suitable": "oplagt", "possible": "mulig", "unlikely": "usandsynlig"},
    "en": {"suitable": "suitable", "possible": "possible", "unlikely": "unlikely"},
}


def level_label(level: Level, lang: Lang = "da") -> str:
    return LEVEL_LABELS[_lang(lang)][level]


def render_reason(reason: Reason | Mapping[str, object], lang: str = "da") -> str:
    """The sentence of a reason (or of a stored reason dict) in ``lang``; "" when a stored
    reason has no sentence (written by older rules, before it was re-scored)."""
    lang = _lang(lang)
    if isinstance(reason, Reason):
        return reason.text(lang)
    text = reason.get(lang) or reason.get("da")
    return text if isinstance(text, str) else ""


def _lang(lang: str) -> Lang:
    if lang not in ("da", "en"):
        raise ValueError(f"language must be 'da' or 'en', not {lang!r}")
    return "da" if lang == "da" else "en"
