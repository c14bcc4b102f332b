"""Vehicle registration marks (VRMs): any case and spacing in, stored upper case without spaces.

Formats recognised (DVLA / DVA schemes):
- current (2001-): two letters, two-digit age identifier, three letters: AB12CDE.
- prefix (1983-2001): one letter, 1-3 digits, three letters: A123BCD.
- suffix (1963-1983): three letters, 1-3 digits, one letter: ABC123D.
- northern_ireland: an optional serial letter then one of the 33 two-letter Northern Ireland
  county/city codes (each contains I or Z, e.g. KZ, IA, OI), then 1-9999: 'AKZ 1234', 'BZ 12';
  also the reversed sequences of 1958-1966, 1-9999 then the code: '1 IA'.
- dateless (pre-1963 GB): 1-3 letters then 1-9999, or 1-9999 then 1-3 letters.
Serial numbers never start with 0 (the current format's age identifier may: '02').
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas only where whole columns are cleaned: `show vehicle` cleans one value
    import pandas as pd

from loaders.values.base import Cleaned, ValueType

# The two-letter codes allocated to Northern Ireland's counties and cities (DVA), all of which
# contain I or Z. Other I/Z pairs (e.g. 'IZ', 'ZA'-'ZZ', 'IK') belonged to what is now the
# Republic of Ireland, which left the scheme in 1987, so they are not treated as NI marks.
NI_CODES: frozenset[str] = frozenset(
    "AZ BZ CZ DZ EZ FZ GZ HZ IA IB IG IJ IL IW JI JZ KZ LZ MZ NZ OI OZ PZ RZ SZ TZ UI UZ VZ WZ "
    "XI XZ YZ".split()
)
_NI_CODE = "(?:" + "|".join(sorted(NI_CODES)) + ")"
_SERIAL_3 = "[1-9][0-9]{0,2}"
_SERIAL_4 = "[1-9][0-9]{0,3}"

# Order matters: the first pattern that fits names the format; Northern Ireland is tried
# before dateless, which would otherwise also fit its letters-then-digits shape.
FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("current", re.compile(r"[A-Z]{2}[0-9]{2}[A-Z]{3}")),
    ("prefix", re.compile(rf"[A-Z]{_SERIAL_3}[A-Z]{{3}}")),
    ("suffix", re.compile(rf"[A-Z]{{3}}{_SERIAL_3}[A-Z]")),
    ("northern_ireland", re.compile(rf"[A-Z]?{_NI_CODE}{_SERIAL_4}|{_SERIAL_4}{_NI_CODE}")),
    ("dateless", re.compile(rf"[A-Z]{{1,3}}{_SERIAL_4}|{_SERIAL_4}[A-Z]{{1,3}}")),
)
_SEPARATORS = re.compile(r"[\s\-.]")


def vrm_format(mark: str) -> str | None:
    """The name of the UK format a normalised mark fits, or None when it fits none."""
    for name, pattern in FORMATS:
        if pattern.fullmatch(mark):
            return name
    return None


class VrmType(ValueType):
    """UK vehicle registration marks: normalised, with the format they fit (if any)."""

    name = "vrm"

    def id_columns(self, raw: pd.Series, clean: pd.DataFrame) -> dict[str, pd.Series]:
        """A vehicle keeps the UK format its mark fits ('nonstandard' when none)."""
        return {"vrm_format": clean["detail"].where(clean["valid"], "nonstandard")}

    def _clean_text(self, raw: str) -> Cleaned:
        """Normalise one non-blank spelling and name its format ('nonstandard' if none fits)."""
        mark = _SEPARATORS.sub("", raw.upper())
        if not mark:
            # Only separators (e.g. '-'): nothing to normalise, keep as written and flag it.
            return Cleaned(
                value=raw.strip().upper(), raw=raw, valid=False, parsed=False, detail="nonstandard"
            )
        fmt = vrm_format(mark)
        if fmt is None:
            return Cleaned(value=mark, raw=raw, valid=False, parsed=True, detail="nonstandard")
        return Cleaned(value=mark, raw=raw, valid=True, parsed=True, detail=fmt)


VRM = VrmType()
