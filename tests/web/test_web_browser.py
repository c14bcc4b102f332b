"""The hub in real headless Chromium (Debian's chromium, driven by Playwright for Python).

A real `graph-intel serve` on loopback over the demo case; every request the browser makes is
intercepted, and one to anywhere but this server fails the test. Skipped, with the reason, when
Chromium or Playwright is not installed (`.ci/run` installs both).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from web_env import PASSWORD, copy_store, settings_for

from api.audit import open_audit
from api.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
AXE = (
    Path(__file__).resolve().parents[2]
    / "tools"
    / "axe"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
try:
    from playwright.sync_api import Browser, Page, Route, sync_playwright
except ImportError:  # pragma: no cover - the test extras install it
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason="headless Chromium (/usr/bin/chromium) is not installed: apt-get install chromium",
    ),
    pytest.mark.skipif(
        sync_playwright is None,
        reason="Playwright for Python is not installed: pip install -e '.[test]'",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(
    demo_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Settings]]:
    """`graph-intel serve` on loopback over a copy of the demo store, users with passwords."""
    root = tmp_path_factory.mktemp("hub-browser")
    settings = settings_for(copy_store(demo_store, root), root, hub_prepare=True)
    port = _free_port()
    cli = Path(sys.executable).parent / "graph-intel"
    log = (root / "serve.log").open("wb")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(
        [
            str(cli),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            str(settings.store),
            "--api-db",
            str(settings.api_db_path()),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "GRAPH_INTEL_AUDIT_SYSLOG": "false"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/health", timeout=1):  # noqa: S310 - loopback
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"the server did not start: {(root / 'serve.log').read_text()[-800:]}"
                    ) from None
                time.sleep(0.2)
        yield base, settings
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Session:
    """One browser context: every request intercepted (off-machine ones recorded and aborted)."""

    def __init__(self, browser: Browser, base: str, **context: Any) -> None:
        self.base = base
        self.context = browser.new_context(**context)
        self.off_machine: list[str] = []
        self.documents: list[str] = []
        # the first render of a child's page runs her chronology and CAWN commands: on a loaded
        # 2-core machine that can take longer than Playwright's 30 s default
        self.context.set_default_timeout(180_000)
        self.context.set_default_navigation_timeout(180_000)
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on(
            "response",
            lambda r: (
                self.documents.append(r.url) if r.request.resource_type == "document" else None
            ),
        )

    def _route(self, route: Route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob", "about") or (
            url.hostname == "127.0.0.1" and route.request.url.startswith(self.base)
        ):
            route.continue_()
        else:
            self.off_machine.append(route.request.url)
            route.abort()

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def sign_in(
        self,
        role: str = "analyst",
        password: str = PASSWORD,
        purpose: str = "hub meeting, browser test",
    ) -> None:
        self.goto("/")
        self.page.fill("#username", f"{role}-user")
        self.page.fill("#password", password)
        self.page.fill("#purpose", purpose)
        self.page.click("button[type=submit]")

    def open_child(self, child: str = "C1", purpose: str = "strategy meeting for C1") -> None:
        self.goto(f"/hub/child/{child}")
        if self.page.locator("#purpose").count():
            self.page.fill("#purpose", purpose)
            self.page.click("main button[type=submit]")

    def close(self) -> None:
        self.context.close()
        assert not self.off_machine, f"requests off the machine: {self.off_machine}"


@pytest.fixture
def session(browser: Browser, server: tuple[str, Settings]) -> Iterator[Session]:
    s = Session(browser, server[0])
    yield s
    s.close()


def _audit(settings: Settings) -> list[dict[str, Any]]:
    with open_audit(settings, create_key=False) as audit:
        return audit.query(limit=10_000)


def test_sign_in_refuses_a_wrong_password_then_signs_in_and_out(session: Session) -> None:
    session.sign_in(password="certainly not the password")
    assert "name or password is wrong" in session.page.content()
    assert session.page.url.endswith("/hub/sign-in")
    session.sign_in()
    assert session.page.url == session.base + "/hub/"
    assert "Children on the CSE matrix" in session.page.content()
    cookie = next(c for c in session.context.cookies() if c["name"] == "gi_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    session.page.click("form.signout button")
    assert "You have signed out" in session.page.content()
    session.goto("/hub/")
    assert "/hub/sign-in" in session.page.url


def test_open_a_child_set_a_rag_and_follow_a_breach_to_its_pack(session: Session) -> None:
    session.sign_in()
    session.open_child()
    page = session.page
    assert "Child C1" in page.content() and "Brackenfold" in page.content()
    page.check("#rag-red")
    page.fill("#review", "2030-03-01")
    page.fill("#reason", "browser test: new adult in contact")
    page.click("form[aria-label='Set the RAG status'] button")
    assert "browser test: new adult in contact" in page.content()
    assert page.locator("section[aria-labelledby=matrix] .rag-red").count() >= 1
    page.click("text=Evidence pack")
    assert "/hub/pack/" in page.url and "A26" in page.content()
    session.goto("/hub/")
    assert page.locator("td .rag-red").count() == 1


def test_search_a_phone_in_another_spelling(session: Session) -> None:
    session.sign_in()
    session.goto("/hub/search")
    session.page.fill("#q", "+44 (0)7700 900-226")
    session.page.click("main button[type=submit]")
    session.page.click("a[href='/hub/entity/phone/%2B447700900226']")
    assert "Phone +447700900226" in session.page.content()
    assert "uses_phone" in session.page.content()


def test_follow_an_adult_to_his_group_and_its_joining_evidence(session: Session) -> None:
    session.sign_in()
    session.goto("/hub/entity/person/A1")
    session.page.click("a[href='/hub/group/A1']")
    assert "Linked group of A1" in session.page.content()
    assert session.page.locator("main table.list tbody tr").count() >= 10
    session.page.click("a[href='/hub/entity/event/E1']")
    assert "Event E1" in session.page.content()


def test_upload_an_export_with_a_bad_row_and_see_it_quarantined(
    session: Session, tmp_path: Path
) -> None:
    export = tmp_path / "persons.csv"
    export.write_text(
        "person_id,given_name,family_name,category,date_of_birth,source_id\n"
        "B1,Bryn,Okafor,suspect,1979-04-02,\nB2,Cass,Lund,suspect,31/02/1990,\n",
        encoding="utf-8",
    )
    session.sign_in()
    session.goto("/hub/load")
    session.page.set_input_files("#files", str(export))
    session.page.fill("#dataset", "browser_upload")
    session.page.click("main button[type=submit]")
    table = session.page.locator("#quarantine")
    assert table.count() == 1 and "B2" in table.inner_text()
    assert "1 row quarantined" in session.page.inner_text("main")


def test_print_the_briefing_to_pdf_with_its_marking_and_page_numbers(
    session: Session, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    session.sign_in()
    session.goto("/hub/briefing?since=2009-01-01&as_of=2011-08-01")
    pdf = tmp_path / "briefing.pdf"
    session.page.pdf(path=str(pdf), prefer_css_page_size=True)
    texts = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(str(pdf)).pages]
    assert texts and "page 1 of" in texts[0]
    for text in texts:
        assert text.replace(" ", "").count("OFFICIAL-SENSITIVE") >= 2, text
        assert "Produced by analyst-user" in text


def test_viewer_sees_initials_only_and_no_restricted_item(session: Session) -> None:
    session.sign_in("viewer")
    session.open_child()
    text = session.page.inner_text("body")
    assert "J.B." in text
    for name in ("Jade", "Brackenfold", "Jadey"):
        assert not re.search(rf"\b{name}\b", text), name
    assert "+447700900101" not in text  # her phone is known only from a restricted source
    assert session.page.locator("#rag-red").count() == 0
    frame = session.page.frame_locator("iframe.picture")
    assert "Brackenfold" not in frame.locator("body").inner_text()


def test_a_form_without_its_csrf_token_is_refused(session: Session) -> None:
    session.sign_in()
    session.open_child()
    session.page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    session.page.check("#rag-green")
    session.page.fill("#review", "2030-03-01")
    session.page.fill("#reason", "should be refused")
    session.page.click("form[aria-label='Set the RAG status'] button")
    assert "security token is missing" in session.page.content()
    session.open_child()
    assert "should be refused" not in session.page.content()


def test_every_page_opened_is_in_the_audit_log_with_its_purpose(
    session: Session, server: tuple[str, Settings]
) -> None:
    before = max((e["seq"] for e in _audit(server[1])), default=0)
    session.sign_in(purpose="audit walk, browser test")
    session.open_child(purpose="audit walk of C1")
    for path in ("/hub/search?q=A26", "/hub/entity/person/A26", "/hub/briefing", "/hub/load"):
        session.goto(path)
    entries = [e for e in _audit(server[1]) if e["seq"] > before]
    opened = {urlparse(u).path for u in session.documents if "/hub/" in u} - {"/hub/sign-in"}
    assert len(opened) >= 6, opened
    signed_in = [
        e
        for e in entries
        if e["route"] == "/hub/sign-in" and e["method"] == "POST" and e["status"] == 303
    ]
    assert any(
        e["who"] == "analyst-user" and e["purpose"] == "audit walk, browser test" for e in signed_in
    )
    for path in opened:
        mine = [e for e in entries if e["params"]["path"] == path and e["who"] == "analyst-user"]
        assert mine, path
        assert all(
            e["purpose"] in ("audit walk, browser test", "audit walk of C1")
            for e in mine
            if e["status"] == 200
        ), path
    child = [
        e
        for e in entries
        if e["params"]["path"] == "/hub/child/C1"
        and e["purpose"] == "audit walk of C1"
        and e["status"] == 200
    ]
    assert child and "demo-data:C1" in child[0]["persons"]


@pytest.mark.skipif(
    not AXE.is_file(), reason="axe-core is not installed: npm ci --prefix tools/axe"
)
def test_main_pages_have_no_serious_accessibility_violations(
    browser: Browser, server: tuple[str, Settings]
) -> None:
    s = Session(
        browser, server[0], bypass_csp=True
    )  # only so that axe's own script may run in the page
    try:
        s.goto("/hub/sign-in")
        failures = _axe(s.page, "sign-in")
        s.sign_in()
        s.open_child()
        pages = {
            "home": "/hub/",
            "child": "/hub/child/C1",
            "search": "/hub/search?q=07700900226",
            "adult": "/hub/entity/person/A26",
            "group": "/hub/group/A1",
            "load": "/hub/load",
            "briefing": "/hub/briefing",
        }
        for name, path in pages.items():
            s.goto(path)
            failures += _axe(s.page, name)
        assert not failures, json.dumps(failures, indent=1)
    finally:
        s.close()


def _axe(page: Page, name: str) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "page": name,
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
