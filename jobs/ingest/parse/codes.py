"""Classification codes as sources write them → the forms ``Notice`` holds.

CPV codes arrive as "09310000-5 - Elektricitet", "90910000-9", "72000000" or a
JSON number that lost its leading zero; ``Notice.cpv`` wants 8 digits, no check
digit, no duplicates, first-seen order. NUTS codes arrive as "UKM82", "DK011",
"UKM" next to free-text regions ("England") and country codes ("ITA").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

_CPV = re.compile(r"^\s*(\d{8})(?:-\d)?(?!\d)")
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,3}$")


def cpv_code(value: object) -> str | None:
    """The 8-digit code a value starts with, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = f"{value:08d}" if 0 < value < 100_000_000 else ""
    if not isinstance(value, str):
        return None
    m = _CPV.match(value)
    return m.group(1) if m else None


def cpv_codes(values: Iterable[object]) -> tuple[str, ...]:
    """Unique 8-digit CPV codes in first-seen order; values that are no code are skipped."""
    out: dict[str, None] = {}
    for v in values:
        code = cpv_code(v)
        if code:
            out.setdefault(code)
    return tuple(out)


def nuts_codes(values: Iterable[object], *, strict: bool = False) -> tuple[str, ...]:
    """Unique NUTS codes; ``strict`` wants a digit in the code (so that ISO 3166
    alpha-3 country codes like "ITA", mixed into TED's place-of-performance,
    are not taken for NUTS level-1 codes like "UKM")."""
    out: dict[str, None] = {}
    for v in values:
        if not isinstance(v, str):
            continue
        s = v.strip()
        if _NUTS.match(s) and (not strict or any(ch.isdigit() for ch in s)):
            out.setdefault(s)
    return tuple(out)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Non-empty strings, stripped, without duplicates, in first-seen order."""
    out: dict[str, None] = {}
    for v in values:
        s = v.strip()
        if s:
            out.setdefault(s)
    return tuple(out)


@lru_cache(maxsize=1)
def _cpv_by_danish_label() -> dict[str, str]:
    text = resources.files("jobs.ingest.parse").joinpath("data/cpv_da.tsv").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, label = line.partition("\t")
            out.setdefault(label.strip().casefold(), code)  # the first (most general) code of a label
    return out


def cpv_from_label(title: str) -> str | None:
    """The CPV code whose Danish label the whole title is ("Rengøring af kontorer" →
    90919200): udbud.dk names EU notices by their main CPV code's label."""
    return _cpv_by_danish_label().get(" ".join(title.split()).casefold())
