"""What the guard middleware needs to know about the hub's paths: which they are, and their CSP.

Hub pages load only their own stylesheet (no script at all) and post only to the hub; the network
picture, framed by the child's page, runs vis-network's script as pyvis ships it (inline, nothing
fetched); a CAWN evidence pack carries its own inline print styles and no script.
"""

from __future__ import annotations

WEB_PREFIX = "/hub"
SIGN_IN_PATH = WEB_PREFIX + "/sign-in"
UPLOAD_PATH = WEB_PREFIX + "/load"
PICTURE_PREFIX = WEB_PREFIX + "/picture/"
PACK_PREFIX = WEB_PREFIX + "/pack/"

HUB_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; connect-src 'none'; script-src 'none'"
)
PICTURE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "connect-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'; script-src 'none'"
)


def is_web(path: str) -> bool:
    """Whether a request path is one of the hub's pages (served with sessions, not bearer tokens)."""
    return path == WEB_PREFIX or path.startswith(WEB_PREFIX + "/")


def web_csp(path: str, tile_origin: str | None = None) -> tuple[str, bytes]:
    """The Content-Security-Policy and X-Frame-Options of a hub path; a hub page may also load
    images from the force's own tile server when one is configured (`tile_origin`), none else."""
    if path.startswith(PICTURE_PREFIX):
        return PICTURE_CSP, b"SAMEORIGIN"
    if path.startswith(PACK_PREFIX):
        return DOCUMENT_CSP, b"DENY"
    if tile_origin:
        return HUB_CSP.replace(
            "img-src 'self' data:", f"img-src 'self' data: {tile_origin}"
        ), b"DENY"
    return HUB_CSP, b"DENY"
