"""Phrase matching with stemming, Danish compounds and missing æøå."""

from __future__ import annotations

import pytest

from jobs.classify.textmatch import Matcher, PhraseMatcher, fold, stem, stem_words, tokenize


def hits(phrases: list[str], text: str, lang: str = "da") -> list[tuple[str, str]]:
    return PhraseMatcher(phrases, lang=lang).find(text)


def test_tokenize_lowercases_and_drops_punctuation() -> None:
    assert tokenize("Udbudslovens § 20: RENGØRING, vinduer!") == ["udbudslovens", "20", "rengøring", "vinduer"]
    assert tokenize("") == []


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
    assert fold("rengøring") == "rengoering"
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
    assert m.find("Rengøring med fleksjob og praktikpladser") == [
        ("clean", "rengøring", "rengøring"),
        ("social", "fleksjob", "fleksjob"),
        ("social", "praktikplads", "praktikpladser"),
    ]


def test_stem_words() -> None:
    assert stem_words("Rengøringsopgaver og rengøring", "da") == {"rengoeringsopgav", "og", "rengoering"}
    assert stem_words("Cleaning services", "en") == {"clean", "servic"}


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no stemmer"):
        PhraseMatcher(["x"], lang="xx")
