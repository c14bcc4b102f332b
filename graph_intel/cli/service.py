"""Commands of the service family: serve, users (add, revoke, list), audit (verify, list)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph_intel.cli.common import (
    EXIT_ATTENTION,
    Neo4jOpt,
    StoreOpt,
    Where,
    date_read,
    emit,
    err,
    fail,
    store_command,
)

if TYPE_CHECKING:
    from api.settings import Settings

ApiDbOpt = Annotated[
    Path | None,
    typer.Option(
        "--api-db",
        help="Users and audit database [default: $GRAPH_INTEL_API_DB or STORE/api.sqlite].",
    ),
]


def _settings(store: Path | None, neo4j: str | None, api_db: Path | None = None) -> Settings:
    """Service settings from the environment, overridden by the command's options."""
    from api.settings import Settings

    overrides: dict[str, object] = {}
    if store is not None:
        overrides["store"] = store
    if neo4j is not None:
        overrides["neo4j_uri"] = neo4j
    if api_db is not None:
        overrides["api_db"] = api_db
    return Settings(**overrides)  # type: ignore[arg-type]


def _existing_db(settings: Settings) -> Path:
    """The users and audit database, which a command that only reads it never creates (else exit 2)."""
    path = settings.api_db_path()
    if not path.is_file():
        fail(
            f"no users and audit database at {path}: give --api-db or --store of the service's store, "
            "or create it with 'graph-intel users add NAME --role ROLE'"
        )
    return path


def _utc(value: str | None) -> str | None:
    """An audit --since time by the one date parser, as the UTC ISO text the log holds (exit 2 if bad)."""
    utc: str | None = date_read(value, "--since", "utc_option")
    return utc


#: Seconds open requests get to finish once the server is asked to stop.
STOP_GRACE_SECONDS = 3


def serve_cmd(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (loopback unless you mean it).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    store: StoreOpt = None,
    neo4j: Neo4jOpt = None,
    api_db: ApiDbOpt = None,
) -> None:
    """Run the FastAPI service (uvicorn): every read command over HTTP, with tokens, roles and audit."""
    import uvicorn

    from api.app import create_app

    settings = _settings(store, neo4j, api_db)
    from graph_intel.stores import missing_store

    missing = missing_store(settings=settings)
    if missing is not None:
        fail(missing)
    err.print(
        f"graph-intel service on http://{host}:{port} (store {settings.neo4j_uri or settings.store})"
    )
    # SIGTERM (or Ctrl-C) stops the server within seconds: requests still open after the grace
    # period are dropped, and a load still running is left marked incomplete in the store.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        server_header=False,
        date_header=False,
        log_level="info",
        timeout_graceful_shutdown=STOP_GRACE_SECONDS,
    )
    # Worker threads still computing (a long read, a load) would hold the interpreter's exit for
    # as long as they run; the service has closed what it holds, so leave now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@store_command
def users_add(
    name: Annotated[
        str, typer.Argument(help="The user's name (letters, digits, '_', '.', '@', '-').")
    ],
    role: Annotated[str, typer.Option(help="admin, analyst or viewer.")],
    api_db: ApiDbOpt = None,
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help="Also set a password for the hub's sign-in (asked for, twice; never an argument).",
        ),
    ] = False,
    *,
    where: Where,
) -> None:
    """Create a user and print its token (shown once: only its hash is kept); --password also
    asks for a password to sign in to the hub workspace in a browser (stored argon2-hashed)."""
    from api.users import UserError, UserStore

    path = _settings(where.store, where.neo4j, api_db).api_db_path()
    secret = None
    if password:
        from api.web.accounts import MIN_PASSWORD_CHARS

        secret = typer.prompt(
            f"Password for {name} (at least {MIN_PASSWORD_CHARS} characters)",
            hide_input=True,
            confirmation_prompt=True,
            err=True,
        )
        if len(secret) < MIN_PASSWORD_CHARS:
            fail(
                f"the password is shorter than {MIN_PASSWORD_CHARS} characters: choose a longer one"
            )
    with UserStore(path) as users:
        try:
            token = users.add(name, role)
        except UserError as exc:
            fail(str(exc))
    if secret is not None:
        from api.web.accounts import Passwords

        with Passwords(path) as passwords:
            passwords.set(name, secret)
    emit(
        {
            "user": name,
            "role": role,
            "token": token,
            **({"password": "set"} if secret is not None else {}),
        },
        True,
    )


@store_command
def users_revoke(
    name: Annotated[str, typer.Argument(help="The user whose token to revoke.")],
    api_db: ApiDbOpt = None,
    *,
    where: Where,
) -> None:
    """Revoke a user's token; the user stays listed, as revoked (never the last active admin)."""
    from api.users import UserError, UserStore

    with UserStore(_existing_db(_settings(where.store, where.neo4j, api_db))) as users:
        try:
            done = users.revoke(name)
        except UserError as exc:
            fail(str(exc))
    if not done:
        fail(f"no active user {name!r}: see 'graph-intel users list'")
    emit({"user": name, "revoked": True}, True)


@store_command
def users_list(api_db: ApiDbOpt = None, *, where: Where) -> None:
    """List users: name, role, created_at, revoked_at (never tokens)."""
    from api.users import UserStore

    with UserStore(_existing_db(_settings(where.store, where.neo4j, api_db))) as users:
        emit(users.list(), True)


@store_command
def audit_verify(api_db: ApiDbOpt = None, *, where: Where) -> None:
    """Walk the audit hash chain and hold it against the signed checkpoints; exit 1 when an entry was
    edited, inserted, deleted or reordered, or the chain was truncated, rewound or extended."""
    from api.audit import open_audit

    settings = _settings(where.store, where.neo4j, api_db)
    _existing_db(settings)
    try:
        log = open_audit(settings, create_key=False)
    except ValueError as exc:
        fail(str(exc))
    with log:
        result = log.verify()
    emit(result, True)
    if not result["intact"]:
        err.print(
            f"[bold red]audit log {result['state']} at entry {result['first_bad']}:[/] {result['reason']}"
        )
        raise typer.Exit(EXIT_ATTENTION)
    if result["state"] == "unanchored":
        err.print(f"[yellow]{result['note']}[/] (set GRAPH_INTEL_AUDIT_KEY_FILE)")


@store_command
def audit_list(
    who: Annotated[str | None, typer.Option(help="Only this user's entries.")] = None,
    person: Annotated[
        str | None,
        typer.Option(help="Only entries naming this person: DATASET:ID, or an id in any dataset."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="From this time, UTC (YYYY-MM-DD[THH:MM] or day first DD/MM/YYYY [HH:MM])."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many entries, newest first.")] = 100,
    api_db: ApiDbOpt = None,
    *,
    where: Where,
) -> None:
    """Print audit entries as JSON, newest first (control characters always escaped)."""
    import sys

    from api.audit import AuditLog, printable_json

    with AuditLog(_existing_db(_settings(where.store, where.neo4j, api_db))) as log:
        entries = log.query(who=who, person=person, since=_utc(since), limit=limit)
        sys.stdout.write(printable_json(entries) + "\n")
    if not entries:  # stdout stays the JSON document; the reason goes to stderr
        asked = [
            f"{word} {value}"
            for word, value in (("by", who), ("naming", person), ("since", since))
            if value
        ]
        err.print(
            "no audit entries"
            + (f" {' '.join(asked)}" if asked else ": the service has recorded no access yet"),
            highlight=False,
            markup=False,
        )
