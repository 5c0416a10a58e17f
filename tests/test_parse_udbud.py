"""udbud.dk: scraped "Nyheder" records (real, JSON lines) and the data API page shape."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from datetime import datetime, timedelta
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
API = Path(__file__).resolve().parents[1] / "examples" / "udbud-api"


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
    assert n.cpv == ()
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


# --- the data API page ------------------------------------------------------------


def test_example_api_pages_decode_eforms_items_and_page_on() -> None:
    page1 = udbud.parse((API / "page-1.json").read_bytes(), source="udbud.dk")
    assert page1.format == "udbud"
    assert page1.next_url == "page-2.json"
    assert page1.item_errors == []
    assert [n.texts["udbud_id"] for n in page1.notices] == [f"udbud-eksempel-1-0{i}" for i in range(1, 6)]
    danish = page1.notices[0]  # cn_24_multilingual.xml
    assert danish.id == "55aae64f-88a8-44a5-b2fb-8228e97fe6ee"
    assert danish.language == "da"
    assert danish.title.startswith("Levering af IT-tjenester")
    assert danish.source == "udbud.dk"
    reserved = page1.notices[2]  # pin-cfc-social_24.xml
    assert reserved.id == "b9bcefc5-2065-4884-a723-c9d39c5c640f"
    assert "res-ws" in reserved.reserved
    page2 = udbud.parse((API / "page-2.json").read_bytes(), source="udbud.dk")
    assert page2.next_url is None
    assert page2.notices[0].notice_type is NoticeType.CHANGE


def _item(name: str, **extra: object) -> dict[str, object]:
    return {"id": name, "eformsXml": base64.b64encode((SDK / name).read_bytes()).decode(), **extra}


def test_bad_items_are_item_errors_the_others_are_kept() -> None:
    doc = {
        "items": [
            _item("cn_24_multilingual.xml", url="https://udbud.dk/x"),
            {"id": "bad-base64", "eformsXml": "this is *not* base64!"},
            {"id": "bad-xml", "eformsXml": base64.b64encode(b"<ContractNotice><unclosed>").decode()},
            {"id": "no-body", "title": "?"},
            "not an object",
            {"id": "inline", "eformsXml": (SDK / "cn-social_24.xml").read_text(encoding="utf-8")},
        ],
        "links": {"next": "https://api.udbud.dk/v1/notices?since=2024-03-01T10:00:00Z"},
    }
    data = json.dumps(doc).encode()
    assert detect_format(data) == "udbud"
    page = udbud.parse(data, source="udbud.dk")
    assert [n.texts["udbud_id"] for n in page.notices] == ["cn_24_multilingual.xml", "inline"]
    assert page.next_url == "https://api.udbud.dk/v1/notices?since=2024-03-01T10:00:00Z"
    assert len(page.item_errors) == 4
    assert page.item_errors[0].startswith("item 1 (bad-base64): eForms XML is not valid base64")
    assert page.item_errors[1].startswith("item 2 (bad-xml):")
    assert page.item_errors[2].startswith("item 3 (no-body): no eForms XML")
    assert page.item_errors[3] == "item 4: not a JSON object"


def test_item_date_and_link_fill_gaps_only() -> None:
    item = _item("cn-social_24.xml", url="https://udbud.dk/notice/1", publishedAt="2024-03-01T10:00:00+01:00")
    doc = {"items": [item]}
    (n,) = udbud.parse(json.dumps(doc).encode(), source="udbud.dk").notices
    assert n.url == "https://udbud.dk/notice/1"  # the XML has no link of its own
    assert n.published_at is not None
    assert n.published_at.year == 2019  # the XML's own IssueDate wins over the item's


@pytest.mark.parametrize(
    "data",
    [
        (API / "page-1.json").read_bytes()[:3000],  # truncated
        b'{"total": 3}',  # JSON of the wrong shape
        b'[{"eformsXml": ""}]',
        b"not json",
    ],
)
def test_broken_api_pages_raise_parse_error(data: bytes) -> None:
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
    assert detect_format((API / "page-2.json").read_bytes()) == "udbud"
