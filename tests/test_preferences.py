"""What users type into settings: accepted forms, and helpful refusals that change nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from jobs.deliver.digest import digest_due, digest_slot
from jobs.people.preferences import (
    PreferenceError,
    parse_categories,
    parse_delivery,
    parse_keywords,
    parse_level,
    parse_max_value,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500000", 500_000),
        ("500.000", 500_000),
        ("500 000 kr", 500_000),
        ("2 mio", 2_000_000),
        ("0,5 mio.", 500_000),
        ("1.5 mio", 1_500_000),
        ("250k", 250_000),
        ("kr. 75.000", 75_000),
        ("ingen", None),
        ("0", None),
        ("none", None),
    ],
)
def test_max_value_forms(text: str, value: int | None) -> None:
    assert parse_max_value(text) == (None if value is None else Decimal(value))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abc", "value_not_number"),
        ("", "value_missing"),
        ("5.5.5 mio", "value_not_number"),
        ("9" * 20, "value_too_large"),
    ],
)
def test_max_value_refusals(text: str, code: str) -> None:
    with pytest.raises(PreferenceError) as exc:
        parse_max_value(text)
    assert exc.value.code == code


def test_keywords() -> None:
    assert parse_keywords("Rengøring,  vinduespudsning ; -vagt, rengøring") == ["rengøring", "vinduespudsning", "-vagt"]
    with pytest.raises(PreferenceError) as exc:
        parse_keywords(", ".join(f"ord{i}" for i in range(500)))
    assert exc.value.code == "too_many_keywords"
    with pytest.raises(PreferenceError) as exc:
        parse_keywords("x" * 4000)
    assert exc.value.code == "keyword_too_long"
    with pytest.raises(PreferenceError) as exc:
        parse_keywords("<script>")
    assert exc.value.code == "keyword_invalid"


def test_choices_in_both_languages() -> None:
    assert parse_level("Oplagt") == parse_level("suitable") == "suitable"
    assert parse_level("alle") == "all"
    assert parse_delivery("dagligt 7") == ("daily", 7)
    assert parse_delivery("weekly") == ("weekly", None)
    assert parse_delivery("straks") == ("instant", None)
    with pytest.raises(PreferenceError):
        parse_delivery("daily 25")
    with pytest.raises(PreferenceError):
        parse_level("maybe")


def test_categories_by_key_label_or_unique_prefix() -> None:
    known = {"it": "IT-ydelser", "transport": "Transportydelser", "cleaning": "Rengøring"}
    assert parse_categories("it, Rengøring", known) == ["it", "cleaning"]
    assert parse_categories("transp", known) == ["transport"]
    with pytest.raises(PreferenceError) as exc:
        parse_categories("it, rumfart", known)
    assert exc.value.code == "category_unknown" and exc.value.params["text"] == "rumfart"


def test_digest_slots() -> None:
    tz = "Europe/Copenhagen"
    # Saturday 28 Nov 2026, 09:30 local = 08:30 UTC
    now = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
    slot = digest_slot("daily", 8, "monday", now, tz)
    assert slot.isoformat() == "2026-11-28T08:00:00+01:00"
    assert digest_due("daily", 8, "monday", None, now, tz)
    assert not digest_due("daily", 8, "monday", now, now, tz)  # already sent today
    assert not digest_due("daily", 10, "monday", datetime(2026, 11, 27, 9, 0, tzinfo=UTC), now, tz)
    weekly = digest_slot("weekly", 8, "monday", now, tz)
    assert weekly.isoformat() == "2026-11-23T08:00:00+01:00"
