"""Identifiers named in free text: phone numbers, vehicle registration marks and UK postcodes.

Phones are found by `phonenumbers.PhoneNumberMatcher` at leniency POSSIBLE (so that possible but
unallocated numbers such as Ofcom's drama range 07700 900xxx are found), then kept only when they
are written the way people write a telephone number: starting with 0, + or 00, or as 44 and ten
digits, with a UK national number of 9-10 digits. That filter turns away what POSSIBLE also
matches: dates, years, crime reference numbers, NHS numbers, money.

VRMs and postcodes are found by patterns of their plausible UK shapes between word boundaries.
Prefix, suffix and Northern Ireland marks must be upper case in the text (in lower case they are
too like ordinary words and road numbers); current-format marks and postcodes may be any case.
Dateless marks (e.g. 'A 1') are not looked for: in prose they are indistinguishable from
ordinary words and numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency

from loaders.values import PHONE, POSTCODE, VRM
from loaders.values.vrm import NI_CODES

PHONE_KIND, VRM_KIND, POSTCODE_KIND = "phone", "vrm", "postcode"

_NI = "(?:" + "|".join(sorted(NI_CODES)) + ")"
# Current marks: memory tag (no I, Q, Z), an age identifier that has been issued, three letters
# (no I, Q). Prefix/suffix year letters never used I, O, Q, U, Z.
_VRM = re.compile(
    r"(?<![\w/])(?:"
    r"(?i:[A-HJ-PR-Y]{2}(?:0[2-9]|[12][0-9]|5[1-9]|[67][0-9])[ \-]?[A-HJ-PR-Z]{3})"
    r"|[A-HJ-NP-TV-Y][1-9][0-9]{0,2} ?[A-HJ-PR-Y]{3}"
    r"|[A-HJ-PR-Y]{3} ?[1-9][0-9]{0,2}[A-HJ-NP-TV-Y]"
    rf"|[A-HJ-PR-Y]{_NI} ?[1-9][0-9]{{2,3}}"
    r")(?![\w/])"
)
_POSTCODE = re.compile(
    r"(?<![\w/])(?i:"
    r"(?:[A-PR-UWYZ][A-HK-Y]?[0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2}"
    r")(?![\w/])"
)
_DIGITS = re.compile(r"[0-9]")
_INTL_NO_PLUS = re.compile(r"^44[0-9 ]+$")
# A date inside a candidate ('02.06.2011 07'), or digits glued to it by ':' or '.' (a time, money).
_DATE_INSIDE = re.compile(r"(?<![0-9])[0-9]{1,2}[./\-][0-9]{1,2}[./\-][0-9]{2,4}(?![0-9])")
_GLUED = re.compile(r"[:.,][0-9]")


@dataclass(frozen=True)
class Found:
    """One identifier in a text: its kind, normalised value, span and the text as written."""

    kind: str
    value: str
    start: int
    end: int
    as_written: str

    @property
    def span(self) -> str:
        """The span as 'start-end' (Python slice positions)."""
        return f"{self.start}-{self.end}"


def _written_as_phone(text: str, start: int, end: int) -> bool:
    """True when a candidate looks like a telephone number as people write one."""
    raw = text[start:end]
    if (
        _DATE_INSIDE.search(raw)
        or _GLUED.match(text, end)
        or _GLUED.match(text[max(0, start - 2) : start][::-1])
    ):
        return False
    head = raw.lstrip("(")
    if head.startswith("+") or head.startswith("0"):
        return True
    return bool(_INTL_NO_PLUS.match(raw)) and len(_DIGITS.findall(raw)) == 12


def find_phones(text: str) -> list[Found]:
    """Phone numbers in the text, as E.164, including possible-but-unallocated ones."""
    out = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE):
        raw = match.raw_string
        if not _written_as_phone(text, match.start, match.end):
            continue
        cleaned = PHONE.clean(raw)
        if cleaned is None or not cleaned.parsed:
            continue
        if cleaned.value.startswith("+44") and not 9 <= len(cleaned.value) - 3 <= 10:
            continue
        out.append(Found(PHONE_KIND, cleaned.value, match.start, match.end, raw))
    return out


def find_vrms(text: str) -> list[Found]:
    """Vehicle registration marks in the text (current, prefix, suffix, Northern Ireland shapes)."""
    out = []
    for m in _VRM.finditer(text):
        cleaned = VRM.clean(m.group(0))
        if cleaned is not None and cleaned.valid:
            out.append(Found(VRM_KIND, cleaned.value, m.start(), m.end(), m.group(0)))
    return out


def find_postcodes(text: str) -> list[Found]:
    """UK postcodes in the text, in the standard 'HX1 1AA' form."""
    out = []
    for m in _POSTCODE.finditer(text):
        cleaned = POSTCODE.clean(m.group(0))
        if cleaned is not None and cleaned.valid:
            out.append(Found(POSTCODE_KIND, cleaned.value, m.start(), m.end(), m.group(0)))
    return out


def extract(text: str) -> list[Found]:
    """Every phone, VRM and postcode in the text, in text order; phones win overlapping spans."""
    if not text:
        return []
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for finder in (find_phones, find_vrms, find_postcodes):
        for item in finder(text):
            if any(item.start < e and s < item.end for s, e in taken):
                continue
            found.append(item)
            taken.append((item.start, item.end))
    return sorted(found, key=lambda f: f.start)


__all__ = [
    "POSTCODE_KIND",
    "PHONE_KIND",
    "VRM_KIND",
    "Found",
    "extract",
    "find_phones",
    "find_postcodes",
    "find_vrms",
]
