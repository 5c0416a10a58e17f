"""The fake Bot API server, exercised through a real python-telegram-bot Application over HTTP.

These tests pin down what the bot's end-to-end tests rely on: PTB sees the fake's answers as
it would see Telegram's (the same exception types, the same stored messages).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakebotapi import DEFAULT_TOKEN, FakeBotAPI, parse_html

CHAT = 4242


def build_app(api: FakeBotAPI, token: str = DEFAULT_TOKEN) -> Application[Any, Any, Any, Any, Any, Any]:
    return ApplicationBuilder().token(token).base_url(api.base_url).base_file_url(api.base_file_url).build()


@pytest.fixture
async def app(fake_bot_api: FakeBotAPI) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """An initialized Application (getMe done) that does not poll: for direct Bot calls."""
    application = build_app(fake_bot_api)
    await application.initialize()
    try:
        yield application
    finally:
        await application.shutdown()


async def start_polling(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    await application.start()


async def stop_polling(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    assert application.updater is not None
    if application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()


async def test_initialize_gets_the_bot_identity_with_get_me(fake_bot_api: FakeBotAPI) -> None:
    application = build_app(fake_bot_api)
    await application.initialize()
    try:
        assert application.bot.id == 123456789
        assert application.bot.username == "udbudsbot_test_bot"
        assert [c.method for c in fake_bot_api.calls] == ["getMe"]
    finally:
        await application.shutdown()


async def test_a_wrong_token_is_unauthorized(fake_bot_api: FakeBotAPI) -> None:
    application = build_app(fake_bot_api, token="999:not-the-token")
    with pytest.raises(InvalidToken):
        await application.initialize()
    await application.bot.shutdown()  # a failed initialize leaves its HTTP clients open


async def test_start_command_reaches_the_handler_and_the_reply_is_recorded(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    seen_args: list[list[str]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        seen_args.append(list(context.args or []))
        await update.effective_message.reply_text(
            f"Hej <b>{update.effective_user.first_name}</b> &amp; velkommen", parse_mode=ParseMode.HTML
        )

    app.add_handler(CommandHandler("start", start))
    await start_polling(app)
    try:
        pushed = fake_bot_api.push_message(CHAT, "/start", first_name="Ane")
        fake_bot_api.push_message(CHAT, "/start@udbudsbot_test_bot tilbud", first_name="Ane")
        fake_bot_api.push_message(CHAT, "/stop", first_name="Ane")  # no handler: no reply
        sent = await fake_bot_api.wait_for_sent(CHAT, 2)
        await fake_bot_api.wait_for(lambda: fake_bot_api.pending_update_count == 0)
    finally:
        await stop_polling(app)

    assert seen_args == [[], ["tilbud"]]
    assert [m["text"] for m in sent] == ["Hej Ane & velkommen", "Hej Ane & velkommen"]
    assert sent[0]["chat"] == {"id": CHAT, "type": "private", "first_name": "Ane"}
    assert sent[0]["from"]["id"] == 123456789
    assert sent[0]["entities"] == [{"offset": 4, "length": 3, "type": "bold"}]
    # Message ids count per chat over both sides: the user's /start was 1, the reply 2 or later.
    assert pushed["message_id"] == 1 and sent[0]["message_id"] > 1
    assert fake_bot_api.last_html(CHAT) == "Hej <b>Ane</b> &amp; velkommen"
    assert fake_bot_api.sent(CHAT + 1) == []
    # PTB's clean stop abandons its long poll and confirms with one more getUpdates: no conflict.
    assert fake_bot_api.conflicts == 0


async def test_html_markup_is_validated_like_telegram(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    bot = app.bot
    with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "script" at byte offset 6'):
        await bot.send_message(CHAT, "Hello <script>alert(1)</script>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)can't find end tag corresponding to start tag b"):
        await bot.send_message(CHAT, "<b>Frist: i morgen", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(CHAT, "Pris < 500.000 kr", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(CHAT, "Rengøring & vinduespudsning", parse_mode=ParseMode.HTML)
    assert fake_bot_api.sent(CHAT) == []

    message = await bot.send_message(CHAT, '<b>x</b> &amp; <a href="https://x">y</a>', parse_mode=ParseMode.HTML)
    assert message.text == "x & y"
    assert message.text_html == '<b>x</b> &amp; <a href="https://x">y</a>'
    assert fake_bot_api.last_text(CHAT) == "x & y"
    # Without a parse mode the same characters are just text.
    plain = await bot.send_message(CHAT, "Pris < 500.000 kr & moms")
    assert plain.text == "Pris < 500.000 kr & moms"


async def test_text_length_is_counted_after_entity_parsing(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    bot = app.bot
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(CHAT, "ø" * 4097)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(CHAT, "")
    longest = await bot.send_message(CHAT, "ø" * 4096)
    assert longest.text == "ø" * 4096
    # Tags and references do not count: 4096 characters of text in 4096*5+7 characters of HTML.
    marked_up = await bot.send_message(CHAT, "<b>" + "&amp;" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert marked_up.text == "&" * 4096
    assert len(fake_bot_api.sent(CHAT)) == 2


async def test_429_surfaces_as_retry_after_with_the_given_delay(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    fake_bot_api.fail("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(CHAT, "udbud")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    await app.bot.send_message(CHAT, "udbud")  # only the next call was refused
    assert fake_bot_api.messages_to(CHAT) == ["udbud"]


async def test_a_blocked_user_gives_forbidden_until_unblocked(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    fake_bot_api.block(CHAT)
    for _ in range(2):
        with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
            await app.bot.send_message(CHAT, "udbud")
    await app.bot.send_message(CHAT + 1, "til en anden")
    fake_bot_api.unblock(CHAT)
    await app.bot.send_message(CHAT, "igen")
    assert fake_bot_api.messages_to(CHAT) == ["igen"]
    assert fake_bot_api.messages_to(CHAT + 1) == ["til en anden"]


async def test_chat_not_found_is_a_bad_request_for_that_chat_only(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    fake_bot_api.fail("sendMessage", status=400, description="Bad Request: chat not found", chat_id=CHAT, times=None)
    await app.bot.send_message(CHAT + 1, "ok")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await app.bot.send_message(CHAT, "udbud")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await app.bot.send_message(CHAT, "udbud")
    fake_bot_api.clear_faults()
    await app.bot.send_message(CHAT, "udbud")
    assert fake_bot_api.messages_to(CHAT) == ["udbud"]


@pytest.mark.parametrize(
    ("status", "body"),
    [(502, None), (502, "<html><body>502 Bad Gateway</body></html>"), (500, None)],
)
async def test_server_errors_surface_as_network_errors(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any], status: int, body: str | None
) -> None:
    fake_bot_api.fail("sendMessage", status=status, body=body)
    with pytest.raises(NetworkError) as caught:
        await app.bot.send_message(CHAT, "udbud")
    # BadRequest and Forbidden are NetworkError subclasses in PTB; a 5xx must be neither.
    assert type(caught.value) is NetworkError
    assert fake_bot_api.sent(CHAT) == []


async def test_a_connection_reset_surfaces_as_network_error(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    fake_bot_api.reset_connections("sendMessage")
    with pytest.raises(NetworkError, match="(?i)httpx"):
        await app.bot.send_message(CHAT, "lost before")
    assert fake_bot_api.sent(CHAT) == []

    # The answer lost after the message was delivered: the bot saw an error, the user a message.
    fake_bot_api.reset_connections("sendMessage", after_processing=True)
    with pytest.raises(NetworkError, match="(?i)httpx"):
        await app.bot.send_message(CHAT, "delivered, answer lost")
    assert fake_bot_api.messages_to(CHAT) == ["delivered, answer lost"]
    assert fake_bot_api.connection_resets == 2

    await app.bot.send_message(CHAT, "back to normal")
    assert fake_bot_api.messages_to(CHAT)[-1] == "back to normal"


async def test_a_button_press_reaches_the_callback_handler_with_the_bot_message(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    seen: list[tuple[str | None, str | None]] = []

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        seen.append((query.data, getattr(query.message, "text", None)))
        await query.answer("Gemt")
        await query.edit_message_reply_markup(None)

    app.add_handler(CallbackQueryHandler(pressed))
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Relevant", callback_data="fb:1:yes")],
            [InlineKeyboardButton("Ikke", callback_data="fb:1:no")],
        ]
    )
    notice = await app.bot.send_message(
        CHAT, "<b>Rengøring af skoler</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )
    stored_before = fake_bot_api.last_message(CHAT)
    assert stored_before is not None and stored_before["reply_markup"] == keyboard.to_dict()

    await start_polling(app)
    try:
        query_id = fake_bot_api.push_callback(CHAT, "fb:1:yes", message_id=notice.message_id)
        await fake_bot_api.wait_for(lambda: fake_bot_api.edits)
    finally:
        await stop_polling(app)

    assert seen == [("fb:1:yes", "Rengøring af skoler")]
    [answer] = fake_bot_api.callback_answers
    assert (answer.callback_query_id, answer.text, answer.message_id) == (query_id, "Gemt", notice.message_id)
    [edit] = fake_bot_api.edits
    assert (edit.method, edit.message_id, edit.reply_markup) == ("editMessageReplyMarkup", notice.message_id, None)
    stored = fake_bot_api.message(CHAT, notice.message_id)
    assert stored is not None and "reply_markup" not in stored and "edit_date" in stored


async def test_edits_and_buttons_are_checked_like_telegram(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    bot = app.bot
    message = await bot.send_message(CHAT, "Frist 1. maj")
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("Frist 2. maj", chat_id=CHAT, message_id=message.message_id + 10)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("Frist 1. maj", chat_id=CHAT, message_id=message.message_id)
    edited = await bot.edit_message_text(
        "Frist <b>2. maj</b>", chat_id=CHAT, message_id=message.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, type(message)) and edited.text == "Frist 2. maj" and edited.edit_date is not None
    assert fake_bot_api.messages_to(CHAT) == ["Frist 2. maj"]

    too_long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(CHAT, "knapper", reply_markup=too_long_data)

    reply = await bot.send_message(CHAT, "Ændret frist", reply_to_message_id=message.message_id)
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "Frist 2. maj"


async def test_commands_are_stored_per_language(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    bot = app.bot
    await bot.set_my_commands([("start", "Kom i gang"), ("stop", "Afmeld")], language_code="da")
    await bot.set_my_commands([("start", "Get started"), ("stop", "Unsubscribe")], language_code="en")
    await bot.set_my_commands([("start", "Kom i gang")])
    assert fake_bot_api.commands == {
        "da": [{"command": "start", "description": "Kom i gang"}, {"command": "stop", "description": "Afmeld"}],
        "en": [{"command": "start", "description": "Get started"}, {"command": "stop", "description": "Unsubscribe"}],
        "": [{"command": "start", "description": "Kom i gang"}],
    }
    english = await bot.get_my_commands(language_code="en")
    assert [(c.command, c.description) for c in english] == [("start", "Get started"), ("stop", "Unsubscribe")]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([("Start-Now", "x")])


async def test_flood_limit_answers_429_when_the_bot_sends_too_fast(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    fake_bot_api.flood_limit(per_second_global=None, per_chat_per_second=2)
    await app.bot.send_message(CHAT, "1")
    await app.bot.send_message(CHAT, "2")
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(CHAT, "3")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    await app.bot.send_message(CHAT + 1, "another chat is not limited")

    fake_bot_api.flood_limit(per_second_global=3, per_chat_per_second=None)
    for chat in range(3):
        await app.bot.send_message(chat + 1, "x")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(99, "x")
    assert fake_bot_api.flood_429s == 2
    assert [e.scope for e in fake_bot_api.flood_events] == ["chat", "global"]


async def test_send_document_stores_the_uploaded_bytes(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    payload = b"cvr;navn\r\n--boundary-like--\r\n\x00\xff\xfe" + bytes(range(256))
    message = await app.bot.send_document(
        CHAT, payload, filename="udbud.csv", caption="<b>Liste</b> over udbud", parse_mode=ParseMode.HTML
    )
    assert message.document is not None and message.document.file_name == "udbud.csv"
    assert message.caption == "Liste over udbud"
    [document] = fake_bot_api.documents
    assert (document.chat_id, document.filename, document.data) == (CHAT, "udbud.csv", payload)
    with pytest.raises(BadRequest, match="(?i)message caption is too long"):
        await app.bot.send_document(CHAT, b"x", filename="a.txt", caption="c" * 1025)


async def test_get_updates_long_polls_until_an_update_arrives(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, fake_bot_api.push_message, CHAT, "hej")
    started = time.monotonic()
    updates = await app.bot.get_updates(timeout=5)
    assert 0.15 < time.monotonic() - started < 3
    assert [u.message.text for u in updates if u.message] == ["hej"]
    # Not confirmed yet: asked again without an offset, Telegram returns it again.
    assert len(await app.bot.get_updates(timeout=0)) == 1
    assert await app.bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert fake_bot_api.pending_update_count == 0


async def test_a_newer_long_poll_terminates_the_older_one_with_409(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    # As on Telegram, when a second instance polls (a restarted bot), the first gets a Conflict.
    older = asyncio.create_task(app.bot.get_updates(timeout=5))
    await fake_bot_api.wait_for(lambda: fake_bot_api.calls_to("getUpdates"))
    async with httpx.AsyncClient() as client:
        newer = await client.post(f"{fake_bot_api.base_url}{DEFAULT_TOKEN}/getUpdates", data={"timeout": "0"})
    assert newer.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match="(?i)terminated by other getUpdates request"):
        await older
    assert fake_bot_api.conflicts == 1


async def test_unknown_paths_and_methods_answer_like_telegram(fake_bot_api: FakeBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{fake_bot_api.base_url}{DEFAULT_TOKEN}/sendCarrierPigeon")
        wrong_token = await client.post(f"{fake_bot_api.base_url}1:x/getMe")
        json_body = await client.post(
            f"{fake_bot_api.base_url}{DEFAULT_TOKEN}/sendMessage", json={"chat_id": CHAT, "text": "json"}
        )
    assert unknown.status_code == 404 and unknown.json()["description"] == "Not Found: method not found"
    assert wrong_token.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert json_body.json()["result"]["text"] == "json"


def test_parse_html_offsets_are_utf16_like_telegram() -> None:
    text, entities = parse_html('Æ 😀 <i>x</i> <pre><code class="language-python">1</code></pre>')
    assert text == "Æ 😀 x 1"
    assert entities == [
        {"offset": 5, "length": 1, "type": "italic"},
        {"offset": 7, "length": 1, "type": "pre", "language": "python"},
    ]


async def test_the_exact_not_modified_text_and_a_keyboard_edit_that_changes_nothing(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("✅ IT", callback_data="c:it:0")]])
    message = await app.bot.send_message(CHAT, "Kategorier", reply_markup=keyboard)
    with pytest.raises(BadRequest) as exc:
        await app.bot.edit_message_reply_markup(chat_id=CHAT, message_id=message.message_id, reply_markup=keyboard)
    assert exc.value.message == (
        "Message is not modified: specified new message content and reply markup are exactly the same as a "
        "current content and reply markup of the message"
    )  # PTB drops "Bad Request: " and capitalises
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await app.bot.edit_message_text(
            "Kategorier", chat_id=CHAT, message_id=message.message_id, reply_markup=keyboard
        )
    assert fake_bot_api.edits == []


async def test_a_press_carries_the_message_as_shown_and_a_double_tap_twice_the_same(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    api = fake_bot_api
    off = InlineKeyboardMarkup([[InlineKeyboardButton("IT", callback_data="c:it:1")]])
    message = await app.bot.send_message(CHAT, "Kategorier", reply_markup=off)
    with pytest.raises(KeyError, match="no button 'c:it:0'"):  # a client shows only the buttons there are
        api.push_callback(CHAT, "c:it:0", message_id=message.message_id)
    first, second = api.double_tap(CHAT, "c:it:1", message_id=message.message_id)
    # the bot edits after the first press ... the second still carries what the user saw
    on = InlineKeyboardMarkup([[InlineKeyboardButton("✅ IT", callback_data="c:it:0")]])
    await app.bot.edit_message_reply_markup(chat_id=CHAT, message_id=message.message_id, reply_markup=on)
    updates = await app.bot.get_updates(timeout=0)
    assert [u.callback_query.id for u in updates] == [first, second]  # type: ignore[union-attr]
    assert {u.callback_query.message.reply_markup.to_dict()["inline_keyboard"][0][0]["callback_data"]  # type: ignore[union-attr]
            for u in updates} == {"c:it:1"}  # fmt: skip
    assert [u.callback_query.message.edit_date for u in updates] == [None, None]  # type: ignore[union-attr]
    # a press now carries the edited message
    third = api.push_callback(CHAT, "c:it:0", message_id=message.message_id)
    later = await app.bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert later[0].callback_query.id == third and later[0].callback_query.message.edit_date is not None  # type: ignore[union-attr]
    # forged data is still possible, for the tests that need a modified client
    api.push_forged_callback(CHAT, "c:rumfart:1", message_id=message.message_id)


async def test_group_administrators_members_and_an_anonymous_admin(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    api = fake_bot_api
    group = -4_100_000_001
    api.add_chat_member(group, 11, "creator", first_name="Anna")
    api.add_chat_member(group, 12, "member", first_name="Bo")
    api.set_chat_admins(group, [11, 13], title="Rengøring ApS")
    admins = await app.bot.get_chat_administrators(group)
    assert [(m.user.id, m.status) for m in admins] == [(11, "creator"), (13, "administrator")]
    assert admins[0].user.first_name == "Anna"
    assert (await app.bot.get_chat_member(group, 12)).status == "member"
    assert (await app.bot.get_chat_member(group, 99)).status == "left"
    with pytest.raises(BadRequest, match="(?i)no administrators in the private chat"):
        await app.bot.get_chat_administrators(CHAT)
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await app.bot.get_chat_administrators(-999)
    posted = api.push_message(group, "/pause", user_id=11, anonymous_admin=True)
    assert posted["from"]["username"] == "GroupAnonymousBot" and posted["sender_chat"]["id"] == group
    assert posted["chat"] == {"id": group, "type": "group", "title": "Rengøring ApS"}
    with pytest.raises(ValueError, match="no administrator"):
        api.push_message(group, "/pause", user_id=12, anonymous_admin=True)


async def test_a_group_upgraded_to_a_supergroup(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    from telegram.error import ChatMigrated

    api = fake_bot_api
    group = -4_100_000_002
    api.add_chat_member(group, 11, "creator", first_name="Anna")
    new = api.migrate_group(group)
    assert new == -1_004_100_000_002
    updates = await app.bot.get_updates(timeout=0)
    assert [u.message.migrate_to_chat_id for u in updates] == [new, None]  # type: ignore[union-attr]
    assert updates[1].message.migrate_from_chat_id == group and updates[1].message.chat.type == "supergroup"  # type: ignore[union-attr]
    with pytest.raises(ChatMigrated) as exc:
        await app.bot.send_message(group, "hej")
    assert exc.value.new_chat_id == new
    await app.bot.send_message(new, "hej")
    assert (await app.bot.get_chat_member(new, 11)).status == "creator"
    with pytest.raises(KeyError, match="upgraded"):
        api.push_message(group, "hej", user_id=11)


async def test_media_captions_edits_and_channel_posts(
    fake_bot_api: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    api = fake_bot_api
    photo = api.push_media(CHAT, "photo", caption="hvornår åbner I?")
    api.push_media(CHAT, "sticker")
    api.push_media(CHAT, "location")
    text = api.push_message(CHAT, "/keywords rengøring")
    api.push_edit(CHAT, text["message_id"], "/keywords kantine")
    api.push_channel_post(-1_001_800_000_099, "/start")
    with pytest.raises(ValueError, match="has no caption"):
        api.push_media(CHAT, "sticker", caption="x")
    with pytest.raises(KeyError):
        api.push_edit(CHAT, 10_000, "x")
    updates = await app.bot.get_updates(timeout=0)
    assert updates[0].message.caption == "hvornår åbner I?" and updates[0].message.photo  # type: ignore[union-attr]
    assert updates[0].message.message_id == photo["message_id"]  # type: ignore[union-attr]
    assert updates[1].message.sticker is not None and updates[2].message.location is not None  # type: ignore[union-attr]
    assert updates[4].edited_message.text == "/keywords kantine" and updates[4].edited_message.edit_date  # type: ignore[union-attr]
    assert updates[5].channel_post.text == "/start" and updates[5].channel_post.from_user is None  # type: ignore[union-attr]
