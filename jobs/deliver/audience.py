"""Who new notices are matched against: the subscription index, cached between polls.

Only the columns matching needs are read (a Core select, no ORM objects), and the index is
built once and kept until the subscriptions change. A change is seen through a one-row
fingerprint query: how many subscribers can be matched and the newest ``updated_at``
among them. Every engine function that changes a subscription raises that newest
``updated_at`` (``jobs.people.subscribers.changed_at``), a subscriber who leaves the
matchable set lowers the count, and a new one raises both, so a process notices a change
made by any other process sharing the database before its next fan-out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.deliver.match import Subscription, SubscriptionIndex, categories_to_prefixes
from jobs.models import Subscriber
from jobs.status import DeliveryMode, OutboxStatus, SubscriberStatus

ACTIVE_FOR_MATCHING = (SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED)
COLUMNS = (
    Subscriber.id,
    Subscriber.status,
    Subscriber.delivery,
    Subscriber.categories,
    Subscriber.keywords,
    Subscriber.max_value_dkk,
    Subscriber.min_level,
    Subscriber.subscribed_at,
)


def subscription_of(sub: Any, prefixes: Mapping[str, Sequence[str]]) -> Subscription:
    """A subscriber's matching criteria (an ORM row or a row of ``COLUMNS``)."""
    return Subscription(
        id=sub.id,
        cpv_prefixes=categories_to_prefixes(sub.categories or (), prefixes),
        keywords=tuple(sub.keywords or ()),
        max_value_dkk=sub.max_value_dkk,
        min_level=sub.min_level,
        since=sub.subscribed_at,
        categories=tuple(sub.categories or ()),
    )


def initial_status(status: str, delivery: str) -> OutboxStatus:
    """Where a new alert starts: sent now, kept for the digest, or held while paused."""
    if status == SubscriberStatus.PAUSED:
        return OutboxStatus.HELD
    return OutboxStatus.PENDING if delivery == DeliveryMode.INSTANT else OutboxStatus.DIGEST


@dataclass(frozen=True)
class Audience:
    """The matchable subscribers: their index, and where each one's new alerts start."""

    index: SubscriptionIndex
    start: dict[int, OutboxStatus]


Fingerprint = tuple[int, datetime | None]


async def fingerprint(session: AsyncSession) -> Fingerprint:
    """(matchable subscribers, newest change among them): different after any change."""
    q = select(func.count(), func.max(Subscriber.updated_at)).where(Subscriber.status.in_(ACTIVE_FOR_MATCHING))
    count, newest = (await session.execute(q)).one()
    return int(count), newest


async def load_audience(session: AsyncSession, prefixes: Mapping[str, Sequence[str]]) -> Audience:
    rows = (await session.execute(select(*COLUMNS).where(Subscriber.status.in_(ACTIVE_FOR_MATCHING)))).all()
    index = SubscriptionIndex.build(subscription_of(r, prefixes) for r in rows)
    return Audience(index, {r.id: initial_status(r.status, r.delivery) for r in rows})


class AudienceCache:
    """The audience of one database, rebuilt only when its fingerprint changes."""

    def __init__(self, prefixes: Mapping[str, Sequence[str]]) -> None:
        self.prefixes = prefixes
        self._key: tuple[object, Fingerprint] | None = None
        self._audience: Audience | None = None

    @property
    def audience(self) -> Audience | None:
        """The audience the last fan-out used (None before the first)."""
        return self._audience

    async def get(self, session: AsyncSession) -> Audience:
        # The fingerprint is read before the rows: a change committed in between makes the
        # next fingerprint differ, so a stale index is never kept under a new fingerprint.
        key = (session.get_bind(), await fingerprint(session))
        if self._audience is None or self._key != key:
            self._audience = await load_audience(session, self.prefixes)
            self._key = key
        return self._audience
