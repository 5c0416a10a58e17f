"""CPU and database statements per Telegram update, end to end in the real Application.

Each of ``--chats`` private chats sends the bench's script (``/start``, a free-text question,
``/settings``, a press on the first button of the settings menu, ``/help``) to the real
Application (``bot.app.build_application``) against the fake Bot API (tests/fakebotapi.py) on
PostgreSQL (``UDBUDSBOT_TEST_PG_URL``, a schema of its own). Counts the SQL statements, the
subscriber look-ups (a ``SELECT`` that reads ``subscribers``) and the event loop thread's CPU per update
(``time.thread_time``: the fake Bot API's server thread is not counted), and with
``--profile N`` prints cProfile's top N functions by own time.

``--baseline-root DIR`` first runs the same in a subprocess with the bot from another source
tree (``git -C /work/main archive upd | tar -x -C /tmp/upd_base``) and prints this / baseline.

    python -m bench.profile_update [--chats 40] [--profile 25] [--baseline-root /tmp/upd_base]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from tests.botkit import bot_settings, running_bot
from tests.conftest import PG_URL, reset_postgres
from tests.fakebotapi import FakeBotAPI

SCRIPT = ["/start", "Hvornår har I åbent på torsdag?", "/settings", "press", "/help"]


class Statements:
    def __init__(self) -> None:
        self.total = 0
        self.subscriber_reads = 0
        self.checkouts = 0  # sessions that took a pooled connection (each was one pre-ping before)

        # BEGIN, COMMIT, ROLLBACK and pings: what asyncpg's query logger sees (it does not see
        # SQLAlchemy's statements, which run as prepared statements: those are ``total``)
        self.round_trips = 0

    def checkout(self, *_: object) -> None:
        self.checkouts += 1

    def connect(self, dbapi_conn: Any, _record: object) -> None:
        dbapi_conn.driver_connection.add_query_logger(self.query)

    def query(self, _logged: object) -> None:
        self.round_trips += 1

    def __call__(self, conn: object, cursor: object, statement: str, *rest: object) -> None:
        self.total += 1
        flat = " ".join(statement.split()).lower()
        if flat.startswith("select") and " subscribers" in flat:
            self.subscriber_reads += 1


async def one_round(bot: Any, api: FakeBotAPI, chats: range, step: str) -> int:
    for chat in chats:
        if step == "press":
            last = api.last_message(chat)
            assert last is not None and "reply_markup" in last, f"no menu in chat {chat}"
            data = last["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            api.push_callback(chat, data, message_id=last["message_id"])
        else:
            api.push_message(chat, step)
    done = 0
    while done < len(chats):
        got = await bot.feed()
        assert got, "the fake Bot API has fewer updates than were pushed"
        done += got
    return done


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    await reset_postgres(PG_URL)
    api = FakeBotAPI().start()
    try:
        settings = bot_settings(PG_URL, api)
        async with running_bot(settings, api, polling=False) as bot:
            counter = Statements()
            event.listen(bot.deps.rt.db.engine.sync_engine, "before_cursor_execute", counter)
            event.listen(bot.deps.rt.db.engine.sync_engine.pool, "checkout", counter.checkout)
            event.listen(bot.deps.rt.db.engine.sync_engine.pool, "connect", counter.connect)
            await bot.deps.rt.db.engine.dispose()  # every connection from now on is counted
            await one_round(bot, api, range(900_000, 900_005), "/start")  # warm up (imports, caches, pool)
            counter.total = counter.subscriber_reads = counter.checkouts = counter.round_trips = 0
            chats = range(1_000, 1_000 + args.chats)
            profile = cProfile.Profile(time.thread_time) if args.profile else None  # CPU, not wall time
            updates, per_step = 0, {}
            cpu0 = time.thread_time()
            for step in SCRIPT:
                before, s0, r0 = time.thread_time(), counter.total, counter.subscriber_reads
                if profile:
                    profile.enable()
                n = await one_round(bot, api, chats, step)
                if profile:
                    profile.disable()
                updates += n
                per_step[step] = (
                    (time.thread_time() - before) * 1000 / n,
                    (counter.total - s0) / n,
                    (counter.subscriber_reads - r0) / n,
                )
            cpu = time.thread_time() - cpu0
            assert not bot.errors, bot.errors
    finally:
        api.stop()
    if profile:
        if args.profile_out:
            profile.dump_stats(args.profile_out)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)
    return {
        "updates": updates,
        "cpu_ms": cpu * 1000 / updates,
        "statements": counter.total / updates,
        "subscriber_reads": counter.subscriber_reads / updates,
        "checkouts": counter.checkouts / updates,
        "round_trips": (counter.round_trips + counter.total) / updates,
        "per_step": per_step,
    }


def line(label: str, r: dict[str, Any]) -> str:
    steps = "; ".join(
        f"{k!r} {v[0]:.1f} ms, {v[1]:.1f} statements, {v[2]:.1f} look-ups" for k, v in r["per_step"].items()
    )
    return (
        f"{label}: {r['updates']} updates, CPU {r['cpu_ms']:.1f} ms/update, "
        f"{r['statements']:.1f} SQL statements/update, "
        f"{r['checkouts']:.1f} connection checkouts/update, {r['round_trips']:.1f} round trips to PostgreSQL/update, "
        f"{r['subscriber_reads']:.1f} subscriber look-ups/update ({steps})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=40)
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions (stderr)")
    parser.add_argument("--profile-out", type=Path, help="with --profile: also write cProfile's data here")
    parser.add_argument("--baseline-root", type=Path)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    base = None
    if args.baseline_root:
        env = dict(os.environ, PYTHONPATH=str(args.baseline_root))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--json", "--chats", str(args.chats)]
        out = subprocess.run(cmd, env=env, cwd=args.baseline_root, check=True, capture_output=True, text=True)
        base = json.loads(out.stdout.strip().splitlines()[-1])
        print(line(f"baseline {args.baseline_root}", base), flush=True)
    result = asyncio.run(measure(args))
    if args.json:
        print(json.dumps(result))
        return
    print(line("this tree", result))
    if base:
        print(
            f"this tree / baseline: CPU {result['cpu_ms'] / base['cpu_ms']:.2f}x, "
            f"statements {result['statements'] / base['statements']:.2f}x, "
            f"round trips {result['round_trips'] / base['round_trips']:.2f}x, "
            f"subscriber look-ups {result['subscriber_reads'] / max(base['subscriber_reads'], 1e-9):.2f}x"
        )


if __name__ == "__main__":
    main()
