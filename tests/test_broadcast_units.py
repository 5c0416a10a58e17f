"""The pure parts of broadcasts (send times, audiences, HTML checks, progress) and the CLI."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.cli import build_parser, dispatch
from jobs.config import Settings, load_settings
from jobs.db import open_database
from jobs.models import Broadcast, Feedback, NoticeRow, OutboxRow, Subscriber
from jobs.people import broadcasts
from jobs.people.broadcasts import Audience, Candidate, progress_of, select_recipients
from jobs.people.markup import check_html, visible_length
from jobs.people.sendtime import SendTimeError, parse_send_time
from tests.conftest import ROOT

TZ = "Europe/Copenhagen"
MONDAY_10 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday 30 November 2026, 10:00 in Copenhagen

CASES = [
    ("nu", None),
    ("Now", None),
    ("straks", None),
    ("i morgen kl. 9", "2026-12-01 09:00"),
    ("imorgen kl 09:30", "2026-12-01 09:30"),
    ("i morgen 9", "2026-12-01 09:00"),
    ("i morgen", "2026-12-01 09:00"),  # a day alone: 09:00
    ("tomorrow at 9am", "2026-12-01 09:00"),
    ("tomorrow 3 pm", "2026-12-01 15:00"),
    ("i overmorgen kl. 7", "2026-12-02 07:00"),
    ("2026-12-01 09:00", "2026-12-01 09:00"),
    ("2026-12-01T09:00", "2026-12-01 09:00"),
    ("01.12.2026 09:00", "2026-12-01 09:00"),
    ("1/12 kl. 9", "2026-12-01 09:00"),
    ("24/12 kl. 12", "2026-12-24 12:00"),
    ("1/1", "2027-01-01 09:00"),  # the next 1 January
    ("1. december kl. 9", "2026-12-01 09:00"),
    ("den 3. december kl. 14.30", "2026-12-03 14:30"),
    ("1 december 2026 09:00", "2026-12-01 09:00"),
    ("December 1 at 9", "2026-12-01 09:00"),
    ("Dec 1, 2026 9:00", "2026-12-01 09:00"),
    ("på fredag kl. 14.30", "2026-12-04 14:30"),
    ("paa fredag kl 14", "2026-12-04 14:00"),  # without æøå
    ("fredag", "2026-12-04 09:00"),
    ("monday 10:00", "2026-12-07 10:00"),  # now is Monday 10:00: next week
    ("mandag kl. 11", "2026-11-30 11:00"),  # later today
    ("kl. 14", "2026-11-30 14:00"),
    ("kl. 8", "2026-12-01 08:00"),  # passed today: tomorrow
    ("om 2 timer", "2026-11-30 12:00"),
    ("om en halv time", "2026-11-30 10:30"),
    ("in 30 minutes", "2026-11-30 10:30"),
    ("29. marts 2027 kl. 9", "2027-03-29 09:00"),  # summer time (CEST) that day
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_send_times_in_danish_and_english(text: str, expected: str | None) -> None:
    at = parse_send_time(text, MONDAY_10, TZ)
    if expected is None:
        assert at is None
    else:
        assert at is not None and at.tzinfo is not None
        assert at.astimezone(ZoneInfo(TZ)).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("næste uge", "unknown"),
        ("blah", "unknown"),
        ("i går", "unknown"),
        ("i morgen kl. 25", "unknown"),
        ("31/2", "unknown"),
        ("i morgen 1/12", "unknown"),  # two days: which?
        ("2025-01-01 09:00", "past"),
        ("2028-01-01 09:00", "too_far"),
    ],
)
def test_send_times_not_understood_past_or_too_far(text: str, code: str) -> None:
    with pytest.raises(SendTimeError) as e:
        parse_send_time(text, MONDAY_10, TZ)
    assert e.value.code == code


def test_audiences_select_the_right_subscribers() -> None:
    people = [
        Candidate(1, "da", ("cleaning",)),
        Candidate(2, "en", ("cleaning", "it")),
        Candidate(3, "da", ()),
        Candidate(4, "en", ("it",)),
    ]
    assert select_recipients(Audience(), people, set()) == [1, 2, 3, 4]
    assert select_recipients(Audience(categories=("cleaning",)), people, set()) == [1, 2]
    assert select_recipients(Audience(categories=("cleaning", "it")), people, set()) == [1, 2, 4]
    assert select_recipients(Audience(language="en"), people, set()) == [2, 4]
    assert select_recipients(Audience(relevant=True), people, {3, 4}) == [3, 4]
    assert select_recipients(Audience(("it",), "en", True), people, {2, 3}) == [2]
    round_trip = Audience(("it",), "da", True, 12)
    assert Audience.from_json(round_trip.to_json()) == round_trip
    assert Audience.from_json({}) == Audience() and Audience().everyone


def test_html_is_checked_before_it_is_stored() -> None:
    assert check_html("<b>Temadag</b> 5 &lt; 6") is None
    assert check_html('<a href="https://x.dk">link</a> <i>og</i> <code>kode</code>') is None
    assert check_html("<b>ikke lukket") is not None
    assert check_html("<b><i>krydset</b></i>") is not None
    assert check_html("<script>x</script>") is not None
    assert check_html("   ") is not None
    assert check_html("&amp;" * 4096) is None and visible_length("&amp;" * 4096) == 4096
    assert check_html("x" * 4097) is not None


def test_progress_from_outbox_counts() -> None:
    p = progress_of(10, {"sent": 6, "dropped": 1, "failed": 1, "pending": 1, "sending": 1})
    assert (p.delivered, p.blocked, p.failed, p.pending, p.finished) == (6, 1, 1, 2, 8)


def cli_settings(tmp_path: Path) -> Settings:
    base = load_settings(ROOT / "config.toml", env={})
    return replace(base, database=replace(base.database, url=f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"))


async def test_command_line_broadcast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = cli_settings(tmp_path)
    db = await open_database(settings.database.url)
    now = datetime.now(UTC)
    async with db.sessions.begin() as s:
        for chat, lang, cats in ((1, "da", ["cleaning"]), (2, "en", ["cleaning"]), (3, "da", ["it"])):
            s.add(
                Subscriber(
                    chat_id=chat,
                    language=lang,
                    status="active",
                    categories=cats,
                    keywords=[],
                    subscribed_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
        s.add(
            NoticeRow(
                source="s",
                external_id="n",
                version="1",
                dedup_key="k",
                content_hash="h",
                title="t",
                notice_type="competition",
                first_seen_at=now,
            )
        )
    async with db.sessions.begin() as s:
        s.add(Feedback(subscriber_id=3, notice_id=1, relevant=True, created_at=now))

    async def run(*argv: str) -> int:
        return await dispatch(build_parser().parse_args(["broadcast", *argv]), settings)

    assert await run("--text", "x", "--category", "rumfart") == 2
    assert "unknown category 'rumfart'" in capsys.readouterr().err
    assert await run("--text", "<b>ikke lukket", "--html") == 2
    assert await run("--text", "x", "--at", "i går") == 2
    assert await run("--text", "x", "--category", "cleaning", "--dry-run") == 0
    assert capsys.readouterr().out.strip() == "2 recipients"
    assert await run("--text", "x", "--relevant", "1", "--dry-run") == 0
    assert capsys.readouterr().out.strip() == "1 recipients"
    # scheduled: stored, nothing in the outbox until the time comes
    assert await run("--text", "Temadag 5 < 6", "--category", "cleaning", "--language", "da", "--at", "2099-01-01") == 2
    capsys.readouterr()
    next_year = f"{now.year + 1}-01-01 09:00"
    assert await run("--text", "Temadag 5 < 6", "--category", "cleaning", "--language", "da", "--at", next_year) == 0
    out = capsys.readouterr().out
    assert out.startswith("broadcast #1: scheduled for ") and "1 recipients now" in out
    # now: fanned out into the outbox at once, HTML escaped
    assert await run("--text", "Til alle & enhver") == 0
    assert capsys.readouterr().out.strip() == "broadcast #2: queued for 3 recipients; the running bot sends it"
    async with db.sessions() as s:
        rows = {b.id: b for b in (await s.scalars(select(Broadcast))).all()}
        queued = (await s.scalars(select(OutboxRow).where(OutboxRow.kind == "broadcast"))).all()
        assert await s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.ref == "1")) == 0
    assert rows[1].status == "scheduled" and rows[1].html == "Temadag 5 &lt; 6" and rows[1].created_by is None
    assert Audience.from_json(rows[1].audience) == Audience(("cleaning",), "da")
    assert rows[2].status == "sending" and rows[2].recipients == 3
    assert sorted(r.subscriber_id for r in queued) == [1, 2, 3]
    assert {r.payload["html"] for r in queued} == {"Til alle &amp; enhver"}
    # the due check fans the scheduled one out once its time has come (and only then)
    assert await broadcasts.start_due(db, now) == []
    assert rows[1].send_at is not None
    assert await broadcasts.start_due(db, rows[1].send_at) == [1]
    assert await broadcasts.start_due(db, rows[1].send_at) == []
    await db.close()
