"""Phrase matching with stemming, compounds, missing æøå and accents, in many languages."""

from __future__ import annotations

import pytest

from jobs.classify.textmatch import Matcher, PhraseMatcher, fold, stem, stem_words, tokenize


def hits(phrases: list[str], text: str, lang: str = "da") -> list[tuple[str, str]]:
    return PhraseMatcher(phrases, lang=lang).find(text)


def test_tokenize_lowercases_and_drops_punctuation() -> None:
    assert tokenize("Udbudslovens § 20: RENGØRING, vinduer!") == ["udbudslovens", "20", "rengøring", "vinduer"]
    assert tokenize("") == []


def test_fold_plain_letters() -> None:
    assert fold("rengøring") == "rengoering"
    assert fold("gebäudereinigung") == "gebaudereinigung"
    assert fold("déneigement") == "deneigement"
    assert fold("sprzątanie ulic") == "sprzatanie ulic"


def test_danish_compound_suffix_and_prefix() -> None:
    assert hits(["rengøring"], "Rengøringsopgaver på tre skoler") == [("rengøring", "rengøringsopgaver")]
    assert hits(["rengøring"], "Vinduesrengøring og hovedrengøring") == [
        ("rengøring", "vinduesrengøring"),
        ("rengøring", "hovedrengøring"),
    ]


def test_danish_inflection() -> None:
    assert hits(["praktikplads"], "Der stilles krav om praktikpladser") == [("praktikplads", "praktikpladser")]
    assert hits(["lærling"], "mindst to lærlinge") == [("lærling", "lærlinge")]
    assert hits(["socialøkonomiske virksomheder"], "en socialøkonomisk virksomhed") == [
        ("socialøkonomiske virksomheder", "socialøkonomisk virksomhed")
    ]


def test_multiword_phrase_needs_the_words_in_order() -> None:
    phrase = ["sociale klausuler"]
    assert hits(phrase, "Kontrakten indeholder sociale klausuler.") == [("sociale klausuler", "sociale klausuler")]
    assert hits(phrase, "klausuler om sociale forhold") == []
    assert hits(phrase, "sociale forhold") == []


def test_short_stems_match_only_the_written_word() -> None:
    # "ledige" and "ledelse" share the Danish stem "led"
    assert stem("ledige", "da") == stem("ledelse", "da")
    assert hits(["ledige"], "job til ledige borgere") == [("ledige", "ledige")]
    assert hits(["ledige"], "ledelse af projektet") == []


def test_short_stems_are_not_matched_inside_compounds() -> None:
    # "elev" is shorter than the compound minimum: "elevator" must not match
    assert hits(["elev"], "service af elevatorer") == []
    assert hits(["elev"], "en elev fra skolen") == [("elev", "elev")]


def test_missing_danish_letters() -> None:
    assert hits(["rengøring"], "Rengoeringsopgaver") == [("rengøring", "rengoeringsopgaver")]
    assert hits(["grønne områder"], "pleje af groenne omraader") == [("grønne områder", "groenne omraader")]


def test_english_stemming_without_compounds() -> None:
    assert hits(["sheltered workshops"], "Reserved for a sheltered workshop.", "en") == [
        ("sheltered workshops", "sheltered workshop")
    ]
    assert hits(["apprenticeship"], "Apprenticeships will be required", "en") == [("apprenticeship", "apprenticeships")]
    # English is not compounded: "care" must not match "career"
    assert hits(["care"], "career advice", "en") == []


def test_exact_word_marker() -> None:
    assert stem("employability", "en") == stem("employer", "en")  # why the marker exists
    assert hits(["=employability"], "The employer will pay", "en") == []
    assert hits(["=employability"], "Employability support", "en") == [("=employability", "employability")]


def test_search_returns_first_or_none() -> None:
    pm = PhraseMatcher(["kantine", "catering"])
    assert pm.search("Drift af personalekantinen og catering") == ("kantine", "personalekantinen")
    assert pm.search("Levering af elektricitet") is None


def test_matcher_groups_in_one_pass() -> None:
    m = Matcher({"clean": ["rengøring"], "social": ["fleksjob", "praktikplads"]})
    assert [(x.group, x.phrase, x.text) for x in m.find("Rengøring med fleksjob og praktikpladser")] == [
        ("clean", "rengøring", "rengøring"),
        ("social", "fleksjob", "fleksjob"),
        ("social", "praktikplads", "praktikpladser"),
    ]


def test_words_of_every_language_match_text_in_any_language() -> None:
    m = Matcher({"cleaning": {"da": ["rengøring"], "de": ["Reinigung"], "fi": ["siivous"], "en": ["=cleaning"]}})
    found = [x.text for x in m.find("Gebäudereinigung, toimitilojen siivouspalvelut og rengøringen; cleaning")]
    assert found == ["gebäudereinigung", "siivouspalvelut", "rengøringen", "cleaning"]


def test_non_compounding_languages_match_by_stem_not_by_prefix() -> None:
    assert hits(["auditoría"], "auditorium, auditorías", "es") == [("auditoría", "auditorías")]
    assert hits(["laundry"], "laundries and laundry", "en") == [("laundry", "laundries"), ("laundry", "laundry")]


def test_overlaps_prefer_more_words_then_the_head_of_a_compound() -> None:
    m = Matcher(
        {
            "cleaning": {"da": ["rengøring"], "en": ["=cleaning"]},
            "goods": {"da": ["rengøringsmidler"], "en": ["cleaning products"]},
            "catering": {"da": ["kantine"]},
        }
    )
    pairs = [(x.group, x.text) for x in m.find("Rengøringsmidler, cleaning products, kantinerengøring")]
    assert pairs == [("goods", "rengøringsmidler"), ("goods", "cleaning products"), ("cleaning", "kantinerengøring")]


def test_scan_tokenizes_only_around_what_can_match() -> None:
    m = Matcher({"parts": {"da": ["ruter"]}, "sale": {"da": ["salg af ejendom"]}})
    long = " ".join(["tekst"] * 500)
    assert m.scan(long).matches == []
    scan = m.scan(f"{long} opdelt i 32 ruter. {long} salg af ejendom")
    assert [(x.group, x.text) for x in scan.matches] == [("parts", "ruter"), ("sale", "salg af ejendom")]
    first = scan.matches[0]
    assert scan.tokens[first.start - 1] == "32" and scan.piece_of[first.start] == 503
    assert len(scan.tokens) < 20  # windows, not the whole text
    assert m.first(f"{long} salg af ejendom. 4 ruter".split()).group == "sale"


def test_stem_words() -> None:
    assert stem_words("Rengøringsopgaver og rengøring", "da") == {"rengoeringsopgav", "og", "rengoering"}
    assert stem_words("Cleaning services", "en") == {"clean", "servic"}


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no stemmer"):
        PhraseMatcher(["x"], lang="xx")
    with pytest.raises(ValueError, match="no stemmer"):
        Matcher({"g": {"xx": ["y"]}})
