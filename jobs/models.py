"""SQLAlchemy 2 models: the engine's tables.

Timestamps are stored as naive UTC (portable across SQLite and PostgreSQL) and
come back timezone-aware through ``UTCDateTime``.

Longer than 400 lines, and one module on purpose: only declarations, one per table, and
``Base.metadata`` must hold every table wherever it is used (migrations, copy-db).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime(), Decimal: Numeric(20, 2)}


class Source(Base):
    """A configured source and its polling state (conditional GET, backoff, health)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    cursor: Mapped[str | None] = mapped_column(String(500))  # e.g. udbud.dk "since"
    next_check_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    baseline_done: Mapped[bool] = mapped_column(Boolean, default=False)
    notices_seen: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class NoticeRow(Base):
    """One version of one notice, with its assessment."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("source", "external_id", "version", name="uq_notices_source_external_version"),
        Index("ix_notices_source_external", "source", "external_id"),
        Index("ix_notices_first_seen", "first_seen_at"),
        # the web section's list of open notices: in list order, with what it filters and the
        # feed sorts by in the index (no row read for them), and "is there a newer version"
        Index("ix_notices_open", "deadline", "id", "level", "notice_type", "first_seen_at"),
        Index("ix_notices_changes_notice_id", "changes_notice_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(100))
    dedup_key: Mapped[str] = mapped_column(String(800), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    procedure_id: Mapped[str | None] = mapped_column(String(300), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    buyer: Mapped[str] = mapped_column(Text, default="")
    buyer_country: Mapped[str | None] = mapped_column(String(3))
    url: Mapped[str | None] = mapped_column(Text)
    cpv: Mapped[list[str]] = mapped_column(JSON, default=list)
    nuts: Mapped[list[str]] = mapped_column(JSON, default=list)
    value: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    value_dkk: Mapped[Decimal | None]
    deadline: Mapped[datetime | None]
    notice_type: Mapped[str] = mapped_column(String(30))
    notice_subtype: Mapped[str | None] = mapped_column(String(30))
    form_type: Mapped[str | None] = mapped_column(String(50))
    procedure_type: Mapped[str | None] = mapped_column(String(50))
    contract_nature: Mapped[str | None] = mapped_column(String(30))
    reserved: Mapped[list[str]] = mapped_column(JSON, default=list)
    social: Mapped[list[str]] = mapped_column(JSON, default=list)
    sme_suitable: Mapped[bool | None]
    vcse_suitable: Mapped[bool | None]
    framework: Mapped[bool] = mapped_column(Boolean, default=False)
    dps: Mapped[bool] = mapped_column(Boolean, default=False)
    concession: Mapped[bool] = mapped_column(Boolean, default=False)
    above_threshold: Mapped[bool | None]
    language: Mapped[str] = mapped_column(String(8), default="da")
    published_at: Mapped[datetime | None]
    changes_external_id: Mapped[str | None] = mapped_column(String(300))
    changes_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The classifier's verdict (jobs.classify); recomputed when rules_version changes.
    score: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(String(20), index=True)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rules_version: Mapped[str | None] = mapped_column(String(40))
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)  # stored silently, never pushed
    first_seen_at: Mapped[datetime]

    lots: Mapped[list[LotRow]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="LotRow.position"
    )
    aliases: Mapped[list[NoticeAlias]] = relationship(back_populates="notice", cascade="all, delete-orphan")


class LotRow(Base):
    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("notice_id", "lot_id", name="uq_lots_notice_lot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    lot_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    cpv: Mapped[list[str]] = mapped_column(JSON, default=list)
    nuts: Mapped[list[str]] = mapped_column(JSON, default=list)
    value: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    deadline: Mapped[datetime | None]
    reserved: Mapped[list[str]] = mapped_column(JSON, default=list)
    social: Mapped[list[str]] = mapped_column(JSON, default=list)
    sme_suitable: Mapped[bool | None]
    framework: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_months: Mapped[int | None] = mapped_column(Integer)
    contract_nature: Mapped[str | None] = mapped_column(String(30))
    dps: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    notice: Mapped[NoticeRow] = relationship(back_populates="lots")


class NoticeCpv(Base):
    """A CPV code of a notice or of one of its lots, as an 8-digit number, with the notice's
    deadline: the web section finds open notices of a category by index (jobs/listindex.py)."""

    __tablename__ = "notice_cpv"
    __table_args__ = (Index("ix_notice_cpv_code", "code", "deadline", "notice_id"),)

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    deadline: Mapped[datetime | None]  # the notice's (a row's deadline never changes)


class NoticeText(Base):
    """A notice's title, buyer and description in lower case, by deadline: the web section's
    free-text filter reads this narrow table, not the notices (jobs/listindex.py). On SQLite
    the rows are stored in deadline order (WITHOUT ROWID), so the open notices' texts lie
    together. A notice without a deadline is never open and has no row."""

    __tablename__ = "notice_text"
    __table_args__ = (Index("ix_notice_text_notice_id", "notice_id"), {"sqlite_with_rowid": False})

    deadline: Mapped[datetime] = mapped_column(primary_key=True)  # the notice's
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    search_text: Mapped[str] = mapped_column(Text)


class NoticeAlias(Base):
    """The same notice seen on another source (e.g. TED and udbud.dk): stored once."""

    __tablename__ = "notice_aliases"
    __table_args__ = (UniqueConstraint("source", "external_id", "version", name="uq_alias_source_ext_ver"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[datetime]

    notice: Mapped[NoticeRow] = relationship(back_populates="aliases")


class Subscriber(Base):
    """An enterprise's chat and its alert settings."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="da")
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)  # active paused blocked stopped
    delivery: Mapped[str] = mapped_column(String(10), default="instant")  # instant daily weekly
    digest_hour: Mapped[int] = mapped_column(Integer, default=8)
    daily_cap: Mapped[int | None] = mapped_column(Integer)  # None: [delivery].daily_cap
    max_value_dkk: Mapped[Decimal | None]
    min_level: Mapped[str] = mapped_column(String(20), default="possible")  # suitable possible all
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)  # "-word" excludes
    subscribed_at: Mapped[datetime]
    last_digest_at: Mapped[datetime | None]
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # indexed: every change reads the newest (jobs.people.subscribers.changed_at), and so
    # does each fan-out (jobs.deliver.audience.fingerprint), with 100,000 subscribers
    updated_at: Mapped[datetime] = mapped_column(index=True)


class OutboxRow(Base):
    """One message to one chat; created in the same transaction as its cause.

    status: pending → sending → sent | failed | dropped; ``digest`` rows wait
    for the subscriber's next digest (digest delivery or daily cap overflow) and
    become ``digested`` when a digest row takes them.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "kind", "ref", name="uq_outbox_subscriber_kind_ref"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_kind_ref", "kind", "ref"),  # a broadcast's progress
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # notice change reminder digest broadcast advice text
    ref: Mapped[str] = mapped_column(String(100))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    worker_id: Mapped[int | None] = mapped_column(Integer)  # workers.id of the claiming process
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("subscriber_id", "notice_id", name="uq_feedback_subscriber_notice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    relevant: Mapped[bool] = mapped_column(Boolean)
    level: Mapped[str | None] = mapped_column(String(20))  # the notice's level when judged
    created_at: Mapped[datetime]


# ---- Staff: roles, audit trail, broadcasts, advice requests ----------------------


class StaffMember(Base):
    """A role given with ``/staff add`` (roles in config.toml are not stored here)."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_staff_user_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    role: Mapped[str] = mapped_column(String(20))  # admin advisor
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[datetime]


class AuditEntry(Base):
    """Who did what, when, to how many, with what result (broadcasts, staff changes, refusals)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[int | None] = mapped_column(BigInteger)  # Telegram user id; None: the command line
    action: Mapped[str] = mapped_column(String(40))  # e.g. broadcast.send, staff.add, refused
    subject: Mapped[str] = mapped_column(String(100), default="")  # e.g. "broadcast:3", "user:42"
    detail: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(40), default="ok")


class Broadcast(Base):
    """A message from staff to many subscribers; fanned out into one outbox row per recipient.

    status: draft → scheduled → sending → done, or cancelled (from draft or scheduled).
    """

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_status_send_at", "status", "send_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # None: the command line
    html: Mapped[str] = mapped_column(Text)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    send_at: Mapped[datetime | None]  # None: as soon as confirmed
    origin_chat_id: Mapped[int | None] = mapped_column(BigInteger)  # where it was composed
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the message edited while sending
    recipients: Mapped[int | None] = mapped_column(Integer)
    delivered: Mapped[int | None] = mapped_column(Integer)
    blocked: Mapped[int | None] = mapped_column(Integer)
    failed: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class AdviceRequest(Base):
    """An enterprise's question to the business advisors; closed when staff answer it.

    ``source_message_id``: the user's message the question was (or the bot's reply quoting it),
    so that pressing "Send til en rådgiver" twice opens one request, not two.
    """

    __tablename__ = "advice_requests"
    __table_args__ = (
        Index("ix_advice_staff_message", "staff_chat_id", "staff_message_id"),
        UniqueConstraint("subscriber_id", "source_message_id", name="uq_advice_requests_source_message"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open answered
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger, info={"person": False})  # the staff chat
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the request as posted to staff
    answered_by: Mapped[int | None] = mapped_column(BigInteger)
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)


class WorkerRow(Base):
    """A running process that sends (jobs/deliver/workers.py): its heartbeat vouches for its claims."""

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


class RateLimitState(Base):
    """The sending pace shared by every process on PostgreSQL (jobs/deliver/pgratelimit.py).

    Times are the database's clock in epoch seconds, so hosts with skewed clocks agree.
    """

    __tablename__ = "rate_limit"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_at: Mapped[float] = mapped_column(Double)  # the next free global slot
    paused_until: Mapped[float] = mapped_column(Double)  # set by a 429's retry_after


class RateLimitChat(Base):
    """When each chat may get its next message (per_chat_seconds), shared across processes."""

    __tablename__ = "rate_limit_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    next_at: Mapped[float] = mapped_column(Double)


# ---- The enterprise directory and purchase matching ------------------------------


class Enterprise(Base):
    """A social enterprise's profile in the directory, kept by the enterprise in the bot.

    The fields are the enterprise's working copy; ``published`` is the copy staff approved
    (what the web section shows), so an edit waiting for approval never shows unreviewed
    text. status: draft → pending → approved | rejected; withdrawn (by the enterprise).
    ``revision`` grows with every submission: an approval button only approves the
    revision it was posted for.
    """

    __tablename__ = "enterprises"
    __table_args__ = (Index("ix_enterprises_listed", "listed"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), unique=True
    )  # the chat that keeps it
    name: Mapped[str] = mapped_column(String(200), default="")
    cvr: Mapped[str] = mapped_column(String(8), default="")
    trades: Mapped[list[str]] = mapped_column(JSON, default=list)  # category keys (jobs/categories.py)
    area: Mapped[str] = mapped_column(String(20), default="")
    employees: Mapped[int | None] = mapped_column(Integer)
    capacity_dkk: Mapped[Decimal | None]  # the largest contract a year it can take on
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)  # published and not withdrawn
    published: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    published_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)  # the staff member who decided
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger, info={"person": False})
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PurchaseMatch(Base):
    """A planned purchase staff matched against the directory (``/match``), and its heads-up."""

    __tablename__ = "purchase_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text, default="")
    cpv: Mapped[list[str]] = mapped_column(JSON, default=list)
    value_dkk: Mapped[Decimal | None]
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))
    enterprise_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # those that fit, best first
    headsup_at: Mapped[datetime | None]
    headsup_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


# ---- Conversations: what the bot waits for, and buttons already pressed ----------


class Dialogue(Base):
    """What the bot waits for from a user in a chat: the answer to the question it asked last.

    In the database (not a process's memory) so that it survives a restart and every process
    sees it; one row per (chat, user), replaced by the next question; expires at ``expires_at``
    (jobs/people/dialogue.py).
    """

    __tablename__ = "dialogues"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # 0: none
    kind: Mapped[str] = mapped_column(String(30))  # keywords maxvalue advice profile broadcast_text broadcast_when
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the button's message that asked
    asked_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ButtonPress(Base):
    """A button press seen: the same press of the same message as it was (a double tap,
    delivered twice by Telegram) is acted on once (jobs/people/dialogue.py ``first_press``).

    Only a hash of the chat, the message, the user, the data and the message's state is kept,
    for a day at most: no chat or user id, so it is nobody's personal data.
    """

    __tablename__ = "button_presses"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    pressed_at: Mapped[datetime] = mapped_column(index=True)
