"""OCDS release packages, record packages and single releases (real UK data) → notices."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.errors import ParseError
from jobs.ingest.parse import ParsedPage, detect_format, ocds, parse_document
from jobs.notice import NoticeType

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "ocds"
CF = FIXTURES / "contracts-finder"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ocds" / "contracts-finder.json"
NEXT = (
    "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search?publishedFrom=2025-01-20T23:00:00"
    "&publishedTo=2025-01-23T23:00:00&limit=100&cursor=cHVibGlzaGVkRnJvbT0yMDI1LTAxLTIwVDIzOjAwOjAwfHB1Ymxp"
    "c2hlZFRvPTIwMjUtMDEtMjNUMjM6MDA6MDB8bGltaXQ9MTAwfG5leHRDdXJzb3I9NzAxMDE3"
)


@pytest.fixture(scope="module")
def cf_page() -> ParsedPage:
    return ocds.parse((CF / "CFSearchStr.json").read_bytes(), source="ocds")


def test_contracts_finder_package_counts_flags_and_next_link(cf_page: ParsedPage) -> None:
    assert cf_page.format == "ocds"
    assert len(cf_page.notices) == 100
    assert cf_page.item_errors == []
    assert cf_page.next_url == NEXT
    assert sum(n.sme_suitable is True for n in cf_page.notices) == 81
    assert sum(n.sme_suitable is False for n in cf_page.notices) == 19
    assert sum(n.vcse_suitable is True for n in cf_page.notices) == 28
    assert sum(n.vcse_suitable is False for n in cf_page.notices) == 72
    kinds = Counter(n.notice_type for n in cf_page.notices)
    assert kinds == {
        NoticeType.AWARD: 59,  # 56 "award" + 3 "awardUpdate"
        NoticeType.COMPETITION: 33,
        NoticeType.CHANGE: 5,  # tenderAmendment
        NoticeType.PRIOR_INFORMATION: 3,  # planning
    }
    assert all(n.procedure_id and n.procedure_id.startswith("ocds-b5fd17-") for n in cf_page.notices)
    assert all(n.language == "en" for n in cf_page.notices)


def test_award_release_fields_and_repaired_mojibake(cf_page: ParsedPage) -> None:
    n = cf_page.notices[0]
    assert n.id == "2a1e3359-87a0-4fdd-ac61-20d5e6520a13-819950"
    assert n.version == "2025-01-23T22:10:19Z"
    assert n.procedure_id == "ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30"
    assert n.title == "Parking Pilot - CEO"
    assert n.buyer == "London Borough of Merton"
    assert n.buyer_country == "GBR"
    assert n.value == Decimal("372032")
    assert n.currency == "GBP"
    assert n.cpv == ("63712400",)
    assert n.deadline == datetime(2024, 12, 21, 12, 0, tzinfo=UTC)
    assert n.notice_type is NoticeType.AWARD
    assert n.url == "https://www.contractsfinder.service.gov.uk/Notice/2a1e3359-87a0-4fdd-ac61-20d5e6520a13"
    assert n.sme_suitable is True
    assert n.vcse_suitable is False
    # "framework.â€¯ The initial ... scheme.â€¯The" in the data (U+202F read as cp1252)
    assert "â€" not in n.description
    assert "ESPO 509_23 framework. The initial intention is for a 3-month pilot scheme. The recommendation" in (
        n.description
    )


def test_bullets_in_a_description_are_repaired(cf_page: ParsedPage) -> None:
    n = next(x for x in cf_page.notices if x.id == "306fb694-922b-4fe9-bbf5-943cf55d1ef0-819539")
    assert "â€¢" not in n.description
    assert "• Children, Young People and Families Practitioner Level 4 - (ST0088)" in n.description
    assert n.value is None  # no tender.value in this release


def test_open_tender_for_social_work(cf_page: ParsedPage) -> None:
    n = next(x for x in cf_page.notices if x.id == "06c7e0ea-fd0b-431c-93b4-d1fcf3801ce5-819945")
    assert n.title == "AT1299 - Provision for Children looked after"
    assert n.buyer == "Luton Council"
    assert n.value == Decimal("118000000")
    assert n.currency == "GBP"
    assert n.cpv == ("85300000",)
    assert n.deadline == datetime(2025, 2, 17, 17, 0, tzinfo=UTC)
    assert n.notice_type is NoticeType.COMPETITION
    assert n.procedure_type == "open"
    assert n.contract_nature == "services"
    assert (n.sme_suitable, n.vcse_suitable) == (True, True)
    assert n.published_at == datetime(2025, 1, 16, 14, 26, 39, tzinfo=UTC)  # tender.datePublished
    assert n.changes is None


def test_amendment_is_a_change_of_its_procedure_and_offsets_are_kept(cf_page: ParsedPage) -> None:
    n = next(x for x in cf_page.notices if x.id == "4cc631e3-a1f6-4db3-ade8-91e83c58b5f6-819919")
    assert n.notice_type is NoticeType.CHANGE
    assert n.changes == "ocds-b5fd17-4770c143-1852-46ab-bc70-559e3a2817ad" == n.procedure_id
    assert n.value == Decimal("250001")  # value wins over minValue 250000
    assert n.cpv == ("45000000", "31682540", "45232220", "31214000", "45310000")
    assert n.contract_nature == "works"
    assert n.published_at == datetime(2025, 1, 23, 16, 37, 43, tzinfo=UTC)  # the amendment, not the tender
    bst = next(x for x in cf_page.notices if x.id == "d88b957b-bbf3-4fbe-b9cb-e9c2350bb8e9-819910")
    assert bst.deadline == datetime(2024, 9, 9, 16, 0, tzinfo=timezone(timedelta(hours=1)))  # "+01:00"
    assert bst.deadline.utcoffset() == timedelta(hours=1)


def test_planning_release_is_prior_information(cf_page: ParsedPage) -> None:
    n = next(x for x in cf_page.notices if x.id == "9c97a11f-314c-443d-af4f-07b613e452c8-819928")
    assert n.notice_type is NoticeType.PRIOR_INFORMATION
    assert n.title == "Analytical Testing Support RFI"
    assert n.buyer == "Ministry of Defence"
    assert n.cpv == ("09100000", "71630000")
    assert n.url == "https://www.contractsfinder.service.gov.uk/Notice/9c97a11f-314c-443d-af4f-07b613e452c8"


def test_empty_package_still_gives_the_next_link() -> None:
    page = ocds.parse((CF / "CFSearchStr0.json").read_bytes(), source="ocds")
    assert page.notices == []
    assert page.item_errors == []
    assert page.next_url == NEXT
    one = ocds.parse((CF / "CFSearchRel1.json").read_bytes(), source="ocds")
    assert [n.title for n in one.notices] == ["Parking Pilot - CEO"]


def test_scottish_single_release_with_lots_nuts_and_no_release_id() -> None:
    page = ocds.parse((FIXTURES / "scotland" / "SRelStr1.json").read_bytes(), source="ocds")
    assert page.next_url is None  # its "links" is a list of canonical links, not paging
    (n,) = page.notices
    assert n.id == "ocds-r6ebe6-0000581860" == n.procedure_id
    assert n.title == "Five Year Electrical Inspection Contract, Various Addresses, North Glasgow"
    assert n.buyer == "ng homes"
    assert n.buyer_country == "GBR"  # from the NUTS region UKM82
    assert n.cpv == ("50711000",)
    assert n.nuts == ("UKM82",)
    assert n.deadline == datetime(2019, 5, 29, 12, 0, tzinfo=UTC)
    assert n.procedure_type == "restricted"
    assert n.url == "https://www.publiccontractsscotland.gov.uk/search/show/search_view.aspx?ID=APR352786"
    assert n.value is None
    (lot,) = n.lots
    assert lot.lot_id == "1"
    assert lot.cpv == ("50711000",)
    assert lot.nuts == ("UKM82",)
    assert lot.duration_months == 59  # 1800 days
    assert lot.description.startswith("Electrical installation condition reports.")


def test_all_scottish_and_welsh_releases_parse() -> None:
    for folder, count in (("scotland", 44), ("wales", 49)):
        notices = []
        for f in sorted((FIXTURES / folder).glob("*.json")):
            data = f.read_bytes()
            assert detect_format(data) == "ocds", f.name
            page = ocds.parse(data, source="ocds")
            assert page.item_errors == [], f.name
            notices += page.notices
        assert len(notices) == count
        assert all(n.notice_type is NoticeType.COMPETITION for n in notices)
        assert all(n.deadline is not None and n.deadline.tzinfo is not None for n in notices)
        assert all(n.lots for n in notices)
    eur = ocds.parse((FIXTURES / "scotland" / "SRelStr19.json").read_bytes(), source="ocds").notices[0]
    assert (eur.value, eur.currency) == (Decimal("114000"), "EUR")
    assert eur.title.startswith("Rhododendron Removal and Eradication")


def test_welsh_placeholder_value_is_none_and_cpv_comes_from_items() -> None:
    (n,) = ocds.parse((FIXTURES / "wales" / "WRel0.json").read_bytes(), source="ocds").notices
    assert n.id == "ocds-kuma6s-148440-release-148440"
    assert n.procedure_id == "ocds-kuma6s-148440"
    assert n.value is None  # {"amount": 0.01, "currency": "GBP"} is a placeholder
    assert n.currency is None
    assert n.cpv == ("50000000", "44621220", "44621200", "42161000", "44621000", "44621210", "45220000", "45351000")
    assert n.nuts == ("UKL18",)
    assert n.buyer == "City & County of Swansea"
    assert n.lots[0].duration_months == 24  # 720 days


def test_record_package_and_min_value_fallback() -> None:
    release = json.loads((CF / "CFSearchRel1.json").read_bytes())["releases"][0]
    compiled = dict(release, tag=["compiled"])
    tender = dict(compiled["tender"])
    del tender["value"]  # only minValue left
    compiled["tender"] = tender
    doc = {"records": [{"ocid": release["ocid"], "compiledRelease": compiled}, {"ocid": "ocds-x-1"}]}
    data = json.dumps(doc).encode()
    assert detect_format(data) == "ocds"
    page = ocds.parse(data, source="ocds")
    (n,) = page.notices
    assert n.notice_type is NoticeType.AWARD  # judged by content: it has awards
    assert n.value == Decimal("93007")
    assert n.texts["value_is_minimum"] == "true"
    assert len(page.item_errors) == 1
    assert "compiledRelease" in page.item_errors[0]


def test_one_bad_release_is_an_item_error() -> None:
    doc = json.loads((CF / "CFSearchStr.json").read_bytes())
    doc["releases"][3] = "nonsense"
    doc["releases"][4] = {"ocid": "ocds-x-2", "id": "r-2", "tag": ["tender"], "tender": {}}
    page = ocds.parse(json.dumps(doc).encode(), source="ocds")
    assert len(page.notices) == 98
    assert len(page.item_errors) == 2
    assert "no tender title" in page.item_errors[1]


@pytest.mark.parametrize(
    "data",
    [
        (CF / "CFSearchStr.json").read_bytes()[:20000],  # truncated
        b'{"uri": "x", "publisher": {"name": "y"}}',  # JSON of the wrong shape
        b'{"releases": {"0": {}}}',
        b'"just a string"',
    ],
)
def test_broken_documents_raise_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        ocds.parse(data, source="ocds")


def test_fix_mojibake_is_targeted() -> None:
    assert ocds.fix_mojibake("â€¢\tChildren") == "•\tChildren"
    assert ocds.fix_mojibake("Ã†rÃ¸ KÃ¸benhavn") == "Ærø København"
    assert ocds.fix_mojibake("Â£100") == "£100"
    assert ocds.fix_mojibake("schemeâ€¯The") == "scheme The"
    for clean in ("Gwasanaethau Cymraeg â ŵ ŷ", "Café “Ærø” – 5 €", "Â", "naïve façade"):
        assert ocds.fix_mojibake(clean) == clean


def test_detection_and_the_bundled_example(tmp_path: Path) -> None:
    misleading = tmp_path / "udbud.jl"
    misleading.write_bytes(EXAMPLE.read_bytes())
    data = misleading.read_bytes()
    assert detect_format(data) == "ocds"
    page = parse_document(data, source="ocds-example")
    assert len(page.notices) == 100
    assert page.next_url is None  # removed in the example so that it does not page to the live service
    original = ocds.parse((CF / "CFSearchStr.json").read_bytes(), source="ocds-example")
    assert page.notices == original.notices
