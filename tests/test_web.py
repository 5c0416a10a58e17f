"""The web section over real HTTP on SQLite and PostgreSQL: filters, pages, escaping
of hostile notice text, headers, Atom and iCalendar validity, the language toggle, history."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import feedparser
import icalendar

from jobs.db import Database
from tests.webkit import HOSTILE, notice, sample, serving, store, web_settings


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/udbud/\d+(?:\?lang=en)?">([^<]*)</a></h3>', html)


async def test_list_filters_pages_and_escapes(db: Database, db_url: str) -> None:
    async with serving(web_settings(db_url), db) as web:
        await store(web.rt, sample())
        page = await web.get("/")
        assert page.status_code == 200
        html = page.text
        assert '<html lang="da">' in html
        # hostile text: escaped, control character dropped, javascript: link not shown
        assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert "\x0b" not in html and "javascript:" not in html
        assert "Drift af ERP-system" not in html  # unlikely: not listed
        assert "om 20 dage" in html and "400.000 DKK" in html and "2 delaftaler" in html
        assert "Rengøring" in html and "under" not in titles(html)[0]
        # reasons are sentences, never internal names
        assert "Rengøring, under 1 mio. kr." in html and "sector_small" not in html
        # 27 listed, 20 a page
        assert "27 udbud" in html and len(titles(html)) == 20
        assert 'rel="next" href="/?side=2"' in html
        second = (await web.get("/?side=2")).text
        assert len(titles(second)) == 7 and 'rel="prev"' in second
        # feed and calendar advertised, with the filters
        assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="/kalender.ics"' in html
        # filters
        cleaning = (await web.get("/?kategori=cleaning")).text
        assert len(titles(cleaning)) == 1 and 'href="/feed.atom?kategori=cleaning"' in cleaning
        assert "https://t.me/udbudsbot_test_bot?start=c_cleaning" in cleaning
        assert len(titles((await web.get("/?vurdering=mulig")).text)) == 1  # catering
        assert len(titles((await web.get("/?frist=30")).text)) == 1  # only the cleaning one within 30 days
        assert len(titles((await web.get("/?q=rengøringen")).text)) == 1  # by its stem: "Rengøring" in the title
        assert len(titles((await web.get("/?q=VINDUESPUDSNING+roskilde")).text)) == 1  # every word, any case
        assert len(titles((await web.get("/?q=grønne+nr.+3")).text)) >= 1
        nothing = (await web.get("/?q=helikopter")).text
        assert "Ingen åbne udbud passer til søgningen." in nothing and 'href="/">Vis alle åbne udbud' in nothing
        beyond = (await web.get("/?kategori=green_areas&side=9")).text
        assert "Der er ingen udbud på denne side." in beyond and 'href="/?kategori=green_areas">' in beyond
        # bad input: one clear line, 400
        bad = await web.get("/?vurdering=fremragende")
        assert bad.status_code == 400 and "»fremragende«" in bad.text
        assert (await web.get("/?side=0")).status_code == 400
        assert (await web.get("/?kategori=%3Cscript%3E")).status_code == 400
        assert "<script>" not in (await web.get("/?kategori=%3Cscript%3E")).text
        assert (await web.get("/udbud/99999")).status_code == 404
        assert (await web.get("/udbud/99999999999999")).status_code == 404


async def test_an_empty_list_says_why_and_where_to_go(db: Database, db_url: str) -> None:
    """A newcomer whose notices are all closed (or who has none) gets an explanation and links."""
    async with serving(web_settings(db_url), db) as web:
        empty = (await web.get("/")).text
        assert "Ingen åbne udbud lige nu." in empty and "Der er endnu ingen udbud i databasen." in empty
        await store(web.rt, [notice("old-1", "Rengøring", days=-3, cpv="90910000", value=100_000)])
        page = (await web.get("/")).text
        assert "Ingen åbne udbud lige nu." in page and "Der er 1 udbud i databasen" in page
        for link in ('href="https://t.me/udbudsbot_test_bot"', 'href="/feed.atom"', 'href="/virksomheder"',
                     'href="/raadgivning"'):  # fmt: skip
            assert link in page.split('id="empty"')[1], link
        assert '<ol class="notices">' not in page
        en = (await web.get("/?lang=en")).text
        assert "No open tenders right now." in en and 'href="/virksomheder?lang=en"' in en


async def test_headers_language_and_notice_page(db: Database, db_url: str) -> None:
    async with serving(web_settings(db_url), db) as web:
        await store(web.rt, sample())
        web.clock.advance(hours=1)
        moved = notice(
            "clean-1", HOSTILE, days=27, cpv="90910000", value=400_000, version="2", url="https://udbud.dk/c1"
        )
        await store(web.rt, [moved], now=web.clock())
        for path in ("/", "/udbud/1", "/feed.atom", "/kalender.ics", "/virksomheder", "/raadgivning", "/nope"):
            r = await web.get(path)
            csp = r.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["referrer-policy"] == "same-origin"
            if r.headers["content-type"].startswith("text/html"):
                assert "<script" not in r.text
            else:
                assert "<script" not in r.text or path.endswith(".ics")  # plain text in a calendar is no markup
        listed = (await web.get("/?kategori=cleaning")).text
        ids = re.findall(r'href="/udbud/(\d+)"', listed)
        assert len(ids) == 1  # only the newest version is listed
        newest = ids[0]
        assert "om 27 dage" in listed
        page = (await web.get(f"/udbud/{newest}")).text
        assert "Vinduesrengøring på skoler" not in page  # the new version has no lots
        old = (await web.get("/udbud/1")).text
        assert "Der findes en nyere version" in old and "Vinduesrengøring på skoler" in old
        assert '<th scope="col">Delaftale</th>' in old and "Oplagt" in old
        assert "Ændret: frist" in page and "Første udgave set" in page
        en = (await web.get(f"/udbud/{newest}?lang=en")).text
        assert '<html lang="en">' in en and "in 27 days" in en and "Changed: deadline" in en
        assert f'href="/udbud/{newest}?lang=en"' in en  # the history links stay in English
        home_en = (await web.get("/?kategori=cleaning&lang=en")).text
        assert "Open tenders" in home_en and 'hreflang="da"' in home_en
        assert 'href="/?kategori=cleaning"' in home_en  # the toggle keeps the filters
        advice = (await web.get("/raadgivning")).text
        assert "Åbent nu – lukker kl. 15.00." in advice  # Monday 10:00 in Copenhagen
        assert "Mentorordning" in advice and 'href="tel:' in advice


async def test_feed_and_calendar_are_valid_and_follow_the_filters(db: Database, db_url: str) -> None:
    async with serving(web_settings(db_url, base_url="https://udbud.example.dk"), db) as web:
        await store(web.rt, sample())
        atom = await web.get("/feed.atom?kategori=cleaning")
        assert atom.headers["content-type"].startswith("application/atom+xml")
        ET.fromstring(atom.content)  # well-formed XML despite the control character in the title
        parsed = feedparser.parse(atom.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == 1
        entry = parsed.entries[0]
        assert entry.link.startswith("https://udbud.example.dk/udbud/")
        assert entry.title.startswith('<script>alert("x")</script> Rengøring')  # text, not markup
        assert "Oplagt" in entry.summary
        everything = feedparser.parse((await web.get("/feed.atom")).content)
        assert len(everything.entries) == 27
        ics = await web.get("/kalender.ics?vurdering=oplagt")
        assert ics.headers["content-type"].startswith("text/calendar")
        cal = icalendar.Calendar.from_ical(ics.content)
        events = list(cal.walk("VEVENT"))
        assert len(events) == 26
        lines = ics.content.split(b"\r\n")
        assert all(len(line) <= 75 for line in lines)
        first = next(e for e in events if "Rengøring" in str(e["SUMMARY"]))
        assert first["DTSTART"].dt.isoformat() == "2026-12-20T09:00:00+00:00"
        assert str(first["URL"]).startswith("https://udbud.example.dk/udbud/")
        assert str(first["SUMMARY"]).startswith('Frist: <script>alert("x")</script>')
