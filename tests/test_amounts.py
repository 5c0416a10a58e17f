"""Amounts as Danes and English speakers write them (jobs/people/preferences.py, pure).

Every form is read with both conventions (Danish: "." groups thousands, "," starts the
decimals; English the other way round); the reading in the plausible range wins; when both
or neither are plausible the user is asked again and nothing is saved.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.settings_views import value_text
from jobs.people.preferences import MAX_VALUE_DKK, MIN_VALUE_DKK, PreferenceError, parse_max_value, read_amounts

M = 1_000_000


@pytest.mark.parametrize(
    ("typed", "dkk"),
    [
        # Danish
        ("500.000,50", Decimal("500000.50")),
        ("500.000", 500_000),
        ("500.000,-", 500_000),
        ("500.000,- kr.", 500_000),
        ("kr. 500.000", 500_000),
        ("kr 500.000", 500_000),
        ("500 000", 500_000),
        ("500 000 kr", 500_000),
        ("1 000 000,00", M),
        ("1.000.000,00", M),
        ("1,5 mio.", 1_500_000),
        ("1,5 mio", 1_500_000),
        ("1,5mio", 1_500_000),
        ("0,5 mio", 500_000),
        ("2 mio", 2 * M),
        ("2 mio. kr.", 2 * M),
        ("2 millioner", 2 * M),
        ("2 millioner kroner", 2 * M),
        ("1,5 million", 1_500_000),
        ("2 mia.", 2_000 * M),
        ("1,2 mia", 1_200 * M),
        ("2 milliarder", 2_000 * M),
        ("250 t.kr.", 250_000),
        ("250 tkr", 250_000),
        ("75 tusind", 75_000),
        ("maks. 2 mio. kr.", 2 * M),
        ("højst 300.000", 300_000),
        ("ca. 400.000 kr.", 400_000),
        ("1.234", 1_234),  # Danish thousands; the English 1.234 kr. is implausible
        ("12.000", 12_000),
        ("1,2345 mio", 1_234_500),
        ("1\u00a0000\u00a0000", M),  # no-break spaces, as phones insert them
        # English
        ("500,000.50", Decimal("500000.50")),
        ("500,000", 500_000),
        ("1,000,000", M),
        ("1.5m", 1_500_000),
        ("1.5 million", 1_500_000),
        ("2.5 mio", 2_500_000),
        ("500k", 500_000),
        ("500 k", 500_000),
        ("250 thousand", 250_000),
        ("DKK 2,000,000", 2 * M),
        ("DKK 2.000.000", 2 * M),
        ("2 bn", 2_000 * M),
        ("1.5 billion", 1_500 * M),
        ("up to 750,000", 750_000),
        ("max 1m", M),
        # either
        ("300000", 300_000),
        ("1000", 1_000),
        ("10000000000", 10_000 * M),  # the most that is plausible
    ],
)
def test_amounts_in_both_languages(typed: str, dkk: int | Decimal) -> None:
    assert parse_max_value(typed) == Decimal(dkk)


@pytest.mark.parametrize("typed", ["0", "ingen", "none", "Ingen grænse", "no limit", "ubegrænset", "-", "0 kr"])
def test_no_limit(typed: str) -> None:
    assert parse_max_value(typed) is None


@pytest.mark.parametrize(
    ("typed", "code", "params"),
    [
        ("0.5", "value_too_small", {"value": Decimal("0.50")}),  # the old parser saved 5 DKK
        ("1.5", "value_too_small", {"value": Decimal("1.50")}),  # ... and 15 DKK
        ("1,5", "value_too_small", {"value": Decimal("1.50")}),
        ("0,5", "value_too_small", {"value": Decimal("0.50")}),
        ("12,50", "value_too_small", {"value": Decimal("12.50")}),
        ("999", "value_too_small", {"value": Decimal(999)}),
        ("20 mia", "value_too_large", {"value": Decimal(20_000 * M)}),
        ("9" * 20, "value_too_large", {"value": Decimal("9" * 20)}),
        ("9" * 40, "value_too_large", {"value": Decimal("9" * 40)}),  # more digits than Decimal holds
        ("9" * 59, "value_too_large", {"value": Decimal("9" * 59)}),
        ("9" * 30 + " mia", "value_too_large", {"value": Decimal("9" * 30 + "0" * 9)}),
        # Danish 1.500 mio. is 1.5 billion; English 1.500 mio is 1.5 million: ask
        ("1.500 mio", "value_ambiguous", {"options": [Decimal(1_500_000), Decimal(1_500 * M)]}),
        ("2,500 mio", "value_ambiguous", {"options": [Decimal(2_500_000), Decimal(2_500 * M)]}),
        ("abc", "value_not_number", {"text": "abc"}),
        ("5.5.5 mio", "value_not_number", {"text": "5.5.5 mio"}),
        ("1.00.000", "value_not_number", {"text": "1.00.000"}),
        ("500 EUR", "value_not_number", {"text": "500 EUR"}),
        ("£500", "value_not_number", {"text": "£500"}),
        ("-500000", "value_not_number", {"text": "-500000"}),
        ("1e309", "value_not_number", {"text": "1e309"}),
        ("1000,123", "value_not_number", {"text": "1000,123"}),  # no such amount: a tenth of an øre
        ("500 mio mio", "value_not_number", {"text": "500 mio mio"}),
        ("", "value_missing", {}),
        ("   ", "value_missing", {}),
    ],
)
def test_implausible_ambiguous_and_not_amounts_are_refused(typed: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(PreferenceError) as exc:
        parse_max_value(typed)
    assert (exc.value.code, exc.value.params) == (code, params)


def test_the_plausible_range() -> None:
    assert parse_max_value(str(MIN_VALUE_DKK)) == MIN_VALUE_DKK
    assert parse_max_value(str(MAX_VALUE_DKK)) == MAX_VALUE_DKK
    with pytest.raises(PreferenceError):
        parse_max_value(str(MAX_VALUE_DKK + 1))


def test_both_readings_are_given_to_the_decision() -> None:
    assert read_amounts("500.000") == ([Decimal("500000.0"), Decimal("500.000")], False)
    assert read_amounts("1.5m") == ([Decimal("1500000.0")], False)
    assert read_amounts("ingen") == ([], True)
    assert read_amounts("x" * 10_000) == ([], False)
    assert read_amounts("1 " * 5_000 + "!") == ([], False)  # long input does not take long


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (Decimal("9" * 40), "da", "9" * 1 + ".999" * 13 + " DKK"),  # an error message can show it
        (Decimal(1_500_000), "da", "1.500.000 DKK"),
        (Decimal(1_500_000), "en", "1,500,000 DKK"),
        (Decimal("500000.50"), "da", "500.000,50 DKK"),
        (Decimal("500000.55"), "en", "500,000.55 DKK"),
        (None, "da", "ingen grænse"),
        (None, "en", "no limit"),
    ],
)
def test_the_amount_read_is_shown_the_users_way(value: Decimal | None, lang: str, shown: str) -> None:
    assert value_text(value, lang) == shown
