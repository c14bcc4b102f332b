"""Phone numbers: any common UK or international spelling, stored as E.164 (default region GB)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from loaders.values.base import WHITESPACE, Cleaned, ValueType

# the column libraries only where whole columns are cleaned: `show phone` cleans one value
if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DEFAULT_REGION = "GB"
_SEPARATORS = re.compile(r"[\s\-().\/]")
_DIGITS = re.compile(r"[0-9]+")


def _international_without_plus(text: str) -> str:
    """Read '447700900123' (12 digits starting 44, no plus) as +44..., as people write it."""
    digits = _SEPARATORS.sub("", text)
    if len(digits) == 12 and digits.startswith("44") and _DIGITS.fullmatch(digits):
        return "+" + digits
    return text


#: A UK mobile number however it is written: +44 / 0044 / 44 / 0, then 7 and nine digits.
_UK_MOBILE = re.compile(r"(?:\+44|0044|44|0)(7[0-9]{9})")
#: The same two patterns in RE2's syntax, for Arrow's vectorised kernels (a property test holds
#: the vectorised path equal to the scalar one).
_SEPARATORS_RE2 = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + r"\-().\/" + "]"
_UK_MOBILE_RE2 = r"^(?:\+44|0044|44|0)(?P<national>7[0-9]{9})$"


@lru_cache(maxsize=1_048_576)
def _valid_e164(e164: str) -> bool:
    """Whether an E.164 number is allocated; cached per number, as spellings of it repeat."""
    return bool(phonenumbers.is_valid_number(phonenumbers.parse(e164)))


#: How many leading digits of a 10-digit +44 7... number decide whether it is allocated. In
#: phonenumbers' metadata the deepest rule for these numbers looks at 6 (the Isle of Man's 76245[06]);
#: 7 leaves a margin, and a property test holds this path equal to the full parser.
_MOBILE_PREFIX = 7


@lru_cache(maxsize=65_536)
def _mobile_range_valid(prefix: str) -> bool:
    """Whether the +44 7... numbers starting with `prefix` are allocated (the range decides)."""
    return _valid_e164("+44" + prefix + "0" * (10 - len(prefix)))


@lru_cache(maxsize=1_048_576)
def _clean_phone(text: str) -> tuple[str, bool, bool, str]:
    """Parse one stripped spelling to (value, valid, parsed, detail); cached per spelling.

    UK mobile numbers, most of what police data holds, take a fast path (a pattern, then a cached
    validity check per number); anything else goes through phonenumbers' full parser.
    """
    mobile = _UK_MOBILE.fullmatch(_SEPARATORS.sub("", text))
    if mobile:
        national = mobile.group(1)
        valid = _mobile_range_valid(national[:_MOBILE_PREFIX])
        return "+44" + national, valid, True, "valid" if valid else "unallocated"
    return _parse_full(text)


def _parse_full(text: str) -> tuple[str, bool, bool, str]:
    """phonenumbers' full parse of one spelling (the reference the fast path must agree with)."""
    try:
        number = phonenumbers.parse(_international_without_plus(text), DEFAULT_REGION)
    except NumberParseException:
        return text, False, False, "unparseable"
    if not phonenumbers.is_possible_number(number):
        return text, False, False, "unparseable"
    value = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if _valid_e164(value):
        return value, True, True, "valid"
    return value, False, True, "unallocated"


class PhoneType(ValueType):
    """Phone numbers: E.164 when parseable; valid only when the number is allocated."""

    name = "phone"

    def id_columns(self, raw: pd.Series, clean: pd.DataFrame) -> dict[str, pd.Series]:
        """A phone keeps each spelling seen, and whether it is allocated and could be parsed."""
        import pandas as pd

        spellings = pd.Series(
            [[s] for s in raw.to_numpy(dtype=object)], index=raw.index, dtype=object
        )
        return {"spellings": spellings, "valid": clean["valid"], "parsed": clean["parsed"]}

    def _clean_text(self, raw: str) -> Cleaned:
        """Normalise one non-blank spelling to E.164, or keep it as written and flag it."""
        value, valid, parsed, detail = _clean_phone(raw.strip())
        return Cleaned(value=value, raw=raw, valid=valid, parsed=parsed, detail=detail)

    def _clean_distinct(
        self,
        spellings: np.ndarray,
        values: np.ndarray,
        valid: np.ndarray,
        parsed: np.ndarray,
        detail: np.ndarray,
    ) -> None:
        """UK mobiles in one pass of Arrow kernels, with validity looked up once per allocation
        range; every other spelling one at a time."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        if not len(spellings) or pd.api.types.infer_dtype(spellings, skipna=False) != "string":
            super()._clean_distinct(spellings, values, valid, parsed, detail)
            return
        text = pc.replace_substring_regex(
            pc.utf8_trim(pa.array(spellings, type=pa.string()), WHITESPACE), _SEPARATORS_RE2, ""
        )
        matched = pc.extract_regex(text, _UK_MOBILE_RE2)  # null where the pattern does not match
        mobile = matched.is_valid().to_numpy(zero_copy_only=False)
        if mobile.any():
            found = pc.struct_field(matched.filter(pa.array(mobile)), "national")
            ranges = pc.dictionary_encode(pc.utf8_slice_codeunits(found, 0, _MOBILE_PREFIX))
            allocated = np.array(
                [_mobile_range_valid(r) for r in ranges.dictionary.to_pylist()], dtype=bool
            )
            ok = (
                allocated[ranges.indices.to_numpy(zero_copy_only=False)]
                if len(allocated)
                else np.zeros(0, dtype=bool)
            )
            values[mobile] = pc.binary_join_element_wise(
                "+44", found, ""
            )  # the last argument is the separator.to_numpy(zero_copy_only=False)
            valid[mobile] = ok
            parsed[mobile] = True
            detail[mobile] = np.where(ok, "valid", "unallocated")
        rest = np.flatnonzero(~mobile)
        if len(rest):
            out = [
                np.empty(len(rest), dtype=object),
                np.zeros(len(rest), dtype=bool),
                np.zeros(len(rest), dtype=bool),
                np.empty(len(rest), dtype=object),
            ]
            super()._clean_distinct(spellings[rest], *out)
            values[rest], valid[rest], parsed[rest], detail[rest] = out


PHONE = PhoneType()
