"""`graph-intel watch add/list/remove` and `graph-intel alerts`: watchlists and the alerts loads raise.

Watches and alerts live in the store's alert book (graph_intel.alerts: `alerts.sqlite` beside an
embedded store). Reading alerts discloses the persons they name, so every `graph-intel alerts` is
written to the service's hash-chained audit log (who, when, why, the persons) where the store has
one, as every page of the hub is.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

import typer

from graph_intel.cli.common import JsonOpt, Neo4jOpt, StoreOpt, emit, fail, opened, out

KindArg = Annotated[str, typer.Argument(help="What to watch: person, phone, vehicle or location.")]
IdArg = Annotated[
    str, typer.Argument(help="Its id (a phone in any spelling, a VRM with or without spaces).")
]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Who [default: $GRAPH_INTEL_USER or the login name].")
]
PurposeOpt = Annotated[
    str, typer.Option("--purpose", help="Why the alerts are read (kept in the audit log).")
]


def _who(by: str | None) -> str:
    from graph_intel.settings import Settings

    return (by or Settings().user or getpass.getuser()).strip()


def watch_add(
    kind: KindArg,
    ident: IdArg,
    note: Annotated[str, typer.Option("--note", help="Why it is watched.")] = "",
    by: ByOpt = None,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Watch a phone, vehicle, adult or place: the next load that adds a fact about it raises an alert."""
    from graph_intel.alerts import WATCH_KINDS, open_book
    from graph_intel.refs import resolve

    if kind not in WATCH_KINDS:
        fail(f"cannot watch a {kind!r}: watch one of {', '.join(WATCH_KINDS)}")
    with opened(store, neo4j) as graph:
        _, key = resolve(graph, kind, ident)
        with open_book(graph) as book:
            assert book is not None
            added = book.add_watch(kind, ident, key, _who(by), note)
    emit(
        added,
        json,
        lambda w: out.print(
            f"watching {w['kind']} {w['ident']} (watch {w['id']})", highlight=False
        ),
    )


def watch_list(
    all_: Annotated[bool, typer.Option("--all", help="Also removed watches.")] = False,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """The watches, oldest first."""
    from graph_intel.alerts import open_book

    with opened(store, neo4j, read_only=True) as graph, open_book(graph, create=False) as book:
        data = book.watches(include_removed=all_) if book is not None else []

    def render(rows: list[dict[str, Any]]) -> None:
        if not rows:
            out.print("no watches: add one with graph-intel watch add KIND ID", highlight=False)
        for w in rows:
            gone = (
                f", removed by {w['removed_by']} {w['removed_at']}" if w.get("removed_at") else ""
            )
            out.print(
                f"{w['id']}  {w['kind']} {w['ident']}  by {w['added_by']} {w['added_at']}{gone}"
                + (f"  ({w['note']})" if w["note"] else ""),
                highlight=False,
            )

    emit(data, json, render)


def watch_remove(
    number: Annotated[int, typer.Argument(help="The watch's number (graph-intel watch list).")],
    by: ByOpt = None,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Stop a watch (it is kept, marked removed by whom and when)."""
    from graph_intel.alerts import open_book

    with opened(store, neo4j) as graph, open_book(graph, create=False) as book:
        try:
            if book is None:
                raise KeyError(number)
            done = book.remove_watch(number, _who(by))
        except KeyError:
            fail(f"there is no live watch {number}: see graph-intel watch list")
    emit(
        done,
        json,
        lambda w: out.print(
            f"stopped watching {w['kind']} {w['ident']} (watch {w['id']})", highlight=False
        ),
    )


def alerts_cmd(
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="Most alerts shown.")
    ] = 200,
    purpose: PurposeOpt = "reviewing alerts",
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    json: JsonOpt = False,
) -> None:
    """Alerts raised by loads, newest first, each with its evidence and the load that raised it."""
    from graph_intel.alerts import RULES, open_book

    with opened(store, neo4j, read_only=True) as graph:
        with open_book(graph, create=False) as book:
            data = book.alerts(limit) if book is not None else []
            watching = len(book.watches()) if book is not None else 0
        _audit(graph, store, neo4j, data, purpose)

    def render(rows: list[dict[str, Any]]) -> None:
        if not rows:
            out.print(
                f"no alerts: no load has added a fact about the {watching} watched entit"
                f"{'y' if watching == 1 else 'ies'} or touched a child on the CSE matrix "
                f"({'; '.join(RULES.values())})",
                highlight=False,
            )
        for a in rows:
            out.print(
                f"{a['id']}  {a['raised_at']}  {a['rule']}: {a['text']}  (load {a['load']})",
                highlight=False,
            )
            for item in a["evidence"][:10]:
                out.print(
                    "    "
                    + ", ".join(f"{k} {v}" for k, v in item.items() if v not in (None, [], "")),
                    highlight=False,
                )

    emit(data, json, render)


def _audit(
    graph: Any, store: Path | None, neo4j: str | None, data: list[dict[str, Any]], purpose: str
) -> None:
    """Write this reading of alerts to the service's audit log, where the store has one."""
    from api.audit import open_audit
    from api.disclosure import PersonIndex, strings_in
    from graph_intel.settings import Settings

    overrides: dict[str, Any] = {"store": store} if store is not None else {}
    if neo4j:
        overrides["neo4j_uri"] = neo4j
    settings = Settings(**overrides)
    if not settings.api_db_path().exists():
        return
    persons = sorted(PersonIndex().keys_named(graph, strings_in(data)))
    with open_audit(settings) as audit:
        audit.append(
            who=_who(None),
            role="cli",
            method="CLI",
            route="graph-intel alerts",
            params={"alerts": len(data)},
            persons=persons,
            purpose=purpose,
            action="disclosure",
            status=0,
        )
