"""/stats and the weekly chart on a seeded database: expectations come from the seed."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from jobs.db import Database
from jobs.models import AdviceRequest, Feedback, NoticeRow, OutboxRow, Source, Subscriber
from jobs.ops.chart import OTHER, ChartData, chart_counts, render_png
from jobs.ops.stats import week_start
from tests.botkit import running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.helpers import Clock
from tests.staffkit import ADMIN, ADVISOR, STAFF_CHAT, staff_settings

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday; the week began Monday 30 November 00:00 CET
THIS_WEEK = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)  # Sunday 23:30 in Copenhagen: last week

# (status, language, categories)
SUBSCRIBERS = [
    ("active", "da", ["cleaning"]),
    ("active", "da", ["cleaning", "it"]),
    ("active", "en", []),
    ("active", "da", []),
    ("paused", "en", ["it"]),
    ("blocked", "da", ["cleaning"]),
    ("stopped", "da", []),
]
# (first seen, level, cpv)
NOTICES = [
    *[(THIS_WEEK, "suitable", ["90910000"])] * 2,
    *[(THIS_WEEK, "possible", ["90910000", "72000000"])] * 3,
    *[(THIS_WEEK, "unlikely", ["72000000"])] * 4,
    (THIS_WEEK, None, ["03000000"]),
    *[(LAST_WEEK, "suitable", ["90910000"])] * 5,
]
# (status, created, sent)
OUTBOX = [
    *[("sent", THIS_WEEK, THIS_WEEK)] * 6,
    *[("sent", LAST_WEEK, LAST_WEEK)] * 3,
    *[("failed", THIS_WEEK, None)] * 2,
    ("failed", LAST_WEEK, None),
    ("dropped", THIS_WEEK, None),
    *[("pending", NOW, None)] * 3,
    ("sending", NOW, None),
]
# (level when judged, relevant)
FEEDBACK = [
    *[("suitable", True)] * 3,
    ("suitable", False),
    ("possible", True),
    *[("possible", False)] * 2,
    *[("unlikely", False)] * 2,
]
ADVICE = ["open", "open", "answered", "answered", "answered"]


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


async def seed(db: Database) -> None:
    async with db.sessions.begin() as s:
        subs = []
        for i, (status, lang, cats) in enumerate(SUBSCRIBERS):
            sub = Subscriber(
                chat_id=900 + i,
                name=f"Virksomhed {i}",
                language=lang,
                status=status,
                delivery="instant",
                digest_hour=8,
                min_level="possible",
                categories=cats,
                keywords=[],
                subscribed_at=LAST_WEEK,
                created_at=LAST_WEEK,
                updated_at=LAST_WEEK,
            )
            s.add(sub)
            subs.append(sub)
        notices = []
        for i, (seen, level, cpv) in enumerate(NOTICES):
            n = NoticeRow(
                source="seed",
                external_id=f"n{i}",
                version="1",
                dedup_key=f"seed:n{i}:1",
                content_hash="x" * 64,
                title=f"Udbud {i}",
                cpv=cpv,
                nuts=[],
                notice_type="competition",
                level=level,
                reasons=[],
                reserved=[],
                social=[],
                texts={},
                first_seen_at=seen,
            )
            s.add(n)
            notices.append(n)
        await s.flush()
        for i, (status, created, sent) in enumerate(OUTBOX):
            s.add(
                OutboxRow(
                    subscriber_id=subs[i % len(subs)].id,
                    kind="text",
                    ref=f"r{i}",
                    payload={},
                    status=status,
                    attempts=0,
                    next_attempt_at=created,
                    created_at=created,
                    sent_at=sent,
                )
            )
        for i, (level, relevant) in enumerate(FEEDBACK):
            s.add(
                Feedback(
                    subscriber_id=subs[i % len(subs)].id,
                    notice_id=notices[i].id,
                    relevant=relevant,
                    level=level,
                    created_at=THIS_WEEK,
                )
            )
        for i, status in enumerate(ADVICE):
            s.add(AdviceRequest(subscriber_id=subs[i].id, question=f"Spørgsmål {i}", status=status, created_at=NOW))
        s.add(Source(name="ted", kind="ted", url="https://ted", failures=0, last_success_at=THIS_WEEK, created_at=NOW))
        s.add(
            Source(
                name="udbud",
                kind="udbud",
                url="https://udbud",
                failures=3,
                last_error="HTTP 503 <Service Unavailable>",
                last_error_at=NOW,
                last_success_at=LAST_WEEK,
                created_at=NOW,
            )
        )
        s.add(Source(name="ny", kind="rss", url="https://ny", failures=0, created_at=NOW))


def expected_lines(labels: dict[str, str]) -> list[str]:
    """The figures /stats must show, computed from the seed (not from the code under test)."""
    status = Counter(st for st, _, _ in SUBSCRIBERS)
    subscribed = [(lang, cats) for st, lang, cats in SUBSCRIBERS if st in ("active", "paused")]
    langs = Counter(lang for lang, _ in subscribed)
    cats = Counter(c for _, cs in subscribed for c in (cs or ["ALL"]))
    week = [(lv, cpv) for seen, lv, cpv in NOTICES if seen >= THIS_WEEK]
    levels = Counter(lv for lv, _ in week)
    sent = sum(1 for st, _, at in OUTBOX if st == "sent" and at and at >= THIS_WEEK)
    failed = sum(1 for st, c, _ in OUTBOX if st == "failed" and c >= THIS_WEEK)
    dropped = sum(1 for st, c, _ in OUTBOX if st == "dropped" and c >= THIS_WEEK)
    queued = sum(1 for st, _, _ in OUTBOX if st in ("pending", "sending"))
    fb = {
        lv: (sum(1 for x, r in FEEDBACK if x == lv and r), sum(1 for x, r in FEEDBACK if x == lv and not r))
        for lv in ("suitable", "possible", "unlikely")
    }
    advice = Counter(ADVICE)
    return [
        f"Abonnenter: {status['active']} aktive · {status['paused']} på pause · "
        f"{status['blocked']} blokeret · {status['stopped']} afmeldt",
        f"Sprog: dansk {langs['da']} · engelsk {langs['en']}",
        f"{labels['cleaning']} {cats['cleaning']}",
        f"{labels['it']} {cats['it']}",
        f"alle kategorier {cats['ALL']}",
        f"Udbud denne uge: {len(week)} nye – {levels['suitable']} oplagt · {levels['possible']} mulig · "
        f"{levels['unlikely']} usandsynlig · {levels[None]} ikke vurderet",
        f"Beskeder denne uge: {sent} leveret · {failed} fejlet · "
        f"{dropped} ikke sendt (blokeret/afmeldt) · {queued} i kø",
        f"Feedback (relevant / ikke relevant): oplagt {fb['suitable'][0]}/{fb['suitable'][1]} · "
        f"mulig {fb['possible'][0]}/{fb['possible'][1]} · usandsynlig {fb['unlikely'][0]}/{fb['unlikely'][1]}",
        f"Rådgivning: {advice['open']} åbne · {advice['answered']} besvarede",
        "✅ ted: sidst hentet 30. november 2026 kl. 09.00",
        "⚠️ udbud: 3 fejl i træk – sidst hentet 29. november 2026 kl. 23.30; "
        "sidste fejl: HTTP 503 <Service Unavailable>",
        "⏳ ny: ikke hentet endnu",
    ]


async def test_stats_show_the_seeded_figures(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(staff_settings(prepared_db, api), api, clock=Clock(NOW)) as bot:
        await seed(bot.deps.rt.db)
        text = await bot.say(ADVISOR, "/stats")
        labels = {k: c.label("da") for k, c in bot.deps.categories.items()}
        assert text.startswith("Overblik – uge 49 (fra 30. november)")
        for line in expected_lines(labels):
            assert line in text, f"{line!r} not in:\n{text}"
        english = await bot.say(ADMIN, "/stats", lang="en")  # an English-speaking staff member
        assert english.startswith("Overview – week 49 (from 30 November)")
        assert "Subscribers: 4 active · 1 paused · 1 blocked · 1 unsubscribed" in english


async def test_chart_is_a_png_sent_with_send_photo_on_request_and_on_mondays(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    clock = Clock(NOW)
    async with running_bot(staff_settings(prepared_db, api), api, clock=clock, schedule_jobs=True) as bot:
        await seed(bot.deps.rt.db)
        before = len(api.documents)
        api.push_message(ADVISOR, "/chart")
        await api.wait_for(lambda: len(api.documents) > before, timeout=20)
        doc = api.documents[-1]
        assert doc.method == "sendPhoto" and doc.chat_id == ADVISOR and doc.data is not None
        image = Image.open(io.BytesIO(doc.data))
        assert image.format == "PNG" and image.size[0] >= 600
        image.verify()
        week = [n for n in NOTICES if NOW - timedelta(days=7) <= n[0] < NOW]
        assert doc.caption == f"📊 Nye udbud 25. november–2. december: {len(week)}"
        # every Monday morning, to the staff chat
        [job] = bot.app.job_queue.get_jobs_by_name("weekly_chart")  # type: ignore[union-attr]
        next_run = job.next_t.astimezone(ZoneInfo("Europe/Copenhagen"))  # type: ignore[union-attr]
        assert (next_run.weekday(), next_run.hour, next_run.minute) == (0, 8, 0)
        await job.run(bot.app)
        staff_doc = api.documents[-1]
        assert staff_doc.method == "sendPhoto" and str(staff_doc.chat_id) == str(STAFF_CHAT)
        assert Image.open(io.BytesIO(staff_doc.data or b"")).format == "PNG"


def test_week_starts_monday_midnight_copenhagen() -> None:
    tz = "Europe/Copenhagen"
    assert week_start(datetime(2026, 11, 29, 22, 30, tzinfo=UTC), tz) == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert week_start(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), tz) == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert week_start(datetime(2026, 3, 31, 12, 0, tzinfo=UTC), tz) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # CEST
    assert week_start(datetime(2026, 3, 29, 12, 0, tzinfo=UTC), tz) == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)


def test_chart_counts_put_each_notice_in_every_category_it_belongs_to() -> None:
    prefixes = {"cleaning": ("9091",), "it": ("72", "48")}
    counts = chart_counts(
        [(["90910000-9"], "suitable"), (["90910000", "72000000"], "possible"), (["03000000"], None), ([], "odd")],
        prefixes,
    )
    assert counts == {
        "cleaning": {"suitable": 1, "possible": 1},
        "it": {"possible": 1},
        OTHER: {"": 2},
    }
    empty = render_png(
        ChartData(NOW, NOW, {}), title="t", category_labels={}, level_labels={}, xlabel="x", empty="Ingen"
    )
    assert empty.startswith(b"\x89PNG\r\n\x1a\n")
