"""Places: hotspots (who and what is seen where, and when) and co-location of persons or vehicles."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from graph_intel.analysis.age import ADULT, CHILD, Ages
from graph_intel.analysis.evidence import persons
from graph_intel.analysis.explain import Sources
from graph_intel.grading import MinGrade
from graph_intel.refs import split_key
from graph_intel.resolution.clusters import canonical, representatives
from graph_intel.stores.base import GraphStore

#: Event kinds that put those present at a place together (co-location).
COLOCATION_EVENTS = ("sighting", "anpr_read")
#: Default co-location window and least number of separate occasions.
WINDOW_MINUTES = 15
MIN_OCCASIONS = 3
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _placed_events(store: GraphStore, srcs: Sources) -> pd.DataFrame:
    """Events with a place (a pattern query in the store): event, location, kind, started_at."""
    placed = srcs.filter(store.placed_events())
    return placed[["event", "location", "kind", "started_at"]].drop_duplicates(
        subset=["event", "location"]
    )


def _present(store: GraphStore, srcs: Sources, entity: str, placed: pd.DataFrame) -> pd.DataFrame:
    """Who of one kind took part in a placed event, by a graded link: who, event, location, sources.

    A person is named by the representative of their same-person cluster (resolution), so a child
    recorded twice is one child at a place, whichever record saw her."""
    parts = srcs.filter(store.present_at_places(entity))[["who", "event", "location", "sources"]]
    if entity == "Person":
        parts = parts.assign(who=canonical(parts["who"], representatives(store)))
    return parts.merge(placed[["event", "location"]], on=["event", "location"])


def hotspots(store: GraphStore, minimum: MinGrade | None = None) -> pd.DataFrame:
    """Locations by distinct children, then adults, then events there, with hour and weekday profiles.

    A person counts as a child there when a child on the date of an event there (age at the event,
    graph_intel.analysis.age), and as an adult when an adult on the date of an event there.
    """
    srcs = Sources(store, minimum)
    placed = _placed_events(store, srcs)
    rule = Ages(persons(store))
    present = _present(store, srcs, "Person", placed).rename(columns={"who": "person"})
    present = present.merge(
        placed[["event", "location", "started_at"]], on=["event", "location"], how="left"
    )
    present["status"] = rule.status(present["person"], present["started_at"])
    locations = store.nodes("Location", columns=["name", "kind"]).set_index("key")
    # distinct children and adults at each place, counted once for all places (selecting each
    # place's persons over everyone present grows as places x presences)
    children_at = (
        present.loc[present["status"] == CHILD].groupby("location")["person"].nunique().to_dict()
    )
    adults_at = (
        present.loc[present["status"] == ADULT].groupby("location")["person"].nunique().to_dict()
    )
    # each place's hour and weekday profile, event count and event ids worked out for all places
    # at once (a groupby loop of pandas calls per place took 9 s over 15,000 places); places in
    # order of first appearance, as groupby(sort=False) gives them
    codes, places = pd.factorize(placed["location"], sort=False)
    stamps = pd.to_datetime(placed["started_at"], errors="coerce")
    dated = stamps.notna().to_numpy(dtype=bool)
    hours = np.zeros((len(places), 24), dtype=np.int64)
    days = np.zeros((len(places), 7), dtype=np.int64)
    np.add.at(hours, (codes[dated], stamps[dated].dt.hour.to_numpy(dtype=np.int64)), 1)
    np.add.at(days, (codes[dated], stamps[dated].dt.day_of_week.to_numpy(dtype=np.int64)), 1)
    # placed holds each (event, place) once, so a place's rows are its distinct events
    events = np.bincount(codes, minlength=len(places))
    ids: list[list[str]] = [[] for _ in range(len(places))]
    for code, event in zip(codes.tolist(), placed["event"].tolist(), strict=True):
        ids[code].append(split_key(str(event), "Event")[1])
    keys = locations.index.tolist()
    names = dict(zip(keys, locations["name"].tolist(), strict=True))
    kinds = dict(zip(keys, locations["kind"].tolist(), strict=True))
    rows = [
        {
            "location_id": split_key(str(loc), "Location")[1],
            "key": loc,
            "name": names.get(loc),
            "kind": kinds.get(loc),
            "children": int(children_at.get(loc, 0)),
            "adults": int(adults_at.get(loc, 0)),
            "events": int(events[i]),
            "by_hour": hours[i].tolist(),
            "by_weekday": dict(zip(DAYS, days[i].tolist(), strict=True)),
            "event_ids": sorted(ids[i]),
        }
        for i, loc in enumerate(places.tolist())
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "location_id",
            "key",
            "name",
            "kind",
            "children",
            "adults",
            "events",
            "by_hour",
            "by_weekday",
            "event_ids",
        ],
    )
    return frame.sort_values(
        ["children", "adults", "events", "location_id"], ascending=[False, False, False, True]
    ).reset_index(drop=True)


def colocation(
    store: GraphStore,
    minimum: MinGrade | None = None,
    window_minutes: int = WINDOW_MINUTES,
    min_occasions: int = MIN_OCCASIONS,
) -> pd.DataFrame:
    """Pairs of persons, or of vehicles, at the same place within the window on `min_occasions`+ occasions.

    Appearances are sightings (persons and vehicles present) and ANPR reads (the vehicle read at the
    camera). Two appearances at one location within the window are one meeting; meetings of a pair
    closer together than the window are one occasion.
    """
    srcs = Sources(store, minimum)
    placed = _placed_events(store, srcs)
    placed = placed[placed["kind"].isin(COLOCATION_EVENTS)]
    seen = pd.concat(
        [
            _present(store, srcs, entity, placed).assign(entity=entity)
            for entity in ("Person", "Vehicle")
        ],
        ignore_index=True,
    ).merge(placed, on=["event", "location"])
    seen["at"] = pd.to_datetime(seen["started_at"], errors="coerce")
    seen = seen.dropna(subset=["at"]).sort_values(["location", "at"], kind="stable")
    window = pd.Timedelta(minutes=window_minutes)
    meets = _meetings(seen, window, min_occasions)
    rows: list[dict[str, Any]] = []
    rule = Ages(persons(store))
    ask_keys: list[str] = []
    ask_at: list[pd.Timestamp] = []
    ask_owner: list[int] = []
    for (entity, a, b), pair in meets.items():
        pair.sort()
        occasions: list[list[tuple[pd.Timestamp, str, str, str, list[str]]]] = []
        for m in pair:
            if occasions and m[0] - occasions[-1][0][0] <= window and m[1] == occasions[-1][0][1]:
                occasions[-1].append(m)
            else:
                occasions.append([m])
        if len(occasions) < min_occasions:
            continue
        detail = [
            {
                "at": occ[0][0].isoformat(),
                "location_id": split_key(occ[0][1], "Location")[1],
                "events": sorted({split_key(x, "Event")[1] for m in occ for x in (m[2], m[3])}),
                **srcs.cite(list(dict.fromkeys(s for m in occ for s in m[4]))),
            }
            for occ in occasions
        ]
        if (
            entity == "Person"
        ):  # who of the two was a child at one of the occasions: judged below, at once
            for side, w in enumerate((a, b)):
                ask_keys += [w] * len(occasions)
                ask_at += [occ[0][0] for occ in occasions]
                ask_owner += [2 * len(rows) + side] * len(occasions)
        rows.append(
            {
                "kind": entity.lower(),
                "a": split_key(a, entity)[1],
                "b": split_key(b, entity)[1],
                "occasions": len(occasions),
                "meetings": detail,
                "children": [],
            }
        )
    if ask_keys:  # age at each occasion's date, for every pair in one call
        child = rule.is_child(pd.Series(ask_keys, dtype=object), pd.Series(ask_at))
        hit = np.bincount(np.asarray(ask_owner, dtype=np.int64)[child], minlength=2 * len(rows)) > 0
        for i, row in enumerate(rows):
            row["children"] = [row[side] for n, side in enumerate(("a", "b")) if hit[2 * i + n]]
    frame = pd.DataFrame(rows, columns=["kind", "a", "b", "occasions", "meetings", "children"])
    return frame.sort_values(
        ["occasions", "kind", "a", "b"], ascending=[False, True, True, True]
    ).reset_index(drop=True)


Meeting = tuple[pd.Timestamp, str, str, str, list[str]]


def _meetings(
    seen: pd.DataFrame, window: pd.Timedelta, at_least: int
) -> dict[tuple[str, str, str], list[Meeting]]:
    """Each pair's meetings, (time of the earlier, location, its event, the later's event, sources).

    Two appearances at one location (of one entity kind) within the window are a meeting. The
    pairs are found as whole arrays: each appearance's earliest partner by a binary search within
    its place (rows are sorted by location and time), every (earlier, later) pair by repeat and
    offset; only pairs that meet `at_least` times are made into Python tuples (each occasion is one
    meeting or more, so a pair with fewer meetings cannot have `at_least` occasions).
    """
    out: dict[tuple[str, str, str], list[Meeting]] = {}
    if seen.empty:
        return out
    place = pd.factorize(
        seen["location"].astype(str) + "\x1f" + seen["entity"].astype(str), sort=False
    )[0]
    ticks = seen["at"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    width = int(window / pd.Timedelta(microseconds=1))
    first = np.flatnonzero(np.r_[True, place[1:] != place[:-1]])
    if len(np.unique(place[first])) != len(first):  # rows of a place are not together: keep them so
        order = np.argsort(place, kind="stable")
        seen, place, ticks = seen.iloc[order], place[order], ticks[order]
        first = np.flatnonzero(np.r_[True, place[1:] != place[:-1]])
    last = np.append(first[1:], len(place))
    start = np.empty(len(place), dtype=np.int64)
    for lo, hi in zip(first.tolist(), last.tolist(), strict=True):
        start[lo:hi] = lo + np.searchsorted(ticks[lo:hi], ticks[lo:hi] - width, side="left")
    counts = np.arange(len(place)) - start
    total = int(counts.sum())
    if total == 0:
        return out
    later = np.repeat(np.arange(len(place)), counts)
    earlier = (
        np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(start, counts)
    )
    who_codes, who_names = pd.factorize(seen["who"].astype(str), sort=True)
    wi, wj = who_codes[earlier], who_codes[later]
    keep = wi != wj
    earlier, later, wi, wj = earlier[keep], later[keep], wi[keep], wj[keep]
    entity_codes, entity_names = pd.factorize(seen["entity"].astype(str), sort=True)
    lo, hi = np.minimum(wi, wj).astype(np.int64), np.maximum(wi, wj).astype(np.int64)
    pair = (entity_codes[earlier].astype(np.int64) * len(who_names) + lo) * len(who_names) + hi
    _, inverse, times = np.unique(pair, return_inverse=True, return_counts=True)
    often = times[inverse] >= max(1, at_least)
    earlier, later, pair, lo, hi = earlier[often], later[often], pair[often], lo[often], hi[often]
    ents = entity_codes[earlier]
    at = seen["at"].to_numpy()
    loc = seen["location"].to_numpy(dtype=object)
    event = seen["event"].to_numpy(dtype=object)
    sources = seen["sources"].to_numpy(dtype=object)
    names, kinds = who_names.tolist(), entity_names.tolist()
    for i, j, e, a, b in zip(
        earlier.tolist(), later.tolist(), ents.tolist(), lo.tolist(), hi.tolist(), strict=True
    ):
        out.setdefault((kinds[e], names[a], names[b]), []).append(
            (
                pd.Timestamp(at[i]),
                str(loc[i]),
                str(event[i]),
                str(event[j]),
                [*list(sources[i]), *list(sources[j])],
            )
        )
    return out
