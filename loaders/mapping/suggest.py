"""Draft an import specification from a sample: `graph-intel import suggest FILE_OR_FOLDER > spec.yaml`.

It reads the header and a sample of rows, recognises the columns that look like phone numbers,
VRMs, postcodes, IMEIs, dates (and their format, day first as UK data writes them), names and
ids through the value types of loaders/values, and writes a commented YAML draft: what each
column was taken for, which files look like nodes or relationships, and what it could not place
(left in `extra`, or under `ignore:`). The analyst edits the draft; nothing is guessed silently.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from graph_intel.schema import schema
from loaders.mapping.reader import EXCEL_SUFFIXES, first_rows
from loaders.mapping.spec import FileOptions
from loaders.values import IMEI, PHONE, POSTCODE, VRM

SAMPLE_ROWS = 500
_DAY_FIRST = [
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}$"), "%d/%m/%Y %H:%M"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}$"), "%d/%m/%Y %H:%M:%S"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y"),
]
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_EMBEDDED_PHONE = re.compile(r"(?:\+44|0)\s?7\d{3}\s?\d{6}|(?:\+44|0)\s?\d{2,4}\s?\d{3}\s?\d{4}")
#: Enum synonyms agencies write, by target value.
_SYNONYMS = {
    "sms": ["text", "text message", "sms message", "txt"],
    "voice": ["voice call", "call", "phone call"],
    "mms": ["picture message", "mms message"],
    "child": ["victim", "young person", "cyp", "child at risk"],
    "suspect": ["offender", "perpetrator", "nominal", "suspected offender"],
    "professional": ["officer", "worker", "staff"],
    "accommodated_s20": ["section 20", "s20", "s.20"],
    "care_order": ["section 31", "s31", "full care order"],
    "interim_care_order": ["ico", "interim care order"],
    "police_protection": ["pp", "police protection"],
    # agencies, as referral lists and attendance records write them
    "children_social_care": [
        "csc",
        "cs",
        "social care",
        "children's social care",
        "childrens social care",
        "social services",
    ],
    "education": ["school", "college", "academy"],
    "youth_offending": ["yot", "yos", "youth offending", "youth justice"],
    "voluntary": ["youth project", "charity", "voluntary sector", "third sector"],
    "health": ["nhs", "hospital"],
    # safeguarding records
    "yes": ["y", "true"],
    "no": ["n", "false"],
    "conference_request": ["icpc request", "icpc", "conference request"],
    "referral": ["cse referral", "new referral", "re-referral", "rereferral"],
    "strategy_meeting_request": ["strategy meeting request", "strategy request"],
    "a_and_e": ["ed", "a&e", "emergency department"],
    "sexual_health": ["gum", "sexual health clinic"],
    "missing_education": ["cme", "child missing education", "missing education"],
}
#: Header spellings of the safeguarding records' properties (a property not listed matches its own name).
_RECORD_HEADERS: dict[str, dict[str, str]] = {
    "Referral": {
        "id": r"^referral\s*(no|id|ref|number)",
        "kind": r"^(referral\s*)?type$",
        "from_agency": r"^(from|referrer|from agency)$",
        "to_agency": r"^(to|to agency|referred to)$",
        "to_contact": r"^(team|contact|to team)$",
        "sent_at": r"^(date sent|sent|sent on|date referred|referral date)$",
        "received": r"^(acknowledged|received)$",
        "received_at": r"^(acknowledged on|received on|date received)$",
        "outcome": r"^outcome$",
        "reason": r"^(outcome reason|reason)$",
        "responded_at": r"^(outcome date|responded|response date)$",
        "summary": r"^(details|summary|notes)$",
    },
    "SchoolRecord": {
        "period_start": r"^(term|period) start$|^from$",
        "period_end": r"^(term|period) end$|^to$",
        "attendance_pct": r"^attendance\s*(%|pct|percent)",
        "unauthorised_sessions": r"^unauthori[sz]ed",
        "recorded_as": r"^(absence status|recorded as)$",
        "exclusion_type": r"^exclusion type$",
        "exclusion_days": r"^exclusion days$",
        "school": r"^(school|establishment)$",
    },
    "HealthAttendance": {
        "id": r"^attendance\s*(id|no|ref)$",
        "kind": r"^(setting|department|service)$",
        "attended_at": r"^(attended|attended at|arrival|attendance date)$",
        "provider": r"^(provider|hospital|trust)$",
        "summary": r"^(presenting complaint|complaint|summary|details)$",
        "shared_with": r"^shared with$",
    },
    "Gift": {
        "id": r"^gift\s*(id|no|ref)$",
        "kind": r"^(gift|item|gift type)$",
        "given_at": r"^(given|given on|date given)$",
        "giver": r"^(giver|given by)$",
        "value_gbp": r"^(value|value £|amount)$",
        "summary": r"^(details|summary|notes)$",
    },
    "Allocation": {
        "id": r"^allocation\s*(id|no|ref)$",
        "worker": r"^(worker|allocated worker|professional)$",
        "from_date": r"^(from|allocated from|start date)$",
        "to_date": r"^(to|allocated until|end date)$",
    },
    "RiskAssessment": {
        "id": r"^assessment\s*(id|no|ref)$",
        "assessed_at": r"^(assessed|assessed on|assessment date)$",
        "level": r"^(level|risk level|risk)$",
        "review_by": r"^(review by|review date)$",
        "summary": r"^(details|summary|notes)$",
    },
}
#: Header names of the person a record concerns (its id): the child, patient or pupil.
_SUBJECT_ID = re.compile(r"child|patient|pupil|person|client|subject|upn|nhs", re.I)


@dataclass
class Column:
    """What one column's sample looks like."""

    name: str
    kind: str = "text"  # phone, phones_in_text, vrm, postcode, imei, date, datetime, time, serial, number, name, id, text
    date_format: str | None = None
    note: str = ""


# -- reading a sample ---------------------------------------------------------------------------
def _encoding(path: Path) -> str:
    head = path.read_bytes()[:1_000_000]
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # cut mid-character at the sample's end
            return "utf-8-sig"
        return "cp1252"


def _delimiter(path: Path, encoding: str) -> str:
    text = path.read_text(encoding=encoding, errors="replace")[:20_000]
    try:
        return csv.Sniffer().sniff(text, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _header_row(rows: list[list[str]]) -> int:
    """The 1-based row of the header, found as `header_row: auto` finds it when a file is read."""
    from loaders.mapping.reader import find_header_row

    return find_header_row(rows)


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# -- judging columns ------------------------------------------------------------------------------
def _share(values: list[str], test: Any) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def judge(name: str, values: list[str]) -> Column:
    """What a column holds, from its name and its non-blank sample values."""
    low = name.lower()
    values = [v for v in values if v][:SAMPLE_ROWS]
    col = Column(name)
    if not values:
        col.note = "always blank in the sample"
        return col
    if _share(values, lambda v: IMEI.validate(v) and len(re.sub(r"\D", "", v)) >= 15) >= 0.8:
        col.kind = "imei"
    elif _share(values, lambda v: _DAY_FIRST_FMT(v) is not None) >= 0.9:
        fmts = {_DAY_FIRST_FMT(v) for v in values}
        col.kind, col.date_format = (
            ("datetime" if any("%H" in f for f in fmts if f) else "date"),
            max((f for f in fmts if f), key=len),
        )
        col.note = f"dates day first ({col.date_format}), as UK data writes them"
    elif _share(values, lambda v: bool(_ISO.match(v))) >= 0.9:
        col.kind = "datetime" if any(("T" in v or " " in v) for v in values) else "date"
    elif _share(values, lambda v: bool(_TIME.match(v))) >= 0.9:
        col.kind = "time"
    elif (
        re.search(r"date|dob|birth", low)
        and _share(values, lambda v: bool(_SERIAL.match(v))) >= 0.9
    ):
        col.kind, col.date_format = "date", "excel"
        col.note = "Excel serial day numbers"
    elif _share(values, _is_phone) >= 0.8:
        col.kind = "phone"
    elif _share(values, lambda v: len(_EMBEDDED_PHONE.findall(v)) > 0) >= 0.5 and any(
        "\n" in v or ":" in v for v in values
    ):
        col.kind = "phones_in_text"
    elif (
        _share(values, lambda v: VRM.validate(v)) >= 0.8
        and not _share(values, _number)
        and (re.search(r"vrm|reg|plate|vehicle", low) or _share(values, _current_vrm) >= 0.8)
    ):
        col.kind = "vrm"
    elif _share(values, lambda v: POSTCODE.validate(v)) >= 0.8:
        col.kind = "postcode"
    elif _share(values, _number) >= 0.75:
        col.kind = "number"
    elif re.search(r"name|forename|surname|first|last", low):
        col.kind = "name"
    if col.kind in ("text", "number") and re.search(
        r"(^|[\s_])(id|ref|reference|no|number|upn|urn)$|_id$|id$", low
    ):
        col.kind = "id"
    return col


def _DAY_FIRST_FMT(value: str) -> str | None:  # noqa: N802 - a table lookup, named as one
    for pattern, fmt in _DAY_FIRST:
        if pattern.match(value):
            return fmt
    return None


def _current_vrm(value: str) -> bool:
    cleaned = VRM.clean(value)
    return cleaned is not None and cleaned.valid and cleaned.detail == "current"


def _is_phone(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    if not 10 <= len(digits) <= 13 or re.search(r"[A-Za-z]", value):
        return False
    cleaned = PHONE.clean(value)
    return cleaned is not None and cleaned.parsed


def enum_map(values: list[str], allowed: tuple[str, ...]) -> dict[str, str] | None:
    """A `map:` from the column's spellings onto an enum's values, or None when some do not fit."""
    out: dict[str, str] = {}
    for v in sorted({v for v in values if v}):
        low = v.lower().strip()
        target = low.replace(" ", "_") if low.replace(" ", "_") in allowed else None
        if target is None:
            target = next(
                (t for t, words in _SYNONYMS.items() if t in allowed and low in words), None
            )
        if target is None:
            return None
        if target != low:
            out[low] = target
    return out


# -- drafting a table ----------------------------------------------------------------------------
@dataclass
class Draft:
    """A specification being drafted, with the comment lines that explain it."""

    spec: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def text(self, origin: str) -> str:
        head = [
            f"# Draft import specification for {origin}, written by `graph-intel import suggest`.",
            "# Read every line: it is a guess from a sample. Check with:",
            "#   graph-intel import check SPEC FILE",
            *[f"# {n}" for n in self.notes],
            "",
        ]
        return "\n".join(head) + yaml.safe_dump(
            self.spec, sort_keys=False, allow_unicode=True, width=110
        )


def _alias(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "value"
    alias, i = base, 2
    while alias in taken:
        alias, i = f"{base}_{i}", i + 1
    taken.add(alias)
    return alias


def suggest_table(path: Path) -> Draft:
    """A draft for one CSV or Excel sheet."""
    excel = path.suffix.lower() in EXCEL_SUFFIXES
    options: dict[str, Any] = {"format": "excel" if excel else "csv"}
    sheets: list[str] = []
    notes: list[str] = []
    if excel:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        sheets = book.sheetnames
        book.close()
        options["sheet"] = sheets[0]
        if len(sheets) > 1 and _same_header(path, sheets):
            options["sheet"] = "*"
            notes.append(
                f"the workbook has sheets {', '.join(sheets)}, all with one header: this draft reads every sheet"
            )
        elif len(sheets) > 1:
            notes.append(
                f"the workbook has sheets {', '.join(sheets)}: this draft reads {sheets[0]!r};"
                " copy it with file.sheet set for each other sheet"
            )
    else:
        options["encoding"] = _encoding(path)
        options["delimiter"] = _delimiter(path, options["encoding"])
        if options["encoding"] == "cp1252":
            notes.append("the file is not UTF-8: read as Windows-1252 (cp1252)")
    sampled = {**options, "sheet": sheets[0]} if excel else options  # the sample: the first sheet
    rows = first_rows(path, FileOptions(**sampled), SAMPLE_ROWS + 30)
    header_row = _header_row(rows)
    options["header_row"] = header_row
    if header_row > 1:
        notes.append(f"rows 1-{header_row - 1} are a title block; the header is row {header_row}")
    header = rows[header_row - 1] if rows else []
    while header and not header[-1]:
        header.pop()
    body = rows[header_row:]
    if options.get("sheet") == "*":  # every sheet is read: the sample takes rows of each
        for sheet in sheets[1:]:
            more = first_rows(path, FileOptions(**{**options, "sheet": sheet}), SAMPLE_ROWS + 30)
            body += more[_header_row(more) :]
    columns = [
        judge(h, [r[i] if i < len(r) else "" for r in body]) for i, h in enumerate(header) if h
    ]
    preamble = " ".join(c for r in rows[: header_row - 1] for c in r if c)
    spec: dict[str, Any] = {
        "name": re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "draft",
        "description": f"Draft from {path.name}: edit before use.",
        "file": options,
        "source": {
            "id": re.sub(r"[^A-Z0-9]+", "-", path.stem.upper()).strip("-") or "SOURCE",
            "agency": "other",
        },
    }
    values = {h: [r[i] if i < len(r) else "" for r in body] for i, h in enumerate(header)}
    record = record_kind(columns, values)
    if record is not None:  # a list of safeguarding records (referrals, attendances...), one a row
        for c in columns:
            notes.append(f"column {c.name!r}: {c.kind}{f' ({c.note})' if c.note else ''}")
        _record_mapping(spec, record, columns, values, notes)
    else:
        _table_mapping(spec, columns, body, header, preamble, notes)
    return Draft(spec, notes)


def _same_header(path: Path, sheets: list[str]) -> bool:
    """Whether every sheet of a workbook has the same header (found as `header_row: auto` finds it)."""
    headers = set()
    for sheet in sheets:
        rows = first_rows(path, FileOptions(format="excel", sheet=sheet), 30)
        if not rows:
            return False
        header = rows[_header_row(rows) - 1]
        headers.add(tuple(c for c in header if c))
    return len(headers) == 1


def _start(
    by_kind: dict[str, list[Column]], values: dict[str, list[str]], used: set[str]
) -> dict[str, Any] | None:
    """When each row happened: the first date-time column, or a date column joined with a time column."""
    dates = [
        c
        for c in by_kind.get("datetime", []) + by_kind.get("date", [])
        if not re.search(r"dob|birth", c.name.lower())
    ]
    times = by_kind.get("time", [])
    if not dates:
        return None
    d = dates[0]
    if times and d.kind == "date":
        fmt_ = d.date_format or "%Y-%m-%d"
        t_sample = next((v for v in values[times[0].name] if v), "00:00:00")
        used.update({d.name, times[0].name})
        return {
            "columns": [d.name, times[0].name],
            "join": " ",
            "date_format": f"{fmt_} {'%H:%M:%S' if t_sample.count(':') == 2 else '%H:%M'}",
        }
    used.add(d.name)
    return {"column": d.name, **({"date_format": d.date_format} if d.date_format else {})}


def _call_event(
    start: dict[str, Any],
    a: str,
    b: str,
    columns: list[Column],
    values: dict[str, list[str]],
    used: set[str],
) -> dict[str, Any]:
    """A call between the first two phone columns, with its duration and type where a column says."""
    call: dict[str, Any] = {
        "kind": "call",
        "start": start,
        "properties": {},
        "participants": [{"entity": a, "role": "caller"}, {"entity": b, "role": "callee"}],
    }
    for c in columns:
        low = c.name.lower()
        if c.kind in ("number", "id") and "duration" in low or low in ("secs", "seconds"):
            call["properties"]["duration_s"] = c.name
            used.add(c.name)
        elif "type" in low and c.name not in used:
            m = enum_map(values[c.name], ("voice", "sms", "mms"))
            if m is not None:
                call["properties"]["call_type"] = {
                    "column": c.name,
                    "lower": True,
                    **({"map": m} if m else {}),
                }
                used.add(c.name)
    if not call["properties"]:
        del call["properties"]
    return call


def _read_event(
    start: dict[str, Any], vehicle: str, columns: list[Column], used: set[str]
) -> dict[str, Any]:
    """A number plate read of the vehicle, with its camera and direction where a column says."""
    read: dict[str, Any] = {
        "kind": "anpr_read",
        "start": start,
        "participants": [{"entity": vehicle, "role": "read"}],
        "properties": {},
    }
    for c in columns:
        low = c.name.lower()
        if "camera" in low and c.name not in used:
            read["properties"]["camera_id"] = c.name
            used.add(c.name)
        elif "direction" in low and c.name not in used:
            read["properties"]["direction"] = c.name
            used.add(c.name)
    return read


def _place(
    by_kind: dict[str, list[Column]],
    columns: list[Column],
    entities: dict[str, Any],
    events: dict[str, Any],
    links: list[dict[str, Any]],
    used: set[str],
    notes: list[str],
) -> None:
    """A place from the first postcode column (with an address, and a school's name, where columns say)."""
    postcodes = by_kind.get("postcode", [])
    if not postcodes or "exhibit" in entities:
        return
    pc = postcodes[0]
    address = next((c for c in columns if "address" in c.name.lower() and c.name not in used), None)
    place: dict[str, Any] = {
        "kind": "Location",
        "optional": True,
        "id": {"columns": [address.name, pc.name], "join": ", "} if address else pc.name,
        "properties": {"postcode": pc.name},
    }
    used.add(pc.name)
    if address:
        place["properties"]["address"] = address.name
        used.add(address.name)
    kind = next(
        (
            c.name
            for c in columns
            if re.search(r"school|establishment|setting", c.name.lower()) and c.name not in used
        ),
        None,
    )
    if kind:
        place["properties"]["name"] = kind
        place["properties"]["kind"] = {"constant": "school"}
        used.add(kind)
    entities["place"] = place
    if "person" in entities:
        link_kind = "frequents" if kind else "lives_at"
        links.append({"kind": link_kind, "from": "person", "to": "place"})
        notes.append(f"a person and a place in one row: taken as {link_kind} - check")
    for ev in events.values():
        ev["location"] = "place"


def _table_mapping(
    spec: dict[str, Any],
    columns: list[Column],
    body: list[list[str]],
    header: list[str],
    preamble: str,
    notes: list[str],
) -> None:
    by_kind: dict[str, list[Column]] = {}
    for c in columns:
        by_kind.setdefault(c.kind, []).append(c)
        notes.append(f"column {c.name!r}: {c.kind}{f' ({c.note})' if c.note else ''}")
    values = {h: [r[i] if i < len(r) else "" for r in body] for i, h in enumerate(header)}
    entities: dict[str, Any] = {}
    events: dict[str, Any] = {}
    links: list[dict[str, Any]] = []
    taken: set[str] = set()
    used: set[str] = set()
    phones = by_kind.get("phone", [])
    for c in phones:
        entities[_alias(c.name, taken)] = {"kind": "Phone", "id": c.name, "optional": True}
        used.add(c.name)
    start = _start(by_kind, values, used)
    vrms = by_kind.get("vrm", [])
    for c in vrms:
        entities[_alias(c.name, taken)] = {"kind": "Vehicle", "id": c.name, "optional": True}
        used.add(c.name)
    if len(phones) >= 2 and start is not None:
        a, b = (next(x for x, e in entities.items() if e.get("id") == p.name) for p in phones[:2])
        for alias in (a, b):
            entities[alias].pop("optional", None)  # a call needs both its parties
        events["call"] = _call_event(start, a, b, columns, values, used)
        notes.append(
            f"two phone columns and a time: each row taken as a call from {phones[0].name!r} to {phones[1].name!r}"
        )
    elif vrms and start is not None:
        vehicle = next(iter(a for a, e in entities.items() if e["kind"] == "Vehicle"))
        events["read"] = _read_event(start, vehicle, columns, used)
        notes.append("a VRM and a time: each row taken as a number plate read")
    exhibit = re.search(r"Exhibit\s+(\S+)", preamble)
    in_text = by_kind.get("phones_in_text", [])
    if exhibit and in_text:
        entities["exhibit"] = {
            "kind": "Exhibit",
            "id": {"preamble": True, "regex": r"Exhibit\s+(?P<value>\S+)"},
        }
        c = in_text[0]
        entities["number"] = {
            "kind": "Phone",
            "optional": True,
            "id": {
                "column": c.name,
                "split": "\n",
                "regex": r"^\s*Phone[^:]*:\s*(?P<value>[+0-9()\- ]{6,})\s*$",
            },
        }
        used.add(c.name)
        link: dict[str, Any] = {"kind": "saved_contact", "from": "exhibit", "to": "number"}
        names = by_kind.get("name", [])
        if names:
            link["properties"] = {"saved_name": names[0].name}
            used.add(names[0].name)
        links.append(link)
        notes.append(
            f"a handset report: the title names exhibit {exhibit.group(1)}; {c.name!r} holds its saved numbers"
        )
    else:
        _person(entities, columns, values, used, taken, notes)
    if "person" in entities:
        for alias, e in list(entities.items()):
            if e["kind"] == "Phone" and not events:
                links.append({"kind": "uses_phone", "from": "person", "to": alias})
            if e["kind"] == "Vehicle" and not events:
                links.append({"kind": "drives", "from": "person", "to": alias})
                notes.append(
                    "a person and a vehicle in one row: taken as drives (or keeper_of?) - check"
                )
        if events:
            for ev in events.values():
                ev["participants"].append({"entity": "person", "role": "subject"})
    _place(by_kind, columns, entities, events, links, used, notes)
    if start is not None and not events:
        spec["row_date"] = start
        notes.append("the row's date is taken as when its facts were seen (row_date)")
    if not entities and not events:
        notes.append(
            "could not place any column: no phone, VRM, person or place found; map by hand"
        )
        entities["row"] = {"kind": "Person", "id": header[0] if header else "id"}
    spec["entities"] = entities
    if links:
        spec["links"] = links
    if events:
        spec["events"] = events
    left = [c.name for c in columns if c.name not in used]
    if left:
        notes.append(f"not placed, kept in extra: {', '.join(left)}")


def _person(
    entities: dict[str, Any],
    columns: list[Column],
    values: dict[str, list[str]],
    used: set[str],
    taken: set[str],
    notes: list[str],
    ident_column: str | None = None,
) -> None:
    names = [c for c in columns if c.kind == "name"]
    if not names:
        return
    props: dict[str, Any] = {}
    ids = (
        [c for c in columns if c.name == ident_column]
        if ident_column
        else [c for c in columns if c.kind == "id"]
    )
    for c in names:
        low = c.name.lower()
        if re.search(r"fore|first|given", low):
            props["given_name"] = c.name
        elif re.search(r"sur|last|family", low):
            props["family_name"] = c.name
        elif "name" in low and "given_name" not in props:
            props["given_name"] = {"column": c.name, "regex": r"^(\S+)"}
            props["family_name"] = {"column": c.name, "regex": r"^\S+\s+(.+)$"}
    if not props:
        return
    for c in columns:
        low = c.name.lower()
        if c.kind == "date" and re.search(r"dob|birth", low):
            props["date_of_birth"] = {
                "column": c.name,
                **({"date_format": c.date_format} if c.date_format else {}),
            }
            used.add(c.name)
        elif (
            re.search(r"category|role|status|legal", low)
            and c.kind == "text"
            and c.name not in used
        ):
            for prop in ("category", "legal_status"):
                allowed = schema().entity("Person").properties[prop].values or ()
                m = enum_map(values[c.name], allowed)
                if m is not None and prop not in props:
                    props[prop] = {"column": c.name, "lower": True, **({"map": m} if m else {})}
                    used.add(c.name)
                    break
    for p in props.values():
        used.add(p if isinstance(p, str) else p["column"])
    if ids:
        ident: Any = ids[0].name
        used.add(ids[0].name)
    else:
        parts = [
            props[k] if isinstance(props[k], str) else props[k]["column"]
            for k in ("given_name", "family_name")
            if k in props
        ]
        cols = list(
            dict.fromkeys(
                parts + ([props["date_of_birth"]["column"]] if "date_of_birth" in props else [])
            )
        )
        ident = {"columns": cols, "join": "|"}
        notes.append("no id column: each person is named by their names and date of birth - check")
    entities["person"] = {"kind": "Person", "id": ident, "properties": props}


# -- drafting a safeguarding record list ---------------------------------------------------------------
@dataclass
class Record:
    """A record kind the file's columns match: which column feeds each of its properties."""

    entity: Any  # graph_intel.schema EntitySpec
    columns: dict[str, Column]  # property -> column ("id" for the record's own id)


def record_kind(columns: list[Column], values: dict[str, list[str]]) -> Record | None:
    """The safeguarding record kind (Referral, SchoolRecord, HealthAttendance ...) whose properties the
    columns name best, by header and by what the sample holds; None unless at least two of its
    properties, its date among them, are found."""
    best: Record | None = None
    for ent in schema().record_entities():
        hints = _RECORD_HEADERS.get(ent.name, {})
        found: dict[str, Column] = {}
        for c in columns:
            low = re.sub(r"\s+", " ", c.name.lower().strip())
            for prop in ["id", *ent.properties]:
                if prop in found:
                    continue
                pattern = hints.get(prop)
                hit = (
                    re.search(pattern, low)
                    if pattern
                    else prop != "id" and low in (prop, prop.replace("_", " "))
                )
                if hit and (
                    prop == "id"
                    or _record_value(ent.properties[prop], c, values[c.name], None) is not None
                ):
                    found[prop] = c
                    break
        score = len([p for p in found if p != "id"])
        if (
            ent.dated_by in found
            and score >= 2
            and (best is None or score > len([p for p in best.columns if p != "id"]))
        ):
            best = Record(ent, found)
    return best


def _record_value(prop: Any, c: Column, vals: list[str], date_format: str | None) -> Any | None:
    """How a record property reads column `c`, or None when the sample does not fit its type."""
    given = [v.strip() for v in vals if v and v.strip()]
    if prop.type in ("date", "timestamp"):
        if c.kind in ("date", "datetime"):
            return {"column": c.name, **({"date_format": c.date_format} if c.date_format else {})}
        if not given:  # always blank in the sample: read as the file's other dates are written
            return {"column": c.name, **({"date_format": date_format} if date_format else {})}
        return None
    if prop.type in ("double", "int"):
        if all(_number(v) and (prop.type == "double" or float(v).is_integer()) for v in given):
            return c.name
        if (
            prop.type == "double"
            and given
            and all(re.fullmatch(r"-?\d+(\.\d+)?\s*%", v) for v in given)
        ):
            return {"column": c.name, "regex": r"-?[0-9]+(?:\.[0-9]+)?"}
        return None
    if prop.type == "enum":
        m = enum_map(given, tuple(prop.values or ()))
        return None if m is None else {"column": c.name, "lower": True, **({"map": m} if m else {})}
    if prop.type == "bool":
        return None
    return c.name  # string, string_list (';'-separated)


#: The agency that keeps each kind of record, for the draft's source.
_RECORD_AGENCY = {"SchoolRecord": "education", "HealthAttendance": "health"}


def _record_mapping(
    spec: dict[str, Any],
    record: Record,
    columns: list[Column],
    values: dict[str, list[str]],
    notes: list[str],
) -> None:
    """Each row one safeguarding record concerning a child: the record, the child, and `concerns`."""
    ent = record.entity
    used: set[str] = set()
    formats = [c.date_format for c in columns if c.date_format and c.date_format != "excel"]
    fallback = max(set(formats), key=formats.count) if formats else None
    props: dict[str, Any] = {}
    for prop, c in record.columns.items():
        if prop == "id":
            continue
        value = _record_value(ent.properties[prop], c, values[c.name], fallback)
        if value is not None:
            props[prop] = value
            used.add(c.name)
    own_id = record.columns.get("id")
    subject = next(
        (
            c
            for c in columns
            if c is not own_id
            and c.name not in used
            and _SUBJECT_ID.search(c.name)
            and c.kind in ("id", "text", "number")
        ),
        None,
    )
    subject = subject or next(
        (c for c in columns if c.kind == "id" and c is not own_id and c.name not in used), None
    )
    dated = record.columns[ent.dated_by]
    if own_id is not None:
        ident: Any = own_id.name
        used.add(own_id.name)
    elif subject is not None:
        ident = {"template": f"{{{subject.name}}}/{{{dated.name}}}"}
        notes.append(
            f"no {ent.name} id column: each record is named by {subject.name!r} and {dated.name!r} - check"
        )
    else:
        ident = {"columns": [c.name for c in record.columns.values()], "join": "|"}
        notes.append(f"no {ent.name} id column: each record is named by its values - check")
    alias = ent.cli or "record"
    entities: dict[str, Any] = {alias: {"kind": ent.name, "id": ident, "properties": props}}
    _person(
        entities,
        columns,
        values,
        used,
        {alias},
        notes,
        ident_column=subject.name if subject else None,
    )
    links: list[dict[str, Any]] = []
    if "person" in entities:
        entities["person"]["properties"].setdefault("category", {"constant": "child"})
        links.append({"kind": "concerns", "from": alias, "to": "person"})
        notes.append(
            f"each row a {ent.name} concerning a child (the person it names): {ent.description}"
        )
    else:
        notes.append(
            f"each row a {ent.name}, but no column names the child it concerns: add the person by hand"
        )
    spec["source"]["agency"] = _RECORD_AGENCY.get(ent.name, spec["source"]["agency"])
    when = props.get(ent.dated_by, dated.name)
    spec["row_date"] = (
        dict(when) if isinstance(when, dict) else when
    )  # a copy: no YAML anchor in the draft
    notes.append(
        f"the record's {ent.dated_by} ({dated.name!r}) is taken as when its facts were seen (row_date)"
    )
    spec["entities"] = entities
    spec["links"] = links
    left = [c.name for c in columns if c.name not in used]
    if left:
        notes.append(f"not placed, kept in the {ent.name}'s extra: {', '.join(left)}")


# -- drafting a neo4j-admin folder -------------------------------------------------------------------
_PERSON = re.compile(
    r"person|people|suspect|victim|offender|nominal|child|witness|officer|associate|informant", re.I
)
_KINDS = [
    (re.compile(r"phone|mobile|telephone|handset|sim", re.I), "Phone"),
    (re.compile(r"vehicle|car|van|taxi", re.I), "Vehicle"),
    (re.compile(r"location|address|place|area|hotel|premises|postcode", re.I), "Location"),
]
_CATEGORY = {
    "suspect": "suspect",
    "offender": "suspect",
    "victim": "child",
    "child": "child",
    "witness": "witness",
    "officer": "professional",
    "associate": "associate",
}
_TYPES = [
    (re.compile(r"^KNOWS_?SN$|SOCIAL", re.I), ("associate_of", "social_network")),
    (re.compile(r"^KNOWS_?PHONE$|PHONE_CONTACT", re.I), ("associate_of", "phone_contact")),
    (re.compile(r"^KNOWS|ASSOCIATE|FRIEND", re.I), ("associate_of", None)),
    (re.compile(r"FAMILY|SIBLING|PARENT|RELATED", re.I), ("family_of", None)),
    (re.compile(r"PARTNER|MARRIED", re.I), ("partner_of", None)),
    (re.compile(r"HAS_PHONE|USES|OWNS_PHONE", re.I), ("uses_phone", None)),
    (re.compile(r"DRIVE", re.I), ("drives", None)),
    (re.compile(r"OWNS_VEHICLE|KEEPER", re.I), ("keeper_of", None)),
    (re.compile(r"LIVES|ADDRESS|RESIDES", re.I), ("lives_at", None)),
    (re.compile(r"VISIT|FREQUENT|SEEN_AT", re.I), ("frequents", None)),
]


def _admin_headers(folder: Path) -> Iterator[tuple[Path, Any]]:
    from loaders.canonical.chunks import SourceFileError, read_header
    from loaders.mapping.admin import parse_header

    for path in sorted(folder.glob("*.csv")):
        try:
            yield path, parse_header(read_header(path))
        except SourceFileError:
            continue


def is_admin_folder(folder: Path) -> bool:
    """Whether a folder holds neo4j-admin import CSV (a header with :ID or :START_ID)."""
    return folder.is_dir() and any(
        h.is_nodes or h.is_relationships for _, h in _admin_headers(folder)
    )


def _admin_node_file(
    path: Path,
    header: Any,
    labels: dict[str, dict[str, Any]],
    label_columns: dict[str, set[str]],
    label_kind: dict[str, str | None],
    space_kind: dict[str, str | None],
) -> None:
    """One node file: the kind each of its labels names (from a sample of its rows), and its id space's kind."""
    from loaders.canonical.chunks import read_chunks
    from loaders.mapping.admin import _renamed

    names = [t for targets in header.renames.values() for t in targets if not t.startswith(":")]
    seen: dict[str, int] = {}
    sample: dict[str, list[str]] = {n: [] for n in names}
    ids: list[str] = []
    for chunk in read_chunks(path):
        frame = _renamed(chunk, header).frame
        if ":LABEL" in frame:
            for cell, n in frame[":LABEL"].value_counts().items():
                for part in str(cell).split(";"):
                    if part.strip():
                        seen[part.strip()] = seen.get(part.strip(), 0) + int(n)
        for n in names:
            if len(sample[n]) < SAMPLE_ROWS:
                sample[n] += [v for v in frame[n].head(SAMPLE_ROWS).tolist() if v]
        ids = frame[":ID"].head(SAMPLE_ROWS).tolist()
    file_kinds = set()
    for label in seen:
        kind = _label_kind(label, sample, ids)
        label_kind[label] = kind
        label_columns.setdefault(label, set()).update(names)
        file_kinds.add(kind)
    if len(file_kinds) == 1:
        space_kind[header.spaces[":ID"]] = next(iter(file_kinds))
    for label in seen:
        kind = label_kind[label]
        if kind is None:
            continue
        labels[label] = {"kind": kind, **_label_props(kind, label, names, sample, seen)}


def _person_categories(
    labels: dict[str, dict[str, Any]], label_kind: dict[str, str | None], notes: list[str]
) -> None:
    """Persons under several labels: their category taken from the labels that name one."""
    person_labels = [lab for lab, k in label_kind.items() if k == "Person"]
    if len(person_labels) > 1:
        mapping = {lab: _CATEGORY.get(lab.lower(), None) for lab in person_labels}
        wanted = {lab: c for lab, c in mapping.items() if c}
        if wanted:
            pattern = "(" + "|".join(re.escape(lab) for lab in wanted) + ")"
            for lab in person_labels:
                labels[lab].setdefault("properties", {})["category"] = {
                    "column": ":LABEL",
                    "regex": f"(?:^|;){pattern}(?:;|$)",
                    "map": {k: v for k, v in wanted.items()},
                }
            notes.append(
                "persons: category from their labels ("
                + ", ".join(f"{k} -> {v}" for k, v in wanted.items())
                + ")"
            )


def _admin_types(
    rel_files: list[tuple[Path, Any]], space_kind: dict[str, str | None]
) -> tuple[dict[str, Any], list[str]]:
    """The relationship types of the relationship files: mapped where their names say, and those that could not be placed."""
    from loaders.canonical.chunks import read_chunks
    from loaders.mapping.admin import _renamed

    types: dict[str, Any] = {}
    unplaced_types: list[str] = []
    for path, header in rel_files:
        found: set[str] = set()
        cols = [t for targets in header.renames.values() for t in targets if not t.startswith(":")]
        for chunk in read_chunks(path):
            frame = _renamed(chunk, header).frame
            if ":TYPE" in frame:
                found.update(str(v) for v in pd.unique(frame[":TYPE"]) if v)
        a, b = space_kind.get(header.spaces[":START_ID"]), space_kind.get(header.spaces[":END_ID"])
        for rel in sorted(found):
            mapped = _type_map(rel, a, b, cols)
            if mapped is None:
                unplaced_types.append(rel)
            else:
                types[rel] = mapped
    return types, unplaced_types


def suggest_admin(folder: Path) -> Draft:
    """A draft for a neo4j-admin import folder: labels and types mapped where their names say, the rest ignored."""
    notes: list[str] = []
    labels: dict[str, dict[str, Any]] = {}
    label_columns: dict[str, set[str]] = {}
    label_kind: dict[str, str | None] = {}
    space_kind: dict[str, str | None] = {}
    rel_files: list[tuple[Path, Any]] = []
    ignore_files: list[str] = []
    for path, header in _admin_headers(folder):
        if header.is_relationships:
            rel_files.append((path, header))
            notes.append(f"{path.name}: relationships (:START_ID, :END_ID)")
            continue
        if not header.is_nodes:
            ignore_files.append(path.name)
            notes.append(f"{path.name}: neither nodes nor relationships - ignored")
            continue
        notes.append(f"{path.name}: nodes (:ID)")
        _admin_node_file(path, header, labels, label_columns, label_kind, space_kind)
    _person_categories(labels, label_kind, notes)
    types, unplaced_types = _admin_types(rel_files, space_kind)
    ignore: dict[str, Any] = {}
    unplaced_labels = sorted(lab for lab, k in label_kind.items() if k is None)
    if unplaced_labels:
        ignore["labels"] = unplaced_labels
        notes.append(f"could not place labels (ignored): {', '.join(unplaced_labels)}")
    if unplaced_types:
        ignore["types"] = sorted(set(unplaced_types))
        notes.append(
            f"could not place relationship types (ignored): {', '.join(sorted(set(unplaced_types)))}"
        )
    if ignore_files:
        ignore["files"] = ignore_files
    spec: dict[str, Any] = {
        "name": re.sub(r"[^a-z0-9]+", "-", folder.name.lower()).strip("-") or "draft",
        "description": f"Draft from the neo4j-admin folder {folder.name}: edit before use.",
        "format": "neo4j-admin",
        "source": {
            "id": re.sub(r"[^A-Z0-9]+", "-", folder.name.upper()).strip("-") or "SOURCE",
            "agency": "other",
        },
        "labels": labels or {"Node": {"kind": "Person"}},
    }
    if types:
        spec["types"] = types
    if ignore:
        spec["ignore"] = ignore
    return Draft(spec, notes)


def _label_kind(label: str, sample: dict[str, list[str]], ids: list[str]) -> str | None:
    if _PERSON.search(label):
        return "Person"
    for pattern, kind in _KINDS:
        if pattern.search(label):
            return kind
    if ids and _share([str(i) for i in ids], _is_phone) >= 0.8:
        return "Phone"
    return None


def _label_props(
    kind: str, label: str, names: list[str], sample: dict[str, list[str]], seen: dict[str, int]
) -> dict[str, Any]:
    known = schema().entity(kind).properties
    props: dict[str, Any] = {}
    for n in names:
        low = n.lower()
        col = judge(n, sample.get(n, []))
        if kind == "Person":
            if low in ("name", "full_name", "fullname"):
                props["given_name"] = {"column": n, "regex": r"^(\S+)"}
                props["family_name"] = {"column": n, "regex": r"^\S+\s+(.+)$"}
            elif re.search(r"^(first|fore|given)", low):
                props["given_name"] = n
            elif re.search(r"^(sur|last|family)", low):
                props["family_name"] = n
            elif re.search(r"dob|birth", low) and col.kind == "date":
                props["date_of_birth"] = {
                    "column": n,
                    **({"date_format": col.date_format} if col.date_format else {}),
                }
        elif (
            kind == "Vehicle"
            and re.search(r"vrm|plate|reg", low)
            and col.kind == "vrm"
            and "id" not in props
        ):
            props["id"] = n
        elif low in known and known[low].type not in ("enum",):
            props[low] = n
        elif kind == "Location" and low == "name":
            props["name"] = n
    out: dict[str, Any] = {}
    if "id" in props:
        out["id"] = props.pop("id")
    if props:
        out["properties"] = props
    return out


def _type_map(rel: str, a: str | None, b: str | None, cols: list[str]) -> dict[str, Any] | None:
    if re.search(r"CALL", rel, re.I) and a == b == "Phone":
        when = next((c for c in cols if re.search(r"at|date|time|start|when", c, re.I)), None)
        if when is None:
            return None
        out: dict[str, Any] = {"event": "call", "start": when, "roles": ["caller", "callee"]}
        secs = next((c for c in cols if re.search(r"dur|sec", c, re.I)), None)
        if secs:
            out["properties"] = {"duration_s": secs}
        return out
    for pattern, (link, basis) in _TYPES:
        if pattern.search(rel):
            pairs = schema().link(link).pairs
            if a is not None and b is not None and (a, b) not in pairs and (b, a) not in pairs:
                return None
            return {"link": link, **({"basis": basis} if basis else {})}
    return None


def suggest(path: Path) -> str:
    """The commented YAML draft for a file or folder."""
    if path.is_dir():
        if is_admin_folder(path):
            return suggest_admin(path).text(path.name)
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in {".csv", ".txt", ".tsv", *EXCEL_SUFFIXES}
        )
        if not files:
            raise ValueError(f"{path}: no CSV or Excel file to draft a specification from")
        draft = suggest_table(files[0])
        if len(files) > 1:
            draft.notes.append(
                f"the folder holds {len(files)} files: this draft reads {files[0].name}; "
                "draft each other shape with `import suggest FILE`"
            )
            draft.spec["file"]["pattern"] = files[0].name
        return draft.text(path.name)
    return suggest_table(path).text(path.name)
