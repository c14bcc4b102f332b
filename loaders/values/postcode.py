"""UK postcodes: any case and spacing in, stored in the standard 'HX1 1AA' form."""

from __future__ import annotations

import re

from loaders.values.base import Cleaned, ValueType

# Outward codes A9, A99, AA9, AA99, A9A, AA9A; inward code 9AA; plus the special GIR 0AA.
_POSTCODE = re.compile(
    r"(?P<outward>[A-Z][0-9]{1,2}|[A-Z]{2}[0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9][A-Z]|GIR)"
    r"(?P<inward>[0-9][A-Z]{2})"
)
_WHITESPACE = re.compile(r"\s+")


class PostcodeType(ValueType):
    """UK postcodes: outward code, one space, inward code; non-matching text kept and flagged."""

    name = "postcode"

    def _clean_text(self, raw: str) -> Cleaned:
        """Normalise one non-blank spelling to 'OUT IN' form, or flag it as nonstandard."""
        stripped = raw.strip().upper()
        match = _POSTCODE.fullmatch(_WHITESPACE.sub("", stripped))
        if match is None or (match["outward"] == "GIR" and match["inward"] != "0AA"):
            return Cleaned(value=stripped, raw=raw, valid=False, parsed=False, detail="nonstandard")
        value = f"{match['outward']} {match['inward']}"
        return Cleaned(value=value, raw=raw, valid=True, parsed=True, detail="valid")


POSTCODE = PostcodeType()
