"""Request-wide security: CSRF for cookie sessions, security headers, request ids."""

import re
import secrets

from flask import Flask, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.extensions import csrf
from app.text import is_storable_text

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The bodies Werkzeug parses into request.form and request.files.
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _uses_bearer_token() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def init_app(app: Flask) -> None:
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.before_request
    def authenticate_bearer_token():
        # A request that carries a Bearer token is authenticated by that token alone, never
        # by a cookie sent alongside it: a bad token is refused even with a valid session.
        if not _uses_bearer_token():
            return None
        from app.auth import user_for_bearer_header
        from app.errors import error_response

        user = user_for_bearer_header(request.headers["Authorization"])
        if user is None:
            return error_response(401, "the Bearer token is not valid (unknown or revoked)")
        g._login_user = user  # Flask-Login's per-request user: the token decides who this is
        return None

    @app.before_request
    def refuse_unstorable_input():
        # A NUL typed into any form or query, or in an uploaded file's name (a .txt file's
        # name becomes its title), would reach the database and make PostgreSQL fail; say so
        # once here for every page instead of in every form.
        from app.errors import error_response

        # Only a form body has form fields or files: a JSON body (every API save) is
        # checked by its own reader (app.strict_json), without parsing it as a form here.
        has_form = request.mimetype in FORM_TYPES
        for source in (request.args, request.form) if has_form else (request.args,):
            for name, value in source.items(multi=True):
                if not (is_storable_text(name) and is_storable_text(value)):
                    return error_response(
                        422, f"{name!r} contains a character that cannot be stored (NUL)",
                        field=name if is_storable_text(name) else None)
        for name, upload in request.files.items(multi=True) if has_form else ():
            if not is_storable_text(upload.filename or ""):
                return error_response(
                    422, "an uploaded file name contains a character that cannot be stored "
                         "(NUL); rename the file", field=name if is_storable_text(name) else None)
        return None

    @app.before_request
    def check_csrf():
        # Cookie-authenticated requests that change state need the CSRF token; a Bearer
        # token cannot be sent by another site's page, so token calls skip the check.
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return None
        if request.method in ("GET", "HEAD", "OPTIONS") or _uses_bearer_token():
            return None
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            return None  # the route answers 401: say "log in", not "CSRF token missing"
        if request.endpoint == "auth.login":
            return None  # the login form checks its own token and keeps what was typed
        csrf.protect()
        return None

    @app.before_request
    def assign_request_id():
        # One id per request, in the error log and on the error page, so a person's report
        # ("reference 3f2a…") finds the log line. A proxy's X-Request-Id is kept if sane.
        offered = request.headers.get("X-Request-Id", "")
        g.request_id = offered if _SANE_REQUEST_ID.fullmatch(offered) else secrets.token_hex(8)

    @app.after_request
    def security_headers(response):
        if request.endpoint != "static":
            # Pages and API answers hold unpublished research data: no browser or proxy keeps
            # a copy (a shared computer's back button, a caching proxy). Static files may.
            response.headers.setdefault("Cache-Control", "no-store")
        if g.get("request_id"):
            response.headers.setdefault("X-Request-Id", g.request_id)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.register_error_handler(CSRFError, _csrf_error)


def _csrf_error(error: CSRFError):
    from app.errors import error_response, wants_json

    if wants_json():
        return error_response(400, f"CSRF check failed: {error.description}", field="csrf_token")
    # Almost always a page left open until its session expired: say that, in plain words.
    return error_response(400, "This page had expired, so nothing was saved. Go back, reload "
                               "the page and try again.", field="csrf_token")
