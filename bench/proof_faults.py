"""Proof: a Bot API that answers 429 storms, 403, 400, 502 and resets does not cost a reachable
user a message, and a 429 pauses every process.

Two worker processes (bench/proof_worker.py: the real sender, shared limiter and notifier)
send one message to each of 1,000 subscribers through the fake Bot API, which

* limits sending to 30 messages in any second and answers 429 (``retry_after``) above it,
  while the workers are allowed 100/s: storms of 429s;
* answers 20 more explicit 429s with retry_after 2;
* has 20 users who blocked the bot (403) and 10 chats that are gone (400 "chat not found");
* refuses the message for 5 chats (400 "message is too long": Telegram will never take it);
* answers 40 calls with a proxy's 502 HTML page, resets 30 connections before the call takes
  effect and 10 after (the message was stored but the answer is lost: the one case that can
  repeat a message).

Checked: every reachable chat got the message; the only repeats are the 10 lost answers;
blocked and gone chats are marked blocked and not retried; refused rows are marked failed; and
after each 429 of the flood limit, how many calls any process still made inside the
``retry_after`` window (after a 0.25 s grace for messages already on their way). Run with
``--local-limiter`` to see the same count when each process keeps its own pause.

    python -m bench.proof_faults [--recipients 1000] [--local-limiter]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from sqlalchemy import func, select

from bench.proof_common import FIRST_CHAT, Cluster, drop_schema, fresh_database, open_rows
from jobs.models import OutboxRow, Subscriber
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer
from tests.scalekit import add_broadcast, add_subscribers

MARKER = "Besked gennem fejlstorm"
GRACE = 0.25


async def run(args: argparse.Namespace) -> int:
    api = FakeBotAPI().start()
    feed = FeedServer().start()
    db = await fresh_database()
    extra = ["--local-limiter"] if args.local_limiter else []
    cluster = Cluster(api, feed, rate=args.rate, per_chat=0.0, extra=extra)
    try:
        from datetime import UTC, datetime

        chats = list(range(FIRST_CHAT, FIRST_CHAT + args.recipients))
        subs = await add_subscribers(db, chats, datetime.now(UTC))
        blocked, gone, refused = chats[:20], chats[20:30], chats[30:35]
        for c in blocked:
            api.block(c)
        for c in gone:
            api.fail("sendMessage", status=400, description="Bad Request: chat not found", chat_id=c, times=None)
        for c in refused:
            api.fail("sendMessage", status=400, description="Bad Request: message is too long", chat_id=c, times=None)
        api.fail("sendMessage", status=429, retry_after=2, times=20)
        api.fail("sendMessage", status=502, body="<html><body>502 Bad Gateway</body></html>", times=40)
        api.reset_connections("sendMessage", times=30)
        api.reset_connections("sendMessage", times=10, after_processing=True)
        api.flood_limit(30)
        for _ in range(args.workers):
            cluster.spawn(with_feed=False)
        await add_broadcast(db, list(subs.values()), "bc:faults", MARKER, datetime.now(UTC))
        t0 = time.monotonic()
        while await open_rows(db) and time.monotonic() - t0 < args.timeout:
            await asyncio.sleep(0.5)
        took = time.monotonic() - t0
        left = await open_rows(db)

        got: dict[int, int] = {}
        for m in api.sent():
            if MARKER in m.get("text", ""):
                got[int(m["chat"]["id"])] = got.get(int(m["chat"]["id"]), 0) + 1
        unreachable = set(blocked) | set(gone) | set(refused)
        reachable = [c for c in chats if c not in unreachable]
        missing = [c for c in reachable if c not in got]
        dups = sum(n - 1 for n in got.values() if n > 1)
        wrongly = [c for c in unreachable if c in got]
        async with db.sessions() as s:
            statuses = dict((await s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))).all())
            marked = set((await s.scalars(select(Subscriber.chat_id).where(Subscriber.status == "blocked"))).all())
        calls = sorted(c.time for c in api.calls_to("sendMessage"))
        floods = [e for e in api.flood_events]
        inside = 0
        windows = 0
        for e in floods:
            start, end = e.time + GRACE, e.time + e.retry_after
            if end <= start:
                continue
            windows += 1
            inside += sum(1 for t in calls if start < t < end)
        sent_rate = len(got) / took if took else 0
        print(f"{args.workers} processes, {'local' if args.local_limiter else 'shared'} limiter, rate {args.rate:g}/s")
        print(f"all rows settled in {took:.1f} s ({left} left); outbox: {statuses}")
        print(
            f"reachable {len(reachable)}: missing {len(missing)}, duplicates {dups} (answers lost after "
            f"the fact: 10); unreachable that got it: {len(wrongly)}"
        )
        print(f"blocked/gone marked blocked: {len(marked & (set(blocked) | set(gone)))} of {len(blocked) + len(gone)}")
        print(
            f"429s from the flood limit: {len(floods)}; sendMessage calls made inside a retry_after window "
            f"(after {GRACE:g} s grace): {inside} over {windows} windows; {len(calls)} calls in all, "
            f"{sent_rate:.1f} delivered/s"
        )
        ok = not missing and not wrongly and dups <= 10 and left == 0
        ok &= statuses.get("failed", 0) == len(refused)
        ok &= (set(blocked) | set(gone)) <= marked
        print("RESULT:", "PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        cluster.stop()
        await db.close()
        api.stop()
        feed.stop()
        await drop_schema()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipients", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--rate", type=float, default=100.0)
    p.add_argument("--timeout", type=float, default=300.0)
    p.add_argument("--local-limiter", action="store_true")
    return asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
