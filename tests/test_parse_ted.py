"""TED Search API v3 responses (real ones from shared/fixtures/ted-api-v3) → notices."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage, detect_format, parse_document, ted
from jobs.notice import Notice, NoticeType

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "ted-api-v3"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ted" / "search-response.json"
CEST = timezone(timedelta(hours=2))
CET = timezone(timedelta(hours=1))


def _page(name: str) -> ParsedPage:
    return ted.parse((FIXTURES / name).read_bytes(), source="ted")


def _by_id(page: ParsedPage) -> dict[str, Notice]:
    return {n.id: n for n in page.notices}


def test_austrian_response_titles_buyer_deadline_and_link() -> None:
    page = _page("philippprimisser-max_ted-tender-alerts_ted_response.json")
    assert page.format == "ted"
    assert page.total == 24
    assert page.next_token is None
    assert page.item_errors == []
    assert [n.id for n in page.notices] == ["690555-2026", "691237-2026", "685705-2026", "688936-2026", "683963-2026"]

    n = _by_id(page)["690555-2026"]
    # title-proc has only German; the Danish version of TED's composed title wins.
    assert n.title == "Østrig – Servicevirksomhed i forbindelse med datamater – MA 9 – Digitalisierung 2027-2031"
    assert n.texts["title_en"] == "Austria – Computer-related services – MA 9 – Digitalisierung 2027-2031"
    assert n.language == "da"
    assert n.buyer == "Magistrat der Stadt Wien - Magistratsabteilung 9"
    assert n.buyer_country == "AUT"
    assert n.cpv == ("72500000",)  # ["72500000", "72500000"] in the response
    assert n.deadline == datetime(2026, 11, 17, 23, 59, tzinfo=CEST)
    assert n.published_at == datetime(2026, 10, 7, tzinfo=CEST)
    assert n.notice_type is NoticeType.COMPETITION
    assert n.form_type == "cn-standard"
    assert n.url == "https://ted.europa.eu/da/notice/-/detail/690555-2026"
    assert n.source == "ted"


def test_lot_arrays_give_the_earliest_deadline_and_unique_cpv() -> None:
    n = _by_id(_page("philippprimisser-max_ted-tender-alerts_ted_response.json"))["688936-2026"]
    assert n.deadline == datetime(2026, 11, 4, 23, 59, tzinfo=CET)  # 11 equal lot deadlines
    assert n.cpv == ("72000000", "72262000", "72266000", "72250000", "72253000")
    assert n.buyer == "Oberösterreichische Gesundheitsholding GmbH und Tochterunternehmen"
    # 685705-2026 has no deadline field at all
    assert _by_id(_page("philippprimisser-max_ted-tender-alerts_ted_response.json"))["685705-2026"].deadline is None


def test_swedish_response_values_currencies_and_many_buyers() -> None:
    page = _page("madlad-code_tender-scan_ted_search_response.json")
    assert page.total == 115
    by_id = _by_id(page)

    it = by_id["450106-2026"]
    assert it.value == Decimal("18000000")
    assert it.currency == "SEK"
    assert it.cpv == ("72222300", "48517000", "72000000")
    assert it.deadline == datetime(2026, 8, 27, 23, 59, tzinfo=CEST)
    assert it.buyer == "Stadsledningskontoret"
    # only an English HTML link in this response
    assert it.url == "https://ted.europa.eu/en/notice/-/detail/450106-2026"
    assert it.notice_type is NoticeType.OTHER  # notice-type was not asked for

    assert by_id["450523-2026"].value == Decimal("2000000")
    assert by_id["449657-2026"].value is None
    assert by_id["449657-2026"].currency is None

    many = by_id["449657-2026"]
    assert many.buyer == "Upphandlingscenter Falun Borlänge-regionen"
    buyers = many.texts["buyers"].split("; ")
    assert len(buyers) == 10
    assert "Falu Energi och Vatten AB inkl. dotterbolagFalu Energi &" in buyers  # "&amp;" unescaped
    assert many.title == "Sverige – Programpakke til kommunikationsformål – Stöd för visselblåsarärenden"


def test_tenderpilot_prefers_danish_keeps_english_and_skips_country_codes_as_nuts() -> None:
    page = _page("ted-search-tenderpilot.json")
    assert len(page.notices) == 16
    assert page.total == 16
    n = _by_id(page)["614816-2026"]
    assert n.title.startswith("Belgien – Sundhedsvæsen og sociale foranstaltninger – Services de conseil")
    assert n.texts["title_en"] == (
        "Belgium – Health and social work services – Consultancy Services for Venture Sourcing, "
        "Matchmaking and Entrepreneur Exchange Programme in Tanzania, Uganda and Senegal"
    )
    assert n.buyer == "Enabel"
    assert n.buyer_country == "BEL"
    assert n.nuts == ()  # place-of-performance holds TZA, UGA, SEN: countries, not NUTS
    assert n.deadline == datetime(2026, 10, 8, 23, 59, tzinfo=CEST)
    # every hit has a deadline and a timezone-aware one
    assert all(x.deadline is not None and x.deadline.utcoffset() is not None for x in page.notices)


def test_legacy_bare_hits_are_kept_for_detail_fetching_and_duplicates_reported() -> None:
    page = _page("op-ted_ted-rdf-conversion-pipeline_ted_api_response.json")
    assert [n.id for n in page.notices] == ["67623-2022"]
    assert len(page.item_errors) == 1
    assert "repeats" in page.item_errors[0]
    n = page.notices[0]
    assert n.title == "TED-bekendtgørelse 67623-2022"
    assert n.texts["title_missing"] == "true"
    assert n.published_at == datetime(2022, 2, 6, 23, 0, tzinfo=UTC)  # from the legacy "PD"
    assert ted.xml_url(n) == "https://ted.europa.eu/en/notice/67623-2022/xml"


def test_iteration_token_and_total_are_passed_on() -> None:
    doc = json.loads((FIXTURES / "philippprimisser-max_ted-tender-alerts_ted_response.json").read_bytes())
    doc["iterationNextToken"] = "eyJzb3J0IjpbNjkwNTU1XX0="
    page = ted.parse(json.dumps(doc).encode(), source="ted")
    assert page.next_token == "eyJzb3J0IjpbNjkwNTU1XX0="
    assert page.total == 24


def test_search_body_and_xml_url() -> None:
    body = ted.build_search_body("buyer-country=DNK", 100, None)
    assert body["query"] == "buyer-country=DNK"
    assert body["limit"] == 100
    assert body["paginationMode"] == "ITERATION"
    assert "iterationNextToken" not in body
    for field in ("publication-number", "notice-title", "title-proc", "buyer-name", "classification-cpv",
                  "deadline-receipt-tender-date-lot", "estimated-value-lot", "estimated-value-cur-lot",
                  "notice-type", "publication-date", "links"):  # fmt: skip
        assert field in body["fields"]
    assert ted.build_search_body("q", 50, "tok")["iterationNextToken"] == "tok"
    assert ted.xml_url("690555-2026") == "https://ted.europa.eu/en/notice/690555-2026/xml"
    with pytest.raises(ValueError):
        ted.xml_url(" ")


def test_one_bad_hit_is_an_item_error_the_rest_are_kept() -> None:
    doc = json.loads((FIXTURES / "philippprimisser-max_ted-tender-alerts_ted_response.json").read_bytes())
    doc["notices"].insert(1, "not an object")
    doc["notices"].insert(2, {"notice-title": {"eng": "no publication number"}})
    page = ted.parse(json.dumps(doc).encode(), source="ted")
    assert len(page.notices) == 5
    assert len(page.item_errors) == 2
    assert "not a JSON object" in page.item_errors[0]
    assert "publication-number" in page.item_errors[1]


@pytest.mark.parametrize(
    "data",
    [
        (FIXTURES / "ted-search-tenderpilot.json").read_bytes()[:5000],  # truncated
        b'{"results": []}',  # JSON of the wrong shape
        b'{"notices": {"a": 1}}',
        b"[1, 2, 3]",
        b"",
    ],
)
def test_broken_documents_raise_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        ted.parse(data, source="ted")


def test_detection_and_the_bundled_example(tmp_path: Path) -> None:
    for f in FIXTURES.glob("*.json"):
        assert detect_format(f.read_bytes()) == "ted", f.name
    # a misleading file name changes nothing: detection reads the content
    misleading = tmp_path / "feed.xml"
    misleading.write_bytes(EXAMPLE.read_bytes())
    assert detect_format(misleading.read_bytes()) == "ted"
    page = parse_document(misleading.read_bytes(), source="ted-example")
    assert page.format == "ted"
    assert len(page.notices) == 10  # the two real responses that carry CPV codes
    assert page.item_errors == []
    assert page.total == 10
    assert {"690555-2026", "450106-2026"} <= {n.id for n in page.notices}
    assert all(n.cpv for n in page.notices)
    assert detect_format(b'{"notices": [{"ND": "67623-2022", "PD": "2022-02-06T23:00:00Z"}]}') == "ted"
    with pytest.raises(ParseError):
        detect_format((FIXTURES / "ted-search-tenderpilot.json").read_bytes()[:3000])
