"""Looking at the store: counts, and one entity with its links. Shared by the CLI and the API."""

from __future__ import annotations

import json
from typing import Annotated, Any

from graph_intel.commands import Param, read_command
from graph_intel.handling import Handling, RestrictedView
from graph_intel.refs import ref_json, resolve, split_key
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore, _plain

_PLURAL = {
    "Person": "persons",
    "Phone": "phones",
    "Vehicle": "vehicles",
    "Location": "locations",
    "Event": "events",
    "Source": "sources",
    "Report": "reports",
    "Exhibit": "exhibits",
    "Referral": "referrals",
    "SchoolRecord": "school_records",
    "HealthAttendance": "health_attendances",
    "Gift": "gifts",
    "Allocation": "allocations",
    "RiskAssessment": "risk_assessments",
    "Version": "versions",
}


@read_command("stats", role="viewer")
def stats(store: GraphStore) -> dict[str, Any]:
    """Count what the store holds: entities by kind, links by kind, datasets.

    Under the contract's keys (persons, phones, ...), with each dataset's record and the loads that
    did not finish (their counts are partial)."""
    counts = store.counts()
    data: dict[str, Any] = {_PLURAL[e]: counts[e] for e in schema().entities if e in _PLURAL}
    data["links"] = {schema().links[name].canonical: counts[name] for name in schema().links}
    data["datasets"] = store.datasets()
    data["incomplete_loads"] = incomplete_loads(store)
    data["dataset_records"] = dataset_records(store)
    return data


def incomplete_loads(store: GraphStore) -> list[dict[str, str]]:
    """Datasets whose last load did not finish, and when it began: their counts are partial."""
    return [
        {
            "dataset": name,
            "started_at": at,
            "reason": "the last load of this dataset did not finish (killed, crashed or failed); load it again",
        }
        for name, at in sorted(store.incomplete_loads().items())
    ]


def dataset_records(store: GraphStore) -> list[dict[str, Any]]:
    """Each dataset's own record: the agencies and folders (or files) it was loaded from, its loads."""
    frame = store.nodes("Dataset")
    rows = []
    for row in frame.sort_values("key").to_dict("records") if not frame.empty else []:
        rows.append(
            {
                "dataset": row["key"],
                "agencies": _plain(row["agencies"]) or [],
                "origins": _plain(row["origins"]) or [],
                "loads": _plain(row["loads"]) or [],
                "first_loaded": _plain(row["first_seen"]),
                "last_loaded": _plain(row["last_seen"]),
            }
        )
    return rows


#: What `show` says in place of the properties of a record known only from restricted material.
WITHHELD = (
    "recorded only by sources with a restrictive handling code: its properties are left out "
    "(--include-restricted shows them, marked)"
)


@read_command("show", role="viewer")
def show_entity(
    store: GraphStore,
    kind: Annotated[
        str, Param("person, phone, vehicle, location, event or report.", metavar="KIND")
    ],
    ident: Annotated[str, Param("The id, or DATASET:ID where ambiguous.", metavar="ID")],
    history: Annotated[
        bool,
        Param(
            "Also the record's earlier versions: what each later load changed.", flag="--history"
        ),
    ] = False,
) -> dict[str, Any]:
    """One entity: its properties, and every link with its source and dates.

    Restricted material is left out for the viewer role, and on the command line unless
    --include-restricted is given; otherwise it is marked with its handling conditions."""
    return entity_document(store, kind, ident, history)


def entity_document(
    store: GraphStore,
    kind: str,
    ident: str,
    history: bool = False,
    leave_out_restricted: bool = False,
) -> dict[str, Any]:
    """The `show` document of one entity: properties and every link, each with its source and dates.

    Restricted material (graph_intel.handling) is left out when `leave_out_restricted` (the CLI,
    unless --include-restricted) or when the store is a restricted view (the viewer role): the links
    and earlier versions resting only on restricted sources, restricted sources from every list, and
    the properties of a record known only from them (`restricted` says so); a fact known only from
    them is not found through a restricted view. Otherwise each item with a restricted source
    carries its handling mark (`restricted`).
    """
    view: RestrictedView | None = (
        store
        if isinstance(store, RestrictedView)
        else (RestrictedView(store) if leave_out_restricted else None)
    )
    base = view.inner if view is not None else store
    handling = view.handling if view is not None else Handling(store)
    entity, key = resolve(store, kind, ident)
    node = base.get_node(entity, key) or {}
    many = len(store.datasets()) > 1
    dataset, plain_id = split_key(key, entity)
    properties = {k: v for k, v in node.items() if k not in ("key", "id")}
    withheld = handling.withheld(node.get("sources"))
    mark: str | None = None
    if view is not None:
        if withheld:
            properties = {}
            mark = WITHHELD
        elif "sources" in properties:
            properties["sources"] = handling.open_sources(properties["sources"])
    else:
        mark = handling.note(node.get("sources"))
    reader = view if view is not None else base
    links = []
    for row in reader.node_link_records(entity, key):
        outgoing = row["from_entity"] == entity and row["from_key"] == key
        other_entity = row["to_entity"] if outgoing else row["from_entity"]
        other_key = row["to_key"] if outgoing else row["from_key"]
        srcs = _plain(row.get("sources")) or []
        item = {
            "link": schema().links[row["link"]].canonical,
            **ref_json(other_entity, other_key, many),
            "direction": "out" if outgoing else "in",
            "source_id": split_key(srcs[0], "Source")[1] if srcs else None,
            "sources": srcs,
            "first_seen": _plain(row.get("first_seen")),
            "last_seen": _plain(row.get("last_seen")),
        }
        if _plain(row.get("role")):
            item["role"] = row["role"]
        if _plain(row.get("saved_name")):
            item["saved_name"] = row["saved_name"]
        if _plain(row.get("basis")):
            item["basis"] = row["basis"]
        if view is None and handling.note(srcs):
            item["restricted"] = handling.note(srcs)
        links.append(item)
    links.sort(key=lambda x: (x["first_seen"] or "", x["link"], x["id"]))
    doc: dict[str, Any] = {
        "kind": schema().entity(entity).cli,
        "id": plain_id,
        "properties": properties,
        "links": links,
    }
    if many and dataset:
        doc["dataset"] = dataset
    if mark:
        doc["restricted"] = mark
    if history:
        doc["history"] = record_history(reader, entity, key)
    return doc


def record_history(store: GraphStore, entity: str, key: str) -> list[dict[str, Any]]:
    """The earlier versions of one record, oldest first: the load that changed each, when, what it replaced."""
    keys = store.keys_starting("Version", "key", f"{entity}/{key}@")
    frame = store.nodes("Version", keys=keys) if keys else None
    out = []
    for row in frame.to_dict("records") if frame is not None and not frame.empty else []:
        values = json.loads(row["values"]) if isinstance(row["values"], str) else {}
        changed = list(_plain(row["changed"]) or [])
        out.append(
            {
                "superseded_by": row["superseded_by"],
                "superseded_at": _plain(row["superseded_at"]),
                "changed": changed,
                "earlier": {c: values.get(c) for c in changed},
                "values": values,
            }
        )
    out.sort(key=lambda v: (v["superseded_at"] or "", v["superseded_by"] or ""))
    return out
