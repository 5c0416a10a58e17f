"""The bot's Bot API client (bot/request.py): PTB's ``Bot`` over aiohttp against the fake Bot
API on loopback, as the Application uses it. What PTB itself does with the answers (results,
``BadRequest``, ``RetryAfter``) is PTB's; here: that calls arrive as PTB's own client sends
them, and that network failures and timeouts become PTB's ``NetworkError`` and ``TimedOut``."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.request import AiohttpRequest, env_proxy
from tests.fakebotapi import FakeBotAPI


def bot_for(api: FakeBotAPI, request: AiohttpRequest | None = None) -> Bot:
    return Bot(api.token, base_url=api.base_url, request=request or AiohttpRequest())


async def test_a_message_with_a_keyboard_arrives_as_sent(fake_bot_api: FakeBotAPI) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja æøå", callback_data="c:yes")]])
    async with bot_for(fake_bot_api) as bot:
        sent = await bot.send_message(42, "<b>Hej</b> &amp; velkommen", parse_mode="HTML", reply_markup=keyboard)
    stored = fake_bot_api.last_message(42)
    assert stored is not None and stored["text"] == "Hej & velkommen"
    assert stored["reply_markup"]["inline_keyboard"][0][0] == {"text": "Ja æøå", "callback_data": "c:yes"}
    assert sent.message_id == stored["message_id"] and sent.reply_markup == keyboard


async def test_an_upload_arrives_whole(fake_bot_api: FakeBotAPI) -> None:
    blob = bytes(range(256)) * 40
    async with bot_for(fake_bot_api) as bot:
        await bot.send_document(42, InputFile(blob, filename="data.json"), caption="Dine data")
    [doc] = fake_bot_api.documents
    assert doc.data == blob and doc.filename == "data.json" and doc.caption == "Dine data"


async def test_telegram_refusals_reach_ptb(fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.fail("sendMessage", status=400, description="Bad Request: chat not found")
    async with bot_for(fake_bot_api) as bot:
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(42, "x")
        fake_bot_api.fail("sendMessage", status=429, retry_after=7)
        with pytest.raises(RetryAfter) as waited:
            await bot.send_message(42, "y")
    assert waited.value.retry_after.total_seconds() == 7


async def test_a_reset_connection_is_a_network_error(fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.reset_connections("sendMessage")
    async with bot_for(fake_bot_api) as bot:
        with pytest.raises(NetworkError, match=r"^aiohttp\."):
            await bot.send_message(42, "x")
        await bot.send_message(42, "again")  # the next call gets a new connection
    assert fake_bot_api.messages_to(42) == ["again"]


async def test_a_slow_answer_is_a_timeout(fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.delay("sendMessage", 2.0)
    async with bot_for(fake_bot_api, AiohttpRequest(read_timeout=0.3)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(42, "x")


async def test_nobody_listening_is_a_network_error_and_leaves_no_session_open() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    request = AiohttpRequest()
    bot = Bot("123:abc", base_url=f"http://127.0.0.1:{port}/bot", request=request)
    with pytest.raises(NetworkError):
        await bot.initialize()  # get_me: the start of a bot when Telegram is unreachable
    assert request._session is None or request._session.closed, "a start that failed keeps no session"


def test_the_proxy_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    uncached = env_proxy.__wrapped__
    assert uncached("https", "api.telegram.org") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert uncached("https", "api.telegram.org") == "http://proxy.example:3128"
    monkeypatch.setenv("NO_PROXY", "api.telegram.org")
    assert uncached("https", "api.telegram.org") is None
