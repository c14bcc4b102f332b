"""The hub's doors: sign in (with the purpose of the session), sign out, the account page.

The sign-in form carries its own CSRF token in a short-lived cookie (there is no session yet);
a wrong name or password and a locked account are both 401 with a line saying which, and both
are in the audit log. Admins land on their account page: they read no case data.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import purpose_text
from api.web.page import CASE_ROLES, EVERYONE, local, new_token, open_page, set_cookie
from api.web.policy import WEB_PREFIX
from api.web.sessions import COOKIE, SIGN_IN_COOKIE, same
from api.web.state import cookie_value

router = APIRouter()


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str = WEB_PREFIX + "/", message: str = "") -> Response:  # noqa: A002
    p = open_page(request, action="administration", signed_in=False)
    token = cookie_value(request.headers.get("cookie", ""), SIGN_IN_COOKIE) or new_token()
    response = p.render(
        "sign_in.html", signin_csrf=token, next=local(next), message=message[:200], user=""
    )
    set_cookie(request, response, SIGN_IN_COOKIE, token, max_age=3600)
    return response


@router.post("/sign-in")
def sign_in(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    purpose: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = WEB_PREFIX + "/",  # noqa: A002
) -> Response:
    p = open_page(request, action="administration", signed_in=False)
    p.ctx.who = username
    p.ctx.params["event"] = "sign-in"
    if not same(csrf, cookie_value(request.headers.get("cookie", ""), SIGN_IN_COOKIE)):
        p.ctx.params["refused"] = "CSRF token missing or wrong"
        raise HTTPException(
            status_code=403,
            detail="the sign-in form's security token is missing or out of date: reload the page",
        )

    def again(status: int, message: str) -> Response:
        return p.render(
            "sign_in.html",
            status=status,
            signin_csrf=csrf,
            next=local(next),
            user=username,
            message=message,
        )

    try:
        why = purpose_text(purpose, p.svc.settings.max_purpose_chars)
    except HTTPException as exc:
        said = f"Say why you are signing in: {exc.detail}"
        return again(400, said.replace("X-Purpose", "the purpose"))
    p.ctx.purpose = why
    result = p.web.passwords.check(username, password)
    if result.user is None:
        locked = result.refused == "locked"
        p.ctx.params["refused"] = "account locked" if locked else "wrong name or password"
        return again(
            401,
            "This account is locked after repeated wrong passwords; try again later or ask an admin."
            if locked
            else "The name or password is wrong.",
        )
    p.ctx.role = result.user.role
    sid = p.web.sessions.start(result.user.name, result.user.role, why)
    target = local(next) if result.user.role in CASE_ROLES else WEB_PREFIX + "/account"
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, COOKIE, sid, max_age=int(p.svc.settings.session_absolute_seconds))
    response.delete_cookie(SIGN_IN_COOKIE, path=WEB_PREFIX)
    return response


@router.post("/sign-out")
def sign_out(request: Request, csrf: Annotated[str, Form(max_length=200)]) -> Response:
    p = open_page(request, action="administration", roles=EVERYONE)
    p.check_csrf(csrf)
    p.ctx.params["event"] = "sign-out"
    p.web.sessions.end(p.sid)
    response = RedirectResponse(
        f"{WEB_PREFIX}/sign-in?message={quote('You have signed out.')}", status_code=303
    )
    response.delete_cookie(COOKIE, path=WEB_PREFIX)
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request) -> Response:
    p = open_page(request, roles=EVERYONE, action="none")
    return p.render("account.html")
