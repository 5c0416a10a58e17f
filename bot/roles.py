"""The role check every staff command and button makes, on every use.

Anyone who is not staff gets exactly the reply an unknown command gets; the attempt is
logged and audited with the command name only, never the message text.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot.deps import Context, deps_of
from bot.handlers.common import reply_unknown_command
from jobs.people import staff

log = logging.getLogger(__name__)


def _what(update: Update) -> str:
    """The command or button tried, for the log: never the text after it."""
    if update.callback_query is not None:
        return "button:" + (update.callback_query.data or "").split(":", 1)[0]
    msg = update.effective_message
    word = (msg.text or "").split(maxsplit=1)[0] if msg is not None and msg.text else "?"
    return word.split("@", 1)[0][:40] if word.startswith("/") else "message"


async def guard(update: Update, context: Context, needed: staff.Role = "advisor") -> staff.Role | None:
    """The user's role if it allows ``needed``; otherwise refuse like an unknown command."""
    deps = deps_of(context)
    user = update.effective_user
    role = await staff.role_of(deps.rt.db, deps.settings.staff, user.id if user else None)
    if staff.allows(role, needed):
        return role
    what = _what(update)
    log.warning("refused %s from user %s (not %s)", what, user.id if user else None, needed)
    await staff.log_refused(deps.rt.db, user.id if user else None, what, deps.clock())
    if update.callback_query is not None:
        await update.callback_query.answer()
    else:
        await reply_unknown_command(update, context)
    return None
