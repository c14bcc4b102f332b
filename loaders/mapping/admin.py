"""Neo4j admin-import CSV (`:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`, `name:type` headers).

A folder prepared for `neo4j-admin database import` comes in through a specification whose
`labels` map node labels onto entity kinds and whose `types` map relationship types onto link
kinds or events. Node files load first, building a map from (id space, :ID) to our entity keys;
relationship files then resolve their ends through it, so a relationship naming a node that no
node file holds is quarantined, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from graph_intel.ingest import IngestError
from graph_intel.schema import schema
from loaders.canonical.batch import Batch, Problems
from loaders.canonical.chunks import Chunk, SourceFileError, read_chunks, read_header
from loaders.mapping.engine import Job, Run, _entity_values, _links, _nodes
from loaders.mapping.spec import EntityMap, Value
from loaders.mapping.values import Evaluator

_FIELD = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+(?:\[\])?)(?:\((?P<space>[^)]*)\))?)?$")
_SPECIAL = {"ID", "START_ID", "END_ID", "LABEL", "TYPE", "IGNORE"}


@dataclass
class Header:
    """A parsed admin-import header: the column each raw header feeds, and the id spaces."""

    renames: dict[str, list[str]]
    spaces: dict[str, str]

    @property
    def is_nodes(self) -> bool:
        return ":ID" in self.spaces

    @property
    def is_relationships(self) -> bool:
        return ":START_ID" in self.spaces and ":END_ID" in self.spaces


def parse_header(columns: list[str]) -> Header:
    """Read `name:type(space)` headers; special fields become ':ID', ':LABEL', ... columns."""
    renames: dict[str, list[str]] = {}
    spaces: dict[str, str] = {}
    for raw in columns:
        m = _FIELD.match(raw.strip())
        name, typ, space = (m["name"], m["type"], m["space"]) if m else (raw, None, None)
        targets = []
        if typ and typ.upper() in _SPECIAL:
            special = ":" + typ.upper()
            if special == ":IGNORE":
                renames[raw] = []
                continue
            targets.append(special)
            if special in (":ID", ":START_ID", ":END_ID"):
                spaces[special] = space or ""
        if name:
            targets.append(name)
        renames[raw] = targets
    return Header(renames, spaces)


def _renamed(chunk: Chunk, header: Header) -> Chunk:
    data = {}
    for raw, targets in header.renames.items():
        for target in targets:
            data[target] = chunk.frame[raw].to_numpy()
    return Chunk(chunk.file, pd.DataFrame(data, dtype=object), chunk.lines)


def admin_files(run: Run, files: list[Path], chunk_rows: int) -> Iterator[Job]:
    """(file, chunks, parser) for node files first, then relationship files."""
    parsed: list[tuple[Path, Header]] = []
    for path in files:
        try:
            header = parse_header(read_header(path))
        except SourceFileError as exc:
            raise IngestError(str(exc)) from exc
        if not (header.is_nodes or header.is_relationships):
            raise IngestError(
                f"{path}: neither a node file (an :ID column) nor a relationship file (:START_ID and :END_ID)"
            )
        parsed.append((path, header))
    ordered = [p for p in parsed if p[1].is_nodes] + [p for p in parsed if not p[1].is_nodes]
    for path, header in ordered:
        parse = partial(_parse_nodes if header.is_nodes else _parse_relationships, header=header)
        yield path, read_chunks(path, chunk_rows), parse


def _sub(chunk: Chunk, idx: np.ndarray) -> Chunk:
    return Chunk(chunk.file, chunk.frame.iloc[idx].reset_index(drop=True), chunk.lines[idx])


def _merge_problems(problems: Problems, idx: np.ndarray, sub: Problems) -> None:
    problems.bad[idx] |= sub.bad
    problems.records.extend(sub.records)


def _labels(run: Run, chunk: Chunk, column: str, defaults: dict[str, str]) -> pd.Series:
    frame = chunk.frame
    if column in frame:
        return frame[column].map(lambda s: [p.strip() for p in s.split(";") if p.strip()])
    default = defaults.get(chunk.file)
    return pd.Series([[default] if default else []] * len(frame), dtype=object)


def _parse_nodes(run: Run, chunk: Chunk, problems: Problems, batch: Batch, header: Header) -> None:
    """A chunk of a node file: each row becomes the entity its first mapped label names."""
    spec, ctx = run.spec, run.ctx
    named = _renamed(chunk, header)
    labels = _labels(run, named, ":LABEL", spec.node_labels)
    mapped = labels.map(lambda ls: next((x for x in ls if x in spec.labels), None))
    problems.add(
        mapped.isna().to_numpy(), ":LABEL",
        labels.map(lambda ls: f"none of the labels {';'.join(ls) or '(none)'} is mapped; add one under labels: in the specification"),
    )
    ident = named.frame[":ID"]
    problems.add(ident.eq("").to_numpy(), ":ID", "the node has no :ID")
    space = header.spaces[":ID"]
    srcs = pd.Series([[run.source_key]] * len(ident), dtype=object)
    when = pd.Series(ctx.source_dates.get(run.source_key, pd.NaT), index=range(len(ident)), dtype="datetime64[us]")
    for label, rows in mapped[problems.good].groupby(mapped[problems.good], sort=False).groups.items():
        idx = np.asarray(rows, dtype=np.int64)
        lm = spec.labels[str(label)]
        sub = _sub(named, idx)
        subp = Problems(sub)
        entity = EntityMap(kind=lm.kind, id=lm.id or Value(column=":ID"), properties=lm.properties)
        flat, props = _entity_values(Evaluator(sub, subp), str(label), entity, subp)
        _merge_problems(problems, idx, subp)
        ok = subp.good
        flat = flat[ok[flat.index.to_numpy()]].groupby(level=0).first()
        kind = schema().entity(lm.kind).name
        keys = _nodes(ctx, batch, kind, flat, props, srcs.iloc[idx].reset_index(drop=True), when.iloc[idx].reset_index(drop=True))
        raw_ids = sub.frame[":ID"].to_numpy()
        for pos, key in zip(keys["pos"], keys["key"], strict=True):
            run.id_map[(space, raw_ids[pos])] = (kind, key)


def _parse_relationships(run: Run, chunk: Chunk, problems: Problems, batch: Batch, header: Header) -> None:
    """A chunk of a relationship file: each row becomes the link or event its type maps to."""
    spec, ctx = run.spec, run.ctx
    named = _renamed(chunk, header)
    frame = named.frame
    ends = {}
    for end in (":START_ID", ":END_ID"):
        space = header.spaces[end]
        found = frame[end].map(lambda v, s=space: run.id_map.get((s, v)))
        problems.add(found.isna().to_numpy(), end,
                     frame[end].map(lambda v, s=space, e=end: f"{e[1:]} {v!r}{f' ({s})' if s else ''} is in no node file, or its node was quarantined"))
        ends[end] = found
    if ":TYPE" in frame:
        types = frame[":TYPE"]
    else:
        types = pd.Series(spec.relationship_types.get(chunk.file, ""), index=frame.index, dtype=object)
    problems.add((~types.isin(spec.types)).to_numpy(), ":TYPE",
                 lambda: "relationship type '" + types + "' is not mapped; add it under types: in the specification")
    n = len(frame)
    srcs = pd.Series([[run.source_key]] * n, dtype=object)
    base_when = pd.Series(ctx.source_dates.get(run.source_key, pd.NaT), index=range(n), dtype="datetime64[us]")
    good = problems.good
    for rel, rows in types[good].groupby(types[good], sort=False).groups.items():
        idx = np.asarray(rows, dtype=np.int64)
        tm = spec.types[str(rel)]
        sub = _sub(named, idx)
        subp = Problems(sub)
        ev = Evaluator(sub, subp)
        a = ends[":START_ID"].iloc[idx].reset_index(drop=True)
        b = ends[":END_ID"].iloc[idx].reset_index(drop=True)
        s = srcs.iloc[idx].reset_index(drop=True)
        w = base_when.iloc[idx].reset_index(drop=True)
        if tm.link is not None:
            lspec = schema().link(tm.link)
            kinds = pd.Series([(x[0], y[0]) for x, y in zip(a, b, strict=True)], dtype=object)
            direct = kinds.isin(lspec.pairs).to_numpy()
            flipped = kinds.map(lambda p: (p[1], p[0])).isin(lspec.pairs).to_numpy() & ~direct
            allowed = ", ".join(f"{x}->{y}" for x, y in lspec.pairs)
            subp.add(~direct & ~flipped, ":TYPE",
                     kinds.map(lambda p, r=rel, c=lspec.canonical, al=allowed: f"{r} joins {p[0]} to {p[1]}, but {c} joins only {al}"))
            props = {name: ev.typed(v, lspec.properties[name], name) for name, v in tm.properties.items()}
            ok = subp.good
            for pair, members in kinds[ok].groupby(kinds[ok], sort=False).groups.items():
                pos = np.asarray(members, dtype=np.int64)
                frm, to = (a, b) if direct[pos[0]] else (b, a)
                fk, tk = (pair[0], pair[1]) if direct[pos[0]] else (pair[1], pair[0])
                left = pd.DataFrame({"pos": pos, "key": frm.iloc[pos].map(lambda x: x[1]).to_numpy()})
                right = pd.DataFrame({"pos": pos, "key": to.iloc[pos].map(lambda x: x[1]).to_numpy()})
                _links(batch, lspec.name, fk, tk, left, right, props, s, w)
        else:
            assert tm.start is not None and tm.event is not None
            event_spec = schema().entity("Event")
            start = ev.typed(tm.start, event_spec.properties["started_at"], "started_at")
            subp.add(ev.origin(tm.start).str.strip().eq("").to_numpy(), tm.start.label(), f"{rel}: the event's time is blank")
            takes_part = {x for x, _ in schema().link("participated_in").pairs}
            for end_frame, end in ((a, ":START_ID"), (b, ":END_ID")):
                subp.add(~end_frame.map(lambda x, t=takes_part: x[0] in t).to_numpy(), end,
                         end_frame.map(lambda x, r=rel: f"a {x[0]} cannot take part in an event ({r})"))
            props = {name: ev.typed(v, event_spec.properties[name], name) for name, v in tm.properties.items()}
            props["kind"] = pd.Series(tm.event, index=range(len(idx)), dtype=object)
            props["started_at"] = start
            if tm.end is not None:
                props["ended_at"] = ev.typed(tm.end, event_spec.properties["ended_at"], "ended_at")
            ok = subp.good
            pos = np.flatnonzero(ok)
            stamp = start.dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
            ids = tm.event + "/" + a.map(lambda x: x[1] if x else "") + "/" + b.map(lambda x: x[1] if x else "") + "/" + stamp
            when = start.fillna(w)
            flat = ids.iloc[pos]
            keys = _nodes(ctx, batch, "Event", flat, props, s, when)
            for end_frame, role in ((a, tm.roles[0]), (b, tm.roles[1])):
                kinds_ = end_frame.iloc[pos].map(lambda x: x[0])
                for kind, members in kinds_.groupby(kinds_, sort=False).groups.items():
                    p = np.asarray(members, dtype=np.int64)
                    who = pd.DataFrame({"pos": p, "key": end_frame.iloc[p].map(lambda x: x[1]).to_numpy()})
                    ev_keys = keys[keys["pos"].isin(p)]
                    _links(batch, "PARTICIPATED_IN", str(kind), "Event", who, ev_keys,
                           {"role": pd.Series(role, index=range(len(idx)), dtype=object)}, s, when)
        _merge_problems(problems, idx, subp)
