"""The real Application over HTTP against the fake Bot API: subscribing, alerts, changes, faults."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from jobs.config import SourceSettings
from jobs.models import OutboxRow, Subscriber
from tests.botkit import Running, bot_settings, rss, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer, Route

CLEANING = {
    "guid": "rg-1",
    "title": "Rengøring af Roskilde Bibliotek",
    "description": "Daglig rengøringsopgaver og vinduespudsning. Der stilles krav om praktikpladser.",
    "buyer": "Roskilde Kommune",
    "deadline": "2026-12-20T12:00:00+01:00",
    "value": "400000",
    "cpv": "90910000-9",
    "type": "competition",
}
IT = {
    "guid": "it-1",
    "title": "Drift af ERP-system",
    "description": "Hosting og drift af økonomisystem.",
    "buyer": "Region Sjælland",
    "deadline": "2027-01-15T12:00:00+01:00",
    "value": "90000000",
    "cpv": "72000000",
    "type": "competition",
}


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


def feed_source(server: FeedServer) -> SourceSettings:
    return SourceSettings(name="feed", kind="rss", url=server.url("/feed.xml"))


async def subscriber(bot: Running, chat: int) -> Subscriber:
    async with bot.deps.rt.db.sessions() as s:
        return (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat))).one()


async def test_subscribe_by_buttons_and_by_commands(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(bot_settings(prepared_db, api), api) as bot:
        welcome = await bot.say(1, "/start")
        assert "udbudsbot" in welcome and "1." in welcome and "3." in welcome
        menu = api.last_message(1)
        assert menu is not None and menu["reply_markup"]["inline_keyboard"]
        # buttons: categories → toggle cleaning → back; level → suitable
        await bot.press(1, "m:cat", menu["message_id"])
        edited = api.message(1, menu["message_id"])
        assert edited is not None and "Vælg de kategorier" in edited["text"]
        await bot.press(1, "c:cleaning:1", menu["message_id"])
        await bot.press(1, "m:main", menu["message_id"])
        await bot.press(1, "m:lvl", menu["message_id"])
        await bot.press(1, "s:lvl:suitable", menu["message_id"])
        shown = api.message(1, menu["message_id"])
        assert shown is not None and "Mindste vurdering: oplagt" in shown["text"]
        # typed commands
        assert "Nøgleord gemt: rengøring, -vagt" in await bot.say(1, "/keywords rengøring, -vagt")
        assert "ikke et beløb" in await bot.say(1, "/maxvalue masser")
        assert "2.000.000" in await bot.say(1, "/maxvalue 2 mio")
        assert "Intet er ændret" in await bot.say(1, "/keywords " + "x" * 4000)
        assert "højst have 30 nøgleord" in await bot.say(1, "/keywords " + ", ".join(f"ord{i}" for i in range(500)))
        assert "kender jeg ikke" in await bot.say(1, "/categories rumfart")
        sub = await subscriber(bot, 1)
        assert sub.categories == ["cleaning"]
        assert sub.keywords == ["rengøring", "-vagt"]
        assert int(sub.max_value_dkk or 0) == 2_000_000
        assert sub.min_level == "suitable"
        settings_text = await bot.say(1, "/settings")
        assert "Rengøring" in settings_text and "2.000.000 DKK" in settings_text
        assert "dagligt" in await bot.say(1, "/digest dagligt 7")
        assert (await subscriber(bot, 1)).digest_hour == 7
        # English by Telegram language, and by choice
        assert "Hi" in await bot.say(2, "/start", lang="en")
        assert "English" in await bot.say(1, "/language en")
        assert "Keywords saved" in await bot.say(1, "/keywords cleaning")
        # commands registered in both languages
        assert {c["command"] for c in api.commands_for("en")} >= {"start", "keywords", "hours"}
        assert any(c["description"] == "Se dine indstillinger" for c in api.commands_for(""))


async def test_notice_reaches_the_right_users_once_and_changes_follow(
    prepared_db: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer
) -> None:
    api = fake_bot_api
    feed_server.routes["/feed.xml"] = Route(body=rss([IT]))
    async with running_bot(bot_settings(prepared_db, api, feed_source(feed_server)), api) as bot:
        [baseline] = await bot.poll()
        assert baseline.baseline and len(baseline.result.new) == 1
        await bot.say(10, "/start")
        await bot.say(10, "/keywords rengøring")
        await bot.say(11, "/start")
        await bot.say(11, "/keywords catering")
        bot.clock.advance(minutes=5)
        feed_server.routes["/feed.xml"] = Route(body=rss([IT, CLEANING]))
        [report] = await bot.poll()
        assert len(report.result.new) == 1 and not report.baseline
        sent = await bot.send()
        assert sent.sent == 1
        alert = api.last_message(10)
        assert alert is not None
        assert "Rengøring af Roskilde Bibliotek" in alert["text"]
        assert "Frist: 20. december 2026 kl. 12.00 (om 20 dage)" in alert["text"]
        assert len(alert["reply_markup"]["inline_keyboard"]) == 3
        assert not [m for m in api.messages_to(11) if "Rengøring" in m]
        # nothing twice
        await bot.poll()
        assert (await bot.send()).sent == 0
        # the deadline moves: the user gets a reply to the original, and the original is edited
        bot.clock.advance(hours=2)
        moved = dict(CLEANING, deadline="2027-01-10T12:00:00+01:00")
        feed_server.routes["/feed.xml"] = Route(body=rss([IT, moved]))
        [changed] = await bot.poll()
        assert len(changed.result.changed) == 1
        assert (await bot.send()).sent == 1
        change = api.last_message(10)
        assert change is not None and "Ændring" in change["text"] and "frist" in change["text"]
        assert change["reply_to_message"]["message_id"] == alert["message_id"]
        original = api.message(10, alert["message_id"])
        assert original is not None and original["text"].startswith("⚠️ Ændret")
        # buttons: details; relevant (+ reminder); someone else's notice id is refused
        notice_id = int(alert["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[2])
        before = len(api.sent(10))
        await bot.press(10, f"n:d:{notice_id}", alert["message_id"])
        await api.wait_for_sent(10, before + 1)
        assert "Vurdering" in (api.last_text(10) or "")
        await bot.press(10, f"n:r:{notice_id}", alert["message_id"])
        assert "relevant" in api.callback_answers[-1].text.lower()
        await bot.say(11, "/settings")
        own = api.last_message(11)
        assert own is not None
        await bot.press(11, f"n:r:{notice_id}", own["message_id"], forged=True)
        assert "ikke har fået" in api.callback_answers[-1].text
        async with bot.deps.rt.db.sessions() as s:
            reminders = (await s.scalars(select(OutboxRow).where(OutboxRow.kind == "reminder"))).all()
        assert len(reminders) == 1 and reminders[0].next_attempt_at.isoformat().startswith("2027-01-07")


async def test_blocked_user_is_deactivated_and_429_is_honoured(
    prepared_db: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer
) -> None:
    api = fake_bot_api
    feed_server.routes["/feed.xml"] = Route(body=rss([IT]))
    async with running_bot(bot_settings(prepared_db, api, feed_source(feed_server)), api) as bot:
        await bot.poll()
        for chat in (20, 21, 22):
            await bot.say(chat, "/start")
        bot.clock.advance(minutes=5)
        feed_server.routes["/feed.xml"] = Route(body=rss([IT, CLEANING]))
        await bot.poll()
        api.block(21)
        api.fail("sendMessage", status=429, retry_after=1, chat_id=22)
        calls_before = len(api.calls_to("sendMessage"))
        t0 = time.monotonic()
        report = await bot.send()
        assert (report.sent, report.gone) == (2, 1)
        assert time.monotonic() - t0 >= 1.0  # the 429's retry_after was waited out
        assert (await subscriber(bot, 21)).status == "blocked"
        sends_to_21 = [c for c in api.calls_to("sendMessage")[calls_before:] if str(c.params.get("chat_id")) == "21"]
        assert len(sends_to_21) == 1  # never retried
        assert [m for m in api.messages_to(22) if "Rengøring" in m]
        assert len([m for m in api.messages_to(20) if "Rengøring" in m]) == 1


async def test_kill_and_restart_loses_nothing(
    prepared_db: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer
) -> None:
    api = fake_bot_api
    feed_server.routes["/feed.xml"] = Route(body=rss([IT]))
    settings = bot_settings(prepared_db, api, feed_source(feed_server))
    async with running_bot(settings, api) as bot:
        await bot.poll()
        for chat in range(30, 40):
            await bot.say(chat, "/start")
        bot.clock.advance(minutes=5)
        feed_server.routes["/feed.xml"] = Route(body=rss([IT, CLEANING]))
        await bot.poll()
        from jobs.deliver.send import claim

        claimed = await claim(bot.deps.rt, 4)  # a sender took four ... and the process died
        assert len(claimed) == 4
        clock = bot.clock
    # a new process on the same database, after the lease has run out
    clock.advance(seconds=settings.delivery.lease_seconds + 1)
    async with running_bot(settings, api, clock=clock) as bot2:
        report = await bot2.send()
        assert report.sent == 10
    for chat in range(30, 40):
        assert len([m for m in api.messages_to(chat) if "Rengøring" in m]) == 1


async def test_hostile_feed_text_is_escaped_and_fits(
    prepared_db: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer
) -> None:
    api = fake_bot_api
    feed_server.routes["/feed.xml"] = Route(body=rss([IT]))
    async with running_bot(bot_settings(prepared_db, api, feed_source(feed_server)), api) as bot:
        await bot.poll()
        await bot.say(40, "/start")
        bot.clock.advance(minutes=5)
        evil = dict(
            CLEANING,
            guid="evil",
            title="<b>Rengøring</b> R&D <3 a<b " + "ø" * 6000,
            buyer="A & B <i>",
            description="x" * 20000,
        )
        feed_server.routes["/feed.xml"] = Route(body=rss([IT, evil]))
        await bot.poll()
        report = await bot.send()
        assert report.sent == 1 and report.failed == 0  # Telegram (the fake) accepted the HTML
        text = api.last_text(40) or ""
        assert len(text) <= 4096
        assert text.startswith("Rengøring R&D <3 a<b ø")  # tags dropped by the parser, the rest escaped
        assert "A & B" in text


async def test_questions_are_answered(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(bot_settings(prepared_db, api), api) as bot:
        # Monday 30 November 2026, 10:00 in Copenhagen
        phone = await bot.say(50, "Hvornår har I telefontid om fredagen?")
        assert "fredag" in phone.lower() and "08" in phone and "13" in phone
        now = await bot.say(50, "har I åbent nu?")
        assert "åbent" in now.lower() and "15" in now
        mentor = await bot.say(50, "Hvordan fungerer mentorordningen?")
        assert "mentor" in mentor.lower()
        hours = await bot.say(50, "/hours")
        assert "Torsdag" in hours or "torsdag" in hours
        unknown = await bot.say(51, "Hvad koster en elefant på Mars?")
        assert "rådgiver" in unknown.lower() or "medarbejder" in unknown.lower()
        assert "Den kommando kender jeg ikke" in await bot.say(52, "/flyv")
