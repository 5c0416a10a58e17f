"""The one normalised notice type every source adapter produces.

Everything downstream (classification, storage, matching, delivery) reads only
these dataclasses, never a source's raw format.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


class NoticeType(enum.StrEnum):
    """What a notice does in the life of a procedure."""

    PRIOR_INFORMATION = "prior_information"  # PIN, planning, market consultation
    COMPETITION = "competition"  # contract notice: you can bid now
    CHANGE = "change"  # corrigendum of an earlier notice
    CANCELLATION = "cancellation"  # procedure cancelled / void
    AWARD = "award"  # result notice, contract awarded
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Lot:
    """One lot of a procedure; eForms keeps the facts that matter per lot."""

    lot_id: str
    title: str = ""
    description: str = ""
    cpv: tuple[str, ...] = ()
    nuts: tuple[str, ...] = ()
    value: Decimal | None = None  # estimated value, None when unknown or a placeholder
    currency: str | None = None
    deadline: datetime | None = None  # timezone-aware
    reserved: tuple[str, ...] = ()  # BT-71 codes, e.g. "res-ws", "res-pub-ser"
    social: tuple[str, ...] = ()  # BT-06 strategic codes ("soc-obj") and BT-775 codes
    sme_suitable: bool | None = None  # BT-726
    framework: bool = False
    duration_months: int | None = None
    contract_nature: str | None = None  # the lot's own BT-23 ("works", "services", "supplies")
    dps: bool = False  # the lot sets up or uses a dynamic purchasing system


@dataclass(frozen=True, slots=True)
class Notice:
    """A tender notice, normalised.

    ``source`` names the adapter kind or configured source ("ted", "udbud.dk",
    "ocds", "rss", "eforms"); (source, id, version) identifies one stored
    notice. ``procedure_key`` identifies the procedure across sources (the same
    eForms notice on TED and udbud.dk has the same key), see ``dedup_key``.
    """

    source: str
    id: str
    title: str
    version: str = ""
    description: str = ""
    buyer: str = ""
    url: str | None = None
    cpv: tuple[str, ...] = ()  # 8-digit CPV codes, main first, no duplicates
    nuts: tuple[str, ...] = ()
    value: Decimal | None = None  # estimated value of the whole procedure
    currency: str | None = None  # ISO 4217
    lots: tuple[Lot, ...] = ()
    deadline: datetime | None = None  # earliest tender deadline, timezone-aware
    procedure_type: str | None = None  # eForms procedure code ("open", "restricted", ...)
    notice_type: NoticeType = NoticeType.OTHER
    notice_subtype: str | None = None  # eForms subtype ("16", "20", "E3", ...) or source's own
    form_type: str | None = None  # eForms form type / notice type code ("cn-social", ...)
    contract_nature: str | None = None  # "works", "services", "supplies"
    reserved: tuple[str, ...] = ()  # union of lot and procedure BT-71 codes
    social: tuple[str, ...] = ()  # BT-06 / BT-775 codes
    sme_suitable: bool | None = None
    vcse_suitable: bool | None = None
    framework: bool = False
    dps: bool = False  # a dynamic purchasing system (eForms dps-list/dps-nlist, OCDS hasDynamicPurchasingSystem)
    concession: bool = False  # a concession (its value is the estimated turnover)
    above_threshold: bool | None = None  # published as above the EU thresholds (an EU notice); None: unknown
    language: str = "da"  # ISO 639-1 of title/description
    published_at: datetime | None = None
    changes: str | None = None  # id of the notice this one changes (corrigendum/cancellation)
    procedure_id: str | None = None  # eForms ContractFolderID or OCDS ocid
    buyer_country: str | None = None
    texts: dict[str, str] = field(default_factory=dict)  # extra: {"title_en": ...}

    @property
    def dedup_key(self) -> str:
        """Cross-source identity of this exact notice (procedure + notice + version)."""
        proc = self.procedure_id or f"{self.source}:{self.id}"
        return f"{proc}|{self.id}|{self.version}"


def is_open(notice: Notice, now: datetime) -> bool:
    """Whether one can still bid at ``now``: no deadline passed (of the notice, or of every
    lot when the notice has none) and not an award or a cancellation. A notice that gives
    no deadline is open: not knowing is not closed."""
    if notice.notice_type in (NoticeType.AWARD, NoticeType.CANCELLATION):
        return False
    if notice.deadline is not None:
        return notice.deadline > now
    lot_deadlines = [lot.deadline for lot in notice.lots if lot.deadline is not None]
    return not lot_deadlines or max(lot_deadlines) > now
