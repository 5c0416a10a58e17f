"""Stored rows back to the normalised ``Notice`` (for re-scoring, matching and messages)."""

from __future__ import annotations

from jobs.models import NoticeRow
from jobs.notice import Lot, Notice, NoticeType


def row_to_notice(row: NoticeRow) -> Notice:
    """The Notice a row was stored from (lots must be loaded)."""
    return Notice(
        source=row.source,
        id=row.external_id,
        version="" if row.version.startswith("h:") else row.version,
        title=row.title,
        description=row.description,
        buyer=row.buyer,
        url=row.url,
        cpv=tuple(row.cpv or ()),
        nuts=tuple(row.nuts or ()),
        value=row.value,
        currency=row.currency,
        lots=tuple(
            Lot(
                lot_id=lot.lot_id,
                title=lot.title,
                description=lot.description,
                cpv=tuple(lot.cpv or ()),
                nuts=tuple(lot.nuts or ()),
                value=lot.value,
                currency=lot.currency,
                deadline=lot.deadline,
                reserved=tuple(lot.reserved or ()),
                social=tuple(lot.social or ()),
                sme_suitable=lot.sme_suitable,
                framework=lot.framework,
                contract_nature=lot.contract_nature,
                dps=lot.dps,
                duration_months=lot.duration_months,
            )
            for lot in row.lots
        ),
        deadline=row.deadline,
        procedure_type=row.procedure_type,
        notice_type=NoticeType(row.notice_type),
        notice_subtype=row.notice_subtype,
        form_type=row.form_type,
        contract_nature=row.contract_nature,
        reserved=tuple(row.reserved or ()),
        social=tuple(row.social or ()),
        sme_suitable=row.sme_suitable,
        vcse_suitable=row.vcse_suitable,
        framework=row.framework,
        dps=row.dps,
        concession=row.concession,
        above_threshold=row.above_threshold,
        language=row.language,
        published_at=row.published_at,
        changes=row.changes_external_id,
        procedure_id=row.procedure_id,
        buyer_country=row.buyer_country,
        texts=dict(row.texts or {}),
    )
