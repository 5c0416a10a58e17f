"""Keep secrets (bot token, API tokens, webhook secret, database password) out of logs and errors.

Secrets are registered once at the composition root (``udbudsbot run`` and the other CLI
commands, ``bot.app.build_application``) and :func:`redact` replaces every registered
value, in the forms it takes in URLs and ``repr``\\ s, by ``[REDACTED]``.

:func:`install_log_redaction` makes this true for *every* log record of the process, from
any logger and for any handler: it wraps the ``logging`` record factory, so the message is
redacted when the record is made, before a filter, handler or test harness sees it. That
catches httpx's request log (``HTTP Request: POST https://api.telegram.org/bot<TOKEN>/...``),
python-telegram-bot's debug log of call parameters (``secret_token`` of setWebhook) and
``repr(bot)``, and exception texts (a token with an illegal character ends up verbatim in
httpx's ``LocalProtocolError``). The engine calls :func:`redact` itself on what it stores
(``sources.last_error``) and on staff alerts.

The registry is process-wide on purpose: logging is process-wide, and a secret must not
leak from a code path that was not handed a settings object.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import make_url

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 6  # shorter values would mangle ordinary text; such a secret is no secret anyway

# Environment variables that always hold secrets (a source's token variable is added per source).
SECRET_ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "UDBUD_DK_TOKEN")

_lock = threading.Lock()
_secrets: tuple[str, ...] = ()  # every form of every secret, longest first
_installed = False


def variants(secret: str) -> set[str]:
    """The forms a secret takes in text: as is, URL-encoded, escaped by repr, and a bot
    token's secret half on its own (the numeric bot id before the colon is public)."""
    forms = {secret, quote(secret, safe=""), quote(secret, safe=":/"), repr(secret)[1:-1]}
    forms.add(str(secret.encode("utf-8"))[2:-1])  # repr of the bytes: b'...'
    forms |= {repr(f)[1:-1] for f in forms}  # and once more: the repr of an exception holding a repr
    bot_id, sep, key = secret.partition(":")
    if sep and bot_id.isdigit() and len(key) >= MIN_SECRET_LENGTH:
        forms |= {key, quote(key, safe="")}
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def add_secrets(values: Iterable[str | None]) -> None:
    """Register secrets (idempotent; empty and too short values are ignored)."""
    global _secrets
    with _lock:
        forms = set(_secrets)
        for value in values:
            if value and len(value.strip()) >= MIN_SECRET_LENGTH:
                forms |= variants(value)
                forms |= variants(value.strip())
        _secrets = tuple(sorted(forms, key=len, reverse=True))


def redact(text: str) -> str:
    """``text`` with every registered secret replaced."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def env_secrets(env: Mapping[str, str], token_envs: Iterable[str] = (), database_url: str | None = None) -> list[str]:
    """The secret values in ``env``: the well-known variables, each source's token variable,
    and the password of the database URL."""
    values = [env.get(name, "") for name in (*SECRET_ENV, *token_envs) if name]
    for url in (database_url, env.get("UDBUDSBOT_DATABASE_URL")):
        if url:
            try:
                values.append(make_url(url).password or "")
            except Exception:  # a malformed URL is the config loader's business, not ours
                pass
    return [v for v in values if v]


def install_log_redaction() -> None:
    """Redact every log record of the process when it is made (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        make_record = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if _secrets:
            _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it for logging to report
        return
    clean = redact(message)
    if clean != message or record.args:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = redact(text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
