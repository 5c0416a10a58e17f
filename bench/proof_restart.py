"""Proof: after a kill -9 in the middle of a broadcast and a restart at once, every recipient
has the message within 15 s (delivery.worker_timeout_seconds, jobs/deliver/workers.py).

One worker process (bench/proof_worker.py: the real sender, shared rate limiter and Telegram
notifier, at Telegram's pace: 25 messages/s, one per second per chat) sends a staff broadcast
to 150 subscribers through the fake Bot API on loopback (each sendMessage answered after
``--latency`` s, a real round trip). Once ``--kill-after`` messages went out it gets SIGKILL
while holding claimed rows, and a new process starts at once. Timed from the kill: until every
recipient has the message (watched for ``--watch`` s at most), how many still lack it at 15 s,
and duplicates (only a message in flight at the kill may repeat).

Run twice in one go: with the workers table (the new process sees its predecessor's process is
gone and takes its claims back at start) and ``--no-workers`` (before: the claims wait for
``delivery.lease_seconds`` = 120 s).

    python -m bench.proof_restart [--recipients 150] [--kill-after 40] [--watch 30] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter

from bench.proof_common import Cluster, claimed_by, drop_schema, fresh_database, now, received
from jobs.db import Database
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer
from tests.scalekit import add_broadcast, add_subscribers

FIRST = 300_000
TARGET = 15.0


async def one_run(args: argparse.Namespace, workers: bool, round_no: int) -> dict[str, float | int | None]:
    api = FakeBotAPI().start()
    api.flood_limit(30, 1)  # Telegram's limits
    api.delay("sendMessage", args.latency)
    feed = FeedServer().start()
    db: Database = await fresh_database()
    extra = [] if workers else ["--no-workers"]
    cluster = Cluster(api, feed, rate=25.0, lease=120.0, per_chat=1.0, extra=extra)
    try:
        chats = list(range(FIRST, FIRST + args.recipients))
        subs = await add_subscribers(db, chats, now())
        victim = cluster.spawn(with_feed=False)
        marker = f"Besked {round_no} til alle"
        await add_broadcast(db, list(subs.values()), f"bc:{round_no}", marker, now())
        deadline = time.monotonic() + 60
        while len(api.calls_to("sendMessage")) < args.kill_after and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        cluster.kill(victim)
        killed = time.monotonic()
        in_flight = await claimed_by(db, victim.claim_id)
        cluster.spawn(with_feed=False)
        at_target: int | None = None
        done: float | None = None
        while time.monotonic() - killed < args.watch:
            got = _received(api, marker)
            missing = sum(1 for c in chats if got[c] == 0)
            if at_target is None and time.monotonic() - killed >= TARGET:
                at_target = missing
            if missing == 0:
                done = time.monotonic() - killed
                break
            await asyncio.sleep(0.05)
        got = _received(api, marker)
        return {
            "in_flight": len(in_flight),
            "done_s": done,
            "missing_at_15s": at_target if at_target is not None else 0,
            "missing_at_end": sum(1 for c in chats if got[c] == 0),
            "duplicates": sum(n - 1 for n in got.values() if n > 1),
        }
    finally:
        cluster.stop()
        await db.close()
        api.stop()
        feed.stop()
        await drop_schema()


def _received(api: FakeBotAPI, marker: str) -> Counter[int]:
    return received(api, [marker])[marker]


async def run(args: argparse.Namespace) -> int:
    print(
        f"{args.recipients} recipients, Telegram's pace (25/s, 1/s per chat), {args.latency * 1000:g} ms per "
        f"sendMessage; kill -9 after {args.kill_after} sent, restart at once; lease 120 s, "
        f"worker_timeout 10 s; watched {args.watch:g} s"
    )
    print("| mode | run | rows claimed by the killed process | all received after (s) | missing at 15 s | duplicates |")
    print("|---|---|---|---|---|---|")
    ok = True
    for workers in (True, False):
        mode = "workers (now)" if workers else "lease only (before)"
        for r in range(1, args.rounds + 1):
            res = await one_run(args, workers, r)
            done = f"{res['done_s']:.1f}" if res["done_s"] is not None else f"not within {args.watch:g}"
            print(f"| {mode} | {r} | {res['in_flight']} | {done} | {res['missing_at_15s']} | {res['duplicates']} |")
            if workers:
                ok &= res["done_s"] is not None and float(res["done_s"]) <= TARGET
    print("RESULT:", "PASS (every recipient within 15 s with workers)" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipients", type=int, default=150)
    p.add_argument("--kill-after", type=int, default=40, help="kill once this many messages went out")
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--watch", type=float, default=30.0)
    p.add_argument("--rounds", type=int, default=3)
    return asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
