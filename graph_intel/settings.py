"""The one settings object: every GRAPH_INTEL_* environment variable, read in one place.

The command line, the stores, the service and the tests all read their configuration here
(pydantic-settings): the store (`GRAPH_INTEL_STORE`, `GRAPH_INTEL_NEO4J_URI`,
`GRAPH_INTEL_NEO4J_USER`, `GRAPH_INTEL_NEO4J_PASSWORD`), who is working (`GRAPH_INTEL_USER`),
and the service's database, limits and audit (`GRAPH_INTEL_API_DB`, `GRAPH_INTEL_MAX_BODY_BYTES`,
... as docs/api.md lists them). A command's own option (`--store`, `--neo4j`) wins over the
environment. A variable set to the empty string counts as not set.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The embedded store's folder when neither --store nor GRAPH_INTEL_STORE names one.
DEFAULT_STORE = "./graph-intel-data"


class Settings(BaseSettings):
    """Everything graph-intel reads from the environment; safe defaults (loopback, no CORS, small bodies)."""

    model_config = SettingsConfigDict(
        env_prefix="GRAPH_INTEL_", extra="ignore", env_ignore_empty=True
    )

    # -- the store -------------------------------------------------------------------------------
    store: Path = Path(DEFAULT_STORE)
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    #: Who is recording an analyst's judgement when --by is not given (else the login name).
    user: str | None = None

    # -- the service -----------------------------------------------------------------------------
    #: Users and audit log (SQLite); default `api.sqlite` inside the embedded store's directory.
    api_db: Path | None = None
    #: Largest request body outside ingest (JSON, raw query), in bytes.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    #: Largest ingest upload (multipart: CSV files or a zip), in bytes.
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    #: Largest upload loaded while its request waits; a larger one runs as a job (202) in a
    #: process of its own, as one sent with `Prefer: respond-async` does.
    sync_ingest_bytes: int = Field(default=1024 * 1024, ge=0)
    #: Largest total of a zip's members once unpacked (zip bombs), in bytes.
    max_unzipped_bytes: int = Field(default=1024 * 1024 * 1024, ge=1024)
    #: Longest X-Purpose header accepted, in characters.
    max_purpose_chars: int = Field(default=300, ge=8)
    #: Origins allowed cross-origin requests; none unless configured (JSON list in the environment).
    cors_origins: list[str] = Field(default_factory=list)
    #: Most rows a raw Cypher query returns.
    max_query_rows: int = Field(default=10_000, ge=1)
    #: Read answers computed at once (per worker pool); others wait their turn.
    read_workers: int = Field(default=4, ge=1, le=64)
    #: Longest a read waits for its answer before it is told to try again (503 with Retry-After);
    #: the computation goes on and its answer is cached for the next try.
    read_patience_seconds: float = Field(default=25.0, gt=0)
    #: Memory the answer cache may hold, in bytes (answers least recently asked are dropped once
    #: over it); 0 turns the cache off.
    answer_cache_bytes: int = Field(default=256 * 1024 * 1024, ge=0)
    #: Whether POST /api/v1/query (one read-only Cypher statement, analysts) is served at all.
    raw_query: bool = True
    #: The key that signs audit checkpoints (HMAC-SHA256); kept out of the audit database. Give it
    #: here, or in `audit_key_file`; with neither, a random key is made in `audit.key` beside the
    #: database the first time the service starts.
    audit_key: SecretStr | None = None
    audit_key_file: Path | None = None
    #: The append-only file of signed checkpoints; default `audit-checkpoints.jsonl` beside the database.
    audit_checkpoints: Path | None = None
    #: Also send every checkpoint to syslog/journald when the machine has /dev/log.
    audit_syslog: bool = True

    #: The hub workspace (api.web): a session ends after this many seconds unused...
    session_idle_seconds: float = Field(default=30 * 60, gt=0)
    #: ...and this many seconds after sign-in, however much it is used.
    session_absolute_seconds: float = Field(default=8 * 3600, gt=0)
    #: Wrong passwords in a row that lock an account, and for how many seconds.
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: float = Field(default=15 * 60, ge=0)
    #: Whether the service prepares the hub's first pages (home, briefing, each child on the
    #: matrix, the group list) after it starts and after every load (api.web.prepare).
    hub_prepare: bool = True
    #: The protective marking printed at the top and bottom of every page the hub prints.
    protective_marking: str = Field(default="OFFICIAL-SENSITIVE", min_length=1, max_length=60)
    #: The hub's maps: a tile server the force runs itself, as a URL template with {z}, {x} and {y}
    #: (e.g. https://tiles.force.internal/osm/{z}/{x}/{y}.png). None (the default): places are
    #: drawn on a plain background, and no page loads an image from anywhere else. Never a public
    #: tile server by default; the pages' Content-Security-Policy allows this origin only.
    map_tile_url: str | None = Field(default=None, max_length=500)

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, value: str | None) -> str | None:
        """A tile URL template: http(s), a host, {z}, {x} and {y}, nothing that could break out."""
        if value is None or not value.strip():
            return None
        url = urlsplit(value.strip())
        missing = [part for part in ("{z}", "{x}", "{y}") if part not in value]
        if url.scheme not in ("http", "https") or not url.hostname or missing:
            raise ValueError(
                f"GRAPH_INTEL_MAP_TILE_URL {value!r} is not a tile URL template: it is "
                "http(s)://HOST/.../{z}/{x}/{y}.png on a tile server the force runs"
                + (f" (missing {', '.join(missing)})" if missing else "")
            )
        if any(c in value for c in "\"'<> ;"):
            raise ValueError(
                f"GRAPH_INTEL_MAP_TILE_URL {value!r} holds a quote, space, angle bracket or "
                "semicolon: give a plain URL template"
            )
        return value.strip()

    #: Alerts (graph_intel.alerts): an SMTP relay as HOST:PORT, and who is told. Unset: no mail.
    #: The mail says only that there is an alert to view, never what it is about.
    alert_smtp: str | None = Field(
        default=None, max_length=200, pattern=r"^[A-Za-z0-9.\-]+(:\d{1,5})?$"
    )
    alert_mail_to: list[str] = Field(default_factory=list)
    alert_mail_from: str = Field(default="graph-intel@localhost", max_length=200)

    def map_tile_origin(self) -> str | None:
        """The tile server's origin (scheme://host[:port]), the one the CSP allows, or None."""
        if self.map_tile_url is None:
            return None
        url = urlsplit(self.map_tile_url)
        return f"{url.scheme}://{url.netloc}"

    def audit_key_path(self) -> Path:
        """Where the checkpoint key is read from (and made, when no key is given)."""
        return self.audit_key_file or self.api_db_path().parent / "audit.key"

    def audit_checkpoints_path(self) -> Path:
        """Where the audit checkpoints are appended."""
        return self.audit_checkpoints or self.api_db_path().parent / "audit-checkpoints.jsonl"

    def api_db_path(self) -> Path:
        """Where the users and audit database lives."""
        if self.api_db is not None:
            return self.api_db
        if self.neo4j_uri:
            return Path("graph-intel-api.sqlite")
        return self.store / "api.sqlite"


def settings() -> Settings:
    """The settings as the environment gives them now (read afresh: tests and notebooks change it)."""
    return Settings()


__all__ = ["DEFAULT_STORE", "Settings", "settings"]
