"""The CSV reader: Arrow's fast path gives exactly the rows and line numbers of Python's csv module."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.canonical import chunks
from loaders.canonical.chunks import Chunk, SourceFileError, read_chunks
from loaders.values.base import WHITESPACE


def reference(path: Path, chunk_rows: int = chunks.CHUNK_ROWS) -> list[Chunk]:
    """What the csv module alone reads."""
    header, lines = chunks._header(path)
    return list(
        chunks._rechunk(path.name, header, chunks._csv_rows(path, header, lines + 1), chunk_rows)
    )


def rows_and_lines(found: list[Chunk]) -> tuple[pd.DataFrame, list[int]]:
    frame = pd.concat([c.frame for c in found], ignore_index=True) if found else pd.DataFrame()
    return frame, [int(n) for c in found for n in c.lines]


def assert_same(path: Path, chunk_rows: int = chunks.CHUNK_ROWS) -> list[Chunk]:
    fast, slow = list(read_chunks(path, chunk_rows)), reference(path, chunk_rows)
    assert [len(c.frame) for c in fast] == [len(c.frame) for c in slow]
    (a, la), (b, lb) = rows_and_lines(fast), rows_and_lines(slow)
    pd.testing.assert_frame_equal(a, b)
    assert la == lb
    return fast


def write(tmp_path: Path, text: str, name: str = "t.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_whitespace_is_what_str_strip_removes() -> None:
    assert WHITESPACE == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def test_quoted_newlines_odd_rows_and_blank_rows_keep_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'a,b,c\n1,"two\nlines",x\n2,short\n3,y,z,extra,more\n , , \n4,"q ""uoted""",  w  \n , \n5,e,f\n',
    )
    found = assert_same(path)
    frame, lines = rows_and_lines(found)
    assert lines == [2, 4, 5, 7, 9]
    assert frame.values.tolist() == [
        ["1", "two\nlines", "x"],
        ["2", "short", ""],
        ["3", "y", "z,extra,more"],
        ["4", 'q "uoted"', "w"],
        ["5", "e", "f"],
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n\n3,4\n",  # a blank line: Arrow would not count it
        "a,b\r\n1,2\r\n\r\n3,4\r\n",
        "a,b\r1,2\r3,4\r",  # old Mac line ends
        'a,"b\nc"\n1,2\n',  # a header over two lines
        "\ufeffa,b\n1,2\n",  # a byte-order mark
        'a,b\r\n1,"x\r\ny"\r\n3,4\r\n',
        "a\n1\n \n2\n",  # one column: a blank cell row is skipped
        "a,a\n1,2\n",  # a repeated column name
    ],
)
def test_files_arrow_cannot_number_are_read_alike(tmp_path: Path, text: str) -> None:
    assert_same(write(tmp_path, text))


def test_bad_utf8_after_good_rows_stops_at_its_line_after_the_rows_before(tmp_path: Path) -> None:
    good = "".join(f"{i},x\n" for i in range(60_000))
    path = write(tmp_path, ("a,b\n" + good).encode() + b"bad,\xff\n")
    seen: list[Chunk] = []
    with pytest.raises(SourceFileError, match="line 60002"):
        for chunk in read_chunks(path, chunk_rows=10_000):
            seen.append(chunk)
    read = [int(n) for c in seen for n in c.lines]
    assert read == list(range(2, 2 + len(read)))  # in order, none twice


def test_a_cell_bigger_than_a_block_hands_over_to_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "_BLOCK_BYTES", 1 << 12)
    body = (
        "".join(f"{i},x\n" for i in range(3000))
        + '9,"'
        + "y" * 20_000
        + '"\n'
        + "".join(f"{i},z\n" for i in range(50))
    )
    found = assert_same(write(tmp_path, "a,b\n" + body), chunk_rows=700)
    assert sum(len(c.frame) for c in found) == 3051


def test_many_blocks_and_odd_rows_across_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "_BLOCK_BYTES", 1 << 10)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "text", "n"])
    for i in range(2000):
        if i % 37 == 0:
            writer.writerow([i])
        elif i % 41 == 0:
            writer.writerow([i, "multi\nline", 1, "extra"])
        else:
            writer.writerow([i, "a\nb" if i % 5 == 0 else f" t{i} ", i])
    assert_same(write(tmp_path, out.getvalue()), chunk_rows=333)


_cell = st.text(alphabet=st.sampled_from(list('ab ,"\n\t\u00a0\u3000é7')), max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_cell, min_size=0, max_size=5), max_size=25), crlf=st.booleans())
def test_any_csv_writer_output_reads_alike(
    tmp_path: Path, rows: list[list[str]], crlf: bool
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(["x", "y", "z"])
    for row in rows:
        writer.writerow(row)
    path = write(tmp_path, out.getvalue(), name="h.csv")
    found = assert_same(path, chunk_rows=7)
    assert all(isinstance(n, np.integer) for c in found for n in c.lines)


def test_a_file_in_another_encoding_is_named_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b\n1,2\n3,caf\u00e9\n".encode("cp1252"))
    with pytest.raises(SourceFileError, match=r"line 3: not UTF-8 text .*save the file as UTF-8"):
        list(read_chunks(path))


@pytest.mark.parametrize("text", ["a,b\n", "a,b", "a,b\n1,2\n3,4"])
def test_a_header_alone_or_no_final_newline(tmp_path: Path, text: str) -> None:
    assert_same(write(tmp_path, text))


def faults_of(found: list[Chunk]) -> dict[int, tuple[str, str]]:
    return {line: fault for c in found for line, fault in c.faults.items()}


def test_a_quote_left_open_is_a_fault_on_its_line_and_the_rows_after_it_are_rows(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, 'id,name,note\n1,"Ann,x\n2,Bob,y\n3,"Cara",z\n4,Dan,"open\n5,Eve,w\n')
    found = assert_same(path)
    frame, lines = rows_and_lines(found)
    assert lines == [2, 3, 4, 5, 6]
    assert frame["id"].tolist() == ["1", "2", "3", "4", "5"]
    assert frame["name"].tolist()[1:] == ["Bob", "Cara", "Dan", "Eve"]
    faults = faults_of(found)
    assert sorted(faults) == [2, 5]
    assert faults[2][0] == "name" and "ends badly" in faults[2][1]
    assert faults[5][0] == "note" and "runs to the end of the file" in faults[5][1]
    assert faults_of(reference(path)) == faults


def test_arrow_hands_over_at_the_first_record_spanning_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "_BLOCK_BYTES", 1 << 10)
    body = (
        "".join(f"{i},x,y\n" for i in range(500))
        + '500,"open,y\n'
        + "".join(f"{i},x,y\n" for i in range(501, 600))
    )
    found = assert_same(write(tmp_path, "a,b,c\n" + body), chunk_rows=64)
    assert sum(len(c.frame) for c in found) == 600
    assert list(faults_of(found)) == [502]


_raw = st.text(alphabet=st.sampled_from(list('ab,"\n\r \x00')), max_size=60)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_raw)
def test_any_text_at_all_reads_alike_with_the_same_faults(tmp_path: Path, body: str) -> None:
    """Hostile text, not a csv writer's: open quotes, stray quotes, CR, NUL. Both readers give the
    same rows, lines and faults, and no record starts on a line another record already covers."""
    path = write(tmp_path, "x,y,z\n" + body, name="raw.csv")
    found = assert_same(path, chunk_rows=5)
    assert faults_of(found) == faults_of(reference(path, chunk_rows=5))
    _, lines = rows_and_lines(found)
    assert lines == sorted(set(lines))
