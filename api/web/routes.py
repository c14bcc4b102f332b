"""The hub workspace's pages: sign-in, home, child, entity, search, load data, briefing, pack, picture.

Every page needs a live session (api.web.sessions) and writes the same hash-chained audit entry as
an API request (the guard middleware writes it from the request's audit context, which these
routes fill in: who, role, purpose, the persons the page discloses). Every form carries its
session's CSRF token and is refused without it. Viewers read through the restricted view and see
children by id and initials only; admins manage users and the audit log, and read no case data.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.cache import Cached
from api.deps import AuditContext, Services, audit_context, purpose_text
from api.loads import LoadInProgress
from api.settings import Settings
from api.users import UserError
from api.web import views
from api.web.policy import WEB_PREFIX
from api.web.sessions import COOKIE, SIGN_IN_COOKIE, WebSession, same
from api.web.state import STATIC, WebState, cookie_value
from graph_intel.commands import to_json
from graph_intel.handling import restricted_view
from graph_intel.refs import RefError
from graph_intel.safeguarding.matrix import MatrixError, set_status
from graph_intel.safeguarding.roles import RoleError
from graph_intel.stores.base import GraphStore

T = TypeVar("T")
CASE_ROLES = frozenset({"viewer", "analyst"})
STATIC_FILES = {"hub.css": "text/css", "print.css": "text/css"}


class SignInRequired(Exception):
    """No live session: the browser is sent to the sign-in page (and back afterwards)."""

    def __init__(self, back: str) -> None:
        super().__init__(back)
        self.back = back


class Page:
    """One request's view of the hub: its services, its session and its audit context."""

    def __init__(
        self,
        request: Request,
        svc: Services,
        web: WebState,
        session: WebSession | None,
        sid: str | None,
    ) -> None:
        self.request, self.svc, self.web, self.session, self.sid = request, svc, web, session, sid
        self.ctx: AuditContext = audit_context(request)

    @property
    def role(self) -> str:
        return self.session.role if self.session else ""

    @property
    def analyst(self) -> bool:
        return self.role == "analyst"

    def store(self) -> GraphStore:
        """The store as this role may read it: viewers never receive restricted material."""
        return self.svc.store if self.analyst else restricted_view(self.svc.store)

    def read(self, func: Callable[[GraphStore], T]) -> T:
        """Run a read of the store, never while a load is writing it (LoadInProgress then)."""
        with self.svc.gate.reading():
            return func(self.store())

    def cached(self, key: tuple[Any, ...], func: Callable[[GraphStore], Any]) -> Any:
        """A read's page data through the service's answer cache (made once per store generation,
        per role: any write makes it stale), never while a load is writing (LoadInProgress then)."""

        def make() -> Cached:
            data = self.read(func)
            return Cached(to_json(data).encode("utf-8"), "application/json", frozenset())

        self.svc.gate.check()
        made = self.svc.cache.get_or_make(self.svc.store, ("hub", self.analyst, *key), make)
        return json.loads(made.body)

    def shown(self, data: T) -> T:
        """Page data as this role may see it (a viewer: children's names as initials), its persons audited."""
        with self.svc.gate.reading():
            self.ctx.persons |= self.svc.persons.disclosed(self.svc.store, data)
            if self.analyst:
                return data
            result: T = views.redactor(self.svc.store)(data)
            return result

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """A page from its template, with who is signed in, the CSRF token and the marking."""
        settings: Settings = self.svc.settings
        html = self.web.templates.get_template(template).render(
            session=self.session,
            csrf=self.session.csrf if self.session else "",
            marking=settings.protective_marking,
            prefix=WEB_PREFIX,
            today=date.today().isoformat(),
            q=quote,
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def check_csrf(self, token: str | None) -> None:
        """Refuse a form whose CSRF token is missing or is not this session's (403)."""
        if self.session is None or not same(token, self.session.csrf):
            self.ctx.params["refused"] = "CSRF token missing or wrong"
            raise HTTPException(
                status_code=403,
                detail="this form's security token is missing or out of date: reload the page and send it again",
            )


def build_web(settings: Settings, services_of: Callable[[], Services]) -> tuple[FastAPI, WebState]:
    """The hub as an app to mount at /hub, and its state (sessions, passwords, templates)."""
    web = WebState(settings)
    hub = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    def page(
        request: Request,
        action: str = "consultation",
        roles: frozenset[str] = CASE_ROLES,
        signed_in: bool = True,
    ) -> Page:
        svc = services_of()
        ctx = audit_context(request)
        route = request.scope.get("route")
        ctx.route = WEB_PREFIX + str(getattr(route, "path", request.url.path))
        ctx.action = action
        sid = cookie_value(request.headers.get("cookie", ""), COOKIE)
        session = web.sessions.find(sid) if sid else None
        if session is not None:
            ctx.who, ctx.role, ctx.purpose = session.name, session.role, session.purpose
        p = Page(request, svc, web, session, sid)
        if signed_in and session is None:
            raise SignInRequired(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
        if signed_in and session is not None and session.role not in roles:
            raise HTTPException(
                status_code=403,
                detail=f"the {session.role} role may not open this page"
                + (
                    " (admins manage users and the audit log, and read no case data)"
                    if session.role == "admin"
                    else ""
                ),
            )
        return p

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        try:
            p = page(
                request, action=audit_context(request).action or "consultation", signed_in=False
            )
        except Exception:  # noqa: BLE001 - an error page must always be possible
            return HTMLResponse(
                f"<!DOCTYPE html><title>Error</title><p>{status}</p>", status_code=status
            )
        return p.render("error.html", status=status, status_code=status, message=message)

    async def sign_in_required(request: Request, exc: Exception) -> Response:
        back = exc.back if isinstance(exc, SignInRequired) else WEB_PREFIX + "/"
        return RedirectResponse(
            f"{WEB_PREFIX}/sign-in?next={quote(back, safe='')}", status_code=303
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        return error_page(request, status, str(getattr(exc, "detail", "error")))

    async def ref_error(request: Request, exc: Exception) -> Response:
        message = str(exc.args[0]) if exc.args else "no such entity"
        return error_page(request, 400 if "ambiguous" in message else 404, message)

    async def load_running(request: Request, exc: Exception) -> Response:
        detail = exc.detail() if isinstance(exc, LoadInProgress) else "a load is in progress"
        response = error_page(request, 503, detail)
        response.headers["Retry-After"] = "5"
        return response

    async def user_error(request: Request, exc: Exception) -> Response:
        return error_page(request, 422, str(exc))

    hub.add_exception_handler(SignInRequired, sign_in_required)
    hub.add_exception_handler(HTTPException, http_error)
    from starlette.exceptions import HTTPException as StarletteHTTPException

    hub.add_exception_handler(StarletteHTTPException, http_error)
    hub.add_exception_handler(RefError, ref_error)
    hub.add_exception_handler(LoadInProgress, load_running)
    hub.add_exception_handler(RoleError, user_error)
    hub.add_exception_handler(MatrixError, user_error)
    from fastapi.exceptions import RequestValidationError

    async def invalid(request: Request, exc: Exception) -> Response:
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in errors) or "a field"
        if any(str(e.get("loc", [""])[-1]) == "csrf" for e in errors):
            audit_context(request).params["refused"] = "CSRF token missing"
            return error_page(
                request,
                403,
                "this form's security token is missing: reload the page and send it again",
            )
        return error_page(request, 422, f"the form is not complete or not valid: {fields}")

    hub.add_exception_handler(RequestValidationError, invalid)

    @hub.get("/static/{name}")
    def static(request: Request, name: str) -> Response:
        """The hub's own stylesheets (nothing is fetched from anywhere else)."""
        audit_context(request).skip = True
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404, detail="no such file")
        return FileResponse(STATIC / name, media_type=STATIC_FILES[name])

    @hub.get("/print.css")
    def print_css(
        request: Request,
        since: Annotated[str | None, _query()] = None,
        as_of: Annotated[str | None, _query()] = None,
    ) -> Response:
        """The print stylesheet of a briefing: the marking, who printed it and when, page x of y."""
        from datetime import UTC, datetime

        from api.web.printing import print_css as css

        p = page(request, action="none")
        p.ctx.skip = True
        text = css(
            p.svc.settings.protective_marking,
            p.session.name if p.session else "",
            datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            p.read(views.as_of),
        )
        return Response(text, media_type="text/css")

    # ---- sign-in and out
    @hub.get("/sign-in", response_class=HTMLResponse)
    def sign_in_form(request: Request, next: str = WEB_PREFIX + "/", message: str = "") -> Response:  # noqa: A002
        p = page(request, action="administration", signed_in=False)
        token = cookie_value(request.headers.get("cookie", ""), SIGN_IN_COOKIE) or _new_token()
        response = p.render(
            "sign_in.html", signin_csrf=token, next=_local(next), message=message[:200], user=""
        )
        _set_cookie(request, response, SIGN_IN_COOKIE, token, max_age=3600)
        return response

    @hub.post("/sign-in")
    def sign_in(
        request: Request,
        username: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=1024)],
        purpose: Annotated[str, Form(max_length=1000)],
        csrf: Annotated[str, Form(max_length=200)],
        next: Annotated[str, Form(max_length=500)] = WEB_PREFIX + "/",  # noqa: A002
    ) -> Response:
        p = page(request, action="administration", signed_in=False)
        p.ctx.who = username
        p.ctx.params["event"] = "sign-in"
        if not same(csrf, cookie_value(request.headers.get("cookie", ""), SIGN_IN_COOKIE)):
            p.ctx.params["refused"] = "CSRF token missing or wrong"
            raise HTTPException(
                status_code=403,
                detail="the sign-in form's security token is missing or out of date: reload the page",
            )
        try:
            why = purpose_text(purpose, p.svc.settings.max_purpose_chars)
        except HTTPException as exc:
            return p.render(
                "sign_in.html",
                status=400,
                signin_csrf=csrf,
                next=_local(next),
                user=username,
                message=f"Say why you are signing in: {exc.detail}".replace(
                    "X-Purpose", "the purpose"
                ),
            )
        p.ctx.purpose = why
        result = web.passwords.check(username, password)
        if result.user is None:
            p.ctx.params["refused"] = (
                "account locked" if result.refused == "locked" else "wrong name or password"
            )
            message = (
                "This account is locked after repeated wrong passwords; try again later or ask an admin."
                if result.refused == "locked"
                else "The name or password is wrong."
            )
            return p.render(
                "sign_in.html",
                status=401,
                signin_csrf=csrf,
                next=_local(next),
                user=username,
                message=message,
            )
        p.ctx.role = result.user.role
        sid = web.sessions.start(result.user.name, result.user.role, why)
        target = _local(next) if result.user.role in CASE_ROLES else WEB_PREFIX + "/account"
        response = RedirectResponse(target, status_code=303)
        _set_cookie(
            request, response, COOKIE, sid, max_age=int(p.svc.settings.session_absolute_seconds)
        )
        response.delete_cookie(SIGN_IN_COOKIE, path=WEB_PREFIX)
        return response

    @hub.post("/sign-out")
    def sign_out(request: Request, csrf: Annotated[str, Form(max_length=200)]) -> Response:
        p = page(request, action="administration", roles=frozenset({"viewer", "analyst", "admin"}))
        p.check_csrf(csrf)
        p.ctx.params["event"] = "sign-out"
        web.sessions.end(p.sid)
        response = RedirectResponse(
            f"{WEB_PREFIX}/sign-in?message={quote('You have signed out.')}", status_code=303
        )
        response.delete_cookie(COOKIE, path=WEB_PREFIX)
        return response

    @hub.get("/account", response_class=HTMLResponse)
    def account(request: Request) -> Response:
        p = page(request, roles=frozenset({"viewer", "analyst", "admin"}), action="none")
        return p.render("account.html")

    # ---- case pages
    @hub.get("/", response_class=HTMLResponse)
    def home(request: Request, since: str | None = None) -> Response:
        p = page(request)
        today = date.today()
        start = _day(since) or views.default_since(today)
        data = p.shown(p.cached(("home", start, today), lambda s: views.home(s, start, today)))
        return p.render("home.html", data=data, since=start.isoformat(), as_of=p.read(views.as_of))

    @hub.get("/child/{person}", response_class=HTMLResponse)
    def child(request: Request, person: Annotated[str, _path()]) -> Response:
        p = page(request, action="disclosure")
        key = p.read(lambda s: views.check_person(s, person))
        why = web.sessions.purpose_for(p.sid or "", key)
        if why is None:
            p.ctx.action = "consultation"
            return p.render(
                "purpose.html", person=person, label=p.shown(views.ident(key)), message=""
            )
        p.ctx.purpose = why
        today = date.today()
        data = p.shown(
            p.cached(("child", key, today), lambda s: views.child(s, key, today, p.analyst))
        )
        return p.render("child.html", data=data, purpose=why, as_of=p.read(views.as_of))

    @hub.post("/child/{person}/purpose")
    def child_purpose(
        request: Request,
        person: Annotated[str, _path()],
        purpose: Annotated[str, Form(max_length=1000)],
        csrf: Annotated[str, Form(max_length=200)],
    ) -> Response:
        p = page(request)
        p.check_csrf(csrf)
        key = p.read(lambda s: views.check_person(s, person))
        p.ctx.persons.add(key)
        try:
            why = purpose_text(purpose, p.svc.settings.max_purpose_chars)
        except HTTPException as exc:
            return p.render(
                "purpose.html",
                status=400,
                person=person,
                label=p.shown(views.ident(key)),
                message=str(exc.detail).replace("X-Purpose", "The purpose"),
            )
        p.ctx.purpose = why
        p.ctx.params["event"] = "child's record opened"
        web.sessions.note_purpose(p.sid or "", key, why)
        return RedirectResponse(f"{WEB_PREFIX}/child/{quote(person, safe='')}", status_code=303)

    @hub.post("/child/{person}/rag")
    def child_rag(
        request: Request,
        person: Annotated[str, _path()],
        rag: Annotated[str, Form(max_length=10)],
        review: Annotated[str, Form(max_length=32)],
        reason: Annotated[str, Form(max_length=2000)],
        csrf: Annotated[str, Form(max_length=200)],
        lead_worker: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        p = page(request, action="alteration", roles=frozenset({"analyst"}))
        p.check_csrf(csrf)
        key = p.read(lambda s: views.check_person(s, person))
        p.ctx.persons.add(key)
        p.ctx.purpose = web.sessions.purpose_for(p.sid or "", key) or p.ctx.purpose
        p.ctx.params.update({"event": "RAG set", "rag": rag, "review": review})
        svc = p.svc
        dataset = key.partition(":")[0]
        with svc.write_lock, svc.gate.load(dataset, svc.store):
            set_status(
                svc.store,
                key,
                rag,
                by=p.session.name if p.session else "",
                review=review,
                reason=reason,
                lead_worker=lead_worker.strip() or None,
            )
        return RedirectResponse(
            f"{WEB_PREFIX}/child/{quote(person, safe='')}#matrix", status_code=303
        )

    @hub.get("/entity/{kind}/{ident}", response_class=HTMLResponse)
    def entity(
        request: Request, kind: Annotated[str, _path()], ident: Annotated[str, _path()]
    ) -> Response:
        p = page(request, action="disclosure")
        if kind not in views.PAGE_KINDS:
            raise HTTPException(
                status_code=404,
                detail=f"no page for {kind!r}: one of {', '.join(views.PAGE_KINDS)}",
            )
        if kind == "person":
            key = p.read(lambda s: views.check_person(s, ident))
            if key in p.read(
                views.child_keys
            ):  # a child's record is opened through its own page, with its purpose
                return RedirectResponse(
                    f"{WEB_PREFIX}/child/{quote(key, safe='')}", status_code=303
                )
        data = p.shown(p.cached(("entity", kind, ident), lambda s: views.entity(s, kind, ident)))
        return p.render("entity.html", data=data)

    @hub.get("/search", response_class=HTMLResponse)
    def search(request: Request, q: Annotated[str, _query()] = "") -> Response:
        p = page(request)
        p.ctx.params["search"] = q
        hits = p.shown(p.read(lambda s: views.search(s, q)))
        children = p.read(views.child_keys)
        return p.render("search.html", query=q, hits=hits, children=children)

    @hub.get("/briefing", response_class=HTMLResponse)
    def briefing(
        request: Request,
        since: Annotated[str | None, _query()] = None,
        as_of: Annotated[str | None, _query()] = None,
    ) -> Response:
        p = page(request, action="disclosure")
        today = _day(as_of) or date.today()
        start = _day(since) or views.default_since(today)
        doc = p.shown(
            p.cached(
                ("briefing", start, today),
                lambda s: views.briefing_document(s, start, today, produced_by="", marking=""),
            )
        )
        doc.update(
            produced_by=p.session.name if p.session else "",
            marking=p.svc.settings.protective_marking,
            produced_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
        return p.render("briefing.html", doc=doc, inline_css=None, form=True)

    @hub.get("/pack/{adult}/{child_id}", response_class=HTMLResponse)
    def pack(
        request: Request, adult: Annotated[str, _path()], child_id: Annotated[str, _path()]
    ) -> Response:
        p = page(request, action="disclosure", roles=frozenset({"analyst"}))
        from graph_intel.safeguarding.pack import pack_data, render_pack

        data = p.read(lambda s: pack_data(s, adult, child_id))
        p.ctx.persons |= p.svc.persons.disclosed(p.svc.store, data)
        return HTMLResponse(render_pack(data))

    @hub.get("/picture/{kind}/{ident}", response_class=HTMLResponse)
    def picture(
        request: Request,
        kind: Annotated[str, _path()],
        ident: Annotated[str, _path()],
        hops: int = 1,
    ) -> Response:
        p = page(request, action="disclosure")
        from api.routes.network import persons_drawn
        from graph_intel.network import network

        hops = max(1, min(hops, 3))
        net = p.read(lambda s: network(s, kind, ident, hops, redact=not p.analyst))
        p.ctx.persons |= persons_drawn(p.svc, net)
        return HTMLResponse(net.generate_html())

    # ---- load data
    @hub.get("/load", response_class=HTMLResponse)
    def load_form(request: Request) -> Response:
        p = page(request, roles=frozenset({"analyst"}), action="none")
        return p.render(
            "load.html", report=None, rows=[], message="", specs=shipped_specs(), problems=[]
        )

    @hub.post("/load", response_class=HTMLResponse)
    def load(
        request: Request,
        files: Annotated[list[UploadFile], File()],
        dataset: Annotated[str, Form(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")],
        csrf: Annotated[str, Form(max_length=200)],
        agency: Annotated[str, Form(max_length=64, pattern=r"^[a-z_]+$")] = "other",
        specification: Annotated[str, Form(max_length=64, pattern=r"^[a-z0-9\-]*$")] = "",
    ) -> Response:
        p = page(request, action="alteration", roles=frozenset({"analyst"}))
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
        p.ctx.params["quarantined"] = report.get("quarantined")
        qfile = report.get("quarantine_file")
        rows = _read_csv(Path(str(qfile))) if report.get("quarantined") and qfile else []
        return p.render(
            "load.html",
            report=report,
            rows=rows[:500],
            message="",
            specs=shipped_specs(),
            problems=[],
        )

    return hub, web


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
    result = report.as_json()
    p.ctx.params["quarantined"] = result.get("quarantined")
    qfile = result.get("quarantine_file")
    rows = _read_csv(Path(str(qfile))) if result.get("quarantined") and qfile else []
    return p.render(
        "load.html",
        report=result,
        rows=rows[:500],
        message="",
        specs=shipped_specs(),
        problems=found,
    )


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except OSError:
        return []


def _path() -> Any:
    from fastapi import Path as PathParam

    return PathParam(max_length=200)


def _query() -> Any:
    from fastapi import Query

    return Query(max_length=200)


def _day(text: str | None) -> date | None:
    """A date the user typed (ISO or UK day-first, by the one date parser), None when blank."""
    if not text or not text.strip():
        return None
    from loaders.values.dates import DateParseError, parse_date_option

    try:
        return parse_date_option(text.strip())
    except DateParseError as exc:
        raise HTTPException(
            status_code=422, detail=f"the date {text!r} is not understood: {exc}"
        ) from exc


def _new_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


def _local(target: str) -> str:
    """A place to go back to after sign-in: only a hub page on this server (never another site)."""
    if (
        not target.startswith(WEB_PREFIX + "/")
        or target.startswith("//")
        or "\\" in target
        or "://" in target
    ):
        return WEB_PREFIX + "/"
    return target


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """An HttpOnly, SameSite=Strict cookie for the hub's paths, Secure when served over TLS."""
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=WEB_PREFIX,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


__all__ = ["UserError", "build_web"]
