"""The Telegram side of the engine's Notifier: render, send, classify the outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import Bot, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.keyboards import notice_keyboard
from bot.render import render_change, render_digest, render_notice, render_reminder
from bot.texts import t
from jobs.deliver.notify import Delivery, Outcome, SendResult
from jobs.status import OutboxKind

log = logging.getLogger(__name__)
GONE_MARKERS = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid", "have no rights")


class TelegramNotifier:
    """Implements ``jobs.deliver.notify.Notifier`` with a python-telegram-bot ``Bot``."""

    def __init__(
        self,
        bot: Bot,
        *,
        clock: Callable[[], datetime],
        tz: str,
        staff_chat_id: int | None = None,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.tz = tz
        self.staff_chat_id = staff_chat_id

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
        try:
            msg = await self.bot.send_message(
                d.chat_id,
                text,
                parse_mode=parse_mode,
                reply_markup=markup,
                reply_parameters=reply,
                disable_web_page_preview=True,
            )
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
