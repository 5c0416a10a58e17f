"""The Starlette application of the public web section.

``create_app(settings)`` opens the engine with ``open_runtime`` in its lifespan (or uses the
``Runtime`` it is given, when it runs inside ``udbudsbot run``). Pages are rendered on the
server from Jinja2 templates with autoescaping; nothing needs JavaScript. Danish first;
``?lang=en`` switches a page to English (``<html lang>`` follows).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from jobs.answers.faq.knowledge import KnowledgeBase, load_faq
from jobs.answers.hours.answer import format_day, format_time
from jobs.answers.hours.schedule import hours_on, status
from jobs.categories import Category, all_categories
from jobs.config import Settings
from jobs.directory.fields import area_label
from jobs.directory.profiles import by_trade, listed_enterprises
from jobs.people.startlink import category_payload, keyword_payload
from jobs.publish.detail import notice_detail
from jobs.publish.filters import DEADLINE_DAYS, FilterError, Filters, parse_filters
from jobs.publish.listing import Card, feed_items, open_notices, reason_sentences, stored_notices
from jobs.runtime import Runtime, open_runtime
from web import feeds
from web.format import clean, money, relative, when
from web.security import SecurityHeaders
from web.texts import t

HERE = Path(__file__).resolve().parent
LEVEL_CLASS = {"suitable": "suitable", "possible": "possible", "unlikely": "unlikely"}


@dataclass
class Site:
    settings: Settings
    rt: Runtime
    categories: dict[str, Category]
    kb: KnowledgeBase
    env: Environment

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.rt.clock

    @property
    def tz(self) -> str:
        return self.settings.delivery.timezone

    @property
    def prefixes(self) -> dict[str, tuple[str, ...]]:
        return {k: c.cpv_prefixes for k, c in self.categories.items()}


def lang_of(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "da"


def link(path: str, params: Mapping[str, str] | None = None, lang: str = "da") -> str:
    query = dict(params or {})
    if lang == "en":
        query["lang"] = "en"
    return path + ("?" + urlencode(query) if query else "")


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def base_url(request: Request, site: Site) -> str:
    return (site.settings.web.base_url or str(request.base_url)).rstrip("/")


class Page:
    """What every template gets: the language, texts, links and formatting."""

    def __init__(self, request: Request, site: Site) -> None:
        self.request, self.site = request, site
        self.lang = lang_of(request)
        self.now = site.clock()

    def t(self, key: str, **params: Any) -> str:
        return t(self.lang, key, **params)

    def link(self, path: str, params: Mapping[str, str] | None = None) -> str:
        return link(path, params, self.lang)

    def other_lang(self) -> str:
        params = {k: v for k, v in self.request.query_params.items() if k != "lang"}
        return link(self.request.url.path, params, "da" if self.lang == "en" else "en")

    def category(self, key: str) -> str:
        cat = self.site.categories.get(key)
        return cat.label(self.lang) if cat else key

    def level(self, level: str | None) -> str:
        return self.t(f"level_{level}") if level in LEVEL_CLASS else self.t("level_none")

    def level_class(self, level: str | None) -> str:
        return LEVEL_CLASS.get(level or "", "none")

    def reasons(self, reasons: Any, limit: int = 3) -> list[str]:
        return reason_sentences(list(reasons), self.lang, limit=limit)

    def deadline(self, dt: datetime | None) -> str:
        if dt is None:
            return self.t("no_deadline")
        return f"{when(dt, self.lang, self.site.tz)} ({relative(dt, self.now, self.lang, self.site.tz)})"

    def when(self, dt: datetime) -> str:
        return when(dt, self.lang, self.site.tz)

    def money(self, value: Any, currency: str | None) -> str:
        return money(value, currency, self.lang)

    def area(self, key: str) -> str:
        return area_label(key, self.lang)

    def fields(self, names: Any) -> str:
        """Changed field names (jobs.ingest.decide) in words."""
        known = {"cancelled", "title", "deadline", "value", "currency", "buyer", "cpv"}
        return ", ".join(self.t(f"field_{n}") if n in known else str(n) for n in names)

    def clean(self, text: str | None) -> str:
        return clean(text)

    def web_url(self, url: str | None) -> str | None:
        """A link only to http(s) addresses (the directory checks them on input too)."""
        return url if url and url.lower().startswith(("http://", "https://")) else None

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self.site.env.get_template(template).render(page=self, **context)
        return HTMLResponse(html, status_code=status_code)


def telegram_link(site: Site, f: Filters | None) -> str | None:
    bot = site.settings.web.bot_username
    if not bot:
        return None
    payload = None
    if f is not None and f.category:
        payload = category_payload(f.category)
    elif f is not None and f.text:
        payload = keyword_payload(f.text)
    return f"https://t.me/{bot}" + (f"?start={payload}" if payload else "")


def _filters(request: Request, site: Site) -> Filters:
    try:
        return parse_filters(dict(request.query_params), list(site.categories))
    except FilterError as e:
        lang = lang_of(request)
        raise HTTPException(400, t(lang, f"err_{e.code}", value=e.value)) from e


async def index(request: Request) -> Response:
    site = site_of(request)
    f = _filters(request, site)
    page = Page(request, site)
    result = await open_notices(
        site.rt.db, f, now=page.now, prefixes=site.prefixes, per_page=site.settings.web.page_size
    )
    params = f.params(page=1)
    stored = await stored_notices(site.rt.db) if not result.items and not f.active else 0
    follow_what = None
    if f.category:
        follow_what = page.t("follow_what_category", what=page.category(f.category))
    elif f.text:
        follow_what = page.t("follow_what_text", what=f.text)
    return page.render(
        "index.html",
        f=f,
        result=result,
        days=DEADLINE_DAYS,
        feed_url=page.link("/feed.atom", params),
        ics_url=page.link("/kalender.ics", params),
        prev_url=page.link("/", f.params(page=f.page - 1)) if f.page > 1 else None,
        next_url=page.link("/", f.params(page=f.page + 1)) if result.has_next else None,
        telegram=telegram_link(site, f),
        follow_what=follow_what or page.t("follow_all"),
        stored=stored,
    )


async def notice(request: Request) -> Response:
    site = site_of(request)
    page = Page(request, site)
    raw = request.path_params["notice_id"]
    if raw > 2**31 - 1:
        raise HTTPException(404)
    detail = await notice_detail(site.rt.db, raw, now=page.now)
    if detail is None:
        raise HTTPException(404)
    return page.render("notice.html", d=detail, n=detail.card)


async def directory(request: Request) -> Response:
    site = site_of(request)
    page = Page(request, site)
    groups = by_trade(await listed_enterprises(site.rt.db), list(site.categories))
    bot = site.settings.web.bot_username
    return page.render("directory.html", groups=groups, telegram=f"https://t.me/{bot}" if bot else None)


def _hours(page: Page) -> dict[str, Any]:
    hs = page.site.settings.hours
    local = page.now.astimezone(hs.tz)
    out: dict[str, Any] = {}
    for kind in ("opening", "phone"):
        st = status(hs, kind, page.now)
        if st.is_open and st.until is not None:
            now_line = page.t(f"open_now_{kind}", time=format_time(st.until, page.lang))
        elif st.next_open is not None and st.next_day is not None:
            now_line = page.t(
                f"closed_now_{kind}",
                day=format_day(st.next_day.day, page.lang, local.date()),
                time=format_time(st.next_open, page.lang),
            )
        else:
            now_line = page.t(f"never_{kind}")
        days = []
        for i in range(7):
            day = local.date() + timedelta(days=i)
            h = hours_on(hs, kind, day)
            spans = ", ".join(
                f"{format_time(iv.start, page.lang)}–{format_time(iv.end, page.lang)}" for iv in h.intervals
            )
            days.append((format_day(day, page.lang, local.date()), spans or page.t("closed"), h.is_open))
        out[kind] = {"now": now_line, "open": st.is_open, "days": days}
    return out


async def advice(request: Request) -> Response:
    site = site_of(request)
    page = Page(request, site)
    return page.render("advice.html", entries=site.kb.entries, hours=_hours(page), contact=site.settings.contact)


def _summary(page: Page) -> Callable[[Card], str]:
    def summary(card: Card) -> str:
        lines = [f"{page.level(card.level)}: " + "; ".join(page.reasons(card.reasons))]
        lines.append(f"{page.t('deadline')}: {page.deadline(card.deadline)}")
        if card.buyer:
            lines.append(f"{page.t('buyer')}: {card.buyer}")
        if card.value is not None:
            lines.append(f"{page.t('value')}: {page.money(card.value, card.currency)}")
        return "\n".join(lines)

    return summary


def _feed_title(page: Page, f: Filters) -> str:
    what = [page.category(f.category)] if f.category else []
    if f.level:
        what.append(page.level(f.level))
    if f.text:
        what.append(f"»{f.text}«" if page.lang == "da" else f"“{f.text}”")
    title = page.t("feed_title")
    return page.t("feed_filtered", title=title, what=", ".join(what)) if what else title


async def atom_feed(request: Request) -> Response:
    site = site_of(request)
    f = _filters(request, site)
    page = Page(request, site)
    cards = await feed_items(site.rt.db, f, now=page.now, prefixes=site.prefixes)
    base = base_url(request, site)
    params = f.params(page=1)
    body = feeds.atom(
        cards,
        title=_feed_title(page, f),
        self_url=base + page.link("/feed.atom", params),
        page_url=base + page.link("/", params),
        entry_url=lambda c: base + page.link(f"/udbud/{c.id}"),
        summary=_summary(page),
        lang=page.lang,
        now=page.now,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


async def calendar(request: Request) -> Response:
    site = site_of(request)
    f = _filters(request, site)
    page = Page(request, site)
    cards = await feed_items(site.rt.db, f, now=page.now, prefixes=site.prefixes, limit=500)
    base = base_url(request, site)
    body = feeds.ics(
        cards,
        name=_feed_title(page, f),
        host=urlsplit(base).hostname or "localhost",
        entry_url=lambda c: base + page.link(f"/udbud/{c.id}"),
        summary=lambda c: page.t("ics_deadline", title=c.title_in(page.lang)),
        describe=_summary(page),
        now=page.now,
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="udbud-frister.ics"'},
    )


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    site = site_of(request)
    page = Page(request, site)
    message = page.t("error_404") if exc.status_code == 404 else page.t("error_400", message=exc.detail)
    return page.render("error.html", status_code=exc.status_code, message=message)


def make_env() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def create_app(settings: Settings, *, rt: Runtime | None = None) -> Starlette:
    """The web section; with ``rt`` it uses that engine, otherwise it opens its own."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            runtime: Runtime = rt if rt is not None else await stack.enter_async_context(open_runtime(settings))
            app.state.site = Site(
                settings=settings,
                rt=runtime,
                categories=all_categories(settings),
                kb=load_faq(settings.faq.resolve(settings.base_dir)),
                env=make_env(),
            )
            yield

    routes = [
        Route("/", index),
        Route("/udbud/{notice_id:int}", notice),
        Route("/virksomheder", directory),
        Route("/raadgivning", advice),
        Route("/feed.atom", atom_feed),
        Route("/kalender.ics", calendar),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: on_http_error})
    app.add_middleware(SecurityHeaders)
    return app
