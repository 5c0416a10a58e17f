"""The web section served for real (uvicorn on a free loopback port) over a test's database,
and notices stored the way ingestion stores them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from jobs.config import Settings, load_settings
from jobs.db import Database
from jobs.ingest.store import store_notices
from jobs.notice import Lot, Notice, NoticeType
from jobs.runtime import Runtime, open_runtime
from tests.conftest import ROOT
from tests.helpers import Clock
from web.server import WebServer

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script> Rengøring & vinduespudsning <b>i</b> Roskilde\x0b'


def web_settings(db_url: str, **web: object) -> Settings:
    base = load_settings(ROOT / "config.toml", env={})
    return replace(
        base,
        database=replace(base.database, url=db_url),
        sources=(),
        web=replace(base.web, bot_username="udbudsbot_test_bot", **web),  # type: ignore[arg-type]
    )


def notice(ext: str, title: str, *, days: float, cpv: str, value: int | None, **kw: object) -> Notice:
    return Notice(
        source="feed",
        id=ext,
        title=title,
        version=str(kw.pop("version", "1")),
        description=str(kw.pop("description", "Opgaven løses i Roskilde.")),
        buyer=str(kw.pop("buyer", "Roskilde Kommune")),
        url=str(kw.pop("url", f"https://udbud.dk/{ext}")),
        cpv=(cpv,),
        value=Decimal(value) if value is not None else None,
        currency="DKK",
        deadline=NOW + timedelta(days=days),
        notice_type=NoticeType(str(kw.pop("notice_type", "competition"))),
        contract_nature="services",
        published_at=NOW - timedelta(days=1),
        **kw,  # type: ignore[arg-type]
    )


def sample() -> list[Notice]:
    """Cleaning (suitable, hostile text, two lots), catering (possible), IT (unlikely), and 25 more."""
    out = [
        notice(
            "clean-1",
            HOSTILE,
            days=20,
            cpv="90910000",
            value=400_000,
            url="javascript:alert(1)",
            lots=(
                Lot("LOT-1", "Vinduesrengøring på skoler", cpv=("90911300",), value=Decimal(150_000), currency="DKK"),
                Lot("LOT-2", "Daglig rengøring", cpv=("90919200",), value=Decimal(250_000), currency="DKK"),
            ),
        ),
        notice("cater-1", "Kantinedrift på rådhuset", days=40, cpv="55500000", value=3_000_000),
        notice("it-1", "Drift af ERP-system", days=30, cpv="72000000", value=90_000_000, buyer="Region Sjælland"),
    ]
    for i in range(25):
        out.append(notice(f"park-{i}", f"Pleje af grønne områder nr. {i}", days=50 + i, cpv="77310000", value=300_000))
    return out


async def store(rt: Runtime, notices: list[Notice], now: datetime = NOW) -> None:
    async with rt.db.sessions.begin() as s:
        await store_notices(s, "feed", notices, now=now, money=rt.settings.money, assess=rt.assess)


@dataclass
class Served:
    rt: Runtime
    server: WebServer
    clock: Clock

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.bound_port}"

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as client:
            return await client.get(path)


@asynccontextmanager
async def serving(settings: Settings, db: Database, clock: Clock | None = None) -> AsyncIterator[Served]:
    clk = clock or Clock(NOW)
    async with open_runtime(settings, db=db, clock=clk) as rt:
        server = WebServer(settings, rt=rt, host="127.0.0.1", port=0)
        await server.start()
        try:
            yield Served(rt, server, clk)
        finally:
            await server.stop()
