"""Write a store's content back out in the canonical format, one folder per dataset.

A case moves between stores (embedded and Neo4j) by export then ingest, losing nothing: each fact
is written once for every source that states it (ingest unions them again), every spelling of a
phone is written so that the spellings survive, seen dates and extra columns go out as columns.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from graph_intel.handling import restricted_view
from graph_intel.refs import split_key
from graph_intel.schema import schema
from graph_intel.schema.canonical import FileSpec, canonical_format
from graph_intel.stores.base import GraphStore, _plain
from loaders.canonical.formulas import neutralise

#: Event kinds written to their own canonical files rather than events.csv.
_OWN_FILES = canonical_format().event_kinds()


def export(
    store: GraphStore,
    folder: Path,
    datasets: Iterable[str] | None = None,
    include_restricted: bool = False,
) -> dict[str, dict[str, int]]:
    """Write every dataset (or the named ones) under `folder`; return rows written per file.

    Records and facts whose every source is restricted (graph_intel.handling) are left out unless
    `include_restricted`; included, they keep their sources, whose handling codes and notes go out
    in sources.csv (the mark a later ingest keeps)."""
    wanted = list(datasets) if datasets is not None else store.datasets()
    writer = _Exporter(restricted_view(store, include_restricted, every_record=True))
    return {name: writer.dataset(name, folder / name) for name in wanted}


class _Exporter:
    """Reads the store once and writes each dataset's files from it."""

    def __init__(self, store: GraphStore) -> None:
        self.nodes = {name: store.nodes(name) for name in schema().entities}
        self.links = {name: store.links(name) for name in schema().links}
        phones = self.nodes["Phone"]
        self.spellings: dict[str, list[str]] = (
            {
                k: list(_plain(s) or []) or [k]
                for k, s in zip(phones["key"], phones["spellings"], strict=True)
            }
            if not phones.empty
            else {}
        )

    # -- helpers --------------------------------------------------------------------------------
    @staticmethod
    def _mine(sources: Any, dataset: str) -> list[str | None]:
        """The source ids of `dataset` among a fact's sources (blank for its default source)."""
        ids = []
        for key in _plain(sources) or []:
            ds, ident = split_key(key, "Source")
            if ds == dataset:
                ids.append(None if ident == "_default" else ident)
        return ids

    def _ident(self, entity: str, key: str) -> list[str]:
        """How to write an entity's id: every spelling of a phone, else its id."""
        if entity == "Phone":
            return self.spellings.get(key, [key])
        return [split_key(key, entity)[1]]

    @staticmethod
    def _when(value: Any) -> str | None:
        value = _plain(value)
        return value if value else None

    # -- one dataset ----------------------------------------------------------------------------
    def dataset(self, name: str, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        files = {file: self._rows(spec, name) for file, spec in canonical_format().files.items()}
        written = {}
        for file, rows in files.items():
            if rows:  # no cell a spreadsheet would run as a formula; ingest restores them exactly
                pd.DataFrame(rows).map(neutralise).to_csv(out / file, index=False)
                written[file] = len(rows)
        return written

    def _rows(self, file: FileSpec, name: str) -> list[dict[str, Any]]:
        """The rows of one canonical file for a dataset, by the file's reader (canonical.yaml)."""
        if file.reader == "entity":
            return self._entity_rows(str(file.entity), name)
        if file.reader == "record":
            return self._records(str(file.entity), name)
        writers = {
            "sources": self._sources,
            "events": self._events,
            "participants": self._participants,
            "links": self._links,
            "calls": self._calls,
            "anpr": self._anpr,
            "handset_contacts": self._handsets,
            "intel_reports": self._reports,
        }
        return writers[file.reader](name)

    def _sources(self, name: str) -> list[dict[str, Any]]:
        frame = self.nodes["Source"]
        rows = []
        for rec in frame[frame["dataset"] == name].to_dict("records"):
            row = {"source_id": rec["id"]}
            for prop in schema().entity("Source").properties:
                row[prop] = self._when(rec.get(prop))
            rows.append({**row, **_extra(rec.get("extra"))})
        return rows

    def _entity_rows(
        self, entity: str, name: str, skip: Collection[str] = frozenset()
    ) -> list[dict[str, Any]]:
        """Rows of a node file: one per source of this dataset, the first carrying the properties."""
        spec = schema().entity(entity)
        frame = self.nodes[entity]
        rows = []
        for rec in frame.to_dict("records"):
            if rec["key"] in skip:
                continue
            mine = self._mine(rec["sources"], name)
            if not mine and not (spec.scope == "dataset" and rec.get("dataset") == name):
                continue
            base = {spec.id_column: self._ident(entity, rec["key"])[0]}
            props = {}
            for prop, p in spec.properties.items():
                value = _plain(rec.get(prop))
                if p.type == "string_list" and value is not None:
                    value = ";".join(value)
                elif p.type == "date" and value:
                    value = str(value)[:10]
                props[prop] = value
            if entity == "Event":
                props["start"], props["end"] = props.pop("started_at"), props.pop("ended_at")
            seen = {
                "first_seen": self._when(rec["first_seen"]),
                "last_seen": self._when(rec["last_seen"]),
            }
            for i, source in enumerate(mine or [None]):
                extra = {**props, **_extra(rec.get("extra"))} if i == 0 else {}
                rows.append({**base, **extra, **seen, "source_id": source})
        return rows

    def _events(self, name: str) -> list[dict[str, Any]]:
        events = self.nodes["Event"]
        own = set(events.loc[events["kind"].isin(_OWN_FILES), "key"]) if not events.empty else set()
        rows = self._entity_rows("Event", name, skip=own)
        places = {
            f: t
            for f, t in zip(
                self.links["OCCURRED_AT"]["from_key"],
                self.links["OCCURRED_AT"]["to_key"],
                strict=True,
            )
        }
        for row in rows:
            place = places.get(f"{name}:{row['event_id']}")
            if place is not None:
                row["location_id"] = split_key(place, "Location")[1]
        return rows

    def _participants(self, name: str) -> list[dict[str, Any]]:
        events = self.nodes["Event"]
        own = set(events.loc[events["kind"].isin(_OWN_FILES), "key"]) if not events.empty else set()
        rows = []
        for rec in self.links["PARTICIPATED_IN"].to_dict("records"):
            if rec["to_key"] in own:
                continue
            for source in self._mine(rec["sources"], name):
                for ident in self._ident(rec["from_entity"], rec["from_key"]):
                    rows.append(
                        {
                            "event_id": split_key(rec["to_key"], "Event")[1],
                            "kind": schema().entity(rec["from_entity"]).cli,
                            "id": ident,
                            "role": _plain(rec.get("role")),
                            "source_id": source,
                            **_extra(rec.get("extra")),
                        }
                    )
        return rows

    def _links(self, name: str) -> list[dict[str, Any]]:
        rows = []
        for spec in schema().links_of_class("attribution", "association"):
            for rec in self.links[spec.name].to_dict("records"):
                for source in self._mine(rec["sources"], name):
                    for ident in self._ident(rec["to_entity"], rec["to_key"]):
                        rows.append(
                            {
                                "from_kind": schema().entity(rec["from_entity"]).cli,
                                "from_id": self._ident(rec["from_entity"], rec["from_key"])[0],
                                "to_kind": schema().entity(rec["to_entity"]).cli,
                                "to_id": ident,
                                "link": spec.canonical,
                                "first_seen": self._when(rec["first_seen"]),
                                "last_seen": self._when(rec["last_seen"]),
                                "source_id": source,
                                **(
                                    {"basis": _plain(rec.get("basis"))}
                                    if "basis" in spec.properties
                                    else {}
                                ),
                                **_extra(rec.get("extra")),
                            }
                        )
        return rows

    def _event_parts(
        self, kind: str, name: str
    ) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
        events = self.nodes["Event"]
        mine = (
            events[(events["kind"] == kind) & (events["dataset"] == name)]
            if not events.empty
            else events
        )
        parts: dict[str, dict[str, str]] = {}
        for rec in self.links["PARTICIPATED_IN"].to_dict("records"):
            role = _plain(rec.get("role"))
            if role:
                parts.setdefault(rec["to_key"], {})[role] = rec["from_key"]
        return mine.to_dict("records"), parts

    def _calls(self, name: str) -> list[dict[str, Any]]:
        events, parts = self._event_parts(
            str(canonical_format().file("calls.csv").event_kind), name
        )
        rows = []
        for rec in events:
            p = parts.get(rec["key"], {})
            for source in self._mine(rec["sources"], name) or [None]:
                rows.append(
                    {
                        "caller": self._ident("Phone", p.get("caller", ""))[0],
                        "callee": self._ident("Phone", p.get("callee", ""))[0],
                        "start": self._when(rec["started_at"]),
                        "duration_s": _plain(rec.get("duration_s")),
                        "type": _plain(rec.get("call_type")),
                        "source_id": source,
                        **_extra(rec.get("extra")),
                    }
                )
        return rows

    def _anpr(self, name: str) -> list[dict[str, Any]]:
        events, parts = self._event_parts(str(canonical_format().file("anpr.csv").event_kind), name)
        places = dict(
            zip(
                self.links["OCCURRED_AT"]["from_key"],
                self.links["OCCURRED_AT"]["to_key"],
                strict=True,
            )
        )
        locations = (
            self.nodes["Location"].set_index("key") if not self.nodes["Location"].empty else None
        )
        rows = []
        for rec in events:
            place = places.get(rec["key"])
            loc = (
                locations.loc[place] if locations is not None and place in locations.index else None
            )
            camera = _plain(rec.get("camera_id"))
            is_camera = place is not None and split_key(place, "Location")[1].startswith("camera/")
            for source in self._mine(rec["sources"], name) or [None]:
                rows.append(
                    {
                        "vrm": parts.get(rec["key"], {}).get("read"),
                        "seen_at": self._when(rec["started_at"]),
                        "camera_id": camera,
                        "location_id": None
                        if is_camera or place is None
                        else split_key(place, "Location")[1],
                        "latitude": _plain(loc["latitude"]) if loc is not None else None,
                        "longitude": _plain(loc["longitude"]) if loc is not None else None,
                        "direction": _plain(rec.get("direction")),
                        "source_id": source,
                    }
                )
        return rows

    def _handsets(self, name: str) -> list[dict[str, Any]]:
        handset = dict(
            zip(
                self.links["EXTRACTED_FROM"]["from_key"],
                self.links["EXTRACTED_FROM"]["to_key"],
                strict=True,
            )
        )
        rows = []
        for rec in self.links["SAVED_CONTACT"].to_dict("records"):
            for source in self._mine(rec["sources"], name):
                for ident in self._ident("Phone", rec["to_key"]):
                    own = handset.get(rec["from_key"])
                    own = self._ident("Phone", own)[0] if own else None
                    rows.append(
                        {
                            "handset": own,
                            "exhibit_ref": split_key(rec["from_key"], "Exhibit")[1],
                            "contact_name": _plain(rec.get("saved_name")),
                            "contact_number": ident,
                            "source_id": source,
                        }
                    )
        return rows

    def _records(self, entity: str, name: str) -> list[dict[str, Any]]:
        """A safeguarding record's file: its rows, with the persons it names as their columns."""
        spec = schema().entity(entity)
        named: dict[str, dict[str, str]] = {}
        for column, link in spec.person_links.items():
            frame = self.links[link]
            frame = frame[frame["from_entity"] == entity] if not frame.empty else frame
            named[column] = dict(zip(frame["from_key"], frame["to_key"], strict=True))
        rows = self._entity_rows(entity, name)
        for row in rows:
            key = f"{name}:{row[spec.id_column]}"
            for column, ends in named.items():
                person = ends.get(key)
                row[column] = split_key(person, "Person")[1] if person else None
        return rows

    def _reports(self, name: str) -> list[dict[str, Any]]:
        about = dict(
            zip(self.links["ABOUT"]["from_key"], self.links["ABOUT"]["to_key"], strict=True)
        )
        frame = self.nodes["Report"]
        rows = []
        for rec in frame[frame["dataset"] == name].to_dict("records") if not frame.empty else []:
            subject = about.get(rec["key"])
            for source in self._mine(rec["sources"], name) or [None]:
                rows.append(
                    {
                        "report_id": rec["id"],
                        "recorded_at": self._when(rec.get("recorded_at")),
                        "subject_person_id": split_key(subject, "Person")[1] if subject else None,
                        "text": _plain(rec.get("text")),
                        "source_id": source,
                        **_extra(rec.get("extra")),
                    }
                )
        return rows


def _extra(value: Any) -> dict[str, Any]:
    """The columns an `extra` JSON object held."""
    value = _plain(value)
    return json.loads(value) if value else {}
