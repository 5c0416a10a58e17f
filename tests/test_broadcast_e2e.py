"""Broadcasts through the real Application and the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import insert, select

from bot.texts import t
from jobs.deliver.ratelimit import RateLimiter
from jobs.deliver.send import claim, drain_outbox
from jobs.models import AuditEntry, Broadcast, OutboxRow, Subscriber
from jobs.people import broadcasts
from jobs.people.broadcasts import Audience
from jobs.people.subscribers import Profile, subscriber_values
from tests.botkit import Running, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.helpers import Clock
from tests.staffkit import (
    ADMIN,
    ADVISOR,
    button,
    count,
    press_and_wait,
    push_formatted,
    staff_settings,
)


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


async def subscribe(bot: Running, chat: int, categories: str | None = None, lang: str = "da") -> None:
    await bot.say(chat, "/start", lang=lang)
    if categories:
        await bot.say(chat, f"/categories {categories}", lang=lang)


async def compose(bot: Running, staff: int, text: str, entities: list[dict[str, object]]) -> int:
    """/broadcast, then the formatted text; returns the draft id (from the audience buttons)."""
    reply = await bot.say(staff, "/broadcast")
    assert "Skriv beskeden" in reply
    before = len(bot.api.sent(staff))
    push_formatted(bot.api, staff, text, entities, message_id=10_000 + before)
    await bot.api.wait_for_sent(staff, before + 1)
    screen = bot.api.last_message(staff)
    assert screen is not None and "Hvem skal have beskeden?" in screen["text"]
    return int(button(screen, "bc:a:").split(":")[2])


async def test_staff_composes_previews_and_sends_to_a_category(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(staff_settings(prepared_db, api), api) as bot:
        await subscribe(bot, 101, "cleaning")
        await subscribe(bot, 102, "cleaning, it")
        await subscribe(bot, 103, "it")
        await subscribe(bot, 104)  # no category chosen: follows everything, but did not ask for cleaning
        await subscribe(bot, 105, "cleaning")
        await bot.say(105, "/pause")  # paused: no broadcast either
        text = "Temadag 5 < 6 & mere på torsdag"
        bid = await compose(bot, ADMIN, text, [{"type": "bold", "offset": 0, "length": 7}])
        screen = api.last_message(ADMIN)
        assert "Antal lige nu: 4" in screen["text"]  # type: ignore[index]
        # the audience: the cleaning category (the count follows), then "next"
        await bot.press(ADMIN, f"bc:a:{bid}:c:cleaning:1", screen["message_id"])  # type: ignore[index]
        screen = api.message(ADMIN, screen["message_id"])  # type: ignore[index]
        assert screen is not None and "Antal lige nu: 2" in screen["text"] and "kategori Rengøring" in screen["text"]
        await press_and_wait(bot, ADMIN, f"bc:a:{bid}:next", screen["message_id"], new_messages=1)
        ask_when = api.last_message(ADMIN)
        assert ask_when is not None and "Hvornår" in ask_when["text"]
        # "Send nu": the preview exactly as recipients will see it, then the facts and the buttons
        await press_and_wait(bot, ADMIN, f"bc:n:{bid}", ask_when["message_id"], new_messages=2)
        preview, control = api.sent(ADMIN)[-2:]
        assert preview["text"] == text and preview["entities"] == [{"type": "bold", "offset": 0, "length": 7}]
        assert "Modtagere: 2" in control["text"] and "Sendes: nu" in control["text"]
        assert set(button(control, p) for p in ("bc:s:", "bc:e:", "bc:x:")) == {
            f"bc:s:{bid}",
            f"bc:e:{bid}",
            f"bc:x:{bid}",
        }
        # Edit: the text again; the audience chosen is kept
        await press_and_wait(bot, ADMIN, f"bc:e:{bid}", control["message_id"], new_messages=1)
        assert "Skriv beskeden" in (api.last_text(ADMIN) or "")
        text = "Temadag 5 < 6 & mere på torsdag kl. 10"
        before = len(api.sent(ADMIN))
        push_formatted(api, ADMIN, text, [{"type": "bold", "offset": 0, "length": 7}], message_id=10_500)
        await api.wait_for_sent(ADMIN, before + 1)
        screen = api.last_message(ADMIN)
        assert screen is not None and "Antal lige nu: 2" in screen["text"]
        await press_and_wait(bot, ADMIN, f"bc:a:{bid}:next", screen["message_id"], new_messages=1)
        await bot.say(ADMIN, "nu", wait=2)
        preview, control = api.sent(ADMIN)[-2:]
        assert preview["text"] == text and "Modtagere: 2" in control["text"]
        preview_html = preview
        # Send, tapped twice (both presses carry the preview as it was): sent once, no error
        await bot.double_tap(ADMIN, f"bc:s:{bid}", control["message_id"])
        progress = api.message(ADMIN, control["message_id"])
        assert progress is not None and "0 af 2 sendt" in progress["text"]
        assert [a.show_alert for a in api.callback_answers[-2:]] == [False, False]
        report = await bot.send()
        assert report.sent == 2
        await api.wait_for(lambda: any("Leveret: 2" in m for m in api.messages_to(ADMIN)), timeout=10)
        final = api.last_text(ADMIN) or ""
        assert "Udsendelse #" in final and "Blokeret eller afmeldt: 0" in final and "Fejlet: 0" in final
        edited = api.message(ADMIN, control["message_id"])
        assert edited is not None and "2 af 2 sendt" in edited["text"]
        # only the cleaning subscribers got it, once, exactly as previewed
        for chat in (101, 102):
            got = [m for m in api.sent(chat) if m.get("text") == text]
            assert len(got) == 1
            assert got[0]["entities"] == preview_html["entities"]
        for chat in (103, 104, 105):
            assert not [m for m in api.messages_to(chat) if "Temadag" in m]
        assert (await bot.send()).sent == 0
        async with bot.deps.rt.db.sessions() as s:
            row = await s.get(Broadcast, bid)
            assert row is not None
            assert (row.status, row.recipients, row.delivered, row.blocked, row.failed) == ("done", 2, 2, 0, 0)
            assert row.html == "<b>Temadag</b> 5 &lt; 6 &amp; mere på torsdag kl. 10"
            assert Audience.from_json(row.audience) == Audience(categories=("cleaning",))
            actions = [
                (a.action, a.actor, a.count)
                for a in (await s.scalars(select(AuditEntry).where(AuditEntry.subject == f"broadcast:{bid}"))).all()
            ]
        assert ("broadcast.send", ADMIN, 2) in actions and ("broadcast.done", ADMIN, 2) in actions


async def test_non_staff_is_refused_like_an_unknown_command_and_nothing_is_sent(
    prepared_db: str, fake_bot_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api = fake_bot_api
    caplog.set_level(logging.INFO)
    async with running_bot(staff_settings(prepared_db, api), api) as bot:
        await subscribe(bot, 201)
        unknown = await bot.say(202, "/flyv")
        assert unknown == "Den kommando kender jeg ikke. Skriv /help for at se, hvad jeg kan."
        assert api.last_html(202) == t("da", "unknown_command")
        for command in ("/broadcast", "/broadcast_now Hemmelig besked til alle", "/broadcasts", "/stats", "/requests"):
            assert await bot.say(202, command) == unknown, command
        assert api.last_html(202) == t("da", "unknown_command")  # the very same message, markup included
        # not in a dialogue: the next text is an ordinary question, not a broadcast
        await bot.say(202, "Hemmelig besked til alle")
        assert await bot.say(202, "/staff add 202 admin") == unknown
        assert await bot.say(ADVISOR, "/staff add 202 admin") == unknown  # advisors cannot give roles
        # a staff member's draft: buttons pressed by someone else do nothing
        bid = await compose(bot, ADMIN, "Kun til personalet", [])
        own = api.last_message(202)
        assert own is not None
        await bot.press(202, f"bc:s:{bid}", own["message_id"], forged=True)
        await bot.press(202, f"bc:a:{bid}:next", own["message_id"], forged=True)
        await bot.send()
        assert await count(bot, OutboxRow, OutboxRow.kind == "broadcast") == 0
        assert await count(bot, Broadcast, Broadcast.status != "draft") == 0
        assert not [m for m in api.messages_to(201) if "Hemmelig" in m or "personalet" in m]
        async with bot.deps.rt.db.sessions() as s:
            refused = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "refused"))).all()
        assert {(a.actor, a.subject) for a in refused} >= {
            (202, "/broadcast"),
            (202, "/broadcast_now"),
            (202, "/staff"),
            (ADVISOR, "/staff"),
            (202, "button:bc"),
        }
        assert all("Hemmelig" not in (a.subject + a.detail) for a in refused)
    assert "Hemmelig" not in caplog.text  # the attempt is logged without the message text
    assert "refused /broadcast_now from user 202" in caplog.text


async def test_scheduled_broadcast_survives_a_restart_and_goes_out_on_time(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    settings = staff_settings(prepared_db, api, tick_seconds=0.1)
    clock = Clock(datetime.fromisoformat("2026-11-30T09:00:00+00:00"))  # Monday 10:00 in Copenhagen
    async with running_bot(settings, api, clock=clock) as bot:
        await subscribe(bot, 301)
        await subscribe(bot, 302, lang="en")
        bid = await compose(bot, ADVISOR, "Mentorordningen åbner for tilmelding", [])
        screen = api.last_message(ADVISOR)
        await bot.press(ADVISOR, f"bc:a:{bid}:lang:da", screen["message_id"])  # type: ignore[index]
        screen = api.message(ADVISOR, screen["message_id"])  # type: ignore[index]
        assert screen is not None and "sprog dansk" in screen["text"] and "Antal lige nu: 1" in screen["text"]
        await press_and_wait(bot, ADVISOR, f"bc:a:{bid}:next", screen["message_id"], new_messages=1)
        assert "ikke" in await bot.say(ADVISOR, "i forgårs")  # not understood: asked again
        await bot.say(ADVISOR, "i morgen kl. 9", wait=2)
        control = api.last_message(ADVISOR)
        assert control is not None and "Sendes: 1. december 2026 kl. 09.00" in control["text"]
        await bot.press(ADVISOR, f"bc:s:{bid}", control["message_id"])
        scheduled = api.message(ADVISOR, control["message_id"])
        assert scheduled is not None and "planlagt til 1. december 2026 kl. 09.00" in scheduled["text"]
        listing = await bot.say(ADVISOR, "/broadcasts")
        assert f"#{bid} · planlagt" in listing
    # a new process on the same database, the next morning just before nine (Copenhagen)
    clock.now = datetime.fromisoformat("2026-12-01T07:59:00+00:00")
    async with running_bot(settings, api, clock=clock, schedule_jobs=True) as bot2:
        await api.wait_for(lambda: bot2.app.job_queue.get_jobs_by_name("staff"), timeout=5)  # type: ignore[union-attr]
        with pytest.raises(TimeoutError):
            await api.wait_for(lambda: [m for m in api.messages_to(301) if "Mentor" in m], timeout=1.0)
        clock.now = datetime.fromisoformat("2026-12-01T08:00:00+00:00")
        await api.wait_for(lambda: [m for m in api.messages_to(301) if "Mentor" in m], timeout=10)
        await api.wait_for(lambda: any("Leveret: 1" in m for m in api.messages_to(ADVISOR)), timeout=10)
        # the progress message ("... er gået i gang", then edited as it goes) and the report
        assert any(f"Udsendelse #{bid}: 1 af 1 sendt" in m for m in api.messages_to(ADVISOR))
    assert len([m for m in api.messages_to(301) if "Mentor" in m]) == 1
    assert not [m for m in api.messages_to(302) if "Mentor" in m]  # English: not in the audience


@pytest.mark.slow  # 2,000 real sends over HTTP through the sender (its cost is per message)
@pytest.mark.timeout(300)
async def test_kill_in_the_middle_of_a_2000_recipient_broadcast_then_restart_delivers_once(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    base = staff_settings(prepared_db, api, batch_size=200)
    settings = replace(base, staff=replace(base.staff, progress_seconds=2.0))
    first = 500_000
    chats = range(first, first + 2000)
    async with running_bot(settings, api) as bot:
        now = bot.clock()
        rows = [subscriber_values(Profile(chat, chat, f"Virksomhed {chat}", None, "da"), now) for chat in chats]
        async with bot.deps.rt.db.sessions.begin() as s:
            await s.execute(insert(Subscriber), rows)
        await bot.say(ADMIN, "/broadcast_now Fondsmidler: ansøg inden fredag!", wait=2)
        confirm = api.last_message(ADMIN)
        assert confirm is not None and "alle aktive abonnenter (2000)" in confirm["text"]
        bid = int(button(confirm, "bc:s:").split(":")[2])
        await bot.press(ADMIN, f"bc:s:{bid}", confirm["message_id"])
        assert await count(bot, OutboxRow, OutboxRow.kind == "broadcast") == 2000  # one transaction
        bot.deps.limiter = RateLimiter(100_000, 0)
        sent = await drain_outbox(bot.deps.rt, bot.deps.notifier, bot.deps.limiter, max_rounds=2)
        assert sent.sent == 400
        claimed = await claim(bot.deps.rt, 150)  # a sender took 150 more ... and the process died
        assert len(claimed) == 150
    clock = bot.clock
    clock.advance(seconds=settings.delivery.lease_seconds + 1)
    async with running_bot(settings, api, clock=clock) as bot2:
        bot2.deps.limiter = RateLimiter(100_000, 0)
        report = await bot2.send()
        assert report.sent == 1600
        done = await broadcasts.finish(bot2.deps.rt.db, bid, now=clock())
        assert done is not None and (done.delivered, done.blocked, done.failed, done.pending) == (2000, 0, 0, 0)
    by_chat = Counter(
        int(m["chat"]["id"])
        for m in api.sent()
        if m.get("text") == "Fondsmidler: ansøg inden fredag!" and m["chat"]["id"] != ADMIN  # not the preview
    )
    assert set(by_chat) == set(chats)
    assert max(by_chat.values()) == 1
