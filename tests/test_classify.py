"""The suitability classifier: each signal alone, text matching, lots, floors, rendering, fixtures."""

from __future__ import annotations

import dataclasses
import itertools
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.classify import (
    Assessment,
    Classifier,
    ClassifierSettings,
    LotAssessment,
    WeightSettings,
    assessment_to_json,
    classify,
    level_label,
    render_reason,
    rules_version,
    social_service_cpv,
)
from jobs.config import MoneySettings, load_settings
from jobs.ingest.parse import parse_document
from jobs.ingest.parse.text import parse_amount
from jobs.notice import Lot, Notice
from tests.conftest import ROOT

NOW = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
S = ClassifierSettings()
W = S.weights
BASE = S.levels.base
MONEY = MoneySettings(rates_to_dkk={"DKK": Decimal(1), "EUR": Decimal("7.46"), "GBP": Decimal("8.70")})
CLF = Classifier(S, MONEY)


def notice(**kw: object) -> Notice:
    kw.setdefault("title", "Udbud")
    return Notice(source="test", id=str(kw.pop("id", "N1")), **kw)  # type: ignore[arg-type]


def run(n: Notice, now: datetime = NOW) -> Assessment:
    return CLF.classify(n, now)


def signals(a: Assessment | LotAssessment) -> dict[str, tuple[int, str]]:
    return {r.signal: (r.weight, r.evidence) for r in a.reasons}


# -- no signal, missing and placeholder values ---------------------------------


def test_nothing_known_is_the_base_score_and_unlikely() -> None:
    a = run(notice())
    assert (a.score, a.level, a.reasons, a.lots) == (BASE, "unlikely", (), ())


def test_missing_value_is_neutral_not_zero() -> None:
    a = run(notice(value=None, currency="DKK"))
    assert a.reasons == ()


def test_placeholder_value_from_the_parser_is_neutral() -> None:
    # parse_amount turns a placeholder "0.01" into None; the classifier never sees a tiny value
    value = parse_amount("0.01")
    assert value is None
    assert run(notice(value=value, currency="EUR")).reasons == ()


def test_unknown_currency_is_neutral() -> None:
    assert run(notice(value=Decimal(1000), currency="BWP")).reasons == ()


# -- each signal alone ---------------------------------------------------------


def test_reserved_code_res_ws() -> None:
    a = run(notice(reserved=("res-ws",)))
    assert signals(a) == {"reserved": (W.reserved, "res-ws")}
    assert a.score == BASE + W.reserved
    assert a.level == "suitable"


def test_reserved_public_service_code() -> None:
    a = run(notice(reserved=("res-pub-ser",)))
    assert signals(a) == {"reserved": (W.reserved_public_service, "res-pub-ser")}


def test_reserved_none_code_is_not_reserved() -> None:
    assert run(notice(reserved=("none",))).reasons == ()


def test_reserved_in_danish_text() -> None:
    a = run(notice(description="Kontrakten er forbeholdt socialøkonomiske virksomheder, jf. udbudslovens § 20."))
    assert signals(a)["reserved_text"] == (W.reserved_text, "forbeholdt socialøkonomiske")


def test_reserved_in_english_text() -> None:
    a = run(notice(title="Grounds care", description="This lot is reserved for supported businesses.", language="en"))
    assert signals(a)["reserved_text"] == (W.reserved_text, "reserved for supported")


def test_a_caveat_is_not_a_reservation() -> None:
    # "forbehold" (caveat) is everyday tender language and must not count as a reservation
    a = run(notice(description="Tilbud med forbehold afvises. Ordregiver tager forbehold for ændringer."))
    assert "reserved_text" not in signals(a)


def test_social_codes() -> None:
    a = run(notice(social=("soc-obj", "opp")))
    assert signals(a) == {"social_clause": (W.social_clause, "soc-obj,opp")}


def test_social_clause_in_danish_text_with_inflection() -> None:
    a = run(notice(description="Leverandøren skal stille praktikpladser til rådighed for ledige."))
    assert signals(a) == {"social_clause": (W.social_clause, "praktikpladser")}


def test_social_clause_in_english_text() -> None:
    a = run(notice(description="The supplier will offer apprenticeships.", language="en"))
    assert signals(a) == {"social_clause": (W.social_clause, "apprenticeships")}


@pytest.mark.parametrize(
    ("flag", "signal", "weight"),
    [(True, "sme_suitable", W.sme_suitable), (False, "not_sme_suitable", W.not_sme_suitable)],
)
def test_sme_flag(flag: bool, signal: str, weight: int) -> None:
    assert signals(run(notice(sme_suitable=flag))) == {signal: (weight, "yes" if flag else "no")}


def test_vcse_flag() -> None:
    assert signals(run(notice(vcse_suitable=True))) == {"vcse_suitable": (W.vcse_suitable, "yes")}
    assert run(notice(vcse_suitable=False)).reasons == ()


@pytest.mark.parametrize(
    ("kw", "evidence"),
    [
        ({"form_type": "cn-social"}, "cn-social"),
        ({"notice_subtype": "20"}, "subtype 20"),
        ({"cpv": ("85121100",)}, "CPV 85121100"),  # general-practitioner services: art. 77 list
    ],
)
def test_light_regime(kw: dict[str, object], evidence: str) -> None:
    a = run(notice(**kw))
    assert signals(a)["light_regime"] == (W.light_regime, evidence)


def test_social_service_cpv_list_is_shipped() -> None:
    codes = social_service_cpv()
    assert len(codes) == 115
    assert {"85311000", "85312510", "98133110"} <= codes
    assert "90911000" not in codes


def test_small_value_in_dkk() -> None:
    a = run(notice(value=Decimal(500_000), currency="DKK"))
    assert signals(a) == {"small_value": (W.small_value, "500 000 DKK")}


def test_value_converted_from_eur() -> None:
    a = run(notice(value=Decimal(100_000), currency="EUR"))
    assert signals(a) == {"small_value": (W.small_value, "100 000 EUR ≈ 746 000 DKK")}


def test_medium_value_is_neutral() -> None:
    assert run(notice(value=Decimal(5_000_000), currency="DKK")).reasons == ()


def test_large_and_very_large_value() -> None:
    assert signals(run(notice(value=Decimal(3_000_000), currency="EUR"))) == {
        "large_value": (W.large_value, "3 000 000 EUR ≈ 22 380 000 DKK")
    }
    assert set(signals(run(notice(value=Decimal(150_000_000), currency="DKK")))) == {"very_large_value"}


def test_many_lots() -> None:
    lots = tuple(Lot(lot_id=f"LOT-{i}") for i in range(4))
    a = run(notice(lots=lots))
    assert signals(a) == {"many_lots": (W.many_lots, "4")}
    assert all(la.reasons == () for la in a.lots)


def test_sector_by_cpv() -> None:
    a = run(notice(cpv=("90919200",)))
    assert signals(a) == {"sector:cleaning": (W.sector, "CPV 90919200")}


def test_sector_by_danish_compound_keyword() -> None:
    a = run(notice(title="Rengøringsopgaver på tre skoler"))
    assert signals(a) == {"sector:cleaning": (W.sector_text, "rengøringsopgaver")}


def test_sector_by_english_keyword() -> None:
    a = run(notice(title="Grounds maintenance of council parks", language="en"))
    assert signals(a) == {"sector:green_areas": (W.sector_text, "grounds maintenance")}


def test_sector_cpv_wins_over_keyword_and_over_specialist() -> None:
    # 72820000 (computer testing) is a sector although division 72 is otherwise specialist
    a = run(notice(title="Rengøring", cpv=("72820000",)))
    assert signals(a) == {"sector:it_testing": (W.sector, "CPV 72820000")}


def test_specialist_field() -> None:
    assert signals(run(notice(cpv=("72000000",)))) == {"specialist": (W.specialist, "CPV 72000000")}


def test_works_small_or_unknown_value() -> None:
    assert signals(run(notice(contract_nature="works"))) == {"works": (W.works, "works")}
    assert signals(run(notice(cpv=("45442100",)))) == {"works": (W.works, "CPV 45442100")}


def test_large_works() -> None:
    a = run(notice(cpv=("45000000",), value=Decimal(10_000_000), currency="DKK"))
    assert signals(a) == {"large_works": (W.large_works, "CPV 45000000, 10 000 000 DKK")}
    assert a.level == "unlikely"


def test_large_framework() -> None:
    a = run(notice(framework=True, value=Decimal(15_000_000), currency="DKK"))
    assert signals(a) == {"large_framework": (W.large_framework, "15 000 000 DKK")}
    assert run(notice(framework=True)).reasons == ()  # unknown value: neutral


def test_short_deadline() -> None:
    soon = NOW + timedelta(days=3)
    assert signals(run(notice(deadline=soon))) == {"short_deadline": (W.short_deadline, soon.date().isoformat())}
    assert run(notice(deadline=NOW + timedelta(days=30))).reasons == ()
    assert run(notice(deadline=NOW - timedelta(days=1))).reasons == ()  # passed: not a suitability matter


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CLF.classify(notice(), datetime(2024, 1, 1))


# -- combinations, lots and the reserved floor -----------------------------------


def test_typical_small_cleaning_contract_is_suitable() -> None:
    a = run(notice(title="Rengøring af skole", cpv=("90919200",), value=Decimal(800_000), currency="DKK"))
    assert a.level == "suitable"
    assert a.score == BASE + W.sector + W.small_value


def test_score_is_clamped() -> None:
    a = run(
        notice(
            cpv=("45000000",),
            value=Decimal(900_000_000),
            currency="DKK",
            framework=True,
            deadline=NOW + timedelta(days=1),
        )
    )
    assert a.score == 0


def test_mixed_lots_one_suitable_lot_lifts_an_unlikely_whole() -> None:
    lots = (
        Lot(lot_id="LOT-1", title="Vinduespolering", cpv=("90911300",), value=Decimal(600_000), currency="DKK"),
        Lot(lot_id="LOT-2", title="Ombygning", cpv=("45000000",), value=Decimal(149_000_000), currency="DKK"),
    )
    n = notice(title="Ombygning og drift af rådhus", cpv=("45000000",), lots=lots)
    a = run(n)
    by_lot = {la.lot_id: la for la in a.lots}
    assert by_lot["LOT-1"].level == "suitable"
    assert by_lot["LOT-1"].score == BASE + W.sector + W.small_value
    assert by_lot["LOT-2"].level == "unlikely"
    # the whole (DKK 149.6m of works) alone would be unlikely
    whole = BASE + W.large_works + W.very_large_value
    lifted = by_lot["LOT-1"].score - S.levels.best_lot_discount
    assert a.score == lifted
    assert signals(a)["best_lot"] == (lifted - max(whole, 0), "LOT-1")
    assert a.level == "possible"


def test_lot_inherits_the_single_lot_notice_value_and_shares_of_many() -> None:
    one = run(notice(value=Decimal(30_000_000), currency="DKK", lots=(Lot(lot_id="L1"),)))
    assert signals(one.lots[0])["large_value"] == (W.large_value, "30 000 000 DKK")
    three = run(notice(value=Decimal(3_000_000), currency="DKK", lots=tuple(Lot(lot_id=f"L{i}") for i in range(3))))
    assert signals(three.lots[0])["small_value"] == (W.small_value, "1 000 000 DKK (1/3 of the total)")


def test_whole_value_is_the_sum_of_lot_values_when_the_notice_has_none() -> None:
    lots = tuple(Lot(lot_id=f"L{i}", value=Decimal(10_000_000), currency="DKK") for i in range(3))
    assert signals(run(notice(lots=lots)))["large_value"] == (W.large_value, "30 000 000 DKK")


def test_lot_uses_its_own_codes_and_notice_text() -> None:
    lots = (Lot(lot_id="L1", reserved=("res-ws",)), Lot(lot_id="L2"))
    a = run(notice(description="Der stilles krav om lærlinge.", reserved=("res-ws",), lots=lots))
    l1, l2 = a.lots
    assert "reserved" in signals(l1)
    assert "reserved" not in signals(l2)  # another lot's reservation is not this lot's
    assert signals(l2)["social_clause"] == (W.social_clause, "lærlinge")  # notice-level text applies


def test_procedure_level_codes_apply_to_every_lot() -> None:
    lots = (Lot(lot_id="L1"), Lot(lot_id="L2"))
    a = run(notice(reserved=("res-ws",), lots=lots))
    assert all("reserved" in signals(la) for la in a.lots)


def test_reserved_is_never_unlikely() -> None:
    negatives: list[dict[str, object]] = [
        {"cpv": ("45000000",), "value": Decimal(500_000_000), "currency": "DKK"},
        {"framework": True, "value": Decimal(50_000_000), "currency": "DKK"},
        {"deadline": NOW + timedelta(days=2)},
        {"sme_suitable": False},
        {"cpv": ("33100000",)},
    ]
    for r in range(len(negatives) + 1):
        for combo in itertools.combinations(negatives, r):
            kw: dict[str, object] = {}
            for part in combo:
                kw.update(part)
            reserved_variants: tuple[dict[str, object], ...] = (
                {"reserved": ("res-ws",)},
                {"reserved": ("res-pub-ser",)},
                {"description": "reserveret kontrakt for beskyttede værksteder"},
            )
            for reserved in reserved_variants:
                a = run(notice(**kw, **reserved))
                assert a.level != "unlikely", (kw, reserved, a)
                assert a.score >= S.levels.possible


def test_reserved_floor_is_explained() -> None:
    a = run(notice(reserved=("res-ws",), cpv=("45000000",), value=Decimal(500_000_000), currency="DKK"))
    floor = signals(a)["reserved_floor"]
    assert a.score == S.levels.possible
    assert floor[0] == S.levels.possible - (BASE + W.reserved + W.large_works + W.very_large_value)


def test_a_reserved_lot_keeps_the_whole_notice_at_least_possible() -> None:
    lots = (
        Lot(lot_id="L1", reserved=("res-ws",), cpv=("45000000",), value=Decimal(90_000_000), currency="DKK"),
        Lot(lot_id="L2", cpv=("45000000",), value=Decimal(90_000_000), currency="DKK"),
    )
    a = run(notice(cpv=("45000000",), lots=lots))
    assert a.lots[0].level == "possible"
    assert a.level != "unlikely"


# -- determinism, versions, rendering, report ---------------------------------------


def test_deterministic_and_sorted_by_weight() -> None:
    n = notice(
        title="Rengøring",
        reserved=("res-ws",),
        social=("soc-obj",),
        sme_suitable=True,
        value=Decimal(30_000_000),
        currency="DKK",
    )
    a, b = run(n), Classifier(ClassifierSettings(), MONEY).classify(n, NOW)
    assert a == b
    weights = [abs(r.weight) for r in a.reasons]
    assert weights == sorted(weights, reverse=True)
    assert classify(n, S, money=MONEY, now=NOW) == a


def test_rules_version_is_stable_and_changes_with_a_weight() -> None:
    v = rules_version(S, MONEY)
    assert v == rules_version(ClassifierSettings(), MONEY) == CLF.rules_version
    assert len(v) == 12
    changed = dataclasses.replace(S, weights=dataclasses.replace(W, small_value=W.small_value + 1))
    assert rules_version(changed, MONEY) != v
    assert run(notice()).rules_version == v


def test_level_labels() -> None:
    assert [level_label(lv, "da") for lv in ("suitable", "possible", "unlikely")] == ["oplagt", "mulig", "usandsynlig"]
    assert level_label("possible", "en") == "possible"


def test_render_reason_in_danish_and_english() -> None:
    a = run(notice(reserved=("res-ws",)))
    assert render_reason(a.reasons[0], "da") == "Reserveret kontrakt for socialøkonomiske virksomheder (res-ws)"
    assert (
        render_reason(a.reasons[0], "en") == "Contract reserved for sheltered workshops and social enterprises (res-ws)"
    )
    sector = run(notice(title="Rengøringsopgaver")).reasons[0]
    assert (
        render_reason(sector, "da")
        == "Branche med mange socialøkonomiske virksomheder: rengøring (»rengøringsopgaver«)"
    )
    assert render_reason(sector, "en") == "A sector where social enterprises often work: cleaning (“rengøringsopgaver”)"
    with pytest.raises(ValueError, match="language"):
        render_reason(sector, "de")  # type: ignore[arg-type]


def test_every_signal_has_a_sentence_in_both_languages() -> None:
    lots = (
        Lot(lot_id="L1", cpv=("90911000",), value=Decimal(100_000), currency="DKK"),
        Lot(lot_id="L2"),
        Lot(lot_id="L3"),
    )
    cases = [
        notice(
            reserved=("res-ws",),
            cpv=("45000000",),
            value=Decimal(10**9),
            currency="DKK",
            framework=True,
            deadline=NOW + timedelta(days=1),
            sme_suitable=False,
        ),
        notice(
            reserved=("res-pub-ser",), social=("opp",), vcse_suitable=True, sme_suitable=True, form_type="cn-social"
        ),
        notice(description="beskyttede værksteder", cpv=("72000000",), value=Decimal(25_000_000), currency="DKK"),
        notice(contract_nature="works", value=Decimal(50_000), currency="DKK", cpv=("79340000",)),
        notice(title="Ombygning", cpv=("45000000",), value=Decimal(200_000_000), currency="DKK", lots=lots),
    ]
    seen: set[str] = set()
    for n in cases:
        a = run(n)
        for r in (*a.reasons, *(r for la in a.lots for r in la.reasons)):
            seen.add(r.signal.split(":")[0])
            for lang in ("da", "en"):
                text = render_reason(r, lang)  # type: ignore[arg-type]
                assert not text.startswith(r.signal), (r, lang, text)
    assert seen >= {
        "reserved",
        "reserved_text",
        "reserved_floor",
        "social_clause",
        "sme_suitable",
        "not_sme_suitable",
        "vcse_suitable",
        "light_regime",
        "small_value",
        "large_value",
        "very_large_value",
        "many_lots",
        "sector",
        "works",
        "large_works",
        "large_framework",
        "specialist",
        "short_deadline",
        "best_lot",
    }


def test_assessment_to_json_lines() -> None:
    lots = (Lot(lot_id="LOT-1", title="Vinduespolering", cpv=("90911300",)), Lot(lot_id="LOT-2"))
    n = notice(id="2024/S 1-1", title="Drift af rådhus", lots=lots)
    a = run(n)
    lines = assessment_to_json(n, a, lots=True)
    assert [line.get("lot") for line in lines] == [None, "LOT-1", "LOT-2"]
    first = lines[0]
    assert {k: first[k] for k in ("source", "id", "title", "score", "level")} == {
        "source": "test",
        "id": "2024/S 1-1",
        "title": "Drift af rådhus",
        "score": a.score,
        "level": a.level,
    }
    assert lines[1]["title"] == "Vinduespolering"
    assert lines[1]["reasons"] == [{"signal": "sector:cleaning", "weight": W.sector, "evidence": "CPV 90911300"}]
    assert lines[2]["title"] == "Drift af rådhus"  # a lot without a title shows the notice's
    json.dumps(lines)  # plain JSON
    assert len(assessment_to_json(n, a, lots=False)) == 1


# -- config ---------------------------------------------------------------------------


def test_shipped_config_equals_the_defaults() -> None:
    settings = load_settings(ROOT / "config.toml", env={})
    assert settings.classifier == ClassifierSettings()


def test_config_overrides_and_validation(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[classifier.weights]\nsmall_value = 20\n\n[[classifier.sectors]]\nname = "bikes"\n'
        'cpv_prefixes = ["5011"]\nkeywords_da = ["cykelværksted"]\n',
        encoding="utf-8",
    )
    s = load_settings(cfg, env={}).classifier
    assert s.weights == dataclasses.replace(WeightSettings(), small_value=20)
    assert [sec.name for sec in s.sectors] == ["bikes"]
    a = Classifier(s, MONEY).classify(notice(title="Drift af cykelværkstedet"), NOW)
    assert signals(a) == {"sector:bikes": (s.weights.sector_text, "cykelværkstedet")}
    cfg.write_text("[classifier.levels]\npossible = 70\nsuitable = 60\n", encoding="utf-8")
    with pytest.raises(Exception, match="possible < suitable"):
        load_settings(cfg, env={})


# -- real fixtures --------------------------------------------------------------------


def parse_fixture(fixtures_dir: Path, rel: str) -> list[Notice]:
    return parse_document((fixtures_dir / rel).read_bytes()).notices


@pytest.fixture(scope="module")
def shipped() -> Classifier:
    settings = load_settings(ROOT / "config.toml", env={})
    return Classifier(settings.classifier, settings.money)


@pytest.mark.parametrize(
    "rel",
    [
        "eforms/sdk-examples/pin-cfc-social_24.xml",  # res-ws
        "eforms/sdk-examples/pin-rtl_81.xml",  # res-ws on a works framework
        "eforms/sdk-examples/pin-cfc-social_23.xml",  # res-pub-ser works
        "eforms/doffin-no/ContractNotice_pin-cfc-standard_2024-106286.xml",  # res-ws, NOK 12m works
    ],
)
def test_real_reserved_notices_are_not_unlikely(fixtures_dir: Path, shipped: Classifier, rel: str) -> None:
    (n,) = parse_fixture(fixtures_dir, rel)
    assert n.reserved
    a = shipped.classify(n, NOW)
    assert a.level != "unlikely"
    assert signals(a)["reserved"][1] in ("res-ws", "res-pub-ser")


def test_real_cn_social_care_notice(fixtures_dir: Path, shipped: Classifier) -> None:
    (n,) = parse_fixture(fixtures_dir, "eforms/sdk-examples/cn-social_24.xml")
    a = shipped.classify(n, NOW)
    assert signals(a)["sector:social_services"] == (W.sector, "CPV 85311300")
    assert signals(a)["light_regime"] == (W.light_regime, "cn-social")
    assert a.level != "unlikely"


def test_real_large_works_contract_is_unlikely(fixtures_dir: Path, shipped: Classifier) -> None:
    notices = parse_fixture(fixtures_dir, "ocds/contracts-finder/CFSearchStr.json")
    (n,) = [x for x in notices if x.title.startswith("Mechanical & Electrical Capital Works")]
    a = shipped.classify(n, NOW)
    assert n.value == Decimal(185_000_000) and n.currency == "GBP"
    assert {"large_works", "very_large_value"} <= set(signals(a))
    assert a.level == "unlikely"


def test_real_norwegian_broadband_works_with_54_lots(fixtures_dir: Path, shipped: Classifier) -> None:
    (n,) = parse_fixture(fixtures_dir, "eforms/doffin-no/2023-610912.xml")
    a = shipped.classify(n, NOW)
    assert len(a.lots) == len(n.lots) == 54
    assert "large_works" in signals(a)
    assert a.level == "unlikely"


def test_real_udbud_dk_titles_match_danish_sectors(fixtures_dir: Path, shipped: Classifier) -> None:
    notices = {n.title: n for n in parse_fixture(fixtures_dir, "udbud-dk/udbud.redacted.jl")}
    school = shipped.classify(notices["Rengøring af skoler"], NOW)
    assert signals(school)["sector:cleaning"] == (W.sector_text, "rengøring")
    cafe = shipped.classify(notices["Udbud af cafédrift hos tre caféer i Aarhus kommune, Sport og Fritid"], NOW)
    assert signals(cafe)["sector:catering"][1] == "cafédrift"
    assert signals(cafe)["sme_suitable"] == (W.sme_suitable, "yes")


def test_real_contracts_finder_vcse_and_sector(fixtures_dir: Path, shipped: Classifier) -> None:
    notices = parse_fixture(fixtures_dir, "ocds/contracts-finder/CFSearchStr.json")
    (n,) = [x for x in notices if x.title == "Domestic Abuse Support Services - Children"]
    a = shipped.classify(n, NOW)
    assert signals(a)["sector:social_services"] == (W.sector, "CPV 85310000")
    assert signals(a)["small_value"][1] == "60 000 GBP ≈ 522 000 DKK"
    assert a.level == "suitable"


def test_every_shared_notice_classifies(fixtures_dir: Path, shipped: Classifier) -> None:
    count = 0
    for path in sorted(fixtures_dir.rglob("*")):
        if path.suffix not in (".xml", ".json", ".jl") or "codelists" in path.parts or "invalid" in path.parts:
            continue
        for n in parse_document(path.read_bytes()).notices:
            a = shipped.classify(n, NOW)
            assert 0 <= a.score <= 100
            assert len(a.lots) == len(n.lots)
            count += 1
    assert count > 500
