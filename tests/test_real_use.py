"""Telegram as people really use it, through the real Application and the fake Bot API, on
SQLite and PostgreSQL: double taps, amounts as people write them, typed answers to the bot's
questions (across a restart, across two processes), groups and their administrators, a group
upgraded to a supergroup, photos and stickers, edits and channel posts, small talk, contact
details, the chosen language, and text cut before it is escaped.

Updates are fetched from the fake with getUpdates and processed by the Application
(``Running.feed``), so a test knows when an update has been handled, also one that must get
no answer. Every test ends with ``assert_clean``: nothing reached the error handler, no user
and no staff chat was shown an error, and Telegram (the fake) refused no call.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.texts import t
from jobs.answers.faq.knowledge import FaqEntry, KnowledgeBase
from jobs.config import Settings
from jobs.models import AdviceRequest, Dialogue, Subscriber
from tests.botkit import Running, bot_settings, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.helpers import Clock

STAFF = 999  # bot_settings' staff chat
GROUP = -4_100_000_001  # a basic group (upgraded to a supergroup in one test)
ANNA, BO, CARL = 5001, 5002, 5003  # Anna created the group, Carl is another admin, Bo a member


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


def settings_for(db_url: str, api: FakeBotAPI, **telegram: Any) -> Settings:
    base = bot_settings(db_url, api)
    return replace(base, telegram=replace(base.telegram, **telegram)) if telegram else base


NAMES = {ANNA: "Anna", BO: "Bo", CARL: "Carl"}


async def tell(
    bot: Running, chat: int, text: str, *, user: int | None = None, lang: str = "da", **kw: Any
) -> list[str]:
    """``user`` writes ``text`` in ``chat``; the texts of the bot's new messages there."""
    before = len(bot.api.sent(chat))
    kw.setdefault("first_name", NAMES.get(user or 0, "Test"))
    bot.api.push_message(chat, text, user_id=user, language_code=lang, **kw)
    await bot.feed()
    return [m.get("text", m.get("caption", "")) for m in bot.api.sent(chat)[before:]]


async def one(bot: Running, chat: int, text: str, **kw: Any) -> str:
    said = await tell(bot, chat, text, **kw)
    assert len(said) == 1, said
    return said[0]


async def press(bot: Running, chat: int, data: str, message_id: int, *, user: int | None = None) -> str | None:
    """Press a shown button; the text of the callback answer (None: a quiet answer)."""
    query = bot.api.push_callback(chat, data, message_id=message_id, user_id=user)
    await bot.feed()
    answers = [a for a in bot.api.callback_answers if a.callback_query_id == query]
    assert len(answers) == 1, "every press is answered, once"
    return answers[0].text


async def double_tap(
    bot: Running, chat: int, data: str, message_id: int, *, concurrently: bool = False, user: int | None = None
) -> list[Any]:
    """Two presses that both carry the message as it was; both are answered."""
    first, second = bot.api.double_tap(chat, data, message_id=message_id, user_id=user)
    await bot.feed(concurrently=concurrently)
    answers = [a for a in bot.api.callback_answers if a.callback_query_id in (first, second)]
    assert len(answers) == 2, "both presses are answered"
    return answers


def button_data(message: dict[str, Any] | None) -> list[str]:
    assert message is not None
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def refused(api: FakeBotAPI) -> list[str]:
    """Calls Telegram (the fake) refused: every accepted call leaves a trace there."""
    sends = sum(len(api.calls_to(m)) for m in ("sendMessage", "sendDocument", "sendPhoto"))
    edits = sum(len(api.calls_to(m)) for m in ("editMessageText", "editMessageReplyMarkup"))
    out = []
    if sends != len(api.sent(include_deleted=True)):
        out.append(f"{sends - len(api.sent(include_deleted=True))} sends refused")
    if edits != len(api.edits):
        out.append(f"{edits - len(api.edits)} edits refused")
    if len(api.calls_to("answerCallbackQuery")) != len(api.callback_answers):
        out.append("callback answers refused")
    return out


def assert_clean(bot: Running, *, allow_refused: bool = False) -> None:
    """Nothing reached the error handler; nobody saw an error; nothing refused (unless allowed)."""
    assert bot.errors == [], bot.errors
    errors = {t("da", "error"), t("en", "error")}
    shown = [m.get("text") for m in bot.api.sent(include_deleted=True) if m.get("text") in errors]
    assert shown == []
    assert not [m for m in bot.api.messages_to(STAFF) if "error" in m.lower()]
    if not allow_refused:
        assert refused(bot.api) == []


async def subscriber(bot: Running, chat: int) -> Subscriber:
    async with bot.deps.rt.db.sessions() as s:
        return (await s.scalars(select(Subscriber).where(Subscriber.chat_id == chat))).one()


async def advice_count(bot: Running) -> int:
    async with bot.deps.rt.db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(AdviceRequest)) or 0)


# ---------------------------------------------------------------- double taps


async def test_double_taps_change_once_and_the_keyboard_shows_what_is_saved(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        await tell(bot, 1, "/start")
        menu = api.last_message(1)
        assert menu is not None
        mid = menu["message_id"]
        assert await press(bot, 1, "m:cat", mid) is None
        edits = len(api.edits)
        answers = await double_tap(bot, 1, "c:it:1", mid)  # both presses carry "IT not chosen"
        assert (await subscriber(bot, 1)).categories == ["it"]
        shown = api.message(1, mid)
        assert "c:it:0" in button_data(shown)  # the keyboard shows what is saved: IT chosen
        labels = [b["text"] for row in shown["reply_markup"]["inline_keyboard"] for b in row]  # type: ignore[index]
        assert any(label.startswith("✅") and "IT" in label for label in labels)
        assert len(api.edits) == edits + 1  # one edit, not two
        assert sorted(a.text or "" for a in answers) == ["", t("da", "saved")]  # the repeat is quiet
        # the same twice at once (two presses processed concurrently): still once
        answers = await double_tap(bot, 1, "c:it:0", mid, concurrently=True)
        assert (await subscriber(bot, 1)).categories == []
        assert "c:it:1" in button_data(api.message(1, mid))
        assert not any(a.show_alert for a in answers)
        # a level, tapped twice: set once, one edit
        await press(bot, 1, "m:main", mid)
        await press(bot, 1, "m:lvl", mid)
        edits = len(api.edits)
        await double_tap(bot, 1, "s:lvl:suitable", mid)
        assert (await subscriber(bot, 1)).min_level == "suitable"
        assert len(api.edits) == edits + 1
        shown = api.message(1, mid)
        assert shown is not None and "Mindste vurdering: oplagt" in shown["text"]
        assert_clean(bot)


async def test_a_repeat_after_the_double_tap_window_edits_nothing_and_not_modified_is_no_error(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    """With the double-tap memory off, the second press reaches the handler with the pre-edit
    message: the bot edits, Telegram answers "message is not modified", and that is fine."""
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api, repeat_press_seconds=0.0), api, polling=False) as bot:
        await tell(bot, 2, "/start")
        mid = api.last_message(2)["message_id"]  # type: ignore[index]
        await press(bot, 2, "m:cat", mid)
        answers = await double_tap(bot, 2, "c:cleaning:1", mid)
        assert (await subscriber(bot, 2)).categories == ["cleaning"]
        assert "c:cleaning:0" in button_data(api.message(2, mid))
        assert sorted(a.text or "" for a in answers) == ["", t("da", "saved")]
        assert refused(api) == ["1 edits refused"]  # the second edit: "message is not modified"
        assert [c for c in api.calls_to("editMessageReplyMarkup")][-1].params["message_id"] == mid
        assert_clean(bot, allow_refused=True)


async def test_delete_all_tapped_twice_deletes_once_without_an_error(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        await tell(bot, 3, "/start")
        await tell(bot, 3, "/keywords rengøring")
        await tell(bot, 3, "/deletemydata")
        confirm = api.last_message(3)
        yes = next(d for d in button_data(confirm) if d.startswith("del:yes"))
        await double_tap(bot, 3, yes, confirm["message_id"])  # type: ignore[index]
        done = api.message(3, confirm["message_id"])  # type: ignore[index]
        assert done is not None and "er slettet" in done["text"] and not button_data(done)
        async with bot.deps.rt.db.sessions() as s:
            assert (await s.scalars(select(Subscriber).where(Subscriber.chat_id == 3))).first() is None
        assert len([m for m in api.messages_to(3) if "er slettet" in m]) == 1
        assert_clean(bot)


async def test_send_to_an_advisor_tapped_twice_opens_one_request(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        reply = await one(bot, 4, "Hvad koster en elefant på Mars?")
        assert "rådgiver" in reply or "medarbejder" in reply
        offer = api.last_message(4)
        posts = len(api.sent(STAFF))
        await double_tap(bot, 4, "adv:q", offer["message_id"], concurrently=True)  # type: ignore[index]
        assert await advice_count(bot) == 1
        assert len(api.sent(STAFF)) == posts + 1
        assert len([m for m in api.messages_to(4) if "sendt til en erhvervsrådgiver" in m]) == 1
        assert not button_data(api.message(4, offer["message_id"]))  # type: ignore[index]
        # the same question pressed from an old copy of the message, minutes later: still one
        bot.clock.advance(minutes=5)
        api.push_forged_callback(4, "adv:q", message_id=offer["message_id"])  # type: ignore[index]
        await bot.feed()
        assert await advice_count(bot) == 1
        assert_clean(bot)


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("lang", "typed", "saved", "shown"),
    [
        ("da", "500.000,50", Decimal("500000.50"), "500.000,50 DKK"),
        ("da", "1,5 mio.", Decimal(1_500_000), "1.500.000 DKK"),
        ("da", "kr. 500.000", Decimal(500_000), "500.000 DKK"),
        ("da", "2 mia.", Decimal(2_000_000_000), "2.000.000.000 DKK"),
        ("en", "1.5m", Decimal(1_500_000), "1,500,000 DKK"),
        ("en", "DKK 2,000,000", Decimal(2_000_000), "2,000,000 DKK"),
    ],
)
async def test_amounts_are_read_as_written_and_the_amount_read_is_shown(
    prepared_db: str, fake_bot_api: FakeBotAPI, lang: str, typed: str, saved: Decimal, shown: str
) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        await tell(bot, 5, "/start", lang=lang)
        reply = await one(bot, 5, f"/maxvalue {typed}", lang=lang)
        assert shown in reply and typed in reply  # the amount read, and what it was read from
        assert (await subscriber(bot, 5)).max_value_dkk == saved
        assert_clean(bot)


async def test_implausible_or_ambiguous_amounts_ask_again_and_save_nothing(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        await tell(bot, 6, "/start")
        await tell(bot, 6, "/maxvalue 2 mio")
        for typed, says in (
            ("0.5", "usandsynligt lidt"),
            ("1.5", "usandsynligt lidt"),
            ("1,5", "usandsynligt lidt"),
            ("99 mia", "over 10 mia"),
            ("1.500 mio", "kan læses som 1.500.000 DKK eller 1.500.000.000 DKK"),
            ("masser", "ikke et beløb"),
        ):
            assert says in await one(bot, 6, f"/maxvalue {typed}"), typed
            assert (await subscriber(bot, 6)).max_value_dkk == Decimal(2_000_000), typed
        # asked with buttons ("Vælg eller skriv et beløb"): a wrong answer is asked for again
        mid = (await tell(bot, 6, "/settings")) and api.last_message(6)["message_id"]  # type: ignore[index]
        await press(bot, 6, "m:val", mid)
        assert "usandsynligt lidt" in await one(bot, 6, "0,5")
        assert "300.000 DKK" in await one(bot, 6, "300000")
        assert (await subscriber(bot, 6)).max_value_dkk == Decimal(300_000)
        assert_clean(bot)


# ---------------------------------------------------------------- dialogue state


async def test_a_typed_answer_after_buttons_is_the_answer(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        await tell(bot, 7, "/start")
        mid = api.last_message(7)["message_id"]  # type: ignore[index]
        await press(bot, 7, "m:val", mid)
        assert "Vælg eller skriv et beløb" in api.message(7, mid)["text"]  # type: ignore[index]
        reply = await one(bot, 7, "300000")
        assert "Maks. værdi gemt: 300.000 DKK" in reply
        assert (await subscriber(bot, 7)).max_value_dkk == Decimal(300_000)
        # taken once: the next message is a question again
        assert "åbent" in (await one(bot, 7, "har I åbent nu?")).lower()
        # "Nøgleord": the next message is the keywords, whatever it looks like
        await press(bot, 7, "m:main", mid)
        await press(bot, 7, "m:kw", mid)
        assert "Nøgleord gemt: hvornår åbner i" in await one(bot, 7, "hvornår åbner I")
        assert_clean(bot)


async def test_a_restart_between_the_question_and_the_answer_loses_nothing(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    settings = settings_for(prepared_db, api)
    clock = Clock()
    async with running_bot(settings, api, polling=False, clock=clock) as bot:
        await tell(bot, 8, "/start")
        assert "Skriv dine nøgleord" in await one(bot, 8, "/keywords")
        assert "Skriv dit spørgsmål" in await one(bot, 9, "/raadgivning")
        assert_clean(bot)
    async with running_bot(settings, api, polling=False, clock=clock) as bot2:  # a new process
        assert "Nøgleord gemt: rengøring, kantine" in await one(bot2, 8, "rengøring, kantine")
        assert (await subscriber(bot2, 8)).keywords == ["rengøring", "kantine"]
        assert "sendt til en erhvervsrådgiver" in await one(bot2, 9, "Må vi byde sammen med en anden?")
        assert await advice_count(bot2) == 1
        assert_clean(bot2)


async def test_an_expired_question_leaves_the_next_message_a_new_question(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api, dialogue_minutes=30.0), api, polling=False) as bot:
        await tell(bot, 10, "/start")
        await tell(bot, 10, "/keywords")
        bot.clock.advance(minutes=31)
        reply = await one(bot, 10, "hvornår har I åbent på fredag?")
        assert "fredag" in reply.lower() and "Nøgleord" not in reply
        assert (await subscriber(bot, 10)).keywords == []
        # a command changes the subject: the question is forgotten
        await tell(bot, 10, "/keywords")
        await tell(bot, 10, "/hours")
        assert "fredag" in (await one(bot, 10, "hvornår har I åbent på fredag?")).lower()
        assert (await subscriber(bot, 10)).keywords == []
        # /cancel says so
        await tell(bot, 10, "/keywords")
        assert "venter ikke længere" in await one(bot, 10, "/cancel")
        assert "ikke noget at annullere" in await one(bot, 10, "/cancel")
        assert_clean(bot)


async def test_two_processes_share_questions_and_presses(pg_only_url: str, fake_bot_api: FakeBotAPI) -> None:
    """Two Applications on one PostgreSQL database: a question asked by one is answered
    through the other, and a double tap split between them acts once."""
    api = fake_bot_api
    settings = settings_for(pg_only_url, api)
    clock = Clock()
    async with (
        running_bot(settings, api, polling=False, clock=clock) as a,
        running_bot(settings, api, polling=False, clock=clock) as b,
    ):
        await tell(a, 11, "/start")
        mid = api.last_message(11)["message_id"]  # type: ignore[index]
        await press(a, 11, "m:val", mid)
        assert "300.000 DKK" in await one(b, 11, "300000")  # asked in a, answered in b
        assert (await subscriber(b, 11)).max_value_dkk == Decimal(300_000)
        # the advice offer tapped twice, one press in each process at the same time
        await tell(b, 11, "Hvad koster en elefant på Mars?")
        offer = api.last_message(11)
        first, second = api.double_tap(11, "adv:q", message_id=offer["message_id"])  # type: ignore[index]
        updates = await a.app.bot.get_updates(timeout=0)
        assert len(updates) == 2
        await asyncio.gather(a.app.process_update(updates[0]), b.app.process_update(updates[1]))
        await a.app.bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        assert {x.callback_query_id for x in api.callback_answers} >= {first, second}
        assert await advice_count(a) == 1
        assert len([m for m in api.messages_to(11) if "sendt til en erhvervsrådgiver" in m]) == 1
        assert_clean(a)
        assert_clean(b)


# ---------------------------------------------------------------- groups


def group(api: FakeBotAPI, chat: int = GROUP) -> None:
    api.add_chat_member(chat, ANNA, "creator", first_name="Anna")
    api.add_chat_member(chat, CARL, "administrator", first_name="Carl")
    api.add_chat_member(chat, BO, "member", first_name="Bo")
    api.set_chat_admins(chat, [ANNA, CARL], title="Grøn Rengøring ApS")


async def test_in_a_group_anyone_reads_and_asks_but_only_administrators_change(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    group(api)
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        # a member cannot subscribe the group; the refusal says who can
        refusal = await one(bot, GROUP, "/start", user=BO)
        assert "administratorer" in refusal and "Anna" in refusal and "Carl" in refusal
        async with bot.deps.rt.db.sessions() as s:
            assert (await s.scalars(select(Subscriber).where(Subscriber.chat_id == GROUP))).first() is None
        assert "Hej Anna" in await one(bot, GROUP, "/start", user=ANNA)
        menu = api.last_message(GROUP)
        assert "Velkommen tilbage, Bo" in await one(bot, GROUP, "/start", user=BO)  # nothing changed
        assert "kun gruppens administratorer" in (await one(bot, GROUP, "/start c_it", user=BO)).lower()
        # a member: may read and ask, may not change or end the subscription or delete its data
        for command in ("/stop", "/pause", "/deletemydata", "/keywords kantine", "/maxvalue 2 mio", "/level alle"):
            reply = await one(bot, GROUP, command, user=BO)
            assert "kun gruppens administratorer" in reply.lower() and "Anna" in reply, command
        sub = await subscriber(bot, GROUP)
        assert (sub.status, sub.keywords, sub.max_value_dkk, sub.min_level) == ("active", [], None, "possible")
        assert "Dine indstillinger" in await one(bot, GROUP, "/settings", user=BO)
        await press(bot, GROUP, "m:cat", menu["message_id"], user=BO)  # looking is fine  # type: ignore[index]
        alert = await press(bot, GROUP, "c:it:1", menu["message_id"], user=BO)  # type: ignore[index]
        assert alert is not None and "Anna" in alert and api.callback_answers[-1].show_alert
        assert (await subscriber(bot, GROUP)).categories == []
        # asking: a reply to the bot, or a mention; the members' own talk is left alone
        assert await tell(bot, GROUP, "hej alle, frokost kl. 12?", user=BO) == []
        reply = await one(bot, GROUP, "@udbudsbot_test_bot hvornår har I åbent på fredag?", user=BO)
        assert "fredag" in reply.lower()
        answer = api.last_message(GROUP)
        reply = await one(bot, GROUP, "og telefontid?", user=BO, reply_to_message_id=answer["message_id"])  # type: ignore[index]
        assert "telefon" in reply.lower()
        # administrators may: Carl by his own name, Anna posting anonymously as the group
        assert "Nøgleord gemt: kantine" in await one(bot, GROUP, "/keywords kantine", user=CARL)
        assert await press(bot, GROUP, "c:it:1", menu["message_id"], user=CARL) == t("da", "saved")  # type: ignore[index]
        assert (await subscriber(bot, GROUP)).categories == ["it"]
        assert "c:it:0" in button_data(api.message(GROUP, menu["message_id"]))  # type: ignore[index]
        assert "pause" in (await one(bot, GROUP, "/pause", user=ANNA, anonymous_admin=True)).lower()
        assert (await subscriber(bot, GROUP)).status == "paused"
        # Telegram was asked once for the administrators: remembered briefly
        assert len(api.calls_to("getChatAdministrators")) == 1
        bot.clock.advance(seconds=bot.deps.settings.telegram.admin_cache_seconds + 1)
        api.set_chat_admins(GROUP, [ANNA])  # Carl is no administrator any more
        assert "Anna" in await one(bot, GROUP, "/resume", user=CARL)
        assert (await subscriber(bot, GROUP)).status == "paused"
        assert len(api.calls_to("getChatAdministrators")) == 2
        assert_clean(bot)


async def test_a_group_upgraded_to_a_supergroup_keeps_its_subscription(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    group(api)
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        await tell(bot, GROUP, "/start", user=ANNA)
        await tell(bot, GROUP, "/keywords rengøring, kantine", user=ANNA)
        await tell(bot, GROUP, "/keywords", user=ANNA)  # a question is waiting for Anna's answer
        old = await subscriber(bot, GROUP)
        new_id = api.migrate_group(GROUP, user_id=ANNA)
        assert await bot.feed() == 2  # both service messages; either moves it, the other finds nothing
        async with bot.deps.rt.db.sessions() as s:
            assert (await s.scalars(select(Subscriber).where(Subscriber.chat_id == GROUP))).first() is None
            waiting = (await s.scalars(select(Dialogue).where(Dialogue.chat_id == new_id))).all()
        moved = await subscriber(bot, new_id)
        assert (moved.id, moved.keywords, moved.status) == (old.id, ["rengøring", "kantine"], "active")
        assert [w.kind for w in waiting] == ["keywords"]
        assert "Nøgleord gemt: vinduespudsning" in await one(bot, new_id, "vinduespudsning", user=ANNA)
        assert "kun gruppens administratorer" in (await one(bot, new_id, "/stop", user=BO)).lower()
        assert "Dine indstillinger" in await one(bot, new_id, "/settings", user=BO)
        assert_clean(bot)


# ---------------------------------------------------------------- not text, edits, channels


async def test_captions_are_read_and_other_messages_get_a_short_reply(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        api.push_media(12, "photo", caption="hvornår åbner I på fredag?")
        await bot.feed()
        assert "fredag" in (api.last_text(12) or "").lower()
        api.push_media(12, "document", caption="Hvad er jeres telefonnummer?")
        await bot.feed()
        assert "+45 00 00 00 00" in (api.last_text(12) or "")
        for kind in ("sticker", "voice", "location", "contact", "photo", "video_note"):
            before = len(api.sent(12))
            api.push_media(12, kind)
            await bot.feed()
            assert api.messages_to(12)[before:] == [t("da", "not_text")], kind
        before = len(api.sent(13))
        api.push_media(13, "sticker", language_code="en")
        await bot.feed()
        assert api.messages_to(13)[before:] == [t("en", "not_text")]
        # a question was asked: a sticker does not answer it, the typed answer does
        await tell(bot, 12, "/start")
        await tell(bot, 12, "/keywords")
        api.push_media(12, "sticker")
        await bot.feed()
        assert "Nøgleord gemt: rengøring" in await one(bot, 12, "rengøring")
        # a photo's caption answers it too
        await tell(bot, 12, "/raadgivning")
        api.push_media(12, "photo", caption="Kan vi bruge dette billede i tilbuddet?")
        await bot.feed()
        assert "sendt til en erhvervsrådgiver" in (api.last_text(12) or "")
        # in a group, media and talk not meant for the bot get nothing
        group(api)
        api.push_media(GROUP, "sticker", user_id=BO)
        api.push_media(GROUP, "photo", caption="se vores nye bil", user_id=BO)
        await bot.feed()
        assert api.sent(GROUP) == []
        assert_clean(bot)


async def test_edits_and_channel_posts_are_not_acted_on(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        await tell(bot, 14, "/start")
        command = api.push_message(14, "/keywords rengøring")
        await bot.feed()
        before = len(api.sent(14))
        api.push_edit(14, command["message_id"], "/keywords kantine")
        question = api.push_message(14, "Hvad koster en elefant?")
        await bot.feed()
        assert len(api.sent(14)) == before + 1  # the question's answer; nothing for the edit
        api.push_edit(14, question["message_id"], "Hvad koster en giraf?")
        await bot.feed()
        assert len(api.sent(14)) == before + 1
        assert (await subscriber(bot, 14)).keywords == ["rengøring"]
        assert await advice_count(bot) == 0
        channel = -1_001_800_000_099
        for text in ("/start", "/help", "hej", "/deletemydata", "Hvad er jeres telefonnummer?"):
            api.push_channel_post(channel, text)
        await bot.feed()
        assert api.sent(channel) == []
        async with bot.deps.rt.db.sessions() as s:
            assert (await s.scalars(select(Subscriber).where(Subscriber.chat_id == channel))).first() is None
        assert_clean(bot)


# ---------------------------------------------------------------- small talk, contact, language


async def test_small_talk_contact_details_and_the_chosen_language(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        for said, wanted in (
            ("Hej", "Hej! 👋"),
            ("Tak!", "Selv tak"),
            ("👍", "👍"),
            ("🙏", "Selv tak"),
            ("ok", "👍"),
            ("godmorgen", "Godmorgen!"),
        ):
            reply = await one(bot, 15, said)
            assert reply.startswith(wanted), (said, reply)
            assert not button_data(api.last_message(15)), said  # no "send it to staff?" offer
        assert "+45 00 00 00 00" in await one(bot, 15, "Hvad er jeres telefonnummer?")
        assert "+45 00 00 00 00" in await one(bot, 15, "hvad er jeres nummer")
        assert "Roskilde" in await one(bot, 15, "Hvor ligger I?")
        assert "erhverv@example.invalid" in await one(bot, 15, "e-mail")
        english = await one(bot, 16, "What's your phone number?", lang="en")
        assert english.startswith("You can call us on +45 00 00 00 00") and "phone lines" not in english
        assert "Roskilde" in await one(bot, 16, "where are you?", lang="en")
        assert "Telefontider" in await one(bot, 15, "hvornår kan jeg ringe?")  # an hours question still
        # the chosen language, whatever the question's: the fallback too
        await tell(bot, 17, "/start")
        await tell(bot, 17, "/language en")
        fallback = await one(bot, 17, "Hvad koster en elefant på Mars?")
        assert fallback.startswith("Sorry, I can't answer that here") and "Phone +45 00 00 00 00" in fallback
        assert button_data(api.last_message(17)) == ["adv:q"]
        assert api.last_message(17)["reply_markup"]["inline_keyboard"][0][0]["text"] == t("en", "adv_offer_button")  # type: ignore[index]
        assert (await one(bot, 17, "hej")).startswith("Hi!")
        assert "call us" in await one(bot, 17, "hvad er jeres telefonnummer?")
        assert "Monday" in await one(bot, 17, "hvornår har I åbent på mandag?")
        assert_clean(bot)


# ---------------------------------------------------------------- escaping


async def test_text_is_cut_before_it_is_escaped(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    """An answer full of & < > longer than a message: cut to fit, then escaped, so no entity is
    cut in half (the fake parses the HTML as Telegram does and refuses a broken one)."""
    api = fake_bot_api
    async with running_bot(settings_for(prepared_db, api), api, polling=False) as bot:
        long = "R&D <b> & \"x\" > y " * 400  # 7,600 characters, every one of them escaped or not
        entry = FaqEntry(
            id="long",
            title_da="Langt svar",
            title_en="Long answer",
            keywords_da=("elefantregler",),
            keywords_en=("elephant rules",),
            answer_da=long,
            answer_en=long,
        )
        bot.deps.kb = KnowledgeBase((entry,))
        await tell(bot, 18, "/help")
        await press(bot, 18, "faq:long", api.last_message(18)["message_id"])  # type: ignore[index]
        shown = api.last_text(18) or ""
        assert len(shown) == 4096 and shown.endswith("…") and shown.startswith("R&D <b> & \"x\" > y")
        reply = await one(bot, 18, "elefantregler")
        assert len(reply) == 4096 and reply.startswith("R&D <b>")
        assert_clean(bot)


async def test_the_broadcast_dialogue_survives_a_restart(prepared_db: str, fake_bot_api: FakeBotAPI) -> None:
    """The draft is a row and the typed steps are dialogue state: a restart in the middle of
    composing a broadcast loses nothing, and /cancel cancels the draft."""
    from jobs.models import Broadcast
    from tests.staffkit import ADMIN, staff_settings

    api = fake_bot_api
    settings = staff_settings(prepared_db, api)
    clock = Clock()
    async with running_bot(settings, api, polling=False, clock=clock) as bot:
        assert "Skriv beskeden" in await one(bot, ADMIN, "/broadcast")
    async with running_bot(settings, api, polling=False, clock=clock) as bot2:
        screen = await one(bot2, ADMIN, "Temadag på torsdag")
        assert "Hvem skal have beskeden?" in screen
        nxt = next(d for d in button_data(api.last_message(ADMIN)) if d.endswith(":next"))
        await press(bot2, ADMIN, nxt, api.last_message(ADMIN)["message_id"])  # type: ignore[index]
        assert "Hvornår" in (api.last_text(ADMIN) or "")
    async with running_bot(settings, api, polling=False, clock=clock) as bot3:
        assert "forstår jeg ikke" in await one(bot3, ADMIN, "i forgårs")  # not understood: asked again
        said = await tell(bot3, ADMIN, "i morgen kl. 9")
        assert said[0] == "Temadag på torsdag" and "Sendes: 29. november 2026 kl. 09.00" in said[1]
        # a second one, stopped half way with /cancel: its draft is cancelled, nothing sent
        await tell(bot3, ADMIN, "/broadcast")
        await tell(bot3, ADMIN, "Forkert tekst")
        nxt = next(d for d in button_data(api.last_message(ADMIN)) if d.endswith(":next"))
        await press(bot3, ADMIN, nxt, api.last_message(ADMIN)["message_id"])  # type: ignore[index]
        assert "Intet er sendt" in await one(bot3, ADMIN, "/cancel")
        async with bot3.deps.rt.db.sessions() as s:
            statuses = sorted((await s.scalars(select(Broadcast.status))).all())
        assert statuses == ["cancelled", "draft"]  # the first waits for Send
        assert_clean(bot3)
