"""udbud.dk: scraped "Nyheder" records (real, JSON lines) and the data service's page as described."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage, detect_format, parse_document, udbud
from jobs.ingest.parse.text import COPENHAGEN
from jobs.notice import Notice, NoticeType

SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
JL = SHARED / "udbud-dk" / "udbud.redacted.jl"
SDK = SHARED / "eforms" / "sdk-examples"


@pytest.fixture(scope="module")
def records() -> ParsedPage:
    return udbud.parse_jsonl(JL.read_bytes(), source="udbud.dk")


def _find(page: ParsedPage, title: str) -> Notice:
    return next(n for n in page.notices if n.title == title)


def test_all_records_read_with_unique_deterministic_ids(records: ParsedPage) -> None:
    assert records.format == "udbud-jsonl"
    assert len(records.notices) == 250
    assert records.item_errors == []
    assert len({n.id for n in records.notices}) == 250
    first = json.loads(JL.read_text(encoding="utf-8").splitlines()[0])
    key = "\x1f".join([first["Titel"], first["Ordregiver"], first["Annonceret"]])
    assert records.notices[0].id == "udbud-dk-" + hashlib.sha1(key.encode()).hexdigest()[:16]
    assert records.notices[0].id == "udbud-dk-8069e833f3557c12"
    again = udbud.parse_jsonl(JL.read_bytes(), source="udbud.dk")
    assert [n.id for n in again.notices] == [n.id for n in records.notices]
    kinds = Counter(n.notice_type for n in records.notices)
    assert kinds == {NoticeType.COMPETITION: 244, NoticeType.PRIOR_INFORMATION: 6}
    assert Counter(n.sme_suitable for n in records.notices) == {None: 238, True: 10, False: 2}
    assert all(n.buyer_country == "DNK" for n in records.notices)


def test_detailed_record(records: ParsedPage) -> None:
    n = records.notices[0]
    assert n.title == "Udbud af elektricitet til Egetforbrug"
    assert n.buyer == "N1 A/S"
    assert n.cpv == ("09310000",)  # "09310000-5 - Elektricitet"
    assert n.nuts == ("DK",)  # "DANMARK"
    assert n.deadline == datetime(2021, 11, 8, 12, 0, tzinfo=COPENHAGEN)  # "08-11-2021 kl. 12.00"
    assert n.deadline is not None
    assert n.deadline.utcoffset() == timedelta(hours=1)  # CET in November
    assert n.published_at == datetime(2021, 10, 8, 13, 20, tzinfo=COPENHAGEN)
    assert n.published_at is not None
    assert n.published_at.utcoffset() == timedelta(hours=2)  # CEST in October
    assert n.sme_suitable is True
    assert n.contract_nature == "supplies"  # "Varekøb"
    assert n.notice_type is NoticeType.COMPETITION
    assert n.notice_subtype == "Udbud under tærskelværdierne"
    assert n.language == "da"
    assert n.description.startswith("Ordregiver har behov for levering af elektricitet til egetforbrug i N1’s elnet.")
    assert n.texts["award_criteria"] == "Pris"


def test_amounts_language_and_procedure(records: ParsedPage) -> None:
    it = _find(records, "Rådgivning og undervisning i IT-sikkerhed for nordjyske SMV’ere")
    assert (it.value, it.currency) == (Decimal("100000"), "DKK")
    sri = _find(records, "TEST AF SMART READINESS INDICATOR (SRI) I EN DANSK KONTEKST")
    assert (sri.value, sri.currency) == (Decimal("700000"), "DKK")
    assert sri.deadline == datetime(2021, 10, 25, 23, 55, tzinfo=COPENHAGEN)
    insurance = _find(records, "All Risks Insurance including Machinery Breakdown")
    assert insurance.language == "en"
    assert insurance.sme_suitable is False
    assert insurance.procedure_type == "open"  # "Offentligt/åbent udbud"
    assert insurance.url is None
    cafe = _find(records, "Udbud af cafédrift hos tre caféer i Aarhus kommune, Sport og Fritid")
    assert cafe.nuts == ("DK042",)  # Østjylland
    assert cafe.cpv == ("55000000",)
    nmr = _find(records, "NMR - Nuclear Magnetic Resonance instrument - 6476")  # "- NMR - ..." in the data
    assert nmr.cpv == ("33113110",)
    mercell = _find(records, "Afsætning af plast fra REFAs genbrugspladser")
    assert mercell.url == "https://permalink.mercell.com/164105210.aspx"


def test_eu_notice_title_reference_link_and_day_only_deadline(records: ParsedPage) -> None:
    n = records.notices[1]
    assert n.title == "Transporttjenester (ikke affaldstransport)"
    assert n.texts["ojs_reference"] == "2021/S 196-509919"
    assert n.url == "https://ted.europa.eu/da/notice/-/detail/509919-2021"
    assert n.buyer == "VALLENSBÆK KOMMUNE"
    assert n.nuts == ("DK012",)  # Københavns omegn
    assert n.deadline == datetime(2021, 11, 9, 23, 59, tzinfo=COPENHAGEN)  # "09-11-2021"
    assert n.published_at == datetime(2021, 10, 8, tzinfo=COPENHAGEN)
    # the title is the Danish label of the notice's main CPV code: the code is read from it
    assert n.cpv == ("60000000",) and n.texts["title_is_cpv"] == "60000000"
    assert n.above_threshold is True  # "EU-udbud"
    assert _find(records, "Udbud af elektricitet til Egetforbrug").above_threshold is False  # under tærskelværdierne
    several = next(x for x in records.notices if x.texts.get("ojs_reference") == "2021/S 196-509635")
    assert several.nuts == ("DK", "DK01", "DK02", "DK03", "DK04", "DK05")
    assert several.deadline is None  # "Tilbudsfrist": ""


def test_procurement_plans_are_prior_information(records: ParsedPage) -> None:
    plans = [n for n in records.notices if n.notice_type is NoticeType.PRIOR_INFORMATION]
    assert {n.buyer for n in plans} == {
        "Konkurrence- og Forbrugerstyrelsen",
        "Statens Serum Institut",
        "Rigspolitiet",
        "Domstolsstyrelsen",
        "Gribskov Kommune",
    }
    assert all(n.deadline is None for n in plans)


def test_bad_lines_are_item_errors_and_all_bad_is_a_parse_error() -> None:
    lines = JL.read_bytes().splitlines()
    data = b"\n".join([lines[0], b"{not json", b'{"foo": 1}', lines[1], lines[2][:40]])
    assert detect_format(data) == "udbud-jsonl"
    page = udbud.parse_jsonl(data, source="udbud.dk")
    assert [n.title for n in page.notices] == [
        "Udbud af elektricitet til Egetforbrug",
        "Transporttjenester (ikke affaldstransport)",
    ]
    assert len(page.item_errors) == 3
    assert page.item_errors[0].startswith("line 2: malformed JSON")
    assert page.item_errors[1] == "line 3: not a udbud.dk record (no 'Titel')"
    assert page.item_errors[2].startswith("line 5: malformed JSON")
    with pytest.raises(ParseError):
        udbud.parse_jsonl(b'{"foo": 1}\n[2]\n', source="udbud.dk")
    with pytest.raises(ParseError):
        udbud.parse_jsonl(b"\xff\xfe\x00garbage", source="udbud.dk")


# --- the data service page (the shape a public design note describes; see the module) ----


def item(name: str, **extra: object) -> dict[str, object]:
    """One envelope around a real eForms SDK example, as the service is described to send it."""
    return {
        "noticeId": f"id-of-{name}",
        "noticeVersion": "01",
        "registreringsTidspunkt": "2024-03-01T10:00:00",
        "bekendtgoerelseXml": base64.b64encode((SDK / name).read_bytes()).decode(),
        **extra,
    }


def test_page_decodes_base64_eforms_through_the_eforms_parser() -> None:
    doc = {
        "bekendtgoerelser": [
            item("cn_24_multilingual.xml", noticePublicationNumber="00258225-2024"),
            item("pin-cfc-social_24.xml", registreringsTidspunkt="2024-03-02T08:30:00+01:00"),
        ],
        "totalt": 2,
    }
    data = json.dumps(doc).encode()
    assert detect_format(data) == "udbud"
    page = udbud.parse(data, source="udbud.dk")
    assert page.format == "udbud" and page.total == 2 and page.items == 2 and page.item_errors == []
    danish, reserved = page.notices
    assert danish.id == "55aae64f-88a8-44a5-b2fb-8228e97fe6ee"  # the XML's own id wins
    assert danish.title.startswith("Levering af IT-tjenester") and danish.language == "da"
    assert danish.source == "udbud.dk"
    assert danish.texts["ted_publication_number"] == "00258225-2024"
    assert udbud.registered_at(danish) == datetime(2024, 3, 1, 10, 0, tzinfo=COPENHAGEN)
    assert "res-ws" in reserved.reserved
    assert udbud.registered_at(reserved) == datetime(2024, 3, 2, 7, 30, tzinfo=UTC)
    assert udbud.parse(json.dumps({"bekendtgoerelser": [], "total": 0}).encode()).total == 0


def test_bad_items_are_item_errors_the_others_are_kept() -> None:
    doc = {
        "bekendtgoerelser": [
            item("cn_24_multilingual.xml"),
            {"noticeId": "bad-base64", "bekendtgoerelseXml": "this is *not* base64!"},
            {"noticeId": "bad-xml", "bekendtgoerelseXml": base64.b64encode(b"<ContractNotice><x>").decode()},
            {"noticeId": "no-body"},
            "not an object",
        ]
    }
    page = udbud.parse(json.dumps(doc).encode(), source="udbud.dk")
    assert [n.id for n in page.notices] == ["55aae64f-88a8-44a5-b2fb-8228e97fe6ee"]
    assert page.items == 5
    assert page.item_errors[0].startswith("item 1 (bad-base64): eForms XML is not valid base64")
    assert page.item_errors[1].startswith("item 2 (bad-xml):")
    assert page.item_errors[2] == "item 3 (no-body): no eForms XML in the item (expected a base64 'bekendtgoerelseXml')"
    assert page.item_errors[3] == "item 4: not a JSON object"


@pytest.mark.parametrize(
    "data",
    [
        json.dumps({"bekendtgoerelser": [item("cn_24_open.xml")]}).encode()[:3000],  # truncated
        b'{"totalt": 3}',  # no list
        b'{"items": [{"eformsXml": "PD94"}]}',  # the page shape udbudsbot once made up
        b"[]",
        b"not json",
    ],
)
def test_broken_pages_raise_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        udbud.parse(data, source="udbud.dk")


def test_detection_by_content(tmp_path: Path) -> None:
    misleading = tmp_path / "search-response.json"
    misleading.write_bytes(JL.read_bytes())
    assert detect_format(misleading.read_bytes()) == "udbud-jsonl"
    page = parse_document(misleading.read_bytes(), source="udbud.dk")
    assert len(page.notices) == 250
    assert detect_format(JL.read_bytes().splitlines()[0]) == "udbud-jsonl"  # a single record
    assert detect_format(JL.read_bytes()[:-200]) == "udbud-jsonl"  # cut in the last record
    assert detect_format(json.dumps({"bekendtgoerelser": []}).encode()) == "udbud"
