"""The value-type protocol shared by every normaliser: a cleaned value plus its validity."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

# pandas and numpy only where whole columns are cleaned: `show phone` cleans one value
if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: Every character Python's str.strip() removes (str.isspace), so both readers strip cells alike.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """One identifier as stored (``value``) and as written (``raw``), with its validity.

    ``parsed`` False means the input could not be understood and ``value`` is the input as
    written (stripped), kept and flagged rather than dropped.
    """

    value: str
    raw: str
    valid: bool
    parsed: bool
    detail: str = ""


def blank_to_none(raw: object) -> str | None:
    """Return ``raw`` as a string, or None when it is None, NaN/NA or only whitespace."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        import pandas as pd

        try:
            if pd.isna(raw):
                return None
        except (TypeError, ValueError):
            pass
        raw = str(raw)
    return raw if raw.strip() else None


class ValueType(ABC):
    """A kind of identifier (phone, VRM, ...) that knows how to normalise and validate itself."""

    name: str = "value"

    @abstractmethod
    def _clean_text(self, raw: str) -> Cleaned:
        """Clean one non-blank string; subclasses implement the type's rules here."""

    def clean(self, raw: str | None) -> Cleaned | None:
        """Normalise one raw spelling; None when it is blank (blank means unknown)."""
        text = blank_to_none(raw)
        if text is None:
            return None
        return self._clean_text(text)

    def validate(self, raw: str | None) -> bool:
        """True when ``raw`` is non-blank and passes the type's validity rule."""
        cleaned = self.clean(raw)
        return cleaned is not None and cleaned.valid

    def _clean_distinct(
        self,
        spellings: np.ndarray,
        values: np.ndarray,
        valid: np.ndarray,
        parsed: np.ndarray,
        detail: np.ndarray,
    ) -> None:
        """Fill the four output arrays for distinct spellings, one `clean` each (a type may vectorise)."""
        for i, spelling in enumerate(spellings):
            cleaned = self.clean(spelling)
            if cleaned is None:
                values[i] = None
                detail[i] = ""
            else:
                values[i] = cleaned.value
                valid[i] = cleaned.valid
                parsed[i] = cleaned.parsed
                detail[i] = cleaned.detail

    def id_columns(self, raw: pd.Series, clean: pd.DataFrame) -> dict[str, pd.Series]:
        """What an entity identified by this type stores beside its key, from the ids as written
        (`raw`) and as cleaned (`clean_series(raw)`); nothing by default."""
        return {}

    def clean_series(self, raw: pd.Series) -> pd.DataFrame:
        """Clean a whole column, computing each distinct spelling once (hot path for big files).

        Returns a DataFrame on the same index with columns value (str, None when blank),
        valid (bool), parsed (bool) and detail (str, '' when blank).
        """
        import numpy as np
        import pandas as pd

        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        n = len(uniques)
        # Slot n holds the blank row, so code -1 (NaN/None) maps there.
        values = np.empty(n + 1, dtype=object)
        valid = np.zeros(n + 1, dtype=bool)
        parsed = np.zeros(n + 1, dtype=bool)
        detail = np.empty(n + 1, dtype=object)
        values[n] = None
        detail[n] = ""
        self._clean_distinct(
            np.asarray(uniques, dtype=object), values[:n], valid[:n], parsed[:n], detail[:n]
        )
        idx = np.where(codes < 0, n, codes)
        return pd.DataFrame(
            {
                "value": pd.Series(values[idx], index=raw.index, dtype=object),
                "valid": pd.Series(valid[idx], index=raw.index, dtype=bool),
                "parsed": pd.Series(parsed[idx], index=raw.index, dtype=bool),
                "detail": pd.Series(detail[idx], index=raw.index, dtype=object),
            },
            index=raw.index,
        )
