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
from loaders.mapping.idmap import IdMap
from loaders.mapping.spec import EntityMap, Value
from loaders.mapping.values import Evaluator
from loaders.readers import IngestError, register_reader

_FIELD = re.compile(
    r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+(?:\[\])?)(?:\((?P<space>[^)]*)\))?)?$"
)
_SPECIAL = {"ID", "START_ID", "END_ID", "LABEL", "TYPE", "IGNORE"}
#: Why a node's id is in Run.left_out: its labels are ignored, or none of them is mapped.
IGNORED, UNMAPPED = 0, 1


def _kinds() -> tuple[str, ...]:
    """Entity kinds by code (Run.id_map holds codes, so a column of ends is judged per distinct kind)."""
    return tuple(schema().entities)


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
            yield (
                path,
                _node_chunks(run, read_chunks(path, chunk_rows), header),
                partial(_parse_nodes, header=header),
            )
        else:
            yield (
                path,
                _relationship_chunks(run, read_chunks(path, chunk_rows), header),
                partial(_parse_relationships, header=header),
            )


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
        ignored = _per_distinct(
            text,
            lambda t: (
                not any(x in spec.labels for x in _split(t))
                and any(spec.ignore.label(x) for x in _split(t))
            ),
        ).to_numpy(dtype=bool)
        if ignored.any():
            run.left_out.setdefault(space, IdMap()).add(
                named.frame[":ID"].to_numpy()[ignored], IGNORED
            )
            for name, count in (
                _per_distinct(text[ignored], lambda t: ";".join(_split(t))).value_counts().items()
            ):
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
        drop = (
            (~types.isin(spec.types) & _per_distinct(types, spec.ignore.type).astype(bool))
            .to_numpy(dtype=bool)
            .copy()
        )
        for t, count in types[drop].value_counts().items():
            run.tally.add_ignored(chunk.file, "type", str(t), int(count))
        if run.left_out:
            for end in (":START_ID", ":END_ID"):
                status = run.left_out.get(header.spaces[end])
                if not status:
                    continue
                gone = (status.lookup(named.frame[end])[0] == IGNORED) & ~drop
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
    return pd.Series(
        run.spec.relationship_types.get(named.file, ""), index=frame.index, dtype=object
    )


def _tally_unmapped(
    run: Run, chunk: Chunk, problems: Problems, mask: np.ndarray, what: str, names: pd.Series
) -> None:
    """Rows left out because nothing maps them: counted as quarantined, reported once per name."""
    if not mask.any():
        return
    idx = np.flatnonzero(mask)
    firsts = pd.Series(idx).groupby(names.iloc[idx].to_numpy()).first()
    counts = names.iloc[idx].value_counts()
    for name, first in firsts.items():
        row = json.dumps(chunk.frame.iloc[int(first)].to_dict(), ensure_ascii=False)
        run.tally.add_unmapped(
            chunk.file, what, str(name), int(counts[name]), int(chunk.lines[int(first)]), row
        )
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
    return pd.Series(
        table[codes] if len(distinct) else np.array([], dtype=object),
        index=values.index,
        dtype=object,
    )


def _parse_nodes(run: Run, chunk: Chunk, problems: Problems, batch: Batch, header: Header) -> None:
    """A chunk of a node file: each row becomes the entity its first mapped label names."""
    spec, ctx = run.spec, run.ctx
    named = _renamed(chunk, header)
    text = _label_text(named, spec.node_labels)
    mapped = _per_distinct(text, lambda t: next((x for x in _split(t) if x in spec.labels), None))
    unmapped = mapped.isna().to_numpy()
    _tally_unmapped(
        run,
        chunk,
        problems,
        unmapped,
        "label",
        _per_distinct(text, lambda t: ";".join(_split(t)) or "(none)"),
    )
    ident = named.frame[":ID"]
    space = header.spaces[":ID"]
    if unmapped.any():
        run.left_out.setdefault(space, IdMap()).add(ident.to_numpy()[unmapped], UNMAPPED)
    problems.add(ident.eq("").to_numpy() & ~unmapped, ":ID", "the node has no :ID")
    srcs = pd.Series([[run.source_key]] * len(ident), dtype=object)
    when = pd.Series(
        ctx.source_dates.get(run.source_key, pd.NaT),
        index=range(len(ident)),
        dtype="datetime64[us]",
    )
    for label, rows in (
        mapped[problems.good].groupby(mapped[problems.good], sort=False).groups.items()
    ):
        idx = np.asarray(rows, dtype=np.int64)
        lm = spec.labels[str(label)]
        sub = _sub(named, idx)
        subp = Problems(sub)
        entity = EntityMap(kind=lm.kind, id=lm.id or Value(column=":ID"), properties=lm.properties)
        flat, props = _entity_values(Evaluator(sub, subp), str(label), entity, subp)
        used = {
            c for v in (entity.id, *lm.properties.values()) if v is not None for c in v.referenced()
        }
        kept = _kept(run, sub, header, used)
        if kept:
            props["extra"] = _extras(sub, kept)
        _merge_problems(problems, idx, subp)
        ok = subp.good
        flat = flat[ok[flat.index.to_numpy()]].groupby(level=0).first()
        kind = schema().entity(lm.kind).name
        keys = _nodes(
            ctx,
            batch,
            kind,
            flat,
            props,
            srcs.iloc[idx].reset_index(drop=True),
            when.iloc[idx].reset_index(drop=True),
        )
        raw_ids = sub.frame[":ID"].to_numpy()[keys["pos"].to_numpy()]
        run.id_map.setdefault(space, IdMap()).add(
            raw_ids, _kinds().index(kind), keys["key"].to_numpy()
        )


def _no_node(ids: pd.Series, space: str, end: str) -> pd.Series:
    """Why a relationship's end is not loaded, one text per row."""
    where = f" ({space})" if space else ""
    return ids.map(
        lambda x: f"{end[1:]} {x!r}{where} is in no node file, or its node was quarantined"
    )


def _parse_relationships(
    run: Run, chunk: Chunk, problems: Problems, batch: Batch, header: Header
) -> None:
    """A chunk of a relationship file: each row becomes the link or event its type maps to.

    Ends are resolved a column at a time (Run.id_map: kind code and key per row); link kinds and
    participation are judged once per distinct pair of kinds, never per row.
    """
    spec = run.spec
    named = _renamed(chunk, header)
    frame = named.frame
    types = _types(run, named)
    unmapped_type = (~types.isin(spec.types)).to_numpy()
    _tally_unmapped(run, chunk, problems, unmapped_type, "type", types)
    ends: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for end in (":START_ID", ":END_ID"):
        space = header.spaces[end]
        status = run.left_out.get(space)
        left = (
            (status.lookup(frame[end])[0] == UNMAPPED)
            if status
            else np.zeros(len(frame), dtype=bool)
        )
        _tally_unmapped(run, chunk, problems, left & ~problems.bad, "end", types)
        known = run.id_map.get(space)
        codes, keys = (
            known.lookup(frame[end])
            if known
            else (np.full(len(frame), -1), np.full(len(frame), None, dtype=object))
        )
        problems.add((codes < 0) & ~problems.bad, end, partial(_no_node, frame[end], space, end))
        ends[end] = (codes, keys)
    n = len(frame)
    srcs = pd.Series([[run.source_key]] * n, dtype=object)
    base_when = pd.Series(
        run.ctx.source_dates.get(run.source_key, pd.NaT), index=range(n), dtype="datetime64[us]"
    )
    good = problems.good
    for rel, rows in types[good].groupby(types[good], sort=False).groups.items():
        idx = np.asarray(rows, dtype=np.int64)
        sub = _sub(named, idx)
        rel_rows = _RelRows(
            run,
            str(rel),
            sub,
            Problems(sub),
            idx,
            ends,
            srcs.iloc[idx].reset_index(drop=True),
            base_when.iloc[idx].reset_index(drop=True),
        )
        tm = spec.types[str(rel)]
        used = {
            c
            for v in (tm.start, tm.end, *tm.properties.values())
            if v is not None
            for c in v.referenced()
        }
        kept = _kept(run, sub, header, used)
        if tm.link is not None:
            _relationship_links(rel_rows, batch, kept)
        else:
            _relationship_events(rel_rows, batch, kept)
        _merge_problems(problems, idx, rel_rows.problems)


@dataclass
class _RelRows:
    """The rows of one relationship type in a chunk, with their ends resolved (kind codes and keys)."""

    run: Run
    rel: str
    sub: Chunk
    problems: Problems
    idx: np.ndarray
    ends: dict[str, tuple[np.ndarray, np.ndarray]]
    srcs: pd.Series
    when: pd.Series

    def end(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        codes, keys = self.ends[name]
        return codes[self.idx], keys[self.idx]


def _relationship_links(rows: _RelRows, batch: Batch, kept: list[str]) -> None:
    """Rows of a type mapped onto a link kind: written either way round the schema allows, else quarantined."""
    tm = rows.run.spec.types[rows.rel]
    assert tm.link is not None
    kinds = _kinds()
    lspec = schema().link(tm.link)
    ev = Evaluator(rows.sub, rows.problems)
    (ca, ka), (cb, kb) = rows.end(":START_ID"), rows.end(":END_ID")
    k = len(kinds)
    pair = ca * k + cb
    direct_of, flipped_of = np.zeros(k * k, dtype=bool), np.zeros(k * k, dtype=bool)
    for x, y in lspec.pairs:
        direct_of[kinds.index(x) * k + kinds.index(y)] = True
        flipped_of[kinds.index(y) * k + kinds.index(x)] = True
    direct = direct_of[pair]
    flipped = flipped_of[pair] & ~direct
    distinct = np.unique(pair)
    allowed = ", ".join(f"{x}->{y}" for x, y in lspec.pairs)
    refused = ~direct & ~flipped
    rows.problems.add(
        refused,
        ":TYPE",
        pd.Series(
            [
                f"{rows.rel} joins {kinds[p // k]} to {kinds[p % k]}, but {lspec.canonical} joins only {allowed}"
                for p in pair[refused]
            ],
            index=np.flatnonzero(refused),
            dtype=object,
        ).reindex(range(len(pair))),
    )
    props = {
        name: ev.typed(v, lspec.properties[name], name) for name, v in tm.all_properties().items()
    }
    if kept:
        props["extra"] = _extras(rows.sub, kept)
    ok = rows.problems.good
    for p in distinct:
        pos = np.flatnonzero(ok & (pair == p))
        if not len(pos):
            continue
        a, b = kinds[p // k], kinds[p % k]
        frm, to, fk, tk = (ka, kb, a, b) if direct[pos[0]] else (kb, ka, b, a)
        left = pd.DataFrame({"pos": pos, "key": frm[pos]})
        right = pd.DataFrame({"pos": pos, "key": to[pos]})
        _links(batch, lspec.name, fk, tk, left, right, props, rows.srcs, rows.when)


def _relationship_events(rows: _RelRows, batch: Batch, kept: list[str]) -> None:
    """Rows of a type mapped onto an event: the event, and each end taking part in it in its role."""
    tm = rows.run.spec.types[rows.rel]
    assert tm.start is not None and tm.event is not None
    kinds = _kinds()
    ev = Evaluator(rows.sub, rows.problems)
    n = len(rows.idx)
    event_spec = schema().entity("Event")
    start = ev.typed(tm.start, event_spec.properties["started_at"], "started_at")
    rows.problems.add(
        ev.origin(tm.start).str.strip().eq("").to_numpy(),
        tm.start.label(),
        f"{rows.rel}: the event's time is blank",
    )
    takes_part = np.array(
        [k in {x for x, _ in schema().link("participated_in").pairs} for k in kinds]
    )
    resolved = {end: rows.end(end) for end in (":START_ID", ":END_ID")}
    for end, (codes, _) in resolved.items():
        refused = ~takes_part[codes]
        rows.problems.add(
            refused,
            end,
            pd.Series(
                [f"a {kinds[c]} cannot take part in an event ({rows.rel})" for c in codes[refused]],
                index=np.flatnonzero(refused),
                dtype=object,
            ).reindex(range(len(codes))),
        )
    props = {
        name: ev.typed(v, event_spec.properties[name], name) for name, v in tm.properties.items()
    }
    props["kind"] = pd.Series(tm.event, index=range(n), dtype=object)
    props["started_at"] = start
    if tm.end is not None:
        props["ended_at"] = ev.typed(tm.end, event_spec.properties["ended_at"], "ended_at")
    if kept:
        props["extra"] = _extras(rows.sub, kept)
    pos = np.flatnonzero(rows.problems.good)
    stamp = start.dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
    ka, kb = (pd.Series(resolved[e][1], dtype=object).fillna("") for e in (":START_ID", ":END_ID"))
    ids = tm.event + "/" + ka + "/" + kb + "/" + stamp
    when = start.fillna(rows.when)
    keys = _nodes(rows.run.ctx, batch, "Event", ids.iloc[pos], props, rows.srcs, when)
    for (codes, who_keys), role in zip(resolved.values(), tm.roles, strict=True):
        for code in np.unique(codes[pos]):
            p = pos[codes[pos] == code]
            who = pd.DataFrame({"pos": p, "key": who_keys[p]})
            ev_keys = keys[keys["pos"].isin(p)]
            _links(
                batch,
                "PARTICIPATED_IN",
                kinds[code],
                "Event",
                who,
                ev_keys,
                {"role": pd.Series(role, index=range(n), dtype=object)},
                rows.srcs,
                when,
            )
