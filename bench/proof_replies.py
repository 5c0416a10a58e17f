"""Replies under load (part C of ``bench/proof_load.py``): 50 users chatting at once with a real
``python -m bot run`` process (long polling, a database of its own) that sends a 2,000-chat
broadcast meanwhile.

Each user sends 10 messages (commands, questions) and waits for the answer; the reply time is
from the update being available to the reply's request reaching the fake Bot API (taken by the
server thread). The users start ``--settle`` seconds (default 3) after the broadcast is queued,
while it is being sent: right after the bench's own bulk insert of 2,000 subscribers and 2,000
messages PostgreSQL is busy absorbing it for a moment, and replies then wait for the database,
not for the bot (``--settle 0`` shows that). Run on the machine as it is (the baseline), then
with ``--busy`` processes (default 2, one per core) spinning ``while True: pass`` from the bot's
start to the end; ``--baseline-root`` also runs the bot from another source tree under the same
load. Prints the p95s, their ratios, the bot's CPU and the verdict against ``--target-ms``
(50 ms).

    python -m bench.proof_load --skip-a --skip-b [--busy N] [--skip-quiet] [--baseline-root DIR] [--settle S]
        [--sqlite]   (the bot on the embedded default, SQLite, instead of PostgreSQL)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.proof_common import pct
from bench.proof_pg_restart import LOG_DIR, admin_execute, admin_url, write_config
from jobs.db import Database, create_database
from tests.conftest import ROOT
from tests.fakebotapi import DEFAULT_TOKEN, FakeBotAPI
from tests.scalekit import add_broadcast, add_subscribers

REPLIES_DB = f"udbudsbot_proof_replies_{os.getpid()}"  # a database of its own: proofs of others may run
SCRIPT = [
    "/start",
    "/help",
    "/hours",
    "Hvornår har I åbent på torsdag?",
    "/settings",
    "Hvad er en socialøkonomisk virksomhed?",
    "/categories",
    "Hvornår kan jeg ringe?",
    "/level",
    "Tak for hjælpen",
]


REPLY_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
BUSY_LOOP = "while True: pass"


class Arrivals:
    """When each chat's replies reached the fake Bot API (the request's arrival time, taken by
    the server thread, so a slow scan here does not count), read incrementally as they come."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.seen = 0
        self.times: dict[int, list[float]] = defaultdict(list)

    def scan(self) -> None:
        with self.api._lock:
            calls = self.api._calls[self.seen :]
            self.seen += len(calls)
        for call in calls:
            if call.method.lower() in REPLY_METHODS and "chat_id" in call.params:
                self.times[int(call.params["chat_id"])].append(call.time)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.scan()
            await asyncio.sleep(0.005)


@dataclass
class Replies:
    latencies: list[float] = field(default_factory=list)
    by_text: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    timeouts: int = 0
    took: float = 0.0
    bot_cpu: float = 0.0  # CPU seconds the bot process used while the users chatted


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_replies_bot(
    folder: Path, api: FakeBotAPI, url: str, n: int, nice: int = 0, root: Path = ROOT
) -> subprocess.Popen[bytes]:
    """One `udbudsbot run` in polling mode on its own database (not the shared proof database);
    ``root``: the source tree it runs from (another checkout: the baseline)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root)
    env.update(
        UDBUDSBOT_CONFIG=str(write_config(folder, webhook=False)),
        UDBUDSBOT_DATABASE_URL=url,
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        PTB_TIMEDELTA="true",
    )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(LOG_DIR / f"replies-{n}.log", "wb")  # noqa: SIM115
    command = [sys.executable, "-m", "bot", "-v", "run"]
    if nice:  # the priority a deployment may give the bot (systemd Nice=), as `nice -n` does
        command = ["nice", "-n", str(nice), *command]
    return subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log)


async def chat_as_users(args: argparse.Namespace, api: FakeBotAPI, arrivals: Arrivals) -> Replies:
    out = Replies()
    rng = random.Random(7)

    async def user(chat: int) -> None:
        await asyncio.sleep(rng.uniform(0, 1))
        for text in SCRIPT:
            before = len(arrivals.times[chat])
            sent_at = time.monotonic()
            api.push_message(chat, text)
            while len(arrivals.times[chat]) <= before:
                if time.monotonic() - sent_at > 30:
                    out.timeouts += 1
                    break
                await asyncio.sleep(0.005)
            else:
                out.latencies.append(arrivals.times[chat][before] - sent_at)
                out.by_text[text].append(out.latencies[-1])
            await asyncio.sleep(rng.uniform(0.2, 1.0))  # a person reads and types

    t1 = time.monotonic()
    await asyncio.gather(*(user(500_000 + i) for i in range(args.users)))
    out.took = time.monotonic() - t1
    return out


async def replies_run(args: argparse.Namespace, busy: int, root: Path = ROOT) -> Replies:
    """50 users chatting with one bot process that sends a 2,000-chat fan-out meanwhile;
    ``busy`` processes spinning `while True: pass` from before the users start."""
    folder = Path(tempfile.mkdtemp(prefix="udbudsbot-load-"))
    if args.sqlite:  # the embedded default: a file of its own
        url = f"sqlite+aiosqlite:///{folder / 'replies.sqlite3'}"
    else:
        url = urlunsplit(urlsplit(admin_url())._replace(path=f"/{REPLIES_DB}"))
        if not args.sqlite:
            await admin_execute(f'DROP DATABASE IF EXISTS "{REPLIES_DB}" WITH (FORCE)')
        await admin_execute(f'CREATE DATABASE "{REPLIES_DB}"')
    # the bot migrates its database at start (a baseline tree to its own revision)
    api = FakeBotAPI().start()
    proc = start_replies_bot(folder, api, url, busy, args.bot_nice, root)
    burners = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(busy)]
    arrivals = Arrivals(api)
    stop = asyncio.Event()
    watcher = asyncio.create_task(arrivals.run(stop))
    try:
        t0 = time.monotonic()
        while not api.calls_to("getUpdates") and time.monotonic() - t0 < 60:
            await asyncio.sleep(0.2)
        # warm up (start-up jobs: the first poll of the bundled sources, re-scoring), then keep the
        # bot's sender busy with a fan-out to 2,000 other chats while the users chat
        api.push_message(499_999, "/start")
        await asyncio.sleep(args.warmup)
        db: Database = create_database(url)  # as the bot migrated it
        others = await add_subscribers(db, list(range(600_000, 602_000)), datetime.now(UTC))
        await add_broadcast(db, list(others.values()), "bc:busy", "Travl afsender", datetime.now(UTC))
        await db.close()
        # the users write once the broadcast is under way: the 4,000 rows just inserted are
        # PostgreSQL's to absorb first (their WAL, autovacuum's analyse), not the bot's
        await asyncio.sleep(args.settle)
        cpu0 = cpu_seconds(proc.pid)
        replies = await chat_as_users(args, api, arrivals)
        replies.bot_cpu = cpu_seconds(proc.pid) - cpu0
        return replies
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
        stop.set()
        await watcher
        proc.terminate()
        try:
            stopped = proc.wait(30) is not None
        except subprocess.TimeoutExpired:
            stopped = False
            proc.kill()
        print(f"   the bot stopped on SIGTERM within 30 s: {stopped}")
        api.stop()
        if not args.sqlite:
            await admin_execute(f'DROP DATABASE IF EXISTS "{REPLIES_DB}" WITH (FORCE)')


def replies_line(args: argparse.Namespace, label: str, r: Replies) -> str:
    lat = r.latencies
    return (
        f"C. {label}: {args.users} users x {len(SCRIPT)} messages in {r.took:.0f} s against one `udbudsbot run` "
        f"(long polling, {'SQLite' if args.sqlite else 'PostgreSQL'}) that sends a 2,000-chat fan-out meanwhile: "
        f"reply time p50 {pct(lat, 50) * 1000:.0f} ms, "
        f"p95 {pct(lat, 95) * 1000:.0f} ms, max {max(lat, default=0) * 1000:.0f} ms; "
        f"{r.timeouts} without a reply in 30 s; the bot used {r.bot_cpu:.1f} s CPU meanwhile "
        f"({r.bot_cpu / r.took:.0%} of a core)"
    )


async def part_c(args: argparse.Namespace) -> str:
    runs: list[tuple[str, Replies]] = []
    if not args.skip_quiet:
        runs.append(("quiet", await replies_run(args, 0)))
        print(replies_line(args, *runs[-1]), flush=True)
    if args.baseline_root:
        base = await replies_run(args, args.busy, Path(args.baseline_root))
        print(replies_line(args, f"{args.busy} busy loops, baseline {args.baseline_root}", base), flush=True)
    label = f"{args.busy} busy loops"
    runs.append((label, await replies_run(args, args.busy)))
    line = replies_line(args, *runs[-1])
    print(line, flush=True)
    for text, values in sorted(runs[-1][1].by_text.items(), key=lambda kv: -pct(kv[1], 95)):
        print(f"   {text!r}: p50 {pct(values, 50) * 1000:.0f} ms, p95 {pct(values, 95) * 1000:.0f} ms")
    p95 = pct(runs[-1][1].latencies, 95) * 1000
    if len(runs) == 2:
        quiet = pct(runs[0][1].latencies, 95) * 1000
        print(f"   p95 under load / quiet: {p95 / quiet:.2f}x ({p95:.0f} / {quiet:.0f} ms)")
    if args.baseline_root:
        b95 = pct(base.latencies, 95) * 1000
        print(f"   p95 under load, this tree / baseline: {p95 / b95:.2f}x ({p95:.0f} / {b95:.0f} ms)")
    verdict = "PASS" if p95 <= args.target_ms and runs[-1][1].timeouts == 0 else "FAIL"
    print(f"   reply p95 under load {p95:.0f} ms (target <= {args.target_ms:g} ms): {verdict}", flush=True)
    return line
