"""The canonical folder reader: the files of docs/canonical-format.md, each through its parser."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from loaders.canonical.batch import Batch, Problems
from loaders.canonical.chunks import (
    Chunk,
    SourceFileError,
    header_problem,
    read_chunks,
    read_header,
)
from loaders.canonical.columns import LoadContext
from loaders.canonical.parsers import CANONICAL_FILES, CanonicalFile
from loaders.readers import IngestError, Job, Reader, Reading, register_reader


class CanonicalReading(Reading):
    """A canonical folder whose headers have been checked: the files present, in load order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.default_name = folder.resolve().name
        self.origin = str(folder.resolve())
        present = {p.name for p in folder.iterdir() if p.is_file()}
        self.files: list[CanonicalFile] = [spec for spec in CANONICAL_FILES if spec.name in present]
        known = {spec.name for spec in CANONICAL_FILES}
        self._ignored = sorted(p for p in present if p.endswith(".csv") and p not in known)
        for (
            spec
        ) in self.files:  # the one check of the folder: every header before any row is written
            _check_header(folder / spec.name, spec.required)

    def ignored_files(self) -> list[str]:
        return self._ignored

    def jobs(self, ctx: LoadContext, chunk_rows: int) -> Iterator[Job]:
        for spec in self.files:
            yield Job(
                spec.name,
                read_chunks(self.folder / spec.name, chunk_rows),
                partial(_parse_with, spec.parse, ctx),
            )


@register_reader("canonical")
class CanonicalReader(Reader):
    """A folder of canonical CSV files (persons.csv, calls.csv, ...)."""

    @contextmanager
    def open(self, source: Path) -> Iterator[Reading]:
        if not source.is_dir():
            raise IngestError(
                f"{source}: no such folder; give the folder that holds the canonical CSV files"
            )
        yield CanonicalReading(source)


def _parse_with(
    parse: Any, ctx: LoadContext, chunk: Chunk, problems: Problems, batch: Batch
) -> None:
    parse(chunk, ctx, problems, batch)


def _check_header(path: Path, required: tuple[str, ...]) -> None:
    try:
        header = read_header(path)
    except SourceFileError as exc:
        raise IngestError(str(exc)) from exc
    problem = header_problem(header)
    if problem:
        raise IngestError(f"{path}, line 1: {problem}")
    missing = [c for c in required if c not in header]
    if missing:
        raise IngestError(
            f"{path}: missing required column(s) {', '.join(missing)}; see docs/canonical-format.md"
        )
