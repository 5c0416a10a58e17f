"""Advice requests: an enterprise asks, staff answer by replying, the answer goes back.

A request is stored first and then posted to the staff chat; the id of that staff
message maps a staff member's reply back to the request. The answer is an outbox row
(kind ``advice``) like every other message, created in the same transaction that
closes the request. Someone who never subscribed gets a contact-only subscriber
row (status ``stopped``: no alerts, but personal replies reach them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jobs.db import Database
from jobs.deliver.outbox import new_message
from jobs.models import AdviceRequest, NoticeRow, OutboxRow, Subscriber
from jobs.people.subscribers import Profile, new_subscriber
from jobs.status import AdviceStatus, OutboxKind, SubscriberStatus

MAX_QUESTION = 1000
CONTACT_ONLY = "advice only"


@dataclass(frozen=True)
class RequestView:
    id: int
    subscriber_id: int
    chat_id: int
    name: str
    username: str | None
    language: str
    question: str
    status: str
    created_at: datetime
    notice_id: int | None = None
    notice_title: str | None = None
    notice_url: str | None = None
    staff_chat_id: int | None = None
    staff_message_id: int | None = None
    answered_by: int | None = None
    answered_at: datetime | None = None
    repeated: bool = False  # create_request: this message had opened it already


async def _view(s: object, req: AdviceRequest, *, repeated: bool = False) -> RequestView:
    sub = await s.get(Subscriber, req.subscriber_id)  # type: ignore[attr-defined]
    notice = await s.get(NoticeRow, req.notice_id) if req.notice_id is not None else None  # type: ignore[attr-defined]
    assert sub is not None
    return RequestView(
        id=req.id,
        subscriber_id=sub.id,
        chat_id=sub.chat_id,
        name=sub.name,
        username=sub.username,
        language=sub.language,
        question=req.question,
        status=req.status,
        created_at=req.created_at,
        notice_id=req.notice_id,
        notice_title=notice.title if notice else None,
        notice_url=notice.url if notice else None,
        staff_chat_id=req.staff_chat_id,
        staff_message_id=req.staff_message_id,
        answered_by=req.answered_by,
        answered_at=req.answered_at,
        repeated=repeated,
    )


async def create_request(
    db: Database,
    profile: Profile,
    question: str,
    *,
    notice_id: int | None,
    now: datetime,
    source_message_id: int | None = None,
) -> RequestView:
    """Store the question (the caller posts it to staff and records where with ``mark_posted``).

    ``source_message_id`` (the chat's message that asked) makes it once per message: asked
    again from the same message (a double tap on "Send til en rådgiver", two processes at
    once) it returns the request already made, with ``repeated`` set.
    """
    question = question.strip()[:MAX_QUESTION]
    if not question:
        raise ValueError("empty question")
    if source_message_id is not None:
        existing = await _by_source(db, profile.chat_id, source_message_id)
        if existing is not None:
            return existing
    try:
        return await _create(db, profile, question, notice_id, now, source_message_id)
    except IntegrityError:
        if source_message_id is None:
            raise
        existing = await _by_source(db, profile.chat_id, source_message_id)
        assert existing is not None
        return existing


async def _by_source(db: Database, chat_id: int, source_message_id: int) -> RequestView | None:
    async with db.sessions() as s:
        req = (
            await s.scalars(
                select(AdviceRequest)
                .join(Subscriber, Subscriber.id == AdviceRequest.subscriber_id)
                .where(Subscriber.chat_id == chat_id, AdviceRequest.source_message_id == source_message_id)
            )
        ).one_or_none()
        return await _view(s, req, repeated=True) if req is not None else None


async def _create(
    db: Database, profile: Profile, question: str, notice_id: int | None, now: datetime, source_message_id: int | None
) -> RequestView:
    async with db.sessions.begin() as s:
        sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == profile.chat_id))).one_or_none()
        if sub is None:
            sub = new_subscriber(profile, now, status=SubscriberStatus.STOPPED, reason=CONTACT_ONLY)
            s.add(sub)
            await s.flush()
        else:
            sub.name, sub.username = (profile.name or sub.name)[:200], profile.username or sub.username
            if sub.status == SubscriberStatus.BLOCKED:  # they write to us, so they have unblocked the bot
                sub.status, sub.status_reason, sub.updated_at = SubscriberStatus.STOPPED, CONTACT_ONLY, now
        if notice_id is not None and await s.get(NoticeRow, notice_id) is None:
            notice_id = None
        req = AdviceRequest(
            subscriber_id=sub.id,
            notice_id=notice_id,
            question=question,
            status=AdviceStatus.OPEN,
            created_at=now,
            source_message_id=source_message_id,
        )
        s.add(req)
        await s.flush()
        return await _view(s, req)


async def mark_posted(db: Database, request_id: int, chat_id: int, message_id: int) -> None:
    async with db.sessions.begin() as s:
        req = await s.get(AdviceRequest, request_id)
        if req is not None:
            req.staff_chat_id, req.staff_message_id = chat_id, message_id


async def get(db: Database, request_id: int) -> RequestView | None:
    async with db.sessions() as s:
        req = await s.get(AdviceRequest, request_id)
        return await _view(s, req) if req is not None else None


async def by_staff_message(db: Database, chat_id: int, message_id: int) -> RequestView | None:
    """The request a staff message is about (a reply names the message it answers)."""
    async with db.sessions() as s:
        req = (
            await s.scalars(
                select(AdviceRequest).where(
                    AdviceRequest.staff_chat_id == chat_id, AdviceRequest.staff_message_id == message_id
                )
            )
        ).first()
        return await _view(s, req) if req is not None else None


@dataclass(frozen=True)
class Answered:
    request: RequestView
    first: bool  # False: a follow-up to a request answered before
    duplicate: bool = False  # this very staff message was handled already


async def answer(
    db: Database,
    request_id: int,
    *,
    html_text: str,
    answer_text: str,
    by: int,
    reply_message_id: int,
    now: datetime,
) -> Answered | None:
    """Queue the answer to the enterprise (outbox, kind ``advice``) and close the request.

    Each staff reply is its own message (ref ``<request>:<staff message>``), so a
    follow-up reply is delivered too and a repeated update is not.
    """
    async with db.sessions.begin() as s:
        req = await s.get(AdviceRequest, request_id)
        if req is None:
            return None
        ref = f"{request_id}:{reply_message_id}"
        exists = await s.scalar(
            select(OutboxRow.id).where(
                OutboxRow.subscriber_id == req.subscriber_id, OutboxRow.kind == OutboxKind.ADVICE, OutboxRow.ref == ref
            )
        )
        if exists is not None:
            return Answered(await _view(s, req), first=False, duplicate=True)
        first = req.status == AdviceStatus.OPEN
        s.add(OutboxRow(**new_message(req.subscriber_id, OutboxKind.ADVICE, ref, now, payload={"html": html_text})))
        if first:
            req.status, req.answered_by, req.answered_at, req.answer = (
                AdviceStatus.ANSWERED,
                by,
                now,
                answer_text[:4000],
            )
        await s.flush()
        return Answered(await _view(s, req), first=first)


async def open_requests(db: Database, limit: int = 30) -> list[RequestView]:
    async with db.sessions() as s:
        rows = (
            await s.scalars(
                select(AdviceRequest)
                .where(AdviceRequest.status == AdviceStatus.OPEN)
                .order_by(AdviceRequest.created_at, AdviceRequest.id)
                .limit(limit)
            )
        ).all()
        return [await _view(s, r) for r in rows]


async def unposted(db: Database, limit: int = 20) -> list[RequestView]:
    """Open requests that never reached the staff chat (it was down, or not configured then)."""
    async with db.sessions() as s:
        rows = (
            await s.scalars(
                select(AdviceRequest)
                .where(AdviceRequest.status == AdviceStatus.OPEN, AdviceRequest.staff_message_id.is_(None))
                .order_by(AdviceRequest.id)
                .limit(limit)
            )
        ).all()
        return [await _view(s, r) for r in rows]


async def notice_title(db: Database, notice_id: int) -> str | None:
    """The title of the notice a question is about (None if it is gone)."""
    async with db.sessions() as s:
        return await s.scalar(select(NoticeRow.title).where(NoticeRow.id == notice_id))
