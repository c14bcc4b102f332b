"""Places: hotspots (who and what is seen where, and when) and co-location of persons or vehicles."""

from __future__ import annotations

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
    return placed[["event", "location", "kind", "started_at"]].drop_duplicates(subset=["event", "location"])


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
    present = present.merge(placed[["event", "location", "started_at"]], on=["event", "location"], how="left")
    present["status"] = rule.status(present["person"], present["started_at"])
    locations = store.nodes("Location", columns=["name", "kind"]).set_index("key")
    # distinct children and adults at each place, counted once for all places (selecting each
    # place's persons over everyone present grows as places x presences)
    children_at = present.loc[present["status"] == CHILD].groupby("location")["person"].nunique().to_dict()
    adults_at = present.loc[present["status"] == ADULT].groupby("location")["person"].nunique().to_dict()
    rows = []
    for loc, evs in placed.groupby("location", sort=False):
        stamps = pd.to_datetime(evs["started_at"], errors="coerce").dropna()
        hours = [0] * 24
        days = [0] * 7
        for t in stamps:
            hours[t.hour] += 1
            days[t.weekday()] += 1
        rows.append(
            {
                "location_id": split_key(str(loc), "Location")[1],
                "key": loc,
                "name": locations["name"].get(loc),
                "kind": locations["kind"].get(loc),
                "children": int(children_at.get(loc, 0)),
                "adults": int(adults_at.get(loc, 0)),
                "events": evs["event"].nunique(),
                "by_hour": hours,
                "by_weekday": dict(zip(DAYS, days, strict=True)),
                "event_ids": sorted(split_key(str(e), "Event")[1] for e in evs["event"].unique()),
            }
        )
    frame = pd.DataFrame(rows, columns=["location_id", "key", "name", "kind", "children", "adults", "events",
                                        "by_hour", "by_weekday", "event_ids"])
    return frame.sort_values(["children", "adults", "events", "location_id"],
                             ascending=[False, False, False, True]).reset_index(drop=True)


def colocation(
    store: GraphStore, minimum: MinGrade | None = None, window_minutes: int = WINDOW_MINUTES,
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
        [_present(store, srcs, entity, placed).assign(entity=entity) for entity in ("Person", "Vehicle")],
        ignore_index=True,
    ).merge(placed, on=["event", "location"])
    seen["at"] = pd.to_datetime(seen["started_at"], errors="coerce")
    seen = seen.dropna(subset=["at"]).sort_values(["location", "at"], kind="stable")
    window = pd.Timedelta(minutes=window_minutes)
    meetings: dict[tuple[str, str, str], list[tuple[pd.Timestamp, str, str, str, list[str]]]] = {}
    for (loc, entity), here in seen.groupby(["location", "entity"], sort=False):
        recs = list(zip(here["at"], here["who"], here["event"], here["sources"], strict=True))
        start = 0
        for j in range(len(recs)):
            while recs[j][0] - recs[start][0] > window:
                start += 1
            for i in range(start, j):
                (t1, w1, e1, s1), (_t2, w2, e2, s2) = recs[i], recs[j]
                if w1 == w2:
                    continue
                a, b = sorted((w1, w2))
                meetings.setdefault((str(entity), a, b), []).append(
                    (t1, str(loc), str(e1), str(e2), [*list(s1), *list(s2)]))
    rows = []
    rule = Ages(persons(store))
    for (entity, a, b), meets in meetings.items():
        meets.sort()
        occasions: list[list[tuple[pd.Timestamp, str, str, str, list[str]]]] = []
        for m in meets:
            if occasions and m[0] - occasions[-1][0][0] <= window and m[1] == occasions[-1][0][1]:
                occasions[-1].append(m)
            else:
                occasions.append([m])
        if len(occasions) < min_occasions:
            continue
        detail = [
            {"at": occ[0][0].isoformat(), "location_id": split_key(occ[0][1], "Location")[1],
             "events": sorted({split_key(x, "Event")[1] for m in occ for x in (m[2], m[3])}),
             **srcs.cite(list(dict.fromkeys(s for m in occ for s in m[4])))}
            for occ in occasions
        ]
        young: list[str] = []
        if entity == "Person":  # who of the two was a child at one of the occasions (age at its date)
            at = [occ[0][0] for occ in occasions]
            young = [split_key(w, entity)[1] for w in (a, b) if rule.is_child([w] * len(at), at).any()]
        rows.append({"kind": entity.lower(), "a": split_key(a, entity)[1], "b": split_key(b, entity)[1],
                     "occasions": len(occasions), "meetings": detail, "children": young})
    frame = pd.DataFrame(rows, columns=["kind", "a", "b", "occasions", "meetings", "children"])
    return frame.sort_values(["occasions", "kind", "a", "b"], ascending=[False, True, True, True]).reset_index(drop=True)
