"""Build the python-telegram-bot Application: the bot's composition root.

``post_init`` opens the database (migrating it), the HTTP client, the FAQ and
the notifier, registers the commands with Telegram in both languages and
schedules the engine's jobs; ``post_shutdown`` closes what it opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from datetime import datetime
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import ops, polling, router, scheduled
from bot.deps import BotData, Deps
from bot.errors import on_error
from bot.gate import gate
from bot.handlers import advice, ask, broadcast, common, directory, notices, privacy, profile, staff, subscribe
from bot.logsetup import protect_secrets
from bot.request import AiohttpRequest
from bot.sender import TelegramNotifier
from bot.texts import COMMANDS, t
from bot.updates import PerChatUpdateProcessor
from jobs.answers.ask import warm as warm_answers
from jobs.answers.faq.knowledge import load_faq
from jobs.categories import all_categories
from jobs.config import Settings
from jobs.deliver.pgratelimit import make_limiter
from jobs.deliver.priority import Foreground
from jobs.runtime import open_runtime, utcnow


def build_application(
    settings: Settings,
    token: str,
    *,
    clock: Callable[[], datetime] = utcnow,
    schedule_jobs: bool = True,
    db_schema: str | None = None,
) -> Application:
    """The Application with its handlers; updates of different chats run concurrently, each
    chat's in order (bot/updates.py)."""
    protect_secrets(settings, token)  # before anything can log the token (every Bot API URL holds it)
    foreground = Foreground()  # updates in hand; the engine's sender gives way to them
    requests = (AiohttpRequest(), AiohttpRequest(connection_pool_size=1))
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_url.replace("/bot", "/file/bot"))
        .request(requests[0])  # less CPU per Bot API call than httpx (bot/request.py)
        .get_updates_request(requests[1])
        .context_types(ContextTypes(bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(PerChatUpdateProcessor(foreground=foreground))
        .post_init(
            _post_init(settings, clock=clock, schedule_jobs=schedule_jobs, db_schema=db_schema, foreground=foreground)
        )
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data.requests = requests
    add_handlers(app)
    return app


def _post_init(
    settings: Settings,
    *,
    clock: Callable[[], datetime],
    schedule_jobs: bool,
    db_schema: str | None,
    foreground: Foreground,
) -> Callable[[Application], Coroutine[Any, Any, None]]:
    """Open the engine, leadership and ops server, the web section, the commands and the jobs."""

    async def post_init(app: Application) -> None:
        app.bot_data.deps = await _open_deps(app, settings, clock=clock, db_schema=db_schema, foreground=foreground)
        await ops.start_ops(app, schema=db_schema)  # leadership, /healthz, /metrics
        if settings.web.enabled:  # the public web section beside the bot, on the same engine
            from web.server import WebServer

            deps = app.bot_data.deps
            deps.web_server = WebServer(settings, rt=deps.rt, host=settings.web.host, port=settings.web.port)
            await deps.web_server.start()
        for lang in ("da", "en"):
            commands = [BotCommand(c, t(lang, f"cmd_{c}")) for c in COMMANDS]
            await app.bot.set_my_commands(commands, language_code=None if lang == "da" else "en")
        if schedule_jobs:
            scheduled.schedule(
                app, poll_seconds=settings.poll.tick_seconds, send_seconds=settings.delivery.tick_seconds
            )

    return post_init


async def _open_deps(
    app: Application,
    settings: Settings,
    *,
    clock: Callable[[], datetime],
    db_schema: str | None,
    foreground: Foreground,
) -> Deps:
    notifier = TelegramNotifier(
        app.bot,
        clock=clock,
        tz=settings.delivery.timezone,
        staff_chat_id=settings.telegram.staff_chat_id or None,
    )
    engine = AsyncExitStack()
    rt = await engine.enter_async_context(
        open_runtime(settings, notifier=notifier, clock=clock, schema=db_schema, foreground=foreground)
    )
    notifier.db = rt.db  # a group upgraded unseen is moved when a message meets it (bot/sender.py)
    await rt.db.warm()  # the database pool opened before the first people write
    kb = load_faq(settings.faq.resolve(settings.base_dir))
    warm_answers(settings.hours, kb, clock())  # locale data and indexes loaded before the first question
    return Deps(
        settings=settings,
        rt=rt,
        notifier=notifier,
        limiter=make_limiter(settings.delivery, rt.db),
        kb=kb,
        categories=all_categories(settings),
        engine=engine,
    )


async def _post_shutdown(app: Application) -> None:
    # PTB shuts the Bot API clients down only if the bot started; after a failed start
    # (Telegram unreachable, the token refused) they are closed here (both run modes call this)
    for request in app.bot_data.requests:
        await request.shutdown()
    deps = app.bot_data.deps
    if deps is not None:
        if deps.web_server is not None:
            await deps.web_server.stop()
        await ops.stop_ops(app)
        await deps.engine.aclose()


def add_handlers(app: Application) -> None:
    # Before everything: channel posts and edits ignored, group upgrades, double taps (bot/gate.py).
    app.add_handler(TypeHandler(Update, gate), group=-2)
    app.add_handler(CommandHandler("start", subscribe.start))
    app.add_handler(CommandHandler("settings", subscribe.show_settings))
    app.add_handler(CommandHandler("categories", subscribe.cmd_categories))
    app.add_handler(CommandHandler("keywords", subscribe.cmd_keywords))
    app.add_handler(CommandHandler("maxvalue", subscribe.cmd_maxvalue))
    app.add_handler(CommandHandler("level", subscribe.cmd_level))
    app.add_handler(CommandHandler("digest", subscribe.cmd_digest))
    app.add_handler(CommandHandler("language", subscribe.cmd_language))
    app.add_handler(CommandHandler("open", subscribe.cmd_open))
    app.add_handler(CommandHandler("pause", subscribe.cmd_pause))
    app.add_handler(CommandHandler("resume", subscribe.cmd_resume))
    app.add_handler(CommandHandler("stop", subscribe.cmd_stop))
    app.add_handler(CommandHandler(["hours", "aabningstider", "telefontid"], ask.cmd_hours))
    app.add_handler(CommandHandler("help", ask.cmd_help))
    app.add_handler(CommandHandler("cancel", router.cmd_cancel))
    app.add_handler(CommandHandler("mydata", privacy.cmd_mydata))
    app.add_handler(CommandHandler("deletemydata", privacy.cmd_deletemydata))
    app.add_handler(CallbackQueryHandler(advice.on_ask_button, pattern=r"^n:a:"))
    app.add_handler(CallbackQueryHandler(notices.on_notice_button, pattern=r"^n:"))
    app.add_handler(CallbackQueryHandler(ask.on_faq_button, pattern=r"^faq:"))
    app.add_handler(CallbackQueryHandler(privacy.on_delete_button, pattern=r"^del:"))
    app.add_handler(CallbackQueryHandler(subscribe.on_menu, pattern=r"^[mcs]:"))
    app.add_handler(CommandHandler(["profil", "profile"], profile.cmd_profil))  # the directory
    app.add_handler(CallbackQueryHandler(profile.on_button, pattern=r"^pf:"))
    add_staff_handlers(app)
    app.add_handler(MessageHandler(filters.COMMAND, common.reply_unknown_command))
    # Text, captions and everything else a person sends (service messages are not for us).
    app.add_handler(MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, router.on_message))
    app.add_error_handler(on_error)


def add_staff_handlers(app: Application) -> None:
    """Staff commands, broadcasts and advice requests (before the catch-all unknown-command handler)."""
    # Replies in the staff chat to a posted advice request are answers; group -1 sees them first.
    app.add_handler(MessageHandler(filters.REPLY & ~filters.COMMAND, advice.on_staff_reply), group=-1)
    # The /broadcast dialogue: its typed steps go through bot/router.py (dialogue state in the
    # database), its buttons carry the draft's id (drawn in bot/handlers/broadcast.mmd).
    app.add_handler(CommandHandler("broadcast", broadcast.start))
    app.add_handler(CallbackQueryHandler(broadcast.start_edit, pattern=r"^bc:e:\d+$"))
    app.add_handler(CallbackQueryHandler(broadcast.on_audience, pattern=r"^bc:a:\d+:"))
    app.add_handler(CallbackQueryHandler(broadcast.on_when_now, pattern=r"^bc:n:\d+$"))
    app.add_handler(CommandHandler("broadcast_now", broadcast.cmd_broadcast_now))
    app.add_handler(CallbackQueryHandler(broadcast.on_send, pattern=r"^bc:s:\d+$"))
    app.add_handler(CallbackQueryHandler(broadcast.on_cancel, pattern=r"^bc:x:\d+$"))
    app.add_handler(CallbackQueryHandler(broadcast.on_stale_button, pattern=r"^bc:"))
    app.add_handler(CommandHandler("broadcasts", staff.cmd_broadcasts))
    app.add_handler(CommandHandler("staff", staff.cmd_staff))
    app.add_handler(CommandHandler("stats", staff.cmd_stats))
    app.add_handler(CommandHandler("chart", staff.cmd_chart))
    app.add_handler(CommandHandler("requests", staff.cmd_requests))
    app.add_handler(CommandHandler("raadgivning", advice.cmd_raadgivning))
    app.add_handler(CallbackQueryHandler(advice.on_offer_button, pattern=r"^adv:q$"))
    app.add_handler(CommandHandler("profiler", directory.cmd_profiler))
    app.add_handler(CommandHandler("match", directory.cmd_match))
    app.add_handler(CallbackQueryHandler(directory.on_review_button, pattern=r"^ent:"))
    app.add_handler(CallbackQueryHandler(directory.on_headsup_button, pattern=r"^mt:"))


def run(settings: Settings, token: str) -> None:
    """Run until interrupted: long polling (by the leader) by default, a webhook by config."""
    tg = settings.telegram
    if tg.mode == "webhook":
        import os

        options = ops.webhook_options(tg, os.environ)  # refuses to start without a secret token
        build_application(settings, token).run_webhook(**options)
    else:  # only the leader long-polls; every process sends (bot/polling.py)
        app = build_application(settings, token)
        asyncio.run(polling.serve(app, poll_timeout=tg.poll_timeout_seconds))
