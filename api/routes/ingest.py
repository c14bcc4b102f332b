"""POST /api/v1/ingest: upload canonical CSV files or one zip of them; loads one dataset (analysts).

Uploads are size-limited by the guard middleware; zips are unpacked by hand, flat, with every
member name checked (no absolute paths, no '..', no backslashes), a member count limit and a
limit on the unpacked total (zip bombs). Writes are serialised: the embedded store has one writer.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi.responses import Response

from api.deps import Audit, ServicesDep, audit_started, require_role
from api.routes.read import json_response
from graph_intel.ingest import ingest
from graph_intel.quarantine import quarantine_root

router = APIRouter(prefix="/api/v1", tags=["ingest"])

_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}\.csv$")
_DATASET = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
MAX_ZIP_MEMBERS = 200
_CHUNK = 1 << 20


def _bad(detail: str) -> HTTPException:
    return HTTPException(status_code=400, detail=detail)


def safe_member_name(name: str) -> str | None:
    """The file name a zip member unpacks to, None for a directory; 400 for an unsafe name."""
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise _bad(f"unsafe path in the zip: {name!r}")
    parts = PurePosixPath(name).parts
    if any(part in ("..", ".") for part in parts):
        raise _bad(f"unsafe path in the zip: {name!r}")
    if name.endswith("/"):
        return None
    base = parts[-1] if parts else ""
    if not _FILE_NAME.match(base):
        raise _bad(f"zip member {name!r} is not a canonical CSV file name (letters, digits, '_', '-', '.'; ends .csv)")
    return base


def unpack_zip(archive: Path, folder: Path, max_total: int) -> list[str]:
    """Unpack a zip's CSV members flat into `folder`, refusing unsafe names and oversized contents."""
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise _bad("the upload is not a valid zip file") from exc
    names: list[str] = []
    with zf:
        members = zf.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise _bad(f"the zip holds more than {MAX_ZIP_MEMBERS} members")
        total = 0
        for info in members:
            base = safe_member_name(info.filename)
            if base is None:
                continue
            if base in names:
                raise _bad(f"the zip holds {base} twice")
            names.append(base)
            target = folder / base
            try:
                with zf.open(info) as src, target.open("wb") as dst:
                    while chunk := src.read(_CHUNK):
                        total += len(chunk)
                        if total > max_total:
                            raise HTTPException(status_code=413, detail=f"the zip unpacks to more than {max_total} bytes")
                        dst.write(chunk)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
                raise _bad(f"zip member {base} cannot be read (corrupt, encrypted or unsupported)") from exc
    return names


def _save(upload: UploadFile, target: Path) -> None:
    with target.open("wb") as dst:
        shutil.copyfileobj(upload.file, dst, _CHUNK)


def _person_ids(folder: Path) -> set[str]:
    """Person ids named in persons.csv, for the audit (alteration of these persons' records)."""
    path = folder / "persons.csv"
    if not path.exists():
        return set()
    try:
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
            return {row.get("person_id", "").strip() for row in csv.DictReader(fh)} - {""}
    except csv.Error:
        return set()


@router.post(
    "/ingest",
    openapi_extra=require_role("analyst", action="alteration"),
    response_model=None,
    responses={200: {"description": "The ingest report (as `graph-intel ingest --json`)", "content": {"application/json": {}}}},
)
def ingest_upload(
    svc: ServicesDep,
    ctx: Audit,
    files: Annotated[list[UploadFile], File(description="Canonical CSV files, or one .zip of them.")],
    dataset: Annotated[str, Form(pattern=_DATASET, description="The dataset's name.")],
    agency: Annotated[str, Form(max_length=64, pattern=r"^[a-z_]+$")] = "other",
) -> Response:
    """Load one dataset from uploaded canonical files; bad rows are quarantined, as the CLI does."""
    ctx.params.update({"dataset": dataset, "agency": agency, "uploads": [f.filename for f in files]})
    with tempfile.TemporaryDirectory(prefix="graph-intel-upload-") as tmp:
        work = Path(tmp)
        folder = work / "data"
        folder.mkdir()
        loaded: list[str] = []
        for upload in files:
            name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
            if name.lower().endswith(".zip"):
                archive = work / "upload.zip"
                _save(upload, archive)
                loaded += unpack_zip(archive, folder, svc.settings.max_unzipped_bytes)
                archive.unlink()
            elif _FILE_NAME.match(name):
                if name in loaded:
                    raise _bad(f"{name} uploaded twice")
                _save(upload, folder / name)
                loaded.append(name)
            else:
                raise _bad(f"upload {upload.filename!r} is neither a canonical CSV file nor a zip")
        if not loaded:
            raise _bad("no CSV files in the upload")
        ctx.params["files"] = sorted(loaded)
        ctx.persons |= {f"{dataset}:{ident}" for ident in _person_ids(folder)}
        store = svc.store
        quarantine = quarantine_root(store, svc.settings.api_db_path().parent)
        audit_started(svc, ctx)
        with svc.write_lock:
            report = ingest(store, folder, dataset=dataset, quarantine_dir=quarantine, agency=agency)
    result: dict[str, Any] = report.as_json()
    ctx.params["quarantined"] = result["quarantined"]
    return json_response(result)
