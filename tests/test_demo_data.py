"""The demo dataset: canonical files, counts, safe numbers, scale, determinism, and planted truths.

The planted truths (graph_intel/demo/planted.py) are hand-stated; here a plain reference reading of
the issue rules over the story rows checks that the rows really plant them.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import itertools
import re
import time
from pathlib import Path

import holidays
import networkx as nx
import phonenumbers as pn
import pytest
from dateutil.relativedelta import relativedelta

from graph_intel.demo import planted, story, write_demo
from graph_intel.demo.numbers import is_drama, scale_mobiles
from graph_intel.schema import schema

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "canonical-csv.md"
FORBIDDEN = re.compile(r"\b(ethnic\w*|religio\w*|nationalit\w*|race|faith)\b", re.I)


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo")


def _spec_columns() -> dict[str, set[str]]:
    """Columns per file as the canonical spec's tables and prose name them."""
    text = SPEC.read_text(encoding="utf-8")
    cols: dict[str, set[str]] = {}
    for block in re.split(r"\n## ", text)[1:]:
        names = re.findall(r"[a-z_]+\.csv", block.splitlines()[0] + block)
        found = set(re.findall(r"^\| ([a-z_0-9, ]+) \|", block, re.M))
        found |= set(re.findall(r"`([a-z_]+)`", block))
        words = {w.strip() for f in found for w in f.split(",")}
        for name in dict.fromkeys(names):
            cols.setdefault(name, set()).update(words)
    return cols


def test_files_and_headers(demo: Path) -> None:
    assert sorted(p.name for p in demo.iterdir()) == sorted(story.FILES)
    spec = _spec_columns() if SPEC.exists() else {}
    records = {
        e.file: {e.id_column, *e.person_links, *e.properties} for e in schema().record_entities()
    }
    for name in story.FILES:
        raw = (demo / name).read_bytes()
        raw.decode("utf-8")
        header = raw.split(b"\n", 1)[0].decode().split(",")
        assert header == story.COLUMNS[name]
        assert not any(FORBIDDEN.search(c) for c in header)
        if name in records:
            # The safeguarding record files are declared in the schema (graph_intel/schema/pole.yaml).
            assert set(header) == records[name] | {"source_id"}, name
        elif spec:
            unknown = set(header) - spec.get(name, set()) - {"source_id"}
            assert not unknown, (name, unknown)


def test_row_counts_match_planted(demo: Path) -> None:
    for name in story.FILES:
        assert len(_read(demo / name)) == planted.ROWS[name], name


def test_no_forbidden_words_or_values(demo: Path) -> None:
    for name in story.FILES:
        text = (demo / name).read_text(encoding="utf-8")
        assert not FORBIDDEN.search(text), name


def _numbers_written(folder: Path) -> list[str]:
    out = []
    for r in _read(folder / "links.csv"):
        if r["to_kind"] == "phone":
            out.append(r["to_id"])
    for r in _read(folder / "calls.csv"):
        out += [r["caller"], r["callee"]]
    for r in _read(folder / "handset_contacts.csv"):
        out += [x for x in (r["handset"], r["contact_number"]) if x]
    for r in _read(folder / "intel_reports.csv"):
        out += re.findall(r"\b0\d{10}\b", r["text"])
    return out + [n for ns in planted.REPORT_NUMBERS.values() for n in ns]


def _safe(number: str) -> bool:
    n = pn.parse(number, "GB")
    return is_drama(number) or (pn.is_possible_number(n) and not pn.is_valid_number(n))


def test_every_number_is_drama_or_never_valid(tmp_path: Path) -> None:
    folder = write_demo(tmp_path / "d", scale=2)
    numbers = _numbers_written(folder)
    assert len(numbers) > 4000
    bad = [x for x in set(numbers) if not _safe(x)]
    assert not bad, bad[:10]


def test_scale_numbers_are_possible_not_valid() -> None:
    import numpy as np

    sample = np.concatenate([np.arange(0, 10_000_000, 997), [0, 9_999_999]])
    for number in scale_mobiles(sample):
        n = pn.parse(number, "GB")
        assert pn.is_possible_number(n) and not pn.is_valid_number(n), number
    with pytest.raises(ValueError):
        scale_mobiles(np.array([10_000_000]))


def test_scale_adds_expected_counts_quickly(tmp_path: Path) -> None:
    t0 = time.perf_counter()
    folder = write_demo(tmp_path / "d", scale=2)
    elapsed = time.perf_counter() - t0
    rows = {name: len(_read(folder / name)) for name in story.FILES}
    assert rows["persons.csv"] == planted.ROWS["persons.csv"] + 2000
    assert rows["sources.csv"] == planted.ROWS["sources.csv"]
    added = {k: rows[k] - planted.ROWS[k] for k in rows}
    assert added["links.csv"] >= 4 * 2000
    assert added["calls.csv"] >= 1.5 * 2000
    assert added["event_participants.csv"] > 0 and added["anpr.csv"] > 0
    # background persons have unique ids; story columns are kept
    ids = [r["person_id"] for r in _read(folder / "persons.csv")]
    assert len(set(ids)) == len(ids)
    assert elapsed < 60  # generous: a smoke check, not a benchmark


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = write_demo(tmp_path / "a", scale=1, seed=3)
    b = write_demo(tmp_path / "b", scale=1, seed=3)
    c = write_demo(tmp_path / "c", scale=1, seed=4)
    for name in story.FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "calls.csv").read_bytes() != (c / "calls.csv").read_bytes()


def test_background_adults_form_small_groups(tmp_path: Path) -> None:
    folder = write_demo(tmp_path / "d", scale=2)
    g = nx.Graph()
    by_phone = collections.defaultdict(set)
    for r in _read(folder / "links.csv"):
        if not r["from_id"].startswith("B"):
            continue
        if r["to_kind"] == "person":
            g.add_edge(r["from_id"], r["to_id"])
        elif r["link"] == "uses_phone":
            by_phone[r["to_id"]].add(r["from_id"])
    for ps in by_phone.values():
        for a, b in itertools.combinations(ps, 2):
            g.add_edge(a, b)
    sizes = sorted((len(c) for c in nx.connected_components(g)), reverse=True)
    assert len(sizes) > 200 and sizes[0] < 100, sizes[:5]


# --- a plain reference reading of the rules over the story rows --------------------------------
# Deliberately simple and independent of graph_intel.analysis: it checks that the rows plant what
# planted.py states, under the readings planted.py documents.


def _e164(x: str) -> str:
    return pn.format_number(pn.parse(x, "GB"), pn.PhoneNumberFormat.E164)


def _vrm(x: str) -> str:
    return x.replace(" ", "").upper()


s = story
persons = {r["person_id"]: r for r in s.PERSONS if r["person_id"]}
children = {p for p, r in persons.items() if r["category"] == "child"}
adults = set(persons) - children
locs = {r["location_id"]: r for r in s.LOCATIONS}
KINDS = {
    "uses_phone",
    "keeper_of",
    "drives",
    "lives_at",
    "frequents",
    "family_of",
    "associate_of",
    "partner_of",
    "introduced",
}
links = [r for r in s.LINKS if r["link"] in KINDS]
users = collections.defaultdict(set)  # object -> persons
objs = collections.defaultdict(set)  # person -> objects
for r in links:
    if r["to_kind"] == "phone":
        o = ("phone", _e164(r["to_id"]))
    elif r["to_kind"] == "vehicle":
        o = ("vehicle", _vrm(r["to_id"]))
    elif r["to_kind"] == "location":
        o = ("location", r["to_id"])
    else:
        continue
    users[o].add(r["from_id"])
    objs[r["from_id"]].add(o)
events = {r["event_id"]: r for r in s.EVENTS if r["event_id"] != "E99"}
parts = collections.defaultdict(list)
for r in s.PARTICIPANTS:
    k = r["kind"]
    i = r["id"]
    parts[r["event_id"]].append((k, _vrm(i) if k == "vehicle" else i, r["role"]))
calls = []
for r in s.CALLS:
    try:
        int(r["duration_s"])
    except ValueError:
        continue
    calls.append((_e164(r["caller"]), _e164(r["callee"]), r["start"]))


def persons_of(obj):
    return users.get(obj, set())


PUBLIC = {"hotel", "takeaway", "park", "street", "shop"}
child_objs = {o for c in children for o in objs[c]}

G = nx.Graph()
G.add_nodes_from(adults)
ev = collections.defaultdict(set)


def join(a, b, why):
    if a != b and a in adults and b in adults:
        G.add_edge(a, b)
        ev[frozenset((a, b))].add(why)


for o, ps in users.items():
    if o in child_objs:
        continue
    if o[0] == "location" and locs[o[1]]["kind"] in PUBLIC:
        continue
    for a, b in itertools.combinations(sorted(ps), 2):
        join(a, b, o)
for r in links:
    if r["from_kind"] == r["to_kind"] == "person":
        join(r["from_id"], r["to_id"], r["link"])


def phone_persons(n):
    return persons_of(("phone", n))


for a, b, t in calls:
    for x in phone_persons(a):
        for y in phone_persons(b):
            join(x, y, "call " + t)
handsets = collections.defaultdict(lambda: [None, []])
for r in s.HANDSET_CONTACTS:
    h = handsets[r["exhibit_ref"]]
    h[0] = _e164(r["handset"]) if r["handset"] else None
    h[1].append((_e164(r["contact_number"]), r["contact_name"]))
for ex, (h, cs) in handsets.items():
    if not h:
        continue
    for x in phone_persons(h):
        for n, _ in cs:
            for y in phone_persons(n):
                join(x, y, "handset " + ex)


def present(eid):
    out = set()
    for k, i, _role in parts[eid]:
        if k == "person":
            out.add(i)
        elif k == "vehicle":
            out |= persons_of(("vehicle", i))
        elif k == "phone":
            out |= persons_of(("phone", _e164(i)))
    return out


for eid, e in events.items():
    if e["kind"] in ("cawn_served", "missing_episode"):
        continue
    for a, b in itertools.combinations(sorted(p for k, p, _ in parts[eid] if k == "person"), 2):
        join(a, b, eid)
groups = sorted(
    (frozenset(c) for c in nx.connected_components(G) if len(c) > 1), key=lambda c: -len(c)
)

# adult-child contacts
ac = collections.defaultdict(lambda: collections.defaultdict(list))


def contact(a, c, what, at=""):
    if a in adults and c in children:
        ac[a][c].append((what, at))
    elif c in adults and a in children:
        ac[c][a].append((what, at))


for a, b, t in calls:
    for x in phone_persons(a):
        for y in phone_persons(b):
            contact(x, y, "call", t)
for eid, e in events.items():
    if e["kind"] in ("cawn_served", "missing_episode"):
        continue
    pr = present(eid)
    for x in pr:
        for y in pr:
            if x < y:
                contact(x, y, eid, e["start"])
for ex, (h, cs) in handsets.items():
    if not h:
        continue
    for x in phone_persons(h):
        for n, _ in cs:
            for y in phone_persons(n):
                contact(x, y, "handset " + ex)
for r in links:
    if r["from_kind"] == r["to_kind"] == "person":
        contact(r["from_id"], r["to_id"], r["link"], r["first_seen"])
awc = {a: frozenset(cs) for a, cs in ac.items() if len(cs) >= 2}


def _norm(kind, ident):
    return _e164(ident) if kind == "phone" else _vrm(ident) if kind == "vehicle" else ident


def full_graph(reports=True, exhibits=True, placement=True):
    """The POLE graph of the story: events, calls and reads as nodes; provenance not a path."""
    F = nx.Graph()
    for r in links:
        fk, tk = r["from_kind"], r["to_kind"]
        F.add_edge((fk, _norm(fk, r["from_id"])), (tk, _norm(tk, r["to_id"])))
    for eid, e in events.items():
        F.add_node(("event", eid))
        for k, i, _ in parts[eid]:
            F.add_edge(("event", eid), (k, _e164(i) if k == "phone" else i))
        if placement and e["location_id"]:
            F.add_edge(("event", eid), ("location", e["location_id"]))
    for j, (a, b, _t) in enumerate(calls):
        F.add_edge(("event", f"call{j}"), ("phone", a))
        F.add_edge(("event", f"call{j}"), ("phone", b))
    for j, r in enumerate(s.ANPR):
        F.add_edge(("event", f"anpr{j}"), ("vehicle", _vrm(r["vrm"])))
    if exhibits:
        for ex, (h, cs) in handsets.items():
            if h:
                F.add_edge(("exhibit", ex), ("phone", h))
            for n, _ in cs:
                F.add_edge(("exhibit", ex), ("phone", n))
    if reports:
        for r in s.INTEL_REPORTS:
            F.add_edge(("report", r["report_id"]), ("person", r["subject_person_id"]))
            for m in pn.PhoneNumberMatcher(r["text"], "GB", leniency=pn.Leniency.POSSIBLE):
                F.add_edge(
                    ("report", r["report_id"]),
                    ("phone", pn.format_number(m.number, pn.PhoneNumberFormat.E164)),
                )
    return F


BH = holidays.country_holidays("GB", subdiv="ENG", years=range(2008, 2013))


def working_hours(a, b):
    t = a
    total = dt.timedelta()
    while t < b:
        nxt = min(b, dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time()))
        if t.weekday() < 5 and t.date() not in BH:
            total += nxt - t
        t = nxt
    return total.total_seconds() / 3600


def missing(as_of):
    eps = collections.defaultdict(list)
    for eid, e in events.items():
        if e["kind"] != "missing_episode":
            continue
        st = dt.datetime.fromisoformat(e["start"])
        en = dt.datetime.fromisoformat(e["end"]) if e["end"] else as_of
        for c in [
            i for k, i, r in parts[eid] if r == "subject"
        ]:  # an episode may name two children (E39)
            if st <= as_of:
                eps[c].append((st, min(en, as_of)))
    out = {}
    for c, es in eps.items():
        es.sort()
        rules = set()
        if any(working_hours(a, b) >= 72 for a, b in es):
            rules.add("three_working_days")
        starts = [a for a, _ in es]
        for a in starts:
            if sum(1 for x in starts if a <= x <= a + relativedelta(months=1)) >= 4:
                rules.add("four_in_one_month")
            if sum(1 for x in starts if a <= x <= a + relativedelta(months=2)) >= 6:
                rules.add("six_in_two_months")
        if rules:
            out[c] = rules
    return out, {c: len(v) for c, v in eps.items()}


IN_CARE = {"care_order", "interim_care_order", "emergency_protection_order", "police_protection"}


def age(dob, on):
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def eligible(on):
    res, notc = {}, {}
    for p in children:
        a = age(dt.date.fromisoformat(persons[p]["date_of_birth"]), on)
        st = persons[p]["legal_status"]
        if a < 16:
            res[p] = "under_16"
        elif a < 18 and st in IN_CARE:
            res[p] = "in_care_under_18"
        elif a < 18 and st == "accommodated_s20":
            notc[p] = "accommodated_s20_not_covered"
    return res, notc


def test_groups_and_broker() -> None:
    assert groups == planted.GROUPS
    assert {a for a in adults if G.degree(a) == 0} == planted.UNGROUPED_ADULTS
    bc = nx.betweenness_centrality(G)
    assert max(bc, key=bc.get) == planted.BROKER
    h = G.subgraph(set(planted.GROUPS[0]) - {planted.BROKER})
    assert {frozenset(c) for c in nx.connected_components(h)} == set(planted.BROKER_BRIDGES)


def test_shared_contacts() -> None:
    assert awc == planted.ADULTS_WITH_CHILDREN
    saved = collections.defaultdict(lambda: (set(), set()))
    for ex, (_h, cs) in handsets.items():
        for n, name in cs:
            saved[n][0].add(ex)
            saved[n][1].add(name)
    multi = {n: (frozenset(e), frozenset(k)) for n, (e, k) in saved.items() if len(e) >= 2}
    assert multi == planted.NUMBERS_IN_HANDSETS
    shared = {
        o: frozenset(ps)
        for o, ps in users.items()
        if len(ps) >= 2 and not (o[0] == "location" and locs[o[1]]["kind"] in PUBLIC)
    }
    assert shared == planted.SHARED_OBJECTS


def test_evidence_path() -> None:
    a, b, hops = planted.EVIDENCE_PATH
    for f in (full_graph(), full_graph(False, False), full_graph(True, True, False)):
        assert nx.shortest_path_length(f, a, b) == hops


def test_hotspots() -> None:
    counts = {}
    for eid, e in events.items():
        if not e["location_id"]:
            continue
        c, a, n = counts.setdefault(e["location_id"], (set(), set(), set()))
        n.add(eid)
        for k, i, _ in parts[eid]:
            if k == "person":
                (c if i in children else a).add(i)
    table = {loc: (len(c), len(a), len(n)) for loc, (c, a, n) in counts.items()}
    ranked = sorted(table, key=lambda loc: table[loc], reverse=True)
    assert ranked[: len(planted.HOTSPOT_TOP)] == planted.HOTSPOT_TOP
    assert {k: table[k] for k in planted.HOTSPOT_TOP} == planted.HOTSPOT_COUNTS


def test_colocation() -> None:
    window = dt.timedelta(minutes=planted.COLOCATION_WINDOW_MINUTES)
    reads = [
        (_vrm(r["vrm"]), r["camera_id"], dt.datetime.fromisoformat(r["seen_at"])) for r in s.ANPR
    ]
    seen = collections.defaultdict(set)
    for (v1, c1, t1), (v2, c2, t2) in itertools.combinations(reads, 2):
        if v1 != v2 and c1 == c2 and abs(t1 - t2) <= window:
            seen[frozenset((v1, v2))].add(min(t1, t2))
    assert {p for p, occ in seen.items() if len(occ) >= 3} == planted.COLOCATED_PAIRS
    assert {p for p, occ in seen.items() if len(occ) == 1} == planted.COLOCATED_ONCE
    # no pair of persons is together at one place within the window on 3+ occasions
    together = collections.Counter()
    for eid in events:
        if not events[eid]["location_id"]:
            continue
        for pair in itertools.combinations(sorted(i for k, i, _ in parts[eid] if k == "person"), 2):
            together[pair] += 1
    assert max(together.values()) < 3


def test_missing_triggers() -> None:
    as_of = dt.datetime.combine(planted.AS_OF, dt.time(23, 59, 59))
    fired, counts = missing(as_of)
    assert fired == planted.MISSING_TRIGGERS
    assert counts == planted.MISSING_EPISODES
    assert {e for e, r in events.items() if r["kind"] == "missing_episode" and not r["end"]} == set(
        planted.MISSING_ONGOING.values()
    )
    # C4's episode fires only if bank holidays were counted as working days
    c4 = [r for r in s.EVENTS if r["kind"] == "missing_episode" and "C4" in r["summary"]][0]
    a, b = (dt.datetime.fromisoformat(c4[k]) for k in ("start", "end"))
    assert working_hours(a, b) < 72
    assert (
        sum(
            (
                min(b, dt.datetime.combine(d, dt.time()) + dt.timedelta(1))
                - max(a, dt.datetime.combine(d, dt.time()))
            ).total_seconds()
            / 3600
            for d in (a.date() + dt.timedelta(i) for i in range((b.date() - a.date()).days + 1))
            if d.weekday() < 5
        )
        >= 72
    )


def test_cawn_eligibility() -> None:
    for on, expected in planted.CAWN_ELIGIBLE_ON.items():
        got, not_covered = eligible(on)
        assert got == expected, on
        assert not_covered == planted.NOT_COVERED[on], on


def test_cawn_served_and_breaches() -> None:
    served = {}
    for eid, e in events.items():
        if e["kind"] == "cawn_served":
            roles = {r: i for _k, i, r in parts[eid]}
            served[(roles["served_on"], roles["child"])] = (eid, e["start"])
    assert served == planted.CAWN_SERVED
    breaches = {}
    for (a, c), (_eid, at) in served.items():
        after = frozenset(t for what, t in ac[a][c] if t and t > at)
        if after:
            breaches[(a, c)] = after
    assert breaches == planted.BREACHES


def test_chronology_flags() -> None:
    agency = {r["source_id"]: r["agency"] for r in s.SOURCES}
    concerns = collections.defaultdict(list)
    follow = collections.defaultdict(list)
    for eid, e in events.items():
        day = e["start"][:10]
        for _k, i, _r in parts[eid]:
            if i not in children:
                continue
            if e["kind"] in ("sighting", "incident", "missing_episode", "arrest"):
                concerns[i].append((day, agency.get(e["source_id"], "other")))
            elif e["kind"] in ("referral", "strategy_meeting"):
                follow[i].append(day)
    flags = {}
    for c, cs in concerns.items():
        cs.sort()
        for (d1, a1), (d2, a2) in itertools.combinations(cs, 2):
            t1, t2 = dt.date.fromisoformat(d1), dt.date.fromisoformat(d2)
            if a1 == a2 or (t2 - t1).days > 30:
                continue
            if any(t2 <= dt.date.fromisoformat(f) <= t2 + dt.timedelta(30) for f in follow[c]):
                continue
            flags.setdefault(c, []).append((d1, d2, frozenset((a1, a2))))
    assert flags == planted.CHRONOLOGY_FLAGS
    assert not set(flags) & planted.CHRONOLOGY_NOT_FLAGGED


def test_entity_counts() -> None:
    nums = {_e164(x) for x in _numbers_written_story()}
    vrms = {_vrm(r["vrm"]) for r in s.VEHICLES} | {_vrm(r["vrm"]) for r in s.ANPR}
    good_events = len(events) + len(calls) + len(s.ANPR)
    assert planted.ENTITY_COUNTS == {
        "persons": len(persons),
        "phones": len(nums),
        "vehicles": len(vrms),
        "locations": len(locs),
        "events": good_events,
        "sources": len(s.SOURCES) + 1,
    }
    assert sum(planted.BAD_ROWS.values()) == 4


def _numbers_written_story() -> list[str]:
    out = [r["to_id"] for r in s.LINKS if r["to_kind"] == "phone"]
    out += [x for r in s.CALLS for x in (r["caller"], r["callee"])]
    out += [x for r in s.HANDSET_CONTACTS for x in (r["handset"], r["contact_number"]) if x]
    named = set().union(*planted.REPORT_NUMBERS.values())
    assert named <= {_e164(x) for x in out}
    for r in s.INTEL_REPORTS:  # each planted number is really in its report's text
        found = {
            pn.format_number(m.number, pn.PhoneNumberFormat.E164)
            for m in pn.PhoneNumberMatcher(r["text"], "GB", leniency=pn.Leniency.POSSIBLE)
        }
        assert planted.REPORT_NUMBERS[r["report_id"]] <= found
        for v in planted.REPORT_VRMS.get(r["report_id"], ()):
            assert v in re.sub(r"\s", "", r["text"].upper())
        for pc in planted.REPORT_POSTCODES.get(r["report_id"], ()):
            assert pc in r["text"].upper()
    return out
