"""What handlers and jobs share, built once in post_init (the composition root)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import CallbackContext, ExtBot
from telegram.request import BaseRequest

from bot.ops import OpsServer
from bot.sender import TelegramNotifier
from jobs.answers.faq.knowledge import KnowledgeBase
from jobs.categories import Category
from jobs.config import Settings
from jobs.deliver.ratelimit import Limiter
from jobs.ops.leader import Leadership, SoleLeader
from jobs.ops.metrics import ProcessMetrics
from jobs.runtime import Runtime


@dataclass
class Deps:
    settings: Settings
    rt: Runtime
    notifier: TelegramNotifier
    limiter: Limiter
    kb: KnowledgeBase
    categories: dict[str, Category]
    engine: AsyncExitStack = field(default_factory=AsyncExitStack)  # closes the runtime
    # who leads (polls, schedules) and what this process counts; set up by bot/ops.py
    leadership: Leadership = field(default_factory=SoleLeader)
    metrics: ProcessMetrics = field(default_factory=ProcessMetrics)
    ops_server: OpsServer | None = None
    web_server: Any = None  # web.server.WebServer when web.enabled
    group_admins: dict[int, Any] = field(default_factory=dict)  # chat id -> bot.groupadmin.Admins (brief cache)
    # language -> /help's keyboard of FAQ topics (kb is loaded once; PTB's objects are immutable)
    help_keyboards: dict[str, InlineKeyboardMarkup] = field(default_factory=dict)

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.rt.clock


class BotData:
    """Typed ``context.bot_data`` (PTB's contexttypes pattern)."""

    def __init__(self) -> None:
        self.deps: Deps | None = None
        # the Bot API clients (bot/request.py), closed at shutdown also after a failed start
        self.requests: tuple[BaseRequest, ...] = ()


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


def deps_of(context: Context) -> Deps:
    deps = context.bot_data.deps
    if deps is None:  # pragma: no cover - post_init always sets it
        raise RuntimeError("the application was not initialised")
    return deps
