"""Plain-data views of notices for JSON output (CLI, /mydata, exports)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from jobs.notice import Lot, Notice


def _num(v: Decimal | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def _dt(v: datetime | None) -> str | None:
    return None if v is None else v.isoformat()


def lot_to_dict(lot: Lot) -> dict[str, Any]:
    return {
        "id": lot.lot_id,
        "title": lot.title,
        "value": _num(lot.value),
        "currency": lot.currency,
        "deadline": _dt(lot.deadline),
        "cpv": list(lot.cpv),
        "reserved": list(lot.reserved),
        "social": list(lot.social),
        "sme_suitable": lot.sme_suitable,
        "contract_nature": lot.contract_nature,
        "framework": lot.framework,
        "dps": lot.dps,
    }


def notice_to_dict(n: Notice) -> dict[str, Any]:
    return {
        "source": n.source,
        "id": n.id,
        "version": n.version,
        "title": n.title,
        "buyer": n.buyer,
        "deadline": _dt(n.deadline),
        "value": _num(n.value),
        "currency": n.currency,
        "cpv": list(n.cpv),
        "nuts": list(n.nuts),
        "lots": [lot_to_dict(lot) for lot in n.lots],
        "notice_type": str(n.notice_type),
        "procedure_id": n.procedure_id,
        "url": n.url,
        "language": n.language,
        "published_at": _dt(n.published_at),
        "reserved": list(n.reserved),
        "social": list(n.social),
        "sme_suitable": n.sme_suitable,
        "vcse_suitable": n.vcse_suitable,
        "framework": n.framework,
        "dps": n.dps,
        "concession": n.concession,
        "above_threshold": n.above_threshold,
        "contract_nature": n.contract_nature,
        "changes": n.changes,
    }
