"""The web section in a real headless Chromium (Playwright driving the system’s /usr/bin/chromium):
filter the list, open a notice, follow the Telegram link into the real bot (which
gets ``/start <payload>`` and subscribes to that category), download the feed and the calendar.
Screenshots go to tests/artifacts/ for a person to look at."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import icalendar
import pytest

from tests.botkit import bot_settings, running_bot
from tests.conftest import ROOT, reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.helpers import Clock
from tests.webkit import NOW, Served, sample, store
from web.server import WebServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VISITOR = 6101


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


async def test_a_visitor_filters_opens_follows_in_telegram_and_downloads(
    prepared_db: str, fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (.ci/run installs it: apt-get install chromium chromium-driver)")
    from playwright.async_api import async_playwright

    api = fake_bot_api
    settings = bot_settings(prepared_db, api)
    settings = replace(settings, web=replace(settings.web, bot_username="udbudsbot_test_bot"))
    kind = "postgresql" if prepared_db.startswith("postgresql") else "sqlite"
    ARTIFACTS.mkdir(exist_ok=True)
    async with running_bot(settings, api, clock=Clock(NOW)) as bot:
        await store(bot.deps.rt, sample())
        server = WebServer(settings, rt=bot.deps.rt, host="127.0.0.1", port=0)
        await server.start()
        web = Served(bot.deps.rt, server, bot.clock)
        try:
            async with async_playwright() as pw:
                # launch() gives Chromium a fresh, temporary --user-data-dir of its own
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                context = await browser.new_context(accept_downloads=True, java_script_enabled=False)
                page = await context.new_page()
                telegram_urls: list[str] = []

                async def t_me(route) -> None:  # type: ignore[no-untyped-def]
                    telegram_urls.append(route.request.url)
                    await route.fulfill(status=200, content_type="text/html", body="<html lang=en><p>Telegram</p>")

                await page.route("https://t.me/**", t_me)
                await page.goto(web.url + "/")
                assert await page.locator("html").get_attribute("lang") == "da"
                assert await page.locator("ol.notices > li").count() == 20
                await page.screenshot(path=str(ARTIFACTS / f"web-list-{kind}.png"), full_page=True)
                # filter by category with the form (no JavaScript: a plain GET form)
                await page.get_by_label("Kategori").select_option("cleaning")
                await page.get_by_role("button", name="Vis udbud").click()
                await page.wait_for_load_state()
                assert "kategori=cleaning" in page.url
                assert await page.locator("ol.notices > li").count() == 1
                await page.screenshot(path=str(ARTIFACTS / f"web-filtered-{kind}.png"), full_page=True)
                # the hostile title is text on the page, not markup
                heading = page.locator("ol.notices h3 a").first
                assert (await heading.inner_text()).startswith('<script>alert("x")</script> Rengøring')
                # open the notice
                await heading.click()
                await page.wait_for_load_state()
                assert "/udbud/" in page.url
                assert await page.locator("table.lots tbody tr").count() == 2
                await page.screenshot(path=str(ARTIFACTS / f"web-notice-{kind}.png"), full_page=True)
                # English
                await page.get_by_role("link", name="English").click()
                assert await page.locator("html").get_attribute("lang") == "en"
                assert "in 20 days" in await page.content()
                # back to the filtered list; follow in Telegram
                await page.goto(web.url + "/?kategori=cleaning")
                await page.locator("#follow-telegram").click()
                await page.wait_for_load_state()
                assert telegram_urls, "the Telegram link was not followed"
                payload = parse_qs(urlsplit(telegram_urls[-1]).query)["start"][0]
                assert payload == "c_cleaning"
                # the feed and the calendar, downloaded as a subscriber's program would
                await page.goto(web.url + "/?kategori=cleaning")
                feed_href = await page.locator("#feed-link").get_attribute("href")
                ics_href = await page.locator("#ics-link").get_attribute("href")
                feed = await context.request.get(web.url + str(feed_href))
                parsed = feedparser.parse(await feed.body())
                assert not parsed.bozo and len(parsed.entries) == 1
                assert urlsplit(parsed.entries[0].link).path.startswith("/udbud/")
                async with page.expect_download() as info:
                    await page.locator("#ics-link").click()
                download = await info.value
                cal = icalendar.Calendar.from_ical(Path(await download.path()).read_bytes())
                assert len(list(cal.walk("VEVENT"))) == 1
                assert ics_href is not None and "kategori=cleaning" in ics_href
                await browser.close()
        finally:
            await server.stop()
        # a Telegram client opening that link sends /start <payload> to the bot
        welcome = await bot.say(VISITOR, f"/start {payload}")
        assert "Du følger nu kategorien <b>Rengøring</b>" in (api.last_html(VISITOR) or "") or "Rengøring" in welcome
        async with bot.deps.rt.db.sessions() as s:
            from sqlalchemy import select

            from jobs.models import Subscriber

            sub = (await s.scalars(select(Subscriber).where(Subscriber.chat_id == VISITOR))).one()
        assert sub.categories == ["cleaning"]
        # a forged payload is a plain /start
        await bot.say(VISITOR + 1, "/start c_<script>")
        await bot.say(VISITOR + 2, "/start k_" + "A" * 70)
        async with bot.deps.rt.db.sessions() as s:
            others = (await s.scalars(select(Subscriber).where(Subscriber.chat_id > VISITOR))).all()
        assert [o.categories for o in others] == [[], []] and [o.keywords for o in others] == [[], []]
