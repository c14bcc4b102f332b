"""IMEIs: 15 digits with a Luhn check digit; 14-digit forms completed, 16-digit IMEISVs kept."""

from __future__ import annotations

import re

from loaders.values.base import Cleaned, ValueType

_SEPARATORS = re.compile(r"[\s\-/]")
_DIGITS = re.compile(r"[0-9]+")


def luhn_check_digit(body: str) -> str:
    """The Luhn check digit for a string of digits (the IMEI's 15th digit for its first 14)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


class ImeiType(ValueType):
    """IMEIs: digits only; validity is the Luhn check (IMEISVs carry no check digit)."""

    name = "imei"

    def _clean_text(self, raw: str) -> Cleaned:
        """Normalise one non-blank spelling to its digits and check it."""
        digits = _SEPARATORS.sub("", raw)
        if not _DIGITS.fullmatch(digits) or len(digits) not in (14, 15, 16):
            return Cleaned(
                value=raw.strip(), raw=raw, valid=False, parsed=False, detail="bad_length"
            )
        if len(digits) == 14:
            value = digits + luhn_check_digit(digits)
            return Cleaned(
                value=value, raw=raw, valid=True, parsed=True, detail="check_digit_added"
            )
        if len(digits) == 16:
            return Cleaned(value=digits, raw=raw, valid=True, parsed=True, detail="imeisv")
        if luhn_check_digit(digits[:14]) == digits[14]:
            return Cleaned(value=digits, raw=raw, valid=True, parsed=True, detail="valid")
        return Cleaned(value=digits, raw=raw, valid=False, parsed=True, detail="bad_check_digit")


IMEI = ImeiType()
