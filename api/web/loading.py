"""The hub's Load data page: upload an agency export, check it against a shipped import
specification (or load canonical CSV), see the load report and review its quarantined rows.

Loads go through the one pipeline (graph_intel.load) the CLI and the API use, under the service's
write lock and load gate, so reads meanwhile wait or are answered from before the load.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.web.page import ANALYST, Page, open_page

router = APIRouter()


@router.get("/load", response_class=HTMLResponse)
def load_form(request: Request) -> Response:
    p = open_page(request, roles=ANALYST, action="none")
    return p.render(
        "load.html", report=None, rows=[], message="", specs=shipped_specs(), problems=[]
    )


@router.post("/load", response_class=HTMLResponse)
def load(
    request: Request,
    files: Annotated[list[UploadFile], File()],
    dataset: Annotated[str, Form(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")],
    csrf: Annotated[str, Form(max_length=200)],
    agency: Annotated[str, Form(max_length=64, pattern=r"^[a-z_]+$")] = "other",
    specification: Annotated[str, Form(max_length=64, pattern=r"^[a-z0-9\-]*$")] = "",
) -> Response:
    p = open_page(request, action="alteration", roles=ANALYST)
    p.check_csrf(csrf)
    from api.routes.ingest import _load, _person_ids, _receive

    p.ctx.params.update(
        {
            "dataset": dataset,
            "agency": agency,
            "uploads": [f.filename for f in files],
            "specification": specification or "canonical",
        }
    )
    work = Path(tempfile.mkdtemp(prefix="graph-intel-upload-"))
    try:
        folder = work / "data"
        folder.mkdir()
        if specification:
            return _load_with_spec(p, files, folder, dataset, specification)
        p.ctx.params["files"] = sorted(
            _receive(files, folder, work, p.svc.settings.max_unzipped_bytes)
        )
        p.ctx.persons |= {f"{dataset}:{i}" for i in _person_ids(folder)}
        report = _load(p.svc, folder, dataset, agency)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _report_page(p, report, [])


def _report_page(p: Page, report: dict[str, Any], problems: list[dict[str, Any]]) -> Response:
    """The load report with its quarantined rows (the first 500) to review."""
    p.ctx.params["quarantined"] = report.get("quarantined")
    qfile = report.get("quarantine_file")
    rows = _read_csv(Path(str(qfile))) if report.get("quarantined") and qfile else []
    return p.render(
        "load.html",
        report=report,
        rows=rows[:500],
        message="",
        specs=shipped_specs(),
        problems=problems,
    )


def shipped_specs() -> list[str]:
    """The import specifications shipped with graph-intel (loaders/specs), by name."""
    from loaders.mapping import shipped_spec

    return sorted(path.stem for path in shipped_spec("x").parent.glob("*.yaml"))


_EXPORT_NAME = re.compile(r"[^A-Za-z0-9_.\-]+")


def _load_with_spec(
    p: Page, files: list[UploadFile], folder: Path, dataset: str, name: str
) -> Response:
    """Check an agency's export against a shipped import specification; load it when it passes."""
    from graph_intel.load import LoadSettings
    from graph_intel.load import load as load_export
    from loaders.mapping import load_spec, shipped_spec, spec_reader
    from loaders.mapping.check import check

    if name not in shipped_specs():
        raise HTTPException(
            status_code=422,
            detail=f"no shipped specification {name!r}: one of {', '.join(shipped_specs())}",
        )
    if len(files) != 1:
        raise HTTPException(
            status_code=422,
            detail="an export loaded through a specification is one file (CSV or Excel)",
        )
    upload = files[0]
    base = (
        _EXPORT_NAME.sub(
            "_", Path((upload.filename or "export.csv").replace("\\", "/")).name
        ).lstrip(".")
        or "export.csv"
    )
    if not base.lower().endswith((".csv", ".xlsx")):
        raise HTTPException(
            status_code=422,
            detail=f"{upload.filename!r} is neither a CSV nor an Excel (.xlsx) file",
        )
    target = folder / base
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)
    p.ctx.params["files"] = [base]
    spec_file = shipped_spec(name)
    _, problems = check(spec_file, target)
    found = [{**x.as_json(), "spec": name} for x in problems]
    if any(x.severity == "error" for x in problems):
        p.ctx.params["refused"] = "the export does not match the specification"
        return p.render(
            "load.html",
            status=422,
            report=None,
            rows=[],
            specs=shipped_specs(),
            problems=found,
            message=f"The export does not match the {name} specification: nothing was loaded.",
        )
    svc = p.svc
    with svc.write_lock, svc.gate.load(dataset, svc.store):
        report = load_export(
            svc.store,
            spec_reader(load_spec(spec_file)),
            target,
            dataset,
            LoadSettings(
                keep_quarantine=True, elsewhere=svc.settings.api_db_path().parent, origin="upload"
            ),
        )
    return _report_page(p, report.as_json(), found)


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except OSError:
        return []
