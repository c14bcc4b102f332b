"""Phone numbers for synthetic data that can never be a real person's number.

The story uses Ofcom's drama ranges (07700 900000-900999, 0113 496 0000-0999), but they hold only a
thousand mobiles. At scale we use the block 07610 000000-07619 999999: the UK mobile shape (07 and nine digits), in
the 076 range that Ofcom designates for paging, and `phonenumbers` says every number in it is
*possible* but *not valid* for any +44 region (its GB pager pattern skips 0761, and no Jersey,
Guernsey or Isle of Man mobile pattern starts 761). Note that 07700 is no good: 07700 3xxxxx, 7xxxxx
and 8xxxxx are Jersey mobiles.
tests/test_demo_data.py checks every generated number with phonenumbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SCALE_FIRST = 7_610_000_000  # national significant number of 07610 000000
SCALE_CAPACITY = 10_000_000  # 07610 000000 .. 07619 999999


def scale_mobiles(index: np.ndarray) -> pd.Series:
    """Numbers 07610 000000-07619 999999 for indices 0..9,999,999 (possible, never valid)."""
    index = np.asarray(index, dtype=np.int64)
    if index.size and (index.min() < 0 or index.max() >= SCALE_CAPACITY):
        raise ValueError(f"phone index out of range 0..{SCALE_CAPACITY - 1}; use a smaller --scale")
    return "0" + pd.Series(SCALE_FIRST + index, dtype="int64").astype(str)


def is_drama(number: str) -> bool:
    """True when `number` (any spelling) is in an Ofcom drama range we use."""
    import phonenumbers

    e164 = phonenumbers.format_number(
        phonenumbers.parse(number, "GB"), phonenumbers.PhoneNumberFormat.E164
    )
    return (
        e164.startswith("+447700900")
        or e164.startswith("+441134960")
        or e164.startswith("+442079460")
    )
