"""The Telegram side of the engine's Notifier: render, send, classify the outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.keyboards import notice_keyboard
from bot.render import render_change, render_digest, render_notice, render_reminder
from bot.texts import t
from jobs.db import Database
from jobs.deliver.notify import Delivery, Outcome, SendResult
from jobs.people.chats import move_chat
from jobs.status import OutboxKind

log = logging.getLogger(__name__)
GONE_MARKERS = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid", "have no rights")


class TelegramNotifier:
    """Implements ``jobs.deliver.notify.Notifier`` with a python-telegram-bot ``Bot``.

    ``db`` (set once the engine is open) lets a message to a group that was upgraded to a
    supergroup without the bot seeing it move the chat (``jobs.people.chats.move_chat``) and
    go to the new chat id."""

    def __init__(
        self,
        bot: Bot,
        *,
        clock: Callable[[], datetime],
        tz: str,
        staff_chat_id: int | None = None,
        db: Database | None = None,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.tz = tz
        self.staff_chat_id = staff_chat_id
        self.db = db

    async def alert_staff(self, text: str) -> None:
        if self.staff_chat_id is None:
            log.warning("staff alert (no staff chat configured): %s", text)
            return
        try:
            await self.bot.send_message(self.staff_chat_id, text[:4000], parse_mode=None)
        except TelegramError:
            log.exception("could not alert staff")

    def render(self, d: Delivery) -> str:
        now = self.clock()
        if d.kind == OutboxKind.NOTICE and d.notice is not None:
            return render_notice(d.notice, d.language, now, self.tz)
        if d.kind == OutboxKind.CHANGE:
            return render_change(d, now, self.tz)
        if d.kind == OutboxKind.REMINDER:
            return render_reminder(d, now, self.tz)
        if d.kind == OutboxKind.DIGEST:
            return render_digest(d, now, self.tz)
        if d.payload.get("html"):  # broadcasts, advice answers: checked to fit when made; never cut a tag
            return str(d.payload["html"])
        return str(d.payload.get("text") or "")[:4096]

    async def deliver(self, d: Delivery) -> SendResult:
        text = self.render(d)
        if not text.strip():
            return SendResult(Outcome.REJECTED, error="nothing to send")
        markup = notice_keyboard(d.notice.row_id, d.language) if d.kind == OutboxKind.NOTICE and d.notice else None
        reply = (
            ReplyParameters(d.reply_to_message_id, allow_sending_without_reply=True) if d.reply_to_message_id else None
        )
        parse_mode = None if d.payload.get("plain") else ParseMode.HTML

        async def send(chat_id: int) -> Message:
            return await self.bot.send_message(
                chat_id,
                text,
                parse_mode=parse_mode,
                reply_markup=markup,
                reply_parameters=reply,
                disable_web_page_preview=True,
            )

        try:
            try:
                msg = await send(d.chat_id)
            except ChatMigrated as e:  # once: a chat that moved again is refused below
                msg = await send(await self._moved(d.chat_id, e.new_chat_id))
        except ChatMigrated as e:
            log.error("chat %s moved twice while sending outbox row %s", d.chat_id, d.outbox_id)
            return SendResult(Outcome.REJECTED, error=f"Bad Request: {e.message}")
        except RetryAfter as e:
            retry = e.retry_after
            seconds = retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)
            return SendResult(Outcome.RETRY_AFTER, retry_after=seconds, error=str(e))
        except Forbidden as e:
            return SendResult(Outcome.GONE, error=f"Forbidden: {e.message}")
        except BadRequest as e:
            if any(m in e.message.lower() for m in GONE_MARKERS):
                return SendResult(Outcome.GONE, error=f"Bad Request: {e.message}")
            log.error("Telegram refused outbox row %s: %s", d.outbox_id, e.message)
            return SendResult(Outcome.REJECTED, error=f"Bad Request: {e.message}")
        except (TimedOut, NetworkError) as e:
            return SendResult(Outcome.TRANSIENT, error=f"{type(e).__name__}: {e}")
        if d.kind == OutboxKind.CHANGE and d.reply_to_message_id and d.original is not None:
            await self._mark_original(d)
        return SendResult(Outcome.SENT, message_id=msg.message_id)

    async def _moved(self, old: int, new: int) -> int:
        """The group ``old`` became the supergroup ``new``: move what is keyed by the chat.

        The sending pace and the outbox follow the subscription; should the move fail (the
        database is away), this message still goes to the new chat, and the next one to the
        old id meets the same answer and tries again."""
        log.info("chat %s was upgraded to supergroup %s before the bot saw it; moving it", old, new)
        if self.db is not None:
            try:
                await move_chat(self.db, old, new)
            except Exception:
                log.exception("could not move chat %s to %s", old, new)
        return new

    async def _mark_original(self, d: Delivery) -> None:
        """Edit the original alert so it shows it has changed (best effort)."""
        try:
            assert d.original is not None
            text = render_notice(
                d.original,
                d.language,
                self.clock(),
                self.tz,
                banner=t(d.language, "changed_banner"),
            )
            await self.bot.edit_message_text(
                text,
                reply_markup=notice_keyboard(d.original.row_id, d.language),
                chat_id=d.chat_id,
                message_id=d.reply_to_message_id,
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
            )
        except TelegramError as e:
            log.info("could not mark original message %s as changed: %s", d.reply_to_message_id, e)
