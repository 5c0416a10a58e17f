"""One udbudsbot process for the scale-out proofs: the real engine, driven like `udbudsbot run`.

It runs what ``bot/scheduled.py`` runs, minus PTB's JobQueue and update handling: the leader
tick (``jobs.ops.leader.AdvisoryLeader``), the leader-only polling job (``jobs.ingest.poll``, which stores,
classifies and enqueues in one transaction) and the sender (``jobs.deliver.send.drain_outbox`` with
the shared rate limiter ``jobs.deliver.pgratelimit.SharedRateLimiter`` and the real
``bot.sender.TelegramNotifier`` talking HTTP to the fake Bot API). The proofs start several of
these and kill them with SIGKILL. Its rate limit is set on the command line (the proofs use more
than Telegram's 30/s against the fake server, to stay within minutes).

    python -m bench.proof_worker --db URL --schema S --api BASE_URL --feed URL [--rate 400]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from dataclasses import replace

from telegram import Bot

from bot.sender import TelegramNotifier
from jobs.config import DeliverySettings, PollSettings, Settings, SourceSettings, load_settings
from jobs.db import open_database
from jobs.deliver.pgratelimit import SharedRateLimiter
from jobs.deliver.ratelimit import Limiter, RateLimiter
from jobs.deliver.send import drain_outbox
from jobs.deliver.workers import heartbeat, start_worker
from jobs.ingest.poll import poll_due_sources
from jobs.ops.leader import AdvisoryLeader
from jobs.runtime import open_runtime, utcnow
from tests.conftest import ROOT
from tests.fakebotapi import DEFAULT_TOKEN

log = logging.getLogger("proof_worker")


def worker_settings(
    db_url: str, api: str, feed: str | None, *, lease: float, batch: int, worker_timeout: float = 10.0
) -> Settings:
    base = load_settings(ROOT / "config.toml", env={})
    sources = (SourceSettings(name="burst", kind="rss", url=feed, interval_minutes=0.01),) if feed else ()
    return replace(
        base,
        database=replace(base.database, url=db_url),
        telegram=replace(base.telegram, base_url=api, staff_chat_id=0),
        sources=sources,
        poll=replace(PollSettings(), tick_seconds=0.5, backoff_base_seconds=1.0, backoff_max_seconds=2.0),
        delivery=replace(
            DeliverySettings(),
            lease_seconds=lease,
            worker_timeout_seconds=worker_timeout,
            batch_size=batch,
            daily_cap=100_000,
            max_attempts=50,
        ),
    )


async def run(args: argparse.Namespace) -> None:
    settings = worker_settings(
        args.db, args.api, args.feed, lease=args.lease, batch=args.batch, worker_timeout=args.worker_timeout
    )
    db = await open_database(args.db, schema=args.schema)
    bot = Bot(DEFAULT_TOKEN, base_url=args.api)
    await bot.initialize()
    notifier = TelegramNotifier(bot, clock=utcnow, tz=settings.delivery.timezone)
    runtime = open_runtime(settings, db=db, notifier=notifier)
    rt = await runtime.__aenter__()  # open for the life of this worker process
    limiter: Limiter = (
        RateLimiter(args.rate, args.per_chat) if args.local_limiter else SharedRateLimiter(db, args.rate, args.per_chat)
    )
    leader = AdvisoryLeader(args.db, schema=args.schema, timeout=2.0)
    if not args.no_workers:  # register (taking back what dead processes held), then heartbeat
        await start_worker(rt)
    print(f"ready {os.getpid()}", flush=True)

    async def beat() -> None:
        while not args.no_workers:
            await asyncio.sleep(args.worker_timeout / 4)
            try:
                await heartbeat(rt)
            except Exception:
                log.exception("heartbeat failed")

    async def lead() -> None:
        while True:
            await leader.tick()
            if leader.is_leader and args.feed:
                try:
                    await poll_due_sources(rt)
                except Exception:  # the scheduler would log it and go on
                    log.exception("poll failed")
            await asyncio.sleep(args.tick)

    async def send() -> None:
        while True:
            try:
                await drain_outbox(rt, notifier, limiter)
            except Exception:
                log.exception("send round failed")
            await asyncio.sleep(0.2)

    await asyncio.gather(lead(), send(), beat())


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--schema", required=True)
    p.add_argument("--api", required=True, help="fake Bot API base URL (…/bot)")
    p.add_argument("--feed", default=None)
    p.add_argument("--rate", type=float, default=400.0)
    p.add_argument("--per-chat", type=float, default=0.2)
    p.add_argument("--lease", type=float, default=3.0)
    p.add_argument("--batch", type=int, default=50)
    p.add_argument("--tick", type=float, default=0.5)
    p.add_argument("--worker-timeout", type=float, default=10.0, help="delivery.worker_timeout_seconds")
    p.add_argument("--no-workers", action="store_true", help="no heartbeat: claims of the dead wait for the lease")
    p.add_argument("--local-limiter", action="store_true", help="the in-process limiter (for comparison)")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING, format=f"[worker {os.getpid()}] %(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
