"""RSS/Atom feeds → notices: the bundled (derived) example feeds and broken or odd inputs."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage, detect_format, feed, parse_document
from jobs.ingest.parse.text import COPENHAGEN
from jobs.notice import Notice, NoticeType
from tests.conftest import ROOT

FEEDS = Path(__file__).resolve().parents[1] / "examples" / "feeds"
RSS = FEEDS / "udbud-dk-rss.xml"
ATOM = FEEDS / "kommune-atom.xml"


@pytest.fixture(scope="module")
def rss() -> ParsedPage:
    return feed.parse(RSS.read_bytes(), source="udbud-dk-rss")


@pytest.fixture(scope="module")
def atom() -> ParsedPage:
    return feed.parse(ATOM.read_bytes(), source="kommune-atom")


def _by_id(page: ParsedPage) -> dict[str, Notice]:
    return {n.id: n for n in page.notices}


def _title(page: ParsedPage, title: str) -> Notice:
    return next(n for n in page.notices if n.title == title)


def test_rss_example_reads_the_namespace(rss: ParsedPage) -> None:
    assert rss.format == "rss"
    assert len(rss.notices) == 40
    assert rss.item_errors == []
    n = _by_id(rss)["udbud-dk-8069e833f3557c12"]  # the first udbud.dk record (re-dated, see below)
    assert n.title == "Udbud af elektricitet til Egetforbrug"
    assert n.buyer == "N1 A/S"
    assert n.cpv == ("09310000",)
    assert n.nuts == ("DK",)
    assert n.deadline is not None and n.published_at is not None
    assert (n.deadline.hour, n.deadline.minute) == (12, 0)  # "kl. 12.00", Copenhagen time
    assert n.published_at.astimezone(COPENHAGEN).strftime("%H:%M") == "13:20"
    assert n.sme_suitable is True
    assert n.notice_type is NoticeType.COMPETITION
    assert n.language == "da"
    assert n.buyer_country == "DNK"
    assert n.url is None  # guid isPermaLink="false" and no <link>
    assert "<" not in n.description
    assert n.description.startswith("Ordregiver har behov for levering af elektricitet")
    assert n.source == "udbud-dk-rss"

    valued = _by_id(rss)["udbud-dk-dc29a60be4cb70e5"]
    assert (valued.value, valued.currency) == (Decimal("100000"), "DKK")
    assert _by_id(rss)["udbud-dk-93282d6683de49b3"].sme_suitable is False


def test_rss_example_eu_items_and_demo_items(rss: ParsedPage) -> None:
    eu = _by_id(rss)["udbud-dk-923f62de73a9c089"]
    assert eu.title == "Transporttjenester (ikke affaldstransport)"
    assert eu.url == "https://ted.europa.eu/da/notice/-/detail/509919-2021"
    assert eu.cpv == ("60000000",)  # looked up from the title's CPV label when the example was built
    assert eu.nuts == ("DK012",)
    assert eu.procedure_id == "2021/S 196-509919"
    assert eu.deadline is not None and eu.deadline.astimezone(COPENHAGEN).strftime("%H:%M") == "23:59"  # a day only
    # a few records are re-dated relative to the examples' build date (examples/README.md)
    build = date.fromisoformat((ROOT / "examples" / "BUILD_DATE").read_text(encoding="utf-8").strip())
    redated = [n for n in rss.notices if "datoerne er flyttet" in n.description]
    assert len(redated) == 5 and eu in redated
    for n in redated:
        assert n.published_at is not None
        assert build - timedelta(days=10) <= n.published_at.date() < build
        # open for about two years after a build (one of them gives no deadline, as published)
        assert n.deadline is None or n.deadline.date() > build + timedelta(days=700)
    assert sum(n.deadline is not None for n in redated) == 4
    others = [n for n in rss.notices if n not in redated]
    assert all(n.deadline.year == 2021 for n in others if n.deadline is not None)
    assert all(n.published_at is not None and n.published_at.year == 2021 for n in others)


def test_atom_example_uses_plain_conventions(atom: ParsedPage) -> None:
    assert b"udbudsbot.dk/ns" not in ATOM.read_bytes()
    assert len(atom.notices) == 15
    assert atom.item_errors == []
    sri = _title(atom, "TEST AF SMART READINESS INDICATOR (SRI) I EN DANSK KONTEKST")
    assert sri.id == "urn:udbudsbot:example:udbud-dk-ab95f714ddfa1d11"
    assert sri.buyer == "Energistyrelsen"  # <author><name>
    assert sri.cpv == ("71600000",)  # <category term="71600000-4 - Tekniske undersøgelser, ...">
    assert sri.deadline == datetime(2021, 10, 25, 23, 55, tzinfo=COPENHAGEN)  # "Tilbudsfrist: 25-10-2021 kl. 23.55"
    assert (sri.value, sri.currency) == (Decimal("700000"), "DKK")  # "Skønnet kontraktsum: 700.000 kr."
    assert sri.sme_suitable is True  # "SMV venligt: Ja"
    assert sri.notice_type is NoticeType.COMPETITION
    assert sri.url is None
    assert sri.version == "2021-09-30T10:00:00+00:00"  # <updated>
    refa = _title(atom, "Afsætning af plast fra REFAs genbrugspladser")
    assert refa.nuts == ("DK022",)  # "Leveringssted: Vest- og Sydsjælland"
    dialog = _title(atom, "Markedsdialog - udbud af drift af plejecentre i Gribskov Kommune")
    assert dialog.notice_type is NoticeType.PRIOR_INFORMATION
    assert dialog.deadline is None
    assert _title(atom, "Udbudsoversigt Statens Serum Institut").notice_type is NoticeType.OTHER
    eu = _title(atom, "Bygge- og anlægsarbejder")
    assert eu.url == "https://ted.europa.eu/da/notice/-/detail/498688-2021"
    assert eu.cpv == ("45000000",)


def test_detection_by_content_not_by_name(tmp_path: Path) -> None:
    for src, name in ((RSS, "ocds.json"), (ATOM, "page-1.json")):
        misleading = tmp_path / name
        misleading.write_bytes(src.read_bytes())
        assert detect_format(misleading.read_bytes()) == "rss"
        assert parse_document(misleading.read_bytes()).notices == feed.parse(src.read_bytes(), source="rss").notices


FEED = """<?xml version="1.0" encoding="{enc}"?>
<rss version="2.0" xmlns:u="https://udbudsbot.dk/ns/feed/1.0">
<channel><title>Ærø Kommune – udbud</title><link>https://www.aeroekommune.dk/</link>
<description>Udbud</description><language>da-DK</language>
<item>
  <title>Rengøring af Ærøskøbing Skole – 2027</title>
  <link>https://www.aeroekommune.dk/udbud/1</link>
  <guid>https://www.aeroekommune.dk/udbud/1</guid>
  <description>&lt;p&gt;Daglig rengøring. Tilbudsfrist: 01-03-2027 kl. 12.00&lt;/p&gt;</description>
  <category>90911200-8 - Rengøring af bygninger</category>
  <author>udbud@aeroekommune.dk (Ærø Kommune)</author>
  <u:value>350.000 kr.</u:value>
  <u:smv>Ja</u:smv>
  <u:vcse>Ja</u:vcse>
  <u:reserved>res-ws</u:reserved>
  <u:type>competition</u:type>
</item>
<item><title>Uden id og link</title><description>intet</description></item>
<item><title>Snerydning</title><link>https://www.aeroekommune.dk/udbud/2</link></item>
</channel></rss>"""


def test_latin1_feed_with_declared_encoding_and_another_prefix() -> None:
    data = FEED.format(enc="iso-8859-1").replace("–", "-").encode("iso-8859-1")
    page = feed.parse(data, source="rss")
    assert [n.title for n in page.notices] == ["Rengøring af Ærøskøbing Skole - 2027", "Snerydning"]
    assert page.item_errors == ["entry 1: no guid/id and no link"]
    n = page.notices[0]
    assert n.id == "https://www.aeroekommune.dk/udbud/1"
    assert n.url == "https://www.aeroekommune.dk/udbud/1"
    assert n.cpv == ("90911200",)
    assert (n.value, n.currency) == (Decimal("350000"), "DKK")
    assert n.deadline == datetime(2027, 3, 1, 12, 0, tzinfo=COPENHAGEN)
    assert (n.sme_suitable, n.vcse_suitable, n.reserved) == (True, True, ("res-ws",))
    assert n.language == "da"
    assert "Ærø Kommune" in n.buyer
    assert page.notices[1].notice_type is NoticeType.OTHER  # no deadline, no type


def test_utf8_declared_but_cp1252_bytes_gives_correct_text() -> None:
    data = FEED.format(enc="utf-8").encode("cp1252")  # "–" is 0x96, "ø" 0xF8: invalid UTF-8
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    page = feed.parse(data, source="rss")
    assert page.notices[0].title == "Rengøring af Ærøskøbing Skole – 2027"
    assert page.notices[0].deadline == datetime(2027, 3, 1, 12, 0, tzinfo=COPENHAGEN)


def test_truncated_feed_is_read_as_far_as_it_goes() -> None:
    full = feed.parse(RSS.read_bytes(), source="rss").notices
    data = RSS.read_bytes()
    page = feed.parse(data[: len(data) // 2], source="rss")
    assert 0 < len(page.notices) < len(full)
    for got, want in zip(page.notices[:-1], full, strict=False):
        assert got == want
    with pytest.raises(ParseError):
        feed.parse(data[:300], source="rss")  # cut before the first item


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title><link>https://x/1</link></item></channel></rss>"""

HTML_PAGE = b"""<!doctype html>
<html lang="da"><head><title>Side ikke fundet</title></head>
<body><h1>404</h1><p>Siden findes ikke.</p></body></html>"""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, "entities"),
        (HTML_PAGE, "feed"),
        (b'{"items": []}', "feed"),
        (b"", "empty"),
        (b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><item><tit", "feed"),
    ],
)
def test_not_a_feed_raises_parse_error(data: bytes, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(ParseError, match=reason):
        feed.parse(data, source="rss")
    assert time.monotonic() - started < 2


def test_detection_of_broken_inputs() -> None:
    with pytest.raises(ParseError, match="HTML"):
        detect_format(HTML_PAGE)
    assert detect_format(RSS.read_bytes()[:2000]) == "rss"  # truncated, still recognisably RSS
    assert detect_format(FEED.format(enc="iso-8859-1").replace("–", "-").encode("iso-8859-1")) == "rss"


def test_empty_but_valid_feed_has_no_notices() -> None:
    page = feed.parse(b"<rss version='2.0'><channel><title>Ingen udbud</title></channel></rss>", source="rss")
    assert page.notices == []
    assert page.item_errors == []
