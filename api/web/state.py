"""What the hub holds for the service's lifetime: its sessions, passwords and page templates."""

from __future__ import annotations

import re
import threading
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

import jinja2

from api.settings import Settings
from api.web.accounts import Passwords
from api.web.sessions import COOKIE, Sessions, WebSession

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def css_string(value: object) -> str:
    """Text safe inside a CSS string: quotes, backslashes and angle brackets escaped, controls dropped."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(value))
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")


def _autoescape(name: str | None) -> bool:
    """HTML templates are escaped; the CSS template escapes its strings with css_string instead."""
    return not (name or "").endswith(".css.j2")


def page_environment() -> jinja2.Environment:
    """The hub's Jinja2 templates, every value escaped (autoescape), an unknown name an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


class WebState:
    """Sessions and passwords (opened on first use, in the service database) and the templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.templates = page_environment()
        self._lock = threading.Lock()
        self._sessions: Sessions | None = None
        self._passwords: Passwords | None = None

    @property
    def sessions(self) -> Sessions:
        with self._lock:
            if self._sessions is None:
                s = self.settings
                self._sessions = Sessions(
                    s.api_db_path(), s.session_idle_seconds, s.session_absolute_seconds
                )
            return self._sessions

    @property
    def passwords(self) -> Passwords:
        with self._lock:
            if self._passwords is None:
                s = self.settings
                self._passwords = Passwords(
                    s.api_db_path(), s.login_max_failures, s.login_lockout_seconds
                )
            return self._passwords

    def session_of(self, cookie_header: str) -> WebSession | None:
        """The live session a Cookie header names (its last use not moved), or None."""
        return self.sessions.find(cookie_value(cookie_header, COOKIE), touch=False)

    def cookie_session_live(self, cookie_header: str) -> bool:
        """Whether a Cookie header names a live session."""
        return self.session_of(cookie_header) is not None

    def close(self) -> None:
        """Close the database connections."""
        with self._lock:
            for table in (self._sessions, self._passwords):
                if table is not None:
                    table.close()
            self._sessions = self._passwords = None


def cookie_value(header: str, name: str) -> str | None:
    """One cookie's value from a Cookie header (None when absent or unreadable)."""
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None
