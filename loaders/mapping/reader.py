"""Read any CSV or Excel sheet as chunks of text columns, honouring a specification's file options."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from loaders.canonical.chunks import (
    CHUNK_ROWS,
    Chunk,
    Faults,
    SourceFileError,
    csv_records,
    header_problem,
)
from loaders.mapping.spec import FileOptions

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class Table:
    """One file opened for reading: its header, the title rows above it, and its data chunks."""

    header: list[str]
    preamble: str
    chunks: Iterator[Chunk]
    #: The row the header was read from (file.header_row, or the row `auto` found).
    header_line: int = 1


#: How many rows from the top `header_row: auto` looks at.
HEADER_SEARCH_ROWS = 30


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def find_header_row(rows: list[list[str]]) -> int:
    """The 1-based row of the header: the first wide row of text cells (below any title block).

    A row is wide when it has at least two cells and at least 0.6 times the cells of the widest of
    the first rows; a row holding a number is data, not a header. 1 when none is found.
    """
    widths = [sum(1 for c in r if c) for r in rows[:HEADER_SEARCH_ROWS]]
    widest = max(widths, default=0)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [c for c in row if c]
        if len(cells) >= max(2, 0.6 * widest) and not any(_number(c) for c in cells):
            return i + 1
    return 1


def first_rows(path: Path, options: FileOptions, limit: int) -> list[list[str]]:
    """The first `limit` rows of a file or sheet, cells trimmed."""
    rows = _excel_rows(path, options) if is_excel(path, options) else _csv_rows(path, options)
    out: list[list[str]] = []
    for item in rows:
        out.append([c.strip() for c in item[1]])
        if len(out) >= limit:
            break
    rows.close()  # type: ignore[attr-defined]
    return out


def not_canonical_hint(path: Path) -> str | None:
    """Why `ingest` cannot load an Excel workbook, a zip or a folder of only workbooks, and how to
    load it instead (through an import specification); None for anything else."""
    how = (
        f"load it through an import specification: graph-intel import suggest {path} > spec.yaml, "
        f"edit spec.yaml, then graph-intel import spec.yaml {path}"
    )
    if path.is_file() and path.suffix.lower() in (*EXCEL_SUFFIXES, ".xls"):
        return f"{path}: an Excel workbook is not a canonical dataset folder; {how}"
    if path.is_file() and path.suffix.lower() == ".zip":
        return f"{path}: a zip is not a canonical dataset folder; unzip it into a folder, or {how}"
    if path.is_file():
        return None
    if path.is_dir():
        files = [p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))]
        books = [p for p in files if p.suffix.lower() in (*EXCEL_SUFFIXES, ".xls")]
        if books and not any(p.suffix.lower() == ".csv" for p in files):
            return (
                f"{path}: holds Excel workbooks ({', '.join(sorted(b.name for b in books)[:5])}) and no CSV file; "
                f"canonical ingest reads CSV files only; {how}"
            )
    return None


def is_excel(path: Path, options: FileOptions) -> bool:
    """Whether the file is read as an Excel workbook."""
    if options.format != "auto":
        return options.format == "excel"
    return path.suffix.lower() in EXCEL_SUFFIXES


def open_table(path: Path, options: FileOptions, chunk_rows: int = CHUNK_ROWS) -> Table:
    """Open a CSV or Excel file; SourceFileError says what cannot be read and what to do."""
    header_row = (
        find_header_row(first_rows(path, options, HEADER_SEARCH_ROWS))
        if options.header_row == "auto"
        else options.header_row
    )
    rows = _excel_rows(path, options) if is_excel(path, options) else _csv_rows(path, options)
    preamble: list[str] = []
    header: list[str] | None = None
    for number, row, _ in rows:
        if number < header_row:
            preamble.append(" ".join(c for c in row if c))
            continue
        header = [c.strip() for c in row]
        break
    if not header or not any(header):
        raise SourceFileError(
            f"{path}: no header on row {header_row}; set file.header_row in the specification"
        )
    while header and not header[-1]:
        header.pop()
    problem = header_problem(header, blanks_may_repeat=True)
    if problem:
        raise SourceFileError(f"{path}, line {header_row}: {problem}")
    return Table(
        header, "\n".join(preamble), _chunked(path.name, header, rows, chunk_rows), header_row
    )


Rows = Iterator[tuple[int, list[str], tuple[int, str] | None]]


def _chunked(name: str, header: list[str], rows: Rows, chunk_rows: int) -> Iterator[Chunk]:
    width = len(header)
    batch: list[list[str]] = []
    lines: list[int] = []
    faults: Faults = {}
    for number, row, fault in rows:
        if fault is not None:
            faults[number] = (header[min(fault[0], width - 1)], fault[1])
        elif not any(c.strip() for c in row):
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        elif len(row) > width:
            row = [*row[: width - 1], ",".join(c for c in row[width - 1 :] if c)]
        batch.append(row)
        lines.append(number)
        if len(batch) >= chunk_rows:
            yield _chunk(name, header, batch, lines, faults)
            batch, lines, faults = [], [], {}
    if batch:
        yield _chunk(name, header, batch, lines, faults)


def _chunk(
    name: str, header: list[str], rows: list[list[str]], lines: list[int], faults: Faults
) -> Chunk:
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame = frame.apply(lambda c: c.str.strip())
    return Chunk(file=name, frame=frame, lines=np.asarray(lines, dtype=np.int64), faults=faults)


def _csv_rows(path: Path, options: FileOptions) -> Rows:
    """(line on which the row starts, cells, fault) for each row of a CSV file: a quoted field
    left open is a fault on its first line, and the rows after it are read as rows (as in the
    canonical reader)."""
    encoding = detect_encoding(path) if options.encoding == "auto" else options.encoding
    try:
        handle = path.open(newline="", encoding=encoding)
    except (OSError, LookupError) as exc:
        raise SourceFileError(f"{path}: cannot read the file ({exc})") from exc

    def rows() -> Rows:
        with handle:
            start = 1
            try:
                for start, row, fault in csv_records(handle, options.delimiter):
                    yield start, row, fault
            except (csv.Error, UnicodeDecodeError) as exc:
                raise SourceFileError(
                    f"{path}, line {start}: unreadable ({exc}); check file.encoding and file.delimiter"
                ) from exc

    return rows()


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the whole file is UTF-8, else Windows-1252 (cp1252), as Windows exports write."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    except OSError:
        pass
    return "utf-8-sig"


def sheet_names(path: Path, options: FileOptions) -> list[str | int | None]:
    """The sheets a specification reads from a workbook: one, a list, or every one ('*')."""
    sheet = options.sheet
    if sheet != "*" and not isinstance(sheet, list):
        return [sheet]
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise SourceFileError(f"{path}: cannot open the workbook ({exc})") from exc
    names = list(book.sheetnames)
    book.close()
    if sheet == "*":
        return list(names)
    missing = [s for s in sheet if s not in names]
    if missing:
        raise SourceFileError(
            f"{path}: no sheet {', '.join(repr(m) for m in missing)}; sheets: {', '.join(names)}"
        )
    return list(sheet)


def _excel_rows(path: Path, options: FileOptions) -> Rows:
    """(row number, cells as text) for each row of the chosen sheet."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise SourceFileError(f"{path}: cannot open the workbook ({exc})") from exc
    sheet = options.sheet
    if sheet is None:
        ws = book.worksheets[0]
    elif isinstance(sheet, int):
        if not 0 <= sheet < len(book.worksheets):
            raise SourceFileError(f"{path}: no sheet number {sheet}; it has {len(book.worksheets)}")
        ws = book.worksheets[sheet]
    elif sheet in book.sheetnames:
        ws = book[sheet]
    else:
        raise SourceFileError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")

    def rows() -> Rows:
        try:
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in row], None
        finally:
            book.close()

    return rows()


def _cell_text(value: Any) -> str:
    """A cell as the text a person would read: ISO dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
