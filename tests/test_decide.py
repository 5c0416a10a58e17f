"""The pure decisions of the pipeline: identity, novelty, backoff, alerting."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from jobs.ingest.decide import (
    Known,
    Novelty,
    changed_fields,
    content_hash,
    decide,
    dedup_key,
    effective_version,
    next_check_after_failure,
    should_alert,
)
from jobs.notice import Lot, Notice, NoticeType

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
N = Notice(source="ted", id="abc", version="01", title="Rengøring", procedure_id="proc-1")


def test_same_notice_on_two_sources_has_one_dedup_key() -> None:
    other = dataclasses.replace(N, source="udbud.dk")
    assert dedup_key(N, "01") == dedup_key(other, "01")
    # without a procedure id the key is per source
    a = dataclasses.replace(N, procedure_id=None)
    b = dataclasses.replace(a, source="rss")
    assert dedup_key(a, "01") != dedup_key(b, "01")


def test_content_hash_ignores_source_and_sees_material_change() -> None:
    assert content_hash(N) == content_hash(dataclasses.replace(N, source="x"))
    moved = dataclasses.replace(N, deadline=NOW + timedelta(days=3))
    assert content_hash(N) != content_hash(moved)


def test_content_hash_never_changes_its_text() -> None:
    """Stored hashes are compared with new ones, and an RSS item's version is its hash: the
    hash of this notice (every kind of value: amounts, dates with offsets, lots, non-ASCII
    text, unsorted texts) was taken with the first implementation and must stay the same."""
    rich = Notice(
        source="rss", id="x-1", version="", title="Rengøring — “skoler” ✓", description="Tekst\nmed æøå",
        buyer="Aarhus Kommune", url="https://example.dk/1", cpv=("90910000", "90919200"), nuts=("DK042",),
        value=Decimal("700000.50"), currency="DKK",
        deadline=datetime(2026, 12, 1, 12, 0, tzinfo=timezone(timedelta(hours=1))),
        notice_type=NoticeType.COMPETITION, reserved=("res-ws",), social=("soc-obj",), sme_suitable=True,
        lots=(
            Lot(lot_id="LOT-0001", title="Del 1", value=Decimal("1E+5"), currency="EUR",
                deadline=datetime(2026, 12, 2, tzinfo=UTC), cpv=("90910000",), duration_months=12),
            Lot(lot_id="LOT-0002", sme_suitable=False, framework=True),
        ),
        published_at=datetime(2026, 11, 1, 8, 30, tzinfo=UTC), texts={"title_en": "Cleaning", "b": "2", "a": "1"},
    )  # fmt: skip
    assert content_hash(rich) == "f8a69abc4a819c8bc1b7af61d38abf6ee210bed6070950ad18ff0f1c655e30ea"
    # and it still sees a change inside a lot
    changed_lot = dataclasses.replace(rich, lots=(dataclasses.replace(rich.lots[0], value=Decimal(1)), rich.lots[1]))
    assert content_hash(changed_lot) != content_hash(rich)


def test_effective_version_for_unversioned_sources() -> None:
    n = dataclasses.replace(N, version="")
    v1 = effective_version(n, content_hash(n))
    n2 = dataclasses.replace(n, value=Decimal(5))
    assert v1.startswith("h:")
    assert v1 != effective_version(n2, content_hash(n2))
    assert effective_version(N, "whatever") == "01"


def test_decide_table() -> None:
    assert decide(N, Known()).novelty is Novelty.NEW
    assert decide(N, Known(same_version=True, previous_id=3)).novelty is Novelty.DUPLICATE
    alias = decide(N, Known(alias_of=7))
    assert (alias.novelty, alias.changes_notice_id) == (Novelty.ALIAS, 7)
    newer = decide(N, Known(previous_id=4))
    assert (newer.novelty, newer.changes_notice_id) == (Novelty.CHANGED, 4)
    corr = dataclasses.replace(N, id="corr", changes="abc", notice_type=NoticeType.CHANGE)
    linked = decide(corr, Known(changed_target_id=9))
    assert (linked.novelty, linked.changes_notice_id) == (Novelty.CHANGED, 9)
    # a change notice whose original we never saw is simply new
    assert decide(corr, Known()).novelty is Novelty.NEW


def test_changed_fields_names_what_a_bidder_cares_about() -> None:
    old = dataclasses.replace(N, deadline=NOW, value=Decimal(10), currency="DKK", notice_type=NoticeType.COMPETITION)
    assert changed_fields(old, old) == []
    moved = dataclasses.replace(old, deadline=NOW + timedelta(days=7), version="02")
    assert changed_fields(old, moved) == ["deadline"]  # the version alone is not news
    bigger = dataclasses.replace(moved, value=Decimal(20), cpv=("90910000",), title="Rengøring af skoler")
    assert changed_fields(old, bigger) == ["title", "deadline", "value", "cpv"]
    # a corrigendum that only becomes a change notice says nothing new
    assert changed_fields(old, dataclasses.replace(old, notice_type=NoticeType.CHANGE)) == []
    cancelled = dataclasses.replace(old, notice_type=NoticeType.CANCELLATION)
    assert changed_fields(old, cancelled) == ["cancelled"]


def test_backoff_grows_is_capped_and_honours_retry_after() -> None:
    rng = random.Random(1)
    delays = [
        (next_check_after_failure(NOW, f, base_seconds=60, max_seconds=3600, rng=rng) - NOW).total_seconds()
        for f in range(1, 10)
    ]
    assert 30 <= delays[0] <= 60
    assert 120 <= delays[2] <= 240
    assert all(d <= 3600 for d in delays)
    assert delays[-1] >= 1800  # capped, still jittered within [max/2, max]
    ra = next_check_after_failure(NOW, 1, base_seconds=60, max_seconds=3600, retry_after=7200)
    assert ra == NOW + timedelta(seconds=7200)
    capped = next_check_after_failure(NOW, 1, base_seconds=60, max_seconds=60, retry_after=10**9, retry_after_max=86400)
    assert capped == NOW + timedelta(days=1)


def test_alert_once_per_streak() -> None:
    assert not should_alert(2, False, 3)
    assert should_alert(3, False, 3)
    assert not should_alert(4, True, 3)
