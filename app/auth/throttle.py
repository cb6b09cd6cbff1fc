"""Login throttling with Flask-Limiter: failed logins are counted per account and per client
address; past the limit, logins are refused (429) with the wait time, before any password is
checked, and each refusal is logged.

Only failures count (`deduct_when`: the login view answers 401 for a wrong password), so people
who type their password right are never slowed down. The account limit stops guessing one
password from many addresses; the address limit, set higher because an office shares one
address, stops trying one common password on many accounts. An unknown username is throttled
like a real one, so the refusal reveals nothing about which accounts exist.

Storage is the limiter's (app/extensions.py): memory in one process by default, Redis when
REDIS_URL is set so all workers and hosts share the counts. Behind a reverse proxy the client
address must be the proxy's X-Forwarded-For (docs/deploy.md: ProxyFix), else every client
shares the proxy's address.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, render_template, request
from flask_limiter import RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address

from app.extensions import limiter

USERNAME_FIELD = "username"


def _account_key() -> str:
    return "account:" + (request.form.get(USERNAME_FIELD) or "").strip()[:64]


def _address_key() -> str:
    return "address:" + get_remote_address()


def _login_failed(response) -> bool:
    return response.status_code == 401


def wait_words(seconds: float) -> str:
    """'40 seconds', '75 seconds', '12 minutes': how long until the next try, rounded up."""
    seconds = max(1, math.ceil(seconds))
    if seconds <= 90:  # "2 minutes" for 61 seconds would ask for twice the wait
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _refuse_login(limit: RequestLimit):
    """The login page again (429), saying how long to wait; the refusal is logged."""
    from app.auth.forms import LoginForm

    wait = max(1.0, limit.reset_at - time.time())
    which = "account" if "account:" in limit.key else "address"
    current_app.logger.warning(
        "login refused (throttled, %s limit %s): username=%r address=%s, next try in %ds",
        which, limit.limit, (request.form.get(USERNAME_FIELD) or "")[:64],
        get_remote_address(), wait)
    from app.audit import record
    from app.extensions import db

    record("login_throttled", target=f"username {(request.form.get(USERNAME_FIELD) or '')[:64]}",
           details={"limit": str(limit.limit), "wait_seconds": round(wait)})
    db.session.commit()
    message = f"Too many failed logins. Wait {wait_words(wait)}, then try again."
    form = LoginForm(formdata=None)
    form.username.data = (request.form.get(USERNAME_FIELD) or "")[:64]
    page = render_template("auth/login.html", form=form, throttled=message)
    return current_app.response_class(page, status=429,
                                      headers={"Retry-After": str(math.ceil(wait))})


throttle_account = limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
    methods=["POST"], deduct_when=_login_failed, on_breach=_refuse_login,
    scope="login-account")
throttle_address = limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=_address_key,
    methods=["POST"], deduct_when=_login_failed, on_breach=_refuse_login,
    scope="login-address")


def init_throttle(app: Flask) -> None:
    limiter.init_app(app)
    _check_limits_only_in_limited_views(app)

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded):
        if error.response is not None:  # the limit's own page (the login form, say)
            return error.response
        from app.errors import error_response

        return error_response(429, "Too many requests; wait a little and try again.")


def _check_limits_only_in_limited_views(app: Flask) -> None:
    """Flask-Limiter checks every request in a before_request hook, for limits that apply to
    every view (default, application and meta limits). We set none: each limited view is
    decorated, and its decorator checks its limits when the view runs. The hook then finds
    nothing to do, at a cost of about 0.2 ms on every request (issue 14's span saves), so it is
    taken out. Configuring a limit for every view puts it back."""
    if any(app.config.get(name) for name in (
            "RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
