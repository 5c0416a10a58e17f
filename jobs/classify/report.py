"""JSON lines for ``udbudsbot classify``: one per notice, plus one per lot on request."""

from __future__ import annotations

from typing import Any

from jobs.classify.model import Assessment, Reason
from jobs.notice import Notice


def reason_json(reason: Reason, lang: str = "da") -> dict[str, str]:
    """``{signal, text, evidence}``: ``text`` is the sentence in ``lang``."""
    return {"signal": reason.signal, "text": reason.text(lang), "evidence": reason.evidence}


def assessment_to_json(notice: Notice, assessment: Assessment, *, lots: bool, lang: str = "da") -> list[dict[str, Any]]:
    """``[{source, id, title, score, level, reasons, rules_version}, ...]``; lot lines add ``lot``."""
    base = {"source": notice.source, "id": notice.id}
    out: list[dict[str, Any]] = [
        {
            **base,
            "title": notice.title,
            "score": assessment.score,
            "level": assessment.level,
            "reasons": [reason_json(r, lang) for r in assessment.reasons],
            "rules_version": assessment.rules_version,
        }
    ]
    if lots:
        titles = {lot.lot_id: lot.title for lot in notice.lots}
        for la in assessment.lots:
            out.append(
                {
                    **base,
                    "lot": la.lot_id,
                    "title": titles.get(la.lot_id) or notice.title,
                    "score": la.score,
                    "level": la.level,
                    "reasons": [reason_json(r, lang) for r in la.reasons],
                    "rules_version": assessment.rules_version,
                }
            )
    return out
