"""/mydata and /deletemydata: through the real Application and the fake Bot API.

A user gets data in every table that can hold a person (through the bot's own flows where
there is one), exports it, deletes it, and then every column of every table is scanned for
anything that identifies them, while another user's data stays exactly as it was.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Column as SAColumn
from sqlalchemy import ForeignKey, Integer, MetaData, String, Table, select

import bot.app  # noqa: F401  (imports every module that declares tables)
from jobs.config import SourceSettings
from jobs.models import Base, Broadcast, OutboxRow, StaffMember, Subscriber
from jobs.people.privacy import export_subscriber, has_data, person_columns
from tests.botkit import Running, bot_settings, rss, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer, Route

# Distinctive values, so that a scan cannot mistake anything else for them.
ALMA = 7_712_345_678  # chat id = user id (a private chat)
ALMA_NAME = "Zephyrine Quokkasdottir"
ALMA_USERNAME = "zq_private_user"
BO = 7_798_765_432
BO_NAME = "Bartholomew Wigglesworth"
STAFF_CHAT = 999  # bot_settings' staff chat
ADVISOR = 424_243

CLEANING = {
    "guid": "rg-1",
    "title": "Rengøring af Roskilde Bibliotek",
    "description": "Daglig rengøring og vinduespudsning.",
    "buyer": "Roskilde Kommune",
    "deadline": "2026-12-20T12:00:00+01:00",
    "value": "400000",
    "cpv": "90910000-9",
    "type": "competition",
}
OLD = {
    "guid": "old-1",
    "title": "Kantinedrift",
    "description": "Kantine",
    "deadline": "2027-01-15T12:00:00+01:00",
    "cpv": "55500000",
    "type": "competition",
}


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


def test_the_rule_finds_every_person_column() -> None:
    """The generic rule on the real schema, and on a table added later."""
    found = {(pc.table.name, pc.column.name): pc.owner for pc in person_columns()}
    assert found[("subscribers", "chat_id")] is True
    assert found[("outbox", "subscriber_id")] is True
    assert found[("feedback", "subscriber_id")] is True
    assert found[("advice_requests", "subscriber_id")] is True
    assert found[("subscribers", "user_id")] is False  # a mention: set to NULL, the row stays
    assert found[("audit_log", "actor")] is False
    assert ("advice_requests", "staff_chat_id") not in found  # opted out: the staff chat is no person
    assert ("outbox", "telegram_message_id") not in found and ("notices", "id") not in found
    later = MetaData()
    Table("subscribers", later, SAColumn("id", Integer, primary_key=True))
    Table(
        "surveys",
        later,
        SAColumn("id", Integer, primary_key=True),
        SAColumn("subscriber_id", ForeignKey("subscribers.id"), nullable=False),
        SAColumn("reviewer_user_id", Integer),
        SAColumn("asked_by", Integer),
        SAColumn("tg_peer", Integer, info={"person": True}),
        SAColumn("chat_id", String(20)),  # not an integer: not a Telegram id
    )
    rule = {(pc.table.name, pc.column.name, pc.key, pc.owner) for pc in person_columns(later)}
    assert rule == {
        ("surveys", "subscriber_id", "subscriber", True),
        ("surveys", "reviewer_user_id", "person", False),
        ("surveys", "asked_by", "person", False),
        ("surveys", "tg_peer", "person", False),
    }


async def dump(bot: Running) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table, by primary key."""
    out: dict[str, dict[Any, dict[str, Any]]] = {}
    async with bot.deps.rt.db.sessions() as s:
        for table in Base.metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            rows = (await s.execute(select(table))).all()
            out[table.name] = {
                tuple(r._mapping[c] for c in pk): {c.name: r._mapping[c] for c in table.columns} for r in rows
            }
    return out


def without_presses(data: dict[str, dict[Any, dict[str, Any]]]) -> dict[str, dict[Any, dict[str, Any]]]:
    """The rows without the bot's record of button presses (each press adds a hash: bookkeeping)."""
    return {table: rows for table, rows in data.items() if table != "button_presses"}


def traces(data: dict[str, dict[Any, dict[str, Any]]], subscriber_ids: set[int]) -> list[str]:
    """Every place Alma can be found: her ids in any integer column, her subscriber id in any
    column that refers to subscribers, her ids, name or username inside any text or JSON."""
    sub_cols = {(pc.table.name, pc.column.name) for pc in person_columns() if pc.key == "subscriber"}
    sub_cols.add(("subscribers", "id"))
    needles = (str(ALMA), ALMA_NAME, ALMA_USERNAME)
    found = []
    for table, rows in data.items():
        for key, row in rows.items():
            for col, value in row.items():
                if value is None or isinstance(value, bool):
                    continue
                if isinstance(value, int):
                    hit = value == ALMA or ((table, col) in sub_cols and value in subscriber_ids)
                else:
                    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
                    hit = any(n in text for n in needles)
                if hit:
                    found.append(f"{table}{key}.{col}={value!r}")
    return found


async def press_and_wait(bot: Running, chat: int, data: str, message_id: int) -> str | None:
    """A press of data the message no longer shows (an old confirmation): what a client could send."""
    await bot.press(chat, data, message_id, forged=True)
    return bot.api.callback_answers[-1].text


async def test_mydata_and_deletemydata_leave_nothing_of_the_user(
    prepared_db: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer
) -> None:
    api = fake_bot_api
    feed_server.routes["/feed.xml"] = Route(body=rss([OLD]))
    source = SourceSettings(name="feed", kind="rss", url=feed_server.url("/feed.xml"))
    settings = bot_settings(prepared_db, api, source)
    settings = replace(settings, staff=replace(settings.staff, advisors=(ADVISOR,)))
    async with running_bot(settings, api) as bot:
        await bot.poll()  # baseline
        # Two users subscribe through the bot and get an alert
        for chat, name, username in ((ALMA, ALMA_NAME, ALMA_USERNAME), (BO, BO_NAME, "bo_user")):
            api.push_message(chat, "/start", first_name=name, username=username)
            await api.wait_for_sent(chat, 1)
            await bot.say(chat, "/keywords rengøring")
        bot.clock.advance(minutes=5)
        feed_server.routes["/feed.xml"] = Route(body=rss([OLD, CLEANING]))
        await bot.poll()
        assert (await bot.send()).sent == 2
        alerts = {}
        for chat in (ALMA, BO):
            alert = api.last_message(chat)
            assert alert is not None and "Rengøring" in alert["text"]
            alerts[chat] = alert
        notice_id = int(alerts[ALMA]["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[2])
        # Feedback and a reminder through the buttons; Bo too
        for chat in (ALMA, BO):
            await bot.press(chat, f"n:r:{notice_id}", alerts[chat]["message_id"])
        assert "relevant" in (api.callback_answers[-1].text or "").lower()
        # Advice requests through the bot; an advisor answers by replying in the staff chat
        asks = ((ALMA, ALMA_NAME, ALMA_USERNAME, f"Hej, det er {ALMA_NAME}. Kan vi byde?"),
                (BO, BO_NAME, "bo_user", "Kan vi også byde?"))  # fmt: skip
        for chat, name, username, question in asks:
            posted, replies = len(api.sent(STAFF_CHAT)), len(api.sent(chat))
            api.push_message(chat, f"/raadgivning {question}", first_name=name, username=username)
            await api.wait_for_sent(chat, replies + 1)
            await api.wait_for_sent(STAFF_CHAT, posted + 1)
            post = api.last_message(STAFF_CHAT)
            assert post is not None and question in post["text"]
            api.push_message(STAFF_CHAT, "Ja, det kan I.", user_id=ADVISOR, reply_to_message_id=post["message_id"])
            await api.wait_for_sent(STAFF_CHAT, posted + 2)
        assert (await bot.send()).sent == 2  # the answers
        # A staff command she may not use: refused, and audited with her id
        assert "kender jeg ikke" in await bot.say(ALMA, "/stats")
        # Rows a flow would need more staff for: a broadcast she received (composed in her chat),
        # a staff role she gave someone; written as the staff flows write them.
        now = bot.clock()
        async with bot.deps.rt.db.sessions.begin() as s:
            subs = {sub.chat_id: sub for sub in (await s.scalars(select(Subscriber))).all()}
            broadcast = Broadcast(created_by=424242, html="<b>Nyt kursus</b> i udbud", origin_chat_id=ALMA,
                                  status="done", created_at=now)  # fmt: skip
            s.add(broadcast)
            await s.flush()
            for chat in (ALMA, BO):
                s.add(
                    OutboxRow(subscriber_id=subs[chat].id, kind="broadcast", ref=str(broadcast.id),
                              payload={"html": broadcast.html}, status="sent", attempts=1, next_attempt_at=now,
                              created_at=now, sent_at=now)
                )  # fmt: skip
            s.add(StaffMember(user_id=555, role="advisor", added_by=ALMA, added_at=now))
            alma_id = subs[ALMA].id

        before = await dump(bot)
        assert len(traces(before, {alma_id})) >= 10

        # /mydata: a JSON file with everything about Alma and nothing about Bo
        docs = len(api.documents)
        await bot.say(ALMA, "/mydata")
        await api.wait_for(lambda: len(api.documents) > docs)
        doc = api.documents[-1]
        assert doc.chat_id == ALMA and doc.filename.endswith(".json") and doc.data
        data = json.loads(doc.data)
        assert data["subscriber"]["name"] == ALMA_NAME and data["subscriber"]["username"] == ALMA_USERNAME
        assert data["settings"]["keywords"] == ["rengøring"]
        kinds = {m["kind"] for m in data["messages"]}
        assert {"notice", "reminder", "broadcast", "advice"} <= kinds
        assert any(m["notice_title"] == CLEANING["title"] and m["status"] == "sent" for m in data["messages"])
        assert data["reminders"] and data["reminders"][0]["notice_id"] == notice_id
        assert data["feedback"] == [
            {"notice_id": notice_id, "notice_title": CLEANING["title"], "relevant": True,
             "level": data["feedback"][0]["level"], "created_at": data["feedback"][0]["created_at"]}
        ]  # fmt: skip
        assert [r["question"] for r in data["tables"]["advice_requests"]] == [f"Hej, det er {ALMA_NAME}. Kan vi byde?"]
        assert data["tables"]["advice_requests"][0]["answer"] == "Ja, det kan I."
        assert data["tables"]["advice_requests"][0]["answered_by"] is None  # the advisor's id is not hers
        assert data["broadcasts"] and "Nyt kursus" in data["broadcasts"][0]["html"]
        assert {m["table"] for m in data["mentioned_in"]} == {"audit_log", "broadcasts", "staff"}
        blob = doc.data.decode()
        assert str(BO) not in blob and BO_NAME not in blob and "Kan vi også byde" not in blob
        assert "Nyt kursus" in blob  # what she received ...
        assert "424242" not in blob and "424243" not in blob  # ... but not who on the staff wrote or answered

        # /deletemydata asks first; "no" keeps everything, an old confirmation does nothing
        await bot.say(ALMA, "/deletemydata")
        confirm = api.last_message(ALMA)
        assert confirm is not None and "slette" in confirm["text"]
        buttons = [b["callback_data"] for row in confirm["reply_markup"]["inline_keyboard"] for b in row]
        yes = next(b for b in buttons if b.startswith("del:yes"))
        await bot.press(ALMA, "del:no", confirm["message_id"])
        assert "Intet er slettet" in (api.message(ALMA, confirm["message_id"]) or {}).get("text", "")
        bot.clock.advance(minutes=11)
        assert "for gammel" in (await press_and_wait(bot, ALMA, yes, confirm["message_id"]) or "")
        assert without_presses(await dump(bot)) == without_presses(before)

        await bot.say(ALMA, "/deletemydata")
        confirm = api.last_message(ALMA)
        assert confirm is not None
        yes = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await bot.press(ALMA, yes, confirm["message_id"])
        done = api.message(ALMA, confirm["message_id"])
        assert done is not None and "er slettet" in done["text"]

        after = await dump(bot)
        assert traces(after, {alma_id}) == []
        # Everything that did not name Alma is exactly as it was; rows that only mentioned
        # her are still there, without her.
        for table, rows in before.items():
            for key, row in rows.items():
                if traces({table: {key: row}}, {alma_id}):
                    continue
                assert after[table].get(key) == row, (table, key)
        for table in ("audit_log", "staff", "broadcasts"):
            assert len(after[table]) == len(before[table]) >= 1, table
        assert after["staff"][next(iter(after["staff"]))]["added_by"] is None
        bo_export = await export_subscriber(bot.deps.rt.db, BO, user_id=BO)
        assert bo_export["subscriber"]["name"] == BO_NAME and len(bo_export["feedback"]) == 1
        assert len(bo_export["tables"]["advice_requests"]) == 1
        # the cheap check /deletemydata asks first agrees with the export
        assert await has_data(bot.deps.rt.db, BO, user_id=BO)
        assert not await has_data(bot.deps.rt.db, ALMA, user_id=ALMA)

        # She is a stranger now: nothing to export, and /start begins afresh
        assert "ingen data" in await bot.say(ALMA, "/mydata")
        assert "ingen data" in await bot.say(ALMA, "/deletemydata")
        api.push_message(ALMA, "/start", first_name=ALMA_NAME)
        await api.wait_for(lambda: "Hej" in (api.last_text(ALMA) or ""))
        bot.clock.advance(days=1)
        assert (await bot.send()).sent == 0  # nothing of hers was left waiting to be sent


async def test_mydata_in_english_and_for_a_stranger(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(bot_settings(prepared_db, api), api) as bot:
        assert "no data" in await bot.say(61, "/mydata", lang="en")
        await bot.say(61, "/start", lang="en")
        docs = len(api.documents)
        await bot.say(61, "/mydata", lang="en")
        await api.wait_for(lambda: len(api.documents) > docs)
        doc = api.documents[-1]
        assert doc.filename.startswith("udbudsbot-my-data-") and "Delete it with /deletemydata" in (doc.caption or "")
        assert json.loads(doc.data or b"{}")["settings"]["language"] == "en"
        # the confirmation, pressed half a minute later
        await bot.say(61, "/deletemydata", lang="en")
        confirm = api.last_message(61)
        assert confirm is not None
        yes = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        # someone else's press (a group member, a forged query) does nothing
        answered = len(api.callback_answers)
        api.push_callback(61, yes, message_id=confirm["message_id"], user_id=62, language_code="en")
        await api.wait_for(lambda: len(api.callback_answers) > answered)
        assert "Only the person who asked" in (api.callback_answers[-1].text or "")
        async with bot.deps.rt.db.sessions() as s:
            assert (await s.scalars(select(Subscriber).where(Subscriber.chat_id == 61))).first() is not None
        bot.clock.advance(seconds=30)
        await bot.press(61, yes, confirm["message_id"], lang="en")
        assert "has been deleted" in (api.message(61, confirm["message_id"]) or {}).get("text", "")
        async with bot.deps.rt.db.sessions() as s:
            assert (await s.scalars(select(Subscriber).where(Subscriber.chat_id == 61))).first() is None
