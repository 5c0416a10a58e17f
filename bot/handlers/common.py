"""Small helpers shared by handlers: the user's language, replies."""

from __future__ import annotations

from telegram import Update

from bot.deps import Context, deps_of
from bot.texts import user_language
from jobs.subscribers import Profile, get_subscriber


async def lang_of(update: Update, context: Context) -> str:
    """The subscriber's chosen language, else Telegram's (English only if English)."""
    chat = update.effective_chat
    if chat is not None:
        sub = await get_subscriber(deps_of(context).rt.db, chat.id)
        if sub is not None:
            return sub.language
    user = update.effective_user
    return user_language(user.language_code if user else None)


def profile_of(update: Update, lang: str) -> Profile:
    user = update.effective_user
    chat = update.effective_chat
    assert chat is not None
    name = (user.full_name if user else "") or (chat.title or "")
    return Profile(chat.id, user.id if user else None, name, user.username if user else None, lang)
