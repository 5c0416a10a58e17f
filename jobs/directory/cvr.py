"""CVR numbers (the Danish business register): eight digits with a modulus-11 check. Pure."""

from __future__ import annotations

import re

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def normalise_cvr(text: str) -> str | None:
    """The eight digits of a CVR number as typed ("12 34 56 78", "DK12345678"), if its check holds.

    The weighted digit sum (weights 2, 7, 6, 5, 4, 3, 2, 1) must be divisible by 11, and a
    CVR number never starts with 0.
    """
    digits = re.sub(r"[\s.-]", "", (text or "").strip())
    if digits[:2].upper() == "DK":
        digits = digits[2:]
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit() or digits[0] == "0":
        return None
    if sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11:
        return None
    return digits
