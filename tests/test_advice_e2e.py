"""Advice requests end to end: enterprise → staff chat → a staff reply → enterprise."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot import staffchat
from jobs.config import SourceSettings
from jobs.models import AdviceRequest, AuditEntry, OutboxRow, Subscriber
from tests.botkit import Running, rss, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer, Route
from tests.staffkit import ADVISOR, STAFF_CHAT, button, count, press_and_wait, staff_settings

CLEANING = {
    "guid": "rg-9",
    "title": "Rengøring af Roskilde Bibliotek",
    "description": "Daglig rengøring. Der stilles krav om praktikpladser.",
    "buyer": "Roskilde Kommune",
    "deadline": "2026-12-20T12:00:00+01:00",
    "value": "400000",
    "cpv": "90910000-9",
    "type": "competition",
}
OTHER = dict(CLEANING, guid="old-1", title="Gammelt udbud", cpv="72000000")


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


def staff_reply(bot: Running, text: str, request_message_id: int, user_id: int = ADVISOR) -> None:
    bot.api.push_message(
        STAFF_CHAT, text, user_id=user_id, first_name="Rådgiver", reply_to_message_id=request_message_id
    )


async def test_question_from_a_notice_goes_to_staff_and_the_answer_comes_back(
    prepared_db: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer
) -> None:
    api = fake_bot_api
    feed_server.routes["/feed.xml"] = Route(body=rss([OTHER]))
    source = SourceSettings(name="feed", kind="rss", url=feed_server.url("/feed.xml"))
    settings = staff_settings(prepared_db, api)
    async with running_bot(replace(settings, sources=(source,)), api) as bot:
        await bot.poll()  # the silent baseline
        api.push_message(70, "/start", username="bageriet")
        await api.wait_for_sent(70, 1)
        bot.clock.advance(minutes=5)
        feed_server.routes["/feed.xml"] = Route(body=rss([OTHER, CLEANING]))
        await bot.poll()
        assert (await bot.send()).sent == 1
        alert = api.last_message(70)
        assert alert is not None
        ask = button(alert, "n:a:")
        # the button asks for the question; the next message is it
        await press_and_wait(bot, 70, ask, alert["message_id"], new_messages=1)
        assert "Rengøring af Roskilde Bibliotek" in (api.last_text(70) or "")
        confirmation = await bot.say(70, "Kan vi byde sammen med <en> anden virksomhed?")
        assert "sendt til en erhvervsrådgiver" in confirmation
        posted = api.last_message(STAFF_CHAT)
        assert posted is not None
        assert "Rådgivning #" in posted["text"] and "(@bageriet)" in posted["text"]
        assert "Rengøring af Roskilde Bibliotek" in posted["text"]
        assert "Kan vi byde sammen med <en> anden virksomhed?" in posted["text"]  # escaped, shown as written
        assert any(e.get("url", "").startswith("https://udbud.dk/rg-9") for e in posted.get("entities", []))
        open_list = await bot.say(ADVISOR, "/requests")
        assert "Åbne rådgivningssager (1)" in open_list and "Kan vi byde sammen" in open_list
        # a staff member answers by replying to the request in the staff chat
        before = len(api.sent(STAFF_CHAT))
        staff_reply(bot, "Ja, som et konsortium. Ring på 46 31 30 00.", posted["message_id"])
        await api.wait_for_sent(STAFF_CHAT, before + 1)
        assert "Svaret er sendt til" in (api.last_text(STAFF_CHAT) or "")
        assert (await bot.send()).sent == 1
        answer = api.last_text(70) or ""
        assert answer.startswith("💬 Svar fra en erhvervsrådgiver\nJa, som et konsortium. Ring på 46 31 30 00.")
        assert "Dit spørgsmål: Kan vi byde sammen med <en> anden virksomhed?" in answer
        async with bot.deps.rt.db.sessions() as s:
            req = (await s.scalars(select(AdviceRequest))).one()
        assert (req.status, req.answered_by, req.notice_id is not None) == ("answered", ADVISOR, True)
        assert "Ingen åbne rådgivningssager" in await bot.say(ADVISOR, "/requests")
        assert (await bot.send()).sent == 0  # the answer went once


async def test_unanswerable_question_becomes_a_request_and_only_staff_can_answer(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(staff_settings(prepared_db, api), api) as bot:
        # someone who never subscribed asks something the bot cannot answer
        reply = await bot.say(71, "Hvad koster en elefant på Mars?")
        assert "rådgiver" in reply.lower() or "medarbejder" in reply.lower()
        offer = api.last_message(71)
        assert offer is not None and offer["reply_to_message"]["text"] == "Hvad koster en elefant på Mars?"
        await press_and_wait(bot, 71, button(offer, "adv:q"), offer["message_id"], new_messages=1)
        assert "sendt til en erhvervsrådgiver" in (api.last_text(71) or "")
        assert "adv:q" not in str(api.message(71, offer["message_id"]))  # the button is gone
        posted = api.last_message(STAFF_CHAT)
        assert posted is not None and "Hvad koster en elefant på Mars?" in posted["text"]
        # a non-staff member of the staff chat replies: nothing happens, the attempt is logged
        staff_reply(bot, "Det ved jeg ikke", posted["message_id"], user_id=4242)
        await api.wait_for(lambda: api.pending_update_count == 0, timeout=5)
        await bot.say(71, "/hours")  # a round trip through the bot: the reply above was handled
        assert await count(bot, OutboxRow, OutboxRow.kind == "advice") == 0
        # an advisor answers; then a follow-up to the same request
        before = len(api.sent(STAFF_CHAT))
        staff_reply(bot, "Vi ringer dig op i morgen.", posted["message_id"])
        await api.wait_for_sent(STAFF_CHAT, before + 1)
        staff_reply(bot, "PS: tag regnskabet med.", posted["message_id"])
        await api.wait_for_sent(STAFF_CHAT, before + 2)
        assert "Opfølgningen er sendt" in (api.last_text(STAFF_CHAT) or "")
        assert (await bot.send()).sent == 2
        answers = [m for m in api.messages_to(71) if m.startswith("💬")]
        assert len(answers) == 2 and "Vi ringer dig op i morgen." in answers[0] and "regnskabet" in answers[1]
        async with bot.deps.rt.db.sessions() as s:
            contact = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == 71))).one()
            refused = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "refused"))).all()
        assert contact.status == "stopped"  # a contact only: no tender alerts, but answers reach them
        assert [(a.actor, a.subject.split(":")[0]) for a in refused] == [(4242, "advice-reply")]


async def test_raadgivning_command_in_english(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(staff_settings(prepared_db, api), api) as bot:
        await bot.say(72, "/start", lang="en")
        assert "business advisor" in await bot.say(72, "/raadgivning", lang="en")
        assert "has gone to a business advisor" in await bot.say(72, "How do we join the mentor scheme?", lang="en")
        api.fail("sendMessage", status=502, chat_id=STAFF_CHAT)  # the staff chat is down for a moment
        assert "has gone to a business advisor" in await bot.say(72, "/raadgivning Second question", lang="en")
        assert len([m for m in api.sent(STAFF_CHAT) if "Rådgivning #" in m["text"]]) == 1
        await staffchat.repost_requests(bot.app.bot, bot.deps)  # the scheduler's job: stored requests reach staff later
        await staffchat.repost_requests(bot.app.bot, bot.deps)  # ... once
        requests = [m for m in api.sent(STAFF_CHAT) if "Rådgivning #" in m["text"]]
        assert len(requests) == 2 and "engelsk" in requests[0]["text"] and "Second question" in requests[1]["text"]
        before = len(api.sent(STAFF_CHAT))
        staff_reply(bot, "Write to mentor@example.dk", requests[0]["message_id"])
        await api.wait_for_sent(STAFF_CHAT, before + 1)
        await bot.send()
        answer = api.last_text(72) or ""
        assert answer.startswith("💬 Answer from a business advisor\nWrite to mentor@example.dk")
        assert "Your question: How do we join the mentor scheme?" in answer
        listing = await bot.say(ADVISOR, "/requests")
        assert "(1)" in listing and "Second question" in listing
        links = [e["url"] for e in (api.last_message(ADVISOR) or {}).get("entities", []) if "url" in e]
        assert links == [f"https://t.me/c/1234567890/{requests[1]['message_id']}"]  # to the request itself
