"""One error handler for handlers and jobs: log first, then tell the user and staff."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode

from bot.deps import Context
from bot.handlers.common import lang_of
from bot.render import esc
from bot.texts import t
from jobs.redact import redact

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    err = context.error
    log.error("unhandled error (update %s)", getattr(update, "update_id", None), exc_info=err)
    deps = context.bot_data.deps
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            lang = await lang_of(update, context)
            await context.bot.send_message(update.effective_chat.id, t(lang, "error"), parse_mode=ParseMode.HTML)
        except Exception:  # the error path must not raise again
            log.exception("could not tell the user about an error")
    if deps is not None:
        where = "job" if context.job is not None else "update"
        text = f"udbudsbot error in {where}: {type(err).__name__}: {esc(redact(str(err)), 500)}"
        await deps.notifier.alert_staff(text)
