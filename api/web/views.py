"""What each hub page shows, gathered from the read commands (graph_intel.commands) and the store.

Nothing here decides or scores anything: every function calls the registered command the CLI and
the API call, or the store's own reads, and returns plain data for a template. `redactor` is how a
viewer sees children: by id and initials, their names gone from every text on the page.
"""

from __future__ import annotations

import copy
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd

from graph_intel.analysis.age import CHILD, POSSIBLE, Ages
from graph_intel.analysis.evidence import persons
from graph_intel.commands import READ_COMMANDS, load_all
from graph_intel.refs import RefError, resolve
from graph_intel.safeguarding.common import Sources, ident, initials
from graph_intel.schema import schema
from graph_intel.span import data_span
from graph_intel.stores.base import GraphStore, Subgraph, _plain
from loaders.values import PHONE, POSTCODE, VRM

#: Entity kinds with a page of their own, as the CLI names them.
PAGE_KINDS = ("person", "phone", "vehicle", "location", "event", "report")


def command(*words: str) -> Callable[..., Any]:
    """The registered read command `words` (the one the CLI and the API run), its answers kept
    per store generation: a page (and the next page) that needs the same command with the same
    arguments computes it once, until a write moves the store on (`answers`)."""
    load_all()
    func = READ_COMMANDS[words].func

    def run(store: GraphStore, *args: Any) -> Any:
        key = _generation_key(store)
        if key is None:
            return func(store, *args)
        return copy.deepcopy(answers.get((*key, words, args), lambda: func(store, *args)))

    return run


def _generation_key(store: GraphStore) -> tuple[int, bool, int] | None:
    """Which store, whether through the restricted view, and its generation; None when another
    process may write it (no generation), so nothing is kept."""
    inner = getattr(store, "inner", None)
    base = inner if isinstance(inner, GraphStore) else store
    generation = getattr(base, "generation", None)
    if generation is None:
        return None
    token = getattr(base, "_hub_answers_token", None)
    if token is None:  # a number of its own: never another store's that had the same id()
        token = next(_tokens)
        try:
            base._hub_answers_token = token  # type: ignore[attr-defined]
        except AttributeError:
            return None
    return int(token), base is not store, int(generation)


_tokens = itertools.count(1)


class Answers:
    """Command answers of the current store generations (a few, least recently used dropped)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = make()
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value


#: The hub's kept command answers (one per service process).
answers = Answers()


def child_keys(store: GraphStore) -> dict[str, str]:
    """Every person who is, or may be, a child at their earliest fact, by key: their initials."""
    people = persons(store)
    if people.empty:
        return {}
    ages = Ages(people)
    first = [v if pd.notna(v) else None for v in people["first_seen"]]
    status = ages.status(list(people.index), first)
    out = {}
    for key, st, cat, given, family in zip(
        people.index,
        status,
        people["category"],
        people["given_name"],
        people["family_name"],
        strict=True,
    ):
        if st in (CHILD, POSSIBLE) or cat == "child":
            out[str(key)] = initials(given, family)
    return out


def redactor(store: GraphStore) -> Callable[[Any], Any]:
    """A function that rewrites page data for a viewer: every child's names and aliases become initials."""
    people = persons(store)
    children = child_keys(store)
    names: dict[str, str] = {}
    for key, label in children.items():
        if key not in people.index:
            continue
        row = people.loc[key]
        shown = label or "[child]"
        for part in (
            row.get("given_name"),
            row.get("family_name"),
            *(_plain(row.get("aliases")) or []),
        ):
            if isinstance(part, str) and len(part.strip()) >= 2:
                names[part.strip()] = shown
        full = " ".join(
            p for p in (row.get("given_name"), row.get("family_name")) if isinstance(p, str)
        )
        if full.strip():
            names[full.strip()] = shown
    if not names:
        return lambda data: data
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    lowered = {k.lower(): v for k, v in names.items()}

    def scrub(data: Any) -> Any:
        if isinstance(data, str):
            return pattern.sub(lambda m: lowered.get(m.group(0).lower(), "[child]"), data)
        if isinstance(data, dict):
            return {k: scrub(v) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return [scrub(v) for v in data]
        return data

    return scrub


def as_of(store: GraphStore) -> str:
    """The data's as-of date: the last date its facts hold (or that it holds none)."""
    span = data_span(store)
    return span.last.isoformat() if span.last else "no dated facts"


def home(store: GraphStore, since: date, today: date) -> dict[str, Any]:
    """The home page: each child on the matrix with RAG, review, what is new since `since`, triggers, breaches."""
    brief = command("briefing")(store, since.isoformat(), today.isoformat(), False)
    # every breach and trigger of the children listed (none asked for when no child is listed)
    listed = bool(brief["children"])
    all_breaches = command("cawn", "breaches")(store) if listed else []
    triggers = (
        {t["person_id"]: t for t in command("missing-triggers")(store, today.isoformat())}
        if listed
        else {}
    )
    rows = []
    for child in brief["children"]:
        pid = child["person_id"]
        rows.append(
            {
                **child,
                "lead": child.get("lead_worker") or "",
                "all_triggers": triggers.get(pid, {}).get("rules", []),
                "all_breaches": [b for b in all_breaches if b["child"] == pid],
            }
        )
    return {
        "since": brief["since"],
        "as_of": brief["as_of"],
        "children": rows,
        "possible_victims": brief["possible_victims"],
        "note": brief["note"],
    }


def child(
    store: GraphStore, person: str, today: date, analyst: bool, tiles: str | None = None
) -> dict[str, Any]:
    """The child's page: profile, RAG history, chronology, missing, triggers, CAWN standing and breaches."""
    shown = command("show")(store, "person", person)
    _, key = resolve(store, "person", person)
    pid = ident(key)
    matrix = [
        r
        for r in command("matrix", "list")(store, today.isoformat(), True)
        if r["person_id"] == pid
    ]
    chronology = command("chronology")(store, key)
    triggers = [
        t for t in command("missing-triggers")(store, today.isoformat()) if t["person_id"] == pid
    ]
    eligible = [
        e
        for e in command("cawn", "eligible")(store, today.isoformat(), True)
        if e["person_id"] == pid
    ]
    breaches = [b for b in command("cawn", "breaches")(store) if b["child"] == pid]
    candidates = (
        [c for c in command("cawn", "candidates")(store, today.isoformat()) if c["child"] == pid]
        if analyst
        else []
    )
    missing = [row for row in chronology if "missing" in str(row.get("what", "")).lower()]
    around = store.neighbourhood([("Person", key)], hops=2)  # one read: her map and her groups
    return {
        "timeline": timeline(chronology),
        "map": place_map(store, key, analyst, tiles, around),
        "near": sorted(people_in(around, key)),
        "key": key,
        "id": pid,
        "show": shown,
        "properties": shown["properties"],
        "matrix": matrix[0] if matrix else None,
        "chronology": chronology,
        "missing": missing,
        "triggers": triggers,
        "eligible": eligible,
        "breaches": breaches,
        "candidates": candidates,
    }


def entity(store: GraphStore, kind: str, ident_: str) -> dict[str, Any]:
    """An adult's, phone's, vehicle's, place's or event's page: properties and every link with its source and grade."""
    shown = command("show")(store, kind, ident_)
    sources = Sources(store).preload(link["sources"] for link in shown["links"])
    links = []
    for link in shown["links"]:
        info = sources.info(link["sources"])
        links.append(
            {**link, "agency": info.agency, "grading": info.grading, "reference": info.reference}
        )
    _, key = resolve(store, kind, ident_)
    return {
        "kind": shown["kind"],
        "id": shown["id"],
        "key": key,
        "properties": shown["properties"],
        "links": links,
    }


def search(store: GraphStore, text: str, limit: int = 50) -> list[dict[str, str]]:
    """Entities a search names: persons by id, name or alias; phones in any spelling; VRMs with or
    without spaces; places by postcode or name. Each hit: kind, id, label, why it matched."""
    query = text.strip()
    if not query:
        return []
    hits: list[dict[str, str]] = []
    for cleaner, entity_name in ((PHONE, "Phone"), (VRM, "Vehicle")):
        cleaned = cleaner.clean(query)
        if (
            cleaned is not None
            and cleaned.parsed
            and store.get_node(entity_name, cleaned.value) is not None
        ):
            hits.append(
                {
                    "kind": schema().entity(entity_name).cli,
                    "id": cleaned.value,
                    "label": cleaned.value,
                    "why": f"{schema().entity(entity_name).cli} {query!s} is stored as {cleaned.value}",
                }
            )
    needle = query.casefold()
    people = store.nodes(
        "Person", columns=["id", "given_name", "family_name", "aliases", "category"]
    )
    for row in people.to_dict("records"):
        name = " ".join(
            str(row[k]) for k in ("given_name", "family_name") if isinstance(row.get(k), str)
        )
        aliases = [a for a in (_plain(row.get("aliases")) or []) if isinstance(a, str)]
        why = (
            "id"
            if str(row["id"]).casefold() == needle
            else "name"
            if needle in name.casefold()
            else "alias"
            if any(needle in a.casefold() for a in aliases)
            else None
        )
        if why:
            hits.append(
                {
                    "kind": "person",
                    "id": str(row["key"]),
                    "label": f"{name} ({row['id']})".strip(),
                    "why": f"matches the {why}"
                    + (f" ({', '.join(aliases)})" if why == "alias" else ""),
                }
            )
    postcode = POSTCODE.clean(query)
    places = store.nodes("Location", columns=["id", "name", "postcode"])
    for row in places.to_dict("records"):
        pc = POSTCODE.clean(str(row["postcode"])) if isinstance(row.get("postcode"), str) else None
        by_postcode = (
            postcode is not None
            and pc is not None
            and postcode.parsed
            and pc.value == postcode.value
        )
        if (
            by_postcode
            or needle == str(row["id"]).casefold()
            or (len(needle) >= 3 and needle in str(row.get("name") or "").casefold())
        ):
            hits.append(
                {
                    "kind": "location",
                    "id": str(row["key"]),
                    "label": f"{row.get('name') or row['id']} {row.get('postcode') or ''}".strip(),
                    "why": "matches the postcode" if by_postcode else "matches the place",
                }
            )
    return hits[:limit]


def default_since(today: date) -> date:
    """The start of the period a briefing covers by default: a week before today."""
    return today - timedelta(days=7)


def check_person(store: GraphStore, person: str) -> str:
    """The store key of a person argument (RefError when it names nobody or is ambiguous)."""
    try:
        return resolve(store, "person", person)[1]
    except RefError:
        raise


def briefing_document(
    store: GraphStore,
    since: date,
    as_of_day: date,
    produced_by: str,
    marking: str,
    reference: str = "",
    include_restricted: bool = False,
) -> dict[str, Any]:
    """The weekly hub briefing as a print document: the `briefing` command's answer with the CAWN
    breaches of the period, the marking, who produced it and when, and the data's as-of date."""
    from datetime import UTC, datetime

    brief = command("briefing")(store, since.isoformat(), as_of_day.isoformat(), include_restricted)
    return {
        **brief,
        "marking": marking,
        "produced_by": produced_by,
        "reference": reference,
        "produced_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "data_as_of": as_of(store),
        "breach_rows": [
            {"child": c["person_id"], **b, "items": len(b["evidence"])}
            for c in brief["children"]
            for b in c["breaches"]
        ],
    }


#: Size of the server-rendered pictures (SVG user units).
MAP_W, MAP_H, MAP_PAD = 640, 360, 40
TIMELINE_W, LANE_H, TIMELINE_LEFT = 900, 34, 170
_NICE_METRES = (50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)


def place_map(
    store: GraphStore,
    key: str,
    analyst: bool,
    tiles: str | None = None,
    around: Subgraph | None = None,
) -> dict[str, Any]:
    """The places in a child's chronology plotted from their coordinates: points, labels and a
    scale bar, for an SVG on a plain background, or over the tiles of the force's own tile server
    (`tiles`, a URL template with {z}, {x}, {y}; never a public one). A viewer sees a home or
    placement by kind. `around`: her two-link neighbourhood when the page has read it already."""
    sub = around if around is not None else store.neighbourhood([("Person", key)], hops=2)
    nodes = sub.nodes
    if nodes.empty or "latitude" not in nodes:
        return {"points": [], "missing": 0, "tiles": []}
    places = nodes[nodes["entity"] == "Location"]
    located = places[places["latitude"].notna() & places["longitude"].notna()]
    points: list[dict[str, Any]] = []
    scale_bar = {"length": 0.0, "text": ""}
    tile_images: list[dict[str, Any]] = []
    if not located.empty:
        lats = [float(v) for v in located["latitude"]]
        lons = [float(v) for v in located["longitude"]]
        if tiles:
            xy, metres_per_unit, tile_images = _on_tiles(lats, lons, tiles)
        else:
            xy, metres_per_unit = _on_plain(lats, lons)
        for row, (x, y) in zip(located.to_dict("records"), xy, strict=True):
            private = row.get("kind") in ("home", "care_placement") and not analyst
            label = (
                f"{row.get('kind')} {row['id']}" if private else str(row.get("name") or row["id"])
            )
            points.append(
                {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "label": label,
                    "id": str(row["id"]),
                    "kind": str(row.get("kind") or ""),
                    "postcode": "" if private else str(row.get("postcode") or ""),
                }
            )
        _place_labels(points)
        bar = next((m for m in _NICE_METRES if m / metres_per_unit >= 60), _NICE_METRES[-1])
        scale_bar = {
            "length": round(bar / metres_per_unit, 1),
            "text": f"{bar // 1000} km" if bar >= 1000 else f"{bar} m",
        }
    return {
        "points": points,
        "missing": int(len(places) - len(located)),
        "scale": scale_bar,
        "width": MAP_W,
        "height": MAP_H,
        "tiles": tile_images,
    }


def _on_plain(lats: list[float], lons: list[float]) -> tuple[list[tuple[float, float]], float]:
    """Points in SVG units on a plain background (equirectangular about their mean latitude),
    and the metres one unit stands for."""
    import math

    lat0 = sum(lats) / len(lats)
    xs = [v * math.cos(math.radians(lat0)) for v in lons]
    ys = lats
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.002)
    scale = min(MAP_W - 2 * MAP_PAD, MAP_H - 2 * MAP_PAD) / span  # units per degree of latitude
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    xy = [
        (MAP_W / 2 + (x - cx) * scale, MAP_H / 2 - (y - cy) * scale)
        for x, y in zip(xs, ys, strict=True)
    ]
    return xy, 111_320 / scale


#: Tile size (pixels) and the deepest zoom asked of a tile server.
TILE, MAX_ZOOM = 256, 18


def _mercator(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel coordinates of a point at a zoom (the tile servers' own projection)."""
    import math

    n = TILE * 2**zoom
    lat = max(min(lat, 85.0511), -85.0511)
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return (lon + 180) / 360 * n, y


def _on_tiles(
    lats: list[float], lons: list[float], template: str
) -> tuple[list[tuple[float, float]], float, list[dict[str, Any]]]:
    """Points in SVG units over tiles: the deepest zoom at which all fit, the tiles that cover the
    view (their URLs from the template), and the metres one unit stands for."""
    import math

    zoom = MAX_ZOOM
    while zoom > 0:
        px = [_mercator(a, o, zoom) for a, o in zip(lats, lons, strict=True)]
        xs, ys = [p[0] for p in px], [p[1] for p in px]
        if max(xs) - min(xs) <= MAP_W - 2 * MAP_PAD and max(ys) - min(ys) <= MAP_H - 2 * MAP_PAD:
            break
        zoom -= 1
    px = [_mercator(a, o, zoom) for a, o in zip(lats, lons, strict=True)]
    xs, ys = [p[0] for p in px], [p[1] for p in px]
    ox = (max(xs) + min(xs)) / 2 - MAP_W / 2
    oy = (max(ys) + min(ys)) / 2 - MAP_H / 2
    last = 2**zoom - 1
    images = [
        {
            "href": template.replace("{z}", str(zoom))
            .replace("{x}", str(tx))
            .replace("{y}", str(ty)),
            "x": round(tx * TILE - ox, 1),
            "y": round(ty * TILE - oy, 1),
            "size": TILE,
        }
        for tx in range(
            max(0, math.floor(ox / TILE)), min(last, math.floor((ox + MAP_W) / TILE)) + 1
        )
        for ty in range(
            max(0, math.floor(oy / TILE)), min(last, math.floor((oy + MAP_H) / TILE)) + 1
        )
    ]
    lat0 = sum(lats) / len(lats)
    metres_per_px = 156_543.03392 * math.cos(math.radians(lat0)) / 2**zoom
    return [(x - ox, y - oy) for x, y in px], metres_per_px, images


def _place_labels(points: list[dict[str, Any]]) -> None:
    """Each point's label_y: labels that would overlap are pushed down in turn."""
    placed: list[tuple[float, float, float]] = []
    for point in sorted(points, key=lambda q: q["y"]):
        x0, x1, y = point["x"] + 9, point["x"] + 9 + 6.5 * len(point["label"]), point["y"] + 4
        while any(abs(y - py) < 12 and x0 < px1 and px0 < x1 for px0, px1, py in placed):
            y += 12
        placed.append((x0, x1, y))
        point["label_y"] = round(y, 1)


def timeline(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The chronology as a timeline with a lane per agency: each fact a mark at its date, with its text."""
    dated = [(pd.Timestamp(r["at"]), r) for r in rows if r.get("at")]
    dated = [(t, r) for t, r in dated if pd.notna(t)]
    if not dated:
        return {"lanes": [], "marks": []}
    lanes = sorted({str(r.get("agency") or "unknown") for _, r in dated})
    first, last = min(t for t, _ in dated), max(t for t, _ in dated)
    width = TIMELINE_W - TIMELINE_LEFT - 20
    seconds = max((last - first).total_seconds(), 86_400.0)
    marks = [
        {
            "x": round(TIMELINE_LEFT + (t - first).total_seconds() / seconds * width, 1),
            "y": lanes.index(str(r.get("agency") or "unknown")) * LANE_H + LANE_H / 2 + 4,
            "text": f"{str(r['at'])[:16]} {r.get('what', '')} ({r.get('agency') or 'unknown'})",
        }
        for t, r in dated
    ]
    years = list(range(first.year, last.year + 1))
    ticks = [
        {
            "x": round(
                TIMELINE_LEFT
                + (pd.Timestamp(year=y, month=1, day=1) - first).total_seconds() / seconds * width,
                1,
            ),
            "text": str(y),
        }
        for y in years
        if pd.Timestamp(year=y, month=1, day=1) >= first
    ]
    return {
        "lanes": [{"name": n, "y": i * LANE_H} for i, n in enumerate(lanes)],
        "marks": marks,
        "ticks": ticks,
        "width": TIMELINE_W,
        "height": len(lanes) * LANE_H + 24,
        "left": TIMELINE_LEFT,
        "lane_h": LANE_H,
        "first": str(first.date()),
        "last": str(last.date()),
    }


def linked_groups(store: GraphStore) -> list[dict[str, Any]]:
    """Every linked group of adults, largest first, as the `groups` command answers (once per page
    family: the case pages share it through the answer cache)."""
    result: list[dict[str, Any]] = command("groups")(store)
    return result


def _named(key: str) -> set[str]:
    """The names a group's member list may give a person: the id, or DATASET:ID."""
    return {key, key.partition(":")[2] or key}


def groups_of(summaries: list[dict[str, Any]], keys: set[str]) -> list[dict[str, Any]]:
    """The groups (their `group_summary`) with a member among `keys` (store keys)."""
    names = set().union(*(_named(k) for k in keys)) if keys else set()
    return [g for g in summaries if names & set(g["members"])]


def group_summary(group: dict[str, Any]) -> dict[str, Any]:
    """A group in a list: number, size, members, how many records join it, named by its first member."""
    return {
        "group": group["group"],
        "size": group["size"],
        "members": group["members"],
        "records": len(group["evidence"]),
        "name": group["members"][0],
    }


def group_page(groups: list[dict[str, Any]], key: str, member: str) -> dict[str, Any]:
    """The page of the group `key` (a person's store key) is in: its members, and every record that
    joins two of them with the facts, date, source and grade, linked onward where it has a page.
    RefError when the person is in no group (a page for nothing is a 404 that says why)."""
    names = _named(key)
    found = next((g for g in groups if names & set(g["members"])), None)
    if found is None:
        raise RefError(
            f"{member} is in no linked group: groups join adults by a shared phone, vehicle or home, "
            "a recorded link, a call or message, a handset contact or an event together"
        )
    evidence = [
        {**item, "page": item["kind"] if item["kind"] in PAGE_KINDS else None}
        for item in found["evidence"]
    ]
    kinds = sorted({item["kind"] for item in evidence})
    return {
        "group": found["group"],
        "size": found["size"],
        "members": found["members"],
        "split": found.get("split"),
        "name": found["members"][0],
        "evidence": evidence,
        "kinds": kinds,
    }


def people_in(sub: Subgraph, key: str) -> set[str]:
    """The persons of a person's neighbourhood (through her phones, events, places, links), but her."""
    nodes = sub.nodes
    if nodes.empty:
        return set()
    people = nodes[nodes["entity"] == "Person"]
    column = "key" if "key" in people else "id"
    return {str(k) for k in people[column]} - {key}
