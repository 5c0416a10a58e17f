"""Source adapters: how each kind of source is fetched and paged.

Each adapter turns one configured source into notices, using ``fetch`` for the
bytes and ``jobs.ingest.parse`` for the meaning. They know nothing of each other or of
storage; ``poll.py`` orchestrates.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from jobs.config import Settings as AppSettings
from jobs.config import SourceSettings
from jobs.config import secret as get_secret
from jobs.errors import FetchError, ParseError
from jobs.ingest.fetch import FetchResult, fetch, is_remote
from jobs.ingest.parse import ParsedPage, detect_format, get_parser
from jobs.ingest.parse.text import COPENHAGEN, parse_iso_date
from jobs.notice import Notice

FORMAT_OF_KIND = {
    "rss": "rss",
    "atom": "rss",
    "html": "html",
    "ted": "ted",
    "udbud": "udbud",
    "ocds": "ocds",
    "eforms": "eforms",
}


@dataclass(frozen=True)
class SourceState:
    """What we remember between polls (from the ``sources`` table)."""

    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None


@dataclass
class SourceRead:
    not_modified: bool = False
    notices: list[Notice] = field(default_factory=list)
    item_errors: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None
    pages: int = 0


async def _parse(result: FetchResult, src: SourceSettings, *, sniff: bool = False) -> ParsedPage:
    """Parse off the event loop; the format comes from the kind, checked against content."""
    fmt = FORMAT_OF_KIND[src.kind]
    data = result.body
    if not data.strip():
        raise ParseError("200 OK but an empty body")
    detected = detect_format(data)
    if detected != fmt and not (fmt == "udbud" and detected == "udbud-jsonl") and not sniff:
        raise ParseError(f"expected {src.kind} content but got {detected}")
    return await asyncio.to_thread(get_parser(detected), data, source=src.name)


async def read_source(
    src: SourceSettings,
    state: SourceState,
    client: httpx.AsyncClient,
    settings: AppSettings,
    *,
    now: datetime,
    env: dict[str, str] | None = None,
) -> SourceRead:
    """Fetch every new page of ``src``; raise FetchError/ParseError for the whole source."""
    if src.kind == "ted":
        return await _read_ted(src, state, client, settings, now=now)
    if src.kind == "html":
        return await _read_html(src, state, client, settings)
    headers: dict[str, str] = {}
    if src.token_env:
        token = get_secret(src.token_env, env)
        if token is None:
            raise FetchError(f"environment variable {src.token_env} (the source's token) is not set")
        headers["Authorization"] = f"Bearer {token}"
    if src.kind == "udbud":
        return await _read_udbud(src, state, client, settings, headers=headers)
    return await _read_paged(src, state, client, settings, headers=headers, params=None)


async def _read_paged(
    src: SourceSettings,
    state: SourceState,
    client: httpx.AsyncClient,
    settings: AppSettings,
    *,
    headers: dict[str, str],
    params: dict[str, str] | None,
) -> SourceRead:
    out = SourceRead(cursor=state.cursor)
    url: str | None = src.url
    seen_urls: set[str] = set()
    base_dir: Path = settings.base_dir
    while url and out.pages < settings.poll.max_pages:
        first = out.pages == 0
        if url in seen_urls:
            raise ParseError(f"paging loops back to {url}")
        seen_urls.add(url)
        result = await fetch(
            client,
            url,
            settings.fetch,
            base_dir=base_dir,
            etag=state.etag if first else None,
            last_modified=state.last_modified if first else None,
            headers=headers,
            params=params if first else None,
        )
        if result.not_modified:
            out.not_modified = True
            return out
        if first:
            out.etag, out.last_modified = result.etag, result.last_modified
        page = await _parse(result, src)
        out.pages += 1
        out.notices.extend(page.notices)
        out.item_errors.extend(page.item_errors)
        if page.next_url and not page.next_url.startswith(("http://", "https://")) and base_dir:
            # a relative next link of a local example file
            page.next_url = str(Path(result.url).parent / page.next_url)
        url = page.next_url
        got = len(out.notices) + len(out.item_errors)
        if page.total is not None and not url and got < page.total:
            # "200 OK" with a missing next link is a broken page, not "no news".
            raise ParseError(f"source says it holds {page.total} notices but gave {got} and no next page")
    if url:
        out.item_errors.append(f"stopped after {settings.poll.max_pages} pages (poll.max_pages)")
    return out


SINCE_OVERLAP = timedelta(minutes=10)  # ask again for the last minutes: storing twice is a no-op


def udbud_since(cursor: str) -> str:
    """The ``since`` parameter: Copenhagen local time without an offset, a little before the cursor.

    (Public client code of the service says it reads ``since`` as Europe/Copenhagen time
    and refuses an offset.)
    """
    when = parse_iso_date(cursor)
    if when is None:
        return cursor
    return (when - SINCE_OVERLAP).astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M:%S")


async def _read_udbud(
    src: SourceSettings,
    state: SourceState,
    client: httpx.AsyncClient,
    settings: AppSettings,
    *,
    headers: dict[str, str],
) -> SourceRead:
    """udbud.dk's data service: pages 1, 2, ... of ``size`` until a short or empty page or
    HTTP 416; ``since`` from the cursor (the latest registration time seen)."""
    from jobs.ingest.parse import udbud

    out = SourceRead(cursor=state.cursor)
    remote = is_remote(src.url)
    base: dict[str, str] = {"size": str(src.page_size)}
    if state.cursor:
        base["since"] = udbud_since(state.cursor)
    total: int | None = None
    seen = 0
    page_no = 1
    complete = False
    while out.pages < settings.poll.max_pages:
        params = {**base, "page": str(page_no)} if remote else None
        try:
            result = await fetch(
                client, src.url, settings.fetch, base_dir=settings.base_dir, headers=headers, params=params
            )
        except FetchError as e:
            if e.status == 416:  # "Requested Range Not Satisfiable": a page past the last one
                complete = True
                break
            raise
        page = await _parse(result, src)
        out.pages += 1
        out.notices.extend(page.notices)
        out.item_errors.extend(page.item_errors)
        count = page.items or 0
        seen += count
        total = page.total if page.total is not None else total
        if not remote or count < src.page_size or (total is not None and seen >= total):
            complete = True
            break
        page_no += 1
    if not complete:
        out.item_errors.append(f"stopped after {settings.poll.max_pages} pages (poll.max_pages); the rest next time")
    elif total is not None and seen < total:
        raise ParseError(f"udbud.dk says {total} notices match but its pages ended after {seen}")
    # The next poll asks for what was registered since the latest registration seen.
    stamps = [t for t in (udbud.registered_at(n) for n in out.notices) if t is not None]
    previous = parse_iso_date(state.cursor) if state.cursor else None
    if stamps and (previous is None or max(stamps) > previous):
        out.cursor = max(stamps).isoformat()
    return out


async def _read_ted(
    src: SourceSettings, state: SourceState, client: httpx.AsyncClient, settings: AppSettings, *, now: datetime
) -> SourceRead:
    from jobs.ingest.parse import ted

    remote = src.url.startswith(("http://", "https://"))
    out = SourceRead(cursor=state.cursor)
    query = src.query or "*"
    if state.cursor:
        query = f"({query}) AND publication-date>={state.cursor}"
    token: str | None = None
    while out.pages < settings.poll.max_pages:
        if remote:
            body = ted.build_search_body(query, src.page_size, token)
            result = await fetch(client, src.url, settings.fetch, method="POST", json=body)
        else:  # an offline example response
            result = await fetch(client, src.url, settings.fetch, base_dir=settings.base_dir)
        page = await _parse(result, src)
        out.pages += 1
        out.notices.extend(page.notices)
        out.item_errors.extend(page.item_errors)
        token = page.next_token
        if not token or not page.notices or not remote:
            break
    got = len(out.notices) + len(out.item_errors)
    if remote and page.total is not None and got < min(page.total, src.page_size * settings.poll.max_pages):
        raise ParseError(f"TED says {page.total} notices match but paging stopped after {got}")
    if src.fetch_details:
        out.notices = await _ted_details(out, src, client, settings)
    # Next time, ask only for what was published since the day before this poll.
    out.cursor = (now - timedelta(days=1)).strftime("%Y%m%d")
    return out


async def _ted_details(
    out: SourceRead, src: SourceSettings, client: httpx.AsyncClient, settings: AppSettings
) -> list[Notice]:
    """Replace TED search hits by their full eForms notice (lots, values, BT-71...)."""
    from jobs.ingest.parse import eforms, ted

    detailed: list[Notice] = []
    for hit in out.notices:
        try:
            url = src.details_url.format(publication_number=hit.id) if src.details_url else ted.xml_url(hit.id)
            res = await fetch(client, url, settings.fetch)
            full = await asyncio.to_thread(eforms.parse_notice, res.body, source=src.name)
        except (FetchError, ParseError) as e:
            out.item_errors.append(f"{hit.id}: details not read ({e}); kept the search summary")
            detailed.append(hit)
            continue
        texts = dict(full.texts)
        texts["ted_publication_number"] = hit.id
        detailed.append(dataclasses.replace(full, url=hit.url or full.url, texts=texts))
    return detailed


async def _read_html(
    src: SourceSettings, state: SourceState, client: httpx.AsyncClient, settings: AppSettings
) -> SourceRead:
    """A list page (conditional GET), and with ``follow_links`` each item's own page."""
    from jobs.ingest.parse import html

    out = SourceRead(cursor=state.cursor)
    result = await fetch(
        client, src.url, settings.fetch, base_dir=settings.base_dir, etag=state.etag, last_modified=state.last_modified
    )
    if result.not_modified:
        out.not_modified = True
        return out
    out.etag, out.last_modified, out.pages = result.etag, result.last_modified, 1
    base = result.url if is_remote(result.url) else src.url
    page, items = await asyncio.to_thread(
        html.parse_list,
        result.body,
        src.selectors,
        source=src.name,
        base_url=base,
        content_type=result.headers.get("content-type"),
    )
    out.item_errors.extend(page.item_errors)
    if not src.follow_links:
        out.notices = page.notices
        return out
    budget = max(0, settings.poll.max_pages - 1)  # the list page is the first page
    for n, item in enumerate(items):
        url = item.notice.url
        if not url:
            out.notices.append(item.notice)
            continue
        if n >= budget:
            out.item_errors.append(
                f"followed {budget} item pages (poll.max_pages); the other {len(items) - n} keep the list's fields"
            )
            out.notices.extend(i.notice for i in items[n:])
            break
        try:
            res = await fetch(client, url, settings.fetch, base_dir=settings.base_dir)
            detailed = await asyncio.to_thread(
                html.merge_detail,
                item,
                res.body,
                src.detail_selectors,
                source=src.name,
                page_url=res.url if is_remote(res.url) else url,
                content_type=res.headers.get("content-type"),
            )
        except (FetchError, ParseError) as e:
            out.item_errors.append(f"{url}: item page not read ({e}); kept the list's fields")
            detailed = item.notice
        out.pages += 1
        out.notices.append(detailed)
    return out
