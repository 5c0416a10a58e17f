"""What is stored beside every notice so that the public list (jobs/publish) filters by index
instead of reading every open notice's text and codes.

- ``search_text``: the title, the buyer and the description in lower case (Python's, so Æ, Ø
  and Å too; SQLite's ``lower()`` knows only ASCII), stored in ``notice_text`` with the
  notice's deadline. The list's free-text filter is a "contains" on this one narrow column.
- ``cpv_numbers``: the CPV codes of a notice and of its lots as 8-digit numbers, stored in
  ``notice_cpv`` with the notice's deadline. A category's CPV prefix is a range of numbers
  (``prefix_range``), so "open notices of a category" is a range scan of one index, and the
  table does not depend on the configured categories (changing them needs no re-indexing).

Pure; the store writes both (jobs/ingest/store.py), migration 0009 fills them for notices
stored before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CPV_DIGITS = 8
_LEADING_DIGITS = re.compile(r"\s*(\d+)")


def search_text(title: str | None, buyer: str | None, description: str | None) -> str:
    """The searchable text of a notice: its fields in lower case, one line each (a search
    word has no spaces, so it never matches across two fields)."""
    return "\n".join(part or "" for part in (title, buyer, description)).lower()


def cpv_number(code: object) -> int | None:
    """A CPV code as a number of 8 digits: "90910000-9" → 90910000; a shorter code is read as
    its prefix ("9091" → 90910000), a longer one by its first 8 digits; no digits: None."""
    m = _LEADING_DIGITS.match(code) if isinstance(code, str) else None
    if m is None:
        return None
    return int(m.group(1)[:CPV_DIGITS].ljust(CPV_DIGITS, "0"))


def cpv_numbers(*code_lists: Iterable[object]) -> set[int]:
    """The distinct CPV numbers of several code lists (the notice's and each lot's)."""
    out: set[int] = set()
    for codes in code_lists:
        for code in codes or ():
            n = cpv_number(code)
            if n is not None:
                out.add(n)
    return out


def prefix_range(prefix: str) -> tuple[int, int]:
    """The numbers [low, high) of the codes that start with a prefix of digits: "9091" →
    (90910000, 90920000). A prefix longer than a code matches nothing: (0, 0)."""
    if not prefix.isascii() or not prefix.isdigit() or len(prefix) > CPV_DIGITS:
        return (0, 0)
    scale = 10 ** (CPV_DIGITS - len(prefix))
    return (int(prefix) * scale, (int(prefix) + 1) * scale)
