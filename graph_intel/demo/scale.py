"""Background rows for `demo --scale N`: N x 1,000 synthetic persons and everything around them.

Vectorised with numpy and written with pyarrow's CSV writer, appended after the story rows with the
same column sets. Adults form small clusters (2-8 people) sharing a phone, a home, sometimes a car,
calling each other and seen together; a few association links bridge clusters, so the adult graph
has many small components and a few larger ones, not one giant component. Children are not in
clusters: adults reach them by calls and sightings, which join no adults together. Phone numbers
come from numbers.scale_mobiles (possible, never valid); marks are synthetic current-format VRMs.
Nothing about ethnicity, religion or nationality is generated.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from graph_intel.demo import story
from graph_intel.demo.numbers import SCALE_CAPACITY, scale_mobiles

log = logging.getLogger(__name__)

CHUNK = 200_000  # persons generated and written per chunk
CHILD_SHARE = 0.05
_GIVEN = np.array(
    [
        "Alex",
        "Sam",
        "Jordan",
        "Casey",
        "Robin",
        "Morgan",
        "Jamie",
        "Taylor",
        "Drew",
        "Charlie",
        "Frankie",
        "Jesse",
        "Kit",
        "Lou",
        "Max",
        "Nat",
        "Reece",
        "Sky",
    ]
)
_FAMILY = np.array(
    [
        "Amberfield",
        "Bellwether",
        "Cindergate",
        "Dovecote",
        "Elderholm",
        "Fernwhistle",
        "Gorseby",
        "Hollowmere",
        "Inkpen-Vale",
        "Juniperlow",
        "Kettlewick",
        "Larchmoor",
        "Marshfold",
        "Nettlecombe",
        "Oxhollow",
        "Pebbleton",
        "Quernside",
        "Rookhaven",
    ]
)
_ADULT_CATEGORY = np.array(["suspect", "associate", "unknown"])
_ASSOC = np.array(["associate_of", "family_of", "partner_of"])
_SOURCES = np.array([r["source_id"] for r in story.SOURCES] + [""])
_LETTERS = np.array(list("ABCDEFGHJKLMNOPRSTUVWXY"))  # no I, Q, Z
_FIRST = np.array(list("CDEFGMNOPRSTUVWX"))  # first letters the story's marks do not use
_T0 = np.datetime64("2009-01-01T00:00:00", "s")
_SPAN_S = 3 * 365 * 86_400


def _ids(prefix: str, index: np.ndarray, width: int = 7) -> np.ndarray:
    """Readable ids such as B0000001 for an index array."""
    return np.char.add(prefix, np.char.zfill((index + 1).astype(str), width))


def _vrms(index: np.ndarray) -> np.ndarray:
    """Unique synthetic current-format marks (AB12 CDE shape) for an index array."""
    i = index.astype(np.int64)
    l5 = _LETTERS[i % 23]
    i //= 23
    l4 = _LETTERS[i % 23]
    i //= 23
    l3 = _LETTERS[i % 23]
    i //= 23
    d = np.char.zfill((i % 100).astype(str), 2)
    i //= 100
    l2 = _LETTERS[i % 23]
    i //= 23
    l1 = _FIRST[i % len(_FIRST)]
    out = np.char.add(np.char.add(l1, l2), d)
    return np.char.add(np.char.add(out, " "), np.char.add(np.char.add(l3, l4), l5))


def _times(rng: np.random.Generator, n: int, evening: bool = False) -> np.ndarray:
    """ISO datetimes in 2009-2011; `evening` puts them between 18:00 and 02:00."""
    days = rng.integers(0, _SPAN_S // 86_400, n) * 86_400
    if evening:
        secs = 18 * 3600 + rng.integers(0, 8 * 3600, n)
    else:
        secs = rng.integers(0, 86_400, n)
    return np.datetime_as_string(_T0 + (days + secs).astype("timedelta64[s]"), unit="s")


def _dates(rng: np.random.Generator, n: int, first: str, last: str) -> np.ndarray:
    lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
    return np.datetime_as_string(
        lo + rng.integers(0, (hi - lo).astype(np.int64), n).astype("timedelta64[D]")
    )


class _Writer:
    """Appends column dicts to the story's files, in the story's column order."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rows: dict[str, int] = {f: 0 for f in story.FILES}

    def write(self, name: str, cols: dict[str, np.ndarray]) -> None:
        n = len(next(iter(cols.values())))
        if n == 0:
            return
        arrays = []
        for c in story.COLUMNS[name]:
            v = cols.get(c)
            arrays.append(
                pa.nulls(n, pa.string()) if v is None else pa.array(np.asarray(v).astype(str))
            )
        table = pa.Table.from_arrays(arrays, names=story.COLUMNS[name])
        with open(self.out / name, "ab") as fh:
            pacsv.write_csv(
                table, fh, pacsv.WriteOptions(include_header=False, quoting_style="needed")
            )
        self.rows[name] += n


def _chunk(w: _Writer, rng: np.random.Generator, start: int, n: int) -> None:
    """Generate and write one chunk of `n` persons whose global indices start at `start`."""
    idx = start + np.arange(n)
    pid = _ids("B", idx)
    is_child = rng.random(n) < CHILD_SHARE
    adults = np.flatnonzero(~is_child)
    kids = np.flatnonzero(is_child)
    src = _SOURCES[rng.integers(0, len(_SOURCES), n)]

    category = _ADULT_CATEGORY[rng.integers(0, 3, n)].astype(object)
    category[is_child] = "child"
    dob = np.where(
        is_child,
        _dates(rng, n, "1993-01-01", "1999-12-31"),
        _dates(rng, n, "1955-01-01", "1990-12-31"),
    )
    status = np.full(n, "", dtype=object)
    status[kids] = np.array(
        ["", "", "", "care_order", "accommodated_s20", "interim_care_order"], dtype=object
    )[rng.integers(0, 6, len(kids))]
    w.write(
        "persons.csv",
        dict(
            person_id=pid,
            given_name=_GIVEN[rng.integers(0, len(_GIVEN), n)],
            family_name=_FAMILY[rng.integers(0, len(_FAMILY), n)],
            date_of_birth=dob,
            category=category,
            legal_status=status,
            source_id=src,
        ),
    )

    # clusters of 2-8 adults
    sizes = rng.integers(2, 9, len(adults) // 2 + 1)
    cl = np.repeat(np.arange(len(sizes)), sizes)[: len(adults)]
    if len(cl) > 1 and cl[-1] != cl[-2]:
        cl[-1] = cl[-2]  # no cluster of one
    n_cl = int(cl.max()) + 1 if len(cl) else 0
    cl_start = np.searchsorted(cl, np.arange(n_cl))
    cl_size = np.bincount(cl, minlength=n_cl)
    pos = np.arange(len(adults)) - cl_start[cl]
    head = adults[cl_start]  # first member of each cluster (chunk-local person index)

    # locations: one home per cluster, one per child, a public place per 200 persons
    n_pub = max(1, n // 200)
    loc_base = start  # location ids share the person index space: unique across chunks
    home_of_cluster = _ids("BL", loc_base + np.arange(n_cl))
    home_of_kid = _ids("BL", loc_base + n_cl + np.arange(len(kids)))
    public = _ids("BL", loc_base + n_cl + len(kids) + np.arange(n_pub))
    pub_kind = np.array(["hotel", "takeaway", "park", "street", "shop"])[rng.integers(0, 5, n_pub)]
    n_loc = n_cl + len(kids) + n_pub
    loc_ids = np.concatenate([home_of_cluster, home_of_kid, public])
    kinds = np.concatenate([np.full(n_cl + len(kids), "home"), pub_kind])
    lat = np.round(53.5 + rng.random(n_loc) * 0.6, 5)
    lon = np.round(-2.2 + rng.random(n_loc) * 0.9, 5)
    w.write(
        "locations.csv",
        dict(
            location_id=loc_ids,
            name=np.char.add("Place ", loc_ids),
            kind=kinds,
            address=np.char.add(
                np.char.add(rng.integers(1, 200, n_loc).astype(str), " "),
                _FAMILY[rng.integers(0, len(_FAMILY), n_loc)].astype(str) + " Road",
            ),
            latitude=lat,
            longitude=lon,
        ),
    )

    # phones: one per person; vehicles: one per 2.5 clusters
    phones = scale_mobiles(idx).to_numpy().astype(str)
    car_cl = np.flatnonzero(rng.random(n_cl) < 0.4)
    vrm = _vrms(start + np.arange(len(car_cl)))
    w.write(
        "vehicles.csv",
        dict(
            vrm=vrm,
            make=np.array(["Ford", "Vauxhall", "Toyota", "Nissan", "Kia"])[
                rng.integers(0, 5, len(vrm))
            ],
            colour=np.array(["black", "silver", "white", "blue", "red"])[
                rng.integers(0, 5, len(vrm))
            ],
            private_hire_licence=np.where(
                rng.random(len(vrm)) < 0.2,
                np.char.add("PH ", rng.integers(1000, 9999, len(vrm)).astype(str)),
                "",
            ),
        ),
    )

    # links (~5 per person)
    L: list[dict[str, np.ndarray]] = []

    def links(fk: str, fid: np.ndarray, tk: str, tid: np.ndarray, kind: np.ndarray | str) -> None:
        m = len(fid)
        L.append(
            dict(
                from_kind=np.full(m, fk),
                from_id=fid,
                to_kind=np.full(m, tk),
                to_id=tid,
                link=np.broadcast_to(np.asarray(kind), (m,)),
                first_seen=_dates(rng, m, "2008-01-01", "2011-06-30"),
                source_id=_SOURCES[rng.integers(0, len(_SOURCES), m)],
            )
        )

    links("person", pid, "phone", phones, "uses_phone")
    pair = np.flatnonzero(
        cl_size >= 2
    )  # a shared handset in each cluster: member 2 uses member 1's
    links("person", pid[adults[cl_start[pair] + 1]], "phone", phones[head[pair]], "uses_phone")
    links("person", pid[adults], "location", home_of_cluster[cl], "lives_at")
    links("person", pid[kids], "location", home_of_kid, "lives_at")
    nxt = np.flatnonzero(pos + 1 < cl_size[cl])  # a chain of associations inside each cluster
    links(
        "person",
        pid[adults[nxt]],
        "person",
        pid[adults[nxt + 1]],
        _ASSOC[rng.integers(0, 3, len(nxt))],
    )
    links("person", pid[head[car_cl]], "vehicle", vrm, "keeper_of")
    links("person", pid[adults[cl_start[car_cl] + 1]], "vehicle", vrm, "drives")
    k = int(n * 1.7)
    links(
        "person",
        pid[rng.integers(0, n, k)],
        "location",
        public[rng.integers(0, n_pub, k)],
        "frequents",
    )
    b = max(1, len(adults) // 500)  # bridges between clusters
    links(
        "person",
        pid[adults[rng.integers(0, len(adults), b)]],
        "person",
        pid[adults[rng.integers(0, len(adults), b)]],
        "associate_of",
    )
    if len(kids) > 1:
        ki = rng.choice(len(kids), len(kids) // 10, replace=False)
        links(
            "person",
            pid[kids[ki]],
            "person",
            pid[kids[rng.integers(0, len(kids), len(ki))]],
            "introduced",
        )
    w.write("links.csv", {c: np.concatenate([x[c] for x in L]) for c in L[0]})

    # events: sightings of 2-3 cluster members (sometimes with a child) at public places,
    # and missing episodes of children
    n_sight = n // 4
    ev_base = start * 2  # event ids share a doubled index space: unique across chunks
    sid = _ids("BE", ev_base + np.arange(n_sight), 8)
    scl = rng.integers(0, n_cl, n_sight)
    n_miss = len(kids) * 2
    mid = _ids("BE", ev_base + n_sight + np.arange(n_miss), 8)
    mstart = _times(rng, n_miss, evening=True)
    mend = np.datetime_as_string(
        np.array(mstart, dtype="datetime64[s]")
        + rng.integers(3600, 40 * 3600, n_miss).astype("timedelta64[s]"),
        unit="s",
    )
    w.write(
        "events.csv",
        dict(
            event_id=np.concatenate([sid, mid]),
            kind=np.concatenate([np.full(n_sight, "sighting"), np.full(n_miss, "missing_episode")]),
            start=np.concatenate([_times(rng, n_sight, evening=True), mstart]),
            end=np.concatenate([np.full(n_sight, ""), mend]),
            location_id=np.concatenate(
                [public[rng.integers(0, n_pub, n_sight)], np.full(n_miss, "")]
            ),
            summary=np.concatenate(
                [np.full(n_sight, "seen together"), np.full(n_miss, "reported missing")]
            ),
        ),
    )
    m1, m2 = adults[cl_start[scl]], adults[cl_start[scl] + 1]
    third = np.flatnonzero(cl_size[scl] >= 3)
    with_kid = np.flatnonzero(rng.random(n_sight) < 0.4) if len(kids) else np.array([], int)
    pe = np.concatenate([sid, sid, sid[third], sid[with_kid], mid])
    pp = np.concatenate(
        [
            pid[m1],
            pid[m2],
            pid[adults[cl_start[scl[third]] + 2]],
            pid[kids[rng.integers(0, len(kids), len(with_kid))]] if len(kids) else [],
            np.repeat(pid[kids], 2),
        ]
    )
    role = np.concatenate(
        [
            np.full(len(sid) * 2 + len(third), "with"),
            np.full(len(with_kid), "subject"),
            np.full(n_miss, "subject"),
        ]
    )
    w.write(
        "event_participants.csv",
        dict(event_id=pe, kind=np.full(len(pe), "person"), id=pp, role=role),
    )

    # calls (~2 per person): mostly inside clusters, some from adults to children's phones
    n_in = int(n * 1.7)
    a = rng.integers(0, len(adults), n_in)
    bpos = (pos[a] + 1 + rng.integers(0, cl_size[cl[a]] - 1)) % cl_size[cl[a]]
    callee_in = adults[cl_start[cl[a]] + bpos]
    n_kid = int(n * 0.3) if len(kids) else 0
    a2 = adults[rng.integers(0, len(adults), n_kid)]
    k2 = kids[rng.integers(0, len(kids), n_kid)] if n_kid else np.array([], int)
    caller = np.concatenate([adults[a], a2])
    callee = np.concatenate([callee_in, k2])
    m = len(caller)
    swap = rng.random(m) < 0.5
    caller, callee = np.where(swap, callee, caller), np.where(swap, caller, callee)
    typ = np.array(["voice", "sms", "voice", "sms", "mms"])[rng.integers(0, 5, m)]
    w.write(
        "calls.csv",
        dict(
            caller=phones[caller],
            callee=phones[callee],
            start=_times(rng, m),
            duration_s=np.where(typ == "voice", rng.integers(1, 900, m), 0),
            type=typ,
            source_id=np.full(m, "S2"),
        ),
    )

    # ANPR: ~4 reads per vehicle
    if len(vrm):
        r = len(vrm) * 4
        cams = max(1, n // 1000)
        cam = rng.integers(0, cams, r)
        w.write(
            "anpr.csv",
            dict(
                vrm=vrm[rng.integers(0, len(vrm), r)],
                seen_at=_times(rng, r),
                camera_id=np.char.add("BCAM-", (start // 1000 + cam).astype(str)),
                latitude=np.round(53.5 + cam / cams * 0.6, 5),
                longitude=np.round(-2.0 + cam / cams * 0.5, 5),
                direction=np.array(["N", "S", "E", "W"])[rng.integers(0, 4, r)],
                source_id=np.full(r, "S8"),
            ),
        )

    # handsets: 1% of cluster heads examined; their cluster-mates' numbers saved
    ex_cl = np.flatnonzero(rng.random(n_cl) < 0.01)
    if len(ex_cl):
        mates = np.repeat(ex_cl, cl_size[ex_cl])
        offs = np.arange(len(mates)) - np.repeat(
            np.cumsum(cl_size[ex_cl]) - cl_size[ex_cl], cl_size[ex_cl]
        )
        keep = offs > 0
        mates, offs = mates[keep], offs[keep]
        w.write(
            "handset_contacts.csv",
            dict(
                handset=phones[head[mates]],
                exhibit_ref=np.char.add("BX/", (start + mates).astype(str)),
                contact_name=_GIVEN[rng.integers(0, len(_GIVEN), len(mates))],
                contact_number=phones[adults[cl_start[mates] + offs]],
                source_id=np.full(len(mates), "S10"),
            ),
        )

    # intelligence reports naming a number
    n_rep = n // 100
    subj = rng.integers(0, n, n_rep)
    w.write(
        "intel_reports.csv",
        dict(
            report_id=_ids("BR", start + np.arange(n_rep)),
            recorded_at=_dates(rng, n_rep, "2009-01-01", "2011-12-31"),
            subject_person_id=pid[subj],
            text=np.char.add(
                np.char.add("Subject believed to use ", phones[subj]), "; seen late evening."
            ),
            source_id=np.full(n_rep, "S1"),
        ),
    )


def append_background(out: Path, scale: int, seed: int = 7) -> dict[str, int]:
    """Append `scale` x 1,000 background persons and their rows to the story files in `out`."""
    total = int(scale) * 1000
    if total > SCALE_CAPACITY:
        raise ValueError(
            f"--scale {scale} needs more than {SCALE_CAPACITY:,} phone numbers; "
            f"use --scale {SCALE_CAPACITY // 1000} or less"
        )
    w = _Writer(Path(out))
    t0 = time.perf_counter()
    for ci, start in enumerate(range(0, total, CHUNK)):
        rng = np.random.default_rng([seed, ci])
        _chunk(w, rng, start, min(CHUNK, total - start))
    secs = time.perf_counter() - t0
    rows = sum(w.rows.values())
    log.info(
        "demo scale %d: %d rows in %.1f s (%.0f rows/s)", scale, rows, secs, rows / max(secs, 1e-9)
    )
    return w.rows
