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
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, HTTPException, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response

from api.deps import (
    Audit,
    AuditContext,
    Services,
    ServicesDep,
    audit_ended,
    audit_started,
    require_role,
)
from api.jobs import Job, JobFailed, job_url
from api.load_process import LoadRefused, LoadRequest, LoadStopped
from api.routes.read import json_response
from graph_intel.load import IngestError, LoadSettings, load, reader
from graph_intel.stores import GraphStore, open_store

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
        raise _bad(
            f"zip member {name!r} is not a canonical CSV file name (letters, digits, '_', '-', '.'; ends .csv)"
        )
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
                            raise HTTPException(
                                status_code=413,
                                detail=f"the zip unpacks to more than {max_total} bytes",
                            )
                        dst.write(chunk)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
                raise _bad(
                    f"zip member {base} cannot be read (corrupt, encrypted or unsupported)"
                ) from exc
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


def _receive(files: list[UploadFile], folder: Path, work: Path, max_unzipped: int) -> list[str]:
    """Save the uploads into `folder` (a zip unpacked flat); the canonical file names saved."""
    loaded: list[str] = []
    for upload in files:
        name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
        if name.lower().endswith(".zip"):
            archive = work / "upload.zip"
            _save(upload, archive)
            loaded += unpack_zip(archive, folder, max_unzipped)
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
    return loaded


def _load(svc: Services, folder: Path, dataset: str, agency: str) -> dict[str, Any]:
    """One load in this process, alone: the write lock, then the load gate (reads see the store
    before it). For small uploads (a job's load runs in a child process: api.load_process)."""
    settings = LoadSettings(
        agency=agency,
        origin="upload",
        keep_quarantine=True,
        elsewhere=svc.settings.api_db_path().parent,
    )
    with svc.write_lock:
        store = svc.store  # read under the lock: a load in a child process replaces the handle
        with svc.gate.load(dataset, store):
            report = load(store, reader("canonical"), folder, dataset, settings)
    return report.as_json()


def apart_possible(store: GraphStore) -> bool:
    """Whether a load into `store` can run in a child process (a store another process can open by its path)."""
    return store.local_path is not None


def load_apart(svc: Services, folder: Path, dataset: str, agency: str) -> dict[str, Any]:
    """One load in a child process (api.load_process), alone: the write lock, then the load gate
    (new reads are answered from before the load or told to wait; the running ones end first).

    The load is marked started here, before the service's handle is closed for the child, so a
    load stopped at any point after its 202 (even before the child has begun) is named
    incomplete; a load the child refused before writing anything gets its earlier mark back.
    The handle is opened again after the child, whatever it did.
    """
    with svc.write_lock:
        store = svc.store
        path = store.local_path
        assert path is not None, "apart_possible(store) is checked first"
        request = LoadRequest(
            store=str(path),
            folder=str(folder),
            dataset=dataset,
            agency=agency,
            elsewhere=str(svc.settings.api_db_path().parent),
        )
        with svc.gate.load(dataset, store):
            earlier = store.incomplete_loads().get(dataset)
            accepted = datetime.now(UTC).isoformat()
            store.mark_load_started(dataset, accepted)
            generation = store.generation or 0
            store.close()
            try:
                return svc.loader.run(request)
            except LoadRefused:
                if not svc.loader.stopping:
                    _unmark(path, dataset, accepted, earlier)
                raise
            finally:
                if not svc.loader.stopping:
                    reopened = open_store(path, create=False)
                    # past every generation the closed handle reached: no answer cached before
                    # the load is taken for one after it
                    reopened.generation = generation + 1
                    svc.store = reopened


def _unmark(path: Path, dataset: str, accepted: str, earlier: str | None) -> None:
    """Put back the load mark a refused load found (the child wrote nothing: its own mark would
    have replaced `accepted`)."""
    store = open_store(path, create=False)
    try:
        if store.incomplete_loads().get(dataset) == accepted:
            if earlier is None:
                store.mark_load_finished(dataset, accepted)
            else:
                store.mark_load_started(dataset, earlier)
    finally:
        store.close()


def wants_job(prefer: str | None) -> bool:
    """Whether the client asked for the answer later (RFC 7240 `Prefer: respond-async`)."""
    return prefer is not None and any(
        p.strip().lower() == "respond-async" for p in prefer.split(",")
    )


@router.post(
    "/ingest",
    openapi_extra=require_role("analyst", action="alteration"),
    response_model=None,
    responses={
        200: {
            "description": "The ingest report (as `graph-intel ingest --json`)",
            "content": {"application/json": {}},
        },
        202: {
            "description": "With `Prefer: respond-async`, or for an upload larger than `GRAPH_INTEL_SYNC_INGEST_BYTES`: "
            "the load runs as a job; poll the `Location` (`GET /api/v1/jobs/{job_id}`)",
            "content": {"application/json": {}},
        },
    },
)
def ingest_upload(
    svc: ServicesDep,
    ctx: Audit,
    files: Annotated[
        list[UploadFile], File(description="Canonical CSV files, or one .zip of them.")
    ],
    dataset: Annotated[str, Form(pattern=_DATASET, description="The dataset's name.")],
    agency: Annotated[str, Form(max_length=64, pattern=r"^[a-z_]+$")] = "other",
    prefer: Annotated[
        str | None,
        Header(
            max_length=200,
            description="`respond-async`: run the load as a job and answer 202 at once.",
        ),
    ] = None,
) -> Response:
    """Load one dataset from uploaded canonical files; bad rows are quarantined, as the CLI does.

    With `Prefer: respond-async`, and always for an upload larger than `sync_ingest_bytes` (1 MiB),
    the answer is `202 Accepted` with the job's URL, and the load runs in a process of its own
    while reads go on (answered from before the load, or told one is in progress).
    """
    ctx.params.update(
        {"dataset": dataset, "agency": agency, "uploads": [f.filename for f in files]}
    )
    upload_dir = Path(tempfile.mkdtemp(prefix="graph-intel-upload-"))
    work: Path | None = upload_dir
    folder = upload_dir / "data"
    try:
        folder.mkdir()
        loaded = _receive(files, folder, upload_dir, svc.settings.max_unzipped_bytes)
        ctx.params["files"] = sorted(loaded)
        ctx.persons |= {f"{dataset}:{ident}" for ident in _person_ids(folder)}
        audit_started(svc, ctx)
        size = sum(f.stat().st_size for f in folder.iterdir())
        if wants_job(prefer) or size > svc.settings.sync_ingest_bytes:
            work = None  # the job removes the upload when it ends
            # The job's own context ends the "started" entry when the load ends; the request's
            # entry (the 202) is then a plain one.
            job_ctx = replace(ctx, params=dict(ctx.params), persons=set(ctx.persons))
            ctx.phase = None
            job = svc.jobs.submit(
                ctx.who,
                "ingest",
                dataset,
                partial(_job_load, svc, folder, dataset, agency, upload_dir),
                partial(_job_ended, svc, job_ctx),
            )
            ctx.params["job"] = job_ctx.params["job"] = job.id
            headers = {"Location": job_url(job.id)}
            if wants_job(prefer):
                headers["Preference-Applied"] = "respond-async"
            return JSONResponse(job.as_json(), status_code=202, headers=headers)
        result = _load(svc, folder, dataset, agency)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    ctx.params["quarantined"] = result["quarantined"]
    return json_response(result)


def _job_load(svc: Services, folder: Path, dataset: str, agency: str, work: Path) -> dict[str, Any]:
    try:
        if apart_possible(svc.store):
            return load_apart(svc, folder, dataset, agency)
        return _load(svc, folder, dataset, agency)
    except (IngestError, LoadRefused) as exc:
        raise JobFailed(str(exc)) from exc
    except LoadStopped as exc:
        raise JobFailed(
            f"the load did not finish ({exc}); the dataset is marked incomplete: load it again"
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _job_ended(svc: Services, ctx: AuditContext, job: Job) -> None:
    """The audit entry that ends the job's "started" one: finished, or failed and why."""
    ctx.params.update({"job": job.id, "status": job.state})
    if job.result is not None:
        ctx.params["quarantined"] = job.result.get("quarantined")
    if job.error is not None:
        ctx.params["error"] = job.error
    audit_ended(svc, ctx, 200 if job.state == "done" else 400)


@router.get(
    "/jobs/{job_id}",
    openapi_extra=require_role("analyst", action="none"),
    response_model=None,
    responses={
        200: {
            "description": "The job: `status` queued, running, done or failed; `result` when done",
            "content": {"application/json": {}},
        },
        404: {"description": "No such job of yours"},
    },
)
def job_status(
    svc: ServicesDep,
    ctx: Audit,
    job_id: Annotated[str, PathParam(max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")],
) -> Response:
    """Where a job stands, and its result when done (the ingest report)."""
    job = svc.jobs.get(job_id, ctx.who)
    if job is None:
        raise HTTPException(
            status_code=404,
            detail="no such job of yours (jobs are kept in memory until the service stops)",
        )
    return JSONResponse(job.as_json())
