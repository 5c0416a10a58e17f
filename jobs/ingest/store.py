"""Store parsed notices once: dedup by (source, id, version) and across sources,
link changes to what they change, keep each notice's assessment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.classify.model import Assessment
from jobs.config import MoneySettings
from jobs.ingest.decide import Known, Novelty, content_hash, decide, dedup_key, effective_version
from jobs.listindex import cpv_numbers, search_text
from jobs.models import LotRow, NoticeAlias, NoticeCpv, NoticeRow, NoticeText
from jobs.notice import Notice
from jobs.runtime import Assess

CHUNK = 500


@dataclass
class StoreResult:
    new: list[int] = field(default_factory=list)  # row ids of notices never seen before
    changed: list[int] = field(default_factory=list)  # row ids of new versions / change notices
    duplicates: int = 0
    aliases: int = 0

    @property
    def stored(self) -> int:
        return len(self.new) + len(self.changed)


@dataclass(frozen=True)
class _Prepared:
    notice: Notice
    digest: str
    version: str
    key: str


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


async def _gather_known(session: AsyncSession, source: str, prepared: list[_Prepared]) -> dict[str, Known]:
    """Everything ``decide`` needs, in a handful of queries for the whole batch."""
    ext_ids = sorted({p.notice.id for p in prepared})
    keys = sorted({p.key for p in prepared})
    targets = sorted({p.notice.changes for p in prepared if p.notice.changes})
    versions: set[tuple[str, str]] = set()
    latest: dict[str, int] = {}
    by_key: dict[str, int] = {}
    target_ids: dict[str, int] = {}
    for chunk in _chunks(ext_ids):
        rows = await session.execute(
            select(NoticeRow.external_id, NoticeRow.version, NoticeRow.id).where(
                NoticeRow.source == source, NoticeRow.external_id.in_(chunk)
            )
        )
        for ext, ver, rid in rows:
            versions.add((ext, ver))
            latest[ext] = max(latest.get(ext, 0), rid)
        alias_rows = await session.execute(
            select(NoticeAlias.external_id, NoticeAlias.version).where(
                NoticeAlias.source == source, NoticeAlias.external_id.in_(chunk)
            )
        )
        versions.update((ext, ver) for ext, ver in alias_rows)
    for chunk in _chunks(keys):
        keyed = await session.execute(select(NoticeRow.dedup_key, NoticeRow.id).where(NoticeRow.dedup_key.in_(chunk)))
        by_key.update({k: rid for k, rid in keyed})
    for chunk in _chunks(targets):
        found = await session.execute(
            select(NoticeRow.external_id, func.max(NoticeRow.id))
            .where(NoticeRow.external_id.in_(chunk))
            .group_by(NoticeRow.external_id)
        )
        target_ids.update({ext: rid for ext, rid in found})
    return {
        p.key: Known(
            same_version=(p.notice.id, p.version) in versions,
            alias_of=by_key.get(p.key),
            previous_id=latest.get(p.notice.id),
            changed_target_id=target_ids.get(p.notice.changes) if p.notice.changes else None,
        )
        for p in prepared
    }


def _prepare(notices: Sequence[Notice], result: StoreResult) -> list[_Prepared]:
    """Each notice with its content hash, version and dedup key; a repeat within the batch
    counts as a duplicate."""
    prepared: list[_Prepared] = []
    seen: set[str] = set()
    for n in notices:
        digest = content_hash(n)
        version = effective_version(n, digest)
        key = dedup_key(n, version)
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        prepared.append(_Prepared(n, digest, version, key))
    return prepared


async def store_notices(
    session: AsyncSession,
    source: str,
    notices: Sequence[Notice],
    *,
    now: datetime,
    money: MoneySettings,
    assess: Assess | None = None,
    baseline: bool = False,
) -> StoreResult:
    """Insert what is new or changed; the caller commits (one transaction per poll)."""
    result = StoreResult()
    prepared = _prepare(notices, result)
    known = await _gather_known(session, source, prepared)
    # Core bulk inserts (one executemany per table): the ORM unit of work costs
    # more than parsing on a large feed, see bench/bench_ingest.py.
    notice_rows: list[dict[str, Any]] = []
    lot_rows: list[list[dict[str, Any]]] = []
    aliases: list[dict[str, Any]] = []
    is_new: list[bool] = []
    for p in prepared:
        decision = decide(p.notice, known[p.key])
        if decision.novelty is Novelty.DUPLICATE:
            result.duplicates += 1
        elif decision.novelty is Novelty.ALIAS:
            aliases.append(
                {
                    "notice_id": decision.changes_notice_id,
                    "source": source,
                    "external_id": p.notice.id,
                    "version": p.version,
                    "url": p.notice.url,
                    "seen_at": now,
                }
            )
            result.aliases += 1
        else:
            row, lots = notice_values(p, source=source, now=now, money=money, baseline=baseline)
            row["changes_notice_id"] = decision.changes_notice_id
            if assess is not None:
                assessed = assess(p.notice)
                row.update(assessment_values(assessed))
                per_lot = {la.lot_id: la for la in assessed.lots}
                for lot in lots:
                    la = per_lot.get(lot["lot_id"])
                    if la is not None:
                        lot.update(score=la.score, level=la.level, reasons=[r.to_dict() for r in la.reasons])
            notice_rows.append(row)
            lot_rows.append(lots)
            is_new.append(decision.novelty is Novelty.NEW)
    if notice_rows:
        ids = await _insert_notices(session, notice_rows, lot_rows)
        for nid, new in zip(ids, is_new, strict=True):
            (result.new if new else result.changed).append(nid)
    if aliases:
        await session.execute(_bulk(NoticeAlias), aliases)
    return result


async def _insert_notices(
    session: AsyncSession, notice_rows: list[dict[str, Any]], lot_rows: list[list[dict[str, Any]]]
) -> list[int]:
    """Insert notice rows, their lots, and what the web list filters by (CPV numbers, search
    text); the new ids in order."""
    # Plain executemany, then the ids by dedup key: RETURNING with ordered
    # parameters is quadratic in SQLAlchemy's batching on large pages.
    await session.execute(_bulk(NoticeRow), notice_rows)
    keys = [r["dedup_key"] for r in notice_rows]
    id_of: dict[str, int] = {}
    for chunk in _chunks(keys):
        inserted = await session.execute(
            select(NoticeRow.dedup_key, NoticeRow.id).where(NoticeRow.dedup_key.in_(chunk))
        )
        id_of.update({k: i for k, i in inserted})
    ids = [id_of[k] for k in keys]
    all_lots = [dict(lot, notice_id=nid) for nid, lots in zip(ids, lot_rows, strict=True) for lot in lots]
    if all_lots:
        await session.execute(_bulk(LotRow), all_lots)
    codes = [
        {"notice_id": nid, "code": code, "deadline": row["deadline"]}
        for nid, row, lots in zip(ids, notice_rows, lot_rows, strict=True)
        for code in sorted(cpv_numbers(row["cpv"], *(lot["cpv"] for lot in lots)))
    ]
    if codes:
        await session.execute(_bulk(NoticeCpv), codes)
    texts = [
        {
            "notice_id": nid,
            "deadline": row["deadline"],
            "search_text": search_text(row["title"], row["buyer"], row["description"]),
        }
        for nid, row in zip(ids, notice_rows, strict=True)
        if row["deadline"] is not None
    ]
    if texts:
        await session.execute(_bulk(NoticeText), texts)
    return ids


def _bulk(model: Any) -> Any:
    """An ORM bulk INSERT that sends None as NULL: by default the ORM leaves a None column
    out, so rows with and without a deadline (say) fall into different statements, and an
    alternating feed costs one round trip per row. Only nullable columns without a default
    are ever None in these rows, so NULL is what the ORM stored for them anyway."""
    return insert(model).execution_options(render_nulls=True)


def notice_values(
    p: _Prepared, *, source: str, now: datetime, money: MoneySettings, baseline: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Column values of a notice row and its lot rows."""
    # Long only because it names every column once; it is a plain mapping, no logic to split.
    n = p.notice
    row: dict[str, Any] = {
        "source": source,
        "external_id": n.id,
        "version": p.version,
        "dedup_key": p.key,
        "content_hash": p.digest,
        "procedure_id": n.procedure_id,
        "title": n.title,
        "description": n.description,
        "buyer": n.buyer,
        "buyer_country": n.buyer_country,
        "url": n.url,
        "cpv": list(n.cpv),
        "nuts": list(n.nuts),
        "value": n.value,
        "currency": n.currency,
        "value_dkk": _round(money.to_dkk(n.value, n.currency)),
        "deadline": n.deadline,
        "notice_type": str(n.notice_type),
        "notice_subtype": n.notice_subtype,
        "form_type": n.form_type,
        "procedure_type": n.procedure_type,
        "contract_nature": n.contract_nature,
        "reserved": list(n.reserved),
        "social": list(n.social),
        "sme_suitable": n.sme_suitable,
        "vcse_suitable": n.vcse_suitable,
        "framework": n.framework,
        "dps": n.dps,
        "concession": n.concession,
        "above_threshold": n.above_threshold,
        "language": n.language,
        "published_at": n.published_at,
        "changes_external_id": n.changes,
        "texts": dict(n.texts),
        "baseline": baseline,
        "first_seen_at": now,
        "score": None,
        "level": None,
        "reasons": [],
        "rules_version": None,
    }
    lots = [
        {
            "position": i,
            "lot_id": lot.lot_id,
            "title": lot.title,
            "description": lot.description,
            "cpv": list(lot.cpv),
            "nuts": list(lot.nuts),
            "value": lot.value,
            "currency": lot.currency,
            "deadline": lot.deadline,
            "reserved": list(lot.reserved),
            "social": list(lot.social),
            "sme_suitable": lot.sme_suitable,
            "framework": lot.framework,
            "contract_nature": lot.contract_nature,
            "dps": lot.dps,
            "duration_months": lot.duration_months,
            "score": None,
            "level": None,
            "reasons": [],
        }
        for i, lot in enumerate(_unique_lots(n))
    ]
    return row, lots


def assessment_values(a: Assessment) -> dict[str, Any]:
    return {
        "score": a.score,
        "level": a.level,
        "rules_version": a.rules_version,
        "reasons": [r.to_dict() for r in a.reasons],
    }


def _unique_lots(n: Notice) -> list[Any]:
    seen: set[str] = set()
    out = []
    for lot in n.lots:
        if lot.lot_id not in seen:
            seen.add(lot.lot_id)
            out.append(lot)
    return out


def _round(v: Decimal | None) -> Decimal | None:
    return None if v is None else v.quantize(Decimal("0.01"))


def apply_assessment(row: NoticeRow, a: Assessment) -> None:
    """Set a stored row's assessment (re-scoring); new rows get it in ``store_notices``."""
    for key, value in assessment_values(a).items():
        setattr(row, key, value)
    per_lot = {la.lot_id: la for la in a.lots}
    for lot in row.lots:
        la = per_lot.get(lot.lot_id)
        if la is not None:
            lot.score, lot.level = la.score, la.level
            lot.reasons = [r.to_dict() for r in la.reasons]
