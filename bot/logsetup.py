"""Logging set-up of the bot's processes: secrets never reach a log line.

``protect_secrets`` registers the bot token, the webhook secret, every source's token and the
database password with ``jobs.redact`` and installs its record factory, so that redaction
holds for every logger (httpx logs each request URL, which contains the bot token) and every
handler. ``build_application`` and the CLI call it; calling it again only adds secrets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from jobs.config import Settings
from jobs.redact import add_secrets, env_secrets, install_log_redaction


def protect_secrets(settings: Settings, token: str | None = None, env: Mapping[str, str] | None = None) -> None:
    env = os.environ if env is None else env
    token_envs = [s.token_env for s in settings.sources if s.token_env]
    add_secrets([token, *env_secrets(env, token_envs, settings.database.url)])
    install_log_redaction()
