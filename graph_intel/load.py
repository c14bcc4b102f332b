"""Load: one dataset from any reader into a store, quarantining bad rows. The one owner of loading.

A reader (loaders.readers: canonical folder, table specification, Neo4j admin-import folder)
checks its source and parses it into batches; `load()` owns the rest: the dataset and its default
source, chunk size, progress, writes in order (nodes before links), earlier versions of changed
records, quarantine placement and the report.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph_intel.collector import paused
from graph_intel.load_hooks import LOAD_HOOKS, LoadHook, register_load_hook
from graph_intel.quarantine import load_stamp, quarantine_root, reserve_load_file, write_records
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore, UpsertResult, _plain
from graph_intel.stores.frames import member
from loaders.canonical.batch import Batch, Problems
from loaders.canonical.chunks import CHUNK_ROWS, Chunk, SourceFileError
from loaders.canonical.columns import LoadContext
from loaders.readers import READERS, IngestError, Reader

_DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")

#: Called after each chunk with (file name, rows read so far in it, rows in the file or None).
Progress = Callable[[str, int], None]


@dataclass
class IngestReport:
    """What an ingest did, in the shape the CLI contract prints."""

    dataset: str
    rows_loaded: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    quarantine_file: str | None = None
    load: str | None = None
    superseded: int = 0
    ignored_files: list[str] = field(default_factory=list)
    writes: UpsertResult = field(default_factory=UpsertResult)

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON (plus the dataset, files not read and what the store did)."""
        return {
            "dataset": self.dataset,
            "rows_loaded": self.rows_loaded,
            "quarantined": self.quarantined,
            "quarantine_file": self.quarantine_file,
            "load": self.load,
            "superseded": self.superseded,
            "ignored_files": self.ignored_files,
            "created": self.writes.created,
            "updated": self.writes.updated,
            "unchanged": self.writes.unchanged,
        }


class DatasetLoad:
    """One dataset being loaded: its context, its report, and the rows it could not accept.

    Shared by every loader (canonical ingest, import specifications): it starts the dataset (the
    sources already stored for it, its default source), writes each parsed chunk through one
    path, counts what loaded and what was quarantined, and writes the quarantine file at the end.
    """

    def __init__(
        self,
        store: GraphStore,
        name: str,
        agency: str = "other",
        progress: Progress | None = None,
        *,
        origin: str | None = None,
        explicit: bool = True,
        quarantine_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.progress = progress
        self.started = datetime.now(UTC)
        self.report = IngestReport(dataset=name)
        self.ctx = LoadContext(dataset=name)
        self.problems: list[dict[str, object]] = []
        claim_dataset(store, name, agency, origin or "unknown", explicit)
        self._quarantine: Path | None = None
        #: Called with the (entity, key) of every node and link end a batch holds, just before
        #: the batch is written (the load hooks' `writing`); None when no hook asks.
        self.before_write: Callable[[set[tuple[str, str]]], None] | None = None
        if quarantine_dir is not None:  # the load is named by its own quarantine file
            self.load_id, self._quarantine = reserve_load_file(quarantine_dir, name, self.started)
            self.report.load = self.load_id
        else:
            self.load_id = f"{name}/{load_stamp(self.started)}"
        # the dataset's own record: not counted as a write (a repeat load changes no data, only this log)
        store.upsert_nodes(
            "Dataset",
            pd.DataFrame(
                [
                    {
                        "key": name,
                        "id": name,
                        "agencies": [agency],
                        "origins": [origin or "unknown"],
                        "loads": [self.load_id],
                        "first_seen": self.started.replace(tzinfo=None),
                        "last_seen": self.started.replace(tzinfo=None),
                    }
                ]
            ),
        )
        # Marked before the first row is written and cleared by finish(): a load that is killed,
        # crashes or fails part-way leaves the dataset marked incomplete until it is loaded again.
        store.mark_load_started(name, self.started.isoformat())
        _load_known_sources(store, self.ctx)
        default = pd.DataFrame(
            [
                {
                    "key": self.ctx.default_source,
                    "id": "_default",
                    "dataset": name,
                    "agency": agency,
                    "sources": [self.ctx.default_source],
                    "reference": f"dataset {name}",
                }
            ]
        )
        self.report.writes += self._keep_versions(store.upsert_nodes("Source", default))
        self.ctx.source_dates.setdefault(self.ctx.default_source, pd.NaT)

    def load(
        self, file: str, chunks: Iterable[Chunk], parse: Callable[[Chunk, Problems, Batch], None]
    ) -> None:
        """Parse and write every chunk of one file, counting its rows loaded and quarantined."""
        loaded = 0
        with (
            self.store.bulk(),
            _source_errors(),
        ):  # ends by storing everything: a failed load is reported for its file
            for chunk in chunks:
                problems = Problems(chunk)
                batch = Batch()
                with paused():
                    parse(chunk, problems, batch)
                    if self.before_write is not None:
                        self.before_write(batch_keys(batch))
                    self.report.writes += self._keep_versions(write_batch(self.store, batch))
                loaded += int(problems.good.sum())
                self.report.quarantined += int(problems.bad.sum())
                self.problems.extend(problems.records)
                if self.progress is not None:
                    self.progress(file, len(chunk.frame))
        self.report.rows_loaded[file] = self.report.rows_loaded.get(file, 0) + loaded

    def _keep_versions(self, result: UpsertResult) -> UpsertResult:
        """Store the earlier version of every record this load changed (superseded by this load)."""
        rows = []
        at = self.started.replace(tzinfo=None)
        for entity, frame, columns in result.superseded:
            if entity in ("Dataset", "Version"):
                continue
            for rec, changed in zip(frame.to_dict("records"), columns, strict=True):
                values = {
                    k: _plain(v)
                    for k, v in rec.items()
                    if k != "key" and _plain(v) not in (None, [], "")
                }
                text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
                key = f"{entity}/{rec['key']}@{self.load_id}/{hashlib.sha1(text.encode()).hexdigest()[:12]}"
                rows.append(
                    {
                        "key": key,
                        "id": key,
                        "entity": entity,
                        "of_key": rec["key"],
                        "superseded_by": self.load_id,
                        "superseded_at": at,
                        "changed": changed,
                        "values": text,
                        "sources": list(values.get("sources") or []) or None,
                    }
                )
        result.superseded = []
        self.report.superseded += len(rows)
        if rows:
            self.store.upsert_nodes("Version", pd.DataFrame(rows))
        return result

    def finish(self, quarantine_file: Path | None = None) -> IngestReport:
        """Write the load's quarantine file and return the report.

        With a `quarantine_dir` the load has a file of its own, `<dir>/<dataset>/<load time>.csv`
        (graph_intel.quarantine), made when it started; earlier loads' files are kept. Without one,
        `quarantine_file` names one exact file instead (a notebook's or a test's choice).
        """
        target = self._quarantine or quarantine_file
        if target is not None:
            _write_quarantine(target, self.problems)
            self.report.quarantine_file = str(target)
        self.store.mark_load_finished(self.report.dataset, self.started.isoformat())
        return self.report


def claim_dataset(store: GraphStore, name: str, agency: str, origin: str, explicit: bool) -> None:
    """Refuse to merge a load into a dataset of that name from another folder or agency unless named on purpose.

    A dataset's default name is its folder's, so two agencies' `export/` folders would otherwise
    merge silently (and their `P1`s become one person). `explicit` says the user named the dataset.
    """
    if explicit:
        return
    stored = store.get_node("Dataset", name)
    if stored is None:
        if name in store.datasets():
            raise IngestError(
                f"dataset {name!r} is already in the store, loaded before datasets recorded where they came from; "
                f"pass --dataset {name} to add this load to it on purpose, or --dataset NEW_NAME to keep it apart"
            )
        return
    origins, agencies = list(stored.get("origins") or []), list(stored.get("agencies") or [])
    if origin in origins and agency in agencies:
        return
    what = "folder" if origin not in origins else "agency"
    raise IngestError(
        f"dataset {name!r} was loaded from {', '.join(origins)} (agency {', '.join(agencies)}); "
        f"{origin} (agency {agency}) is another {what} and would merge into it, its ids joining that dataset's: "
        f"pass --dataset NEW_NAME to load it apart, or --dataset {name} to add it to that dataset on purpose"
    )


@contextmanager
def _source_errors() -> Iterator[None]:
    """A file found unreadable part-way (bad UTF-8, say) is an IngestError: exit 2 with its reason."""
    try:
        yield
    except SourceFileError as exc:
        raise IngestError(str(exc)) from exc


def dataset_name(folder: Path, name: str | None) -> str:
    """The dataset's name: `name`, else the folder's; letters, digits, '_', '-', '.' only."""
    return _checked_name(name or folder.resolve().name)


def _checked_name(chosen: str) -> str:
    if not _DATASET_NAME.match(chosen):
        raise IngestError(
            f"dataset name {chosen!r} is not allowed: use letters, digits, '_', '-' or '.' (pass --dataset NAME)"
        )
    return chosen


def _load_known_sources(store: GraphStore, ctx: LoadContext) -> None:
    """Sources of this dataset already stored, so rows may cite them in a later ingest."""
    stored = store.nodes("Source", columns=["dataset", "recorded_at"])
    if stored.empty:
        return
    mine = stored[stored["dataset"] == ctx.dataset]
    ctx.source_dates.update(
        dict(zip(mine["key"], pd.to_datetime(mine["recorded_at"]), strict=True))
    )


def write_batch(store: GraphStore, batch: Batch) -> UpsertResult:
    """Nodes before links, so that every link's ends exist when it is written."""
    total = UpsertResult()
    for entity, frames in batch.ensured.items():
        wanted = pd.concat(frames, ignore_index=True).drop_duplicates(subset=["key"])
        missing = store.missing_keys(entity, wanted["key"].tolist())
        if missing:
            created = wanted[member(wanted["key"], missing)]
            total += store.upsert_nodes(
                entity, _with_defaults(store, entity, created, all_new=True)
            )
    for entity, frames in batch.nodes.items():
        total += store.upsert_nodes(
            entity, _with_defaults(store, entity, pd.concat(frames, ignore_index=True))
        )
    for (link, a, b), frames in batch.links.items():
        total += store.upsert_links(link, a, b, pd.concat(frames, ignore_index=True))
    return total


def _with_defaults(
    store: GraphStore, entity: str, frame: pd.DataFrame, all_new: bool = False
) -> pd.DataFrame:
    """Schema defaults for entities being created, where none of their rows gives a value.

    A default is never applied to a stored entity: a later row that leaves `category` blank must
    not turn a recorded child into `unknown`. `all_new` says every row's entity is known to be
    missing (and each key given once), so nothing needs looking up again.
    """
    defaults = {
        n: p.default for n, p in schema().entity(entity).properties.items() if p.default is not None
    }
    if not defaults:
        return frame
    if all_new:
        new = np.ones(len(frame), dtype=bool)
    else:
        new = member(
            frame["key"], store.missing_keys(entity, frame["key"].drop_duplicates().tolist())
        )
    if not new.any():
        return frame
    frame = frame.copy()
    for col, default in defaults.items():
        if col not in frame:
            frame[col] = None
        if all_new:  # one row per key: given where this row gives it
            given = frame[col].notna().to_numpy()
        else:
            given = (frame.groupby("key")[col].transform("count") > 0).to_numpy()
        frame.loc[new & ~given, col] = default
    return frame


def _write_quarantine(path: Path, records: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        write_records(handle, records)


@dataclass
class ImportReport(IngestReport):
    """An ingest report plus what the specification left out: unmapped and ignored, per file, label or type."""

    unmapped: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    extra_columns: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            **super().as_json(),
            "unmapped": self.unmapped,
            "ignored": self.ignored,
            "extra_columns": self.extra_columns,
        }


@dataclass
class LoadSettings:
    """How one load runs: the default source's agency, chunk size, progress, where bad rows go.

    `keep_quarantine` gives the load its own quarantine file under the store's quarantine folder
    (graph_intel.quarantine.quarantine_root: beside an embedded store, else under `elsewhere`, else
    the working folder), as the CLI and the API do; `quarantine_dir` names that folder outright;
    `quarantine_file` one exact file instead (a notebook's or a test's choice). With none of them
    the bad rows are only counted in the report.
    """

    agency: str = "other"
    chunk_rows: int = CHUNK_ROWS
    progress: Progress | None = None
    origin: str | None = None
    keep_quarantine: bool = False
    elsewhere: Path | None = None
    quarantine_dir: Path | None = None
    quarantine_file: Path | None = None

    def quarantine_folder(self, store: GraphStore) -> Path | None:
        """Where this load's own quarantine file goes, if it has one."""
        if self.quarantine_dir is not None:
            return self.quarantine_dir
        return quarantine_root(store, self.elsewhere) if self.keep_quarantine else None


log = logging.getLogger("graph_intel.load")


def _after_load(
    store: GraphStore, states: dict[str, Any], report: IngestReport, settings: LoadSettings
) -> None:
    """Run each hook's `after`; a failing hook is logged, never undoes or fails the load."""
    for name, state in states.items():
        try:
            LOAD_HOOKS[name].after(store, state, report, settings)
        except Exception:  # noqa: BLE001 - the data is loaded; a hook's failure is reported, not raised
            log.exception("the %s check after load %s failed", name, report.load)


def _writing(store: GraphStore, states: dict[str, Any], keys: set[tuple[str, str]]) -> None:
    """Run each hook's `writing` (hooks with nothing to do skipped); a failure is logged, as above."""
    for name, state in states.items():
        if state is None:
            continue
        try:
            LOAD_HOOKS[name].writing(store, state, keys)
        except Exception:  # noqa: BLE001 - as above
            log.exception("the %s check while writing a load failed", name)


def batch_keys(batch: Batch) -> set[tuple[str, str]]:
    """The (entity, key) of every node a batch writes and of both ends of every link it writes."""
    out: set[tuple[str, str]] = set()
    for groups in (batch.ensured, batch.nodes):
        for entity, frames in groups.items():
            for frame in frames:
                out.update((entity, str(k)) for k in frame["key"].unique())
    for (_, a, b), frames in batch.links.items():
        for frame in frames:
            out.update((a, str(k)) for k in frame["from_key"].unique())
            out.update((b, str(k)) for k in frame["to_key"].unique())
    return out


def _before_load(store: GraphStore, settings: LoadSettings) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for name, hook in LOAD_HOOKS.items():
        try:
            states[name] = hook.before(store, settings)
        except Exception:  # noqa: BLE001 - as above
            log.exception("the %s check before a load failed", name)
    return states


def reader(name: str, *args: Any) -> Reader:
    """The registered reader `name` ("canonical", "table", "neo4j-admin"), made with `args`."""
    # The modules whose readers register themselves (loaders.readers.register_reader): a new
    # format is one more line here.
    import loaders.mapping  # noqa: F401  (table, neo4j-admin)
    import loaders.readers.canonical  # noqa: F401

    if name not in READERS:
        raise IngestError(f"no reader named {name!r}; known: {', '.join(sorted(READERS))}")
    return READERS[name](*args)


def load(
    store: GraphStore,
    reader: Reader,
    source: Path,
    dataset: str | None = None,
    settings: LoadSettings | None = None,
) -> IngestReport:
    """Load `source` through `reader` into `store` as one dataset, and report what happened.

    The one load every way in uses (`graph-intel ingest`, `graph-intel import`, `POST
    /api/v1/ingest`): the reader checks the source once and parses it; this starts the dataset
    (its default source, the sources already stored), writes each chunk, counts rows loaded and
    quarantined, keeps earlier versions of changed records, and writes the load's quarantine file.
    A dataset named after its folder is refused when another folder or agency loaded it
    (claim_dataset), unless `dataset` names it on purpose.
    """
    settings = settings or LoadSettings()
    states = _before_load(store, settings)
    with reader.open(source) as reading:
        name = _checked_name(dataset or reading.default_name)
        run = DatasetLoad(
            store,
            name,
            settings.agency,
            settings.progress,
            origin=settings.origin or reading.origin,
            explicit=dataset is not None or reading.name_chosen,
            quarantine_dir=settings.quarantine_folder(store),
        )
        run.report.ignored_files = reading.ignored_files()
        if any(state is not None for state in states.values()):
            run.before_write = lambda keys: _writing(store, states, keys)
        # one bulk block over the rows, one inside it per file: a file's tables are loaded while
        # the next file is parsed, and the load waits for them all before it is marked finished
        with store.bulk():
            for entity, frame in reading.start(run.ctx).items():
                if run.before_write is not None and "key" in frame:
                    run.before_write({(entity, str(k)) for k in frame["key"].unique()})
                run.report.writes += store.upsert_nodes(entity, frame)
            with _source_errors():
                for job in reading.jobs(run.ctx, settings.chunk_rows):
                    run.load(job.file, job.chunks, job.parse)
        left = reading.left_out()
    run.problems.extend(left.records)
    run.report.quarantined += left.quarantined
    report = run.finish(settings.quarantine_file)
    if left.report:
        report = ImportReport(**vars(report), **left.report)
    _after_load(store, states, report, settings)
    return report


__all__ = [
    "LOAD_HOOKS",
    "DatasetLoad",
    "ImportReport",
    "IngestError",
    "IngestReport",
    "LoadHook",
    "LoadSettings",
    "Progress",
    "claim_dataset",
    "register_load_hook",
    "dataset_name",
    "load",
    "reader",
    "write_batch",
]
