"""Neo4j admin-import CSV (`:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`, `name:type` headers).

A folder prepared for `neo4j-admin database import` comes in through a specification whose
`labels` map node labels onto entity kinds and whose `types` map relationship types onto link
kinds or events. Node files load first, building a map from (id space, :ID) to our entity keys;
relationship files then resolve their ends through it, so a relationship naming a node that no
node file holds is quarantined, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph_intel.schema import schema
from loaders.canonical.batch import Batch, Problems
from loaders.canonical.chunks import Chunk, SourceFileError, read_chunks, read_header
from loaders.mapping.engine import (
    FileJob,
    Run,
    SpecReader,
    _count_rows,
    _entity_values,
    _extras,
    _links,
    _nodes,
    extra_columns,
)
from loaders.mapping.spec import EntityMap, Value
from loaders.mapping.values import Evaluator
from loaders.readers import IngestError, register_reader

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


def admin_files(run: Run, files: list[Path], chunk_rows: int) -> Iterator[FileJob]:
    """(file, chunks, parser) for node files first, then relationship files.

    A file that is neither (no :ID, no :START_ID and :END_ID) is reported once as not mapped.
    Rows whose labels or type the specification ignores are dropped before parsing (counted,
    never quarantined); so are relationships naming a node that was ignored.
    """
    parsed: list[tuple[Path, Header]] = []
    for path in files:
        try:
            header = parse_header(read_header(path))
        except SourceFileError as exc:
            raise IngestError(str(exc)) from exc
        if not (header.is_nodes or header.is_relationships):
            run.tally.add_unmapped(path.name, "file", path.name, _count_rows(path), None)
            continue
        parsed.append((path, header))
    ordered = [p for p in parsed if p[1].is_nodes] + [p for p in parsed if not p[1].is_nodes]
    for path, header in ordered:
        if header.is_nodes:
            yield path, _node_chunks(run, read_chunks(path, chunk_rows), header), partial(_parse_nodes, header=header)
        else:
            yield path, _relationship_chunks(run, read_chunks(path, chunk_rows), header), partial(_parse_relationships, header=header)


@register_reader("neo4j-admin")
class AdminReader(SpecReader):
    """A folder prepared for `neo4j-admin database import`: node files first, then relationship files."""

    def file_jobs(self, run: Run, files: list[Path], chunk_rows: int) -> Iterator[FileJob]:
        return admin_files(run, files, chunk_rows)


def _node_chunks(run: Run, chunks: Iterator[Chunk], header: Header) -> Iterator[Chunk]:
    """Chunks without the rows whose labels are ignored (and none mapped); their ids are remembered."""
    spec = run.spec
    space = header.spaces[":ID"]
    for chunk in chunks:
        named = _renamed(chunk, header)
        text = _label_text(named, spec.node_labels)
        ignored = _per_distinct(text, lambda t: not any(x in spec.labels for x in _split(t))
                                and any(spec.ignore.label(x) for x in _split(t))).to_numpy(dtype=bool)
        if ignored.any():
            run.left_out.setdefault(space, {}).update(dict.fromkeys(named.frame[":ID"].to_numpy()[ignored].tolist(), "ignored"))
            for name, count in _per_distinct(text[ignored], lambda t: ";".join(_split(t))).value_counts().items():
                run.tally.add_ignored(chunk.file, "label", str(name), int(count))
            keep = np.flatnonzero(~ignored)
            chunk = _sub(chunk, keep)
        yield chunk


def _relationship_chunks(run: Run, chunks: Iterator[Chunk], header: Header) -> Iterator[Chunk]:
    """Chunks without the rows whose type is ignored, or which name a node that was ignored."""
    spec = run.spec
    for chunk in chunks:
        named = _renamed(chunk, header)
        types = _types(run, named)
        drop = (~types.isin(spec.types) & _per_distinct(types, spec.ignore.type).astype(bool)).to_numpy(dtype=bool).copy()
        for t, count in types[drop].value_counts().items():
            run.tally.add_ignored(chunk.file, "type", str(t), int(count))
        if run.left_out:
            for end in (":START_ID", ":END_ID"):
                status = run.left_out.get(header.spaces[end])
                if not status:
                    continue
                gone = named.frame[end].map(status).eq("ignored").to_numpy(dtype=bool) & ~drop
                for t, count in types[gone].value_counts().items():
                    run.tally.add_ignored(chunk.file, "end", str(t), int(count))
                drop = drop | gone
        if drop.any():
            chunk = _sub(chunk, np.flatnonzero(~drop))
        yield chunk


def _types(run: Run, named: Chunk) -> pd.Series:
    frame = named.frame
    if ":TYPE" in frame:
        return frame[":TYPE"]
    return pd.Series(run.spec.relationship_types.get(named.file, ""), index=frame.index, dtype=object)


def _tally_unmapped(run: Run, chunk: Chunk, problems: Problems, mask: np.ndarray, what: str, names: pd.Series) -> None:
    """Rows left out because nothing maps them: counted as quarantined, reported once per name."""
    if not mask.any():
        return
    idx = np.flatnonzero(mask)
    firsts = pd.Series(idx).groupby(names.iloc[idx].to_numpy()).first()
    counts = names.iloc[idx].value_counts()
    for name, first in firsts.items():
        row = json.dumps(chunk.frame.iloc[int(first)].to_dict(), ensure_ascii=False)
        run.tally.add_unmapped(chunk.file, what, str(name), int(counts[name]), int(chunk.lines[int(first)]), row)
    problems.bad |= mask


def _kept(run: Run, chunk: Chunk, header: Header, used: set[str]) -> list[str]:
    """The file's columns kept in `extra`: not special, not the id's own name, not read, not ignored."""
    special = {":ID", ":LABEL", ":START_ID", ":END_ID", ":TYPE"}
    ids = {t for raw, targets in header.renames.items() for t in targets if ":ID" in targets}
    names = [c for c in chunk.frame.columns if c not in special and c not in ids]
    kept = extra_columns(names, used, run.spec)
    if kept:
        run.tally.extra_columns.setdefault(chunk.file, kept)
    return kept


def _sub(chunk: Chunk, idx: np.ndarray) -> Chunk:
    return Chunk(chunk.file, chunk.frame.iloc[idx].reset_index(drop=True), chunk.lines[idx])


def _merge_problems(problems: Problems, idx: np.ndarray, sub: Problems) -> None:
    problems.bad[idx] |= sub.bad
    problems.records.extend(sub.records)


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


def _label_text(chunk: Chunk, defaults: dict[str, str]) -> pd.Series:
    """Each node's labels as written (';'-separated), or the file's label from node_labels."""
    frame = chunk.frame
    if ":LABEL" in frame:
        return frame[":LABEL"].reset_index(drop=True)
    return pd.Series(defaults.get(chunk.file, ""), index=range(len(frame)), dtype=object)


def _per_distinct(values: pd.Series, fn: Any) -> pd.Series:
    """fn of each value, computed once per distinct value (a label or id-space column holds a few)."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    table = np.empty(len(distinct), dtype=object)
    table[:] = [fn(v) for v in distinct]
    return pd.Series(table[codes] if len(distinct) else np.array([], dtype=object), index=values.index, dtype=object)


def _parse_nodes(run: Run, chunk: Chunk, problems: Problems, batch: Batch, header: Header) -> None:
    """A chunk of a node file: each row becomes the entity its first mapped label names."""
    spec, ctx = run.spec, run.ctx
    named = _renamed(chunk, header)
    text = _label_text(named, spec.node_labels)
    mapped = _per_distinct(text, lambda t: next((x for x in _split(t) if x in spec.labels), None))
    unmapped = mapped.isna().to_numpy()
    _tally_unmapped(run, chunk, problems, unmapped, "label", _per_distinct(text, lambda t: ";".join(_split(t)) or "(none)"))
    ident = named.frame[":ID"]
    space = header.spaces[":ID"]
    if unmapped.any():
        run.left_out.setdefault(space, {}).update(dict.fromkeys(ident.to_numpy()[unmapped].tolist(), "unmapped"))
    problems.add(ident.eq("").to_numpy() & ~unmapped, ":ID", "the node has no :ID")
    srcs = pd.Series([[run.source_key]] * len(ident), dtype=object)
    when = pd.Series(ctx.source_dates.get(run.source_key, pd.NaT), index=range(len(ident)), dtype="datetime64[us]")
    for label, rows in mapped[problems.good].groupby(mapped[problems.good], sort=False).groups.items():
        idx = np.asarray(rows, dtype=np.int64)
        lm = spec.labels[str(label)]
        sub = _sub(named, idx)
        subp = Problems(sub)
        entity = EntityMap(kind=lm.kind, id=lm.id or Value(column=":ID"), properties=lm.properties)
        flat, props = _entity_values(Evaluator(sub, subp), str(label), entity, subp)
        used = {c for v in (entity.id, *lm.properties.values()) if v is not None for c in v.referenced()}
        kept = _kept(run, sub, header, used)
        if kept:
            props["extra"] = _extras(sub, kept)
        _merge_problems(problems, idx, subp)
        ok = subp.good
        flat = flat[ok[flat.index.to_numpy()]].groupby(level=0).first()
        kind = schema().entity(lm.kind).name
        keys = _nodes(ctx, batch, kind, flat, props, srcs.iloc[idx].reset_index(drop=True), when.iloc[idx].reset_index(drop=True))
        raw_ids = sub.frame[":ID"].to_numpy()[keys["pos"].to_numpy()]
        run.id_map.setdefault(space, {}).update(zip(raw_ids.tolist(), ((kind, k) for k in keys["key"].tolist()), strict=True))


def _no_node(ids: pd.Series, space: str, end: str) -> pd.Series:
    """Why a relationship's end is not loaded, one text per row."""
    where = f" ({space})" if space else ""
    return ids.map(lambda x: f"{end[1:]} {x!r}{where} is in no node file, or its node was quarantined")


def _parse_relationships(run: Run, chunk: Chunk, problems: Problems, batch: Batch, header: Header) -> None:
    """A chunk of a relationship file: each row becomes the link or event its type maps to."""
    spec, ctx = run.spec, run.ctx
    named = _renamed(chunk, header)
    frame = named.frame
    types = _types(run, named)
    unmapped_type = (~types.isin(spec.types)).to_numpy()
    _tally_unmapped(run, chunk, problems, unmapped_type, "type", types)
    ends = {}
    for end in (":START_ID", ":END_ID"):
        space = header.spaces[end]
        status = run.left_out.get(space)
        left = frame[end].map(status).eq("unmapped").to_numpy(dtype=bool) if status else np.zeros(len(frame), dtype=bool)
        _tally_unmapped(run, chunk, problems, left & ~problems.bad, "end", types)
        known = run.id_map.get(space)
        found = frame[end].map(known) if known else pd.Series(None, index=frame.index, dtype=object)
        problems.add(found.isna().to_numpy() & ~problems.bad, end, partial(_no_node, frame[end], space, end))
        ends[end] = found
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
        used = {c for v in (tm.start, tm.end, *tm.properties.values()) if v is not None for c in v.referenced()}
        kept = _kept(run, sub, header, used)
        if tm.link is not None:
            lspec = schema().link(tm.link)
            kinds = pd.Series([(x[0], y[0]) for x, y in zip(a, b, strict=True)], dtype=object)
            direct = kinds.isin(lspec.pairs).to_numpy()
            flipped = kinds.map(lambda p: (p[1], p[0])).isin(lspec.pairs).to_numpy() & ~direct
            allowed = ", ".join(f"{x}->{y}" for x, y in lspec.pairs)
            subp.add(~direct & ~flipped, ":TYPE",
                     kinds.map(lambda p, r=rel, c=lspec.canonical, al=allowed: f"{r} joins {p[0]} to {p[1]}, but {c} joins only {al}"))
            props = {name: ev.typed(v, lspec.properties[name], name) for name, v in tm.all_properties().items()}
            if kept:
                props["extra"] = _extras(sub, kept)
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
            if kept:
                props["extra"] = _extras(sub, kept)
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
