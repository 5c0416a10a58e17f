"""eForms lots and values: each ``ProcurementProjectLot`` (or "Part") as a ``Lot``, and the
notice's value from the procedure's and the lots' amounts.

The choices (which lots count, a lot's deadline, value, framework and DPS, the
notice's value) are listed in ``jobs.ingest.parse.eforms``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jobs.ingest.parse.eforms_xml import (
    LOT_FIELDS,
    Amount,
    FieldMap,
    amount,
    as_bool,
    cached_date,
    cached_date_time,
    cached_number,
    cpv_list,
    distinct,
    first,
    http_url,
    pick,
    social_codes,
    text_of,
    values,
)
from jobs.notice import Lot

_DURATION_MONTHS = {
    "MONTH": Decimal(1),
    "YEAR": Decimal(12),
    "WEEK": Decimal(12) / 52,
    "DAY": Decimal(12) / 365,
}
_LOT_SCHEMES = ("Lot", "Part")
_DPS_CODES = ("dps-list", "dps-nlist")


@dataclass(slots=True)
class ParsedLot:
    """A lot with what the notice takes from it beyond the ``Lot`` itself."""

    lot: Lot
    lang: str
    title_en: str
    description_en: str
    nature: str | None
    url: str | None
    estimate: Amount | None
    framework_max: Amount | None


def parse_lot(el: Any, notice_lang: str) -> ParsedLot | None:
    """A lot or a part; None for a group of lots."""
    f = LOT_FIELDS(el)
    ids = f.get("id")
    if not ids or ids[0].get("schemeName") not in _LOT_SCHEMES:
        return None
    title, lang, title_en = pick(f.get("name"), notice_lang)
    description, desc_lang, desc_en = pick(f.get("description"), notice_lang)
    deadline = (
        cached_date_time(first(f.get("deadline_date")), first(f.get("deadline_time")))
        or cached_date_time(first(f.get("request_date")), first(f.get("request_time")))
        or cached_date_time(first(f.get("interest_date")), first(f.get("interest_time")))
    )
    systems = {el.get("listName"): (el.text or "").strip() for el in f.get("contracting_system", ())}
    framework_code = systems.get("framework-agreement")
    estimate = amount(f.get("estimate"))
    framework_max = amount(f.get("framework_max_ext")) or amount(f.get("framework_max"))
    value, currency = estimate or framework_max or (None, None)
    lot = Lot(
        lot_id=first(ids) or "",
        title=title,
        description=description,
        cpv=distinct(cpv_list(values(f.get("cpv_main")) + values(f.get("cpv_more")))),
        nuts=distinct(values(f.get("nuts"))),
        value=value,
        currency=currency,
        deadline=deadline,
        reserved=distinct(c for c in values(f.get("reserved")) if c != "none"),
        social=distinct(social_codes(f.get("additional_type", ()))),
        sme_suitable=as_bool(first(f.get("sme"))),
        framework=bool(framework_code) and framework_code != "none",
        duration_months=_duration_months(f),
        contract_nature=first(f.get("nature")),
        dps=systems.get("dps-usage") in _DPS_CODES,
    )
    return ParsedLot(
        lot=lot,
        lang=lang or desc_lang,
        title_en=title_en,
        description_en=desc_en,
        nature=first(f.get("nature")),
        url=next((u for u in map(http_url, values(f.get("docs"))) if u), None),
        estimate=estimate,
        framework_max=framework_max,
    )


def notice_value(f: FieldMap, lots: Sequence[ParsedLot]) -> tuple[Decimal | None, str | None]:
    """(value, currency) of the notice: the estimate, else the lots' estimates, else the
    framework maximum, else the lots' maxima."""
    return (
        amount(f.get("estimate"))
        or _sum(p.estimate for p in lots)
        or amount(f.get("framework_max_ext"))
        or _sum(p.framework_max for p in lots)
        or (None, None)
    )


def _sum(amounts: Iterable[Amount | None]) -> Amount | None:
    """The sum when every amount is known, in one currency."""
    given = list(amounts)
    known = [a for a in given if a is not None]
    if not known or len(known) < len(given) or len({c for _, c in known}) != 1:
        return None
    return sum((v for v, _ in known), Decimal(0)), known[0][1]


def _duration_months(f: FieldMap) -> int | None:
    for el in f.get("duration", ()):
        factor = _DURATION_MONTHS.get((el.get("unitCode") or "").upper())
        number = cached_number(text_of(el))
        if factor is not None and number is not None:
            return max(1, int((number * factor).to_integral_value()))
    start = cached_date(first(f.get("start")))
    end = cached_date(first(f.get("end")))
    if start is not None and end is not None and end > start:
        return max(1, round((end - start).days / 30.44))
    return None
