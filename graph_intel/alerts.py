"""Watchlists and alerts: what a load brought in that an analyst asked to hear about.

An analyst watches a phone, a vehicle (VRM), an adult or a place (`graph-intel watch add`, or the
hub's Watch button). Every load (graph_intel.load, the one pipeline) runs `AlertCheck`: just
before each batch is written it reads the part of the rules that batch can change (a watch on an
entity it names; the matrix children's facts when it comes within three links of one), the same
parts again after the load, and records an alert for each fact the load added: a new link of a watched entity; a new contact between a child on the
CSE matrix and another person; new contact after a CAWN was served (a breach); a new missing
trigger. Each alert keeps its evidence (the facts, their sources) and the load that raised it.

Alerts and watches are kept in `alerts.sqlite` beside an embedded store (else beside the service
database or in the working folder, as quarantine files are), and never deleted: a removed watch
is marked removed. Where an SMTP relay is configured (GRAPH_INTEL_ALERT_SMTP), one email says only
that there are alerts to view: no name, number, place or id goes into mail. Every alert is a
prompt for a professional with its evidence, never a decision.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph_intel.load import IngestReport, LoadSettings
    from graph_intel.settings import Settings
    from graph_intel.stores.base import GraphStore

log = logging.getLogger("graph_intel.alerts")

#: What may be watched, as the CLI names kinds, and the entity each is.
WATCH_KINDS = {"person": "Person", "phone": "Phone", "vehicle": "Vehicle", "location": "Location"}
FILE = "alerts.sqlite"
#: The alert rules, and the line that says what each means.
RULES = {
    "watched": "a watched entity has a new link",
    "matrix_contact": "new contact with a child on the CSE matrix",
    "cawn_breach": "contact after a CAWN was served",
    "missing_trigger": "a new missing trigger (a strategy meeting may be due)",
}

_DDL = """
CREATE TABLE IF NOT EXISTS watches (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ident TEXT NOT NULL, key TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '', added_by TEXT NOT NULL, added_at TEXT NOT NULL,
    removed_by TEXT, removed_at TEXT
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, raised_at TEXT NOT NULL, load TEXT NOT NULL,
    rule TEXT NOT NULL, subject TEXT NOT NULL, child TEXT, text TEXT NOT NULL,
    evidence TEXT NOT NULL, watch INTEGER REFERENCES watches(id)
);
"""


def alerts_path(store: Any, elsewhere: Path | None = None) -> Path:
    """Where a store's watches and alerts are kept: beside an embedded store, else `elsewhere`."""
    base = getattr(store, "local_path", None)
    if not isinstance(base, Path):
        base = elsewhere if elsewhere is not None else Path.cwd()
    return base / FILE


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Alert:
    """One thing a load added that someone should look at, with its evidence."""

    rule: str
    subject: str
    text: str
    evidence: list[dict[str, Any]]
    child: str | None = None
    watch: int | None = None


class AlertBook:
    """The watches and alerts of one store, in SQLite (safe across processes; nothing deleted)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.executescript(_DDL)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> AlertBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_watch(self, kind: str, ident: str, key: str, by: str, note: str = "") -> dict[str, Any]:
        """Watch an entity (already resolved to its store key); the same live watch is not added twice."""
        with self._lock, self._conn:
            same = self._conn.execute(
                "SELECT id FROM watches WHERE key = ? AND kind = ? AND removed_at IS NULL",
                (key, kind),
            ).fetchone()
            if same is not None:
                return self.watch(int(same["id"]))
            cur = self._conn.execute(
                "INSERT INTO watches (kind, ident, key, note, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?)",
                (kind, ident, key, note, by, _now()),
            )
        return self.watch(int(cur.lastrowid or 0))

    def watch(self, number: int) -> dict[str, Any]:
        """One watch by its number (KeyError when there is none)."""
        row = self._conn.execute("SELECT * FROM watches WHERE id = ?", (number,)).fetchone()
        if row is None:
            raise KeyError(number)
        return dict(row)

    def remove_watch(self, number: int, by: str) -> dict[str, Any]:
        """Stop a watch (kept, marked removed by whom and when); KeyError when there is no live one."""
        with self._lock, self._conn:
            done = self._conn.execute(
                "UPDATE watches SET removed_by = ?, removed_at = ? WHERE id = ? AND removed_at IS NULL",
                (by, _now(), number),
            )
        if done.rowcount == 0:
            raise KeyError(number)
        return self.watch(number)

    def watches(self, include_removed: bool = False) -> list[dict[str, Any]]:
        """The watches, oldest first (live ones only unless `include_removed`)."""
        where = "" if include_removed else " WHERE removed_at IS NULL"
        return [dict(r) for r in self._conn.execute(f"SELECT * FROM watches{where} ORDER BY id")]  # noqa: S608 - fixed text

    def record(self, alerts: Iterable[Alert], load: str) -> int:
        """Store the alerts a load raised; how many."""
        rows = [
            (
                _now(),
                load,
                a.rule,
                a.subject,
                a.child,
                a.text,
                json.dumps(a.evidence, default=str),
                a.watch,
            )
            for a in alerts
        ]
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT INTO alerts (raised_at, load, rule, subject, child, text, evidence, watch) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def alerts(self, limit: int = 200) -> list[dict[str, Any]]:
        """The alerts, newest first, each with its evidence."""
        rows = self._conn.execute("SELECT * FROM alerts ORDER BY id DESC LIMIT ?", (limit,))
        return [{**dict(r), "evidence": json.loads(r["evidence"])} for r in rows]


@contextmanager
def open_book(
    store: Any, elsewhere: Path | None = None, create: bool = True
) -> Iterator[AlertBook | None]:
    """The store's alert book (None when it does not exist and `create` is false)."""
    path = alerts_path(store, elsewhere)
    if not create and not path.exists():
        yield None
        return
    with closing(AlertBook(path)) as book:
        yield book


# -- what a load is checked against ---------------------------------------------------------------


@dataclass
class Snapshot:
    """The facts the alert rules look at, each by an identity that a re-load leaves unchanged."""

    watched: dict[int, dict[tuple[Any, ...], dict[str, Any]]] = field(default_factory=dict)
    contacts: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    breaches: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    triggers: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)


def matrix_children(store: GraphStore) -> set[str]:
    """Store keys of the children on the CSE matrix now (their latest entry not closed)."""
    from graph_intel.safeguarding.matrix import CLOSED, entries

    return {
        key for key, items in entries(store).items() if items and items[-1].get("rag") != CLOSED
    }


def _ident(key: Any) -> str:
    text = str(key)
    return text.partition(":")[2] or text


def _watched_links(
    store: GraphStore, watch: dict[str, Any]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    frame = store.node_links(WATCH_KINDS[watch["kind"]], watch["key"])
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        other = row["to_key"] if row["from_key"] == watch["key"] else row["from_key"]
        other_entity = row["to_entity"] if row["from_key"] == watch["key"] else row["from_entity"]
        fact = {
            "link": str(row["link"]).lower(),
            "to": f"{str(other_entity).lower()} {_ident(other)}",
            "sources": [_ident(s) for s in (row.get("sources") or [])],
        }
        out[(row["link"], row["from_key"], row["to_key"])] = fact
    return out


def _when(value: Any) -> str | None:
    """A fact's date as ISO text (None when it has none)."""
    if value is None or str(value) in ("NaT", "nan", "None"):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _contacts(evidence: Any, children: set[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
    if evidence.empty:
        return {}
    mine = evidence[evidence["a"].isin(children) | evidence["b"].isin(children)]
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in mine.to_dict("records"):
        child, other = (row["a"], row["b"]) if row["a"] in children else (row["b"], row["a"])
        key = (child, other, row["kind"], row["ref_key"])
        out[key] = {
            "child": _ident(child),
            "with": _ident(other),
            "kind": row["kind"],
            "record": _ident(row["ref_key"]),
            "at": _when(row["at"]),
            "via": row.get("via"),
            "sources": [_ident(s) for s in (row.get("sources") or [])],
        }
    return out


def _matrix_facts(store: GraphStore, children: set[str], today: date, into: Snapshot) -> None:
    """The matrix children's contacts, the CAWN breaches and the missing triggers, into `into`
    (the contact evidence read once, for the contacts and the breaches alike)."""
    from graph_intel.analysis.evidence import contact_evidence
    from graph_intel.safeguarding.cawn import breaches
    from graph_intel.safeguarding.missing import missing_triggers

    evidence = contact_evidence(store)
    into.contacts = _contacts(evidence, children)
    for breach in breaches(store, evidence):
        for item in breach["evidence"]:
            key = (breach["notice"], breach["served_on"], breach["child"], item["id"])
            into.breaches[key] = {
                **item,
                "notice": breach["notice"],
                "adult": breach["served_on"],
                "child": breach["child"],
                "served_at": breach["served_at"],
            }
    matrix_ids = {_ident(c) for c in children}
    for trigger in missing_triggers(store, today):
        for rule in trigger["rules"]:
            if trigger["person_id"] in matrix_ids or _ident(trigger["person_id"]) in matrix_ids:
                into.triggers[(trigger["person_id"], rule)] = {
                    "child": trigger["person_id"],
                    "rule": rule,
                    "episodes": trigger["behind"].get(rule, []),
                }


def snapshot(
    store: GraphStore, watches: list[dict[str, Any]], today: date | None = None
) -> Snapshot:
    """What the rules look at now: each watch's links and, with children on the matrix, their
    contacts, the CAWN breaches and the missing triggers."""
    snap = Snapshot()
    for watch in watches:
        snap.watched[int(watch["id"])] = _watched_links(store, watch)
    children = matrix_children(store)
    if children:
        _matrix_facts(store, children, today or date.today(), snap)
    return snap


def new_alerts(before: Snapshot, after: Snapshot, watches: list[dict[str, Any]]) -> list[Alert]:
    """An alert for each fact in `after` that was not in `before` (pure: snapshots in, alerts out)."""
    out: list[Alert] = []
    for watch in watches:
        number = int(watch["id"])
        seen = before.watched.get(number, {})
        fresh = [fact for key, fact in after.watched.get(number, {}).items() if key not in seen]
        if fresh:
            subject = f"{watch['kind']} {watch['ident']}"
            out.append(
                Alert(
                    "watched",
                    subject,
                    f"watched {subject}: {len(fresh)} new link(s)",
                    fresh,
                    watch=number,
                )
            )
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for key, fact in after.contacts.items():
        if key not in before.contacts:
            by_pair.setdefault((fact["child"], fact["with"]), []).append(fact)
    for (child, other), facts in sorted(by_pair.items()):
        out.append(
            Alert(
                "matrix_contact",
                f"person {other}",
                f"new contact between {child} (on the CSE matrix) and {other}: "
                f"{len(facts)} fact(s)",
                facts,
                child=child,
            )
        )
    by_notice: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for key, fact in after.breaches.items():
        if key not in before.breaches:
            by_notice.setdefault((fact["notice"], fact["adult"], fact["child"]), []).append(fact)
    for (notice, adult, child), facts in sorted(by_notice.items()):
        out.append(
            Alert(
                "cawn_breach",
                f"person {adult}",
                f"contact between {adult} and {child} after CAWN {notice} was served: "
                f"{len(facts)} fact(s)",
                facts,
                child=child,
            )
        )
    for key, fact in sorted(after.triggers.items()):
        if key not in before.triggers:
            out.append(
                Alert(
                    "missing_trigger",
                    f"person {fact['child']}",
                    f"new missing trigger for {fact['child']}: {fact['rule'].replace('_', ' ')}",
                    fact["episodes"],
                    child=fact["child"],
                )
            )
    return out


# -- the post-load hook ------------------------------------------------------------------------


#: Links no contact, breach or trigger is made through: the places (a home or a place frequented
#: by many people joins them to nobody in the rules' eyes), never followed when looking for what
#: a load reaches.
PLACE_LINKS = ("LIVES_AT", "FREQUENTS", "OCCURRED_AT")
#: How many entities one batch may hold and still be looked at entity by entity; a batch larger
#: than this (a first load, a bulk re-load) is taken to touch everything and checked in full.
REACH_LIMIT = 2_000


@dataclass
class Watching:
    """One load's alert check: what is watched, the children on the matrix, and the snapshots of
    the parts of the rules this load has reached so far (each taken just before the first batch
    that could change it was written)."""

    watches: dict[int, dict[str, Any]]
    children: set[str]
    today: date
    #: the matrix children and every record of their entity-resolution clusters
    seeds: set[str] = field(default_factory=set)
    #: each watched key, and the watches on it
    watched_keys: dict[str, list[int]] = field(default_factory=dict)
    before: Snapshot = field(default_factory=Snapshot)
    armed: set[int] = field(default_factory=set)
    matrix_armed: bool = False
    #: the entities one link from a seed (found on the first batch that needs them)
    near_seeds: set[str] | None = None


def _near(store: GraphStore, keys: set[tuple[str, str]], hops: int) -> set[str]:
    """The keys of the entities within `hops` links of `keys`, places' links not followed (the
    links themselves only: no entity's properties are read)."""
    seen = set(keys)
    frontier = set(keys)
    for _ in range(hops):
        nxt: set[tuple[str, str]] = set()
        for entity, key in frontier:
            frame = store.node_links(entity, key)
            frame = frame[~frame["link"].isin(PLACE_LINKS)]
            for ends in (("from_entity", "from_key"), ("to_entity", "to_key")):
                nxt.update(zip(frame[ends[0]].astype(str), frame[ends[1]].astype(str), strict=True))
        frontier = nxt - seen
        seen |= frontier
    return {k for _, k in seen}


def reaches(store: GraphStore, state: Watching, keys: set[tuple[str, str]]) -> bool:
    """Whether a batch about to be written could change a matrix child's contacts, breaches or
    triggers: it holds a child (or a record of her cluster), or an entity within three links of
    one (a phone that called her phone, a vehicle at an event she was at, a number saved in her
    handset...). Found by meeting in the middle: two links out from the batch, one from the
    children, so a load far from every child reads only its own neighbourhood."""
    named = {k for _, k in keys}
    if named & state.seeds:
        return True
    if len(keys) > REACH_LIMIT:
        return True
    if state.near_seeds is None:
        from graph_intel.schema import schema

        people = schema().entity("Person").name
        state.near_seeds = _near(store, {(people, k) for k in state.seeds}, hops=1)
    return bool(_near(store, keys, hops=2) & state.near_seeds)


class AlertCheck:
    """The load hook: around each batch the load writes, a snapshot of only the rules it can
    change (a watch on an entity the batch names; the matrix children's facts when the batch
    reaches one), taken before the batch is written; after the load the same parts again, and
    the new facts recorded as alerts. A load that touches nothing watched and comes nowhere near
    a child on the matrix reads only its own entities' neighbourhood."""

    def before(self, store: GraphStore, settings: LoadSettings) -> Watching | None:
        with open_book(store, settings.elsewhere, create=False) as book:
            watches = book.watches() if book is not None else []
        children = matrix_children(store)
        if not watches and not children:
            return None  # nothing to watch: the load is not slowed at all
        state = Watching({int(w["id"]): w for w in watches}, children, date.today())
        for number, watch in state.watches.items():
            state.watched_keys.setdefault(str(watch["key"]), []).append(number)
        if children:
            from graph_intel.resolution.clusters import clusters

            state.seeds = set(children)
            for group in clusters(store):
                if children & set(group):
                    state.seeds.update(group)
        return state

    def writing(self, store: GraphStore, state: Watching, keys: set[tuple[str, str]]) -> None:
        named = {k for _, k in keys}
        for key in named & state.watched_keys.keys():
            for number in state.watched_keys[key]:
                if number not in state.armed:
                    state.before.watched[number] = _watched_links(store, state.watches[number])
                    state.armed.add(number)
        if state.children and not state.matrix_armed and reaches(store, state, keys):
            _matrix_facts(store, state.children, state.today, state.before)
            state.matrix_armed = True

    def after(
        self,
        store: GraphStore,
        state: Watching | None,
        report: IngestReport,
        settings: LoadSettings,
    ) -> None:
        if state is None or not (state.armed or state.matrix_armed):
            return
        watches = [state.watches[n] for n in sorted(state.armed)]
        now = Snapshot(watched={n: _watched_links(store, state.watches[n]) for n in state.armed})
        if state.matrix_armed:
            _matrix_facts(store, state.children, state.today, now)
        found = new_alerts(state.before, now, watches)
        if not found:
            return
        with open_book(store, settings.elsewhere) as book:
            assert book is not None
            count = book.record(found, report.load or report.dataset)
        log.info("load %s raised %d alert(s)", report.load, count)
        notify(count)


def notify(count: int, settings: Settings | None = None) -> bool:
    """Email that there are alerts to view, where an SMTP relay is configured: the count and where
    to look, nothing else (no name, number, place or id). Whether a mail was sent; never raises."""
    import smtplib
    from email.message import EmailMessage

    from graph_intel.settings import settings as current

    s = settings or current()
    if not s.alert_smtp or not s.alert_mail_to:
        return False
    host, _, port = s.alert_smtp.rpartition(":")
    message = EmailMessage()
    message["From"] = s.alert_mail_from
    message["To"] = ", ".join(s.alert_mail_to)
    message["Subject"] = "graph-intel: there is an alert to view"
    message.set_content(
        f"There {'is' if count == 1 else 'are'} {count} new alert{'s' if count != 1 else ''} to view "
        "in graph-intel (the hub's home page, or `graph-intel alerts`).\n"
        "No details are sent by email.\n"
    )
    try:
        with smtplib.SMTP(host or s.alert_smtp, int(port or 25), timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        log.warning("could not send the alert email through %s: %s", s.alert_smtp, exc)
        return False
    return True


def install() -> None:
    """Register the alert check with the one load pipeline (idempotent)."""
    from graph_intel.load_hooks import register_load_hook

    register_load_hook("alerts", AlertCheck())


__all__ = [
    "Alert",
    "AlertBook",
    "AlertCheck",
    "RULES",
    "WATCH_KINDS",
    "Watching",
    "alerts_path",
    "install",
    "new_alerts",
    "notify",
    "open_book",
    "reaches",
    "snapshot",
]
