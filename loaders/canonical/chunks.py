"""Stream a CSV file as chunks of string columns, each row with its line number in the file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

CHUNK_ROWS = 200_000


class SourceFileError(ValueError):
    """A whole file cannot be read; the message names the file and what to do."""


@dataclass
class Chunk:
    """Rows of one file: `frame` holds every column as text ('' for blank), `lines` their line numbers."""

    file: str
    frame: pd.DataFrame
    lines: np.ndarray


def read_header(path: Path) -> list[str]:
    """The header row of a CSV file, stripped."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceFileError(f"{path}: cannot read the file ({exc}); check it is UTF-8 CSV") from exc
    if not header:
        raise SourceFileError(f"{path}: the file is empty; a canonical file starts with a header row")
    return [h.strip() for h in header]


def read_chunks(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Yield the file's data rows in chunks; short rows are padded, long rows keep their overflow.

    Line numbers are the physical line on which each row starts (the header is line 1), so a
    quarantine report points at the right place even when quoted fields span lines.
    """
    header = read_header(path)
    width = len(header)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise SourceFileError(f"{path}: cannot read the file ({exc})") from exc
    with handle:
        reader = csv.reader(handle)
        next(reader)
        rows: list[list[str]] = []
        lines: list[int] = []
        start = reader.line_num + 1
        try:
            for row in reader:
                if row and "".join(row).strip():
                    if len(row) != width:
                        row = (row + [""] * width)[:width] if len(row) < width else _overflow(row, width)
                    rows.append([cell.strip() for cell in row])
                    lines.append(start)
                start = reader.line_num + 1
                if len(rows) >= chunk_rows:
                    yield _chunk(path.name, header, rows, lines)
                    rows, lines = [], []
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SourceFileError(f"{path}, line {start}: unreadable CSV ({exc})") from exc
        if rows:
            yield _chunk(path.name, header, rows, lines)


def _overflow(row: list[str], width: int) -> list[str]:
    # Keep the extra cells in the last column rather than dropping them silently.
    return [*row[: width - 1], ",".join(row[width - 1 :])]


def _chunk(name: str, header: list[str], rows: list[list[str]], lines: list[int]) -> Chunk:
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return Chunk(file=name, frame=frame, lines=np.asarray(lines, dtype=np.int64))
