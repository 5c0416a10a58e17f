"""The RE2 screen in front of the phrase matchers: it may let through texts the matcher finds
nothing in, but never stops one it finds something in (on every fixture text and on the
spellings folding makes tricky), and it does stop most texts without such a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.classify import ClassifierSettings
from jobs.classify.screen import _CANDIDATES, Screen
from jobs.classify.textmatch import Matcher, fold
from jobs.config import load_settings
from jobs.ingest.parse import parse_document
from tests.conftest import FIXTURES, ROOT


def _matchers(settings: ClassifierSettings) -> dict[str, Matcher]:
    """The phrase lists the classifier screens, compiled as it compiles them."""
    m = settings.match
    options = {"min_compound": m.min_compound, "min_prefix": m.min_prefix, "min_stem": m.min_stem}
    ph = settings.phrases
    lists = {
        "first": ("reserved", "sale", "concession", "dps", "framework"),
        "reserved": ("reserved",),
        "more": ("social", "parts", "routes"),
    }
    return {k: Matcher({g: getattr(ph, g) for g in groups}, **options) for k, groups in lists.items()}  # type: ignore[arg-type]


SETTINGS = load_settings(ROOT / "config.toml", env={}).classifier
MATCHERS = _matchers(SETTINGS)
SCREENS = {k: Screen(m.first_keys()) for k, m in MATCHERS.items()}


def _texts() -> list[str]:
    texts: list[str] = []
    for folder in (FIXTURES, ROOT / "tests" / "data" / "notices", ROOT / "examples"):
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            try:
                page = parse_document(path.read_bytes())
            except Exception:  # not a notice file (a README, a deliberately broken feed)
                continue
            for n in page.notices:
                texts.append(f"{n.title}\n{n.description}")
                texts.extend(f"{lot.title}\n{lot.description}" for lot in n.lots)
    return texts


TEXTS = _texts()


def test_the_shipped_phrase_lists_are_screened() -> None:
    assert all(s.active for s in SCREENS.values())
    assert len(TEXTS) > 1000


@pytest.mark.parametrize("name", sorted(MATCHERS))
def test_never_stops_a_text_the_matcher_finds_something_in(name: str) -> None:
    matcher, screen = MATCHERS[name], SCREENS[name]
    found = [t for t in TEXTS if matcher.scan(t).matches]
    assert found  # the fixtures hold such texts
    assert [t[:80] for t in found if not screen.maybe(t)] == []


@pytest.mark.parametrize("name", sorted(MATCHERS))
def test_stops_most_texts_without_a_starting_word(name: str) -> None:
    matcher, screen = MATCHERS[name], SCREENS[name]
    stopped = sum(not screen.maybe(t) for t in TEXTS)
    assert stopped > len(TEXTS) // 3
    assert all(not matcher.scan(t).matches for t in TEXTS if not screen.maybe(t))


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        ([("rengoering", True)], "VINDUESRENGØRING"),  # infix, upper case, ø → oe
        ([("rengoering", False)], "Rengoeringsopgaver"),  # written without ø
        ([("rengo", False)], "rengøring"),  # the key ends inside ø (oe)
        ([("eble", True)], "ÆBLEMOST"),  # the key begins inside æ (ae)
        ([("strasse", False)], "STRAẞE"),  # capital sharp s
        ([("kilo", False)], "\u212aILO"),  # Kelvin sign lowercases to k
        ([("aarhus", False)], "Århus"),
        ([("taxi", False)], "TAXİ"),  # İ lowercases to i and a combining dot
        ([("gebaudereinig", True)], "Gebäudereinigung"),
        ([("social", False)], "(social)"),
        ([("social", False)], "\ud800social"),  # a lone surrogate ends a word
    ],
)
def test_spellings_that_fold_to_a_key_pass(keys: list[tuple[str, bool]], text: str) -> None:
    assert Screen(keys).maybe(text)


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        ([("social", False)], "asocial"),  # not at the start of a word, and not an infix key
        ([("rengoering", True)], "rengöring"),  # ö folds to o, not oe
        ([("reserv", False)], "Levering af kontormøbler"),
    ],
)
def test_other_words_are_stopped(keys: list[tuple[str, bool]], text: str) -> None:
    assert not Screen(keys).maybe(text)


def test_a_matcher_the_screen_cannot_compile_is_never_stopped() -> None:
    assert not Screen([("σχολ", False)]).active  # a key in other letters
    assert Screen([("σχολ", False)]).maybe("nothing")
    assert not Screen([(f"key{i}", False) for i in range(1000)]).active  # too many keys


def test_every_character_that_lowercases_into_the_fold_range_is_a_candidate() -> None:
    """The screen's character classes come from these: one missing would be a spelling the
    screen stops although the matcher folds it to a key."""
    into = {chr(i) for i in range(0x250, 0x110000) if chr(i).lower() and ord(chr(i).lower()[0]) < 0x250}
    assert into <= set(_CANDIDATES)
    assert fold("\u212a".lower()) == "k"
