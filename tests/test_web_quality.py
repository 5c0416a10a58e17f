"""The web section's quality bars, checked on every page: hostile notice text stays text
(HTML, Atom, iCalendar), no inline script or style anywhere (the CSP allows none), language
attributes, a label for every form field, headings in order, pagination that keeps the
filters, and the stylesheet's colours at a contrast of at least 4.5:1."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import feedparser
import icalendar

from jobs.db import Database
from jobs.notice import Lot
from tests.conftest import ROOT
from tests.webkit import notice, sample, serving, store, web_settings

WEB = ROOT / "web"
EVIL = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


class Page(HTMLParser):
    """What the checks need of a page: tags with their attributes, headings, labels, fields."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def of(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def check_page(html: str, lang: str) -> Page:
    page = Page(html)
    assert page.of("html")[0]["lang"] == lang
    assert not page.of("script") and not page.of("style") and not page.of("img")
    for _, attrs in page.tags:
        assert "style" not in attrs and not any(name.startswith("on") for name in attrs), attrs
    for a in page.of("a"):
        assert not (a.get("href") or "").lower().lstrip().startswith(("javascript:", "data:")), a
    labelled = {a.get("for") for a in page.of("label")}
    for field in page.of("input") + page.of("select") + page.of("textarea"):
        assert field.get("type") == "hidden" or field.get("id") in labelled, field
    assert page.headings and page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), page.headings
    for el in (a for _, a in page.tags if "lang" in a):
        assert re.fullmatch(r"[a-z]{2,3}", el["lang"] or ""), el
    return page


def hostile() -> list[object]:
    return [
        notice(
            "evil-1",
            "Rengøring " + EVIL,
            days=10,
            cpv="90910000",
            value=100_000,
            buyer="Kommune " + EVIL,
            description="Beskrivelse " + EVIL + " \x00\x07 slut",
            url="javascript:alert(3)",
            language='en"><b>',
            texts={"title_en": "Cleaning " + EVIL},
            lots=(
                Lot(EVIL[:90], "Delaftale " + EVIL, cpv=("90911300",), value=Decimal(50_000), currency="DKK"),
                Lot("LOT-2", "Vinduer", cpv=("90911300",), value=Decimal(50_000), currency="DKK"),
            ),
        )
    ]


async def test_hostile_text_stays_text_on_every_page_feed_and_calendar(db: Database, db_url: str) -> None:
    async with serving(web_settings(db_url), db) as web:
        await store(web.rt, [*sample(), *hostile()])  # type: ignore[list-item]
        listed = (await web.get("/?q=evil+rengøring")).text
        ids = re.findall(r'href="/udbud/(\d+)"', (await web.get("/?kategori=cleaning&frist=14")).text)
        assert len(ids) == 1
        for path, lang in (
            ("/", "da"),
            ("/?lang=en", "en"),
            (f"/udbud/{ids[0]}", "da"),
            (f"/udbud/{ids[0]}?lang=en", "en"),
            ("/?kategori=cleaning&frist=14", "da"),
            ("/virksomheder", "da"),
            ("/raadgivning?lang=en", "en"),
            ("/nope", "da"),
            ("/?vurdering=" + EVIL, "da"),
        ):
            r = await web.get(path)
            check_page(r.text, lang)
            assert "<script>alert" not in r.text and "onerror=alert" not in r.text.replace("onerror=alert(2)&gt;", "")
        detail = (await web.get(f"/udbud/{ids[0]}")).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail and "Delaftale &#34;&gt;&lt;script" in detail
        assert "Kommune &#34;&gt;&lt;script" in detail and "javascript:" not in detail and "\x07" not in detail
        english = (await web.get(f"/udbud/{ids[0]}?lang=en")).text
        assert "Cleaning &#34;&gt;&lt;script" in english and 'lang="en"><b>' not in english
        assert "<script" not in listed
        feed = await web.get("/feed.atom?kategori=cleaning")
        parsed = feedparser.parse(feed.content)
        assert not parsed.bozo and "<script" not in feed.text
        assert any(e.title.startswith("Rengøring " + EVIL) for e in parsed.entries)  # text, not markup
        assert any(EVIL in e.summary and "Kommune" in e.summary for e in parsed.entries)
        ics = await web.get("/kalender.ics?kategori=cleaning")
        events = list(icalendar.Calendar.from_ical(ics.content).walk("VEVENT"))
        assert any(str(e["SUMMARY"]).endswith("Rengøring " + EVIL) for e in events)
        assert all(len(line) <= 75 for line in ics.content.split(b"\r\n"))


async def test_pagination_and_the_language_toggle_keep_the_filters(db: Database, db_url: str) -> None:
    async with serving(web_settings(db_url), db) as web:
        await store(web.rt, sample())
        first = check_page((await web.get("/?vurdering=oplagt&lang=en")).text, "en")
        nexts = [a["href"] for a in first.of("a") if a.get("rel") == "next"]
        assert nexts == ["/?vurdering=oplagt&side=2&lang=en"]
        second = check_page((await web.get(nexts[0])).text, "en")
        assert [a["href"] for a in second.of("a") if a.get("rel") == "prev"] == ["/?vurdering=oplagt&lang=en"]
        assert not [a for a in second.of("a") if a.get("rel") == "next"]
        toggle = [a["href"] for a in second.of("a") if a.get("hreflang") == "da"]
        assert toggle == ["/?vurdering=oplagt&side=2"]
        feeds = [a["href"] for a in second.of("link") if a.get("type") == "application/atom+xml"]
        assert feeds == ["/feed.atom?vurdering=oplagt&lang=en"]  # the feed is the whole list, not page 2


def test_no_inline_script_or_style_in_the_templates() -> None:
    for path in sorted((WEB / "templates").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", text, re.I), path.name


def _luminance(colour: str) -> float:
    h = colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_stylesheet_colours_have_a_contrast_of_at_least_4_5() -> None:
    css = re.sub(r"/\*.*?\*/", "", (WEB / "static" / "style.css").read_text(encoding="utf-8"), flags=re.S)
    names = dict(re.findall(r"(--[a-z]+):\s*(#[0-9a-f]{3,6})", css))

    def value(v: str) -> str:
        v = v.strip()
        return names[v[4:-1]] if v.startswith("var(") else v

    rules = {sel.strip(): body for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)}

    def prop(body: str, name: str) -> str | None:
        m = re.search(rf"(?:^|;)\s*{name}\s*:\s*([^;]+)", body)
        return value(m.group(1)) if m else None

    checked = 0
    for sel, body in rules.items():  # every rule that sets both a colour and a background
        fg, bg = prop(body, "color"), prop(body, "background")
        if fg and bg:
            assert contrast(fg, bg) >= 4.5, (sel, fg, bg, contrast(fg, bg))
            checked += 1
    # text that inherits a background: links, muted text, the status lines, on white and --soft
    for fg in (names["--ink"], names["--muted"], names["--accent"], "#0b3d17", "#6b1414"):
        for bg in (names["--bg"], names["--soft"], "#fdecea"):
            assert contrast(fg, bg) >= 4.5, (fg, bg)
    assert checked >= 6
    assert contrast(names["--ink"], "#ffbf47") >= 4.5 and contrast("#ffbf47", names["--accent"]) >= 3  # focus


PEOPLE_TABLES = {
    *("Subscriber", "OutboxRow", "Feedback", "AdviceRequest", "StaffMember", "AuditEntry", "Broadcast"),
    *("Dialogue", "ButtonPress", "Enterprise", "PurchaseMatch"),
}


def test_the_public_pages_read_no_personal_data() -> None:
    """The web section and its reads (jobs/publish) never touch subscribers, messages, staff
    or the audit log; the directory is read only as its approved copies (listed_enterprises)."""
    import ast

    offenders = []
    for path in [*sorted((ROOT / "web").glob("*.py")), *sorted((ROOT / "jobs" / "publish").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("jobs.models", "jobs.people", "jobs.directory"):
                offenders += [f"{path.name}: {a.name}" for a in node.names if a.name in PEOPLE_TABLES]
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.startswith("jobs.people") and module != "jobs.people.startlink":  # pure payloads
                offenders.append(f"{path.name}: {module}")
    assert offenders == []
    app = (ROOT / "web" / "app.py").read_text(encoding="utf-8")
    assert "listed_enterprises" in app and "Enterprise." not in app
