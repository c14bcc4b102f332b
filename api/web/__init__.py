"""The hub workspace: a browser front door for the CSE team, beside the API's bearer tokens.

Sign-in with a password (argon2), server-side sessions, CSRF on every form, the purpose of access
asked at sign-in and when a child's record is opened, every page in the same hash-chained audit
log as the API. Pages are server-rendered (Jinja2, autoescaped), plain HTML forms, no script of
their own; nothing is fetched from outside the machine.
"""

from api.web.policy import WEB_PREFIX
from api.web.routes import build_web

__all__ = ["WEB_PREFIX", "build_web"]
