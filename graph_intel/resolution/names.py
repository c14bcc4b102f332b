"""Name normalisation for matching: plain lower-case letters, nickname forms, phonetic keys, initials.

The nickname table below is a small, hand-written list of common English given-name short forms
(invented for this tool from general knowledge of English naming, not taken from any record of a
real person). It maps a short form to the formal name(s) it usually stands for; a formal name maps
to itself. It is deliberately small: a nickname that is missing only means the pair is matched on
other fields (date of birth, surname, identifiers) instead. Extend it as data, with a test.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish

#: Short form -> the formal given names it commonly stands for (English usage; ambiguous ones list several).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "alex": ("alexander", "alexandra"),
    "andy": ("andrew",),
    "drew": ("andrew",),
    "bill": ("william",),
    "billy": ("william",),
    "will": ("william",),
    "liam": ("william",),
    "bob": ("robert",),
    "bobby": ("robert",),
    "rob": ("robert",),
    "robbie": ("robert",),
    "chris": ("christopher", "christine"),
    "kit": ("christopher",),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "dave": ("david",),
    "davy": ("david",),
    "ed": ("edward",),
    "eddie": ("edward",),
    "ted": ("edward",),
    "ned": ("edward",),
    "jim": ("james",),
    "jimmy": ("james",),
    "jamie": ("james",),
    "joe": ("joseph",),
    "joey": ("joseph",),
    "jon": ("jonathan",),
    "johnny": ("john",),
    "jack": ("john",),
    "mike": ("michael",),
    "mick": ("michael",),
    "mickey": ("michael",),
    "nick": ("nicholas",),
    "pete": ("peter",),
    "rich": ("richard",),
    "rick": ("richard",),
    "dick": ("richard",),
    "steve": ("stephen", "steven"),
    "tom": ("thomas",),
    "tommy": ("thomas",),
    "tony": ("anthony",),
    "matt": ("matthew",),
    "sam": ("samuel", "samantha"),
    "sammy": ("samuel", "samantha"),
    "ben": ("benjamin",),
    "charlie": ("charles", "charlotte"),
    "chuck": ("charles",),
    "abby": ("abigail",),
    "becky": ("rebecca",),
    "becca": ("rebecca",),
    "beth": ("elizabeth", "bethany"),
    "liz": ("elizabeth",),
    "lizzie": ("elizabeth",),
    "betty": ("elizabeth",),
    "ellie": ("eleanor", "elizabeth"),
    "kate": ("katherine", "catherine"),
    "katie": ("katherine", "catherine"),
    "kat": ("katherine", "catherine"),
    "cathy": ("catherine",),
    "kathy": ("katherine",),
    "jess": ("jessica",),
    "jessie": ("jessica",),
    "jen": ("jennifer",),
    "jenny": ("jennifer",),
    "maggie": ("margaret",),
    "meg": ("margaret",),
    "peggy": ("margaret",),
    "mandy": ("amanda",),
    "mel": ("melissa", "melanie"),
    "nicky": ("nicola",),
    "nikki": ("nicola",),
    "sue": ("susan",),
    "susie": ("susan",),
    "vicky": ("victoria",),
    "tori": ("victoria",),
    "steph": ("stephanie",),
    "debbie": ("deborah",),
    "sandy": ("sandra", "alexander"),
    "lou": ("louise",),
    "mo": ("maureen", "mohammed"),
    "tash": ("natasha",),
    "chloe": ("chloe",),
}

_SPACE = re.compile(r"\s+")
_NOT_LETTER = re.compile(r"[^a-z\s-]")


@lru_cache(maxsize=1_048_576)
def normalise(text: str | None) -> str:
    """Lower-case ASCII letters, single spaces; accents folded, punctuation and digits dropped."""
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = _NOT_LETTER.sub(" ", folded.replace("-", " "))
    return _SPACE.sub(" ", folded).strip()


def first_token(text: str | None) -> str:
    """The first word of a normalised name ('' when blank): 'Mary Ann' -> 'mary'."""
    norm = normalise(text)
    return norm.split(" ", 1)[0] if norm else ""


def is_initial(name: str) -> bool:
    """True when a normalised given name is only an initial ('j' from 'J.')."""
    return len(name) == 1


@lru_cache(maxsize=1_048_576)
def given_forms(name: str) -> tuple[str, ...]:
    """The forms a normalised given name can stand for: itself and, for a nickname, its formal names."""
    if not name:
        return ()
    return (name, *NICKNAMES.get(name, ()))


@lru_cache(maxsize=1_048_576)
def canonical_given(name: str) -> str:
    """One canonical form of a normalised given name: the first formal name of a nickname, else itself."""
    forms = given_forms(name)
    return forms[1] if len(forms) > 1 else name


@lru_cache(maxsize=1_048_576)
def phonetic(name: str) -> str:
    """Metaphone key of a normalised name ('' when blank): 'cartwright' and 'cartwrite' both give KRTRT."""
    return jellyfish.metaphone(name) if name else ""


def nicknames_agree(a: str, b: str) -> bool:
    """True when two different normalised given names share a formal form (bill and william, jess and jessica)."""
    return a != b and bool(set(given_forms(a)) & set(given_forms(b)))


def alias_tokens(aliases: object) -> set[str]:
    """Normalised first words of a person's aliases (a list, array or ';'-separated text)."""
    if aliases is None or isinstance(aliases, float):
        return set()
    items = aliases.split(";") if isinstance(aliases, str) else list(aliases)  # type: ignore[call-overload]
    return {first_token(str(a)) for a in items if isinstance(a, str) and a.strip()} - {""}
