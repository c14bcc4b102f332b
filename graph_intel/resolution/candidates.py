"""Candidate matches between person records of different datasets or agencies: blocking, then scoring.

Blocking (which pairs are compared at all) uses keys that a true match is very likely to share:
- `dob_family`: date of birth (day and month sorted, so a day/month transposition still meets) with
  the metaphone key of the family name;
- `dob_given`: date of birth (as above) with the initial of the canonical given name (a changed or
  badly misspelt family name);
- `name`: metaphone of the family name with the initial of the canonical given name, in both
  orders, so a record with given and family names transposed meets the other (any date of birth);
- `phone`, `home`, `vehicle`: a shared phone (USES_PHONE), home (LIVES_AT a location with the same
  normalised postcode and address) or vehicle (KEEPER_OF/DRIVES).
A block with more than `max_block` records is skipped (a number used by a whole hostel is not an
identifier of one person) and counted in the stats. Pairs within one dataset whose records come
from the same agencies are never candidates: resolution is across datasets or agencies.

Scoring is a Fellegi-Sunter style sum of hand-set log2 weights (WEIGHTS), one per field outcome,
plus a prior; the score is the logistic of the sum, in 0..1. String similarity is rapidfuzz's
Jaro-Winkler, phonetic keys jellyfish's metaphone. Every candidate carries the outcomes as reasons:
which fields agreed and which disagreed. A phone, home or vehicle known on both sides but different
is not counted against a match (people change numbers and addresses); a shared one counts for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from graph_intel.resolution.names import (
    alias_tokens,
    canonical_given,
    first_token,
    normalise,
    phonetic,
)
from graph_intel.stores.base import GraphStore

#: Columns of a person frame (person_frame) that blocking and scoring read.
PERSON_COLUMNS = [
    "key",
    "dataset",
    "agencies",
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "phones",
    "homes",
    "vehicles",
]
#: Largest block compared; bigger blocks are skipped and counted in BlockStats.skipped.
MAX_BLOCK = 100
#: Jaro-Winkler similarity at or above which two names count as a spelling variant of each other.
FUZZY = 0.88
#: The score of a pair whose fields say nothing either way, as log2 odds.
PRIOR = -7.0

# Outcome codes per field (0 = not known on one side: no evidence either way).
FAM_EXACT, FAM_FUZZY, FAM_PHONETIC, FAM_DIFF = 1, 2, 3, 4
GIV_EXACT, GIV_NICK, GIV_FUZZY, GIV_INITIAL, GIV_ALIAS, GIV_DIFF = 1, 2, 3, 4, 5, 6
DOB_EXACT, DOB_SWAPPED, DOB_YEAR, DOB_DIFF = 1, 2, 3, 4

#: log2 weight of each outcome: what it says about "same person" against "different persons".
WEIGHTS: dict[str, dict[int, float]] = {
    "family_name": {FAM_EXACT: 4.0, FAM_FUZZY: 3.0, FAM_PHONETIC: 2.0, FAM_DIFF: -4.0},
    "given_name": {
        GIV_EXACT: 3.0,
        GIV_NICK: 2.5,
        GIV_FUZZY: 2.0,
        GIV_INITIAL: 1.0,
        GIV_ALIAS: 2.0,
        GIV_DIFF: -3.0,
    },
    "date_of_birth": {DOB_EXACT: 5.0, DOB_SWAPPED: 2.5, DOB_YEAR: 1.0, DOB_DIFF: -5.0},
}
#: log2 weight of a shared strong identifier.
SHARED_WEIGHTS = {"phone": 6.0, "home": 4.0, "vehicle": 3.0}
#: log2 cost of the names matching only when given and family are swapped.
TRANSPOSED = -0.5

_LABELS = {
    "family_name": {
        FAM_EXACT: "same",
        FAM_FUZZY: "spelling variant",
        FAM_PHONETIC: "sounds alike",
        FAM_DIFF: "differs",
    },
    "given_name": {
        GIV_EXACT: "same",
        GIV_NICK: "nickname of the same name",
        GIV_FUZZY: "spelling variant",
        GIV_INITIAL: "initial agrees",
        GIV_ALIAS: "matches an alias",
        GIV_DIFF: "differs",
    },
    "date_of_birth": {
        DOB_EXACT: "same",
        DOB_SWAPPED: "day and month transposed",
        DOB_YEAR: "year agrees (other date a 1 January year-only placeholder)",
        DOB_DIFF: "differs",
    },
}


@dataclass
class BlockStats:
    """What blocking did: pairs per rule, blocks skipped as too large, and the eligible pairs kept."""

    pairs: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    candidates: int = 0


def person_frame(store: GraphStore) -> pd.DataFrame:
    """Every stored person with what matching reads (PERSON_COLUMNS): names, dob, agencies, identifiers."""
    people = store.nodes(
        "Person",
        columns=["dataset", "given_name", "family_name", "aliases", "date_of_birth", "sources"],
    )
    if people.empty:
        return pd.DataFrame(columns=PERSON_COLUMNS)
    srcs = store.nodes("Source", columns=["agency"])
    agency = dict(zip(srcs["key"], srcs["agency"], strict=True)) if not srcs.empty else {}
    people["agencies"] = [
        tuple(
            sorted(
                {
                    str(agency[s])
                    for s in (ss if ss is not None else [])
                    if isinstance(agency.get(s), str)
                }
            )
        )
        for ss in people["sources"]
    ]
    people["phones"] = people["key"].map(_held(store, ("USES_PHONE",)))
    people["vehicles"] = people["key"].map(_held(store, ("KEEPER_OF", "DRIVES")))
    homes = _held(store, ("LIVES_AT",))
    places = store.nodes("Location", columns=["postcode", "address", "name"])
    address = (
        {
            k: _address_key(p, a, n)
            for k, p, a, n in zip(
                places["key"], places["postcode"], places["address"], places["name"], strict=True
            )
        }
        if not places.empty
        else {}
    )
    people["homes"] = people["key"].map(
        lambda k: tuple(sorted({address[x] for x in homes.get(k, ()) if address.get(x)}))
    )
    for col in ("phones", "vehicles"):
        people[col] = people[col].map(lambda v: v if isinstance(v, tuple) else ())
    return people[PERSON_COLUMNS].reset_index(drop=True)


def _held(store: GraphStore, links: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Person key -> sorted keys of what it holds by the given attribution links."""
    out: dict[str, set[str]] = {}
    for name in links:
        frame = store.links(name)
        for a, b in zip(frame["from_key"], frame["to_key"], strict=True) if not frame.empty else ():
            out.setdefault(a, set()).add(b)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _address_key(postcode: Any, address: Any, name: Any) -> str:
    """A home's matching key: normalised postcode and first address line (or name); '' when too vague."""
    line = normalise(address if isinstance(address, str) and address.strip() else name)
    code = normalise(postcode).replace(" ", "")
    return f"{code}|{line}" if code and line else ""


@dataclass
class Prepared:
    """Per-record arrays that blocking and scoring read (names normalised once per distinct value)."""

    keys: np.ndarray
    signature: np.ndarray
    given: np.ndarray
    family: np.ndarray
    canon: np.ndarray
    fam_phon: np.ndarray
    giv_phon: np.ndarray
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    aliases: list[set[str]]
    phones: pd.Series
    homes: pd.Series
    vehicles: pd.Series


def _mapped(values: pd.Series, func: Any) -> np.ndarray:
    """func applied once per distinct value of a series, as an object array."""
    codes, uniq = pd.factorize(values.fillna("").astype(str))
    done = np.array([func(u) for u in uniq] + [func("")], dtype=object)
    return done[np.where(codes < 0, len(uniq), codes)]


def prepare(frame: pd.DataFrame) -> Prepared:
    """Normalise a person frame once: names, canonical given name, metaphone keys, date parts."""
    given = _mapped(frame["given_name"], first_token)
    family = _mapped(frame["family_name"], normalise)
    canon = _mapped(pd.Series(given), canonical_given)
    dob = pd.to_datetime(frame["date_of_birth"], errors="coerce")
    known = dob.notna().to_numpy()
    year = np.where(known, dob.dt.year.fillna(0).astype(int), -1)
    month = np.where(known, dob.dt.month.fillna(0).astype(int), -1)
    day = np.where(known, dob.dt.day.fillna(0).astype(int), -1)
    agencies = frame["agencies"].map(
        lambda a: ",".join(a) if isinstance(a, tuple | list) else str(a)
    )
    return Prepared(
        keys=frame["key"].to_numpy(dtype=object),
        signature=(frame["dataset"].astype(str) + "|" + agencies).to_numpy(dtype=object),
        given=given,
        family=family,
        canon=canon,
        fam_phon=_mapped(pd.Series(family), phonetic),
        giv_phon=_mapped(pd.Series(given), phonetic),
        year=year,
        month=month,
        day=day,
        aliases=[alias_tokens(a) for a in frame["aliases"]]
        if frame["aliases"].notna().any()
        else [set()] * len(frame),
        phones=frame["phones"],
        homes=frame["homes"],
        vehicles=frame["vehicles"],
    )


def _initial(values: np.ndarray) -> np.ndarray:
    """First letter of each string ('' for blanks)."""
    return pd.Series(values, dtype=object).str[:1].fillna("").to_numpy(dtype=object)


def blocking_keys(p: Prepared) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Rule -> (record index, block key) arrays; a record without the fields a rule needs has no key."""
    n = len(p.keys)
    idx = np.arange(n)
    rules: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    has_dob = p.year > 0
    lo = np.minimum(p.month, p.day)
    hi = np.maximum(p.month, p.day)
    dob = (
        pd.Series(p.year.astype(str))
        + "-"
        + pd.Series(lo.astype(str))
        + "-"
        + pd.Series(hi.astype(str))
    )
    dob_arr = dob.to_numpy(dtype=object)
    ok = has_dob & (p.fam_phon != "")
    rules["dob_family"] = (idx[ok], dob_arr[ok] + "|" + p.fam_phon[ok])
    canon_initial = _initial(p.canon)
    ok = has_dob & (canon_initial != "")
    rules["dob_given"] = (idx[ok], dob_arr[ok] + "|" + canon_initial[ok])
    fam_initial = _initial(p.family)
    ok = (p.fam_phon != "") & (canon_initial != "")
    swap = (p.giv_phon != "") & (fam_initial != "")
    rules["name"] = (
        np.concatenate([idx[ok], idx[swap]]),
        np.concatenate(
            [p.fam_phon[ok] + "|" + canon_initial[ok], p.giv_phon[swap] + "|" + fam_initial[swap]]
        ),
    )
    for rule, col in (("phone", p.phones), ("home", p.homes), ("vehicle", p.vehicles)):
        lengths = col.map(len).to_numpy()
        if lengths.sum() == 0:
            continue
        rules[rule] = (np.repeat(idx, lengths), np.array([x for v in col for x in v], dtype=object))
    return rules


def _block_pairs(records: np.ndarray, keys: np.ndarray, max_block: int) -> tuple[np.ndarray, int]:
    """Pairs (as lo * 2**32 + hi codes) of records sharing a key; and how many blocks were too large."""
    if len(records) == 0:
        return np.empty(0, dtype=np.int64), 0
    codes, _ = pd.factorize(keys)
    order = np.argsort(codes, kind="stable")
    c, r = codes[order], records[order].astype(np.int64)
    sizes = np.bincount(c)
    skipped = int((sizes > max_block).sum())
    keep = (sizes[c] >= 2) & (sizes[c] <= max_block)
    c, r = c[keep], r[keep]
    out = []
    for d in range(1, max_block):
        if len(c) <= d:
            break
        same = c[d:] == c[:-d]
        if not same.any():
            break
        a, b = r[:-d][same], r[d:][same]
        out.append(np.minimum(a, b) << 32 | np.maximum(a, b))
    if not out:
        return np.empty(0, dtype=np.int64), skipped
    pairs = np.unique(np.concatenate(out))
    return pairs[(pairs >> 32) != (pairs & 0xFFFFFFFF)], skipped


def candidate_pairs(
    p: Prepared, max_block: int = MAX_BLOCK
) -> tuple[np.ndarray, dict[str, np.ndarray], BlockStats]:
    """Eligible pairs from every blocking rule (sorted codes), the pairs sharing each identifier, and stats."""
    stats = BlockStats()
    found: list[np.ndarray] = []
    shared: dict[str, np.ndarray] = {}
    for rule, (records, keys) in blocking_keys(p).items():
        pairs, skipped = _block_pairs(records, keys, max_block)
        stats.pairs[rule] = len(pairs)
        stats.skipped[rule] = skipped
        found.append(pairs)
        if rule in SHARED_WEIGHTS:
            shared[rule] = pairs
    allp = np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    i, j = allp >> 32, allp & 0xFFFFFFFF
    allp = allp[p.signature[i] != p.signature[j]]
    stats.candidates = len(allp)
    return allp, shared, stats


def score_pairs(
    p: Prepared, pairs: np.ndarray, shared: dict[str, np.ndarray] | None = None
) -> pd.DataFrame:
    """Field outcomes, log2 total and score (0..1) of each pair code: columns i, j, family, given, order, dob, phone, home, vehicle."""
    i = (pairs >> 32).astype(np.int64)
    j = (pairs & 0xFFFFFFFF).astype(np.int64)
    fam_a, fam_b, giv_a, giv_b = p.family[i], p.family[j], p.given[i], p.given[j]
    fam = _family_outcome(fam_a, fam_b, p.fam_phon[i], p.fam_phon[j])
    giv = _given_outcome(giv_a, giv_b, p.canon[i], p.canon[j])
    # transposed names: where the family names disagree, try given<->family the other way round
    order = np.zeros(len(i), dtype=np.int8)
    trial = np.flatnonzero(
        (fam == FAM_DIFF) & (giv_a != "") & (fam_b != "") & (fam_a != "") & (giv_b != "")
    )
    if len(trial):
        t_fam = _family_outcome(
            giv_a[trial], fam_b[trial], p.giv_phon[i][trial], p.fam_phon[j][trial]
        )
        t_giv = _given_outcome(fam_a[trial], giv_b[trial], fam_a[trial], p.canon[j][trial])
        better = (t_fam != FAM_DIFF) & (t_giv != GIV_DIFF)
        fam[trial[better]] = t_fam[better]
        giv[trial[better]] = t_giv[better]
        order[trial[better]] = 1
    _aliases(p, i, j, giv)
    dob = _dob_outcome(p, i, j)
    out = pd.DataFrame({"i": i, "j": j, "family": fam, "given": giv, "order": order, "dob": dob})
    total = np.full(len(i), PRIOR)
    for col, name in (("family", "family_name"), ("given", "given_name"), ("dob", "date_of_birth")):
        total += out[col].map(WEIGHTS[name]).fillna(0.0).to_numpy()
    total += TRANSPOSED * order
    for rule, weight in SHARED_WEIGHTS.items():
        flag = (
            np.isin(pairs, shared[rule])
            if shared and rule in shared
            else np.zeros(len(i), dtype=bool)
        )
        out[rule] = flag
        total += weight * flag
    out["total"] = total
    out["score"] = 1.0 / (1.0 + np.exp2(-total))
    return out


def _jw(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise Jaro-Winkler similarity (rapidfuzz, all cores)."""
    if len(a) == 0:
        return np.empty(0)
    return cpdist(list(a), list(b), scorer=JaroWinkler.normalized_similarity, workers=-1)


def _family_outcome(a: np.ndarray, b: np.ndarray, pa: np.ndarray, pb: np.ndarray) -> np.ndarray:
    """Family-name outcome per pair: same, spelling variant, sounds alike, differs, or unknown (0)."""
    out = np.zeros(len(a), dtype=np.int8)
    known = (a != "") & (b != "")
    sim = _jw(a, b)
    out[known] = FAM_DIFF
    out[known & (pa == pb)] = FAM_PHONETIC
    out[known & (sim >= FUZZY)] = FAM_FUZZY
    out[known & (a == b)] = FAM_EXACT
    return out


def _given_outcome(a: np.ndarray, b: np.ndarray, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """Given-name outcome per pair: same, nickname, spelling variant, initial, differs, or unknown (0)."""
    out = np.zeros(len(a), dtype=np.int8)
    known = (a != "") & (b != "")
    out[known] = GIV_DIFF
    first_a, first_b = _initial(a), _initial(b)
    initial = (
        known
        & ((pd.Series(a).str.len() == 1) | (pd.Series(b).str.len() == 1)).to_numpy()
        & (first_a == first_b)
    )
    out[initial] = GIV_INITIAL
    full = known & ~initial
    out[full & (_jw(ca, cb) >= FUZZY)] = GIV_FUZZY
    out[full & (ca == cb) & (a != b)] = GIV_NICK
    out[full & (a == b)] = GIV_EXACT
    return out


def _aliases(p: Prepared, i: np.ndarray, j: np.ndarray, giv: np.ndarray) -> None:
    """Where given names differ, a given name or alias of one that is an alias of the other agrees."""
    has = np.fromiter((bool(a) for a in p.aliases), dtype=bool, count=len(p.aliases))
    for n in np.flatnonzero((giv == GIV_DIFF) & (has[i] | has[j])):
        a, b = p.aliases[i[n]], p.aliases[j[n]]
        if (a or b) and ((a | {p.given[i[n]]}) & (b | {p.given[j[n]]})):
            giv[n] = GIV_ALIAS


def _dob_outcome(p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Date-of-birth outcome: same, day/month transposed, year only (a 1 January placeholder), differs, or unknown."""
    ya, yb, ma, mb, da, db = p.year[i], p.year[j], p.month[i], p.month[j], p.day[i], p.day[j]
    known = (ya > 0) & (yb > 0)
    out = np.zeros(len(i), dtype=np.int8)
    out[known] = DOB_DIFF
    placeholder = ((ma == 1) & (da == 1)) | ((mb == 1) & (db == 1))
    out[known & (ya == yb) & placeholder] = DOB_YEAR
    out[known & (ya == yb) & (ma == db) & (da == mb)] = DOB_SWAPPED
    out[known & (ya == yb) & (ma == mb) & (da == db)] = DOB_EXACT
    return out


def _iso(p: Prepared, n: int) -> str:
    return f"{p.year[n]:04d}-{p.month[n]:02d}-{p.day[n]:02d}" if p.year[n] > 0 else ""


def reasons(p: Prepared, row: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(agreements, disagreements) of one scored pair, in words that name the field and the values."""
    i, j = int(row["i"]), int(row["j"])
    agree: list[str] = []
    differ: list[str] = []
    for col, name, va, vb in (
        ("family", "family_name", p.family[i], p.family[j]),
        ("given", "given_name", p.given[i], p.given[j]),
        ("dob", "date_of_birth", _iso(p, i), _iso(p, j)),
    ):
        code = int(row[col])
        if code == 0:
            continue
        text = f"{name}: {_LABELS[name][code]}"
        if col in ("family", "given") and row["order"]:
            text += " (given and family names transposed)"
        (differ if WEIGHTS[name][code] < 0 else agree).append(
            f"{text} ({va} / {vb})" if va != vb else text
        )
    for rule, col in (("phone", p.phones), ("home", p.homes), ("vehicle", p.vehicles)):
        if row[rule]:
            both = sorted(set(col.iloc[i]) & set(col.iloc[j]))
            agree.append(f"shared {rule}: {', '.join(both)}")
    return agree, differ


def find_candidates(
    frame: pd.DataFrame, min_score: float = 0.0, max_block: int = MAX_BLOCK
) -> tuple[pd.DataFrame, Prepared, BlockStats]:
    """Scored candidate pairs of a person frame at or above `min_score`, best first, with the prepared arrays."""
    p = prepare(frame)
    pairs, shared, stats = candidate_pairs(p, max_block)
    scored = score_pairs(p, pairs, shared)
    scored = scored[scored["score"] >= min_score]
    ka, kb = p.keys[scored["i"]], p.keys[scored["j"]]
    swap = ka > kb
    si, sj = scored["i"].to_numpy(), scored["j"].to_numpy()
    scored = scored.assign(
        i=np.where(swap, sj, si),
        j=np.where(swap, si, sj),
        a=np.where(swap, kb, ka),
        b=np.where(swap, ka, kb),
    )
    scored = scored.sort_values(["score", "a", "b"], ascending=[False, True, True]).reset_index(
        drop=True
    )
    return scored, p, stats


def candidates(store: GraphStore, min_score: float = 0.5) -> list[dict[str, Any]]:
    """The contract's candidates: [{a, b, score, agreements, disagreements}] best first, keys DATASET:ID."""
    scored, p, _ = find_candidates(person_frame(store), min_score)
    out = []
    for row in scored.to_dict("records"):
        agree, differ = reasons(p, row)
        out.append(
            {
                "a": row["a"],
                "b": row["b"],
                "score": round(float(row["score"]), 4),
                "agreements": agree,
                "disagreements": differ,
            }
        )
    return out
