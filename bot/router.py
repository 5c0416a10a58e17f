"""Where a plain message goes: the answer the bot asked for, a question for an advisor, or a
question the bot answers itself.

The only module that knows more than one handler module; handlers never import each other.
"""

from __future__ import annotations

from telegram import Update

from bot.deps import Context
from bot.handlers import advice, ask, profile, subscribe


async def on_text(update: Update, context: Context) -> None:
    msg = update.effective_message
    if msg is None or not msg.text:
        return
    if (
        await subscribe.awaited_text(update, context)
        or await profile.awaited_text(update, context)
        or await advice.awaited_question(update, context)
    ):
        return
    await ask.on_question(update, context)
