"""Two real `udbudsbot run` processes in polling mode on one PostgreSQL database (bot/polling.py).

Only the leader long-polls getUpdates (the fake answers 409 Conflict to overlapping calls, as
Telegram does, and counts them); both send. Every update is answered once, every outbox message
delivered once; after a `kill -9` of the leader the other process takes the lead and answers.
Each run gets a database of its own (advisory locks are per database), dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy import text

from bot.polling import LeaderPolling
from jobs.db import create_database, open_database
from jobs.ops.leader import AdvisoryLeader
from tests.botkit import bot_settings, running_bot
from tests.conftest import PG_SCHEMA, PG_URL, ROOT, _pg_reachable
from tests.fakebotapi import FakeBotAPI
from tests.scalekit import add_broadcast, add_subscribers, until

DB_NAME = f"udbudsbot_test_polling_{os.getpid()}"


async def _admin(sql: str) -> None:
    db = create_database(PG_URL)
    try:
        async with db.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await db.close()


@pytest.fixture
async def own_pg_url() -> AsyncIterator[str]:
    if not _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL} (CI must start it)")
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    await _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    await _admin(f'CREATE DATABASE "{DB_NAME}"')
    url = urlunsplit(urlsplit(PG_URL)._replace(path=f"/{DB_NAME}"))
    db = await open_database(url)  # migrated once, before the processes start
    await db.close()
    try:
        yield url
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bot:
    """One `udbudsbot run` process and its /healthz port."""

    def __init__(self, folder: Path, url: str, api: FakeBotAPI, name: str) -> None:
        config = folder / "config.toml"
        config.write_text(
            f"""
[faq]
path = "{ROOT / "faq.toml"}"
[delivery]
tick_seconds = 0.5
[telegram]
staff_chat_id = 4242
poll_timeout_seconds = 1
[ops]
leader_check_seconds = 1.0
""",
            encoding="utf-8",
        )
        self.port = _free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "HOME": str(folder),
            "UDBUDSBOT_DATABASE_URL": url,
            "UDBUDSBOT_OPS_PORT": str(self.port),
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "PTB_TIMEDELTA": "true",
        }
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "--config", str(config), "-v", "run"],
                env=env,
                cwd=folder,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    async def role(self) -> str:
        try:
            async with httpx.AsyncClient() as client:
                r = await client.get(f"http://127.0.0.1:{self.port}/healthz", timeout=3)
            return str(r.json().get("role")) if r.status_code == 200 else "-"
        except (httpx.HTTPError, ValueError):
            return "-"

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


async def _roles(bots: list[Bot], timeout: float) -> list[str]:
    """Wait until one process leads and the others stand by; their roles in order."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        roles = [await b.role() for b in bots]
        if sorted(roles) == ["leader"] + ["standby"] * (len(bots) - 1):
            return roles
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no single leader within {timeout} s: {roles}\n" + "\n".join(b.tail() for b in bots))
        await asyncio.sleep(0.2)


async def _all_sent(url: str, *, timeout: float) -> None:
    """Wait until no broadcast row is waiting or being sent."""
    db = await open_database(url)
    query = text("SELECT count(*) FROM outbox WHERE kind = 'broadcast' AND status IN ('pending', 'sending')")

    async def none_left() -> bool:
        async with db.engine.connect() as conn:
            return (await conn.execute(query)).scalar_one() == 0

    try:
        await until(none_left, timeout)
    finally:
        await db.close()


async def test_two_polling_processes_answer_and_deliver_once_and_the_standby_takes_over(
    own_pg_url: str, fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    bots = [Bot(tmp_path, own_pg_url, api, "a"), Bot(tmp_path, own_pg_url, api, "b")]
    try:
        roles = await _roles(bots, timeout=60)
        leader, standby = (bots[0], bots[1]) if roles[0] == "leader" else (bots[1], bots[0])
        await api.wait_for(lambda: api.calls_to("getUpdates"), timeout=30)

        # users write while both processes send a broadcast from the outbox
        db = await open_database(own_pg_url)
        try:
            subs = await add_subscribers(db, list(range(700_000, 700_040)), datetime.now(UTC))
            await add_broadcast(db, list(subs.values()), "bc:two", "Til alle", datetime.now(UTC))
        finally:
            await db.close()
        first = range(100, 130)
        for chat in first:
            api.push_message(chat, "/help")
        await api.wait_for(lambda: all(api.messages_to(c) for c in first), timeout=30)
        await api.wait_for(lambda: all(api.messages_to(c) for c in subs), timeout=60)
        await api.wait_for(lambda: api.pending_update_count == 0, timeout=10)  # the leader confirmed them
        # and recorded every message as sent: a message still in flight at a kill -9 is sent
        # again by the survivor (at least once, bench/proof_kill.py); this test is about polling
        await _all_sent(own_pg_url, timeout=30)

        # kill -9 the leader: the standby takes the lead and polls; new updates are answered
        os.kill(leader.proc.pid, signal.SIGKILL)
        killed = time.monotonic()
        leader.proc.wait(10)
        second = range(200, 220)
        for chat in second:
            api.push_message(chat, "/help")
        await api.wait_for(lambda: all(api.messages_to(c) for c in second), timeout=30)
        print(f"kill -9 of the leader to 20 new users answered: {time.monotonic() - killed:.1f} s")
        assert await standby.role() == "leader"
    finally:
        codes = [b.stop() for b in bots]
    assert codes[bots.index(standby)] == 0, standby.tail()
    # both processes have ended: what the fake holds now is all that was ever sent
    assert api.conflicts == 0  # never two getUpdates at once (Telegram would answer 409)
    assert {c: len(api.messages_to(c)) for c in [*first, *second]} == dict.fromkeys([*first, *second], 1)
    assert {c: api.messages_to(c) for c in subs} == {c: ["Til alle"] for c in subs}
    assert "long polling Telegram" in standby.log.read_text(encoding="utf-8", errors="replace")


async def test_polling_follows_the_lead_in_one_process(
    pg_only_url: str, fake_bot_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """Standby: no getUpdates at all; leader: polls and answers; the lead lost: polling stops."""
    api = fake_bot_api
    other = AdvisoryLeader(pg_only_url, schema=PG_SCHEMA)  # another process that leads already
    admin = create_database(pg_only_url)
    try:
        assert await other.tick()
        async with running_bot(bot_settings(pg_only_url, api), api, polling=False) as bot:
            follower = LeaderPolling(bot.app, timeout=1)
            await follower.sync()
            assert bot.deps.leadership.role == "standby"
            assert not follower.polling and api.calls_to("getUpdates") == []
            await other.close()  # the leader goes away; this process takes the lead at its next check
            assert await bot.deps.leadership.tick()
            await follower.sync()
            assert follower.polling and follower.starts == 1
            assert await bot.say(5, "/help")
            # another client's getUpdates cuts the bot's long poll short (409): one line, and it goes on
            async with httpx.AsyncClient() as client:
                for _ in range(50):
                    await client.post(f"{api.base_url}{api.token}/getUpdates", json={"timeout": 0})
                    if api.conflicts:
                        break
                    await asyncio.sleep(0.05)
            assert api.conflicts == 1
            await api.wait_for(lambda: "getUpdates failed (Conflict" in caplog.text, timeout=10)
            assert await bot.say(6, "/help")
            async with admin.engine.begin() as conn:  # the lock's session dies: the lead is lost
                await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": bot.deps.leadership.backend_pid})
            assert await bot.deps.leadership.tick() is False
            await follower.sync()
            assert not follower.polling
            await follower.close()
            assert await bot.deps.leadership.tick()  # nobody else holds the lock: the lead comes back
            await follower.sync()  # but closed (shutting down): polling never starts again
            assert not follower.polling
    finally:
        await other.close()
        await admin.close()
