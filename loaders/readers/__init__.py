"""Readers: one per input format, registered by name, each turning a source into jobs for the load.

A reader parses and normalises; it never writes. `Reader.open(source)` checks the source once (a
missing folder, a bad header, no file to read: IngestError, exit 2 with the reason) and gives a
`Reading`: the dataset's default name and origin, the rows to write before any file (a
specification's constant source), and one `Job` per file (its name, its chunks, the parser of a
chunk). The load (graph_intel.load) owns everything else: the dataset, chunk size, progress,
writes, quarantine and the report.

Adding a format is one module with a `Reader` subclass under `@register_reader("name")`, and
one line importing that module in graph_intel.load.reader().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if (
    TYPE_CHECKING
):  # only for hints: this module stays light, so the CLI can catch IngestError at start-up
    from loaders.canonical.batch import Batch, Problems
    from loaders.canonical.chunks import Chunk
    from loaders.canonical.columns import LoadContext


class IngestError(ValueError):
    """The load cannot run at all (missing folder, unreadable file); one line says why."""


@dataclass
class Job:
    """One file of a source: its name in the report, its chunks, and the parser of one chunk."""

    file: str
    chunks: Iterable[Chunk]
    parse: Callable[[Chunk, Problems, Batch], None]


@dataclass
class LeftOut:
    """What a reader set aside besides bad rows: quarantine records, the rows they count, report keys."""

    records: list[dict[str, object]] = field(default_factory=list)
    quarantined: int = 0
    report: dict[str, Any] = field(default_factory=dict)


class Reading:
    """One source opened by a reader, for one load."""

    #: The dataset's name when the user gives none (checked by the load).
    default_name: str
    #: Where the data came from (recorded on the dataset), unless the caller names it.
    origin: str
    #: True when the reader itself chose the name on purpose (a zip's stem): no origin check.
    name_chosen: bool = False

    def ignored_files(self) -> list[str]:
        """Files of the source that are not read (reported, not quarantined)."""
        return []

    def start(self, ctx: LoadContext) -> dict[str, Any]:
        """Node frames to write before the first file (entity -> DataFrame); none by default."""
        return {}

    def jobs(self, ctx: LoadContext, chunk_rows: int) -> Iterator[Job]:
        """One job per file, in the order they load."""
        raise NotImplementedError

    def left_out(self) -> LeftOut:
        """What the reading set aside, asked once every job has run."""
        return LeftOut()


class Reader:
    """An input format. `open(source)` checks the source and gives its Reading."""

    name: str = ""

    def open(self, source: Path) -> AbstractContextManager[Reading]:
        raise NotImplementedError


R = TypeVar("R", bound=type[Reader])

#: Reader classes by name ("canonical", "table", "neo4j-admin").
READERS: dict[str, type[Reader]] = {}


def register_reader(name: str) -> Callable[[R], R]:
    """Register a Reader class under `name`."""

    def register(cls: R) -> R:
        cls.name = name
        READERS[name] = cls
        return cls

    return register
