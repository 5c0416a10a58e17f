"""Run the real Application against the fake Bot API, a real database and a real feed server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from xml.sax.saxutils import escape

from telegram.ext import Application

from bot.app import build_application
from bot.deps import Deps
from jobs.config import FetchSettings, Settings, SourceSettings, TelegramSettings, load_settings
from jobs.deliver.send import DrainReport, drain_outbox
from jobs.ingest.poll import PollReport, poll_due_sources
from tests.conftest import PG_SCHEMA, ROOT
from tests.fakebotapi import FakeBotAPI
from tests.helpers import Clock


def rss(items: list[dict[str, str]]) -> bytes:
    """An RSS feed in the udbudsbot namespace (see jobs/ingest/parse/feed.py)."""
    parts = []
    for it in items:
        extra = "".join(
            f"<udbud:{k}>{escape(v)}</udbud:{k}>" for k, v in it.items() if k not in ("guid", "title", "description")
        )
        parts.append(
            f"<item><guid isPermaLink='false'>{escape(it['guid'])}</guid><title>{escape(it['title'])}</title>"
            f"<link>https://udbud.dk/{escape(it['guid'])}</link>"
            f"<description>{escape(it.get('description', ''))}</description>{extra}</item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' xmlns:udbud='https://udbudsbot.dk/ns/feed/1.0'>"
        "<channel><title>Test</title><link>https://udbud.dk/</link><description>t</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def bot_settings(db_url: str, api: FakeBotAPI, *sources: SourceSettings) -> Settings:
    base = load_settings(ROOT / "config.toml", env={})
    return replace(
        base,
        database=replace(base.database, url=db_url),
        telegram=TelegramSettings(base_url=api.base_url, staff_chat_id=999),
        fetch=FetchSettings(timeout_seconds=2.0, total_seconds=5.0),
        sources=tuple(sources),
    )


@dataclass
class Running:
    app: Application  # type: ignore[type-arg]
    api: FakeBotAPI
    clock: Clock

    @property
    def deps(self) -> Deps:
        deps = self.app.bot_data.deps
        assert deps is not None
        return deps

    async def poll(self) -> list[PollReport]:
        return await poll_due_sources(self.deps.rt, force=True)

    async def send(self) -> DrainReport:
        return await drain_outbox(self.deps.rt, self.deps.notifier, self.deps.limiter)

    async def say(self, chat: int, text: str, *, lang: str = "da", wait: int = 1) -> str:
        """The user writes; returns the text of the bot's newest reply."""
        before = len(self.api.sent(chat))
        self.api.push_message(chat, text, language_code=lang)
        await self.api.wait_for_sent(chat, before + wait, timeout=10)
        return self.api.last_text(chat) or ""

    async def press(
        self, chat: int, data: str, message_id: int, *, lang: str = "da", user: int | None = None, forged: bool = False
    ) -> None:
        """Press a button on the message (``forged``: any data, as a modified client could send)."""
        answered = len(self.api.callback_answers)
        push = self.api.push_forged_callback if forged else self.api.push_callback
        push(chat, data, message_id=message_id, language_code=lang, user_id=user)
        await self.api.wait_for(lambda: len(self.api.callback_answers) > answered, timeout=10)

    async def double_tap(
        self, chat: int, data: str, message_id: int, *, lang: str = "da", user: int | None = None
    ) -> tuple[str, str]:
        """Two presses of the same button before the bot answered the first (both carry the
        message as it was); waits until both are answered. Returns the two query ids."""
        first, second = self.api.double_tap(chat, data, message_id=message_id, language_code=lang, user_id=user)
        await self.api.wait_for(
            lambda: {a.callback_query_id for a in self.api.callback_answers} >= {first, second}, timeout=10
        )
        return first, second


@asynccontextmanager
async def running_bot(
    settings: Settings, api: FakeBotAPI, *, clock: Clock | None = None, schedule_jobs: bool = False
) -> AsyncIterator[Running]:
    clk = clock or Clock(datetime.fromisoformat("2026-11-30T09:00:00+00:00"))
    schema = PG_SCHEMA if settings.database.url.startswith("postgresql") else None
    app = build_application(settings, api.token, clock=clk, schedule_jobs=schedule_jobs, db_schema=schema)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)  # run_polling() would call it; we drive the Application by hand
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    try:
        yield Running(app, api, clk)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
