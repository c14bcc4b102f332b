"""Run an import specification over a file or folder: the same Batch/Problems and store writes as ingest."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from graph_intel.ingest import DatasetLoad, IngestError, IngestReport, Progress, dataset_name
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore, UpsertResult
from loaders.canonical.batch import Batch, Problems
from loaders.canonical.chunks import CHUNK_ROWS, Chunk, SourceFileError
from loaders.canonical.columns import LoadContext, identify, with_provenance
from loaders.mapping.reader import is_excel, open_table
from loaders.mapping.spec import EntityMap, EventMap, ImportSpec, Value
from loaders.mapping.values import Evaluator


@dataclass
class Run:
    """What one import needs while it runs: the spec, the dataset context and the row source."""

    spec: ImportSpec
    ctx: LoadContext
    source_key: str
    preamble: str = ""
    id_map: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


#: Parses one chunk of one file into the batch, recording problems.
ChunkParser = Callable[["Run", Chunk, Problems, Batch], None]
Job = tuple[Path, Iterable[Chunk], ChunkParser]


def import_path(
    store: GraphStore,
    spec: ImportSpec,
    path: Path,
    dataset: str | None = None,
    quarantine_file: Path | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestReport:
    """Load a file (or every matching file of a folder) through `spec` as one dataset."""
    if not path.exists():
        raise IngestError(f"{path}: no such file or folder")
    files = _files(spec, path)
    if not files:
        raise IngestError(f"{path}: no file to import matches the specification '{spec.name}'")
    name = dataset_name(path if path.is_dir() else path.parent, dataset or (path.name if path.is_dir() else path.stem))
    load = DatasetLoad(store, name, progress=progress)
    run = Run(spec, load.ctx, load.ctx.default_source)
    if spec.source is not None:
        load.report.writes += _write_source(store, run)

    jobs: Iterator[Job]
    if spec.format == "neo4j-admin":
        from loaders.mapping.admin import admin_files

        jobs = admin_files(run, files, chunk_rows)
    else:
        jobs = ((f, _table_chunks(run, f, chunk_rows), parse_table_chunk) for f in files)
    try:
        for file, chunks, parse in jobs:
            load.load(file.name, chunks, partial(parse, run))
    except SourceFileError as exc:
        raise IngestError(str(exc)) from exc
    return load.finish(quarantine_file)


def _files(spec: ImportSpec, path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    pattern = spec.file.pattern or ("*.csv" if spec.format == "neo4j-admin" or spec.file.format == "csv"
                                    else "*.xlsx" if spec.file.format == "excel" else "*")
    return sorted(p for p in path.glob(pattern) if p.is_file() and not p.name.startswith((".", "~$")))


def _write_source(store: GraphStore, run: Run) -> UpsertResult:
    """The specification's constant source as a Source row, cited by every row of the import."""
    src = run.spec.source
    assert src is not None
    key = f"{run.ctx.dataset}:{src.id}"
    when = pd.to_datetime(src.recorded_at) if src.recorded_at else pd.NaT
    row = {"key": key, "id": src.id, "dataset": run.ctx.dataset, "sources": [key], "first_seen": when, "last_seen": when,
           **src.model_dump(exclude={"id"})}
    row["recorded_at"] = when
    run.ctx.source_dates[key] = when
    run.source_key = key
    return store.upsert_nodes("Source", pd.DataFrame([row]))


def _table_chunks(run: Run, path: Path, chunk_rows: int) -> Iterable[Chunk]:
    table = open_table(path, run.spec.file, chunk_rows)
    missing = sorted({c for v in _values(run.spec) for c in v.referenced()} - set(table.header))
    if missing:
        kind = "sheet" if is_excel(path, run.spec.file) else "file"
        raise SourceFileError(
            f"{path}: the {kind} has no column(s) {', '.join(repr(m) for m in missing)} that the specification "
            f"'{run.spec.name}' reads (header on row {run.spec.file.header_row}: {', '.join(table.header)})"
        )
    run.preamble = table.preamble
    return table.chunks


def _values(spec: ImportSpec) -> list[Value]:
    out: list[Value] = [spec.row_date] if spec.row_date else []
    for ent in spec.entities.values():
        out += [v for v in (ent.id, *ent.properties.values()) if v is not None]
    for ev in spec.events.values():
        out += [v for v in (ev.id, ev.start, ev.end, *ev.properties.values()) if v is not None]
    for link in spec.links:
        out += list(link.properties.values())
    return out


# -- one chunk of a table --------------------------------------------------------------------------
def parse_table_chunk(run: Run, chunk: Chunk, problems: Problems, batch: Batch) -> None:
    """Entities, events and links of each row of a chunk, as the specification maps them."""
    spec, ctx = run.spec, run.ctx
    ev = Evaluator(chunk, problems, run.preamble)
    n = ev.n
    ids: dict[str, pd.Series] = {}
    props: dict[str, dict[str, pd.Series]] = {}
    for alias, ent in spec.entities.items():
        ids[alias], props[alias] = _entity_values(ev, alias, ent, problems)
    event_start: dict[str, pd.Series] = {}
    event_spec = schema().entity("Event")
    for alias, evm in spec.events.items():
        start = ev.typed(evm.start, event_spec.properties["started_at"], "started_at")
        problems.add(ev.origin(evm.start).str.strip().eq("").to_numpy(), evm.start.label(), f"{alias}: the event's start ('{evm.start.label()}') is blank")
        event_start[alias] = start
        p = {name: ev.typed(v, event_spec.properties[name], name) for name, v in evm.properties.items()}
        p["kind"] = pd.Series(evm.kind, index=range(n), dtype=object)
        p["started_at"] = start
        if evm.end is not None:
            p["ended_at"] = ev.typed(evm.end, event_spec.properties["ended_at"], "ended_at")
        props[alias] = p
    srcs = pd.Series([[run.source_key]] * n, dtype=object)
    when = _row_dates(run, ev, event_start, n)
    good = problems.good

    keys: dict[str, pd.DataFrame] = {}
    kinds = spec.entity_kinds()
    for alias, flat in ids.items():
        keys[alias] = _nodes(ctx, batch, kinds[alias], flat[good[flat.index.to_numpy()]], props[alias], srcs, when)
    for alias, evm in spec.events.items():
        flat = _event_ids(ev, evm, keys, event_start[alias], n)
        keys[alias] = _nodes(ctx, batch, "Event", flat[good[flat.index.to_numpy()]], props[alias], srcs, when)
        for part in evm.participants:
            _links(batch, "PARTICIPATED_IN", kinds[part.entity], "Event", keys[part.entity], keys[alias],
                   {"role": pd.Series(part.role, index=range(n), dtype=object)}, srcs, when)
        if evm.location is not None:
            _links(batch, "OCCURRED_AT", "Event", "Location", keys[alias], keys[evm.location], {}, srcs, when)
    for link in spec.links:
        lspec = schema().link(link.kind)
        lprops = {name: ev.typed(v, lspec.properties[name], name) for name, v in link.properties.items()}
        _links(batch, lspec.name, kinds[link.from_], kinds[link.to], keys[link.from_], keys[link.to], lprops, srcs, when)


def _entity_values(ev: Evaluator, alias: str, ent: EntityMap, problems: Problems) -> tuple[pd.Series, dict[str, pd.Series]]:
    """The entity's ids (flat, by row position; blanks dropped) and typed properties; blank required ids quarantined."""
    assert ent.id is not None
    flat = ev.flat(ent.id)
    flat = flat[flat.ne("")]
    if not ent.optional:
        missing = ~np.isin(np.arange(ev.n), flat.index.to_numpy())
        label = ent.id.label()
        problems.add(missing, label, f"{alias}: '{label}' is blank, so there is no {ent.kind} to load")
    spec = schema().entity(ent.kind)
    return flat, {name: ev.typed(v, spec.properties[name], name) for name, v in ent.properties.items()}


def _row_dates(run: Run, ev: Evaluator, event_start: dict[str, pd.Series], n: int) -> pd.Series:
    """When each row's facts were seen: row_date, else the first event's start, else the source's date."""
    fallback = pd.Series(run.ctx.source_dates.get(run.source_key, pd.NaT), index=range(n), dtype="datetime64[us]")
    if run.spec.row_date is not None:
        prop = schema().entity("Event").properties["started_at"]
        return ev.typed(run.spec.row_date, prop, "row_date").fillna(fallback)
    if event_start:
        return next(iter(event_start.values())).fillna(fallback)
    return fallback


def _event_ids(ev: Evaluator, evm: EventMap, keys: dict[str, pd.DataFrame], start: pd.Series, n: int) -> pd.Series:
    """The event's id per row: as mapped, else kind/participants/start (stable, so reloads match)."""
    if evm.id is not None:
        flat = ev.flat(evm.id)
        return flat[flat.ne("")]
    out = pd.Series(evm.kind, index=range(n), dtype=object)
    for part in evm.participants:
        k = keys[part.entity]
        joined = k.groupby("pos")["key"].agg("+".join).reindex(range(n), fill_value="")
        out = out + "/" + joined
    stamp = pd.Series(start.dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy(), dtype=object).fillna("")
    return out + "/" + stamp


def _nodes(ctx: LoadContext, batch: Batch, entity: str, flat: pd.Series, props: dict[str, pd.Series],
           srcs: pd.Series, when: pd.Series) -> pd.DataFrame:
    """Node rows for ids (by row position), with properties and provenance; returns (pos, key)."""
    pos = flat.index.to_numpy()
    who = identify(ctx, entity, flat.reset_index(drop=True).astype(str))
    nodes = who.nodes.copy()
    for name, series in props.items():
        nodes[name] = series.to_numpy()[pos]
    w = when.to_numpy()[pos]
    batch.add_nodes(entity, with_provenance(nodes, srcs.iloc[pos].reset_index(drop=True), w, w))
    return pd.DataFrame({"pos": pos, "key": who.keys.to_numpy()})


def _links(batch: Batch, link: str, a: str, b: str, left: pd.DataFrame, right: pd.DataFrame,
           props: dict[str, pd.Series], srcs: pd.Series, when: pd.Series) -> None:
    """Links between the entities of the same row (every pair, when an end was split)."""
    pairs = left.merge(right, on="pos", suffixes=("_from", "_to"))
    if pairs.empty:
        return
    pos = pairs["pos"].to_numpy()
    rows = pd.DataFrame({"from_key": pairs["key_from"].to_numpy(), "to_key": pairs["key_to"].to_numpy()})
    for name, series in props.items():
        rows[name] = series.to_numpy()[pos]
    w = when.to_numpy()[pos]
    batch.add_links(link, a, b, with_provenance(rows, srcs.iloc[pos].reset_index(drop=True), w, w))
