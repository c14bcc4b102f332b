"""Quarantine files: one per load, named by dataset and load time, never overwritten; read back by load.

Every load (ingest, import, upload) writes `quarantine/<dataset>/<load time>.csv` under its
quarantine folder (beside the embedded store, else the working folder), even when no row was
bad: the header alone then says the load happened and lost nothing. A load is named
`DATASET/LOAD_TIME` (UTC, e.g. `police_2011/2026-12-01T22-05-12Z`); a second load in the same
second gets `-2`, `-3`... after its time. Earlier files are never opened for writing again.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

QUARANTINE_COLUMNS = ["file", "line", "field", "reason", "row"]
FOLDER = "quarantine"
_STAMP = "%Y-%m-%dT%H-%M-%SZ"
_STAMP_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)(?:-(\d+))?\.csv$")


class QuarantineError(ValueError):
    """A load named on the command line is not among the quarantine files; the message lists them."""


@dataclass(frozen=True)
class LoadFile:
    """One load's quarantine file: the load's name, its dataset and time, the file, its bad rows."""

    load: str
    dataset: str
    at: str | None
    file: Path
    rows: int

    def as_json(self) -> dict[str, Any]:
        """The `quarantine list` row."""
        return {
            "load": self.load,
            "dataset": self.dataset,
            "at": self.at,
            "file": str(self.file),
            "rows": self.rows,
        }


def quarantine_root(store: Any, elsewhere: Path | None = None) -> Path:
    """The quarantine folder of a store: beside an embedded store, else under `elsewhere` (the working folder)."""
    base = getattr(store, "local_path", None)
    if not isinstance(base, Path):
        base = elsewhere if elsewhere is not None else Path.cwd()
    return base / FOLDER


def load_stamp(at: datetime) -> str:
    """A load time as it appears in the load's name and file name (UTC, no colons)."""
    return at.astimezone(UTC).strftime(_STAMP)


def reserve_load_file(root: Path, dataset: str, at: datetime) -> tuple[str, Path]:
    """Create a load's own quarantine file (the header alone) and return (load name, path); never overwrites.

    The file is made when the load starts, so the load has its name while it runs (record versions
    cite it) and a load that fails half-way still leaves its file."""
    folder = root / dataset
    folder.mkdir(parents=True, exist_ok=True)
    stamp = load_stamp(at)
    for n in range(1, 10_000):
        name = stamp if n == 1 else f"{stamp}-{n}"
        path = folder / f"{name}.csv"
        try:
            handle = path.open("x", newline="", encoding="utf-8")
        except FileExistsError:
            continue
        with handle:
            write_records(handle, [])
        return f"{dataset}/{name}", path
    raise OSError(f"{folder}: cannot find a free quarantine file name for the load at {stamp}")


def write_load_file(
    root: Path, dataset: str, records: Iterable[dict[str, object]], at: datetime
) -> tuple[str, Path]:
    """Write one load's quarantine file in a file of its own; return (load name, path). Never overwrites."""
    load, path = reserve_load_file(root, dataset, at)
    with path.open("w", newline="", encoding="utf-8") as handle:
        write_records(handle, records)
    return load, path


def write_records(handle: Any, records: Iterable[dict[str, object]]) -> None:
    """The quarantine CSV: a header, then one row per bad input row (file, line, field, reason, row)."""
    writer = csv.DictWriter(handle, fieldnames=QUARANTINE_COLUMNS)
    writer.writeheader()
    writer.writerows(records)


def list_loads(root: Path, dataset: str | None = None) -> list[LoadFile]:
    """Every load's quarantine file under `root` (one dataset's, when named), by dataset then time."""
    found: list[LoadFile] = []
    if not root.is_dir():
        return found
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if dataset is not None and folder.name != dataset:
            continue
        for path in folder.iterdir():
            match = _STAMP_FILE.match(path.name)
            if not match or not path.is_file():
                continue
            at = (
                datetime.strptime(match.group(1), _STAMP)
                .replace(tzinfo=UTC)
                .isoformat()
                .replace("+00:00", "Z")
            )
            found.append(
                LoadFile(f"{folder.name}/{path.stem}", folder.name, at, path, _count(path))
            )
    # files written before loads had their own (quarantine/<dataset>.csv): listed, never rewritten
    for path in sorted(p for p in root.glob("*.csv") if p.is_file()):
        if dataset is None or path.stem == dataset:
            found.append(LoadFile(path.stem, path.stem, None, path, _count(path)))
    found.sort(key=lambda f: (f.dataset, f.at or "", _sequence(f.file.name)))
    return found


def _sequence(name: str) -> int:
    match = _STAMP_FILE.match(name)
    return int(match.group(2) or 1) if match else 0


def _count(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def find_load(root: Path, load: str) -> LoadFile:
    """The load named `DATASET/LOAD_TIME`, or a dataset with one load; anything else is a QuarantineError."""
    loads = list_loads(root)
    exact = [f for f in loads if f.load == load]
    if exact:
        return exact[0]
    mine = [f for f in loads if f.dataset == load]
    if len(mine) == 1:
        return mine[0]
    if mine:
        raise QuarantineError(
            f"dataset {load} has {len(mine)} loads; name one: " + ", ".join(f.load for f in mine)
        )
    known = ", ".join(f.load for f in loads[-10:]) or "none"
    raise QuarantineError(
        f"no load {load!r} in {root}; loads: {known} (see 'graph-intel quarantine list')"
    )


def read_load(found: LoadFile) -> list[dict[str, str]]:
    """The bad rows of one load, as written (file, line, field, reason, row)."""
    with found.file.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


__all__ = [
    "FOLDER",
    "QUARANTINE_COLUMNS",
    "LoadFile",
    "QuarantineError",
    "find_load",
    "list_loads",
    "load_stamp",
    "quarantine_root",
    "read_load",
    "reserve_load_file",
    "write_load_file",
    "write_records",
]
