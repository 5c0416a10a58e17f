"""Proof: PostgreSQL restarted in the middle of a fan-out; the service recovers by itself.

Two real ``python -m bot run`` processes (webhook mode, each with its /healthz and /metrics)
share a database of their own (``udbudsbot_proof``) and send a staff fan-out to the fake Bot
API at Telegram's pace (25/s, shared). When about a third is out, PostgreSQL is restarted with
``pg_ctlcluster --skip-systemctl-redirect <version> main restart``. Nobody touches the bot
processes: they must notice, reconnect, elect a leader again, finish the fan-out and send a
second one after the restart. Checked: every recipient got each message, duplicates only among
the rows being sent at the restart, both processes alive and healthy, exactly one leader.

Safety: the restart happens only when no other client is connected to any other database of
the server (another test run would lose its connections); otherwise the script waits up to
``--wait-idle`` seconds and then stops without restarting. PostgreSQL is left running.

    python -m bench.proof_pg_restart [--recipients 600]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy import text

from jobs.db import Database, create_database, open_database
from tests.fakebotapi import DEFAULT_TOKEN, FakeBotAPI
from tests.scalekit import add_broadcast, add_subscribers

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "udbudsbot_proof"
SECRET = "proof-webhook-secret"
LOG_DIR = Path(os.environ.get("UDBUDSBOT_PROOF_LOGS", "/tmp/udbudsbot-proofs"))


def admin_url() -> str:
    return os.environ.get("UDBUDSBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def proof_url() -> str:
    parts = urlsplit(admin_url())
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def pg_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    if not versions:
        raise SystemExit("no cluster under /etc/postgresql")
    return versions[-1]


def pg_ready() -> bool:
    host = urlsplit(admin_url().replace("+asyncpg", "")).hostname or "127.0.0.1"
    return subprocess.run(["pg_isready", "-q", "-h", host], check=False).returncode == 0


def ensure_pg_running() -> None:
    if not pg_ready():
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "start"], check=False)
        for _ in range(30):
            if pg_ready():
                return
            time.sleep(1)


async def admin_execute(sql: str) -> list[tuple[object, ...]]:
    db = create_database(admin_url())
    try:
        async with db.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            result = await conn.execute(text(sql))
            return [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        await db.close()


async def other_clients() -> int:
    """Client sessions on other databases than ours (another test run, a developer's psql)."""
    rows = await admin_execute(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
        f"AND pid <> pg_backend_pid() AND coalesce(datname, '') <> '{DB_NAME}'"
    )
    return int(rows[0][0])  # type: ignore[call-overload]


def write_config(folder: Path, *, webhook: bool = True) -> Path:
    """config.toml with webhook mode, a 1 s leader check and a 10 s lease; paths made absolute."""
    src = (ROOT / "config.toml").read_text(encoding="utf-8")
    edits = [
        (r'url = "examples/', f'url = "{ROOT}/examples/'),
        (r'^path = "faq.toml"', f'path = "{ROOT}/faq.toml"'),
        (r'^mode = "polling"', 'mode = "webhook"' if webhook else 'mode = "polling"'),
        (r'^webhook_url = ""', 'webhook_url = "https://bot.example.invalid/tg"'),
        (r"^poll_timeout_seconds = 30", "poll_timeout_seconds = 10"),
        (r"^leader_check_seconds = 5.0", "leader_check_seconds = 1.0"),
        (r"^lease_seconds = 120.0", "lease_seconds = 10.0"),
        (r"^batch_size = 50", "batch_size = 20"),
    ]
    for pattern, repl in edits:
        src, n = re.subn(pattern, repl, src, flags=re.MULTILINE)
        if n == 0 and "examples" not in pattern:
            raise SystemExit(f"config.toml changed: {pattern!r} not found")
    path = folder / "config.toml"
    path.write_text(src, encoding="utf-8")
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_bot(config: Path, api: FakeBotAPI, n: int) -> tuple[subprocess.Popen[bytes], int]:
    ops_port = free_port()
    env = dict(os.environ)
    env.update(
        UDBUDSBOT_CONFIG=str(config),
        UDBUDSBOT_DATABASE_URL=proof_url(),
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        UDBUDSBOT_WEBHOOK_PORT=str(free_port()),
        UDBUDSBOT_OPS_PORT=str(ops_port),
        PTB_TIMEDELTA="true",
    )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(LOG_DIR / f"bot-{n}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "bot", "-v", "run"], cwd=ROOT, env=env, stdout=log, stderr=log)
    return proc, ops_port


async def health(client: httpx.AsyncClient, port: int) -> tuple[int, str]:
    try:
        r = await client.get(f"http://127.0.0.1:{port}/healthz", timeout=3)
        return r.status_code, str(r.json().get("role"))
    except (httpx.HTTPError, ValueError):
        return 0, "-"


async def wait_healthy(client: httpx.AsyncClient, ports: list[int], limit: float) -> list[str]:
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        states = [await health(client, p) for p in ports]
        if all(code == 200 for code, _ in states):
            return [role for _, role in states]
        await asyncio.sleep(0.5)
    raise TimeoutError(f"not healthy within {limit} s: {states}")


async def counts(db: Database) -> Counter[str]:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status"))).all()
    return Counter({s: int(n) for s, n in rows})


async def sending_chats(db: Database) -> set[int]:
    async with db.engine.connect() as conn:
        q = "SELECT s.chat_id FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id WHERE o.status = 'sending'"
        return {int(r[0]) for r in (await conn.execute(text(q))).all()}


def received(api: FakeBotAPI, marker: str) -> Counter[int]:
    out: Counter[int] = Counter()
    for m in api.sent():
        if marker in m.get("text", ""):
            out[int(m["chat"]["id"])] += 1
    return out


async def run(args: argparse.Namespace) -> int:
    ensure_pg_running()
    await admin_execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    await admin_execute(f'CREATE DATABASE "{DB_NAME}"')
    api = FakeBotAPI().start()
    procs: list[subprocess.Popen[bytes]] = []
    folder = Path(tempfile.mkdtemp(prefix="udbudsbot-proof-"))
    db = await open_database(proof_url())
    ok = True
    try:
        from datetime import UTC, datetime

        chats = list(range(200_000, 200_000 + args.recipients))
        subs = await add_subscribers(db, chats, datetime.now(UTC))
        config = write_config(folder)
        ports = []
        for n in range(2):
            proc, port = start_bot(config, api, n)
            procs.append(proc)
            ports.append(port)
        async with httpx.AsyncClient() as client:
            roles = await wait_healthy(client, ports, 90)
            print(f"two `udbudsbot run` processes healthy, roles {roles}")
            await add_broadcast(db, list(subs.values()), "bc:1", "Første besked til alle", datetime.now(UTC))
            t0 = time.monotonic()
            while (await counts(db))["sent"] < args.recipients // 3:
                await asyncio.sleep(0.2)
            print(f"{(await counts(db))['sent']} of {args.recipients} sent after {time.monotonic() - t0:.1f} s")
            waited = time.monotonic()
            while not args.dry_run and await other_clients():
                if time.monotonic() - waited > args.wait_idle:
                    print("PostgreSQL is in use by another client; not restarting it. RESULT: NOT RUN")
                    return 2
                await asyncio.sleep(1)
            in_flight = await sending_chats(db)
            await db.close()
            t_restart = time.monotonic()
            if args.dry_run:
                print("dry run: PostgreSQL NOT restarted")
            else:
                cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "restart"]
                subprocess.run(cmd, check=True, timeout=120)
                print(f"PostgreSQL {pg_version()} restarted in {time.monotonic() - t_restart:.1f} s")
            db = await open_database(proof_url())
            seen_unhealthy = False
            while True:
                states = [await health(client, p) for p in ports]
                seen_unhealthy |= any(code != 200 for code, _ in states)
                c = await counts(db)
                if c["pending"] + c["sending"] == 0 and all(code == 200 for code, _ in states):
                    break
                if time.monotonic() - t_restart > args.timeout:
                    print(f"not recovered within {args.timeout} s: {dict(c)}, health {states}")
                    ok = False
                    break
                await asyncio.sleep(0.5)
            recovered = time.monotonic() - t_restart
            roles = [role for _, role in [await health(client, p) for p in ports]]
            got = received(api, "Første besked til alle")
            missing = [c for c in chats if got[c] == 0]
            dups = {c: n - 1 for c, n in got.items() if n > 1}
            unexplained = [c for c in dups if c not in in_flight]
            print(
                f"fan-out 1: all sent {recovered:.1f} s after the restart; missing {len(missing)}, "
                f"duplicates {sum(dups.values())} (rows being sent at the restart: {len(in_flight)}, "
                f"unexplained {len(unexplained)}); a process reported unhealthy meanwhile: {seen_unhealthy}"
            )
            # after the restart: a new fan-out goes out normally
            await add_broadcast(db, list(subs.values()), "bc:2", "Anden besked til alle", datetime.now(UTC))
            t1 = time.monotonic()
            while (c := await counts(db))["pending"] + c["sending"] and time.monotonic() - t1 < args.timeout:
                await asyncio.sleep(0.5)
            got2 = received(api, "Anden besked til alle")
            missing2 = [c for c in chats if got2[c] == 0]
            dups2 = sum(n - 1 for n in got2.values() if n > 1)
            alive = [p.poll() is None for p in procs]
            print(
                f"fan-out 2 (after): {len(chats) - len(missing2)} of {len(chats)} in {time.monotonic() - t1:.1f} s, "
                f"duplicates {dups2}; processes alive {alive}; roles {roles}"
            )
            ok &= not missing and not unexplained and not missing2 and dups2 == 0 and all(alive)
            ok &= sorted(roles) == ["leader", "standby"]
        print("RESULT:", "PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        api.stop()
        await db.close()
        ensure_pg_running()
        await admin_execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipients", type=int, default=600)
    p.add_argument("--timeout", type=float, default=180.0)
    p.add_argument("--dry-run", action="store_true", help="everything but the restart")
    p.add_argument("--wait-idle", type=float, default=300.0, help="wait this long for other clients to go")
    return asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
