"""Evidence between persons, projected from the store: who was in contact with whom, and how we know.

Every row is one fact joining two persons, with the record behind it (the event, exhibit or link),
when it happened and the sources that state it, so any analysis built on it can be explained.
Calls and messages join the users of the two phones; being at the same sighting, incident or
arrest joins the persons there; a vehicle at an event joins its keepers and drivers to the persons
there (a pickup); a number saved in an examined handset joins the handset's user to the number's
user; family, associate, partner and introduced links join their two ends. Missing episodes,
notices, referrals and meetings never join anyone: they are about a child, not a contact.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph_intel.resolution.clusters import canonical, merge_persons, representatives
from graph_intel.schema import schema
from graph_intel.stores.base import LINK_FRAME_COLUMNS, GraphStore
from graph_intel.stores.frames import member

#: Columns of a contact-evidence frame.
CONTACT_COLUMNS = ["a", "b", "kind", "detail", "at", "ref_entity", "ref_key", "via", "sources"]
#: Event kinds at which the persons present were together.
TOGETHER_EVENTS = ("sighting", "incident", "arrest")
#: Link kinds that attribute an object or place to a person.
ATTRIBUTION_LINKS = tuple(spec.name for spec in schema().links_of_class("attribution"))
#: Link kinds that record a relationship between two persons.
ASSOCIATION_LINKS = tuple(spec.name for spec in schema().links_of_class("association"))
#: The basis of an association link that says none (as the schema defaults it).
DEFAULT_BASIS = str(schema().link("ASSOCIATE_OF").properties["basis"].default)


def link_basis(ref_keys: pd.Series) -> pd.Series:
    """The basis of association evidence from its record key ('...#social_network'); the default when none.

    One pass of Arrow's string kernels over the column (it runs over every contact fact)."""
    if len(ref_keys) == 0:
        return pd.Series([], index=ref_keys.index, dtype=object)
    values = ref_keys.to_numpy(dtype=object)
    text = pa.array(np.where([isinstance(k, str) for k in values], values, None), type=pa.string())
    marked = np.asarray(pc.match_substring(text, "#").fill_null(False), dtype=bool)
    tail = pc.replace_substring_regex(text, "^.*#", "").to_numpy(zero_copy_only=False)
    return pd.Series(
        np.where(marked, tail, DEFAULT_BASIS).astype(object), index=ref_keys.index, dtype=object
    )


#: Attribution links by which a person holds a vehicle.
VEHICLE_LINKS = ("KEEPER_OF", "DRIVES")


def persons(store: GraphStore) -> pd.DataFrame:
    """Every person, indexed by key, with the columns analyses use (never protected characteristics)."""
    cols = [
        "id",
        "dataset",
        "given_name",
        "family_name",
        "aliases",
        "date_of_birth",
        "category",
        "legal_status",
        "looked_after",
        "sources",
        "first_seen",
        "last_seen",
    ]
    frame = store.nodes("Person", columns=cols)
    people = (
        frame.set_index("key") if not frame.empty else pd.DataFrame(columns=cols).rename_axis("key")
    )
    # Entity resolution: records judged the same person are one row under the cluster's representative
    # key, with a `records` column listing them (graph_intel.resolution.clusters); no clusters, no change.
    return merge_persons(people, representatives(store))


def links_of(read: pd.DataFrame, kinds: Sequence[str]) -> pd.DataFrame:
    """The rows of `read` (an `all_links` read of several kinds) of the link kinds `kinds`, kind by
    kind in that order: what `store.all_links(kinds)` reads, without reading it again."""
    parts = [read[(read["link"] == kind).to_numpy(dtype=bool)] for kind in kinds]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame(columns=LINK_FRAME_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def attributions(
    store: GraphStore,
    links: tuple[str, ...] = ATTRIBUTION_LINKS,
    shared_by: int | None = None,
    read: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Person -> object/place attributions: person, link, entity, key, sources, first_seen, last_seen.

    With `shared_by`, only the attributions of objects that `shared_by`+ person records reach, found
    by a pattern in the store: a superset of the objects shared once grading and same-person
    clusters are applied, since both can only lower the count. `read`: the links touching persons
    (`store.all_links(touching="Person")`) when the caller has read them already (used without
    `shared_by`, which finds its objects in the store).
    """
    if read is not None and shared_by is None:
        frame = links_of(read, links)
    elif shared_by is None:
        frame = store.all_links(schema().link(name) for name in links)
    else:
        frame = store.links_to_shared(links, shared_by)
    out = pd.DataFrame(
        {
            "person": frame["from_key"],
            "link": frame["link"],
            "entity": frame["to_entity"],
            "key": frame["to_key"],
            "sources": frame["sources"],
            "first_seen": frame["first_seen"],
            "last_seen": frame["last_seen"],
        }
    )
    # Entity resolution: a cluster member's attributions are its representative's (no clusters, no change).
    out["person"] = canonical(out["person"], representatives(store))
    return out


#: The kinds of contact contact_evidence makes.
CONTACT_KINDS = ("call", "message", "together", "pickup", "handset_contact", "link")


def contact_evidence(
    store: GraphStore,
    owners: pd.DataFrame | None = None,
    read: pd.DataFrame | None = None,
    kinds: Collection[str] | None = None,
) -> pd.DataFrame:
    """Every fact that puts two persons in contact (CONTACT_COLUMNS).

    Rows are directed as the fact is: a call from caller to callee, a handset's user to the user
    of a number saved in it, a link from its first person to its second. Being together and
    pickups have no direction and are written both ways. Analyses that ask "were A and B in
    contact" must look at both orders. `owners`: the attributions (`attributions`) of phones and
    vehicles when the caller has read them already (other links in it are ignored); `read`: the
    links touching persons (`store.all_links(touching="Person")`), for the attributions and the
    associations, when the caller has read them already. `kinds`: only these kinds of contact
    (CONTACT_KINDS); what the others are made from is not read at all (the rows of the kinds
    asked for are those, in the same order, that all kinds would give).
    """
    want = set(CONTACT_KINDS if kinds is None else kinds)
    if want - set(CONTACT_KINDS):
        raise ValueError(
            f"no contact kind {', '.join(sorted(want - set(CONTACT_KINDS)))}; the kinds are {', '.join(CONTACT_KINDS)}"
        )
    if owners is None:
        held = ("USES_PHONE", *(VEHICLE_LINKS if "pickup" in want else ()))
        owners = attributions(store, held, read=read)
    phone_users = owners[owners["link"] == "USES_PHONE"][["key", "person"]]
    vehicle_users = owners[owners["link"].isin(VEHICLE_LINKS)][["key", "person"]].drop_duplicates()
    frames = []
    if want & {"call", "message"}:
        frames.append(_calls(store, phone_users))
    if want & {"together", "pickup"}:
        frames.append(_together(store, vehicle_users))
    if "handset_contact" in want:
        frames.append(_handsets(store, phone_users))
    if "link" in want:
        frames.append(_associations(store, read))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    if len(want) < len(CONTACT_KINDS):  # calls come with messages, meetings with pickups
        out = out[out["kind"].isin(list(want)).to_numpy(dtype=bool)]
    # Entity resolution: cluster members become their representative, so a cluster is one person and
    # facts between two records of the same person drop out below (no clusters, no change).
    reps = representatives(store)
    out["a"], out["b"] = canonical(out["a"], reps), canonical(out["b"], reps)
    same = _same(out["a"], out["b"])
    if same.any():  # rare without clusters: skip copying every column when none is dropped
        out = out[~same]
    return out[CONTACT_COLUMNS].reset_index(drop=True)


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Where two key columns hold the same key (Arrow's comparison of strings; pandas' otherwise)."""
    try:
        left = pa.array(a.array, type=pa.string(), from_pandas=True)
        right = pa.array(b.array, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError):
        return (a == b).to_numpy(dtype=bool)
    return np.asarray(pc.equal(left, right).fill_null(False), dtype=bool)


def _calls(store: GraphStore, phone_users: pd.DataFrame) -> pd.DataFrame:
    """Calls and messages: the users of the calling phone and of the called phone (pairs found in the store)."""
    pairs = store.call_pairs()
    if pairs.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    pairs = pairs.merge(phone_users.rename(columns={"key": "caller", "person": "a"}), on="caller")
    pairs = pairs.merge(phone_users.rename(columns={"key": "callee", "person": "b"}), on="callee")
    if pairs.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    message = pairs["call_type"].isin(["sms", "mms"])
    return pd.DataFrame(
        {
            "a": pairs["a"],
            "b": pairs["b"],
            "kind": message.map({True: "message", False: "call"}),
            "detail": pairs["call_type"].fillna("voice"),
            "at": pairs["started_at"],
            "ref_entity": "Event",
            "ref_key": pairs["event"],
            "via": pairs["caller"] + " -> " + pairs["callee"],
            "sources": pairs["sources"],
        }
    )


def _together(store: GraphStore, vehicle_users: pd.DataFrame) -> pd.DataFrame:
    """Persons at the same sighting, incident or arrest; a vehicle's users with the persons it carried."""
    people = store.participants("Person", TOGETHER_EVENTS)
    vehicles = store.participants("Vehicle", TOGETHER_EVENTS)
    if people.empty and vehicles.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    present = pd.concat([f for f in (people, vehicles) if not f.empty], ignore_index=True)
    present = (
        present[["event", "kind", "started_at"]]
        .drop_duplicates(subset="event")
        .rename(columns={"event": "key"})
    )
    # each event's sources united in order, in one pass over the participant rows; the pairs of
    # persons there by a self-join, in the order of permutations() over each event's persons in
    # order of first appearance (what the earlier loop wrote)
    united: dict[str, dict[str, None]] = {}
    for event, srcs in zip(people["event"].tolist(), people["sources"].tolist(), strict=True):
        into = united.setdefault(event, {})
        for src in srcs if isinstance(srcs, list | tuple) else []:
            into[src] = None
    shared = {event: list(into) for event, into in united.items()}
    here = people[["event", "who"]].drop_duplicates()
    here = here.assign(_event=pd.factorize(here["event"])[0], _at=np.arange(len(here)))
    pairs = here.merge(here[["event", "who", "_at"]], on="event", suffixes=("", "_b"))
    pairs = pairs[pairs["who"] != pairs["who_b"]].sort_values(
        ["_event", "_at", "_at_b"], kind="stable"
    )
    events = pairs["event"].tolist()
    together = pd.DataFrame(
        {
            "a": pairs["who"].to_numpy(dtype=object),
            "b": pairs["who_b"].to_numpy(dtype=object),
            "kind": "together",
            "ref_key": events,
            "via": None,
            "sources": [shared[e] for e in events],
        }
    )
    # the persons at each event a vehicle was at, in order (a groupby of lists over every event
    # called Python once per event: most of contact_evidence's time at scale)
    carried: dict[str, list[str]] = {}
    if not vehicles.empty:
        aboard = people[member(people["event"], set(vehicles["event"].tolist()))]
        for event, who in zip(aboard["event"].tolist(), aboard["who"].tolist(), strict=True):
            carried.setdefault(event, []).append(who)
    rows = []
    cars = vehicles[["event", "who", "sources"]].rename(columns={"who": "vehicle"})
    cars = cars.merge(
        vehicle_users.rename(columns={"key": "vehicle", "person": "user"}), on="vehicle"
    )
    for event, vehicle, user, srcs in zip(
        cars["event"].tolist(),
        cars["vehicle"].tolist(),
        cars["user"].tolist(),
        cars["sources"].tolist(),
        strict=True,
    ):
        for other in carried.get(event, []):
            rows.append((user, other, "pickup", event, vehicle, list(srcs)))
            rows.append((other, user, "pickup", event, vehicle, list(srcs)))
    picked = pd.DataFrame(rows, columns=["a", "b", "kind", "ref_key", "via", "sources"])
    frame = (
        pd.concat([f for f in (together, picked) if not f.empty], ignore_index=True)
        if not (together.empty and picked.empty)
        else picked
    )
    if frame.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    info = present.set_index("key")
    frame["detail"] = frame["ref_key"].map(info["kind"])
    frame["at"] = frame["ref_key"].map(info["started_at"])
    frame["ref_entity"] = "Event"
    return frame


def _handsets(store: GraphStore, phone_users: pd.DataFrame) -> pd.DataFrame:
    """A number saved in an examined handset: the handset's user and the number's user."""
    saved = store.links("SAVED_CONTACT")
    owner = store.links("EXTRACTED_FROM")
    if saved.empty or owner.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    owners = owner[["from_key", "to_key"]].rename(
        columns={"from_key": "exhibit", "to_key": "handset"}
    )
    owners = owners.merge(
        phone_users.rename(columns={"key": "handset", "person": "a"}), on="handset"
    )
    entries = saved[["from_key", "to_key", "saved_name", "first_seen", "sources"]].rename(
        columns={"from_key": "exhibit", "to_key": "number"}
    )
    entries = entries.merge(
        phone_users.rename(columns={"key": "number", "person": "b"}), on="number"
    )
    pairs = owners.merge(entries, on="exhibit")
    if pairs.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    return pd.DataFrame(
        {
            "a": pairs["a"],
            "b": pairs["b"],
            "kind": "handset_contact",
            "detail": pairs["saved_name"],
            "at": pairs["first_seen"],
            "ref_entity": "Exhibit",
            "ref_key": pairs["exhibit"],
            "via": pairs["number"],
            "sources": pairs["sources"],
        }
    )


def _associations(store: GraphStore, read: pd.DataFrame | None = None) -> pd.DataFrame:
    """Family, associate, partner and introduced links between two persons (taken from `read`,
    the links touching persons, when given)."""
    links = (
        store.all_links(schema().link(name) for name in ASSOCIATION_LINKS)
        if read is None
        else links_of(read, ASSOCIATION_LINKS)
    )
    if links.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    # A link's basis (social_network, phone_contact...) is part of which record it is: two links
    # between the same two persons on different bases are two records (see link_basis()).
    basis = links["basis"] if "basis" in links else pd.Series(None, index=links.index, dtype=object)
    suffix = basis.map(lambda b: f"#{b}" if isinstance(b, str) and b and b != DEFAULT_BASIS else "")
    return pd.DataFrame(
        {
            "a": links["from_key"],
            "b": links["to_key"],
            "kind": "link",
            "detail": links["link"].map(
                {name: spec.canonical for name, spec in schema().links.items()}
            ),
            "at": links["first_seen"],
            "ref_entity": "Link",
            "ref_key": links["link"] + ":" + links["from_key"] + "->" + links["to_key"] + suffix,
            "via": None,
            "sources": links["sources"],
        }
    )


def _union(lists: pd.Series) -> list[str]:
    out: dict[str, None] = {}
    for item in lists:
        for s in item if item is not None else []:
            out[s] = None
    return list(out)
