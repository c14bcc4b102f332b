"""`ingest` and `import_path`: the canonical folder and an import specification, each through load().

Both are the one load (graph_intel.load.load) with their reader; the names they export are kept
here for the callers that know them.
"""

from __future__ import annotations

from pathlib import Path

from graph_intel.load import (
    DatasetLoad,
    ImportReport,
    IngestError,
    IngestReport,
    LoadSettings,
    Progress,
    claim_dataset,
    dataset_name,
    load,
    reader,
    write_batch,
)
from graph_intel.quarantine import QUARANTINE_COLUMNS
from graph_intel.stores.base import GraphStore
from loaders.canonical.chunks import CHUNK_ROWS, SourceFileError
from loaders.mapping import ImportSpec, spec_reader


def ingest(
    store: GraphStore,
    folder: Path,
    dataset: str | None = None,
    quarantine_file: Path | None = None,
    agency: str = "other",
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    quarantine_dir: Path | None = None,
    origin: str | None = None,
) -> IngestReport:
    """Load every canonical file in `folder` as one dataset; bad rows go to the load's own file
    under `quarantine_dir` (or to `quarantine_file`).

    The dataset records its agency and origin (`origin`, default the folder's full path); a load
    from another folder or agency under a name taken from the folder is refused (claim_dataset)."""
    settings = LoadSettings(
        agency=agency,
        progress=progress,
        chunk_rows=chunk_rows,
        origin=origin,
        quarantine_dir=quarantine_dir,
        quarantine_file=quarantine_file,
    )
    return load(store, reader("canonical"), folder, dataset, settings)


def import_path(
    store: GraphStore,
    spec: ImportSpec,
    path: Path,
    dataset: str | None = None,
    quarantine_file: Path | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    quarantine_dir: Path | None = None,
) -> IngestReport:
    """Load a file, a folder or a zip through `spec` as one dataset (quarantine as ingest())."""
    settings = LoadSettings(
        progress=progress,
        chunk_rows=chunk_rows,
        quarantine_dir=quarantine_dir,
        quarantine_file=quarantine_file,
    )
    return load(store, spec_reader(spec), path, dataset, settings)


__all__ = [
    "CHUNK_ROWS",
    "QUARANTINE_COLUMNS",
    "DatasetLoad",
    "ImportReport",
    "IngestError",
    "IngestReport",
    "SourceFileError",
    "claim_dataset",
    "dataset_name",
    "import_path",
    "ingest",
    "write_batch",
]
