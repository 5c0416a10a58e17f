"""The FAQ knowledge base and the one entry point ``respond``.

Runs against the shipped ``faq.toml``, so the seeded content itself is under test.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobs.answers.ask import respond
from jobs.answers.faq.knowledge import FaqEntry, KnowledgeBase, load_faq
from jobs.answers.faq.match import match
from jobs.answers.hours.settings import HoursSettings
from jobs.config import load_settings
from jobs.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
CPH = ZoneInfo("Europe/Copenhagen")
TUESDAY_11 = datetime(2026, 12, 1, 11, 0, tzinfo=CPH)
SATURDAY_10 = datetime(2026, 11, 28, 10, 0, tzinfo=CPH)
HOURS = HoursSettings()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_faq(ROOT / "faq.toml")


def test_shipped_faq_covers_the_strategy_topics(kb: KnowledgeBase) -> None:
    ids = [e.id for e in kb.entries]
    for expected in (
        "advice",
        "mentor",
        "network",
        "theme_day",
        "funding_pool",
        "local_fund",
        "procurement",
        "how_to_bid",
        "reserved_contracts",
        "alerts",
    ):
        assert expected in ids
    topics = dict(kb.topics("da"))
    assert topics["mentor"] == "Mentorordning"
    assert dict(kb.topics("en"))["mentor"] == "Mentor scheme"
    mentor = kb.get("mentor")
    assert mentor is not None
    assert "erhvervsFORUM Roskilde" in mentor.answer("da")
    assert "erhvervsFORUM Roskilde" in mentor.answer("en")
    alerts = kb.get("alerts")
    assert alerts is not None
    for command in ("/start", "/categories", "/keywords", "/level", "/digest", "/stop"):
        assert command in alerts.answer_da
        assert command in alerts.answer_en
    reserved = kb.get("reserved_contracts")
    assert reserved is not None
    assert "§ 20" in reserved.answer_da
    assert "30 %" in reserved.answer_da
    assert "light-regime" in reserved.answer_da
    bid = kb.get("how_to_bid")
    assert bid is not None
    assert "ESPD" in bid.answer_da
    assert "ESPD" in bid.answer_en


def test_config_points_at_the_faq(kb: KnowledgeBase) -> None:
    settings = load_settings(ROOT / "config.toml", env={})
    path = settings.faq.resolve(settings.base_dir)
    assert path == ROOT / "faq.toml"
    assert [e.id for e in load_faq(path).entries] == [e.id for e in kb.entries]
    assert 0 < settings.faq.min_score < 1


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        # the mentor scheme: Danish, English, typos, no æøå, a long sentence
        ("Hvordan får jeg en mentor?", "mentor"),
        ("Hvad er mentorordningen?", "mentor"),
        ("How do I get a mentor?", "mentor"),
        ("is there a mentorship scheme", "mentor"),
        ("hvordan faar jeg en mentr", "mentor"),
        ("mentorordnign", "mentor"),
        ("Jeg driver en lille socialøkonomisk virksomhed og vil gerne høre om jeres mentorordning", "mentor"),
        ("can I get a mentro for my start-up", "mentor"),
        # the other topics
        ("Kan jeg få rådgivning om at starte en virksomhed?", "advice"),
        ("where can I get business advice", "advice"),
        ("Findes der et netværk for socialøkonomiske virksomheder?", "network"),
        ("networking events for social enterprises", "network"),
        ("hvornår er temadagen", "theme_day"),
        ("is there a yearly theme day", "theme_day"),
        ("kan vi søge penge til kompetenceudvikling", "funding_pool"),
        ("are there grants", "funding_pool"),
        ("er der en lokal fond", "local_fund"),
        ("how can we raise capital", "local_fund"),
        ("hvordan fungerer et offentligt udbud", "procurement"),
        ("how does public procurement work", "procurement"),
        ("hvordan afgiver jeg et tilbud", "how_to_bid"),
        ("hvad er ESPD", "how_to_bid"),
        ("how do I bid on a tender", "how_to_bid"),
        ("hvad er en reserveret kontrakt", "reserved_contracts"),
        ("udbudsloven paragraf 20", "reserved_contracts"),
        ("what is the light regime", "reserved_contracts"),
        ("hvordan får jeg besked om nye udbud", "alerts"),
        ("how do I subscribe to alerts", "alerts"),
        ("hvordan stopper jeg beskederne", "alerts"),
        ("kan jeg tale med en medarbejder", "contact"),
    ],
)
def test_questions_find_their_entry(kb: KnowledgeBase, text: str, entry_id: str) -> None:
    found = match(text, kb)
    assert found is not None, text
    assert found.entry.id == entry_id
    assert 0 < found.score <= 1


@pytest.mark.parametrize(
    "text",
    [
        "Hvad koster en pizza?",
        "hvad bliver vejret i morgen",
        "Who won the football match?",
        "hej",
        "tak",
        "",
        # generic words alone are not enough: these go to staff instead
        "can you help me",
        "jeg har et spørgsmål",
        "I have a lot of questions",
        "Hvor ligger jeres kontor?",
    ],
)
def test_unrelated_questions_match_nothing(kb: KnowledgeBase, text: str) -> None:
    assert match(text, kb) is None


def test_a_known_word_is_not_taken_for_a_typo_of_another(kb: KnowledgeBase) -> None:
    # "kontrakt" (contract) is one letter from "kontakt" (contact), but both are real words
    found = match("reserverede kontrakter", kb)
    assert found is not None
    assert found.entry.id == "reserved_contracts"
    kontrakt = match("kontrakt", kb)
    assert kontrakt is None or kontrakt.entry.id != "contact"
    kontakt = match("kontakt", kb)
    assert kontakt is not None
    assert kontakt.entry.id == "contact"


def test_threshold_is_respected(kb: KnowledgeBase) -> None:
    typo = match("hvordan faar jeg en mentr", kb)
    assert typo is not None
    assert typo.score < 1
    assert match("hvordan faar jeg en mentr", kb, min_score=0.99) is None


# ---- respond: hours, FAQ, fallback ---------------------------------------------


def test_respond_mentor_in_danish_and_english(kb: KnowledgeBase) -> None:
    mentor = kb.get("mentor")
    assert mentor is not None
    da = respond("Hvordan får jeg en mentor?", TUESDAY_11, HOURS, kb)
    assert (da.kind, da.lang, da.faq_id, da.text) == ("faq", "da", "mentor", mentor.answer_da)
    en = respond("How do I get a mentor?", TUESDAY_11, HOURS, kb)
    assert (en.kind, en.lang, en.faq_id, en.text) == ("faq", "en", "mentor", mentor.answer_en)
    bare = respond("mentor scheme?", TUESDAY_11, HOURS, kb)  # no function words: the keyword's language
    assert (bare.kind, bare.lang, bare.faq_id) == ("faq", "en", "mentor")


def test_respond_hours_question(kb: KnowledgeBase) -> None:
    reply = respond("Hvornår har I telefontid om fredagen?", TUESDAY_11, HOURS, kb)
    assert reply.kind == "hours"
    assert reply.lang == "da"
    assert reply.text == "Fredag 4. december: telefontid 08.00–13.00."
    assert reply.question is not None
    assert reply.question.kinds == ("phone",)


def test_respond_tender_words_go_to_the_faq(kb: KnowledgeBase) -> None:
    reply = respond("Is the tender still open?", TUESDAY_11, HOURS, kb)
    assert reply.kind == "faq"
    assert reply.faq_id == "procurement"


def test_unknown_question_falls_back_with_the_hours(kb: KnowledgeBase) -> None:
    reply = respond("Hvad koster en pizza?", SATURDAY_10, HOURS, kb)
    assert reply.kind == "unknown"
    assert reply.lang == "da"
    assert "medarbejder" in reply.text
    assert "Lige nu (lørdag 28. november kl. 10.00)" in reply.text
    assert "vi åbner mandag 30. november kl. 10.00" in reply.text
    assert "du kan ringe mandag 30. november kl. 08.00" in reply.text
    english = respond("Who won the football match?", TUESDAY_11, HOURS, kb)
    assert english.kind == "unknown"
    assert english.lang == "en"
    assert "member of staff" in english.text
    assert "open until 15:00" in english.text


# ---- loading errors ------------------------------------------------------------


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "faq.toml"
    path.write_text(body, encoding="utf-8")
    return path


ENTRY = """
[[entries]]
id = "x"
title_da = "X"
title_en = "X"
keywords_da = ["x"]
keywords_en = ["x"]
answer_da = "svar"
answer_en = "answer"
"""


def test_bad_toml_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[[entries]\nid = ")
    with pytest.raises(ConfigError) as info:
        load_faq(path)
    message = str(info.value)
    assert message.startswith(f"{path}: not valid TOML")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (ENTRY.replace('answer_en = "answer"', ""), "missing key entries[0].answer_en"),
        (ENTRY.replace('answer_da = "svar"', 'answer_da = ""'), "answer_da must not be empty"),
        (ENTRY + 'colour = "red"\n', "unknown key entries[0].colour"),
        (ENTRY + ENTRY, "'x' repeats"),
        (ENTRY.replace('keywords_en = ["x"]', ""), "both da and en"),
        ("", "has no [[entries]]"),
    ],
)
def test_invalid_faq_is_refused_clearly(tmp_path: Path, body: str, needle: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_faq(path)
    assert str(path) in str(info.value)
    assert needle in str(info.value)


def test_missing_faq_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FAQ file not found"):
        load_faq(tmp_path / "nope.toml")


def test_a_knowledge_base_built_in_code_matches() -> None:
    kb = KnowledgeBase(
        (
            FaqEntry(
                id="parking",
                title_da="Parkering",
                title_en="Parking",
                answer_da="Der er parkering bag huset.",
                answer_en="There is parking behind the building.",
                keywords_da=("parkering", "parkere"),
                keywords_en=("parking", "park"),
            ),
        )
    )
    found = match("hvor kan jeg parkere bilen", kb)
    assert found is not None
    assert found.entry.id == "parking"
    assert match("hvor kan jeg købe kaffe", kb) is None
