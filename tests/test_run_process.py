"""`udbudsbot run` as a real process: it starts, answers a user, polls, sends, and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.conftest import ROOT
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer, Route


def _scalar(path: Path, sql: str) -> object:
    """One value from the process's SQLite database, read as another process would."""
    with closing(sqlite3.connect(path, timeout=10)) as conn:
        row = conn.execute(sql).fetchone()
    return row[0] if row else None


def test_run_process_serves_users_and_delivers(tmp_path: Path, fake_bot_api: FakeBotAPI,
                                               feed_server: FeedServer) -> None:
    api = fake_bot_api
    feed = (ROOT / "examples" / "feeds" / "kommune-atom.xml").read_bytes()
    feed_server.routes["/feed.xml"] = Route(body=feed)
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[database]
url = "sqlite+aiosqlite:///{tmp_path}/run.sqlite3"
[faq]
path = "{ROOT / 'faq.toml'}"
[poll]
tick_seconds = 1.0
[delivery]
tick_seconds = 0.5
[telegram]
staff_chat_id = 4242
poll_timeout_seconds = 1
[[sources]]
name = "feed"
kind = "atom"
url = "{feed_server.url('/feed.xml')}"
""",
        encoding="utf-8",
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "PTB_TIMEDELTA": "true",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(config), "run"], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        api.wait_until(lambda: api.commands_for("en"), timeout=60)  # post_init ran: commands registered
        api.push_message(7, "/start")
        api.wait_until(lambda: any("udbudsbot" in t for t in api.messages_to(7)), timeout=30)
        api.push_message(7, "har I åbent nu?")
        api.wait_until(lambda: len(api.messages_to(7)) >= 2, timeout=30)
        # the scheduler polled the source (a silent baseline: nothing is pushed to the user)
        api.wait_until(lambda: any(h.path == "/feed.xml" for h in feed_server.hits), timeout=30)
        db = tmp_path / "run.sqlite3"
        api.wait_until(lambda: _scalar(db, "SELECT baseline_done FROM sources WHERE name = 'feed'") == 1, timeout=30)
        # the round is committed: its notices are stored, and not one message was queued for them
        assert _scalar(db, "SELECT count(*) FROM notices") > 0
        assert _scalar(db, "SELECT count(*) FROM outbox") == 0
        assert len(api.messages_to(7)) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert proc.returncode == 0, err[-3000:]
    assert api.token not in out + err


def test_run_without_faq_file_says_so_in_one_line(tmp_path: Path, fake_bot_api: FakeBotAPI) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/x.sqlite3"\n', encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
           "TELEGRAM_BOT_TOKEN": fake_bot_api.token, "TELEGRAM_API_BASE_URL": fake_bot_api.base_url}
    proc = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "run"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"udbudsbot: {tmp_path / 'faq.toml'}: FAQ file not found"
