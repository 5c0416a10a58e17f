"""Who may change a group's subscription: its administrators, as Telegram says.

In a group or supergroup anyone may read and ask; changing or ending the group's
subscription or deleting its data (``/stop``, ``/pause``, settings commands and buttons,
``/deletemydata``, ...) is for the group's administrators. They are asked of Telegram
(getChatAdministrators) and remembered for ``telegram.admin_cache_seconds``; an administrator
posting anonymously (as the group: ``sender_chat`` is the chat) is one. Anyone else gets a
polite refusal naming who can. Private chats: the user is the chat, always allowed.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError

from bot.deps import Context, deps_of
from bot.texts import t

log = logging.getLogger(__name__)
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
MAX_NAMES = 5


@dataclass(frozen=True)
class Admins:
    """A group's administrators when asked: (user id, name shown) each."""

    fetched_at: datetime
    members: tuple[tuple[int, str], ...]
    known: bool = True  # False: Telegram could not be asked

    def ids(self) -> set[int]:
        return {uid for uid, _ in self.members}


async def admins_of(context: Context, chat_id: int) -> Admins:
    """The group's administrators (not bots), from the cache or from Telegram."""
    deps = deps_of(context)
    now = deps.clock()
    cached = deps.group_admins.get(chat_id)
    ttl = timedelta(seconds=deps.settings.telegram.admin_cache_seconds)
    if isinstance(cached, Admins) and cached.known and now - cached.fetched_at < ttl:
        return cached
    try:
        found = await context.bot.get_chat_administrators(chat_id)
    except TelegramError as e:  # left the group, upgraded to a supergroup, Telegram down
        log.info("could not ask Telegram for the administrators of chat %s: %s", chat_id, e)
        return Admins(now, (), known=False)
    members = tuple(
        (m.user.id, ("@" + m.user.username) if m.user.username else m.user.full_name)
        for m in found
        if not m.user.is_bot and m.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
    )
    admins = Admins(now, members)
    deps.group_admins[chat_id] = admins
    return admins


async def may_change(update: Update, context: Context, lang: str, *, refuse: bool = True) -> bool:
    """May the user behind ``update`` change this chat's subscription? A refusal (a reply, or
    an alert for a button) is sent unless ``refuse`` is False."""
    chat = update.effective_chat
    if chat is None or chat.type not in GROUPS:
        return chat is not None and chat.type == ChatType.PRIVATE
    msg = update.effective_message
    anonymous = update.callback_query is None and msg is not None and msg.sender_chat is not None
    if anonymous and msg is not None and msg.sender_chat is not None and msg.sender_chat.id == chat.id:
        return True  # an administrator posting as the group
    user = update.effective_user
    admins = await admins_of(context, chat.id)
    if user is not None and user.id in admins.ids():
        return True
    if refuse:
        await _refuse(update, lang, admins)
    return False


def _names(admins: Admins, lang: str) -> str:
    names = [name for _, name in admins.members[:MAX_NAMES]]
    if len(admins.members) > MAX_NAMES:
        names.append(t(lang, "group_admins_more", n=len(admins.members) - MAX_NAMES))
    return ", ".join(names)


async def _refuse(update: Update, lang: str, admins: Admins) -> None:
    names = _names(admins, lang)
    query = update.callback_query
    if query is not None:
        text = t(lang, "group_admins_only_alert", names=names) if names else t(lang, "group_admins_only_alert_anon")
        await query.answer(text[:200], show_alert=True)
        return
    msg = update.effective_message
    if msg is not None:
        text = t(lang, "group_admins_only", names=html.escape(names)) if names else t(lang, "group_admins_only_anon")
        await msg.reply_text(text, parse_mode=ParseMode.HTML)
