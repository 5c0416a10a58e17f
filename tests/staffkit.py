"""Helpers for the staff tests: settings with staff, buttons, formatted messages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func, select

from jobs.config import Settings, StaffSettings
from jobs.models import Base
from tests.botkit import Running, bot_settings
from tests.fakebotapi import FakeBotAPI

ADMIN = 7001
ADVISOR = 7002
STAFF_CHAT = -1001234567890  # a supergroup, as a real staff chat would be


def staff_settings(db_url: str, api: FakeBotAPI, **delivery: Any) -> Settings:
    base = bot_settings(db_url, api)
    return replace(
        base,
        staff=StaffSettings(admins=(ADMIN,), advisors=(ADVISOR,), progress_seconds=0.1),
        telegram=replace(base.telegram, staff_chat_id=STAFF_CHAT),
        delivery=replace(base.delivery, **delivery) if delivery else base.delivery,
    )


def buttons(message: dict[str, Any] | None) -> dict[str, str]:
    """callback_data -> label of a message's inline keyboard."""
    assert message is not None, "no message"
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["callback_data"]: b["text"] for row in rows for b in row if "callback_data" in b}


def button(message: dict[str, Any] | None, prefix: str) -> str:
    found = [data for data in buttons(message) if data.startswith(prefix)]
    assert found, f"no button {prefix!r} in {buttons(message)}"
    return found[0]


def push_formatted(api: FakeBotAPI, chat: int, text: str, entities: list[dict[str, Any]], message_id: int) -> None:
    """A user's message with formatting (Telegram sends entities; push_message cannot)."""
    user = {"id": chat, "is_bot": False, "first_name": "Staff", "language_code": "da"}
    api.push_update(
        {
            "message": {
                "message_id": message_id,
                "from": user,
                "chat": {"id": chat, "type": "private", "first_name": "Staff"},
                "date": 1_800_000_000,
                "text": text,
                "entities": entities,
            }
        }
    )


async def count(bot: Running, model: type[Base], *where: Any) -> int:
    async with bot.deps.rt.db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def press_and_wait(bot: Running, chat: int, data: str, message_id: int, new_messages: int = 0) -> None:
    """Press a button; wait for its answer and ``new_messages`` new bot messages in the chat."""
    before = len(bot.api.sent(chat))
    await bot.press(chat, data, message_id)
    if new_messages:
        await bot.api.wait_for_sent(chat, before + new_messages, timeout=10)
