"""Typed, validated settings from config.toml, loaded once and passed down.

No import-time globals: call ``load_settings`` at the composition root (the
CLI) and hand the result to whoever needs it. Secrets never live here: they are
read from the environment at the point of use (see ``secret``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Literal

from jobs.answers.faq.settings import FaqSettings
from jobs.answers.hours.settings import HoursSettings
from jobs.classify.settings import ClassifierSettings
from jobs.errors import ConfigError
from jobs.settings_loader import build

DEFAULT_CONFIG = "config.toml"
SourceKind = Literal["rss", "atom", "html", "ted", "udbud", "ocds", "eforms"]


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite+aiosqlite:///var/udbudsbot.sqlite3"  # relative to the config file's folder
    echo: bool = False


@dataclass(frozen=True)
class FetchSettings:
    timeout_seconds: float = 20.0
    total_seconds: float = 120.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    user_agent: str = "udbudsbot/0.1"

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.timeout_seconds <= 0:
            raise ValueError("timeout_seconds and max_bytes must be positive")


@dataclass(frozen=True)
class PollSettings:
    interval_minutes: float = 30.0
    backoff_base_seconds: float = 60.0
    backoff_max_seconds: float = 6 * 3600.0
    retry_after_max_seconds: float = 24 * 3600.0
    alert_after_failures: int = 3
    max_pages: int = 50
    tick_seconds: float = 60.0


@dataclass(frozen=True)
class SourceSettings:
    name: str
    kind: SourceKind
    url: str
    enabled: bool = True
    interval_minutes: float | None = None  # None: [poll].interval_minutes
    query: str = ""  # TED expert query
    page_size: int = 100
    fetch_details: bool = False  # TED: fetch each notice's eForms XML
    details_url: str = ""  # TED: URL of a notice's XML, "{publication_number}" filled in; "": TED's own
    token_env: str = ""  # name of the environment variable holding a bearer token
    category: str = ""  # a category key: every item of this source belongs to it (matched without CPV)
    selectors: dict[str, str] = field(default_factory=dict)  # html: CSS selectors of the list page
    follow_links: bool = False  # html: also read each item's own page
    detail_selectors: dict[str, str] = field(default_factory=dict)  # html: CSS selectors of an item's page

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a source needs a non-empty name")
        if not self.url.strip():
            raise ValueError(f"source {self.name!r} needs a url")
        if self.kind == "html":
            from jobs.ingest.settings import check_selectors  # cssselect only when a page source exists

            check_selectors(self.selectors, list_page=True)
            check_selectors(self.detail_selectors, list_page=False)
            if self.follow_links and "link" not in self.selectors:
                raise ValueError(f"source {self.name!r}: follow_links needs selectors.link")
        elif self.selectors or self.detail_selectors or self.follow_links:
            raise ValueError(f"source {self.name!r}: selectors and follow_links are for kind html only")


@dataclass(frozen=True)
class MoneySettings:
    """Exchange rates into DKK (1 unit of the currency = rate DKK)."""

    rates_to_dkk: dict[str, Decimal] = field(default_factory=lambda: {"DKK": Decimal(1), "EUR": Decimal("7.46")})

    def to_dkk(self, amount: Decimal | None, currency: str | None) -> Decimal | None:
        if amount is None:
            return None
        rate = self.rates_to_dkk.get((currency or "DKK").upper())
        return None if rate is None else amount * rate


@dataclass(frozen=True)
class CategorySettings:
    """A tender category users can subscribe to, as CPV code prefixes."""

    label_da: str
    label_en: str
    cpv_prefixes: tuple[str, ...]

    def __post_init__(self) -> None:
        bad = [p for p in self.cpv_prefixes if not (p.isdigit() and 2 <= len(p) <= 8)]
        if bad:
            raise ValueError(f"cpv_prefixes must be 2-8 digits, not {bad[0]!r}")


@dataclass(frozen=True)
class TelegramSettings:
    """How the bot talks to Telegram (the token comes from TELEGRAM_BOT_TOKEN, never from here)."""

    base_url: str = "https://api.telegram.org/bot"  # TELEGRAM_API_BASE_URL overrides
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""  # public URL Telegram posts updates to (webhook mode)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    staff_chat_id: int = 0  # chat for staff alerts and advice requests; 0: none (log only)
    poll_timeout_seconds: int = 30
    dialogue_minutes: float = 60.0  # how long the bot waits for a typed answer to its question
    admin_cache_seconds: float = 60.0  # how long a group's administrators (asked of Telegram) are remembered
    repeat_press_seconds: float = 5.0  # the same press of the same message within this is a double tap

    def __post_init__(self) -> None:
        if self.mode == "webhook" and not self.webhook_url.startswith("https://"):
            raise ValueError('webhook mode needs webhook_url = "https://..."')
        if self.dialogue_minutes <= 0:
            raise ValueError("dialogue_minutes must be above 0")
        if self.admin_cache_seconds < 0 or self.repeat_press_seconds < 0:
            raise ValueError("admin_cache_seconds and repeat_press_seconds must be 0 or more")


@dataclass(frozen=True)
class StaffSettings:
    """Who is staff (Telegram user ids) and how staff tools behave. Issue 6.

    Roles given here cannot be removed with ``/staff remove``; an admin can do
    everything an advisor can, and also change who is staff.
    """

    admins: tuple[int, ...] = ()
    advisors: tuple[int, ...] = ()
    procurement: tuple[int, ...] = ()  # other departments' buyers: /match and heads-ups only
    progress_seconds: float = 3.0  # how often a broadcast's progress message is edited
    weekly_chart_hour: int = 8  # local hour on Mondays the weekly chart goes to the staff chat; -1: never

    def __post_init__(self) -> None:
        if self.progress_seconds <= 0:
            raise ValueError("progress_seconds must be positive")
        if not (-1 <= self.weekly_chart_hour <= 23):
            raise ValueError("weekly_chart_hour must be 0-23, or -1 for never")


@dataclass(frozen=True)
class RetentionSettings:
    """How long old data is kept; ``jobs/ops/retention.py`` prunes daily. 0: keep forever."""

    notices_days: int = 365  # after the notice's deadline (or first sighting when it has none)
    outbox_days: int = 180  # after a message was sent, dropped or failed

    def __post_init__(self) -> None:
        if self.notices_days < 0 or self.outbox_days < 0:
            raise ValueError("retention days must be 0 (keep forever) or more")


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class DeliverySettings:
    timezone: str = "Europe/Copenhagen"
    rate_per_second: float = 25.0
    per_chat_seconds: float = 1.0
    daily_cap: int = 10
    reminder_days: int = 3
    digest_hour: int = 8
    weekly_digest_day: Weekday = "monday"
    digest_max_items: int = 8
    max_attempts: int = 8
    retry_base_seconds: float = 5.0
    retry_max_seconds: float = 3600.0
    lease_seconds: float = 120.0
    worker_timeout_seconds: float = 10.0  # a sender silent this long is dead: its claims go back
    batch_size: int = 50
    tick_seconds: float = 2.0
    shared_rate_limit: bool = True  # PostgreSQL: hold the rate across processes (jobs/deliver/pgratelimit.py)

    def __post_init__(self) -> None:
        if not (0 < self.rate_per_second <= 30):
            raise ValueError("rate_per_second must be above 0 and at most 30 (Telegram's limit)")
        if not (0 <= self.digest_hour <= 23):
            raise ValueError("digest_hour must be 0-23")
        if self.daily_cap < 1 or self.digest_max_items < 1 or self.batch_size < 1:
            raise ValueError("daily_cap, digest_max_items and batch_size must be at least 1")
        if self.worker_timeout_seconds <= 0:
            raise ValueError("worker_timeout_seconds must be above 0")


@dataclass(frozen=True)
class OpsSettings:
    """Running several processes and watching them: leadership, /healthz and /metrics."""

    http_port: int = 0  # the health and metrics server; 0: off
    http_listen: str = "127.0.0.1"
    leader_check_seconds: float = 5.0  # a standby tries for the lead (and the leader checks it) this often

    def __post_init__(self) -> None:
        if not 0 <= self.http_port <= 65535:
            raise ValueError("http_port must be 0-65535")
        if self.leader_check_seconds <= 0:
            raise ValueError("leader_check_seconds must be above 0")


@dataclass(frozen=True)
class WebSettings:
    """The public web section: ``udbudsbot web``, or inside ``udbudsbot run`` when enabled."""

    enabled: bool = False  # also serve it from `udbudsbot run`
    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str = ""  # public address (https://...), for links in feeds and calendars; "": the request's
    bot_username: str = ""  # the bot's @username (without @) for "Følg i Telegram" links; "": no links
    page_size: int = 20

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ValueError("port must be 1-65535")
        if not 1 <= self.page_size <= 200:
            raise ValueError("page_size must be 1-200")
        if self.base_url and not self.base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        name = self.bot_username
        if name and not (5 <= len(name) <= 32 and name.replace("_", "").isascii() and name.replace("_", "").isalnum()):
            raise ValueError("bot_username must be the bot's username without @ (5-32 of A-Z a-z 0-9 _)")


@dataclass(frozen=True)
class ContactSettings:
    """The business advisors' contact details, shown on the web section."""

    phone: str = ""
    email: str = ""
    address: str = ""
    map_url: str = ""

    def __post_init__(self) -> None:
        if self.map_url and not self.map_url.startswith(("http://", "https://")):
            raise ValueError("map_url must start with http:// or https://")


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    poll: PollSettings = field(default_factory=PollSettings)
    money: MoneySettings = field(default_factory=MoneySettings)
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)
    sources: tuple[SourceSettings, ...] = ()
    categories: dict[str, CategorySettings] = field(default_factory=dict)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    ops: OpsSettings = field(default_factory=OpsSettings)
    hours: HoursSettings = field(default_factory=HoursSettings)
    faq: FaqSettings = field(default_factory=FaqSettings)
    staff: StaffSettings = field(default_factory=StaffSettings)
    web: WebSettings = field(default_factory=WebSettings)
    contact: ContactSettings = field(default_factory=ContactSettings)
    base_dir: Path = field(default=Path("."), compare=False)  # the config file's folder

    def __post_init__(self) -> None:
        names = [s.name for s in self.sources]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"source names must be unique: {sorted(dupes)[0]!r} repeats")
        known = set(self.categories) | {s.name for s in self.classifier.sectors}
        for src in self.sources:
            if src.category and src.category not in known:
                raise ValueError(
                    f"source {src.name!r}: category {src.category!r} is not a category"
                    f" (known: {', '.join(sorted(known)) or 'none'})"
                )


def load_settings(path: str | Path | None = None, *, env: dict[str, str] | None = None) -> Settings:
    """Read and validate ``path`` (default: $UDBUDSBOT_CONFIG or ./config.toml)."""
    env = dict(os.environ) if env is None else env
    cfg_path = Path(path or env.get("UDBUDSBOT_CONFIG") or DEFAULT_CONFIG)
    file = str(cfg_path)
    try:
        raw = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{file}: config file not found") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{file}: not valid TOML: {e}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{file}: cannot be read: {e}") from e
    if "base_dir" in raw:
        raise ConfigError(f"{file}: unknown key base_dir")
    settings = build(Settings, raw, path="", file=file)
    base_dir = cfg_path.resolve().parent
    db_url = env.get("UDBUDSBOT_DATABASE_URL") or settings.database.url
    db = replace(settings.database, url=resolve_sqlite_path(db_url, base_dir))
    telegram = settings.telegram
    if env.get("TELEGRAM_API_BASE_URL"):
        telegram = replace(telegram, base_url=env["TELEGRAM_API_BASE_URL"])
    ops = settings.ops
    try:  # one config file for several processes on one host (systemd template units)
        if env.get("UDBUDSBOT_WEBHOOK_PORT"):
            telegram = replace(telegram, webhook_port=int(env["UDBUDSBOT_WEBHOOK_PORT"]))
        if env.get("UDBUDSBOT_OPS_PORT"):
            ops = replace(ops, http_port=int(env["UDBUDSBOT_OPS_PORT"]))
    except ValueError as e:
        raise ConfigError(f"UDBUDSBOT_WEBHOOK_PORT / UDBUDSBOT_OPS_PORT: not a port number ({e})") from e
    return replace(settings, database=db, telegram=telegram, ops=ops, base_dir=base_dir)


def resolve_sqlite_path(url: str, base_dir: Path) -> str:
    """Make a relative SQLite file path relative to the config file, not the cwd."""
    prefix, sep, rest = url.partition(":///")
    if sep and prefix.startswith("sqlite") and rest and not rest.startswith("/") and rest != ":memory:":
        return f"{prefix}:///{(base_dir / rest).as_posix()}"
    return url


def secret(name: str, env: dict[str, str] | None = None) -> str | None:
    """A secret from the environment; never stored in settings, never logged."""
    if not name:
        return None
    value = (os.environ if env is None else env).get(name, "").strip()
    return value or None
