"""A fake Telegram Bot API server on loopback, for end-to-end tests of the bot.

The bot under test is a real python-telegram-bot ``Application`` that talks HTTP to this
server, exactly as it talks to api.telegram.org::

    api = FakeBotAPI().start()
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)            # "http://127.0.0.1:PORT/bot"; PTB appends the token
        .base_file_url(api.base_file_url)  # "http://127.0.0.1:PORT/file/bot"
        .build()
    )
    ...
    msg = api.push_message(42, "/start")          # a user writes to the bot
    sent = await api.wait_for_sent(42, 1)         # the bot's reply, as Telegram stored it
    api.stop()

What it does, and why:

* Serves ``POST|GET /bot<token>/<method>`` with form, multipart or JSON bodies (PTB 22's
  ``HTTPXRequest`` sends ``application/x-www-form-urlencoded``, or ``multipart/form-data`` when
  a file is uploaded; non-string values arrive JSON-encoded). A wrong token answers 401.
* Runs in a background thread (``ThreadingHTTPServer``), so it keeps answering while the
  test's event loop is blocked in an ``await``; long polling blocks only a server thread.
* Enforces Telegram's limits the way the real server (TDLib) does, so a bot that passes here
  does not fail in production: HTML parse mode is parsed with TDLib's rules (allowed tags,
  nesting, attribute syntax, error texts with UTF-8 byte offsets), text is 1-4096 characters
  *after* entity parsing and trimming, captions 0-1024, callback_data 1-64 bytes, callback
  answers 0-200 characters, edits of missing or unchanged messages are refused.
  One deliberate difference: with ``strict_html_entities=True`` (the default) an ``&`` that
  does not start ``&lt; &gt; &amp; &quot;`` or a numeric reference is refused, where Telegram
  shows it literally; a bare ``&`` almost always means feed text was not escaped.
* Fault injection, thread-safe and counted: :meth:`fail` (any status and description, JSON or
  plain body, optionally per chat), :meth:`block` (403 "bot was blocked by the user"),
  :meth:`reset_connections` (close the socket with a TCP reset instead of answering, before or
  after the call took effect), :meth:`flood_limit` (429 with ``retry_after`` when the bot sends
  faster than a sliding-window rate), :meth:`delay`.
* Groups as Telegram has them: administrators and members (:meth:`set_chat_admins`,
  :meth:`add_chat_member`), answered by ``getChatMember`` and ``getChatAdministrators``; an
  administrator posting anonymously (``anonymous_admin``: the message comes from
  GroupAnonymousBot with the group as ``sender_chat``); a group upgraded to a supergroup
  (:meth:`migrate_group`: the two service messages, then the old id answers 400 "group chat was
  upgraded to a supergroup chat" with ``migrate_to_chat_id``).
* Button presses as clients make them: :meth:`push_callback` presses a button that is on the
  message's keyboard and carries the message as the user saw it then; :meth:`double_tap`
  delivers two presses that both carry the same (pre-edit) message, as Telegram does when a
  user taps twice before the bot's edit arrives.
* Driving and observing: :meth:`push_message`, :meth:`push_media` (photos, documents, stickers,
  voice, locations, contacts; captions), :meth:`push_edit` (a user edits a message),
  :meth:`push_channel_post`, :meth:`push_callback`, :meth:`double_tap`, :meth:`push_forged_callback`,
  :meth:`push_update`;
  :attr:`calls`, :meth:`sent`, :meth:`messages_to`, :meth:`last_text`, :attr:`edits`,
  :attr:`commands`, :attr:`callback_answers`, :attr:`documents`, :meth:`wait_for`,
  :meth:`wait_until`, :meth:`wait_for_sent`.

Not modelled: privacy mode in groups (every group message reaches the bot), uploading media
other than documents and photos, inline mode, payments, automatic ``url``/``mention``
entities in bot messages, Markdown parse modes (accepted and stored unparsed).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

DEFAULT_TOKEN = "123456789:AAF-fake-token-for-udbudsbot-tests"

TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_DATA_MAX_BYTES = 64
CALLBACK_ANSWER_MAX = 200
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
PHOTO_MAX_BYTES = 10 * 1024 * 1024

# Methods that put a message into a chat or change one; they count towards flood limits and
# are refused for blocked chats.
SENDING_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto", "editmessagetext", "editmessagereplymarkup"})
CHAT_METHODS = SENDING_METHODS | {"sendchataction", "deletemessage"}

# Telegram delivers these only when asked for explicitly in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
    }
)
_INT_PARAMS = frozenset(
    {"offset", "limit", "message_id", "reply_to_message_id", "cache_time", "message_thread_id", "user_id"}
)
GROUP_ANONYMOUS_BOT = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"
ADMIN_STATUSES = ("creator", "administrator")
# Media a user can send, and a minimal object of each (as Telegram sends them).
_MEDIA: dict[str, Any] = {
    "photo": [{"file_id": "ph", "file_unique_id": "uph", "width": 640, "height": 480}],
    "document": {"file_id": "doc", "file_unique_id": "udoc", "file_name": "tilbud.pdf", "mime_type": "application/pdf"},
    "video": {"file_id": "vid", "file_unique_id": "uvid", "width": 640, "height": 480, "duration": 3},
    "animation": {"file_id": "gif", "file_unique_id": "ugif", "width": 64, "height": 64, "duration": 1},
    "audio": {"file_id": "aud", "file_unique_id": "uaud", "duration": 30},
    "voice": {"file_id": "voi", "file_unique_id": "uvoi", "duration": 4},
    "video_note": {"file_id": "vn", "file_unique_id": "uvn", "length": 240, "duration": 5},
    "sticker": {
        "file_id": "st",
        "file_unique_id": "ust",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    },
    "location": {"latitude": 55.6415, "longitude": 12.0803},
    "contact": {"phone_number": "+4512345678", "first_name": "Anna"},
    "dice": {"emoji": "🎲", "value": 4},
}
CAPTIONED = frozenset({"photo", "document", "video", "animation", "audio", "voice"})
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "allow_paid_broadcast",
        "show_caption_above_media",
        "has_spoiler",
    }
)

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": status, ...}``."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


# --------------------------------------------------------------------------------------------
# HTML parse mode, following TDLib's parse_html (td/telegram/MessageEntity.cpp), which is what
# the Bot API server runs: same tags, attribute rules and error messages (byte offsets are in
# the UTF-8 encoding of the text as sent).
# --------------------------------------------------------------------------------------------


class EntityParseError(ValueError):
    """Text that Telegram refuses with "can't parse entities: <message>"."""


_ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TAG_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# TDLib's is_space: note that NUL counts, which is how it notices the end of the text.
_TD_SPACE = frozenset(" \t\r\n\v\0")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HEX = frozenset("0123456789abcdefABCDEF")
_TYPE_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;``, ``&#NN;`` or ``&#xNN;`` at ``pos``.

    Returns the character and the position after the reference, or None; like TDLib the
    closing semicolon is optional.
    """
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    end = pos + 1
    if at(pos + 1) == "#":
        end += 1
        value = 0
        if at(pos + 2) == "x":
            end += 1
            while at(end) in _HEX:
                value = value * 16 + int(at(end), 16)
                end += 1
        else:
            while at(end).isascii() and at(end).isdigit():
                value = value * 10 + int(at(end))
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(value)
    else:
        while at(end).isascii() and at(end).isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if at(end) == ";":
        end += 1
    return char, end


def _checked_link(url: str) -> str | None:
    """The URL Telegram would store for ``<a href>``, or None when it drops the link."""
    url = url.strip()
    if not url:
        return None
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):(?!\d)", url)
    if scheme is None:
        url = "http://" + url  # Telegram accepts "example.com" and stores it with a scheme
    parts = urlsplit(url)
    if parts.scheme in ("tg", "ton"):
        return url
    if parts.scheme in ("http", "https", "ftp") and parts.hostname:
        return url
    return None


def parse_html(text: str, *, strict_entities: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram's HTML parse mode into ``(plain_text, entities)``.

    Raises EntityParseError with TDLib's message (without the "can't parse entities: " prefix)
    for markup Telegram refuses. With ``strict_entities`` an ``&`` that does not start a
    supported character reference is refused too (Telegram keeps it literally).
    """
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    def byte_offset(k: int) -> int:
        return len(text[:k].encode("utf-8", "surrogatepass"))

    out: list[str] = []
    utf16 = 0
    entities: list[dict[str, Any]] = []
    # tag name, argument, utf16 offset where the entity starts, index into out
    stack: list[tuple[str, str, int, int]] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                char, i = decoded
                out.append(char)
                utf16 += utf16_len(char) if not 0xD800 <= ord(char) <= 0xDFFF else 1
                continue
            if strict_entities:
                raise EntityParseError(
                    f"Unsupported HTML entity at byte offset {byte_offset(i)} (write &amp; for a literal &)"
                )
        if c != "<":
            out.append(c)
            utf16 += utf16_len(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != "/":
            # a start tag
            while at(i) not in _TD_SPACE and at(i) != ">":
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            tag = text[begin + 1 : i].lower()
            if tag not in _ALLOWED_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {byte_offset(begin)}')
            argument = ""
            while at(i) != ">":
                while i < n and at(i) in _TD_SPACE:
                    i += 1
                if at(i) == ">":
                    break
                attr_begin = i
                while at(i) not in _TD_SPACE and at(i) not in "=>":
                    i += 1
                attr_name = text[attr_begin:i]
                if not attr_name:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {byte_offset(begin)}'
                    )
                while i < n and at(i) in _TD_SPACE:
                    i += 1
                if at(i) != "=":
                    if tag == "blockquote" and attr_name.lower() == "expandable":
                        argument = "expandable"
                        continue
                    raise EntityParseError(
                        f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                        f"at byte offset {byte_offset(begin)}"
                    )
                i += 1
                while i < n and at(i) in _TD_SPACE:
                    i += 1
                if i >= n:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {byte_offset(begin)}')
                if at(i) not in "'\"":
                    # a name token: letters, digits, periods, hyphens; not case sensitive
                    token_begin = i
                    while at(i).isascii() and (at(i).isalnum() or at(i) in ".-"):
                        i += 1
                    value = text[token_begin:i].lower()
                    if at(i) not in _TD_SPACE and at(i) != ">":
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {byte_offset(token_begin)}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    chars: list[str] = []
                    while i < n and text[i] != quote:
                        if text[i] == "&":
                            decoded = _decode_html_entity(text, i)
                            if decoded is not None:
                                chars.append(decoded[0])
                                i = decoded[1]
                                continue
                        chars.append(text[i])
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(chars)
                if i >= n:
                    raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                if tag == "a" and attr_name == "href":
                    argument = value
                elif tag == "code" and attr_name == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr_name == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attr_name == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}')
            stack.append((tag, argument, utf16, len(out)))
            i += 1  # the '>'
            continue

        # an end tag
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
        while at(i) not in _TD_SPACE and at(i) != ">":
            i += 1
        end_tag = text[begin + 2 : i].lower()
        while i < n and at(i) in _TD_SPACE:
            i += 1
        if at(i) != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
        tag, argument, start, out_index = stack.pop()
        if end_tag and end_tag != tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {byte_offset(begin)}, expected "</{tag}>", found "</{end_tag}>"'
            )
        i += 1  # the '>'
        length = utf16 - start
        if length <= 0:
            continue
        entity: dict[str, Any] = {"offset": start, "length": length}
        keep = True
        if tag in _SIMPLE_TAG_TYPES:
            entity["type"] = _SIMPLE_TAG_TYPES[tag]
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=argument)
        elif tag == "a":
            url = argument or "".join(out[out_index:])
            mention = re.fullmatch(r"tg://user\?id=(\d+)", url.strip())
            link = None if mention else _checked_link(url)
            if mention:
                user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
                entity.update(type="text_mention", user=user)
            elif link is not None:
                entity.update(type="text_link", url=link)
            else:
                keep = False  # Telegram silently drops links it cannot use
        elif tag in ("pre", "code"):
            # <pre><code class="language-x">...</code></pre> is one "pre" entity with a language
            last = entities[-1] if entities else None
            same_span = last is not None and (last["offset"], last["length"]) == (start, length)
            if tag == "pre" and same_span and last is not None and last.get("_language"):
                last["type"] = "pre"
                last["language"] = last.pop("_language")
                keep = False
            elif tag == "code" and same_span and last is not None and last["type"] == "pre" and argument:
                last["language"] = argument
                keep = False
            else:
                entity["type"] = tag
                if tag == "code" and argument:
                    entity["_language"] = argument
        else:  # blockquote
            entity["type"] = "expandable_blockquote" if argument == "expandable" else "blockquote"
        if keep:
            entities.append(entity)

    if stack:
        raise EntityParseError(f"Can't find end tag corresponding to start tag {stack[-1][0]}")
    result = "".join(out)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in result):
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    for entity in entities:
        entity.pop("_language", None)
    return result, entities


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading and trailing whitespace as Telegram does, keeping entities aligned."""
    stripped = text.strip(" \t\r\n\v\f")
    lead = utf16_len(text[: len(text) - len(text.lstrip(" \t\r\n\v\f"))])
    total = utf16_len(stripped)
    fixed = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    fixed.sort(key=lambda e: (e["offset"], -e["length"], _TYPE_PRIORITY.get(e["type"], 50)))
    return stripped, fixed


# --------------------------------------------------------------------------------------------
# Records that tests read
# --------------------------------------------------------------------------------------------


class Call(NamedTuple):
    """One request as received: method name as sent, decoded parameters, monotonic time."""

    method: str
    params: dict[str, Any]
    time: float


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Edit:
    method: str
    chat_id: int | str
    message_id: int
    text: str | None  # the new text (plain, after parsing) for editMessageText
    reply_markup: dict[str, Any] | None
    time: float


@dataclass(frozen=True)
class Document:
    method: str  # "sendDocument" or "sendPhoto"
    chat_id: int | str
    message_id: int
    filename: str
    data: bytes | None  # None when a file_id or URL was sent instead of bytes
    caption: str | None
    content_type: str


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    chat_id: int | str
    message_id: int
    data: str
    text: str | None
    show_alert: bool
    url: str | None
    time: float


@dataclass(frozen=True)
class FloodEvent:
    method: str
    chat_id: int | str | None
    retry_after: int
    scope: str  # "global" or "chat"
    time: float


@dataclass
class _Failure:
    method: str
    status: int
    description: str
    retry_after: int | None
    chat_id: int | str | None
    remaining: int | None
    body: bytes | None
    content_type: str


@dataclass
class _Reset:
    method: str
    remaining: int | None
    after_processing: bool


@dataclass
class _Flood:
    global_rate: float | None
    chat_rate: float | None
    window: float
    sent_global: deque[float] = field(default_factory=deque)
    sent_chat: dict[str, deque[float]] = field(default_factory=dict)


def _capacity(rate: float, window: float) -> int:
    return max(1, math.floor(rate * window + 1e-9))


class _DropConnection(Exception):
    """Close the client's socket with a reset instead of answering."""


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


class FakeBotAPI:
    """A fake Bot API server; see the module docstring for the tour.

    All public methods are thread-safe. Message dicts returned by the observing methods are
    deep copies of what Telegram would hold (current text, entities, reply_markup, edit_date).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "udbudsbot_test_bot",
        bot_first_name: str = "Udbudsbot (test)",
        strict_html_entities: bool = True,
        strict_chats: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``strict_chats``: answer "chat not found" for chats no user has written from (as
        Telegram does for users who never started the bot); by default any positive id is a
        private chat. ``clock`` gives the Unix time used for message dates."""
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.strict_html_entities = strict_html_entities
        self.strict_chats = strict_chats
        self.clock = clock

        self._lock = threading.RLock()
        self._updates_changed = threading.Condition(self._lock)
        self.unauthorized: list[str] = []  # methods called with a wrong token (answered 401)
        self._stopping = False

        self._calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._request_local = threading.local()  # the connection of the request being handled
        self.conflicts = 0  # long polls terminated by a newer one while their client still waited

        self._chats: dict[int | str, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._members: dict[int | str, dict[int, str]] = {}  # group -> user -> status
        self._anonymous_admins: set[tuple[int | str, int]] = set()
        self._migrated: dict[int | str, int] = {}  # old group id -> its supergroup's id
        self._next_message_id: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._raw_texts: dict[tuple[int | str, int], tuple[str, str | None]] = {}
        self._bot_message_keys: list[tuple[int | str, int]] = []
        self._deleted: list[tuple[int | str, int]] = []
        self._edits: list[Edit] = []
        self._documents: list[Document] = []
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._callback_answers: list[CallbackAnswer] = []
        self._callback_ids = itertools.count(1)
        self._chat_actions: list[tuple[int | str, str]] = []
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.logged_out = False
        self.closed = False

        self._failures: list[_Failure] = []
        self._resets: list[_Reset] = []
        self._blocked: set[str] = set()
        self._delays: dict[str, float] = {}
        self._first_delays: dict[str, float] = {}  # method -> delay of its first call to each chat
        self._first_seen: set[tuple[str, str]] = set()
        self._flood: _Flood | None = None
        self._flood_events: list[FloodEvent] = []
        self.connection_resets = 0

        self._connections: set[socket.socket] = set()
        self._httpd = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-bot-api", daemon=True
        )
        self._started = False

    # ---------------------------------------------------------------- lifecycle and addresses

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token to it."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)`` (file downloads are not served)."""
        return f"{self.url}/file/bot"

    def start(self) -> FakeBotAPI:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake long polls and close open connections. Idempotent."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            self._updates_changed.notify_all()
            connections = list(self._connections)
        if self._started:
            self._httpd.shutdown()
        self._httpd.server_close()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._started:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------------ driving the bot

    def push_update(self, raw: dict[str, Any]) -> int:
        """Queue any Update dict for getUpdates; an ``update_id`` is added when missing.

        A message, channel post or edit in it that the server does not hold yet is stored, so
        that the bot can reply to it (as it can on Telegram)."""
        with self._lock:
            update = copy.deepcopy(raw)
            for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
                message = update.get(kind)
                if isinstance(message, dict) and "chat" in message and "message_id" in message:
                    key = self._key(message["chat"]["id"], message["message_id"])
                    self._messages.setdefault(key, copy.deepcopy(message))
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, int(update["update_id"])) + 1
            self._updates.append(update)
            self._updates_changed.notify_all()
            return int(update["update_id"])

    def push_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "da",
        reply_to_message_id: int | None = None,
        anonymous_admin: bool = False,
    ) -> dict[str, Any]:
        """A user writes ``text`` to the bot (a private chat for a positive ``chat_id``, a group
        for a negative one, from ``user_id``); returns the stored message.

        Bot commands get ``bot_command`` entities as Telegram adds them, so ``/start`` and
        ``/start@botname`` reach a CommandHandler. ``anonymous_admin``: a group administrator
        posting as the group (``from`` is GroupAnonymousBot, ``sender_chat`` the group).
        """
        with self._lock:
            message = self._user_message(
                chat_id, user_id, first_name, username, language_code, reply_to_message_id, anonymous_admin
            )
            message["text"] = text
            entities = bot_command_entities(text)
            if entities:
                message["entities"] = entities
            return self._deliver(message)

    def push_media(
        self,
        chat_id: int,
        kind: str,
        *,
        caption: str | None = None,
        user_id: int | None = None,
        first_name: str = "Test",
        language_code: str | None = "da",
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """A user sends a photo, document, video, voice note, sticker, location, contact, ...
        (``kind`` is the Message field), with a ``caption`` where Telegram allows one."""
        if kind not in _MEDIA:
            raise ValueError(f"unknown media kind {kind!r}; one of {sorted(_MEDIA)}")
        with self._lock:
            message = self._user_message(chat_id, user_id, first_name, None, language_code, reply_to_message_id, False)
            message[kind] = copy.deepcopy(_MEDIA[kind])
            if caption is not None:
                if kind not in CAPTIONED:
                    raise ValueError(f"a {kind} has no caption")
                message["caption"] = caption
                entities = bot_command_entities(caption)
                if entities:
                    message["caption_entities"] = entities
            return self._deliver(message)

    def push_edit(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits their message ``message_id``: Telegram sends an ``edited_message``."""
        with self._lock:
            stored = self._messages.get(self._key(chat_id, message_id))
            if stored is None or stored.get("from", {}).get("id") == self.bot_id:
                raise KeyError(f"no user message {message_id} in chat {chat_id}")
            stored["text"] = text
            stored.pop("entities", None)
            entities = bot_command_entities(text)
            if entities:
                stored["entities"] = entities
            stored["edit_date"] = int(self.clock())
            self.push_update({"edited_message": copy.deepcopy(stored)})
            return copy.deepcopy(stored)

    def push_channel_post(self, channel_id: int, text: str, *, title: str = "Kanal") -> dict[str, Any]:
        """A post in a channel the bot is in (no ``from``: the channel is the sender)."""
        with self._lock:
            chat = {"id": channel_id, "type": "channel", "title": title}
            self._chats[channel_id] = chat
            message: dict[str, Any] = {
                "message_id": self._new_message_id(channel_id),
                "sender_chat": copy.deepcopy(chat),
                "chat": copy.deepcopy(chat),
                "date": int(self.clock()),
                "text": text,
            }
            entities = bot_command_entities(text)
            if entities:
                message["entities"] = entities
            self._messages[(channel_id, message["message_id"])] = message
            self.push_update({"channel_post": message})
            return copy.deepcopy(message)

    def _user_message(
        self,
        chat_id: int,
        user_id: int | None,
        first_name: str,
        username: str | None,
        language_code: str | None,
        reply_to_message_id: int | None,
        anonymous_admin: bool,
    ) -> dict[str, Any]:
        if chat_id in self._migrated:
            raise KeyError(f"group {chat_id} was upgraded to supergroup {self._migrated[chat_id]}")
        user = self._user(user_id if user_id is not None else chat_id, first_name, username, language_code)
        chat = self._chat(chat_id, user)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": user,
            "chat": chat,
            "date": int(self.clock()),
        }
        if chat_id < 0:
            self._members.setdefault(chat_id, {}).setdefault(user["id"], "member")
            if anonymous_admin:
                if self._members[chat_id].get(user["id"]) not in ADMIN_STATUSES:
                    raise ValueError(f"user {user['id']} is no administrator of {chat_id}")
                self._anonymous_admins.add((chat_id, user["id"]))
                message["from"] = copy.deepcopy(GROUP_ANONYMOUS_BOT)
                message["sender_chat"] = copy.deepcopy(chat)
        if reply_to_message_id is not None:
            replied = self._messages.get((chat_id, reply_to_message_id))
            if replied is None:
                raise KeyError(f"no message {reply_to_message_id} in chat {chat_id}")
            message["reply_to_message"] = _without_reply(replied)
        return message

    def _deliver(self, message: dict[str, Any]) -> dict[str, Any]:
        self._messages[(message["chat"]["id"], message["message_id"])] = message
        self.push_update({"message": message})
        return copy.deepcopy(message)

    # ---------------------------------------------------------------------------- groups

    def set_chat_admins(
        self,
        chat_id: int,
        admins: list[int],
        *,
        creator: int | None = None,
        title: str | None = None,
        bot_is_admin: bool = False,
    ) -> None:
        """Make ``chat_id`` (negative) a group whose administrators are ``admins`` (the first,
        or ``creator``, created it); anyone else who writes there is a member."""
        if chat_id >= 0:
            raise ValueError("groups have negative ids")
        with self._lock:
            chat = self._chat(chat_id)
            if title is not None:
                chat["title"] = title
                self._chats[chat_id] = copy.deepcopy(chat)
            members = self._members.setdefault(chat_id, {})
            for uid, status in list(members.items()):
                if status in ADMIN_STATUSES:
                    members[uid] = "member"
            owner = creator if creator is not None else (admins[0] if admins else None)
            for uid in admins:
                members[uid] = "creator" if uid == owner else "administrator"
            if owner is not None and owner not in admins:
                members[owner] = "creator"
            if bot_is_admin:
                members[self.bot_id] = "administrator"

    def add_chat_member(self, chat_id: int, user_id: int, status: str = "member", *, first_name: str = "") -> None:
        """``status``: creator, administrator, member, restricted, left or kicked."""
        with self._lock:
            self._chat(chat_id)
            if first_name or user_id not in self._users:
                self._user(user_id, first_name or f"User {user_id}", None, None)
            self._members.setdefault(chat_id, {})[user_id] = status

    def migrate_group(self, old_id: int, new_id: int | None = None, *, user_id: int | None = None) -> int:
        """Upgrade group ``old_id`` to a supergroup (id ``new_id``, by default -100…): Telegram
        posts a service message with ``migrate_to_chat_id`` in the old group and one with
        ``migrate_from_chat_id`` in the new supergroup; afterwards the old id answers 400
        "group chat was upgraded to a supergroup chat". Returns the new id."""
        with self._lock:
            if old_id in self._migrated or old_id >= 0 or str(old_id).startswith("-100"):
                raise ValueError(f"{old_id} is not a group that can be upgraded")
            new = new_id if new_id is not None else int(f"-100{abs(old_id)}")
            old_chat = self._chat(old_id)
            members = self._members.get(old_id, {})
            who = user_id if user_id is not None else next((u for u, st in members.items() if st == "creator"), None)
            sender = copy.deepcopy(self._users.get(who, {"id": who, "is_bot": False, "first_name": "Test"}))
            if who is None:
                sender = copy.deepcopy(GROUP_ANONYMOUS_BOT)
            new_chat = {"id": new, "type": "supergroup", "title": old_chat.get("title", f"Chat {new}")}
            self._chats[new] = new_chat
            self._members[new] = dict(members)
            date = int(self.clock())
            to_msg = {
                "message_id": self._new_message_id(old_id),
                "from": sender,
                "chat": old_chat,
                "date": date,
                "migrate_to_chat_id": new,
            }
            self._messages[(old_id, to_msg["message_id"])] = to_msg
            from_msg = {
                "message_id": self._new_message_id(new),
                "from": copy.deepcopy(GROUP_ANONYMOUS_BOT),
                "sender_chat": copy.deepcopy(new_chat),
                "chat": copy.deepcopy(new_chat),
                "date": date,
                "migrate_from_chat_id": old_id,
            }
            self._messages[(new, from_msg["message_id"])] = from_msg
            self._migrated[old_id] = new
            self.push_update({"message": to_msg})
            self.push_update({"message": from_msg})
            return new

    def _chat_member(self, chat_id: int | str, user_id: int) -> dict[str, Any]:
        status = self._members.get(chat_id, {}).get(user_id, "left")
        user = copy.deepcopy(
            self.bot_user
            if user_id == self.bot_id
            else self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        )
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = (chat_id, user_id) in self._anonymous_admins
        elif status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=(chat_id, user_id) in self._anonymous_admins,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
            )
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(
                is_member=True,
                can_send_messages=True,
                can_send_audios=True,
                can_send_documents=True,
                can_send_photos=True,
                can_send_videos=True,
                can_send_video_notes=True,
                can_send_voice_notes=True,
                can_send_polls=True,
                can_send_other_messages=True,
                can_add_web_page_previews=True,
                can_change_info=False,
                can_invite_users=True,
                can_pin_messages=False,
                can_manage_topics=False,
                until_date=0,
            )
        return member

    def _get_chat_member(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        user_id = p.get("user_id")
        if not isinstance(user_id, int):
            raise _bad("invalid user_id specified")
        if isinstance(chat_id, int) and chat_id > 0:
            if user_id != chat_id and user_id != self.bot_id:
                raise _bad("user not found")
            return {"status": "member", "user": self._chat_member(chat_id, user_id)["user"]}
        if chat_id not in self._chats:
            raise _bad("chat not found")
        return self._chat_member(chat_id, user_id)

    def _get_chat_administrators(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        chat_id = self._target_chat(p)
        if isinstance(chat_id, int) and chat_id > 0:
            raise _bad("there are no administrators in the private chat")
        if chat_id not in self._chats:  # a group the bot is not in
            raise _bad("chat not found")
        members = self._members.get(chat_id, {})
        order = sorted(members, key=lambda u: (members[u] != "creator", u))
        return [self._chat_member(chat_id, u) for u in order if members[u] in ADMIN_STATUSES]

    def push_callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int,
        user_id: int | None = None,
        first_name: str = "Test",
        language_code: str | None = "da",
    ) -> str:
        """A user presses the inline button with ``data`` under the bot's message ``message_id``.

        The button must be on the message's keyboard as it is now (a client shows no other;
        use :meth:`push_forged_callback` for made-up data). ``query.message`` is the message as
        the user saw it when pressing (text, reply_markup, edit_date). Returns the query id.
        """
        with self._lock:
            message = self._pressable(chat_id, data, message_id)
            return self._press(chat_id, data, message, user_id, first_name, language_code)

    def double_tap(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int,
        user_id: int | None = None,
        first_name: str = "Test",
        language_code: str | None = "da",
    ) -> tuple[str, str]:
        """Two presses of the same button before the bot has answered the first: both carry
        the message as it was before any edit (the keyboard the user saw), as Telegram
        delivers a double tap. The bot may process them back to back or concurrently."""
        with self._lock:
            message = self._pressable(chat_id, data, message_id)
            first = self._press(chat_id, data, message, user_id, first_name, language_code)
            second = self._press(chat_id, data, message, user_id, first_name, language_code)
            return first, second

    def _pressable(self, chat_id: int, data: str, message_id: int) -> dict[str, Any]:
        message = self._messages.get((chat_id, message_id))
        if message is None or message["from"]["id"] != self.bot_id or (chat_id, message_id) in self._deleted:
            raise KeyError(f"the bot sent no message {message_id} to chat {chat_id}")
        shown = [
            b.get("callback_data")
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        if data not in shown:
            raise KeyError(f"no button {data!r} on message {message_id} in chat {chat_id} (it shows {shown})")
        return copy.deepcopy(message)

    def _press(
        self,
        chat_id: int,
        data: str,
        message: dict[str, Any],
        user_id: int | None,
        first_name: str,
        language_code: str | None,
    ) -> str:
        user = self._user(user_id if user_id is not None else chat_id, first_name, None, language_code)
        query_id = f"{self.bot_id}{next(self._callback_ids):08d}"
        self._callback_queries[query_id] = {
            "chat_id": chat_id,
            "message_id": message["message_id"],
            "data": data,
            "answered": False,
        }
        self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": copy.deepcopy(message),
                    "chat_instance": f"ci-{chat_id}",
                    "data": data,
                }
            }
        )
        return query_id

    def push_forged_callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int,
        user_id: int | None = None,
        first_name: str = "Test",
        language_code: str | None = "da",
    ) -> str:
        """A callback query a client makes up: any ``data``, for any ``message_id``. A message
        the bot did not send to ``chat_id`` (never, or deleted) arrives as Telegram's
        InaccessibleMessage (``date`` 0, chat and id only). The query can be answered like any
        other; returns its id."""
        with self._lock:
            key = self._key(chat_id, message_id)
            stored = self._messages.get(key)
            if stored is not None and stored["from"]["id"] == self.bot_id and key not in self._deleted:
                message = copy.deepcopy(stored)
            else:
                message = {"chat": self._chat(chat_id), "message_id": message_id, "date": 0}
            user = self._user(user_id if user_id is not None else chat_id, first_name, None, language_code)
            query_id = f"{self.bot_id}{next(self._callback_ids):08d}"
            self._callback_queries[query_id] = {
                "chat_id": chat_id,
                "message_id": message_id,
                "data": data,
                "answered": False,
            }
            self.push_update(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": user,
                        "message": message,
                        "chat_instance": f"ci-{chat_id}",
                        "data": data,
                    }
                }
            )
            return query_id

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed by the bot (confirmed = a later getUpdates offset)."""
        with self._lock:
            return len(self._updates)

    # ------------------------------------------------------------------------ fault injection

    def fail(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | str | None = None,
        times: int | None = 1,
        body: bytes | str | None = None,
        content_type: str = "text/html",
    ) -> None:
        """The next ``times`` calls of ``method`` ("*" for any; ``times=None`` for all until
        :meth:`clear_faults`), optionally only for ``chat_id``, answer ``status``.

        The answer is Telegram's JSON error with ``description`` (a typical one per status by
        default) and, for 429, ``parameters.retry_after`` (default 5). Give ``body`` to answer
        with that raw body instead, e.g. a proxy's HTML page for a 502.
        """
        if status == 429 and retry_after is None:
            retry_after = 5
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
        raw = body.encode() if isinstance(body, str) else body
        with self._lock:
            self._failures.append(
                _Failure(method.lower(), status, description, retry_after, chat_id, times, raw, content_type)
            )

    def block(self, chat_id: int | str) -> None:
        """The user blocked the bot: sends and edits to the chat answer 403 until :meth:`unblock`."""
        with self._lock:
            self._blocked.add(str(chat_id))

    def unblock(self, chat_id: int | str) -> None:
        with self._lock:
            self._blocked.discard(str(chat_id))

    def reset_connections(self, method: str, times: int | None = 1, *, after_processing: bool = False) -> None:
        """The next ``times`` calls of ``method`` ("*" for any) get a TCP reset, no answer.

        With ``after_processing`` the call takes effect first (a message is stored) and only
        the answer is lost, the case that makes a sender repeat a message.
        """
        with self._lock:
            self._resets.append(_Reset(method.lower(), times, after_processing))

    def flood_limit(
        self,
        per_second_global: float | None,
        per_chat_per_second: float | None = None,
        *,
        window: float = 1.0,
    ) -> None:
        """Answer 429 (``retry_after`` = whole seconds until the window frees) when the bot
        makes more than ``rate * window`` sending calls (sends and edits) in any sliding
        ``window`` seconds, globally or to one chat. ``None, None`` lifts the limits."""
        with self._lock:
            if per_second_global is None and per_chat_per_second is None:
                self._flood = None
            else:
                self._flood = _Flood(per_second_global, per_chat_per_second, window)

    def delay(self, method: str, seconds: float) -> None:
        """Answer calls of ``method`` ("*" for any) only after ``seconds``; 0 removes it."""
        with self._lock:
            if seconds > 0:
                self._delays[method.lower()] = seconds
            else:
                self._delays.pop(method.lower(), None)

    def delay_first_per_chat(self, method: str, seconds: float) -> None:
        """Answer the first call of ``method`` to each chat only after ``seconds`` (a request
        slowed on its way to Telegram; the next one to the chat arrives on time); 0 removes it."""
        with self._lock:
            if seconds > 0:
                self._first_delays[method.lower()] = seconds
            else:
                self._first_delays.pop(method.lower(), None)

    def clear_faults(self) -> None:
        """Remove every injected failure, reset, block, delay and flood limit."""
        with self._lock:
            self._failures.clear()
            self._resets.clear()
            self._blocked.clear()
            self._delays.clear()
            self._first_delays.clear()
            self._flood = None

    @property
    def flood_429s(self) -> int:
        """How many 429s the flood limit has answered."""
        with self._lock:
            return len(self._flood_events)

    @property
    def flood_events(self) -> list[FloodEvent]:
        with self._lock:
            return list(self._flood_events)

    # ------------------------------------------------------------------------------ observing

    @property
    def calls(self) -> list[Call]:
        """Every request received (including refused ones), in order."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method.lower() == method.lower()]

    def sent(self, chat_id: int | str | None = None, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """The bot's messages (all chats, or one), in the order sent, as they are now."""
        with self._lock:
            deleted = set(self._deleted)
            result = []
            for key in self._bot_message_keys:
                if chat_id is not None and str(key[0]) != str(chat_id):
                    continue
                if key in deleted and not include_deleted:
                    continue
                result.append(copy.deepcopy(self._messages[key]))
            return result

    def messages_to(self, chat_id: int | str) -> list[str]:
        """Texts (or captions) of the bot's messages to ``chat_id``, in order."""
        return [m.get("text", m.get("caption", "")) for m in self.sent(chat_id)]

    def last_message(self, chat_id: int | str) -> dict[str, Any] | None:
        messages = self.sent(chat_id)
        return messages[-1] if messages else None

    def last_text(self, chat_id: int | str) -> str | None:
        """The text as the user sees it (tags removed, references decoded), or None."""
        message = self.last_message(chat_id)
        return None if message is None else message.get("text", message.get("caption"))

    def last_html(self, chat_id: int | str) -> str | None:
        """The text parameter of the bot's last message to ``chat_id`` exactly as sent."""
        message = self.last_message(chat_id)
        if message is None:
            return None
        with self._lock:
            return self._raw_texts[(message["chat"]["id"], message["message_id"])][0]

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """Any stored message (the bot's or a user's), or None if absent or deleted."""
        with self._lock:
            key = self._key(chat_id, message_id)
            if key in self._deleted or key not in self._messages:
                return None
            return copy.deepcopy(self._messages[key])

    @property
    def deleted(self) -> list[tuple[int | str, int]]:
        with self._lock:
            return list(self._deleted)

    @property
    def edits(self) -> list[Edit]:
        with self._lock:
            return list(self._edits)

    @property
    def documents(self) -> list[Document]:
        with self._lock:
            return list(self._documents)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self._lock:
            return list(self._callback_answers)

    @property
    def chat_actions(self) -> list[tuple[int | str, str]]:
        with self._lock:
            return list(self._chat_actions)

    @property
    def commands(self) -> dict[str, list[dict[str, Any]]]:
        """setMyCommands for the default scope, by language code ("" = all languages)."""
        with self._lock:
            default = _scope_key(None)
            return {lang: copy.deepcopy(cmds) for (scope, lang), cmds in self._commands.items() if scope == default}

    def commands_for(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._commands.get((_scope_key(scope), language_code), []))

    # ------------------------------------------------------------------------------- waiting

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0, *, message: str = "condition") -> Any:
        """Await until ``predicate()`` is truthy and return its value; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{message} not met within {timeout} s")
            await asyncio.sleep(0.01)

    def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0, *, message: str = "condition") -> Any:
        """Blocking variant of :meth:`wait_for`, for code outside an event loop."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{message} not met within {timeout} s")
            time.sleep(0.01)

    async def wait_for_sent(self, chat_id: int | str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Await until the bot has at least ``count`` messages in ``chat_id``; returns them all."""

        def enough() -> list[dict[str, Any]] | None:
            messages = self.sent(chat_id)
            return messages if len(messages) >= count else None

        found: list[dict[str, Any]] = await self.wait_for(
            enough, timeout, message=f"{count} bot message(s) in chat {chat_id}"
        )
        return found

    # ======================================================================= internals: state

    def _key(self, chat_id: int | str, message_id: int) -> tuple[int | str, int]:
        return (_norm_chat_id(chat_id), int(message_id))

    def _user(self, user_id: int, first_name: str, username: str | None, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return copy.deepcopy(user)

    def _chat(self, chat_id: int | str, user: dict[str, Any] | None = None) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None or (user is not None and isinstance(chat_id, int) and chat_id > 0):
            if isinstance(chat_id, str):
                chat = {"id": chat_id, "type": "channel", "title": chat_id}
            elif chat_id > 0:
                known = user or self._users.get(chat_id) or {"first_name": "Test"}
                chat = {"id": chat_id, "type": "private", "first_name": known["first_name"]}
                if known.get("username"):
                    chat["username"] = known["username"]
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                chat = {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}
            self._chats[chat_id] = chat
        return copy.deepcopy(chat)

    def _new_message_id(self, chat_id: int | str) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    # ================================================================== internals: HTTP layer

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Without TCP_NODELAY, headers and body in two segments cost ~40 ms of delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with api._lock:
                    api._connections.add(self.connection)

            def finish(self) -> None:
                with api._lock:
                    api._connections.discard(self.connection)
                try:
                    super().finish()
                except OSError:
                    pass

            def _serve(self) -> None:
                body = self._read_body()
                api._request_local.connection = self.connection
                try:
                    status, headers, payload = api._handle(self.command, self.path, self.headers, body)
                except _DropConnection:
                    # SO_LINGER 0 makes close() send RST: the client sees a connection reset.
                    self.close_connection = True
                    try:
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        self.connection.close()
                    except OSError:
                        pass
                    return
                try:
                    reason = HTTPStatus(status).phrase
                except ValueError:
                    reason = "Error"
                head = [
                    f"{self.protocol_version} {status} {reason}",
                    f"Date: {self.date_time_string()}",
                    *(f"{name}: {value}" for name, value in headers.items()),
                    f"Content-Length: {len(payload)}",
                ]
                try:
                    # One write, headers and body together.
                    self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
                except OSError:
                    self.close_connection = True

            def _read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks: list[bytes] = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            do_GET = _serve
            do_POST = _serve

        return Handler

    def _handle(self, verb: str, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(path)
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", split.path)
        if match is None:
            return _json_error(404, "Not Found")
        token, method = match.groups()
        if token != self.token:
            with self._lock:
                self.unauthorized.append(method)
            return _json_error(401, "Unauthorized")
        try:
            params = _decode_params(headers.get("Content-Type", ""), body, split.query)
        except ValueError as exc:
            return _json_error(400, f"Bad Request: {exc}")
        lower = method.lower()
        with self._lock:
            self._calls.append(Call(method, params, time.monotonic()))
            delay = self._delays.get(lower, 0.0) + self._delays.get("*", 0.0)
            if lower in self._first_delays and (lower, str(params.get("chat_id"))) not in self._first_seen:
                self._first_seen.add((lower, str(params.get("chat_id"))))
                delay += self._first_delays[lower]
            reset = self._take_reset(lower)
        if delay:
            time.sleep(delay)
        if reset is not None and not reset.after_processing:
            self._count_reset()
            raise _DropConnection
        try:
            result = self._dispatch(lower, params)
        except ApiError as exc:
            if reset is not None:
                self._count_reset()
                raise _DropConnection from exc
            return _json_error(exc.status, exc.description, exc.parameters)
        except _RawAnswer as raw:
            return raw.status, {"Content-Type": raw.content_type}, raw.body
        if reset is not None:
            self._count_reset()
            raise _DropConnection
        payload = json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()
        return 200, {"Content-Type": "application/json"}, payload

    def _count_reset(self) -> None:
        with self._lock:
            self.connection_resets += 1

    def _take_reset(self, method: str) -> _Reset | None:
        for reset in self._resets:
            if reset.method in (method, "*"):
                if reset.remaining is not None:
                    reset.remaining -= 1
                    if reset.remaining <= 0:
                        self._resets.remove(reset)
                return reset
        return None

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = _METHODS.get(method)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        chat_id = params.get("chat_id")
        with self._lock:
            self._check_injected(method, chat_id)
            if chat_id is not None and chat_id in self._migrated:
                raise ApiError(400, UPGRADED, {"migrate_to_chat_id": self._migrated[chat_id]})
            if chat_id is not None and method in CHAT_METHODS and str(chat_id) in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if method in SENDING_METHODS:
                self._check_flood(method, chat_id)
        if method == "getupdates":
            return self._get_updates(params)
        with self._lock:
            return handler(self, params)

    def _check_injected(self, method: str, chat_id: Any) -> None:
        for failure in self._failures:
            if failure.method not in (method, "*"):
                continue
            if failure.chat_id is not None and str(failure.chat_id) != str(chat_id):
                continue
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
            if failure.body is not None:
                raise _RawAnswer(failure.status, failure.body, failure.content_type)
            parameters = {"retry_after": failure.retry_after} if failure.retry_after is not None else None
            raise ApiError(failure.status, failure.description, parameters)

    def _check_flood(self, method: str, chat_id: Any) -> None:
        flood = self._flood
        if flood is None:
            return
        now = time.monotonic()
        horizon = now - flood.window
        checks: list[tuple[str, deque[float], float]] = []
        if flood.global_rate is not None:
            checks.append(("global", flood.sent_global, flood.global_rate))
        if flood.chat_rate is not None and chat_id is not None:
            checks.append(("chat", flood.sent_chat.setdefault(str(chat_id), deque()), flood.chat_rate))
        for scope, sent, rate in checks:
            while sent and sent[0] <= horizon:
                sent.popleft()
            if len(sent) >= _capacity(rate, flood.window):
                retry_after = max(1, math.ceil(sent[0] + flood.window - now))
                self._flood_events.append(FloodEvent(method, chat_id, retry_after, scope, now))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        for _, sent, _ in checks:
            sent.append(now)

    # ========================================================== internals: the API's methods

    def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        timeout = max(0.0, float(p.get("timeout") or 0))
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + timeout
        with self._updates_changed:
            if self.webhook.get("url"):
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self._updates_changed.notify_all()  # an older long poll is now terminated
            if "allowed_updates" in p:
                self._allowed_updates = list(p["allowed_updates"] or [])
            offset = p.get("offset")
            if offset is not None:
                offset = int(offset)
                if offset < 0:
                    self._updates = self._updates[offset:]
                else:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                if self._poll_generation != generation:
                    # A client that gave up on this poll (PTB cancels it on stop) is no conflict.
                    if not self._client_gone():
                        self.conflicts += 1
                    raise ApiError(409, _DEFAULT_DESCRIPTIONS[409])
                batch = self._collect_updates(limit)
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self._stopping:
                    return batch
                self._updates_changed.wait(remaining)

    def _client_gone(self) -> bool:
        conn: socket.socket | None = getattr(self._request_local, "connection", None)
        if conn is None:
            return False
        try:
            return conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _collect_updates(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        batch = []
        for update in list(self._updates):
            kind = next((k for k in update if k != "update_id"), "")
            wanted = kind not in _OPT_IN_UPDATES if not allowed else kind in allowed
            if not wanted:
                self._updates.remove(update)  # Telegram drops what the bot did not ask for
                continue
            batch.append(copy.deepcopy(update))
            if len(batch) >= limit:
                break
        return batch

    def _get_me(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _set_webhook(self, p: dict[str, Any]) -> bool:
        url = str(p.get("url") or "")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, **{k: v for k, v in p.items() if k != "url"}}
        return True

    def _delete_webhook(self, p: dict[str, Any]) -> bool:
        self.webhook = {"url": ""}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, p: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        for key in ("max_connections", "allowed_updates", "ip_address"):
            if key in self.webhook:
                info[key] = self.webhook[key]
        return info

    def _set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands must be an array of at most 100 BotCommand")
        cleaned = []
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name.lstrip("/")):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name.lstrip("/"), "description": description})
        language = _language_code(p)
        self._commands[(_scope_key(p.get("scope")), language)] = cleaned
        return True

    def _get_my_commands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self._commands.get((_scope_key(p.get("scope")), _language_code(p)), []))

    def _delete_my_commands(self, p: dict[str, Any]) -> bool:
        self._commands.pop((_scope_key(p.get("scope")), _language_code(p)), None)
        return True

    def _target_chat(self, p: dict[str, Any]) -> int | str:
        if "chat_id" not in p or p["chat_id"] in ("", None):
            raise _bad("chat_id is empty")
        chat_id = _norm_chat_id(p["chat_id"])
        if isinstance(chat_id, str) or chat_id == 0:
            if chat_id not in self._chats:
                raise _bad("chat not found")
        elif self.strict_chats and chat_id not in self._chats:
            raise _bad("chat not found")
        return chat_id

    def _new_bot_message(self, p: dict[str, Any], chat_id: int | str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": 0,
            "from": copy.deepcopy(self.bot_user),
            "chat": self._chat(chat_id),
            "date": int(self.clock()),
        }
        reply = p.get("reply_parameters")
        reply_id = p.get("reply_to_message_id")
        allow_missing = bool(p.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            reply_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        if reply_id is not None:
            replied = self._messages.get((chat_id, int(reply_id)))
            if replied is None or (chat_id, int(reply_id)) in self._deleted:
                if not allow_missing:
                    raise _bad("message to be replied not found")
            else:
                message["reply_to_message"] = _without_reply(replied)
        return message

    def _store_bot_message(self, message: dict[str, Any], chat_id: int | str, raw: str, mode: str | None) -> None:
        message["message_id"] = self._new_message_id(chat_id)
        key = (chat_id, message["message_id"])
        self._messages[key] = message
        self._raw_texts[key] = (raw, mode)
        self._bot_message_keys.append(key)

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        raw = p.get("text")
        if not isinstance(raw, str) or raw == "":
            raise _bad("message text is empty")
        text, entities = self._formatted(raw, p.get("parse_mode"), p.get("entities"), TEXT_MAX, caption=False)
        markup = _check_markup(p.get("reply_markup"))
        message = self._new_bot_message(p, chat_id)
        message["text"] = text
        if entities:
            message["entities"] = entities
        if markup is not None:
            message["reply_markup"] = markup
        self._store_bot_message(message, chat_id, raw, p.get("parse_mode"))
        return copy.deepcopy(message)

    def _send_file(self, p: dict[str, Any], kind: str) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        raw_caption = p.get("caption")
        caption: str = ""
        entities: list[dict[str, Any]] = []
        if isinstance(raw_caption, str) and raw_caption:
            caption, entities = self._formatted(
                raw_caption, p.get("parse_mode"), p.get("caption_entities"), CAPTION_MAX, caption=True
            )
        markup = _check_markup(p.get("reply_markup"))
        value = p.get(kind)
        limit = DOCUMENT_MAX_BYTES if kind == "document" else PHOTO_MAX_BYTES
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad("file must be non-empty")
            if len(value.data) > limit:
                raise ApiError(413, "Request Entity Too Large")
            upload = value
        elif isinstance(value, str) and value:
            upload = UploadedFile(value.rsplit("/", 1)[-1], "application/octet-stream", b"")
        else:
            raise _bad(f"there is no {kind} in the request")
        message = self._new_bot_message(p, chat_id)
        self._store_bot_message(message, chat_id, raw_caption or "", p.get("parse_mode"))
        mid = message["message_id"]
        file_info = {
            "file_id": f"{kind}-{chat_id}-{mid}",
            "file_unique_id": f"u{kind}{chat_id}{mid}",
            "file_size": len(upload.data),
        }
        if kind == "document":
            message["document"] = {**file_info, "file_name": upload.filename, "mime_type": upload.content_type}
            method = "sendDocument"
        else:
            message["photo"] = [{**file_info, "width": 1, "height": 1}]
            method = "sendPhoto"
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        if markup is not None:
            message["reply_markup"] = markup
        self._documents.append(
            Document(
                method,
                chat_id,
                mid,
                upload.filename,
                upload.data if isinstance(value, UploadedFile) else None,
                caption or None,
                upload.content_type,
            )
        )
        return copy.deepcopy(message)

    def _editable(self, p: dict[str, Any]) -> tuple[tuple[int | str, int], dict[str, Any]]:
        if p.get("inline_message_id"):
            raise _bad("inline messages are not supported by the fake Bot API")
        chat_id = self._target_chat(p)
        if p.get("message_id") is None:
            raise _bad("message identifier is not specified")
        key = (chat_id, int(p["message_id"]))
        message = self._messages.get(key)
        if message is None or key in self._deleted:
            raise _bad("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        return key, message

    def _edit_message_text(self, p: dict[str, Any]) -> dict[str, Any]:
        key, message = self._editable(p)
        raw = p.get("text")
        if not isinstance(raw, str) or raw == "":
            raise _bad("message text is empty")
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        text, entities = self._formatted(raw, p.get("parse_mode"), p.get("entities"), TEXT_MAX, caption=False)
        markup = _check_markup(p.get("reply_markup"))
        if (
            text == message["text"]
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = text
        _set_or_drop(message, "entities", entities or None)
        _set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = int(self.clock())
        self._raw_texts[key] = (raw, p.get("parse_mode"))
        self._edits.append(Edit("editMessageText", key[0], key[1], text, copy.deepcopy(markup), time.monotonic()))
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, p: dict[str, Any]) -> dict[str, Any]:
        key, message = self._editable(p)
        markup = _check_markup(p.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        _set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = int(self.clock())
        self._edits.append(
            Edit("editMessageReplyMarkup", key[0], key[1], None, copy.deepcopy(markup), time.monotonic())
        )
        return copy.deepcopy(message)

    def _delete_message(self, p: dict[str, Any]) -> bool:
        chat_id = self._target_chat(p)
        key = (chat_id, int(p.get("message_id") or 0))
        if key not in self._messages or key in self._deleted:
            raise _bad("message to delete not found")
        self._deleted.append(key)
        return True

    def _answer_callback_query(self, p: dict[str, Any]) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        query = self._callback_queries.get(query_id)
        if query is None or query["answered"]:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = p.get("text")
        if text is not None and len(str(text)) > CALLBACK_ANSWER_MAX:
            raise _bad("MESSAGE_TOO_LONG")
        query["answered"] = True
        self._callback_answers.append(
            CallbackAnswer(
                query_id,
                query["chat_id"],
                query["message_id"],
                query["data"],
                None if text is None else str(text),
                bool(p.get("show_alert")),
                p.get("url"),
                time.monotonic(),
            )
        )
        return True

    def _send_chat_action(self, p: dict[str, Any]) -> bool:
        chat_id = self._target_chat(p)
        action = str(p.get("action") or "")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._chat_actions.append((chat_id, action))
        return True

    def _log_out(self, p: dict[str, Any]) -> bool:
        self.logged_out = True
        return True

    def _close(self, p: dict[str, Any]) -> bool:
        self.closed = True
        return True

    def _formatted(
        self, raw: str, parse_mode: Any, entities: Any, limit: int, *, caption: bool
    ) -> tuple[str, list[dict[str, Any]]]:
        mode = str(parse_mode or "").lower()
        if mode == "html":
            try:
                text, parsed = parse_html(raw, strict_entities=self.strict_html_entities)
            except EntityParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from exc
        elif mode in ("", "markdown", "markdownv2"):
            text, parsed = raw, [dict(e) for e in entities or [] if isinstance(e, dict)]
        else:
            raise _bad("unsupported parse_mode")
        text, parsed = _trim(text, parsed)
        if len(text) > limit:
            raise _bad("message caption is too long" if caption else "message is too long")
        if not text and not caption:
            raise _bad("message must be non-empty")
        return text, parsed


class _RawAnswer(Exception):
    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.content_type = content_type


_METHODS: dict[str, Callable[[FakeBotAPI, dict[str, Any]], Any]] = {
    "getme": FakeBotAPI._get_me,
    "getupdates": FakeBotAPI._get_updates,
    "setwebhook": FakeBotAPI._set_webhook,
    "deletewebhook": FakeBotAPI._delete_webhook,
    "getwebhookinfo": FakeBotAPI._get_webhook_info,
    "setmycommands": FakeBotAPI._set_my_commands,
    "getmycommands": FakeBotAPI._get_my_commands,
    "deletemycommands": FakeBotAPI._delete_my_commands,
    "sendmessage": FakeBotAPI._send_message,
    "editmessagetext": FakeBotAPI._edit_message_text,
    "editmessagereplymarkup": FakeBotAPI._edit_message_reply_markup,
    "deletemessage": FakeBotAPI._delete_message,
    "answercallbackquery": FakeBotAPI._answer_callback_query,
    "sendchataction": FakeBotAPI._send_chat_action,
    "getchatmember": FakeBotAPI._get_chat_member,
    "getchatadministrators": FakeBotAPI._get_chat_administrators,
    "senddocument": lambda api, p: api._send_file(p, "document"),
    "sendphoto": lambda api, p: api._send_file(p, "photo"),
    "logout": FakeBotAPI._log_out,
    "close": FakeBotAPI._close,
}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

_COMMAND_RE = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities Telegram adds to a user's text (TDLib's match_bot_commands)."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
        for m in _COMMAND_RE.finditer(text)
    ]


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    inner = copy.deepcopy(message)
    inner.pop("reply_to_message", None)
    return inner


def _set_or_drop(message: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value


def _scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _language_code(p: dict[str, Any]) -> str:
    language = str(p.get("language_code") or "")
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise _bad("invalid language code specified")
    return language


def _check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup; return what Telegram echoes in the message (inline keyboards)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    keyboard = markup.get("inline_keyboard")
    if keyboard is None:
        return None  # reply keyboards and force_reply are not echoed in the message
    if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
        raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    actions = ("url", "callback_data", "switch_inline_query", "switch_inline_query_current_chat", "pay")
    for row in keyboard:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise _bad("can't parse inline keyboard button: Text must be non-empty")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_MAX_BYTES:
                    raise _bad("BUTTON_DATA_INVALID")
            elif "url" in button:
                if _checked_link(str(button["url"])) is None:
                    raise _bad("BUTTON_URL_INVALID")
            elif not any(k in button for k in (*actions, "web_app", "login_url", "copy_text", "callback_game")):
                raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if not any(keyboard):
        return None
    return copy.deepcopy(markup)


def _norm_chat_id(value: Any) -> int | str:
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _decode_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Decode a request's parameters to Python values, files as UploadedFile."""
    raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" and body:
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        raw.update(decoded)
    elif media == "multipart/form-data":
        raw.update(_parse_multipart(content_type, body))
    elif body:
        raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))

    params: dict[str, Any] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            if name in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError as exc:
                    raise ValueError(f"can't parse {name} JSON object") from exc
            elif name in _INT_PARAMS and re.fullmatch(r"-?\d+", value.strip()):
                value = int(value)
            elif name in _FLOAT_PARAMS:
                value = float(value or 0)
            elif name in _BOOL_PARAMS:
                value = value.strip().lower() in ("true", "1")
        if name == "chat_id" and not isinstance(value, UploadedFile):
            value = _norm_chat_id(value)
        params[name] = value
    return params


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    header = EmailMessage()
    header["Content-Type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str):
        raise ValueError("multipart body without boundary")
    delimiter = b"--" + boundary.encode()
    fields: dict[str, Any] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers = EmailMessage()
        for line in head.decode("utf-8", "replace").strip().split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip()] = value.strip()
        field_name = headers.get_param("name", header="content-disposition")
        if not isinstance(field_name, str):
            continue
        filename = headers.get_filename()
        if filename is None:
            fields[field_name] = content.decode("utf-8", "replace")
        else:
            fields[field_name] = UploadedFile(
                filename, headers.get_content_type() if "content-type" in headers else "", content
            )
    return fields


def _json_error(
    status: int, description: str, parameters: dict[str, Any] | None = None
) -> tuple[int, dict[str, str], bytes]:
    answer: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        answer["parameters"] = parameters
    return status, {"Content-Type": "application/json"}, json.dumps(answer).encode()


def running_fake_bot_api(**kwargs: Any) -> Iterator[FakeBotAPI]:
    """Generator for a pytest fixture: a started server, stopped afterwards."""
    api = FakeBotAPI(**kwargs).start()
    try:
        yield api
    finally:
        api.stop()
