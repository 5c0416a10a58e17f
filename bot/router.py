"""Where a plain message goes: the answer the bot asked for, a question for an advisor, or a
question the bot answers itself.

The only module that knows more than one handler module; handlers never import each other.

* **What the bot waits for** (``jobs.people.dialogue``, in the database) comes first: the
  next message from the user it asked, in that chat, is the answer, also when the question
  offered buttons too ("Vælg eller skriv et beløb": typing ``300000`` is the answer), also
  after a restart or in another process. It is taken once; an answer that does not parse
  asks again.
* The text of a message is its text, or the **caption** of a photo, document or video.
* In a **group** the bot answers only what is meant for it (a reply to one of its messages,
  or one that mentions it); everything else there is the members talking to each other.
* **Anything else** in a private chat (a sticker, a voice note, a location, a contact, a photo
  without a caption) gets a short reply saying what the bot understands.
"""

from __future__ import annotations

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType

from bot.deps import Context, deps_of
from bot.handlers import advice, ask, broadcast, profile, subscribe
from bot.handlers.common import asker, awaited, is_private, text_of
from jobs.people import dialogue

ANSWERS = {
    "keywords": subscribe.answer,
    "maxvalue": subscribe.answer,
    "advice": advice.answer,
    "profile": profile.answer,
    "broadcast_text": broadcast.answer_text,
    "broadcast_when": broadcast.answer_when,
}
TEXT_ONLY = frozenset({"keywords", "maxvalue", "advice", "profile", "broadcast_when"})


async def on_message(update: Update, context: Context) -> None:
    msg = update.effective_message
    chat = update.effective_chat
    if msg is None or chat is None:
        return
    text = text_of(msg)
    deps = deps_of(context)
    chat_id, user_id = asker(update)
    state = await dialogue.take(deps.rt.db, chat_id, user_id, deps.clock()) if await awaited(update, context) else None
    if state is not None:
        if text or state.kind not in TEXT_ONLY:
            await ANSWERS[state.kind](update, context, state)
            return
        # a sticker or voice note while a typed answer is awaited: still awaited
        await dialogue.expect(
            deps.rt.db,
            chat_id,
            user_id,
            state.kind,
            deps.clock(),
            state.expires_at - state.asked_at,
            payload=state.payload,
            prompt_message_id=state.prompt_message_id,
        )
    if chat.type != ChatType.PRIVATE:
        if text and _meant_for_bot(msg, context.bot.id, context.bot.username):
            await ask.on_question(update, context, _without_mention(text, context.bot.username))
        return
    if text and text.strip():
        await ask.on_question(update, context, text)
    elif is_private(update):
        await ask.on_not_text(update, context)


def _meant_for_bot(msg: Message, bot_id: int, username: str | None) -> bool:
    replied = msg.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    if not username:
        return False
    name = f"@{username}".lower()
    kinds: list[str | None] = [MessageEntity.MENTION]
    entities = msg.parse_entities(kinds) if msg.text else msg.parse_caption_entities(kinds)
    if any(value.lower() == name for value in entities.values()):
        return True
    return name in (text_of(msg) or "").lower()


def _without_mention(text: str, username: str | None) -> str:
    if not username:
        return text
    cleaned = " ".join(w for w in text.split() if w.lower().strip(",.:!?") != f"@{username}".lower())
    return cleaned or text


async def cmd_cancel(update: Update, context: Context) -> None:
    """``/cancel``: stop waiting for an answer (a broadcast being composed is cancelled)."""
    msg = update.effective_message
    if msg is None or update.effective_chat is None:
        return
    deps = deps_of(context)
    chat_id, user_id = asker(update)
    state = await dialogue.take(deps.rt.db, chat_id, user_id, deps.clock())
    if state is not None and state.kind.startswith("broadcast_"):
        await broadcast.abort(update, context, state)
        return
    await ask.on_cancel(update, context, waited=state is not None)
