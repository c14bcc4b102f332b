"""Phone numbers for synthetic data that can never be a real person's number.

The story uses Ofcom's drama ranges (07700 900000-900999, 0113 496 0000-0999), but they hold only a
thousand mobiles. At scale we use the block 07700 200000-899999: UK mobile format, and `phonenumbers`
says every number in it is *possible* but *not valid* (its metadata treats 07700 as allocated only
for 07700 0xxxxx and 1xxxxx, and 07700 9xxxxx holds the drama range which we leave to the story).
tests/test_demo_data.py checks every generated number with phonenumbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SCALE_FIRST = 7_700_200_000  # national significant number of 07700 200000
SCALE_CAPACITY = 7_000_000  # 07700 200000 .. 07700 899999


def scale_mobiles(index: np.ndarray) -> pd.Series:
    """Mobile numbers 07700 200000-899999 for indices 0..6,999,999 (possible, never valid)."""
    index = np.asarray(index, dtype=np.int64)
    if index.size and (index.min() < 0 or index.max() >= SCALE_CAPACITY):
        raise ValueError(f"phone index out of range 0..{SCALE_CAPACITY - 1}; use a smaller --scale")
    return "0" + pd.Series(SCALE_FIRST + index, dtype="int64").astype(str)


def is_drama(number: str) -> bool:
    """True when `number` (any spelling) is in an Ofcom drama range we use."""
    import phonenumbers

    e164 = phonenumbers.format_number(phonenumbers.parse(number, "GB"),
                                      phonenumbers.PhoneNumberFormat.E164)
    return (e164.startswith("+447700900") or e164.startswith("+441134960")
            or e164.startswith("+442079460"))
