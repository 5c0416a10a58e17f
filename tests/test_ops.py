"""Webhook secret, /healthz and /metrics over real HTTP on loopback (bot/ops.py, jobs/ops/metrics.py)."""

from __future__ import annotations

import socket
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, select, update

from bot.app import build_application
from bot.ops import webhook_options
from jobs.config import OpsSettings, SourceSettings, TelegramSettings
from jobs.errors import ConfigError
from jobs.models import NoticeRow, OutboxRow, Subscriber
from tests.botkit import bot_settings, rss, running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.feedserver import FeedServer, Route
from tests.scalekit import add_subscribers

SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


def test_webhook_mode_refuses_to_run_without_a_valid_secret() -> None:
    tg = TelegramSettings(mode="webhook", webhook_url="https://bot.example.dk/telegram/hook")
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        webhook_options(tg, {})
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        webhook_options(tg, {"TELEGRAM_WEBHOOK_SECRET": "has spaces and ÆØÅ"})
    opts = webhook_options(tg, {"TELEGRAM_WEBHOOK_SECRET": SECRET})
    assert opts["secret_token"] == SECRET and opts["url_path"] == "telegram/hook"


def _update(update_id: int, chat: int, text: str) -> dict[str, object]:
    user = {"id": chat, "is_bot": False, "first_name": "Test", "language_code": "da"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Test"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_the_webhook_accepts_only_updates_with_the_secret(tmp_path: object, fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api
    port = free_port()
    settings = bot_settings(f"sqlite+aiosqlite:///{tmp_path}/w.sqlite3", api)
    tg = replace(settings.telegram, mode="webhook", webhook_url="https://bot.example.dk/tg", webhook_port=port)
    settings = replace(settings, telegram=tg)
    opts = webhook_options(tg, {"TELEGRAM_WEBHOOK_SECRET": SECRET})
    app = build_application(settings, api.token, schedule_jobs=False)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None and app.updater is not None
    await app.post_init(app)
    await app.updater.start_webhook(**opts)  # what run_webhook does, minus owning the loop
    await app.start()
    try:
        assert api.webhook["url"] == "https://bot.example.dk/tg"
        assert api.webhook["secret_token"] == SECRET
        url = f"http://127.0.0.1:{port}/tg"
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, json=_update(1, 77, "/help"))
            wrong = await client.post(
                url, json=_update(2, 77, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            assert missing.status_code == 403 and wrong.status_code == 403
            ok = await client.post(
                url, json=_update(3, 77, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            assert ok.status_code == 200
        await api.wait_for_sent(77, 1, timeout=10)  # the real update was handled and answered
        # one chat's updates are handled in order: had the refused two reached a handler, their
        # answers would have come first
        assert len(api.sent(77)) == 1
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


def _samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_healthz_and_metrics_report_the_database(
    prepared_db: str, fake_bot_api: FakeBotAPI, feed_server: FeedServer
) -> None:
    items = [
        {"guid": "r1", "title": "Rengøring af skoler", "cpv": "90910000", "value": "300000"},
        {"guid": "r2", "title": "Kantinedrift", "cpv": "55500000"},
        {"guid": "r3", "title": "Motorvej", "cpv": "45233000", "value": "900000000"},
    ]
    feed_server.routes["/feed.xml"] = Route(body=rss(items))
    feed_server.routes["/broken.xml"] = Route(status=500, body=b"down")
    port = free_port()
    settings = bot_settings(
        prepared_db,
        fake_bot_api,
        SourceSettings(name="feed", kind="rss", url=feed_server.url("/feed.xml")),
        SourceSettings(name="broken", kind="rss", url=feed_server.url("/broken.xml")),
    )
    settings = replace(settings, ops=OpsSettings(http_port=port))
    async with running_bot(settings, fake_bot_api) as bot:
        await bot.poll()
        db = bot.deps.rt.db
        now = bot.clock()
        subs = await add_subscribers(db, [11, 12, 13], now)
        async with db.sessions.begin() as s:
            await s.execute(update(Subscriber).where(Subscriber.chat_id == 13).values(status="blocked"))
            seeds = [("pending", now - timedelta(minutes=5)), ("pending", now - timedelta(minutes=1))]
            seeds += [("pending", now + timedelta(hours=1)), ("sent", now), ("failed", now), ("sending", now)]
            await s.execute(
                insert(OutboxRow),
                [
                    {
                        "subscriber_id": subs[11 + i % 2],
                        "kind": "broadcast",
                        "ref": f"b:{i}",
                        "payload": {"text": "x"},
                        "status": status,
                        "attempts": 0,
                        "next_attempt_at": at,
                        "created_at": now,
                    }
                    for i, (status, at) in enumerate(seeds)
                ],
            )
            levels = Counter((await s.scalars(select(NoticeRow.level))).all())
        assert sum(levels.values()) == 3

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            health = await client.get("/healthz")
            metrics = await client.get("/metrics")
            assert health.status_code == 200, health.text
            body = health.json()
            assert body["database"] == "ok" and body["scheduler"] == "running" and body["role"] == "leader"
            assert metrics.headers["content-type"].startswith("text/plain")
            m = _samples(metrics.text)

            assert m[("udbudsbot_database_up", ())] == 1
            assert m[("udbudsbot_notices_ingested_total", (("source", "feed"),))] == 3
            assert m[("udbudsbot_notices_ingested_total", (("source", "broken"),))] == 0
            assert m[("udbudsbot_source_failures", (("source", "broken"),))] == 1
            assert m[("udbudsbot_source_failures", (("source", "feed"),))] == 0
            assert m[("udbudsbot_notices_stored", ())] == 3
            for level, n in levels.items():
                assert m[("udbudsbot_assessments", (("level", level or "none"),))] == n
            assert m[("udbudsbot_outbox_messages", (("status", "pending"),))] == 3
            assert m[("udbudsbot_outbox_messages", (("status", "sent"),))] == 1
            assert m[("udbudsbot_outbox_messages", (("status", "failed"),))] == 1
            assert m[("udbudsbot_outbox_depth", ())] == 4  # three pending + one being sent
            assert m[("udbudsbot_outbox_due", ())] == 2
            assert m[("udbudsbot_outbox_oldest_due_seconds", ())] == pytest.approx(300, abs=1)
            assert m[("udbudsbot_subscribers", (("status", "active"),))] == 2
            assert m[("udbudsbot_subscribers", (("status", "blocked"),))] == 1
            assert m[("udbudsbot_leader", ())] == 1

            # this process's own counters follow what its jobs did
            sent_before = m.get(("udbudsbot_process_messages_total", (("outcome", "sent"),)), 0)
            async with db.sessions.begin() as s:  # make the future row due and let the sender go
                await s.execute(update(OutboxRow).where(OutboxRow.status == "pending").values(next_attempt_at=now))
            bot.deps.metrics.observe_drain(await bot.send())
            m = _samples((await client.get("/metrics")).text)
            assert m[("udbudsbot_process_messages_total", (("outcome", "sent"),))] == sent_before + 3
            assert m[("udbudsbot_outbox_depth", ())] == 1
            assert len(fake_bot_api.sent(11)) + len(fake_bot_api.sent(12)) == 3

            # a stopped scheduler makes the process unhealthy
            assert bot.app.job_queue is not None
            await bot.app.job_queue.stop()
            sick = await client.get("/healthz")
            assert sick.status_code == 503 and sick.json()["scheduler"] == "stopped"
            await bot.app.job_queue.start()
    # post_shutdown stopped the server
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_metrics_without_a_database_say_so() -> None:
    from jobs.ops.metrics import render

    m = _samples(render(None).decode())
    assert m == {("udbudsbot_database_up", ()): 0}
