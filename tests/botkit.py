"""Run the real Application against the fake Bot API, a real database and a real feed server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from telegram import Update
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
    errors: list[tuple[object, BaseException]] = field(default_factory=list)  # what reached the error handler

    @property
    def deps(self) -> Deps:
        deps = self.app.bot_data.deps
        assert deps is not None
        return deps

    async def poll(self) -> list[PollReport]:
        return await poll_due_sources(self.deps.rt, force=True)

    async def send(self) -> DrainReport:
        return await drain_outbox(self.deps.rt, self.deps.notifier, self.deps.limiter)

    async def say(
        self, chat: int, text: str, *, lang: str = "da", wait: int = 1, user: int | None = None, **kw: Any
    ) -> str:
        """The user writes (``user``: who, in a group); returns the text of the bot's newest reply."""
        before = len(self.api.sent(chat))
        self.api.push_message(chat, text, language_code=lang, user_id=user, **kw)
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

    async def feed(self, *, concurrently: bool = False) -> int:
        """Without polling: fetch what is queued at the fake (getUpdates, as the Updater does)
        and process it in this Application, in order or all at once. Returns how many."""
        updates = await self.app.bot.get_updates(timeout=0, limit=100)
        if not updates:
            return 0
        if concurrently:
            await asyncio.gather(*(self.app.process_update(u) for u in updates))
        else:
            for u in updates:
                await self.app.process_update(u)
        await self.app.bot.get_updates(offset=updates[-1].update_id + 1, timeout=0, limit=1)  # confirm them
        return len(updates)

    async def process_raw(self, raw: dict[str, Any]) -> None:
        """Process one update (as a dict) in this Application, bypassing the queue."""
        await self.app.process_update(Update.de_json(raw, self.app.bot))

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
    settings: Settings,
    api: FakeBotAPI,
    *,
    clock: Clock | None = None,
    schedule_jobs: bool = False,
    polling: bool = True,
) -> AsyncIterator[Running]:
    """The real Application against the fake; ``polling=False``: updates only through
    ``Running.feed`` (two Applications on one database, each given its share)."""
    clk = clock or Clock(datetime.fromisoformat("2026-11-30T09:00:00+00:00"))
    schema = PG_SCHEMA if settings.database.url.startswith("postgresql") else None
    app = build_application(settings, api.token, clock=clk, schedule_jobs=schedule_jobs, db_schema=schema)
    running = Running(app, api, clk)

    async def record(update: object, context: Any) -> None:
        running.errors.append((update, context.error))

    app.add_error_handler(record)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)  # run_polling() would call it; we drive the Application by hand
    assert app.updater is not None
    if polling:
        await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    try:
        yield running
    finally:
        if polling:
            await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
