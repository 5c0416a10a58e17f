"""``udbudsbot broadcast``: a broadcast from the command line, for scheduled or scripted use.

The message is stored and confirmed exactly as from Telegram (``jobs.people.broadcasts``): with
``--at`` it is scheduled and the running bot fans it out on time; without, it is fanned
out into the outbox at once and the running bot's sender delivers it. Its final report
goes to the staff chat.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from jobs.categories import all_categories
from jobs.config import Settings
from jobs.db import open_database
from jobs.people import broadcasts as bc
from jobs.people.broadcasts import Audience
from jobs.people.markup import check_html
from jobs.people.sendtime import SendTimeError, parse_send_time
from jobs.runtime import utcnow
from jobs.status import BroadcastStatus


async def broadcast(
    settings: Settings,
    *,
    text: str,
    is_html: bool = False,
    categories: Sequence[str] = (),
    language: str | None = None,
    relevant: int | None = None,
    at: str | None = None,
    dry_run: bool = False,
) -> int:
    markup = text if is_html else html.escape(text, quote=False)
    problem = check_html(markup)
    if problem:
        print(f"udbudsbot: the message cannot be sent: {problem}", file=sys.stderr)
        return 2
    known = all_categories(settings)
    unknown = [c for c in categories if c not in known]
    if unknown:
        print(f"udbudsbot: unknown category {unknown[0]!r}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    tz = settings.delivery.timezone
    now = utcnow()
    try:
        send_at = parse_send_time(at, now, tz) if at else None
    except SendTimeError as e:
        print(f"udbudsbot: --at {at!r}: {e.code.replace('_', ' ')} (try e.g. '2026-12-01 09:00')", file=sys.stderr)
        return 2
    audience = Audience(
        categories=tuple(dict.fromkeys(categories)),
        language=language,
        relevant=relevant is not None,
        notice_id=relevant or None,
    )
    db = await open_database(settings.database.url, echo=settings.database.echo)
    try:
        count = await bc.count_recipients(db, audience)
        if dry_run:
            print(f"{count} recipients")
            return 0
        bid = await bc.create(db, html_text=markup, audience=audience, created_by=None, now=now, send_at=send_at)
        result = await bc.confirm(db, bid, actor=None, now=now)
    finally:
        await db.close()
    if result.status == BroadcastStatus.SCHEDULED and result.send_at is not None:
        local = result.send_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
        print(f"broadcast #{bid}: scheduled for {local} ({tz}), {result.recipients} recipients now")
    else:
        print(f"broadcast #{bid}: queued for {result.recipients} recipients; the running bot sends it")
    return 0
