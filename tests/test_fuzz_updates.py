"""Fuzzing the bot with random updates.

At least 10,000 random updates go through the real Application, which talks HTTP to the
fake Bot API (it refuses what Telegram refuses: bad HTML, too long texts and callback
answers, edits of missing messages): commands with random arguments (odd and huge Unicode:
RTL marks, zero-width joiners, emoji, control characters, 4,096+ characters), plain text,
random and forged callback data for every prefix the bot listens to, presses on messages
that do not exist or are another chat's, presses by someone other than the chat's user,
edited messages, group messages from administrators (also posting anonymously) and from
members, photos and documents with captions, stickers, voice notes, locations and contacts,
double taps of real buttons, a group upgraded to a supergroup half way through, channel
posts (no user) and updates no handler wants.

The updates are queued at the fake and fetched with getUpdates like the Updater does, but
processed by ``Application.process_update`` in concurrent batches (one update per chat in a
batch, so each chat's updates keep their order) instead of long polling, to keep it fast.

Afterwards: no exception reached the error handler, every call to the Bot API was accepted,
every text is at most 4,096 characters and every callback answer at most 200, no chat acted
on (feedback, reminder, details, advice) a notice it was not sent, non-staff users got
the unknown-command reply to every staff command, a group member who is no administrator
was refused every change to the group's subscription, an edit got no answer, a sticker got
the short "I read text" reply (in a private chat; nothing in a group), and nothing was ever
sent into the channel.

CI runs ``UDBUDSBOT_FUZZ_UPDATES`` (default 1,500) updates on SQLite and a fifth of that on
PostgreSQL, to stay within the suite's time; ``bench/fuzz_updates.py`` runs 10,000 or more.
``UDBUDSBOT_FUZZ_SEED`` changes the seed (a failure names it).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.app import build_application
from bot.deps import Context, Deps
from bot.texts import COMMANDS, DA, EN
from jobs.config import SourceSettings
from jobs.deliver.ratelimit import RateLimiter
from jobs.deliver.send import drain_outbox
from jobs.ingest.poll import poll_due_sources
from jobs.models import Base, Feedback, NoticeRow, OutboxRow, Subscriber
from tests.botkit import bot_settings, rss
from tests.conftest import PG_SCHEMA, reset_postgres
from tests.fakebotapi import FakeBotAPI, bot_command_entities
from tests.feedserver import FeedServer, Route
from tests.helpers import Clock

SEED = int(os.environ.get("UDBUDSBOT_FUZZ_SEED", "20261130"))
UPDATES = int(os.environ.get("UDBUDSBOT_FUZZ_UPDATES", "1500"))
BOT_USERNAME = "udbudsbot_test_bot"

USERS = [8_100_000_001 + i for i in range(40)]
GROUPS = [-1_001_700_000_001, -4_200_000_017]
CHANNEL = -1_001_800_000_099
# Staff-only commands and buttons (those registered are fuzzed): anyone else must get
# exactly what an unknown command gets, and a silent answer to a button.
STAFF_COMMANDS = (
    "broadcast",
    "broadcasts",
    "broadcast_now",
    "stats",
    "staff",
    "chart",
    "requests",
    "audit",
    "svar",
    "match",
    "profiler",
)
STAFF_BUTTONS = ("bc:", "ent:", "mt:")

ODD = [
    "\u200f",  # right-to-left mark
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "👩\u200d👩\u200d👧\u200d👦",  # a family: one glyph, seven code points
    "🏳️\u200d🌈",
    "🇩🇰",
    "e\u0301\u0301\u0301",  # stacked combining accents
    "\x00",  # Telegram strips it, but the bot must not depend on that (PostgreSQL refuses it in text)
    "\x01",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\u0085",
    "\u2028",
    "\u2029",
    "\t",
    "\n",
    "\r\n",
    "<b>",
    "</code>",
    "<a href='javascript:alert(1)'>",
    "&amp;",
    "&",
    "&#0;",
    "<",
    ">",
    '"',
    "'",
    "\\",
    "%s",
    "{0}",
    "{name}",
    "${x}",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "1e309",
    "9" * 400,
    "2 mio",
    "500.000",
    "1,5",
    "ørkenrøæå",
    "ÆØÅ",
    "İstanbul",
    "ß",
    "ﬁ",
    "Ⅻ",
    "٣٤٥",  # Arabic-Indic digits
    "١٠٠٠٠٠",
    "עברית",
    "العربية",
    "中文字符",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "rengøring",
    "kantine",
    "-vagt",
    "alle",
    "mulig",
    "oplagt",
    "dagligt 7",
    "ugentligt",
    "straks",
    "en",
    "da",
    "ingen",
    "none",
    "it, cleaning",
    "/start",
    "@" + BOT_USERNAME,
]
WORDS = ["hvornår", "åbent", "telefontid", "mentor", "rådgivning", "udbud", "hjælp", "open", "hours", "frist", "nu"]
CALLBACK_PREFIXES = ("n:", "m:", "c:", "s:", "faq:", "del:")


def odd_text(rng: random.Random, *, max_len: int = 200) -> str:
    """Random text made of odd pieces, words and random code points."""
    parts: list[str] = []
    target = rng.choice([0, 1, 3, 10, 40, max_len])
    while sum(len(p) for p in parts) < target:
        kind = rng.random()
        if kind < 0.4:
            parts.append(rng.choice(ODD))
        elif kind < 0.7:
            parts.append(rng.choice(WORDS))
        elif kind < 0.85:
            parts.append(" ")
        else:  # any code point outside the surrogates (Telegram sends valid UTF-8 only)
            cp = rng.randrange(1, 0x30000)
            parts.append(chr(cp) if not 0xD800 <= cp <= 0xDFFF else "x")
    return "".join(parts)


def huge_text(rng: random.Random) -> str:
    unit = rng.choice(["ø", "👩\u200d👩\u200d👧", "\u200f<b>&", "a" * 10 + " ", "ﷺ", "\u0301"])
    return (unit * (rng.randrange(4096, 12000) // len(unit) + 1))[: rng.randrange(4000, 12000)]


@dataclass
class Expectation:
    chat: int
    what: str  # a staff command's name, or a staff button's data, or what was sent
    query_id: str | None = None  # for a button
    kind: str = "staff"  # staff: the unknown-command reply; admin_only: refused; silent; not_text


# Commands that change or end a group's subscription or delete its data: administrators only.
# The first four with or without arguments; the settings commands when they have some.
ADMIN_ALWAYS = ("stop", "pause", "resume", "deletemydata")
ADMIN_WITH_ARGS = ("keywords", "maxvalue", "level", "digest", "language", "categories")
MEDIA = ("sticker", "voice", "location", "contact", "photo", "video_note", "dice", "animation")
CAPTIONED = ("photo", "document", "video")


@dataclass
class Fuzz:
    app: Application  # type: ignore[type-arg]
    api: FakeBotAPI
    clock: Clock
    rng: random.Random
    commands: list[str]
    staff_commands: list[str]
    prefixes: list[str]
    notice_ids: list[int] = field(default_factory=list)
    buttons: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # chat -> (message id, data)
    user_messages: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    channel_message_id: int = 10_000
    offset: int | None = None
    errors: list[tuple[Any, BaseException]] = field(default_factory=list)
    pushed: int = 0
    admins: dict[int, set[int]] = field(default_factory=dict)  # group -> its administrators

    @property
    def deps(self) -> Deps:
        deps = self.app.bot_data.deps
        assert deps is not None
        return deps

    async def process(self) -> None:
        """Fetch what was queued (getUpdates, as the Updater does) and process it concurrently."""
        while True:
            updates = await self.app.bot.get_updates(offset=self.offset, timeout=0, limit=100)
            if not updates:
                return
            self.offset = updates[-1].update_id + 1
            await asyncio.gather(*(self.app.process_update(u) for u in updates))

    # -------------------------------------------------------------------- making updates

    def message(self, chat: int, text: str, *, user: int | None = None, lang: str | None = "da") -> None:
        name = self.rng.choice(["Test", "Ærø Ånd", odd_text(self.rng, max_len=60) or "x", "\u202eevil"])
        msg = self.api.push_message(
            chat,
            text,
            user_id=user,
            first_name=name[:64] or "x",
            username=self.rng.choice([None, "user_" + str(abs(chat))[-6:]]),
            language_code=lang,
        )
        self.user_messages.setdefault(chat, []).append(msg)
        self.pushed += 1

    def command_text(self, name: str) -> str:
        rng = self.rng
        head = "/" + (name if rng.random() < 0.9 else name.upper())
        if rng.random() < 0.1:
            head += "@" + rng.choice([BOT_USERNAME, "some_other_bot"])
        r = rng.random()
        if r < 0.3:
            return head
        if r < 0.9:
            return head + " " + odd_text(rng)
        return head + " " + huge_text(rng)

    def random_command(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.7:
            return self.command_text(rng.choice(self.commands))
        if r < 0.85 and self.staff_commands:
            return self.command_text(rng.choice(self.staff_commands))
        made_up = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_0123456789") for _ in range(rng.randrange(1, 33)))
        return self.command_text(made_up)

    def callback_data(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.1:  # anything at all, 1-64 bytes
            data = odd_text(rng, max_len=64) or "x"
        else:
            prefix = rng.choice([*self.prefixes, *STAFF_BUTTONS])
            tail_kind = rng.random()
            if tail_kind < 0.4 and self.notice_ids:
                action = rng.choice(["d", "r", "x", "m", "a", "", "dd", "z", "D"])
                nid = rng.choice([*self.notice_ids, 0, -1, 10**18, 2**63, rng.randrange(1, 10**6)])
                data = f"{prefix}{action}:{nid}"
            elif tail_kind < 0.7:
                data = prefix + rng.choice(
                    [
                        "cat",
                        "val",
                        "lvl",
                        "dlv",
                        "lang",
                        "main",
                        "kw",
                        "valtype",
                        "open",
                        "done",
                        "lvl:all",
                        "lvl:suitable",
                        "val:100000",
                        "val:none",
                        "val:-5",
                        "val:" + "9" * 40,
                        "dlv:daily",
                        "dlv:weekly:25",
                        "lang:en",
                        "lang:xx",
                        "cleaning",
                        "it",
                        "nonexistent",
                        "yes",
                        "no",
                        f"yes:{int(self.clock().timestamp())}:{rng.choice(USERS)}",
                        "yes:0:0",
                        "yes:99999999999999999999:1",
                        "mentor",
                        "hours",
                        "",
                        ":",
                        "::::",
                    ]
                )
            else:
                data = prefix + odd_text(rng, max_len=40)
        raw = data.encode("utf-8")[:64]
        return raw.decode("utf-8", "ignore") or "x"

    def refresh_buttons(self) -> None:
        """The buttons of the bot's messages in every chat, as they are now."""
        self.buttons = {}
        for message in self.api.sent():
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if "callback_data" in button:
                        self.buttons.setdefault(message["chat"]["id"], []).append(
                            (message["message_id"], button["callback_data"])
                        )

    def callback(self, chat: int, *, user: int | None = None) -> Expectation | None:
        rng = self.rng
        lang = rng.choice(["da", "en"])
        real = self.buttons.get(chat)
        r = rng.random()
        if real and r < 0.35:  # a real button, as the user sees it
            message_id, data = rng.choice(real)
        elif real and r < 0.55:  # a real message, another button's data (e.g. another notice's id)
            message_id = rng.choice(real)[0]
            other = rng.choice([c for c in self.buttons if self.buttons[c]])
            data = rng.choice(self.buttons[other])[1] if rng.random() < 0.5 else self.callback_data()
        else:  # anything, on any message id (most do not exist, or are the user's own)
            known = len(self.user_messages.get(chat, [])) * 3 + 5
            message_id = rng.choice([rng.randrange(1, known), rng.randrange(1, known), 10**6, 1])
            data = self.callback_data()
        query_id = self.api.push_forged_callback(chat, data, message_id=message_id, user_id=user, language_code=lang)
        self.pushed += 1
        return Expectation(chat, data, query_id) if data.startswith(STAFF_BUTTONS) else None

    def media(self, chat: int, *, user: int | None, lang: str | None) -> Expectation | None:
        """A photo, document or video with a caption (read as text), or something without
        text: a sticker, voice note, location, contact, dice, a photo without a caption."""
        rng = self.rng
        if rng.random() < 0.4:
            kind = rng.choice(CAPTIONED)
            caption = odd_text(rng, max_len=1024)[:1024] or rng.choice(WORDS)
            self.api.push_media(chat, kind, caption=caption, user_id=user, language_code=lang)
            self.pushed += 1
            return None
        self.api.push_media(chat, rng.choice(MEDIA), user_id=user, language_code=lang)
        self.pushed += 1
        return Expectation(chat, "media", kind="not_text" if chat > 0 else "silent")

    def double_tap(self, chat: int, *, user: int | None) -> bool:
        """Two presses of a real button, both carrying the message as it is now."""
        real = self.buttons.get(chat)
        if not real:
            return False
        message_id, data = self.rng.choice(real)
        try:
            self.api.double_tap(chat, data, message_id=message_id, user_id=user)
        except KeyError:  # the message has changed since the buttons were looked at
            return False
        self.pushed += 2
        return True

    def edited(self, chat: int) -> bool:
        earlier = self.user_messages.get(chat)
        if not earlier:
            return False
        msg = dict(self.rng.choice(earlier))
        text = self.random_command() if self.rng.random() < 0.5 else odd_text(self.rng)
        msg.update(text=text, edit_date=int(self.clock().timestamp()))
        msg.pop("entities", None)
        entities = bot_command_entities(text)
        if entities:
            msg["entities"] = entities
        self.api.push_update({"edited_message": msg})
        self.pushed += 1
        return True

    def no_user(self, in_chat: int) -> Expectation | None:
        """A channel post, a post's edit, a sticker, or a change of the bot's membership."""
        rng = self.rng
        self.channel_message_id += 1
        chat = {"id": CHANNEL, "type": "channel", "title": "Kanal"}
        post = {
            "message_id": self.channel_message_id,
            "chat": chat,
            "date": int(self.clock().timestamp()),
            "sender_chat": chat,
            "text": rng.choice(["/start", "/help", "hej", "/deletemydata", odd_text(rng) or "x"]),
        }
        entities = bot_command_entities(post["text"])
        if entities:
            post["entities"] = entities
        kind = rng.choice(["channel_post", "edited_channel_post", "sticker", "member"])
        if kind == "sticker":  # in the batch's own chat: one update per chat and batch
            self.api.push_media(in_chat, "sticker", user_id=rng.choice(USERS) if in_chat < 0 else None)
            self.pushed += 1
            return Expectation(in_chat, "sticker", kind="not_text" if in_chat > 0 else "silent")
        elif kind == "member":
            user = rng.choice(USERS)
            who = {"id": user, "is_bot": False, "first_name": "T"}
            bot_user = {"id": self.api.bot_id, "is_bot": True, "first_name": "B", "username": BOT_USERNAME}
            self.api.push_update(
                {
                    "my_chat_member": {
                        "chat": {"id": user, "type": "private", "first_name": "T"},
                        "from": who,
                        "date": int(self.clock().timestamp()),
                        "old_chat_member": {"status": "member", "user": bot_user},
                        "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
                    }
                }
            )
        else:
            self.api.push_update({kind: post} if kind == "channel_post" else {kind: {**post, "edit_date": 1}})
        self.pushed += 1
        return None

    def one(self, chat: int) -> Expectation | None:
        """One random update from ``chat``; returns what must come of it, if that is known."""
        rng = self.rng
        is_group = chat < 0
        user = rng.choice(USERS) if is_group else (rng.choice(USERS) if rng.random() < 0.03 else None)
        lang = rng.choice(["da", "da", "en", None, "de"])
        r = rng.random()
        if r < 0.42:
            text = self.random_command()
            admins = self.admins.get(chat, set())
            anonymous = is_group and user in admins and rng.random() < 0.2
            if anonymous:
                self.api.push_message(chat, text, user_id=user, language_code=lang, anonymous_admin=True)
                self.pushed += 1
            else:
                self.message(chat, text, user=user, lang=lang)
            name = text[1:].split(maxsplit=1)[0].split("@")[0] if text.startswith("/") else ""
            addressed = "@" not in text.split(maxsplit=1)[0] or f"@{BOT_USERNAME}" in text.split(maxsplit=1)[0]
            if name in self.staff_commands and addressed:
                return Expectation(chat, name)
            changes = name.lower() in ADMIN_ALWAYS or (
                name.lower() in ADMIN_WITH_ARGS and " ".join(text.split()[1:]).strip()
            )
            if is_group and addressed and changes and user not in admins:
                return Expectation(chat, name, kind="admin_only")
            return None
        if r < 0.57:
            text = huge_text(rng) if rng.random() < 0.1 else odd_text(rng)
            self.message(chat, text or "?", user=user, lang=lang)
        elif r < 0.65:
            return self.media(chat, user=user, lang=lang)
        elif r < 0.90:
            if rng.random() < 0.1 and self.double_tap(chat, user=user):
                return None
            return self.callback(chat, user=user)
        elif r < 0.96:
            if self.edited(chat):
                return Expectation(chat, "edit", kind="silent")
            self.message(chat, odd_text(rng) or "?", user=user, lang=lang)
        else:
            return self.no_user(chat)
        return None


def callback_prefixes(app: Application) -> list[str]:  # type: ignore[type-arg]
    """The literal prefixes of every CallbackQueryHandler pattern (``^[mcs]:`` gives three)."""
    found = set(CALLBACK_PREFIXES)
    for handlers in app.handlers.values():
        for h in handlers:
            if isinstance(h, CallbackQueryHandler) and isinstance(h.pattern, re.Pattern):
                m = re.match(r"\^(\[[^\]]+\]|[^\\\[\](){}.*+?|$^]+)+", h.pattern.pattern)
                if not m:
                    continue
                literal = h.pattern.pattern[1 : m.end()]
                options = [""]
                for part in re.findall(r"\[[^\]]+\]|[^\[]", literal):
                    chars = part[1:-1] if part.startswith("[") else part
                    options = [o + c for o in options for c in chars]
                found.update(options)
    return sorted(found)


def registered_commands(app: Application) -> set[str]:  # type: ignore[type-arg]
    return {c for hs in app.handlers.values() for h in hs if isinstance(h, CommandHandler) for c in h.commands}


@asynccontextmanager
async def bot_without_polling(db_url: str, api: FakeBotAPI, source: SourceSettings, clock: Clock) -> AsyncIterator[Any]:
    settings = bot_settings(db_url, api, source)
    schema = PG_SCHEMA if db_url.startswith("postgresql") else None
    app = build_application(settings, api.token, clock=clock, schedule_jobs=False, db_schema=schema)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    await app.start()
    try:
        yield app
    finally:
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


def notice_item(i: int) -> dict[str, str]:
    kinds = [
        ("90910000-9", "rengøring af skoler"),
        ("55500000", "kantinedrift"),
        ("72000000", "IT-drift"),
        ("77310000", "grøn pleje af parker"),
    ]
    cpv, what = kinds[i % len(kinds)]
    return {
        "guid": f"fz-{i}",
        "title": f"Fuzzudbud{i:02d} {what}",
        "description": f"Opgaven omfatter {what}.",
        "buyer": "Roskilde Kommune",
        "deadline": "2027-02-01T12:00:00+01:00",
        "value": str(100_000 * (i + 1)),
        "cpv": cpv,
        "type": "competition",
    }


async def setup(fz: Fuzz, feed: FeedServer) -> set[tuple[int, int]]:
    """Subscribers with settings, notices, and alerts delivered: what each chat was sent."""
    fz.admins = {GROUPS[0]: set(USERS[:3]), GROUPS[1]: set(USERS[3:5])}
    for group, admins in fz.admins.items():
        fz.api.set_chat_admins(group, sorted(admins))
    feed.routes["/feed.xml"] = Route(body=rss([notice_item(i) for i in range(3)]))
    await poll_due_sources(fz.deps.rt, force=True)  # baseline: stored silently
    for chat in [*USERS[:36], GROUPS[0]]:
        fz.message(chat, "/start", user=USERS[0] if chat < 0 else None)
    await fz.process()
    for i, chat in enumerate(USERS[:30]):
        fz.message(chat, ["/keywords rengøring, kantine", "/categories it", "/level alle", "/digest straks"][i % 4])
    # Alerts that are stored but not sent: held during a pause, or waiting for the daily digest.
    for chat in USERS[30:33]:
        fz.message(chat, "/pause")
    for chat in USERS[33:36]:
        fz.message(chat, "/digest dagligt 23")
    fz.api.push_message(USERS[36], "/start", first_name="Nul\x00Navn\x01")  # PostgreSQL refuses NUL in text
    await fz.process()
    fz.clock.advance(minutes=5)
    feed.routes["/feed.xml"] = Route(body=rss([notice_item(i) for i in range(12)]))
    await poll_due_sources(fz.deps.rt, force=True)
    await drain_outbox(fz.deps.rt, fz.deps.notifier, RateLimiter(1000, 0.0))
    async with fz.deps.rt.db.sessions() as s:
        fz.notice_ids = list((await s.scalars(select(NoticeRow.id))).all())
        rows = (
            await s.execute(
                select(Subscriber.chat_id, OutboxRow.notice_id)
                .join(Subscriber, Subscriber.id == OutboxRow.subscriber_id)
                .where(OutboxRow.status == "sent", OutboxRow.notice_id.is_not(None))
            )
        ).all()
        stored = (await s.execute(select(OutboxRow.id).where(OutboxRow.notice_id.is_not(None)))).all()
    assert len(rows) < len(stored), "some alerts should be held, or waiting for a digest"
    return {(c, n) for c, n in rows if n is not None}


@pytest.fixture
async def fuzz_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


@pytest.mark.timeout(900)  # about 30 s on a quiet 2-core machine; much more while other suites run
async def test_random_updates_break_nothing(fuzz_db: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer) -> None:
    api = fake_bot_api
    # PostgreSQL gets a fifth of the updates: what differs there is the database, not the bot.
    count = UPDATES if fuzz_db.startswith("sqlite") else max(300, UPDATES // 5)
    clock = Clock(datetime.fromisoformat("2026-11-30T09:00:00+00:00"))
    source = SourceSettings(name="feed", kind="rss", url=feed_server.url("/feed.xml"))
    started = time.monotonic()
    async with bot_without_polling(fuzz_db, api, source, clock) as app:
        rng = random.Random(SEED)
        commands = sorted(registered_commands(app))
        fz = Fuzz(
            app,
            api,
            clock,
            rng,
            commands=[c for c in commands if c not in STAFF_COMMANDS],
            staff_commands=[c for c in commands if c in STAFF_COMMANDS],
            prefixes=callback_prefixes(app),
        )

        async def record(update: object, context: Context) -> None:
            fz.errors.append((update, context.error))  # type: ignore[arg-type]

        app.add_error_handler(record)
        received = await setup(fz, feed_server)
        assert len(received) >= 20 and not fz.errors, fz.errors
        calls_before = len(api.calls)
        chats = [*USERS, *GROUPS]
        expectations: list[tuple[Expectation, list[str]]] = []
        rounds = 0
        migrated = False
        while fz.pushed < count:
            if not migrated and fz.pushed >= count // 2:  # a group is upgraded to a supergroup
                migrated = True
                new_group = api.migrate_group(GROUPS[1], user_id=USERS[3])
                fz.admins[new_group] = fz.admins[GROUPS[1]]
                chats = [new_group if c == GROUPS[1] else c for c in chats]
                await fz.process()
            if rounds % 25 == 0:
                fz.refresh_buttons()
            rounds += 1
            batch = rng.sample(chats, k=min(len(chats), 30))
            wanted = [e for e in (fz.one(chat) for chat in batch) if e is not None]
            mark = len(api.calls)
            await fz.process()
            if rng.random() < 0.02:
                clock.advance(minutes=rng.choice([1, 11, 60 * 24]))
            if wanted:
                new = api.calls[mark:]
                for e in wanted:
                    said = [
                        f"{c.method}: {c.params.get('text')}"
                        for c in new
                        if str(c.params.get("chat_id")) == str(e.chat)
                        or (e.query_id is not None and c.params.get("callback_query_id") == e.query_id)
                    ]
                    expectations.append((e, said))
        elapsed = time.monotonic() - started
        print(f"fuzz: {fz.pushed} updates in {elapsed:.1f} s (seed {SEED})")

        # 1. Nothing reached the error handler.
        assert not fz.errors, summary(fz.errors)

        # 2. Every call was accepted: each accepted call leaves a trace at the fake.
        def calls(*methods: str) -> int:
            return sum(len(api.calls_to(m)) for m in methods)

        assert calls("sendMessage", "sendDocument", "sendPhoto") == len(api.sent(include_deleted=True))
        edit_calls = Counter(
            (c.method, str(c.params.get("chat_id")), int(c.params.get("message_id") or 0))
            for c in api.calls
            if c.method in ("editMessageText", "editMessageReplyMarkup")
        )
        edits_done = Counter((e.method, str(e.chat_id), e.message_id) for e in api.edits)
        refused = edit_calls - edits_done
        assert not refused, [c.params for c in api.calls if (c.method, str(c.params.get("chat_id")),
                             int(c.params.get("message_id") or 0)) in refused][:5]  # fmt: skip
        assert calls("answerCallbackQuery") == len(api.callback_answers)
        assert calls("sendDocument") == len(api.documents)
        assert len(api.calls) - calls_before >= count // 2

        # 3. Within Telegram's limits (the fake refuses more; this says so plainly).
        assert all(len(m.get("text", "")) <= 4096 for m in api.sent(include_deleted=True))
        assert all(len(a.text or "") <= 200 for a in api.callback_answers)

        # 4. Nobody acted on a notice they were not sent.
        await assert_only_received_notices(fz, received, calls_before)

        # 5. Staff commands and buttons from non-staff users: the unknown-command reply, a silent answer.
        unknown = {f"sendMessage: {DA['unknown_command']}", f"sendMessage: {EN['unknown_command']}"}
        staff = [(e, said) for e, said in expectations if e.kind == "staff"]
        for e, said in staff:
            if e.query_id is None:
                assert said and all(s in unknown for s in said), (e, said)
            else:
                assert said == ["answerCallbackQuery: None"], (e, said)
        if fz.staff_commands:  # enough of each to have tested something (a fifth of the updates on PostgreSQL)
            assert sum(e.query_id is None for e, _ in staff) >= min(10, count // 40)
            assert sum(e.query_id is not None for e, _ in staff) >= min(10, count // 40)

        # 6. Groups: a member who is no administrator changes nothing, and is told who can.
        not_subscribed = {f"sendMessage: {DA['not_subscribed']}", f"sendMessage: {EN['not_subscribed']}"}
        refusals = [(e, said) for e, said in expectations if e.kind == "admin_only"]
        for e, said in refusals:
            sent = [m for m in said if m.startswith("sendMessage")]  # asking Telegram who the admins are is fine
            assert len(sent) == 1 and ("administrator" in sent[0] or sent[0] in not_subscribed), (e, said)
        # Enough refusals to have tested something. Which of the two answers each got depends on
        # whether an administrator had stopped the group before (the random stream follows the
        # buttons the bot sent, so it is not the same from run to run); the "only administrators"
        # wording itself is checked deterministically in tests/test_real_use.py.
        assert len(refusals) >= count // 500, len(refusals)
        assert migrated and new_group in {c for c in chats}

        # 7. Edits get no answer; a sticker gets the short reply in a private chat, nothing in a group.
        not_text = {f"sendMessage: {DA['not_text']}", f"sendMessage: {EN['not_text']}"}
        for e, said in expectations:
            if e.kind == "silent":
                assert said == [], (e, said)
            elif e.kind == "not_text":
                assert len(said) == 1 and said[0] in not_text, (e, said)
        assert sum(e.kind == "not_text" for e, _ in expectations) >= count // 100
        assert sum(e.kind == "silent" for e, _ in expectations) >= count // 100

        # 8. Nothing was ever sent into the channel.
        assert not [c for c in api.calls if str(c.params.get("chat_id")) == str(CHANNEL)]


def summary(errors: list[tuple[Any, BaseException]]) -> str:
    """One line per distinct error (type and message), with the first update that caused it."""
    seen: dict[str, str] = {}
    for update, error in errors:
        key = f"{type(error).__name__}: {str(error)[:120]}"
        if key not in seen:
            raw = update.to_dict() if isinstance(update, Update) else update
            seen[key] = repr(raw)[:600]
    return f"{len(errors)} errors (seed {SEED}):\n" + "\n".join(f"{k}\n    {v}" for k, v in seen.items())


async def assert_only_received_notices(fz: Fuzz, received: set[tuple[int, int]], calls_before: int) -> None:
    async with fz.deps.rt.db.sessions() as s:
        feedback = (
            await s.execute(
                select(Subscriber.chat_id, Feedback.notice_id).join(Subscriber, Subscriber.id == Feedback.subscriber_id)
            )
        ).all()
        reminders = (
            await s.execute(
                select(Subscriber.chat_id, OutboxRow.notice_id)
                .join(Subscriber, Subscriber.id == OutboxRow.subscriber_id)
                .where(OutboxRow.kind == "reminder")
            )
        ).all()
        titles = dict((await s.execute(select(NoticeRow.id, NoticeRow.title))).all())
        advice: list[Any] = []
        if "advice_requests" in Base.metadata.tables:
            from jobs.models import AdviceRequest

            advice = list(
                (
                    await s.execute(
                        select(Subscriber.chat_id, AdviceRequest.notice_id)
                        .join(Subscriber, Subscriber.id == AdviceRequest.subscriber_id)
                        .where(AdviceRequest.notice_id.is_not(None))
                    )
                ).all()
            )
    assert feedback, "the fuzzer never gave feedback: it tests too little"
    assert {(c, n) for c, n in feedback} <= received
    assert {(c, n) for c, n in reminders} <= received
    assert {(c, n) for c, n in advice} <= received
    # details (and anything else naming a notice) only went to chats that got the notice,
    # or to the staff chat (an advice request about it; checked above)
    by_title = {t.split()[0]: nid for nid, t in titles.items() if t.startswith("Fuzzudbud")}
    staff_chat = str(fz.deps.settings.telegram.staff_chat_id)
    for call in fz.api.calls[calls_before:]:
        if call.method != "sendMessage" or str(call.params.get("chat_id")) == staff_chat:
            continue
        text = str(call.params.get("text", ""))
        for word in re.findall(r"Fuzzudbud\d\d", text):
            assert (int(str(call.params.get("chat_id"))), by_title[word]) in received, text[:200]


def test_staff_commands_are_not_public() -> None:
    """The staff commands the fuzzer checks must not be in the public command list."""
    assert not set(STAFF_COMMANDS) & set(COMMANDS)
