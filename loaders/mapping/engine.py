"""Import specifications over tables (CSV, Excel): the "table" reader, and what every specification reader shares.

The reader only parses; graph_intel.load writes what it parses (the same Batch/Problems as the
canonical reader). loaders.mapping.admin builds the "neo4j-admin" reader on this module.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph_intel.schema import schema
from loaders.canonical.batch import Batch, Problems
from loaders.canonical.chunks import Chunk, SourceFileError
from loaders.canonical.columns import LoadContext, extras, identify, with_provenance
from loaders.mapping.idmap import IdMap
from loaders.mapping.reader import is_excel, open_table, sheet_names
from loaders.mapping.spec import EntityMap, EventMap, FileOptions, ImportSpec, Value
from loaders.mapping.values import Evaluator
from loaders.readers import IngestError, Job, LeftOut, Reader, Reading, register_reader


@dataclass
class Tally:
    """Rows left out, counted once per (file, what, name) rather than one record per row.

    `what` is "file", "label", "type" or "end" (a relationship naming a node left out). Unmapped
    rows are counted as quarantined and written as one quarantine record per entry; ignored rows
    are only counted.
    """

    unmapped: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)
    ignored: dict[tuple[str, str, str], int] = field(default_factory=dict)
    extra_columns: dict[str, list[str]] = field(default_factory=dict)

    def add_unmapped(
        self, file: str, what: str, name: str, rows: int, line: int | None, row: str = ""
    ) -> None:
        entry = self.unmapped.setdefault((file, what, name), [0, line, row])
        entry[0] += rows

    def add_ignored(self, file: str, what: str, name: str, rows: int) -> None:
        self.ignored[(file, what, name)] = self.ignored.get((file, what, name), 0) + rows

    def unmapped_json(self) -> list[dict[str, Any]]:
        return [
            {"file": f, "what": w, "name": n, "rows": r, "first_line": line}
            for (f, w, n), (r, line, _) in self.unmapped.items()
        ]

    def ignored_json(self) -> list[dict[str, Any]]:
        return [
            {"file": f, "what": w, "name": n, "rows": r} for (f, w, n), r in self.ignored.items()
        ]

    def records(self) -> list[dict[str, object]]:
        """One quarantine record per unmapped entry, naming the row count and what to do."""
        out: list[dict[str, object]] = []
        for (file, what, name), (rows, line, row) in self.unmapped.items():
            out.append(
                {
                    "file": file,
                    "line": line if line is not None else "",
                    "field": _FIELDS[what],
                    "reason": _reason(what, name, rows),
                    "row": row,
                }
            )
        return out


_FIELDS = {"file": "(file)", "label": ":LABEL", "type": ":TYPE", "end": ":START_ID/:END_ID"}


def _reason(what: str, name: str, rows: int) -> str:
    n = f"{rows:,} row{'s' if rows != 1 else ''}"
    if what == "file":
        return (
            f"{n}: the file is not mapped; give it a specification, or list it under ignore.files"
        )
    if what == "label":
        return f"{n} labelled {name}: none of the labels is mapped; add one under labels:, or list {name} under ignore.labels"
    if what == "type":
        return f"relationship type '{name}' is not mapped ({n}); add it under types:, or list it under ignore.types"
    return f"{n} of {name} name a node whose labels are not mapped; map the label, or ignore it and its types"


@dataclass
class Run:
    """What one import needs while it runs: the spec, the dataset context and the row source."""

    spec: ImportSpec
    ctx: LoadContext
    source_key: str
    preamble: str = ""
    id_map: dict[str, IdMap] = field(
        default_factory=dict
    )  # space -> :ID -> (kind code, key) (loaders.mapping.admin)
    left_out: dict[str, IdMap] = field(default_factory=dict)  # space -> :ID -> IGNORED / UNMAPPED
    tally: Tally = field(default_factory=Tally)


#: Parses one chunk of one file into the batch, recording problems.
ChunkParser = Callable[["Run", Chunk, Problems, Batch], None]
FileJob = tuple[Path, Iterable[Chunk], ChunkParser]


class SpecReading(Reading):
    """A file or folder opened through a specification: the files it reads, the others reported."""

    def __init__(self, reader: SpecReader, path: Path, name: str | None = None) -> None:
        spec = reader.spec
        self.reader, self.path = reader, path
        files, others = _files(spec, path)
        if not files:
            raise IngestError(f"{path}: no file to import matches the specification '{spec.name}'")
        self.files, self.others = files, others
        self.name_chosen = name is not None
        self.default_name = name or (path.name if path.is_dir() else path.stem)
        self.origin = str(path.resolve())
        self.run: Run | None = None

    def start(self, ctx: LoadContext) -> dict[str, Any]:
        spec = self.reader.spec
        run = self.run = Run(spec, ctx, ctx.default_source)
        for other in self.others:
            if spec.ignore.file(other.name):
                run.tally.add_ignored(other.name, "file", other.name, _count_rows(other))
            else:
                run.tally.add_unmapped(other.name, "file", other.name, _count_rows(other), None)
        return {"Source": _source_row(run)} if spec.source is not None else {}

    def jobs(self, ctx: LoadContext, chunk_rows: int) -> Iterator[Job]:
        assert self.run is not None, "start() comes first"
        for file, chunks, parse in self.reader.file_jobs(self.run, self.files, chunk_rows):
            yield Job(file.name, chunks, partial(parse, self.run))

    def left_out(self) -> LeftOut:
        assert self.run is not None
        tally = self.run.tally
        return LeftOut(
            records=tally.records(),
            quarantined=sum(
                r for (_, what, _), (r, _, _) in tally.unmapped.items() if what == "file"
            ),
            report={
                "unmapped": tally.unmapped_json(),
                "ignored": tally.ignored_json(),
                "extra_columns": tally.extra_columns,
            },
        )


class SpecReader(Reader):
    """A file or folder read through an import specification (a zip is unpacked first)."""

    def __init__(self, spec: ImportSpec) -> None:
        self.spec = spec

    @contextmanager
    def open(self, source: Path) -> Iterator[Reading]:
        if not source.exists():
            raise IngestError(f"{source}: no such file or folder")
        if source.is_file() and source.suffix.lower() == ".zip":
            with tempfile.TemporaryDirectory(prefix="graph-intel-zip-") as tmp:
                yield SpecReading(self, _unzip(source, Path(tmp) / source.stem), name=source.stem)
            return
        yield SpecReading(self, source)

    def file_jobs(self, run: Run, files: list[Path], chunk_rows: int) -> Iterator[FileJob]:
        """(file, chunks, parser) per file the specification reads."""
        raise NotImplementedError


@register_reader("table")
class TableReader(SpecReader):
    """CSV files and Excel workbooks, one row of entities, events and links per table row."""

    def file_jobs(self, run: Run, files: list[Path], chunk_rows: int) -> Iterator[FileJob]:
        return _table_jobs(run, files, chunk_rows)


#: Limits on what a zip may unpack to: a hostile archive must not fill the disk.
ZIP_MAX_BYTES = 8 << 30
ZIP_MAX_FILES = 10_000


def _unzip(path: Path, into: Path) -> Path:
    """The zip's files flat in one folder (paths inside it are dropped, so nothing lands outside)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise IngestError(f"{path}: not a readable zip ({exc})") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > ZIP_MAX_FILES or sum(m.file_size for m in members) > ZIP_MAX_BYTES:
            raise IngestError(
                f"{path}: the zip holds more than {ZIP_MAX_FILES:,} files or {ZIP_MAX_BYTES >> 30} GB; unzip it by hand"
            )
        into.mkdir(parents=True)
        seen: set[str] = set()
        for member in members:
            name = Path(member.filename.replace("\\", "/")).name
            if not name or name.startswith(".") or name in seen:
                if name in seen:
                    raise IngestError(
                        f"{path}: two files named {name} in different folders of the zip; unzip it by hand"
                    )
                continue
            seen.add(name)
            with archive.open(member) as src, (into / name).open("wb") as dst:
                shutil.copyfileobj(src, dst)
    return into


def _files(spec: ImportSpec, path: Path) -> tuple[list[Path], list[Path]]:
    """The files the specification reads, and the folder's other files (ignored or reported)."""
    if path.is_file():
        return [path], []
    pattern = spec.file.pattern or (
        "*.csv"
        if spec.format == "neo4j-admin" or spec.file.format == "csv"
        else "*.xlsx"
        if spec.file.format == "excel"
        else "*"
    )
    every = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    chosen = [p for p in path.glob(pattern) if p.is_file() and not p.name.startswith((".", "~$"))]
    wanted = sorted(p for p in chosen if not spec.ignore.file(p.name))
    return wanted, [p for p in every if p not in wanted]


def _count_rows(path: Path) -> int:
    """Data rows of a CSV file (below its header), for reporting a file left out; 0 for other files."""
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return 0
    try:
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            return max(sum(1 for row in csv.reader(handle) if any(c.strip() for c in row)) - 1, 0)
    except (OSError, csv.Error):
        return 0


def referenced_columns(spec: ImportSpec) -> set[str]:
    """Every file column the specification's values read."""
    return {c for v in _values(spec) for c in v.referenced()}


def extra_columns(columns: list[str], used: set[str], spec: ImportSpec) -> list[str]:
    """Columns neither read by the specification nor ignored: kept in `extra`."""
    return [c for c in columns if c and c not in used and not spec.ignore.column(c)]


def _source_row(run: Run) -> pd.DataFrame:
    """The specification's constant source as a Source row, cited by every row of the import."""
    src = run.spec.source
    assert src is not None
    key = f"{run.ctx.dataset}:{src.id}"
    when = pd.to_datetime(src.recorded_at) if src.recorded_at else pd.NaT
    row = {
        "key": key,
        "id": src.id,
        "dataset": run.ctx.dataset,
        "sources": [key],
        "first_seen": when,
        "last_seen": when,
        **src.model_dump(exclude={"id"}),
    }
    row["recorded_at"] = when
    run.ctx.source_dates[key] = when
    run.source_key = key
    return pd.DataFrame([row])


def _table_jobs(run: Run, files: list[Path], chunk_rows: int) -> Iterator[FileJob]:
    """(file, chunks, parser) per file, and per sheet of a workbook read sheet by sheet."""
    for f in files:
        if not is_excel(f, run.spec.file):
            yield f, _table_chunks(run, f, chunk_rows), parse_table_chunk
            continue
        sheets = sheet_names(f, run.spec.file)
        for sheet in sheets:
            options = run.spec.file.model_copy(update={"sheet": sheet})
            name = (
                f"{f.name}[{sheet}]"
                if len(sheets) > 1 or isinstance(run.spec.file.sheet, list)
                else None
            )
            yield (
                (f.with_name(name) if name else f),
                _table_chunks(run, f, chunk_rows, options, name),
                parse_table_chunk,
            )


def _table_chunks(
    run: Run,
    path: Path,
    chunk_rows: int,
    options: FileOptions | None = None,
    name: str | None = None,
) -> Iterable[Chunk]:
    table = open_table(path, options or run.spec.file, chunk_rows)
    if name is not None:
        table.chunks = (Chunk(name, c.frame, c.lines, c.faults) for c in table.chunks)
        path = path.with_name(name)
    missing = sorted({c for v in _values(run.spec) for c in v.referenced()} - set(table.header))
    if missing:
        kind = "sheet" if is_excel(path, run.spec.file) else "file"
        raise SourceFileError(
            f"{path}: the {kind} has no column(s) {', '.join(repr(m) for m in missing)} that the specification "
            f"'{run.spec.name}' reads (header on row {table.header_line}: {', '.join(table.header)})"
        )
    run.preamble = table.preamble
    kept = extra_columns(table.header, referenced_columns(run.spec), run.spec)
    if kept and run.spec.extra_alias() is not None:
        run.tally.extra_columns[path.name] = kept
    return table.chunks


def _values(spec: ImportSpec) -> list[Value]:
    out: list[Value] = [spec.row_date] if spec.row_date else []
    for ent in spec.entities.values():
        out += [v for v in (ent.id, ent.age, *ent.properties.values()) if v is not None]
    for ev in spec.events.values():
        out += [v for v in (ev.id, ev.start, ev.end, *ev.properties.values()) if v is not None]
    for link in spec.links:
        out += list(link.all_properties().values())
    return out


# -- one chunk of a table --------------------------------------------------------------------------
def parse_table_chunk(run: Run, chunk: Chunk, problems: Problems, batch: Batch) -> None:
    """Entities, events and links of each row of a chunk, as the specification maps them."""
    spec, ctx = run.spec, run.ctx
    ev = Evaluator(chunk, problems, run.preamble)
    n = ev.n
    ids: dict[str, pd.Series] = {}
    props: dict[str, dict[str, pd.Series]] = {}
    recorded: dict[str, pd.Series] = {}
    for alias, ent in spec.entities.items():
        ids[alias], props[alias] = _entity_values(ev, alias, ent, problems)
        if ent.age is not None:
            recorded[alias] = _child_by_age(ev, alias, ent.age, props[alias], problems)
    event_start: dict[str, pd.Series] = {}
    event_spec = schema().entity("Event")
    for alias, evm in spec.events.items():
        start = ev.typed(evm.start, event_spec.properties["started_at"], "started_at")
        problems.add(
            ev.origin(evm.start).str.strip().eq("").to_numpy(),
            evm.start.label(),
            f"{alias}: the event's start ('{evm.start.label()}') is blank",
        )
        event_start[alias] = start
        p = {
            name: ev.typed(v, event_spec.properties[name], name)
            for name, v in evm.properties.items()
        }
        p["kind"] = pd.Series(evm.kind, index=range(n), dtype=object)
        p["started_at"] = start
        if evm.end is not None:
            p["ended_at"] = ev.typed(evm.end, event_spec.properties["ended_at"], "ended_at")
        props[alias] = p
    kept = run.tally.extra_columns.get(chunk.file)
    holder = spec.extra_alias()
    if kept and holder is not None:
        props[holder]["extra"] = _extras(chunk, kept)
    for alias, notes in recorded.items():  # what the row recorded of a child by age, kept in extra
        props[alias]["extra"] = _merge_extra(props[alias].get("extra"), notes)
    srcs = pd.Series([[run.source_key]] * n, dtype=object)
    when = _row_dates(run, ev, event_start, n)
    good = problems.good

    keys: dict[str, pd.DataFrame] = {}
    kinds = spec.entity_kinds()
    for alias, flat in ids.items():
        keys[alias] = _nodes(
            ctx, batch, kinds[alias], flat[good[flat.index.to_numpy()]], props[alias], srcs, when
        )
    for alias, evm in spec.events.items():
        flat = _event_ids(ev, evm, keys, event_start[alias], n)
        keys[alias] = _nodes(
            ctx, batch, "Event", flat[good[flat.index.to_numpy()]], props[alias], srcs, when
        )
        for part in evm.participants:
            _links(
                batch,
                "PARTICIPATED_IN",
                kinds[part.entity],
                "Event",
                keys[part.entity],
                keys[alias],
                {"role": pd.Series(part.role, index=range(n), dtype=object)},
                srcs,
                when,
            )
        if evm.location is not None:
            _links(
                batch,
                "OCCURRED_AT",
                "Event",
                "Location",
                keys[alias],
                keys[evm.location],
                {},
                srcs,
                when,
            )
    for link in spec.links:
        lspec = schema().link(link.kind)
        lprops = {
            name: ev.typed(v, lspec.properties[name], name)
            for name, v in link.all_properties().items()
        }
        _links(
            batch,
            lspec.name,
            kinds[link.from_],
            kinds[link.to],
            keys[link.from_],
            keys[link.to],
            lprops,
            srcs,
            when,
        )


def _extras(chunk: Chunk, kept: list[str]) -> pd.Series:
    """The kept columns of each row as a JSON object (None when all are blank), by row position."""
    known = set(chunk.frame.columns) - set(kept)
    return extras(chunk, known).reset_index(drop=True)


def _entity_values(
    ev: Evaluator, alias: str, ent: EntityMap, problems: Problems
) -> tuple[pd.Series, dict[str, pd.Series]]:
    """The entity's ids (flat, by row position; blanks dropped) and typed properties; blank required ids quarantined."""
    assert ent.id is not None
    flat = ev.flat(ent.id)
    flat = flat[flat.ne("")]
    if not ent.optional:
        missing = ~np.isin(np.arange(ev.n), flat.index.to_numpy())
        label = ent.id.label()
        problems.add(
            missing, label, f"{alias}: '{label}' is blank, so there is no {ent.kind} to load"
        )
    spec = schema().entity(ent.kind)
    return flat, {
        name: ev.typed(v, spec.properties[name], name) for name, v in ent.properties.items()
    }


#: Age (whole years) from which a person is an adult (graph_intel.analysis.age.ADULT_AGE).
ADULT_AGE = 18


def _child_by_age(
    ev: Evaluator, alias: str, age: Value, props: dict[str, pd.Series], problems: Problems
) -> pd.Series:
    """A person the row records as under 18 is a child: category `child`, whatever else is mapped.

    Returns, per row, what is kept in the person's `extra` of a child so recognised: the age
    recorded and the category the specification mapped (`recorded_category`, e.g. a suspect), so
    nothing is lost. An age that is not a whole number of years from 0 to 130 is a problem of the
    row (quarantined).
    """
    text = ev.flat(age).groupby(level=0).first().reindex(range(ev.n), fill_value="")
    years = pd.to_numeric(text, errors="coerce")
    bad = text.ne("") & ~(years.notna() & years.ge(0) & years.le(130) & years.eq(years.round()))
    problems.add(
        bad.to_numpy(),
        age.label(),
        f"{alias}: the age '{age.label()}' is not a whole number of years",
    )
    child = (years < ADULT_AGE).fillna(False).to_numpy()
    current = props.get("category")
    base = (
        current.reset_index(drop=True)
        if current is not None
        else pd.Series(None, index=range(ev.n), dtype=object)
    )
    base = base.astype(object)
    props["category"] = base.where(~child, "child")
    notes = np.full(ev.n, None, dtype=object)
    rows = np.flatnonzero(child)  # only the children's rows: the others keep nothing more
    for i, y, c in zip(rows, years.to_numpy()[rows], base.to_numpy()[rows], strict=True):
        notes[i] = {
            "recorded_age": int(y),
            **({"recorded_category": c} if isinstance(c, str) and c and c != "child" else {}),
        }
    return pd.Series(notes, dtype=object)


def _merge_extra(extra: pd.Series | None, notes: pd.Series) -> pd.Series:
    """Each row's extra JSON with the notes of a child recognised by age added (None stays None)."""
    import json

    texts = (
        extra.to_numpy(dtype=object)
        if extra is not None
        else np.full(len(notes), None, dtype=object)
    )
    out = texts.copy()
    out[pd.isna(texts)] = None
    given = notes.to_numpy(dtype=object)
    for i in np.flatnonzero(pd.notna(given)):  # only rows with notes are rewritten
        text = texts[i]
        held = json.loads(text) if isinstance(text, str) and text else {}
        out[i] = json.dumps({**held, **given[i]}, ensure_ascii=False)
    return pd.Series(out, dtype=object)


def _row_dates(run: Run, ev: Evaluator, event_start: dict[str, pd.Series], n: int) -> pd.Series:
    """When each row's facts were seen: row_date, else the first event's start, else the source's date."""
    fallback = pd.Series(
        run.ctx.source_dates.get(run.source_key, pd.NaT), index=range(n), dtype="datetime64[us]"
    )
    if run.spec.row_date is not None:
        prop = schema().entity("Event").properties["started_at"]
        return ev.typed(run.spec.row_date, prop, "row_date").fillna(fallback)
    if event_start:
        return next(iter(event_start.values())).fillna(fallback)
    return fallback


def _event_ids(
    ev: Evaluator, evm: EventMap, keys: dict[str, pd.DataFrame], start: pd.Series, n: int
) -> pd.Series:
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


def _nodes(
    ctx: LoadContext,
    batch: Batch,
    entity: str,
    flat: pd.Series,
    props: dict[str, pd.Series],
    srcs: pd.Series,
    when: pd.Series,
) -> pd.DataFrame:
    """Node rows for ids (by row position), with properties and provenance; returns (pos, key)."""
    pos = flat.index.to_numpy()
    who = identify(ctx, entity, flat.reset_index(drop=True).astype(str))
    nodes = who.nodes.copy()
    for name, series in props.items():
        nodes[name] = series.to_numpy()[pos]
    w = when.to_numpy()[pos]
    batch.add_nodes(entity, with_provenance(nodes, srcs.iloc[pos].reset_index(drop=True), w, w))
    return pd.DataFrame({"pos": pos, "key": who.keys.to_numpy()})


def _links(
    batch: Batch,
    link: str,
    a: str,
    b: str,
    left: pd.DataFrame,
    right: pd.DataFrame,
    props: dict[str, pd.Series],
    srcs: pd.Series,
    when: pd.Series,
) -> None:
    """Links between the entities of the same row (every pair, when an end was split)."""
    pairs = left.merge(right, on="pos", suffixes=("_from", "_to"))
    if pairs.empty:
        return
    pos = pairs["pos"].to_numpy()
    rows = pd.DataFrame(
        {"from_key": pairs["key_from"].to_numpy(), "to_key": pairs["key_to"].to_numpy()}
    )
    for name, series in props.items():
        rows[name] = series.to_numpy()[pos]
    w = when.to_numpy()[pos]
    batch.add_links(link, a, b, with_provenance(rows, srcs.iloc[pos].reset_index(drop=True), w, w))
