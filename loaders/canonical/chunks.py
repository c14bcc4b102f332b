"""Stream a CSV file as chunks of string columns, each row with its line number in the file.

Two readers give the same rows and line numbers. Arrow's CSV reader is the fast one: it parses
in C++ and its cells reach pandas without a Python loop. Python's csv module is the reference and
the fallback: it reads files Arrow would number wrongly (blank lines, lone carriage returns) and
takes over mid-file wherever Arrow stops (bad UTF-8, a cell larger than a block, a record that
spans lines, a cell over the size limit), from the first row not yet handed on, so a failure after
earlier chunks were written neither loses nor repeats a row.

Neither reader merges rows silently. A quoted field that is never closed (it runs to the end of
the file, or its "closing" quote is followed by more text, the mark of a quote paired with one on
a later row) would swallow every row after it into one cell; instead the record is reported as a
fault on the line it started on, and reading resumes on the next line, so the rows after it are
read as rows. A cell over MAX_CELL_CHARS and a row holding a NUL byte are faults too. A fault is a
row of the chunk (its first line's cells) that the loaders quarantine with its reason.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loaders.canonical.formulas import restore_frame
from loaders.values.base import WHITESPACE

CHUNK_ROWS = 200_000
#: The most columns a header may have; wider files are refused before any row is read.
MAX_COLUMNS = 1_000
#: The most characters a cell may hold; a row with a larger cell is quarantined.
MAX_CELL_CHARS = 1_000_000
#: How much of a faulty row's cell the quarantine file keeps.
_SHOWN_CHARS = 10_000
_BLOCK_BYTES = 4 << 20
_LONE_CR = re.compile(rb"\r(?!\n)")
_SPACE_AFTER_QUOTE = re.compile(r'"[ \t]+(?=,|;|\t|\||\r|\n|$)')
csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))


class SourceFileError(ValueError):
    """A whole file cannot be read; the message names the file and what to do."""


#: A row the reader could not read as it stands: the column at fault and why, by the row's line.
Faults = dict[int, tuple[str, str]]


@dataclass
class Chunk:
    """Rows of one file: `frame` holds every column as text ('' for blank), `lines` their line
    numbers, `faults` the rows (by line) that must be quarantined whatever they hold."""

    file: str
    frame: pd.DataFrame
    lines: np.ndarray
    faults: Faults = field(default_factory=dict)


def header_problem(header: list[str], blanks_may_repeat: bool = False) -> str | None:
    """What makes a header unusable (a name given twice, too many columns), or None. Where columns
    are read by name only (import specifications), unnamed columns are never read and may repeat."""
    if len(header) > MAX_COLUMNS:
        return f"the header has {len(header):,} columns; at most {MAX_COLUMNS:,} are read (is the delimiter right?)"
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in seen and (name or not blanks_may_repeat):
            shown = repr(name) if name else "a blank name"
            return (
                f"column {shown} appears twice in the header (columns {seen[name]} and {number}); "
                "rename or remove one of them"
            )
        seen[name] = number
    return None


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
        raise SourceFileError(
            f"{path}: cannot read the file ({exc}); check it is UTF-8 CSV"
        ) from exc
    if not header:
        raise SourceFileError(
            f"{path}: the file is empty; a canonical file starts with a header row"
        )
    return [h.strip() for h in header], lines


def read_chunks(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Yield the file's data rows in chunks of `chunk_rows`; short rows are padded, long rows keep
    their overflow in the last column, rows with nothing but blanks are skipped.

    Line numbers are the physical line on which each row starts (the header is line 1), so a
    quarantine report points at the right place even when quoted fields span lines.
    """
    header, header_lines = _header(path)
    if len(header) > MAX_COLUMNS:
        raise SourceFileError(f"{path}: {header_problem(header)}")
    rows = (
        _arrow_rows(path, header, header_lines)
        if _arrow_numbers_right(path, header_lines)
        else None
    )
    if rows is None:
        rows = _csv_rows(path, header, header_lines + 1)
    if not _holds(path, b"'"):  # no cell can be a neutralised formula (loaders.canonical.formulas)
        yield from _rechunk(path.name, header, rows, chunk_rows)
        return
    for chunk in _rechunk(path.name, header, rows, chunk_rows):
        chunk.frame = restore_frame(chunk.frame)
        yield chunk


def _holds(path: Path, needle: bytes) -> bool:
    """Whether the file's bytes hold `needle` anywhere (one fast scan, no decoding)."""
    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.find(needle) >= 0


# -- Python's csv module: the reference reader --------------------------------------------------
class _Lines:
    """The physical lines of a text stream, with the lines of the record being read kept, and
    lines that can be put back to be read again (after a record found to be a runaway)."""

    def __init__(self, handle: TextIO) -> None:
        self.handle = handle
        self.pending: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.pending.popleft() if self.pending else next(self.handle)
        self.taken.append(line)
        return line

    def take(self) -> list[str]:
        """The lines read since the last call: one record's."""
        taken, self.taken = self.taken, []
        return taken

    def put_back(self, lines: list[str]) -> None:
        self.pending.extendleft(reversed(lines))


def csv_records(
    handle: TextIO, delimiter: str = ","
) -> Iterator[tuple[int, list[str], tuple[int, str] | None]]:
    """(line the record starts on, its cells, fault) for every record of a CSV text stream.

    A fault is (the index of the cell at fault, why). A record whose quoted field is never closed
    (it reaches the end of the file, or a strict reading finds text after its closing quote) and a
    cell over MAX_CELL_CHARS are returned as the cells of their first line alone, with a fault, and
    reading resumes on the next line; a record holding a NUL byte is returned whole, with a fault.
    """
    lines = _Lines(handle)
    start = 1
    while True:
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            for row in reader:
                raw = lines.take()
                # A one-line record whose last cell ends in a line break holds a quote left open at the end.
                spans = len(raw) > 1 or bool(row and row[-1].endswith(("\n", "\r")))
                why = _runaway(raw, delimiter) if spans else None
                if why is not None:
                    cells = _first_line_cells(raw[0], delimiter)
                    yield start, cells, (max(len(cells) - 1, 0), why)
                    lines.put_back(raw[1:])
                    start += 1
                    break
                nul = next((i for i, cell in enumerate(row) if "\x00" in cell), None)
                fault = (
                    None
                    if nul is None
                    else (
                        nul,
                        "the row holds a NUL byte (\\x00), which is not text: the file may be damaged or binary; remove it and load the row again",
                    )
                )
                yield start, row, fault
                start += len(raw)
            else:
                return
        except (
            csv.Error
        ) as exc:  # a cell over the size limit (the only error a lenient reader raises)
            raw = lines.take()
            if not raw:
                raise
            cells = _first_line_cells(raw[0], delimiter)
            big = max(range(len(cells)), key=lambda i: len(cells[i])) if cells else 0
            yield (
                start,
                cells,
                (
                    big,
                    f"a cell holds more than {MAX_CELL_CHARS:,} characters ({exc}); split it or shorten it",
                ),
            )
            lines.put_back(raw[1:])
            start += 1


def _runaway(raw: list[str], delimiter: str) -> str | None:
    """Why a record spanning lines is a quoted field left open, or None when it is well formed."""
    text = _SPACE_AFTER_QUOTE.sub('"', "".join(raw))
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "end of data" in str(exc):
            return (
                f"a quoted field opened on this line is never closed: it runs to the end of the file "
                f"({len(raw):,} lines); the lines after this one were read as rows of their own. "
                "Close the quote and load this row again"
            )
        return (
            f"a quoted field opened on this line runs over {len(raw):,} lines and ends badly ({exc}), "
            "the mark of a quote left open; the lines after this one were read as rows of their own. "
            'Close the quote (a quote inside a quoted field is written "") and load this row again'
        )
    return None


def _first_line_cells(line: str, delimiter: str) -> list[str]:
    """The cells of one physical line read alone, each cut to what a quarantine file shows."""
    try:
        cells = next(csv.reader([line[:MAX_CELL_CHARS]], delimiter=delimiter), [])
    except csv.Error:
        cells = [line[:_SHOWN_CHARS]]
    return [
        c if len(c) <= _SHOWN_CHARS else c[:_SHOWN_CHARS] + f"... ({len(c):,} characters)"
        for c in cells
    ]


def _csv_rows(
    path: Path, header: list[str], from_line: int
) -> Iterator[tuple[pd.DataFrame, np.ndarray, Faults]]:
    """Rows starting on line `from_line` or later, as frames of up to CHUNK_ROWS stripped cells."""
    width = len(header)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise SourceFileError(f"{path}: cannot read the file ({exc})") from exc
    with handle:
        rows: list[list[str]] = []
        lines: list[int] = []
        faults: Faults = {}
        start = 1
        try:
            for start, row, fault in csv_records(handle):
                if start < from_line or not (row or fault):
                    continue
                rows.append(_fit([cell.strip() for cell in row], width))
                lines.append(start)
                if fault is not None:
                    faults[start] = (header[min(fault[0], width - 1)], fault[1])
                if len(rows) >= CHUNK_ROWS:
                    yield _frame(header, rows), np.asarray(lines, dtype=np.int64), faults
                    rows, lines, faults = [], [], {}
        except UnicodeDecodeError as exc:
            raise SourceFileError(
                f"{path}, line {_first_bad_utf8_line(path)}: not UTF-8 text ({exc.reason}); save the file as UTF-8"
            ) from exc
        except csv.Error as exc:
            raise SourceFileError(f"{path}, line {start}: unreadable CSV ({exc})") from exc
        if rows:
            yield _frame(header, rows), np.asarray(lines, dtype=np.int64), faults


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
    header spanning lines, or a NUL byte, which only the csv module reports) are left to it."""
    if header_lines != 1:
        return False
    carry = b""
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK_BYTES)
            data = carry + block
            if b"\n\n" in data or b"\n\r\n" in data or b"\x00" in data:
                return False
            lone = _LONE_CR.search(data) if b"\r" in data else None
            if lone and (
                lone.end() < len(data) or not block
            ):  # a final \r may meet its \n in the next block
                return False
            if not block:
                return True
            carry = data[-2:]


class _ArrowStopped(Exception):
    """Arrow cannot go on exactly; the csv module takes over from `line`."""

    def __init__(
        self, line: int, frame: pd.DataFrame | None = None, lines: np.ndarray | None = None
    ) -> None:
        super().__init__(line)
        self.line = line
        self.rows_before = (
            (frame, lines) if frame is not None and lines is not None and len(lines) else None
        )


def _arrow_rows(
    path: Path, header: list[str], header_lines: int
) -> Iterator[tuple[pd.DataFrame, np.ndarray, Faults]]:
    """Rows read by Arrow, then, if Arrow stops, by the csv module from the first row not yielded.

    Arrow hands over at the first record spanning lines or holding a cell over MAX_CELL_CHARS: the
    csv module judges whether such a record is well formed (Arrow would merge a runaway quote's
    rows without a word)."""
    numbering = _Numbering(len(header), next_line=header_lines + 1)
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=False,
                block_size=_BLOCK_BYTES,
                skip_rows=header_lines,
                column_names=[f"c{i}" for i in range(len(header))],
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=numbering.odd_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(len(header))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for batch in reader:
            yield _until_unusual(*numbering.frame(header, batch), numbering)
        tail = numbering.tail(header)
        if tail is not None:
            yield _until_unusual(*tail, numbering)
    except (pa.ArrowException, _ArrowStopped) as exc:
        line = exc.line if isinstance(exc, _ArrowStopped) else numbering.next_line
        if isinstance(exc, _ArrowStopped) and exc.rows_before is not None:
            yield exc.rows_before[0], exc.rows_before[1], {}
        yield from _csv_rows(path, header, line)


def _until_unusual(
    frame: pd.DataFrame, lines: np.ndarray, numbering: _Numbering
) -> tuple[pd.DataFrame, np.ndarray, Faults]:
    """The rows before the first one spanning lines or with an over-long cell; _ArrowStopped at it
    (when the rows before it were handed on: the generator raises on its next resumption)."""
    ends = np.append(lines[1:], numbering.next_line)
    unusual = ends - lines > 1
    if numbering.long_cells:
        for name in frame.columns:
            unusual |= frame[name].str.len().to_numpy() > MAX_CELL_CHARS
    if not unusual.any():
        return frame, lines, {}
    first = int(np.argmax(unusual))
    raise _ArrowStopped(int(lines[first]), frame.iloc[:first].reset_index(drop=True), lines[:first])


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
        self.long_cells = False

    def odd_row(self, row: pacsv.InvalidRow) -> str:
        if row.number is None:  # Arrow could not say where it was: let the csv module number it
            raise _ArrowStopped(self.next_line)
        self.odd[row.number] = row.text
        return "skip"

    def frame(self, header: list[str], batch: pa.RecordBatch) -> tuple[pd.DataFrame, np.ndarray]:
        """The batch's rows, stripped, with the odd rows that fall among them, and their lines;
        _ArrowStopped at the batch's first line if an odd row among them needs the csv module."""
        first = self.next_line
        try:
            return self._frame(header, batch)
        except _ArrowStopped as exc:
            raise _ArrowStopped(first) from exc

    def _frame(self, header: list[str], batch: pa.RecordBatch) -> tuple[pd.DataFrame, np.ndarray]:
        columns = [batch.column(i) for i in range(self.width)]
        spans = np.ones(len(batch), dtype=np.int64)
        for column in columns:
            spans += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
        longest = max((pc.max(pc.utf8_length(c)).as_py() or 0 for c in columns), default=0)
        self.long_cells = longest > MAX_CELL_CHARS or any(
            len(t) > MAX_CELL_CHARS for t in self.odd.values()
        )
        frame = pd.DataFrame(
            {
                i: pc.utf8_trim(column, WHITESPACE).to_numpy(zero_copy_only=False)
                for i, column in enumerate(columns)
            },
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

    def _interleave(
        self, header: list[str], frame: pd.DataFrame, spans: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray]:
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
        order = np.argsort(
            np.concatenate([lines, np.asarray(odd_lines, dtype=np.int64)]), kind="stable"
        )
        return both.iloc[order].reset_index(drop=True), np.concatenate([lines, odd_lines])[order]

    def _take_odd(self, rows: list[list[str]], lines: list[int]) -> None:
        while self.next_record in self.odd:
            text = self.odd.pop(self.next_record)
            if (
                '"' in text
            ):  # Arrow may have cut a quote left open at the end: the csv module judges it
                raise _ArrowStopped(self.next_line)
            for row in csv.reader(text.splitlines(keepends=True)):
                rows.append(_fit([cell.strip() for cell in row], self.width))
                lines.append(self.next_line)
            self.next_line += text.count("\n") + 1
            self.next_record += 1

    def tail(self, header: list[str]) -> tuple[pd.DataFrame, np.ndarray] | None:
        """Odd rows after the last row Arrow returned."""
        rows: list[list[str]] = []
        lines: list[int] = []
        first = self.next_line
        try:
            self._take_odd(rows, lines)
        except _ArrowStopped as exc:
            raise _ArrowStopped(first) from exc
        return (_frame(header, rows), np.asarray(lines, dtype=np.int64)) if rows else None


# -- both ---------------------------------------------------------------------------------------
def _rechunk(
    name: str,
    header: list[str],
    parts: Iterator[tuple[pd.DataFrame, np.ndarray, Faults]],
    chunk_rows: int,
) -> Iterator[Chunk]:
    """Drop rows of blanks (never a fault), then cut the rows into chunks of exactly `chunk_rows`
    (the last one less), each with the faults of its rows."""
    frames: list[pd.DataFrame] = []
    lines: list[np.ndarray] = []
    faults: Faults = {}
    held = 0
    for frame, numbers, found in parts:
        keep = _not_blank(frame)
        if found:
            keep |= np.isin(numbers, np.fromiter(found, dtype=np.int64))
            faults.update(found)
        if not keep.all():
            frame, numbers = frame[keep].reset_index(drop=True), numbers[keep]
        frames.append(frame)
        lines.append(numbers)
        held += len(frame)
        while held >= chunk_rows:
            whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            all_lines = np.concatenate(lines) if len(lines) > 1 else lines[0]
            taken = all_lines[:chunk_rows]
            yield Chunk(
                name,
                whole.iloc[:chunk_rows].reset_index(drop=True),
                taken,
                _faults_of(faults, taken),
            )
            frames, lines = (
                [whole.iloc[chunk_rows:].reset_index(drop=True)],
                [all_lines[chunk_rows:]],
            )
            held -= chunk_rows
    if held:
        taken = np.concatenate(lines) if len(lines) > 1 else lines[0]
        yield Chunk(
            name,
            pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0],
            taken,
            _faults_of(faults, taken),
        )


def _faults_of(faults: Faults, lines: np.ndarray) -> Faults:
    """The faults of the rows on `lines`, taken out of `faults`."""
    if not faults:
        return {}
    return {int(n): faults.pop(int(n)) for n in lines if int(n) in faults}


def _not_blank(frame: pd.DataFrame) -> np.ndarray:
    keep = np.zeros(len(frame), dtype=bool)
    for i in range(frame.shape[1]):
        keep |= frame.iloc[:, i].to_numpy(dtype=object) != ""
    return keep
