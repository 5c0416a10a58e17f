"""The enterprise directory and /match through the real bot and the real web section:
a profile is public only after staff approve it, leaves on withdrawal and on /deletemydata;
/match for a cleaning purchase names the cleaning enterprise, not the IT one, with advice."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from jobs.models import AuditEntry, Enterprise, OutboxRow
from tests.botkit import Running, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.staffkit import ADVISOR, STAFF_CHAT, button, staff_settings
from tests.webkit import Served
from web.server import WebServer

CLEANER = 5101
IT_FIRM = 5102
BUYER = 5201  # procurement staff of another department


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


async def fill_profile(bot: Running, chat: int, answers: list[str]) -> None:
    first = await bot.say(chat, "/profil")
    assert "Virksomhedskataloget" in first and "Hvad hedder virksomheden?" in first
    for answer in answers:
        await bot.say(chat, answer)


CLEANING_ANSWERS = [
    "Grøn Rengøring ApS <b>",
    "12345674",  # a valid CVR number (modulus 11)
    "rengøring",
    "roskilde",
    "14",
    "1 mio",
    "Vi gør rent på skoler og kontorer med ansatte i fleksjob.",
    "www.groen-rengoering.dk",
    "kontakt@groen.dk, 11 22 33 44",
]


async def test_profile_is_public_only_after_approval_and_leaves_on_withdrawal_and_deletion(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    settings = staff_settings(prepared_db, api)
    async with running_bot(settings, api) as bot:
        server = WebServer(settings, rt=bot.deps.rt, host="127.0.0.1", port=0)
        await server.start()
        web = Served(bot.deps.rt, server, bot.clock)
        try:
            # nonsense is explained and asked again; nothing is stored from it
            assert "Hvad hedder" in await bot.say(CLEANER, "/profil")
            await bot.say(CLEANER, CLEANING_ANSWERS[0])
            assert "ikke et gyldigt CVR-nummer" in await bot.say(CLEANER, "12345678")  # fails modulus 11
            assert "Hvilke brancher" in await bot.say(CLEANER, "12 34 56 74")
            assert "kender jeg ikke" in await bot.say(CLEANER, "rumfart")
            for answer in CLEANING_ANSWERS[2:-1]:
                await bot.say(CLEANER, answer)
            posts_before = len(api.sent(STAFF_CHAT))
            done = await bot.say(CLEANER, CLEANING_ANSWERS[-1])
            assert "sendt til godkendelse" in done
            await api.wait_for_sent(STAFF_CHAT, posts_before + 1)
            post = api.last_message(STAFF_CHAT)
            assert post is not None and "Grøn Rengøring ApS &lt;b&gt;" not in post["text"]
            assert "Grøn Rengøring ApS <b>" in post["text"]  # shown as text, escaped in the HTML sent
            approve = button(post, "ent:ok:")
            # not public yet
            assert "Grøn Rengøring" not in (await web.get("/virksomheder")).text
            # someone who is not staff presses Approve: nothing happens
            await bot.press(STAFF_CHAT, approve, post["message_id"])  # user id = the chat: not staff
            assert "Grøn Rengøring" not in (await web.get("/virksomheder")).text
            api.push_callback(STAFF_CHAT, approve, message_id=post["message_id"], user_id=ADVISOR)
            await api.wait_for(lambda: "Godkendt af" in (api.message(STAFF_CHAT, post["message_id"]) or {})["text"])
            directory = (await web.get("/virksomheder")).text
            assert "Grøn Rengøring ApS &lt;b&gt;" in directory and "12345674" in directory
            assert 'href="https://www.groen-rengoering.dk"' in directory
            await bot.send()
            assert any("er godkendt" in m for m in api.messages_to(CLEANER))
            # an edit goes back for approval; the approved copy stays public meanwhile
            assert "sendt til godkendelse" in await bot.say(CLEANER, "/profil beskrivelse Nu også vinduespudsning")
            page = (await web.get("/virksomheder")).text
            assert "Vi gør rent på skoler" in page and "Nu også vinduespudsning" not in page
            # the old Approve button cannot publish the new text (pressed from an old copy of the post)
            api.push_forged_callback(STAFF_CHAT, approve, message_id=post["message_id"], user_id=ADVISOR)
            await api.wait_for(lambda: "allerede behandlet" in (api.callback_answers[-1].text or ""))
            assert "Nu også vinduespudsning" not in (await web.get("/virksomheder")).text
            # withdrawal: gone at once
            assert "trukket tilbage" in await bot.say(CLEANER, "/profil træk")
            assert "Grøn Rengøring" not in (await web.get("/virksomheder")).text
            # sent again and approved, then /deletemydata removes it
            await bot.say(CLEANER, "/profil kontakt 11 22 33 44")
            async with bot.deps.rt.db.sessions() as s:
                row = (await s.scalars(select(Enterprise))).one()
            api.push_forged_callback(  # the new revision's button, as if from that post
                STAFF_CHAT, f"ent:ok:{row.id}:{row.revision}", message_id=post["message_id"], user_id=ADVISOR
            )
            await api.wait_for(lambda: api.callback_answers[-1].text and "Godkendt" in api.callback_answers[-1].text)
            assert "Grøn Rengøring" in (await web.get("/virksomheder")).text
            await bot.say(CLEANER, "/deletemydata")
            confirm = api.last_message(CLEANER)
            await bot.press(CLEANER, button(confirm, "del:yes:"), confirm["message_id"])  # type: ignore[index]
            assert "Grøn Rengøring" not in (await web.get("/virksomheder")).text
            async with bot.deps.rt.db.sessions() as s:
                assert (await s.scalars(select(Enterprise))).all() == []
                actions = [a.action for a in (await s.scalars(select(AuditEntry))).all()]
            assert {"directory.approve", "directory.withdraw"} <= set(actions)
        finally:
            await server.stop()


async def approved(bot: Running, chat: int, answers: list[str]) -> None:
    await fill_profile(bot, chat, answers)
    async with bot.deps.rt.db.sessions() as s:
        row = (
            await s.scalars(select(Enterprise).where(Enterprise.status == "pending").order_by(Enterprise.id.desc()))
        ).first()
    assert row is not None
    post = bot.api.last_message(STAFF_CHAT)
    bot.api.push_callback(
        STAFF_CHAT,
        f"ent:ok:{row.id}:{row.revision}",
        message_id=post["message_id"],  # type: ignore[index]
        user_id=ADVISOR,
    )
    await bot.api.wait_for(lambda: bot.api.callback_answers and "Godkendt" in (bot.api.callback_answers[-1].text or ""))


async def test_match_names_the_cleaning_enterprise_with_advice_and_sends_a_headsup(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    settings = staff_settings(prepared_db, api)
    settings = replace(settings, staff=replace(settings.staff, procurement=(BUYER,)))
    async with running_bot(settings, api) as bot:
        await approved(bot, CLEANER, CLEANING_ANSWERS)
        await approved(
            bot,
            IT_FIRM,
            [
                "Kode & Kaffe",
                "24256790",
                "it",
                "danmark",
                "-",
                "-",
                "Vi udvikler og tester software.",
                "-",
                "hej@kode.dk",
            ],
        )
        # not staff: the reply an unknown command gets
        assert "kender jeg ikke" in await bot.say(CLEANER, "/match rengøring")
        assert "Beskriv indkøbet" in await bot.say(BUYER, "/match")
        assert "ikke en CPV-kode" in await bot.say(BUYER, "/match rengøring cpv:abc")
        reply = await bot.say(BUYER, "/match Rengøring af tre skoler værdi:2.500.000")
        assert "Grøn Rengøring ApS" in reply and "Kode &amp; Kaffe" not in reply and "Kode & Kaffe" not in reply
        assert "arbejder med Rengøring" in reply
        assert "mindst 3 delaftaler på højst 1.000.000 kr." in reply
        assert "§ 20" in reply and "social klausul" in reply
        assert "skal deles op" in reply  # the enterprise said 1 mio: the size explains itself
        it_reply = await bot.say(ADVISOR, "/match drift af it-system cpv:72000000")
        assert "Kode & Kaffe" in it_reply and "Grøn Rengøring" not in it_reply
        # the heads-up: confirm, then one outbox row per enterprise; a second press sends nothing
        msgs = [m for m in api.sent(BUYER) if "Grøn Rengøring ApS" in (m.get("text") or "")]
        offer = msgs[-1]
        before = len(api.sent(BUYER))
        await bot.press(BUYER, button(offer, "mt:h:"), offer["message_id"])
        await api.wait_for_sent(BUYER, before + 1)
        confirm = api.last_message(BUYER)
        assert confirm is not None and "1 virksomheder" in confirm["text"]
        await bot.press(BUYER, button(confirm, "mt:y:"), confirm["message_id"])
        assert "sendt til 1" in (api.message(BUYER, confirm["message_id"]) or {})["text"]
        bot.clock.advance(seconds=10)  # pressed again later (within seconds it is a double tap: quiet)
        await bot.press(BUYER, button(offer, "mt:h:"), offer["message_id"])
        assert "allerede sendt" in (api.callback_answers[-1].text or "")
        await bot.send()
        got = [m for m in api.messages_to(CLEANER) if "kan passe til jer" in m]
        assert len(got) == 1 and "Rengøring af tre skoler" in got[0]
        assert not [m for m in api.messages_to(IT_FIRM) if "kan passe til jer" in m]
        async with bot.deps.rt.db.sessions() as s:
            rows = (await s.scalars(select(OutboxRow).where(OutboxRow.kind == "headsup"))).all()
            audit = {(a.action, a.actor) for a in (await s.scalars(select(AuditEntry))).all()}
        assert len(rows) == 1
        assert ("match.run", BUYER) in audit and ("match.headsup", BUYER) in audit and ("refused", CLEANER) in audit
