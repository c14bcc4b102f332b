"""Stream a CSV file as chunks of string columns, each row with its line number in the file.

Two readers give the same rows and line numbers. Arrow's CSV reader is the fast one: it parses
in C++ and its cells reach pandas without a Python loop. Python's csv module is the reference and
the fallback: it reads files Arrow would number wrongly (blank lines, lone carriage returns) and
takes over mid-file wherever Arrow stops (bad UTF-8, a cell larger than a block), from the first
row not yet handed on, so a failure after earlier chunks were written neither loses nor repeats a
row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loaders.values.base import WHITESPACE

CHUNK_ROWS = 200_000
_BLOCK_BYTES = 4 << 20
_LONE_CR = re.compile(rb"\r(?!\n)")


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
    return _header(path)[0]


def _header(path: Path) -> tuple[list[str], int]:
    """The stripped header and the number of physical lines it takes."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            lines = reader.line_num
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            f"{path}, line {_first_bad_utf8_line(path)}: not UTF-8 text ({exc.reason}); save the file as UTF-8"
        ) from exc
    except (OSError, csv.Error) as exc:
        raise SourceFileError(f"{path}: cannot read the file ({exc}); check it is UTF-8 CSV") from exc
    if not header:
        raise SourceFileError(f"{path}: the file is empty; a canonical file starts with a header row")
    return [h.strip() for h in header], lines


def read_chunks(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Yield the file's data rows in chunks of `chunk_rows`; short rows are padded, long rows keep
    their overflow in the last column, rows with nothing but blanks are skipped.

    Line numbers are the physical line on which each row starts (the header is line 1), so a
    quarantine report points at the right place even when quoted fields span lines.
    """
    header, header_lines = _header(path)
    rows = _arrow_rows(path, header, header_lines) if _arrow_numbers_right(path, header_lines) else None
    if rows is None:
        rows = _csv_rows(path, header, header_lines + 1)
    yield from _rechunk(path.name, header, rows, chunk_rows)


# -- Python's csv module: the reference reader --------------------------------------------------
def _csv_rows(path: Path, header: list[str], from_line: int) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Rows starting on line `from_line` or later, as frames of up to CHUNK_ROWS stripped cells."""
    width = len(header)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise SourceFileError(f"{path}: cannot read the file ({exc})") from exc
    with handle:
        reader = csv.reader(handle)
        rows: list[list[str]] = []
        lines: list[int] = []
        start = 1
        try:
            for row in reader:
                if start >= from_line and row:
                    rows.append(_fit([cell.strip() for cell in row], width))
                    lines.append(start)
                start = reader.line_num + 1
                if len(rows) >= CHUNK_ROWS:
                    yield _frame(header, rows), np.asarray(lines, dtype=np.int64)
                    rows, lines = [], []
        except UnicodeDecodeError as exc:
            raise SourceFileError(
                f"{path}, line {_first_bad_utf8_line(path)}: not UTF-8 text ({exc.reason}); save the file as UTF-8"
            ) from exc
        except csv.Error as exc:
            raise SourceFileError(f"{path}, line {start}: unreadable CSV ({exc})") from exc
        if rows:
            yield _frame(header, rows), np.asarray(lines, dtype=np.int64)


def _first_bad_utf8_line(path: Path) -> int:
    """The line holding the file's first byte that is not UTF-8 (the decoder reports whole buffers)."""
    line, carry = 1, b""
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK_BYTES):
            data = carry + block
            try:
                data.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as exc:
                if exc.start < len(data) - 3:  # not just a character cut at the block's end
                    return line + data.count(b"\n", 0, exc.start)
                data, carry = data[: exc.start], data[exc.start :]
            line += data.count(b"\n")
    return line


def _fit(row: list[str], width: int) -> list[str]:
    """Pad a short row with blanks; keep a long row's extra cells, comma-joined, in its last column."""
    if len(row) < width:
        return row + [""] * (width - len(row))
    if len(row) > width:
        return [*row[: width - 1], ",".join(row[width - 1 :])]
    return row


def _frame(header: list[str], rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=header, dtype=object)


# -- Arrow's reader: the fast path --------------------------------------------------------------
def _arrow_numbers_right(path: Path, header_lines: int) -> bool:
    """Whether Arrow's row order gives exact line numbers: it skips blank lines without counting
    them, and the csv module ends a line at a lone carriage return, so files with either (or a
    header spanning lines) are left to the csv module."""
    if header_lines != 1:
        return False
    carry = b""
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK_BYTES)
            data = carry + block
            if b"\n\n" in data or b"\n\r\n" in data:
                return False
            lone = _LONE_CR.search(data) if b"\r" in data else None
            if lone and (lone.end() < len(data) or not block):  # a final \r may meet its \n in the next block
                return False
            if not block:
                return True
            carry = data[-2:]


class _ArrowStopped(Exception):
    """Arrow cannot go on exactly; the csv module takes over from `line`."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _arrow_rows(path: Path, header: list[str], header_lines: int) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Rows read by Arrow, then, if Arrow stops, by the csv module from the first row not yielded."""
    numbering = _Numbering(len(header), next_line=header_lines + 1)
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=False, block_size=_BLOCK_BYTES, skip_rows=header_lines,
                column_names=[f"c{i}" for i in range(len(header))],
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=numbering.odd_row),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(len(header))},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
        for batch in reader:
            yield numbering.frame(header, batch)
        tail = numbering.tail(header)
        if tail is not None:
            yield tail
    except (pa.ArrowException, _ArrowStopped) as exc:
        line = exc.line if isinstance(exc, _ArrowStopped) else numbering.next_line
        yield from _csv_rows(path, header, line)


class _Numbering:
    """Gives each Arrow row its line number, putting back the rows Arrow set aside as odd-sized.

    Arrow numbers records (the header is record 1) and reports odd rows by record number; every
    other record comes back in order, so a record's line is the header's lines plus the lines of
    all records before it (a record takes one line more for each newline inside its cells).
    """

    def __init__(self, width: int, next_line: int) -> None:
        self.width = width
        self.next_line = next_line
        self.next_record = 2
        self.odd: dict[int, str] = {}

    def odd_row(self, row: pacsv.InvalidRow) -> str:
        if row.number is None:  # Arrow could not say where it was: let the csv module number it
            raise _ArrowStopped(self.next_line)
        self.odd[row.number] = row.text
        return "skip"

    def frame(self, header: list[str], batch: pa.RecordBatch) -> tuple[pd.DataFrame, np.ndarray]:
        """The batch's rows, stripped, with the odd rows that fall among them, and their lines."""
        columns = [batch.column(i) for i in range(self.width)]
        spans = np.ones(len(batch), dtype=np.int64)
        for column in columns:
            spans += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
        frame = pd.DataFrame(
            {i: pc.utf8_trim(column, WHITESPACE).to_numpy(zero_copy_only=False) for i, column in enumerate(columns)},
            dtype=object,
        )
        frame.columns = pd.Index(header)
        end = self.next_record + len(batch)
        if not any(self.next_record <= n < end + len(self.odd) for n in self.odd):
            lines = self.next_line + np.cumsum(spans) - spans
            self.next_record = end
            self.next_line += int(spans.sum())
            return frame, lines
        return self._interleave(header, frame, spans)

    def _interleave(self, header: list[str], frame: pd.DataFrame, spans: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """Number a batch with odd rows among its records, and parse those rows with the csv module."""
        lines = np.empty(len(frame), dtype=np.int64)
        odd_rows: list[list[str]] = []
        odd_lines: list[int] = []
        for i, span in enumerate(spans.tolist()):
            self._take_odd(odd_rows, odd_lines)
            lines[i] = self.next_line
            self.next_line += span
            self.next_record += 1
        self._take_odd(odd_rows, odd_lines)
        if not odd_rows:
            return frame, lines
        both = pd.concat([frame, _frame(header, odd_rows)], ignore_index=True)
        order = np.argsort(np.concatenate([lines, np.asarray(odd_lines, dtype=np.int64)]), kind="stable")
        return both.iloc[order].reset_index(drop=True), np.concatenate([lines, odd_lines])[order]

    def _take_odd(self, rows: list[list[str]], lines: list[int]) -> None:
        while self.next_record in self.odd:
            text = self.odd.pop(self.next_record)
            for row in csv.reader(text.splitlines(keepends=True)):
                rows.append(_fit([cell.strip() for cell in row], self.width))
                lines.append(self.next_line)
            self.next_line += text.count("\n") + 1
            self.next_record += 1

    def tail(self, header: list[str]) -> tuple[pd.DataFrame, np.ndarray] | None:
        """Odd rows after the last row Arrow returned."""
        rows: list[list[str]] = []
        lines: list[int] = []
        self._take_odd(rows, lines)
        return (_frame(header, rows), np.asarray(lines, dtype=np.int64)) if rows else None


# -- both ---------------------------------------------------------------------------------------
def _rechunk(name: str, header: list[str], parts: Iterator[tuple[pd.DataFrame, np.ndarray]], chunk_rows: int) -> Iterator[Chunk]:
    """Drop rows of blanks, then cut the rows into chunks of exactly `chunk_rows` (the last one less)."""
    frames: list[pd.DataFrame] = []
    lines: list[np.ndarray] = []
    held = 0
    for frame, numbers in parts:
        keep = _not_blank(frame)
        if not keep.all():
            frame, numbers = frame[keep].reset_index(drop=True), numbers[keep]
        frames.append(frame)
        lines.append(numbers)
        held += len(frame)
        while held >= chunk_rows:
            whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            all_lines = np.concatenate(lines) if len(lines) > 1 else lines[0]
            yield Chunk(name, whole.iloc[:chunk_rows].reset_index(drop=True), all_lines[:chunk_rows])
            frames, lines = [whole.iloc[chunk_rows:].reset_index(drop=True)], [all_lines[chunk_rows:]]
            held -= chunk_rows
    if held:
        yield Chunk(name, pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0],
                    np.concatenate(lines) if len(lines) > 1 else lines[0])


def _not_blank(frame: pd.DataFrame) -> np.ndarray:
    keep = np.zeros(len(frame), dtype=bool)
    for i in range(frame.shape[1]):
        keep |= frame.iloc[:, i].to_numpy(dtype=object) != ""
    return keep
