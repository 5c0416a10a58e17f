"""Pure decisions of the polling pipeline: identity, novelty, changes, backoff.

No I/O here: the orchestration in ``poll.py``/``store.py`` gathers the facts,
these functions decide (reader's Decider/Pipeline split).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from jobs.notice import Lot, Notice, NoticeType

# Fields whose change matters to a bidder ("what changed" in a change message).
MATERIAL_FIELDS = ("title", "deadline", "value", "currency", "notice_type", "buyer", "cpv", "lots")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, Lot):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    return value


_HASHED = tuple(f.name for f in fields(Notice) if f.name != "source")
_LOT_FIELDS = tuple(f.name for f in fields(Lot))


def _encode(value: Any) -> Any:
    """json.dumps's ``default``: what JSON has no type for, written as ``_jsonable`` writes it."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Lot):
        return {name: getattr(value, name) for name in _LOT_FIELDS}
    return str(value)


def content_hash(notice: Notice) -> str:
    """Stable hash of everything a notice says (not where or when we saw it).

    Stored hashes are compared with new ones (and are the version of an RSS item), so the
    JSON text must never change: the encoder's ``default`` does what ``_jsonable`` did before
    (tuples are lists and keys sorted either way), without a Python walk over every value."""
    data = {name: getattr(notice, name) for name in _HASHED}
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_encode)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def effective_version(notice: Notice, digest: str) -> str:
    """The notice's own version, or for sources without versions (RSS) its content."""
    return notice.version or f"h:{digest[:16]}"


def dedup_key(notice: Notice, version: str) -> str:
    """Cross-source identity: the same eForms notice on TED and udbud.dk is one."""
    proc = notice.procedure_id or f"{notice.source}:"
    return f"{proc}|{notice.id}|{version}"[:800]


def identity_keys(notice: Notice) -> list[tuple[str, ...]]:
    """What makes two notices, read from different sources or pages, the same tender:
    the same procedure (OCDS releases, eForms notices and their changes), the same
    specific link or long id (RSS and Atom of the same items), or the same title, buyer
    and deadline day (copies)."""
    keys: list[tuple[str, ...]] = []
    if notice.procedure_id:
        keys.append(("procedure", notice.procedure_id))
    if notice.url and len(urlsplit(notice.url).path.strip("/")) > 1:
        keys.append(("url", notice.url.rstrip("/")))
    if len(notice.id) >= 12:
        keys.append(("id", notice.id))
    if notice.deadline is not None and notice.buyer:
        title = " ".join(notice.title.lower().split())
        keys.append(("text", title, " ".join(notice.buyer.lower().split()), notice.deadline.date().isoformat()))
    return keys


def collapse_same(notices: Sequence[Notice]) -> list[tuple[Notice, list[Notice]]]:
    """One entry per tender: the latest notice (by publication, then position) and the
    others that are the same tender (``identity_keys``), in first-seen order."""
    parent = list(range(len(notices)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, ...], int] = {}
    for i, n in enumerate(notices):
        for key in identity_keys(n):
            j = first.setdefault(key, i)
            if j != i:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(notices)):
        groups.setdefault(root(i), []).append(i)
    out = []
    for members in groups.values():
        best = max(members, key=lambda i: (_stamp(notices[i]), i))
        out.append((notices[best], [notices[i] for i in members if i != best]))
    return out


def _stamp(n: Notice) -> float:
    return n.published_at.timestamp() if n.published_at else float("-inf")


class Novelty(StrEnum):
    NEW = "new"  # never seen: store, deliver
    CHANGED = "changed"  # a new version of a known notice, or a change notice: store, link
    DUPLICATE = "duplicate"  # this exact version is stored already: skip
    ALIAS = "alias"  # this exact notice is stored from another source: remember the alias


@dataclass(frozen=True)
class Known:
    """What the database knows about a notice's identities (gathered in bulk)."""

    same_version: bool = False  # (source, id, version) exists
    alias_of: int | None = None  # row id with the same dedup key from another source
    previous_id: int | None = None  # latest stored version of (source, id)
    changed_target_id: int | None = None  # row id of the notice that notice.changes names


@dataclass(frozen=True)
class Decision:
    novelty: Novelty
    changes_notice_id: int | None = None


def decide(notice: Notice, known: Known) -> Decision:
    """New, changed, duplicate or alias — and which stored notice it changes."""
    if known.same_version:
        return Decision(Novelty.DUPLICATE)
    if known.alias_of is not None:
        return Decision(Novelty.ALIAS, known.alias_of)
    if known.previous_id is not None:
        return Decision(Novelty.CHANGED, known.previous_id)
    if notice.changes and known.changed_target_id is not None:
        return Decision(Novelty.CHANGED, known.changed_target_id)
    return Decision(Novelty.NEW)


def changed_fields(old: Notice, new: Notice) -> list[str]:
    """What a change notice changed, as a change message names it.

    The material fields (``MATERIAL_FIELDS`` but lots and the notice type) that differ,
    with ``cancelled`` first when the new notice cancels the procedure.
    """
    out = [
        name
        for name in MATERIAL_FIELDS
        if name not in ("lots", "notice_type") and _jsonable(getattr(old, name)) != _jsonable(getattr(new, name))
    ]
    if new.notice_type is NoticeType.CANCELLATION:
        out.insert(0, "cancelled")
    return out


def next_check_after_success(now: datetime, interval_minutes: float) -> datetime:
    return now + timedelta(minutes=interval_minutes)


def next_check_after_failure(
    now: datetime,
    failures: int,
    *,
    base_seconds: float,
    max_seconds: float,
    retry_after: float | None = None,
    retry_after_max: float = 86400.0,
    rng: random.Random | None = None,
) -> datetime:
    """Exponential backoff with full jitter; a source's Retry-After wins (capped)."""
    if retry_after is not None and retry_after > 0:
        return now + timedelta(seconds=min(retry_after, retry_after_max))
    ceiling = min(max_seconds, base_seconds * (2 ** max(0, failures - 1)))
    r = (rng or random).uniform(0.5, 1.0)
    return now + timedelta(seconds=ceiling * r)


def should_alert(failures: int, alerted: bool, threshold: int) -> bool:
    """Alert staff once per failure streak, when it reaches the threshold."""
    return not alerted and failures >= threshold
