"""Retention: old notices and finished messages go, nothing still needed does.

Real SQLite and PostgreSQL, a frozen clock; rows are written as the engine writes them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.scheduled import retention_job
from jobs.config import RetentionSettings, Settings
from jobs.db import Database
from jobs.models import AdviceRequest, Feedback, LotRow, NoticeAlias, NoticeRow, OutboxRow, Subscriber
from jobs.ops.retention import cutoffs, prune
from tests.botkit import bot_settings, running_bot
from tests.fakebotapi import FakeBotAPI
from tests.helpers import Clock, make_runtime

NOW = datetime(2027, 6, 1, 3, 30, tzinfo=UTC)
OLD = NOW - timedelta(days=400)  # beyond notices_days = 365
RECENT = NOW - timedelta(days=30)


def test_cutoffs_follow_the_settings() -> None:
    c = cutoffs(RetentionSettings(notices_days=365, outbox_days=180), NOW)
    assert c.notices_before == NOW - timedelta(days=365)
    assert c.outbox_before == NOW - timedelta(days=180)
    never = cutoffs(RetentionSettings(notices_days=0, outbox_days=0), NOW)
    assert never.notices_before is None and never.outbox_before is None
    with pytest.raises(ValueError, match="retention"):
        RetentionSettings(notices_days=-1)


def notice(ext: str, *, deadline: datetime | None, first_seen: datetime = OLD, changes: int | None = None) -> NoticeRow:
    return NoticeRow(
        source="src",
        external_id=ext,
        version="1",
        dedup_key=f"src:{ext}:1",
        content_hash=ext,
        title=f"Notice {ext}",
        notice_type="change" if changes else "competition",
        deadline=deadline,
        first_seen_at=first_seen,
        changes_notice_id=changes,
        value=Decimal(1000),
        currency="DKK",
    )


def outbox(sub: Subscriber, kind: str, ref: str, status: str, *, at: datetime, notice_id: int | None = None,
           payload: dict[str, Any] | None = None) -> OutboxRow:  # fmt: skip
    return OutboxRow(
        subscriber_id=sub.id,
        kind=kind,
        ref=ref,
        notice_id=notice_id,
        payload=payload or {},
        status=status,
        attempts=1,
        next_attempt_at=at,
        created_at=at - timedelta(minutes=1),
        sent_at=at if status == "sent" else None,
    )


async def seed(db: Database) -> dict[str, int]:
    """One subscriber, and a notice or message for every case the rules distinguish."""
    ids: dict[str, int] = {}
    async with db.sessions.begin() as s:
        sub = Subscriber(chat_id=5, name="Alma", subscribed_at=OLD, created_at=OLD, updated_at=OLD)
        s.add(sub)
        rows = {
            "old": notice("old", deadline=OLD),
            "old_no_deadline": notice("old-nd", deadline=None, first_seen=OLD),
            "recent_deadline": notice("recent", deadline=RECENT),
            "future_deadline": notice("future", deadline=NOW + timedelta(days=20)),
            "new_no_deadline": notice("new-nd", deadline=None, first_seen=RECENT),
            "old_pending_reminder": notice("pend", deadline=OLD),
            "old_in_digest": notice("dig", deadline=OLD),
            "chain_root": notice("chain", deadline=OLD),
            "dead_root": notice("dead", deadline=OLD),
        }
        s.add_all(rows.values())
        await s.flush()
        ids.update({k: v.id for k, v in rows.items()})
        # chains of changes: one whose newest version is still current, one all old
        v2 = notice("chain-v2", deadline=OLD + timedelta(days=10), changes=ids["chain_root"])
        dead_v2 = notice("dead-v2", deadline=OLD + timedelta(days=5), changes=ids["dead_root"])
        s.add_all([v2, dead_v2])
        await s.flush()
        v3 = notice("chain-v3", deadline=NOW + timedelta(days=40), changes=v2.id)
        s.add(v3)
        await s.flush()
        ids.update(chain_v2=v2.id, chain_v3=v3.id, dead_v2=dead_v2.id)
        s.add(LotRow(notice_id=ids["old"], position=1, lot_id="LOT-1", title="Lot"))
        s.add(NoticeAlias(notice_id=ids["old"], source="ted", external_id="x", version="1", seen_at=OLD))
        s.add(Feedback(subscriber_id=sub.id, notice_id=ids["old"], relevant=True, created_at=OLD))
        s.add(AdviceRequest(subscriber_id=sub.id, notice_id=ids["old"], question="Kan vi byde?", created_at=OLD))
        msgs = {
            "alert_old": outbox(sub, "notice", str(ids["old"]), "sent", at=OLD, notice_id=ids["old"]),
            "alert_kept": outbox(sub, "notice", str(ids["recent_deadline"]), "sent", at=OLD,
                                 notice_id=ids["recent_deadline"]),
            "reminder_pending": outbox(sub, "reminder", str(ids["old_pending_reminder"]), "pending", at=OLD,
                                       notice_id=ids["old_pending_reminder"]),
            "held_digest": outbox(sub, "digest", "d1", "pending", at=OLD,
                                  payload={"notice_ids": [ids["old_in_digest"]]}),
            "change_sent_old": outbox(sub, "change", "c-old", "sent", at=NOW - timedelta(days=200),
                                      notice_id=ids["future_deadline"]),
            "reminder_failed_old": outbox(sub, "reminder", "r-old", "failed", at=NOW - timedelta(days=190),
                                          notice_id=ids["future_deadline"]),
            "text_dropped_old": outbox(sub, "text", "t-old", "dropped", at=NOW - timedelta(days=181)),
            "text_sent_recent": outbox(sub, "text", "t-new", "sent", at=NOW - timedelta(days=170)),
            "text_pending_old": outbox(sub, "text", "t-wait", "pending", at=NOW - timedelta(days=300)),
        }  # fmt: skip
        s.add_all(msgs.values())
        await s.flush()
        ids.update({f"msg_{k}": v.id for k, v in msgs.items()})
        ids["subscriber"] = sub.id
    return ids


async def existing(db: Database, model: type[Any]) -> set[int]:
    async with db.sessions() as s:
        return set((await s.scalars(select(model.id))).all())


def retention_settings(notices_days: int = 365, outbox_days: int = 180) -> Settings:
    return replace(Settings(), retention=RetentionSettings(notices_days=notices_days, outbox_days=outbox_days))


@pytest.mark.parametrize("batch", [1000, 2])
async def test_prune_deletes_what_is_old_and_nothing_still_needed(db: Database, batch: int) -> None:
    ids = await seed(db)
    async with make_runtime(db, retention_settings(), clock=Clock(NOW)) as rt:
        report = await prune(rt, batch=batch)
        notices = await existing(db, NoticeRow)
        gone = {"old", "old_no_deadline", "dead_root", "dead_v2"}
        assert {k for k in ids if not k.startswith("msg_") and k != "subscriber" and ids[k] not in notices} == gone
        assert report.notices == len(gone)
        # kept: current deadlines, a waiting reminder, a waiting digest, and a chain whose newest is current
        for k in ("recent_deadline", "future_deadline", "new_no_deadline", "old_pending_reminder", "old_in_digest",
                  "chain_root", "chain_v2", "chain_v3"):  # fmt: skip
            assert ids[k] in notices, k
        messages = await existing(db, OutboxRow)
        assert {k for k in ids if k.startswith("msg_") and ids[k] not in messages} == {
            "msg_alert_old",  # with its notice
            "msg_change_sent_old",
            "msg_reminder_failed_old",
            "msg_text_dropped_old",
        }
        assert report.outbox == 3  # the alert went with its notice, not as an old message
        assert not await existing(db, LotRow) and not await existing(db, NoticeAlias)
        assert not await existing(db, Feedback)
        async with db.sessions() as s:
            advice = (await s.scalars(select(AdviceRequest))).one()
            assert advice.notice_id is None  # the enterprise's question stays, without the notice
            assert await s.scalar(select(func.count()).select_from(Subscriber)) == 1
        # idempotent: a second run finds nothing
        again = await prune(rt, batch=batch)
        assert (again.notices, again.outbox) == (0, 0)


async def test_nothing_is_pruned_when_retention_is_off(db: Database) -> None:
    await seed(db)
    before_n, before_o = await existing(db, NoticeRow), await existing(db, OutboxRow)
    async with make_runtime(db, retention_settings(0, 0), clock=Clock(NOW)) as rt:
        report = await prune(rt)
    assert (report.notices, report.outbox) == (0, 0)
    assert await existing(db, NoticeRow) == before_n and await existing(db, OutboxRow) == before_o


async def test_the_clock_decides(db: Database) -> None:
    """The same data a day earlier: the notice whose deadline is exactly 365 days old stays."""
    async with db.sessions.begin() as s:
        s.add(notice("edge", deadline=NOW - timedelta(days=365)))
    async with make_runtime(db, retention_settings(), clock=Clock(NOW - timedelta(seconds=1))) as rt:
        assert (await prune(rt)).notices == 0
    async with make_runtime(db, retention_settings(), clock=Clock(NOW + timedelta(seconds=1))) as rt:
        assert (await prune(rt)).notices == 1


async def test_the_bot_schedules_pruning_daily(tmp_path: Path, fake_bot_api: FakeBotAPI) -> None:
    settings = bot_settings(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", fake_bot_api)
    async with running_bot(settings, fake_bot_api, schedule_jobs=True) as bot:
        jq = bot.app.job_queue
        assert jq is not None
        [job] = jq.get_jobs_by_name("retention")
        assert job.callback is retention_job
        when = job.next_t
        assert when is not None
        local = when.astimezone(ZoneInfo(settings.delivery.timezone))
        assert (local.hour, local.minute) == (3, 30)
        assert "sun,mon,tue,wed,thu,fri,sat" in str(job.job.trigger)  # every day
