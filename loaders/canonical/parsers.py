"""Parsers for the canonical files: each turns a chunk of rows into store frames and problems.

They only parse and normalise; writing is the ingest's job. Node files are read through the
schema (types, allowed values, defaults), so a property added to pole.yaml is read with no code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graph_intel.schema import EntitySpec, schema
from graph_intel.schema.canonical import SEEN_COLUMNS, FileSpec, canonical_format
from loaders.canonical.batch import Batch, Problems
from loaders.canonical.chunks import Chunk
from loaders.canonical.columns import (
    LoadContext,
    col,
    datetimes,
    extras,
    identify,
    lowered,
    require,
    source_dates,
    sources,
    typed,
    with_provenance,
)
from loaders.canonical.reports import parse_reports
from loaders.values import POSTCODE

Parser = Callable[[Chunk, LoadContext, Problems, Batch], None]

#: Legal statuses under which a child is looked after by a local authority.
LOOKED_AFTER = {
    "care_order",
    "interim_care_order",
    "emergency_protection_order",
    "police_protection",
    "accommodated_s20",
}
_FORMAT = canonical_format()


def _kinds(file: str, column: str) -> dict[str, str]:
    """The kinds a file's kind column may name (as the CLI names them), each with its entity."""
    return {
        word: schema().entity(word).name for word in _FORMAT.file(file).columns[column].values or ()
    }


def _known(file: str) -> set[str]:
    """The columns a file declares: the rest of a row goes to its `extra`."""
    return set(_FORMAT.file(file).columns)


#: The kinds links.csv may name, as the CLI names them.
ENDPOINT_KINDS = _kinds("links.csv", "from_kind")


@dataclass(frozen=True)
class CanonicalFile:
    """One canonical file: its name, required columns and parser."""

    name: str
    required: tuple[str, ...]
    parse: Parser


# -- node files ---------------------------------------------------------------------------------
def _node_file(file: FileSpec) -> Parser:
    """A parser for a file whose rows are entities of one kind, read through the schema.

    Every property of the entity is read (a property added to pole.yaml needs no code), with the
    columns the file declares and the seen dates; the rest of a row goes to its `extra`."""
    assert file.entity is not None
    entity = file.entity
    spec = schema().entity(entity)
    renames = file.renames()
    known = {*file.columns, *SEEN_COLUMNS, *spec.properties}

    def parse(chunk: Chunk, ctx: LoadContext, problems: Problems, batch: Batch) -> None:
        require(chunk, problems, spec.id_column)
        rows = _entity_rows(spec, chunk, ctx, problems, renames)
        stated = {c: datetimes(chunk, c, problems) for c in SEEN_COLUMNS if c in chunk.frame}
        rows["extra"] = extras(chunk, known)
        if file.reader == "sources":
            rows["sources"] = rows["key"].map(lambda k: [k])
            rows["first_seen"] = rows["last_seen"] = rows["recorded_at"]
        else:
            srcs = sources(chunk, ctx, problems)
            first, last = _seen(entity, rows, ctx, srcs)
            if "first_seen" in stated:
                first = stated["first_seen"].fillna(first)
            if "last_seen" in stated:
                last = stated["last_seen"].fillna(last)
            rows = with_provenance(rows, srcs, first, last)
        good = problems.good
        batch.add_nodes(spec.name, rows[good])
        if spec.person_links:
            _person_links(spec, chunk, ctx, rows, good, batch)
        if file.reader == "events":
            _event_places(chunk, ctx, rows, good, batch)
            ctx.event_times.update(
                zip(
                    rows["key"][good].to_numpy(dtype=object),
                    rows["started_at"][good].to_numpy(),
                    strict=True,
                )
            )
        if file.reader == "sources":
            for key, when in zip(rows["key"][good], rows["recorded_at"][good], strict=True):
                ctx.source_dates[key] = when

    return parse


def _entity_rows(
    spec: EntitySpec, chunk: Chunk, ctx: LoadContext, problems: Problems, renames: dict[str, str]
) -> pd.DataFrame:
    ident = identify(ctx, spec.name, col(chunk, spec.id_column))
    rows = ident.nodes.copy()
    columns = {prop: column for column, prop in renames.items()}
    for name, prop in spec.properties.items():
        if name in rows:
            continue
        rows[name] = typed(chunk, name, prop, problems, column=columns.get(name, name)).to_numpy()
    if spec.name == "Person":
        # A legal status means looked after; no status says nothing either way (blank stays blank).
        derived = rows["legal_status"].isin(LOOKED_AFTER).map({True: True, False: None})
        rows["looked_after"] = rows["looked_after"].where(rows["looked_after"].notna(), derived)
    if spec.name == "Location":
        clean = POSTCODE.clean_series(col(chunk, "postcode"))
        rows["postcode"] = clean["value"].to_numpy()
    return rows


def _seen(
    entity: str, rows: pd.DataFrame, ctx: LoadContext, srcs: pd.Series
) -> tuple[pd.Series, pd.Series]:
    recorded = source_dates(ctx, srcs)
    dated_by = schema().entity(entity).dated_by
    if dated_by is not None:
        when = pd.to_datetime(rows[dated_by]).fillna(recorded)
        return when, when
    if entity == "Event":
        start = pd.to_datetime(rows["started_at"])
        end = pd.to_datetime(rows["ended_at"])
        first = start.fillna(recorded)
        return first, end.fillna(first)
    return recorded, recorded


def _person_links(
    spec: EntitySpec,
    chunk: Chunk,
    ctx: LoadContext,
    rows: pd.DataFrame,
    good: np.ndarray,
    batch: Batch,
) -> None:
    """A record's person columns (child_id, giver_id) become links from the record to those persons."""
    for column, link in spec.person_links.items():
        who = col(chunk, column)
        has = good & who.ne("").to_numpy()
        if not has.any():
            continue
        person = identify(ctx, "Person", who[has])
        sub = rows[has]
        batch.add_endpoint(
            "Person",
            with_provenance(person.nodes, sub["sources"], sub["first_seen"], sub["last_seen"]),
        )
        links = pd.DataFrame({"from_key": sub["key"].to_numpy(), "to_key": person.keys.to_numpy()})
        batch.add_links(
            link,
            spec.name,
            "Person",
            with_provenance(links, sub["sources"], sub["first_seen"], sub["last_seen"]),
        )


def _record_file(file: FileSpec) -> Parser:
    """A safeguarding record's file: its rows read through the schema, its person columns made links.

    The person column it requires (the child the record concerns) is checked before the id."""
    assert file.entity is not None
    spec = schema().entity(file.entity)
    others = [c for c in file.required if c != spec.id_column]
    inner = _node_file(file)

    def parse(chunk: Chunk, ctx: LoadContext, problems: Problems, batch: Batch) -> None:
        require(chunk, problems, *others)
        inner(chunk, ctx, problems, batch)

    return parse


def _event_places(
    chunk: Chunk, ctx: LoadContext, rows: pd.DataFrame, good: np.ndarray, batch: Batch
) -> None:
    """An event's location_id becomes an OCCURRED_AT link to that location."""
    place = col(chunk, "location_id")
    has = good & place.ne("").to_numpy()
    if not has.any():
        return
    loc = identify(ctx, "Location", place[has])
    sub = rows[has]
    batch.add_endpoint(
        "Location", with_provenance(loc.nodes, sub["sources"], sub["first_seen"], sub["last_seen"])
    )
    links = pd.DataFrame({"from_key": sub["key"].to_numpy(), "to_key": loc.keys.to_numpy()})
    batch.add_links(
        "OCCURRED_AT",
        "Event",
        "Location",
        with_provenance(links, sub["sources"], sub["first_seen"], sub["last_seen"]),
    )


# -- links.csv ----------------------------------------------------------------------------------
def parse_links(chunk: Chunk, ctx: LoadContext, problems: Problems, batch: Batch) -> None:
    """links.csv: attributions and associations between persons, phones, vehicles and locations."""
    require(chunk, problems, *_FORMAT.file("links.csv").required)
    from_kind, to_kind, link = (lowered(col(chunk, c)) for c in ("from_kind", "to_kind", "link"))
    known_kinds = ", ".join(ENDPOINT_KINDS)
    problems.add(
        from_kind.ne("") & ~from_kind.isin(ENDPOINT_KINDS),
        "from_kind",
        f"from_kind must be one of: {known_kinds}",
    )
    problems.add(
        to_kind.ne("") & ~to_kind.isin(ENDPOINT_KINDS),
        "to_kind",
        f"to_kind must be one of: {known_kinds}",
    )
    by_canonical = {
        spec.canonical: spec for spec in schema().links_of_class("attribution", "association")
    }
    problems.add(
        link.ne("") & ~link.isin(by_canonical),
        "link",
        lambda: (
            "unknown link kind '"
            + col(chunk, "link")
            + f"' (expected one of: {', '.join(by_canonical)})"
        ),
    )
    srcs = sources(chunk, ctx, problems)
    first = datetimes(chunk, "first_seen", problems)
    last = datetimes(chunk, "last_seen", problems)
    recorded = source_dates(ctx, srcs)
    first, last = first.fillna(last).fillna(recorded), last.fillna(first).fillna(recorded)
    # An association's basis (social_network, phone_contact...): blank is the schema's default.
    basis_spec = schema().link("ASSOCIATE_OF").properties["basis"]
    basis = typed(chunk, "basis", basis_spec, problems)
    frame = pd.DataFrame(
        {
            "extra": extras(chunk, _known("links.csv")),
            "basis": basis,
            "link": link,
            "fk": from_kind.map(ENDPOINT_KINDS),
            "fid": col(chunk, "from_id"),
            "tk": to_kind.map(ENDPOINT_KINDS),
            "tid": col(chunk, "to_id"),
        }
    )
    # A pair written the other way round (phone -> person for uses_phone) is read the right way.
    # Judged once per distinct (link, from kind, to kind): a file holds a handful of them.
    allowed = {(canon, a, b) for canon, spec in by_canonical.items() for a, b in spec.pairs}
    codes, combos = pd.MultiIndex.from_arrays(
        [frame[c].fillna("").to_numpy(dtype=object) for c in ("link", "fk", "tk")]
    ).factorize()
    forward = np.array([(lk, a, b) in allowed for lk, a, b in combos], dtype=bool)[codes]
    backward = np.array([(lk, b, a) in allowed for lk, a, b in combos], dtype=bool)[codes]
    known_link = (
        link.isin(by_canonical).to_numpy()
        & frame["fk"].notna().to_numpy()
        & frame["tk"].notna().to_numpy()
    )
    problems.add(
        known_link & ~forward & ~backward,
        "link",
        lambda: link + " cannot join " + from_kind + " to " + to_kind,
    )
    swap = backward & ~forward
    frame.loc[swap, ["fk", "fid", "tk", "tid"]] = frame.loc[
        swap, ["tk", "tid", "fk", "fid"]
    ].to_numpy()
    good = problems.good
    frame = frame[good]
    srcs, first, last = srcs[good], first[good], last[good]
    for (lk, fk, tk), idx in frame.groupby(["link", "fk", "tk"]).groups.items():
        part = frame.loc[idx]
        a = identify(ctx, fk, part["fid"])
        b = identify(ctx, tk, part["tid"])
        s, f, la = srcs.loc[idx], first.loc[idx], last.loc[idx]
        batch.add_endpoint(fk, with_provenance(a.nodes, s, f, la))
        batch.add_endpoint(tk, with_provenance(b.nodes, s, f, la))
        rows = pd.DataFrame(
            {
                "from_key": a.keys.to_numpy(),
                "to_key": b.keys.to_numpy(),
                "extra": part["extra"].to_numpy(),
            }
        )
        if "basis" in by_canonical[lk].properties:
            rows["basis"] = part["basis"].to_numpy()
        batch.add_links(by_canonical[lk].name, fk, tk, with_provenance(rows, s, f, la))


# -- event_participants.csv ---------------------------------------------------------------------
_PARTICIPANT_KINDS = _kinds("event_participants.csv", "kind")


def parse_participants(chunk: Chunk, ctx: LoadContext, problems: Problems, batch: Batch) -> None:
    """event_participants.csv: who or what took part in an event, and in which role."""
    require(chunk, problems, *_FORMAT.file("event_participants.csv").required)
    kind = col(chunk, "kind").str.lower()
    problems.add(
        kind.ne("") & ~kind.isin(_PARTICIPANT_KINDS),
        "kind",
        f"kind must be one of: {', '.join(_PARTICIPANT_KINDS)}",
    )
    role_spec = schema().link("PARTICIPATED_IN").properties["role"]
    role = typed(chunk, "role", role_spec, problems)
    srcs = sources(chunk, ctx, problems)
    events = ctx.key(col(chunk, "event_id"))
    when = pd.to_datetime(events.map(ctx.event_times), errors="coerce").fillna(
        source_dates(ctx, srcs)
    )
    good = problems.good
    extra = extras(chunk, _known("event_participants.csv"))
    _participations(
        ctx,
        batch,
        kind[good].map(_PARTICIPANT_KINDS),
        col(chunk, "id")[good],
        events[good],
        role[good],
        srcs[good],
        when[good],
        extra[good],
    )


def _participations(
    ctx: LoadContext,
    batch: Batch,
    entities: pd.Series,
    ids: pd.Series,
    event_keys: pd.Series,
    roles: pd.Series,
    srcs: pd.Series,
    when: pd.Series,
    extra: pd.Series | None = None,
) -> None:
    """PARTICIPATED_IN links (and stub ends) for rows naming an entity, an event and a role."""
    ev = pd.DataFrame(
        {
            "key": event_keys.to_numpy(),
            "id": event_keys.str.split(":", n=1).str[1].to_numpy(),
            "dataset": ctx.dataset,
        }
    )
    batch.add_endpoint("Event", with_provenance(ev, srcs, when, when))
    for entity, idx in entities.groupby(entities).groups.items():
        who = identify(ctx, str(entity), ids.loc[idx])
        s, w = srcs.loc[idx], when.loc[idx]
        batch.add_endpoint(str(entity), with_provenance(who.nodes, s, w, w))
        rows = pd.DataFrame(
            {
                "from_key": who.keys.to_numpy(),
                "to_key": event_keys.loc[idx].to_numpy(),
                "role": roles.loc[idx].to_numpy(),
            }
        )
        if extra is not None:
            rows["extra"] = extra.loc[idx].to_numpy()
        batch.add_links("PARTICIPATED_IN", str(entity), "Event", with_provenance(rows, s, w, w))


# -- calls.csv, anpr.csv, handset_contacts.csv --------------------------------------------------
def _own_events(
    ctx: LoadContext, file: FileSpec, ids: pd.Series, when: pd.Series, **columns: Any
) -> pd.DataFrame:
    """Event rows of the kind a file's rows become (canonical.yaml's event_kind), started `when`."""
    return pd.DataFrame(
        {
            "key": ctx.key(ids).to_numpy(),
            "id": ids.to_numpy(),
            "dataset": ctx.dataset,
            "kind": file.event_kind,
            "started_at": when.to_numpy(),
            **columns,
        }
    )


def parse_calls(chunk: Chunk, ctx: LoadContext, problems: Problems, batch: Batch) -> None:
    """calls.csv: each call data record is an event between two phones."""
    file = _FORMAT.file("calls.csv")
    require(chunk, problems, *file.required)
    event_spec = schema().entity("Event")
    start = datetimes(chunk, "start", problems)
    duration = typed(chunk, "duration_s", event_spec.properties["duration_s"], problems)
    call_type = typed(chunk, "type", event_spec.properties["call_type"], problems)
    srcs = sources(chunk, ctx, problems)
    good = problems.good
    caller = identify(ctx, "Phone", col(chunk, "caller")[good])
    callee = identify(ctx, "Phone", col(chunk, "callee")[good])
    when = start[good]
    ids = "call/" + caller.keys + "/" + callee.keys + "/" + when.dt.strftime("%Y-%m-%dT%H:%M:%S")
    events = _own_events(
        ctx,
        file,
        ids,
        when,
        duration_s=duration[good].to_numpy(),
        call_type=call_type[good].fillna("voice").to_numpy(),
    )
    events["ended_at"] = events["started_at"] + pd.to_timedelta(
        events["duration_s"].fillna(0), unit="s"
    )
    events["extra"] = extras(chunk, _known("calls.csv"))[good].to_numpy()
    s = srcs[good]
    batch.add_nodes("Event", with_provenance(events, s, when, when))
    for phone, role in ((caller, "caller"), (callee, "callee")):
        batch.add_nodes("Phone", with_provenance(phone.nodes, s, when, when))
        rows = pd.DataFrame(
            {"from_key": phone.keys.to_numpy(), "to_key": events["key"].to_numpy(), "role": role}
        )
        batch.add_links("PARTICIPATED_IN", "Phone", "Event", with_provenance(rows, s, when, when))


def parse_anpr(chunk: Chunk, ctx: LoadContext, problems: Problems, batch: Batch) -> None:
    """anpr.csv: each number plate read is an event of the vehicle at a camera or location."""
    file = _FORMAT.file("anpr.csv")
    require(chunk, problems, *file.required)
    camera = col(chunk, "camera_id")
    place = col(chunk, "location_id")
    problems.add(camera.eq("") & place.eq(""), "camera_id", "a read needs camera_id or location_id")
    seen = datetimes(chunk, "seen_at", problems)
    loc_spec = schema().entity("Location")
    lat = typed(chunk, "latitude", loc_spec.properties["latitude"], problems)
    lon = typed(chunk, "longitude", loc_spec.properties["longitude"], problems)
    srcs = sources(chunk, ctx, problems)
    good = problems.good
    vehicle = identify(ctx, "Vehicle", col(chunk, "vrm")[good])
    when, s = seen[good], srcs[good]
    cam, plc = camera[good], place[good]
    site = plc.where(plc.ne(""), "camera/" + cam)
    ids = "anpr/" + vehicle.keys + "/" + when.dt.strftime("%Y-%m-%dT%H:%M:%S") + "/" + site
    events = _own_events(
        ctx,
        file,
        ids,
        when,
        ended_at=when.to_numpy(),
        camera_id=cam.where(cam.ne(""), None).to_numpy(),
        direction=col(chunk, "direction")[good].replace("", None).to_numpy(),
    )
    batch.add_nodes("Event", with_provenance(events, s, when, when))
    batch.add_nodes("Vehicle", with_provenance(vehicle.nodes, s, when, when))
    reads = pd.DataFrame(
        {"from_key": vehicle.keys.to_numpy(), "to_key": events["key"].to_numpy(), "role": "read"}
    )
    batch.add_links("PARTICIPATED_IN", "Vehicle", "Event", with_provenance(reads, s, when, when))
    places = identify(ctx, "Location", site)
    is_camera = plc.eq("").to_numpy()
    places.nodes.loc[is_camera, "kind"] = "camera"
    places.nodes.loc[is_camera, "name"] = "ANPR camera " + cam[is_camera]
    places.nodes["latitude"] = lat[good].to_numpy()
    places.nodes["longitude"] = lon[good].to_numpy()
    batch.add_endpoint("Location", with_provenance(places.nodes, s, when, when))
    at = pd.DataFrame({"from_key": events["key"].to_numpy(), "to_key": places.keys.to_numpy()})
    batch.add_links("OCCURRED_AT", "Event", "Location", with_provenance(at, s, when, when))


def parse_handset_contacts(
    chunk: Chunk, ctx: LoadContext, problems: Problems, batch: Batch
) -> None:
    """handset_contacts.csv: the contact list of an examined handset, as an exhibit and its numbers."""
    require(chunk, problems, *_FORMAT.file("handset_contacts.csv").required)
    srcs = sources(chunk, ctx, problems)
    recorded = source_dates(ctx, srcs)
    good = problems.good
    s, w = srcs[good], recorded[good]
    exhibit = identify(ctx, "Exhibit", col(chunk, "exhibit_ref")[good])
    batch.add_nodes("Exhibit", with_provenance(exhibit.nodes, s, w, w))
    contact = identify(ctx, "Phone", col(chunk, "contact_number")[good])
    batch.add_nodes("Phone", with_provenance(contact.nodes, s, w, w))
    saved = col(chunk, "contact_name")[good]
    rows = pd.DataFrame(
        {
            "from_key": exhibit.keys.to_numpy(),
            "to_key": contact.keys.to_numpy(),
            "saved_name": saved.replace("", None).to_numpy(),
        }
    )
    batch.add_links("SAVED_CONTACT", "Exhibit", "Phone", with_provenance(rows, s, w, w))
    handset = col(chunk, "handset")[good]
    has = handset.ne("").to_numpy()
    if has.any():
        phone = identify(ctx, "Phone", handset[has])
        batch.add_nodes("Phone", with_provenance(phone.nodes, s[has], w[has], w[has]))
        rows = pd.DataFrame(
            {"from_key": exhibit.keys[has].to_numpy(), "to_key": phone.keys.to_numpy()}
        )
        batch.add_links(
            "EXTRACTED_FROM", "Exhibit", "Phone", with_provenance(rows, s[has], w[has], w[has])
        )


#: The parser of each reader canonical.yaml names.
_READERS: dict[str, Callable[[FileSpec], Parser]] = {
    "sources": _node_file,
    "entity": _node_file,
    "events": _node_file,
    "record": _record_file,
    "participants": lambda _: parse_participants,
    "links": lambda _: parse_links,
    "calls": lambda _: parse_calls,
    "anpr": lambda _: parse_anpr,
    "handset_contacts": lambda _: parse_handset_contacts,
    "intel_reports": lambda _: parse_reports,
}

#: The canonical files in the order they load (graph_intel/schema/canonical.yaml).
CANONICAL_FILES: list[CanonicalFile] = [
    CanonicalFile(name, spec.required, _READERS[spec.reader](spec))
    for name, spec in _FORMAT.files.items()
]
