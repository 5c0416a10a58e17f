"""Format detection reads past a document's prolog (BOM, whitespace, XML declaration,
processing instructions, comments, DOCTYPE) to its root element; feeds as WordPress,
Drupal, Umbraco and Sitecore write them, and feedparser's own test feeds, are feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobs.config import SourceSettings
from jobs.errors import ParseError
from jobs.ingest.fetch import make_client
from jobs.ingest.parse import detect_format, parse_document, root_element
from jobs.ingest.sources import SourceState, read_source
from tests.feedserver import FeedServer, Route
from tests.helpers import settings_with

DATA = Path(__file__).resolve().parent / "data"
FEEDPARSER = sorted((DATA / "feedparser").glob("*.xml"))
CMS = DATA / "cms-feeds"


@pytest.mark.parametrize("path", FEEDPARSER, ids=lambda p: p.name)
def test_feedparser_test_feeds_are_feeds(path: Path) -> None:
    assert detect_format(path.read_bytes()) == "rss"


def test_the_corpus_is_there() -> None:
    assert len(FEEDPARSER) == 6


@pytest.mark.parametrize(
    ("prolog", "root"),
    [
        (b"", "rss"),
        (b"\xef\xbb\xbf", "rss"),  # UTF-8 byte-order mark
        (b"\n\n  \t", "rss"),  # whitespace before the declaration (a common WordPress plugin fault)
        (b'<?xml version="1.0" encoding="UTF-8"?><!-- generator="WordPress/6.4.3" -->\n', "rss"),
        (b'<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="/rss.xsl"?>\n', "rss"),
        (b"<!-- <a href='x'>a tag inside a comment</a> <feed> -->", "rss"),
        (b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">\n', "rss"),
        (b"<!DOCTYPE rss [ <!ELEMENT rss ANY> <!-- ] > --> ]>\n", "rss"),
    ],
)
def test_prolog_is_skipped(prolog: bytes, root: str) -> None:
    doc = prolog + b'<rss version="2.0"><channel><title>x</title></channel></rss>'
    assert root_element(doc) == root
    assert detect_format(doc) == "rss"


def test_utf16_with_and_without_bom() -> None:
    doc = '<?xml version="1.0" encoding="UTF-16"?><!-- c --><feed xmlns="http://www.w3.org/2005/Atom"/>'
    assert detect_format(doc.encode("utf-16")) == "rss"
    assert detect_format(doc.encode("utf-16-le")) == "rss"
    assert detect_format(doc.encode("utf-16-be")) == "rss"


def test_eforms_after_a_comment_and_namespaced_root() -> None:
    doc = b'<?xml version="1.0"?>\n<!-- exported -->\n<cn:ContractNotice xmlns:cn="urn:x"/>'
    assert detect_format(doc) == "eforms"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (b"<!DOCTYPE html>\n<html lang='da'><head><title>Udbud</title>", "this is an HTML page"),
        (
            b"<!doctype html><html><head><link rel='alternate' type='application/rss+xml' "
            b"href='https://www.kommune.example.dk/udbud/rss'></head></html>",
            "it links to a feed at https://www.kommune.example.dk/udbud/rss",
        ),
        (b"<!-- never closed <rss>", "no XML root element"),
        (b"<?xml version='1.0'?><catalog/>", "unsupported XML document <catalog>"),
        (b"Warning: Cannot modify header information <rss>", "not XML or JSON"),
    ],
)
def test_what_is_not_a_feed_says_what_it_is(doc: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        detect_format(doc)


@pytest.mark.parametrize(
    ("name", "title", "deadline"),
    [
        ("wordpress-rss2.xml", "Udbud af vinduespolering på vandværker og kontor", datetime(2024, 4, 2, 10, 0)),
        ("drupal-views.xml", "Udbud af snerydning og glatførebekæmpelse 2024-2027", datetime(2024, 4, 15, 8, 0)),
        ("umbraco-syndication.xml", "Rengøring af daginstitutioner", datetime(2024, 4, 22, 10, 0)),
        ("sitecore-stylesheet.xml", "Græsslåning og parkpleje, Nord", datetime(2024, 4, 29, 10, 0)),
    ],
)
def test_municipal_cms_feeds_become_notices(name: str, title: str, deadline: datetime) -> None:
    data = (CMS / name).read_bytes()
    assert detect_format(data) == "rss"
    page = parse_document(data, source=name)
    first = page.notices[0]
    assert first.title == title
    assert first.deadline is not None
    assert first.deadline.astimezone(UTC).replace(tzinfo=None) == deadline  # Copenhagen time, summer or not


async def test_a_feed_served_as_text_html_is_read_as_a_feed(feed_server: FeedServer) -> None:
    feed_server.routes["/udbud/feed/"] = Route(
        body=(CMS / "wordpress-rss2.xml").read_bytes(), headers={"Content-Type": "text/html; charset=UTF-8"}
    )
    src = SourceSettings(name="wp", kind="rss", url=feed_server.url("/udbud/feed/"))
    settings = settings_with(src)
    async with make_client(settings.fetch) as client:
        out = await read_source(src, SourceState(), client, settings, now=datetime(2024, 3, 5, tzinfo=UTC))
    assert [n.title for n in out.notices][:1] == ["Udbud af vinduespolering på vandværker og kontor"]
    assert len(out.notices) == 2
