"""Proof: kill -9 of a random process during a fan-out and a notice burst loses nothing.

Three worker processes (bench/proof_worker.py: the real leader election, polling job, sender,
shared rate limiter and Telegram notifier) share one PostgreSQL schema and send to a fake Bot
API over loopback. Each round:

1. staff fan-out: one outbox row for each of the 2,000 subscribers ("Runde N: besked til alle");
2. a notice burst: six new notices appear in the feed the leader polls, each matching the
   subscribers of one category (600 subscribers have one category each);
3. at a random moment a random process (the leader or not) gets SIGKILL, and the rows it had
   claimed (status ``sending``, claimed by it) are noted: the messages in flight;
4. a replacement process starts; the round ends when every row is sent.

Then every recipient must have got each message (nothing lost), and every message that
arrived twice must be one of the killed process's in-flight rows (duplicates only there).

    python -m bench.proof_kill [--rounds 20] [--recipients 2000] [--workers 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from bench.proof_common import (
    CATEGORY_CPV,
    Cluster,
    add_round_broadcast,
    claimed_by,
    drop_schema,
    fresh_database,
    leader_pid,
    message_count,
    notices_of_round,
    open_rows,
    received,
    seed_subscribers,
    set_feed,
    wait_baseline,
)
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer


async def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    api = FakeBotAPI().start()
    feed = FeedServer().start()
    db = await fresh_database()
    cluster = Cluster(api, feed, rate=args.rate, lease=args.lease)
    failures = 0
    totals = {"sent": 0, "dups": 0, "in_flight": 0, "missing": 0, "leader_kills": 0}
    try:
        subs = await seed_subscribers(db, args.recipients, args.burst_recipients)
        cats = list(CATEGORY_CPV)
        expected_notice = {
            cat: {c for i, c in enumerate(sorted(subs)[: args.burst_recipients]) if cats[i % 6] == cat} for cat in cats
        }
        set_feed(feed, [0])
        for _ in range(args.workers):
            cluster.spawn()
        await wait_baseline(db)
        print(f"{args.workers} workers, {len(subs)} subscribers, {args.rounds} rounds, rate {args.rate:g}/s")
        print("| round | killed | at s | in flight | sent | duplicates | missing | round s |")
        print("|---|---|---|---|---|---|---|---|")
        started = time.monotonic()
        for r in range(1, args.rounds + 1):
            since = message_count(api)
            marker = await add_round_broadcast(db, subs, r)
            set_feed(feed, list(range(r + 1)))
            t0 = time.monotonic()
            await asyncio.sleep(rng.uniform(0.2, args.kill_within))
            victim = rng.choice(cluster.workers)
            was_leader = await leader_pid(db) == victim.pid
            cluster.kill(victim)
            at = time.monotonic() - t0
            in_flight = await claimed_by(db, victim.claim_id)
            cluster.spawn()
            deadline = time.monotonic() + args.round_timeout
            while time.monotonic() < deadline:
                if await notices_of_round(db, r) == len(cats) and await open_rows(db) == 0:
                    break
                await asyncio.sleep(0.2)
            took = time.monotonic() - t0
            titles = {cat: f"Runde {r} udbud {cat}" for cat in cats}
            got = received(api, [marker, *titles.values()], since)
            missing = [c for c in subs if got[marker][c] == 0]
            dups = [(c, "broadcast") for c, n in got[marker].items() for _ in range(n - 1)]
            for cat, title in titles.items():
                missing += [c for c in expected_notice[cat] if got[title][c] == 0]
                dups += [(c, "notice") for c, n in got[title].items() for _ in range(n - 1)]
                stray = set(got[title]) - expected_notice[cat]
                if stray:
                    print(f"round {r}: {len(stray)} chats got {title!r} without subscribing to it")
                    failures += 1
            flight_keys = {(c, k) for c, k, _ in in_flight}
            unexplained = [d for d in dups if d not in flight_keys]
            sent = sum(sum(c.values()) for c in got.values())
            totals["sent"] += sent
            totals["dups"] += len(dups)
            totals["in_flight"] += len(in_flight)
            totals["missing"] += len(missing)
            totals["leader_kills"] += was_leader
            who = "leader" if was_leader else "sender"
            print(f"| {r} | {who} | {at:.1f} | {len(in_flight)} | {sent} | {len(dups)} | {len(missing)} | {took:.1f} |")
            if missing or unexplained or time.monotonic() >= deadline:
                failures += 1
                print(f"round {r}: FAILED: missing {missing[:5]}, unexplained duplicates {unexplained[:5]}")
        elapsed = time.monotonic() - started
        print(
            f"\n{args.rounds} rounds in {elapsed:.0f} s: {totals['sent']} messages received, "
            f"{totals['missing']} missing, {totals['dups']} duplicates "
            f"(all among the {totals['in_flight']} rows in flight at the kills), "
            f"{totals['leader_kills']} of the kills hit the leader"
        )
        print("RESULT:", "PASS" if failures == 0 else f"FAIL ({failures})")
        return 0 if failures == 0 else 1
    finally:
        cluster.stop()
        await db.close()
        api.stop()
        feed.stop()
        if not args.keep:
            await drop_schema()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--recipients", type=int, default=2000)
    p.add_argument("--burst-recipients", type=int, default=600)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--rate", type=float, default=400.0, help="shared send rate against the fake API")
    p.add_argument("--lease", type=float, default=3.0, help="delivery.lease_seconds of the workers")
    p.add_argument("--kill-within", type=float, default=5.0, help="kill at a random moment in the first N s")
    p.add_argument("--round-timeout", type=float, default=120.0)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--keep", action="store_true", help="keep the schema for inspection")
    return asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
