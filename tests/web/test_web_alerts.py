"""Watchlists and alerts: `graph-intel watch` and `graph-intel alerts`, the check every load runs,
the hub's home page and Watch form, the mail that says only that there is an alert, the audit."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner
from web_env import CSRF, Hub, copy_store, settings_for, start

from api.audit import open_audit
from graph_intel.alerts import FILE, AlertBook
from graph_intel.cli import app as cli_app

runner = CliRunner()
#: A call from A26's phone to C1's (on the matrix in the hub tests' store), after his CAWN.
NEW_CALL = (
    "caller,callee,start,duration_s,type,source_id\n"
    "07700 900226,07700 900101,2026-11-30T21:00:00,60,voice,S2\n"
)
#: What no alert mail may hold: the ids, numbers and names of the case.
PERSONAL = ("C1", "A26", "07700", "+44", "900226", "900101", "Jade", "Brackenfold")


def gi(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli_app, list(args))
    return result.exit_code, result.output


def _load(store: Path, root: Path, text: str = NEW_CALL) -> None:
    folder = root / "new-calls"
    folder.mkdir(exist_ok=True)
    (folder / "calls.csv").write_text(text, encoding="utf-8")
    code, out = gi("ingest", str(folder), "--dataset", "demo-data", "--store", str(store))
    assert code == 0, out


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    return copy_store(demo_store, tmp_path)


def test_watch_add_list_remove_and_the_mistakes_a_user_makes(store: Path) -> None:
    code, out = gi(
        "watch",
        "add",
        "phone",
        "+44 (0)7700 900-226",
        "--by",
        "sam",
        "--store",
        str(store),
        "--json",
    )
    assert code == 0, out
    added = json.loads(out)
    assert added["key"] == "+447700900226" and added["added_by"] == "sam"
    again = json.loads(
        gi("watch", "add", "phone", "07700900226", "--store", str(store), "--json")[1]
    )
    assert again["id"] == added["id"]  # the same live watch is not added twice
    listed = json.loads(gi("watch", "list", "--store", str(store), "--json")[1])
    assert [w["id"] for w in listed] == [added["id"]]
    assert gi("watch", "add", "planet", "X", "--store", str(store))[0] == 2
    code, out = gi("watch", "add", "person", "NOBODY", "--store", str(store))
    assert code == 2 and "NOBODY" in out
    code, out = gi("watch", "remove", "99", "--store", str(store))
    assert code == 2 and "no live watch 99" in out
    assert gi("watch", "remove", str(added["id"]), "--by", "sam", "--store", str(store))[0] == 0
    assert json.loads(gi("watch", "list", "--store", str(store), "--json")[1]) == []
    kept = json.loads(gi("watch", "list", "--all", "--store", str(store), "--json")[1])
    assert kept[0]["removed_by"] == "sam"  # nothing is lost: a removed watch is kept, marked


def test_a_load_raises_alerts_with_their_evidence_and_load_once(
    store: Path, tmp_path: Path
) -> None:
    code, out = gi("alerts", "--store", str(store))
    assert code == 0 and "no alerts" in out and "watched" in out  # the empty line says why
    assert json.loads(gi("alerts", "--store", str(store), "--json")[1]) == []
    gi("watch", "add", "phone", "07700 900226", "--store", str(store))
    _load(store, tmp_path)
    alerts = json.loads(gi("alerts", "--store", str(store), "--json")[1])
    rules = {a["rule"]: a for a in alerts}
    assert set(rules) == {"watched", "matrix_contact", "cawn_breach"}, alerts
    assert all(a["load"].startswith("demo-data/") for a in alerts)
    breach = rules["cawn_breach"]
    assert breach["child"] == "C1" and "A26" in breach["text"]
    assert breach["evidence"][0]["source_id"] == "S2" and breach["evidence"][0]["grading"] == "1A P"
    contact = rules["matrix_contact"]["evidence"][0]
    assert contact["with"] == "A26" and contact["at"].startswith("2026-11-30T21:00")
    assert "participated_in" in json.dumps(rules["watched"]["evidence"])
    _load(store, tmp_path)  # the same data again adds no fact, so raises no alert
    assert len(json.loads(gi("alerts", "--store", str(store), "--json")[1])) == len(alerts)
    code, out = gi("alerts", "--store", str(store))
    assert code == 0 and "cawn_breach" in out and "S2" in out


def test_a_load_with_nothing_watched_and_no_matrix_raises_nothing(tmp_path: Path) -> None:
    from graph_intel.demo import write_demo

    data = write_demo(tmp_path / "demo-data")
    code, out = gi("ingest", str(data), "--store", str(tmp_path / "store"))
    assert code == 1 and "4 row(s) quarantined" in out, out  # the demo's planted bad rows
    assert json.loads(gi("alerts", "--store", str(tmp_path / "store"), "--json")[1]) == []
    assert not (tmp_path / "store" / "alerts.sqlite").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """What a real SMTP server on loopback received."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("GRAPH_INTEL_ALERT_SMTP", f"127.0.0.1:{port}")
    monkeypatch.setenv("GRAPH_INTEL_ALERT_MAIL_TO", '["cse-hub@force.invalid"]')
    try:
        yield inbox
    finally:
        controller.stop()


def test_an_alert_is_mailed_as_there_is_one_to_view_and_nothing_more(
    store: Path, tmp_path: Path, smtp: Inbox
) -> None:
    gi("watch", "add", "phone", "07700 900226", "--store", str(store))
    _load(store, tmp_path)
    assert len(smtp.messages) == 1
    import email

    message = email.message_from_bytes(smtp.messages[0])
    mail = smtp.messages[0].decode("utf-8", "replace")
    assert "alert to view" in message["Subject"] and message["To"] == "cse-hub@force.invalid"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    for text in PERSONAL:
        assert text not in mail.replace("cse-hub@force.invalid", ""), text
    assert "No details are sent by email" in body


def test_no_mail_without_a_relay_and_a_dead_relay_never_fails_the_load(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAPH_INTEL_ALERT_SMTP", f"127.0.0.1:{_free_port()}")  # nobody listens
    monkeypatch.setenv("GRAPH_INTEL_ALERT_MAIL_TO", '["cse-hub@force.invalid"]')
    _load(store, tmp_path)  # exit 0 asserted inside; the alerts are still recorded
    assert json.loads(gi("alerts", "--store", str(store), "--json")[1])


@pytest.fixture
def hub_on(store: Path, tmp_path: Path) -> Iterator[Hub]:
    yield from start(settings_for(store, tmp_path))


def test_the_hub_watch_form_and_home_page_alerts(hub_on: Hub, store: Path, tmp_path: Path) -> None:
    hub = hub_on
    hub.sign_in()
    page = hub.client.get("/hub/entity/phone/+447700900226").text
    assert 'action="/hub/watch"' in page
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    refused = hub.client.post("/hub/watch", data={"kind": "phone", "ident": "+447700900226"})
    assert refused.status_code == 403
    bad = hub.client.post("/hub/watch", data={"kind": "planet", "ident": "X", "csrf": token})
    assert bad.status_code == 422
    done = hub.client.post(
        "/hub/watch",
        data={"kind": "phone", "ident": "+447700900226", "csrf": token, "note": "op test"},
    )
    assert done.status_code == 303
    assert "Watched since" in hub.client.get("/hub/entity/phone/+447700900226").text
    assert "No alerts" in hub.client.get("/hub/").text
    watched = json.loads(gi("watch", "list", "--store", str(store), "--json")[1])
    assert watched[0]["note"] == "op test" and watched[0]["added_by"] == "analyst-user"
    # a load through the hub's own Load data page raises the alerts
    upload = hub.client.get("/hub/load").text
    token = CSRF.search(upload).group(1)  # type: ignore[union-attr]
    loaded = hub.client.post(
        "/hub/load",
        data={"dataset": "demo-data", "csrf": token, "agency": "police"},
        files=[("files", ("calls.csv", NEW_CALL.encode(), "text/csv"))],
    )
    assert loaded.status_code == 200, loaded.text[:400]
    home = hub.client.get("/hub/").text
    assert "contact between A26 and C1 after CAWN" in home and "watched phone" in home
    with open_audit(hub.settings) as audit:
        entries = audit.query(limit=10_000)
    seen = [e for e in entries if e["route"] == "/hub/" and e["who"] == "analyst-user"]
    assert any("demo-data:A26" in e["persons"] for e in seen)  # reading alerts is audited
    hub.client.cookies.clear()
    hub.sign_in("viewer")
    assert "contact between A26" not in hub.client.get("/hub/").text
    assert 'action="/hub/watch"' not in hub.client.get("/hub/entity/phone/+447700900226").text


def test_reading_alerts_from_the_command_line_is_audited(
    hub_on: Hub, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gi("watch", "add", "phone", "07700 900226", "--store", str(store))
    _load(store, tmp_path)
    monkeypatch.setenv("GRAPH_INTEL_API_DB", str(hub_on.settings.api_db_path()))
    monkeypatch.setenv("GRAPH_INTEL_AUDIT_SYSLOG", "false")
    code, out = gi("alerts", "--store", str(store), "--purpose", "weekly alert review")
    assert code == 0 and "cawn_breach" in out, out
    with open_audit(hub_on.settings) as audit:
        entries = audit.query(limit=10_000)
    read = [e for e in entries if e["route"] == "graph-intel alerts"]
    assert read and read[0]["purpose"] == "weekly alert review"
    assert "demo-data:A26" in read[0]["persons"] and "demo-data:C1" in read[0]["persons"]


def test_a_new_missing_trigger_for_a_matrix_child_raises_an_alert(
    store: Path, tmp_path: Path
) -> None:
    code, out = gi(
        "matrix",
        "set",
        "C2",
        "amber",
        "--by",
        "sam",
        "--review",
        "2030-01-01",
        "--reason",
        "alert test",
        "--store",
        str(store),
    )
    assert code == 0, out
    folder = tmp_path / "missing"
    folder.mkdir()
    (folder / "events.csv").write_text(
        "event_id,kind,start,end,location_id,summary,source_id\n"
        "E900,missing_episode,2026-11-02T20:00:00,2026-11-09T09:00:00,,C2 reported missing,S1\n",
        encoding="utf-8",
    )
    (folder / "event_participants.csv").write_text(
        "event_id,kind,id,role,source_id\nE900,person,C2,subject,S1\n", encoding="utf-8"
    )
    code, out = gi("ingest", str(folder), "--dataset", "demo-data", "--store", str(store))
    assert code == 0, out
    alerts = json.loads(gi("alerts", "--store", str(store), "--json")[1])
    missing = [a for a in alerts if a["rule"] == "missing_trigger"]
    assert missing and missing[0]["child"] == "C2", alerts
    assert "three working days" in missing[0]["text"]
    assert any(e.get("event_id") == "E900" for e in missing[0]["evidence"])


# -- the check looks only around what a load adds ----------------------------------------------

#: A new adult (markup in the name and in the sighting's id, as a hostile export might carry) with
#: a new phone, who calls C1's phone and is seen with her.
HOSTILE_NAME = "<script>alert('n')</script>"
HOSTILE_EVENT = "E<b>901</b>"
NEW_ADULT = {
    "persons.csv": "person_id,given_name,family_name,aliases,date_of_birth,category,legal_status,"
    "looked_after,source_id\n"
    f'A901,"{HOSTILE_NAME}",Grey,,1980-01-01,suspect,,,S2\n',
    "links.csv": "from_kind,from_id,to_kind,to_id,link,first_seen,last_seen,source_id\n"
    "person,A901,phone,07700 900951,uses_phone,,,S2\n",
    "calls.csv": "caller,callee,start,duration_s,type,source_id\n"
    "07700 900951,07700 900101,2026-11-30T21:00:00,60,voice,S2\n",
}
#: Two new adults, each with a new phone, who call each other: nobody watched, no child near.
UNRELATED = {
    "persons.csv": "person_id,given_name,family_name,aliases,date_of_birth,category,legal_status,"
    "looked_after,source_id\n"
    "A950,Ned,Farrow,,1970-02-02,associate,,,S2\nA951,Ola,Quill,,1971-03-03,associate,,,S2\n",
    "links.csv": "from_kind,from_id,to_kind,to_id,link,first_seen,last_seen,source_id\n"
    "person,A950,phone,07700 900960,uses_phone,,,S2\n"
    "person,A951,phone,07700 900961,uses_phone,,,S2\n",
    "calls.csv": "caller,callee,start,duration_s,type,source_id\n"
    "07700 900960,07700 900961,2026-11-30T20:00:00,30,voice,S2\n",
}


def _load_files(store: Path, folder: Path, files: dict[str, str], expect: int = 0) -> str:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    code, out = gi("ingest", str(folder), "--dataset", "demo-data", "--store", str(store))
    assert code == expect, out
    return out


def _alerts(store: Path) -> list[dict[str, object]]:
    found: list[dict[str, object]] = json.loads(gi("alerts", "--store", str(store), "--json")[1])
    return found


def test_a_new_phone_contact_with_a_child_on_the_matrix_raises_one_alert(
    store: Path, tmp_path: Path
) -> None:
    _load_files(store, tmp_path / "new-adult", NEW_ADULT)
    alerts = _alerts(store)
    assert len(alerts) == 1, alerts
    (alert,) = alerts
    assert alert["rule"] == "matrix_contact" and alert["child"] == "C1"
    assert alert["subject"] == "person A901"
    evidence = alert["evidence"]
    assert isinstance(evidence, list) and [e["kind"] for e in evidence] == ["call"]
    assert evidence[0]["at"].startswith("2026-11-30T21:00")


def test_a_load_nowhere_near_a_watch_or_a_matrix_child_raises_nothing(
    store: Path, tmp_path: Path
) -> None:
    gi("watch", "add", "phone", "07700 900226", "--store", str(store))
    _load_files(store, tmp_path / "unrelated", UNRELATED)
    assert _alerts(store) == []
    # and the same store still raises the alerts of a load that does touch them
    _load(store, tmp_path)
    assert {a["rule"] for a in _alerts(store)} == {"watched", "matrix_contact", "cawn_breach"}


def test_a_new_breach_after_a_served_cawn_raises_its_alert_with_nothing_watched(
    store: Path, tmp_path: Path
) -> None:
    _load(store, tmp_path)
    breaches = [a for a in _alerts(store) if a["rule"] == "cawn_breach"]
    assert len(breaches) == 1, breaches
    assert breaches[0]["child"] == "C1" and "A26" in str(breaches[0]["text"])
    assert breaches[0]["evidence"][0]["source_id"] == "S2"  # type: ignore[index]


def test_a_load_whose_every_row_is_quarantined_raises_nothing(store: Path, tmp_path: Path) -> None:
    gi("watch", "add", "phone", "07700 900226", "--store", str(store))
    bad = {
        "calls.csv": "caller,callee,start,duration_s,type,source_id\n"
        "07700 900226,07700 900101,not a date,60,voice,S2\n"
        "07700 900226,,2026-11-30T21:00:00,60,voice,S2\n"
    }
    out = _load_files(store, tmp_path / "bad", bad, expect=1)
    assert "2 row(s) quarantined" in out, out
    assert _alerts(store) == []


def test_hostile_values_are_escaped_on_the_home_page_and_never_mailed(
    hub_on: Hub, store: Path, tmp_path: Path, smtp: Inbox
) -> None:
    files = {
        **NEW_ADULT,
        "events.csv": "event_id,kind,start,end,location_id,summary,source_id\n"
        f"{HOSTILE_EVENT},sighting,2026-11-30T22:00:00,,,seen together,S2\n",
        "event_participants.csv": "event_id,kind,id,role,source_id\n"
        f"{HOSTILE_EVENT},person,C1,subject,S2\n{HOSTILE_EVENT},person,A901,with,S2\n",
    }
    hub = hub_on
    hub.sign_in()
    token = CSRF.search(hub.client.get("/hub/load").text).group(1)  # type: ignore[union-attr]
    loaded = hub.client.post(  # through the hub's Load data, as the server holds the store open
        "/hub/load",
        data={"dataset": "demo-data", "csrf": token, "agency": "police"},
        files=[("files", (name, text.encode(), "text/csv")) for name, text in files.items()],
    )
    assert loaded.status_code == 200, loaded.text[:400]
    with AlertBook(store / FILE) as book:  # beside the embedded store
        alerts = book.alerts()
    records = [e.get("record") for a in alerts for e in a["evidence"]]
    assert HOSTILE_EVENT in records, alerts  # the sighting's id, as the export gave it
    home = hub.client.get("/hub/").text
    assert "E&lt;b&gt;901&lt;/b&gt;" in home and HOSTILE_EVENT not in home
    assert "<script>alert" not in home
    assert len(smtp.messages) == 1
    mail = smtp.messages[0].decode("utf-8", "replace")
    for text in (*PERSONAL, "A901", "901", "<b>", "<script", "Grey"):
        assert text not in mail.replace("cse-hub@force.invalid", ""), text


def test_a_load_naming_a_watched_phone_far_from_any_matrix_child_raises_only_its_watch(
    store: Path, tmp_path: Path
) -> None:
    _load_files(store, tmp_path / "unrelated", UNRELATED)
    assert _alerts(store) == []
    gi("watch", "add", "phone", "07700 900960", "--store", str(store))
    _load_files(
        store,
        tmp_path / "watched-call",
        {
            "calls.csv": "caller,callee,start,duration_s,type,source_id\n"
            "07700 900960,07700 900962,2026-12-01T09:00:00,45,voice,S2\n"
        },
    )
    alerts = _alerts(store)
    assert [a["rule"] for a in alerts] == ["watched"], alerts
    assert "900960" in str(alerts[0]["subject"]) + str(alerts[0]["text"]), alerts
