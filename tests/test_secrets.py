"""No secret in logs, errors or stored state.

The bot runs with recognisable secrets (bot token, udbud.dk token, webhook secret, a mangled
source token) through start, failing sources whose errors would carry the token, /stats, a
Bot API failure inside a handler, setWebhook, and a refused token at start; every log record of every
logger at DEBUG (httpx logs each request URL, which holds the bot token), every message the
bot sent, every stored row and the CLI's output are searched for them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Bot

import bot.app  # noqa: F401  (every table)
from jobs.config import PollSettings, SourceSettings
from jobs.models import Base, Source
from jobs.redact import REDACTED, add_secrets, redact, variants
from tests.botkit import bot_settings, running_bot
from tests.conftest import ROOT, reset_postgres
from tests.fakebotapi import FakeBotAPI, running_fake_bot_api
from tests.feedserver import FeedServer, Route

BOT_TOKEN = "918273645:AAH-SeCrEt-BoT-ToKeN-0xDEADBEEF"
UDBUD_TOKEN = "udbud-SeCrEt-ApI-ToKeN-424242"
HOOK_SECRET = "HoOk-SeCrEt-0123456789"
BROKEN_TOKEN = "broken-SeCrEt-first\nsecond-line-7777"  # a token pasted with a line break in it
WRONG_TOKEN = "111222333:WrOnG-SeCrEt-ToKeN-abcdef"
SECRETS = (BOT_TOKEN, UDBUD_TOKEN, HOOK_SECRET, BROKEN_TOKEN, WRONG_TOKEN)


def leaks(text: str) -> list[str]:
    """Which secret (in any of its forms, or a recognisable piece) ``text`` holds."""
    found = []
    for secret in SECRETS:
        pieces = variants(secret) | {p for p in secret.replace("\n", "-").split("-") if "SeCrEt" in p}
        pieces |= {"SeCrEt"}
        if any(p in text for p in pieces):
            found.append(secret)
    return found


def test_redact_covers_the_forms_a_secret_takes() -> None:
    add_secrets(["999888777:AbCdEfGhIjKlMnOp-unit"])
    assert redact("https://api.telegram.org/bot999888777:AbCdEfGhIjKlMnOp-unit/getMe") == (
        f"https://api.telegram.org/bot{REDACTED}/getMe"
    )
    assert redact("bot999888777%3AAbCdEfGhIjKlMnOp-unit") == f"bot{REDACTED}"
    assert redact("key AbCdEfGhIjKlMnOp-unit alone") == f"key {REDACTED} alone"
    add_secrets(["a\nb-multi-line-secret", "short", None, ""])
    assert redact("Illegal header value b'Bearer a\\nb-multi-line-secret'") == (
        f"Illegal header value b'Bearer {REDACTED}'"
    )
    assert redact("short stays: too short to be a secret") == "short stays: too short to be a secret"


def echo_headers(req: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """A broken upstream that puts the request's Authorization header into its status line."""
    auth = req.headers.get("Authorization", "")
    req.responses = {**req.responses, 500: (f"Upstream refused {auth}", "")}  # type: ignore[misc]
    return 500, {"Content-Type": "text/plain"}, f"You sent: {dict(req.headers)}".encode()


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


async def all_rows_text(bot_db: Any) -> str:
    parts = []
    async with bot_db.sessions() as s:
        for table in Base.metadata.sorted_tables:
            for row in (await s.execute(select(table))).all():
                parts.append(json.dumps(dict(row._mapping), default=str, ensure_ascii=False))
    return "\n".join(parts)


async def test_no_secret_in_logs_errors_or_storage(
    prepared_db: str, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    monkeypatch.setenv("UDBUD_DK_TOKEN", UDBUD_TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", HOOK_SECRET)
    monkeypatch.setenv("BROKEN_TOKEN", BROKEN_TOKEN)
    caplog.set_level(logging.DEBUG)  # every logger, everything
    feed_server.routes["/udbud"] = Route(handler=echo_headers)
    sources = (
        SourceSettings(name="udbud", kind="udbud", url=feed_server.url("/udbud"), token_env="UDBUD_DK_TOKEN"),
        SourceSettings(name="broken", kind="udbud", url=feed_server.url("/broken"), token_env="BROKEN_TOKEN"),
    )
    gen = running_fake_bot_api(token=BOT_TOKEN)
    api: FakeBotAPI = next(gen)
    try:
        settings = bot_settings(prepared_db, api, *sources)
        settings = replace(
            settings,
            poll=replace(PollSettings(), alert_after_failures=2),
            staff=replace(settings.staff, advisors=(2,)),  # /stats shows each source's last error
        )
        async with running_bot(settings, api) as bot:
            assert "Hej" in await bot.say(1, "/start")
            for _ in range(2):  # fail twice: staff are alerted with the last error
                reports = await bot.poll()
                assert not any(r.ok for r in reports)
            async with bot.deps.rt.db.sessions() as s:
                errors = {r.name: r.last_error or "" for r in (await s.scalars(select(Source))).all()}
            assert errors["udbud"].startswith("HTTP 500 Upstream refused Bearer") and REDACTED in errors["udbud"]
            assert "Illegal header value" in errors["broken"] and REDACTED in errors["broken"]
            await api.wait_for(lambda: len(api.sent(999)) >= 2)  # the staff alerts
            stats = await bot.say(2, "/stats")
            assert "udbud" in stats and REDACTED in stats
            # a Bot API failure inside a handler: the error handler logs it and apologises
            api.fail("sendMessage", status=500, chat_id=1)
            assert "noget gik galt" in await bot.say(1, "/settings")
            stored = await all_rows_text(bot.deps.rt.db)
        # setWebhook carries the webhook secret (PTB logs call parameters at DEBUG)
        async with Bot(BOT_TOKEN, base_url=api.base_url) as tg:
            assert await tg.set_webhook("https://udbud.example/hook", secret_token=HOOK_SECRET)
            assert await tg.delete_webhook()
        assert api.calls_to("setWebhook")[-1].params["secret_token"] == HOOK_SECRET
        sent = "\n".join(json.dumps(m, ensure_ascii=False) for m in api.sent())
    finally:
        api.stop()

    # The secrets were in play: the bot called the Bot API with its token in every URL (its
    # client, bot/request.py, logs no URLs), httpx logged the sources' URLs, their errors held tokens
    messages = [r.getMessage() for r in caplog.records]
    assert api.calls_to("sendMessage")
    assert any(m.startswith("HTTP Request: GET") and REDACTED in m for m in messages)
    assert any("setWebhook" in m for m in messages)
    assert any(r.exc_info for r in caplog.records)  # the handler's error, with its traceback
    # ... and none of them came out
    for record in caplog.records:
        assert not leaks(record.getMessage()), (record.name, record.getMessage())
        assert not leaks(record.exc_text or ""), record.name
    assert not leaks(caplog.text)
    assert not leaks(stored)
    assert not leaks(sent)


def test_cli_run_with_a_refused_token_says_so_without_the_token(tmp_path: Path) -> None:
    """``udbudsbot run`` with a token Telegram refuses: PTB's InvalidToken names the token.

    A real process (``python -m bot -v run``), logging at INFO as deployed."""
    with FakeBotAPI(token=BOT_TOKEN) as api:
        cfg = tmp_path / "config.toml"
        cfg.write_text((ROOT / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
        shutil.copy(ROOT / "faq.toml", tmp_path / "faq.toml")
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": WRONG_TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "UDBUDSBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}",
            "PTB_TIMEDELTA": "true",
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot", "-v", "--config", str(cfg), "run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        tried = "getMe" in api.unauthorized
    assert done.returncode == 2, done.stderr
    assert tried, "it did try"
    assert "Telegram refused the bot token" in done.stderr
    assert "Unclosed" not in done.stderr, "the Bot API client was closed after the failed start"
    assert not leaks(done.stdout + done.stderr)
