"""Errors: JSON `{"error", "field"}` under /api, a friendly page elsewhere."""

from __future__ import annotations

from flask import Flask, abort, g, jsonify, make_response, render_template, request
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.error_log import constraint_of, escape_controls, log_text

# Ids are 32-bit INTEGER columns: a larger id in a URL is simply not found, rather than
# reaching the database driver, which raises on it (an overflow, so a 500).
LARGEST_ID = 2**31 - 1

TITLES = {
    400: "Bad request",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "File too large",
    422: "Cannot process this input",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Try again in a moment",
}
# What a client is told while the database cannot be reached (restarting, failing over): the
# request changed nothing, and the same request can simply be sent again.
DATABASE_UNAVAILABLE = ("The database cannot be reached right now (it may be restarting); "
                        "nothing was saved. Try again in a few seconds.")
RETRY_AFTER_SECONDS = 5


# SQLite's OperationalError messages that mean "busy or unreachable", not "wrong statement".
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error",
                      "database or disk is full")


def database_is_unreachable(error: Exception) -> bool:
    """Whether a database error means the database cannot serve now (a retry may succeed)."""
    if isinstance(error, PoolTimeout) or getattr(error, "connection_invalidated", False):
        return True
    original = getattr(error, "orig", None)
    if type(original).__module__.startswith("sqlite3"):
        message = str(original).lower()
        return any(part in message for part in SQLITE_UNAVAILABLE)
    return True  # psycopg's OperationalError: refused, dropped, shut down, out of resources


class ServiceError(Exception):
    """The one error every service raises for a refused operation.

    `field` names the input at fault (the JSON error's "field"); `status` is the HTTP status
    a route answers with (422 bad value, 409 conflict, 403 not allowed, 404 not found).
    """

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def format_size(size: int) -> str:
    """A byte count as people read it, to three significant digits: 512 bytes, 4 KB, 20 MB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, message: str, field: str | None = None):
    if wants_json():
        body = {"error": message}
        if field:
            body["field"] = field
        return jsonify(body), status
    return (
        render_template("errors/error.html", status=status, title=TITLES.get(status, "Error"),
                        message=message),
        status,
    )


def too_large_message(config) -> str:
    """Which limit a 413 is about: the whole request, or (Werkzeug) one multipart text field."""
    upload_limit = config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if upload_limit and (length is None or length > upload_limit):
        return f"The upload is larger than the {format_size(upload_limit)} limit."
    field_limit = config.get("MAX_FORM_MEMORY_SIZE")
    if field_limit:
        return f"A form field is larger than the {format_size(field_limit)} limit."
    return "The request is too large."


def init_errors(app: Flask) -> None:
    @app.url_value_preprocessor
    def refuse_ids_out_of_range(_endpoint, values):
        if values and any(isinstance(value, int) and value > LARGEST_ID
                          for value in values.values()):
            abort(404)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = error.description or TITLES.get(error.code or 500, "Error")
        if error.code == 413:
            message = too_large_message(app.config)
        response = make_response(error_response(error.code or 500, message))
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(IntegrityError)
    def conflicting_write(error: IntegrityError):
        # Two requests racing on a unique key (the same project name, the same assignment):
        # the database refused the second; nothing was stored, and trying again is safe.
        from app.extensions import db

        db.session.rollback()
        app.logger.info("integrity conflict on %s (request %s)", constraint_of(error),
                        g.get("request_id"))
        return error_response(409, "This conflicts with a change made at the same time; "
                                   "nothing was saved. Reload the page and try again.")

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: Exception):
        # OperationalError: the connection was refused or dropped (and lock timeouts); the
        # pool forgets a dropped connection (SQLAlchemy invalidates it), so the next request
        # connects anew and the app recovers by itself once the database is back.
        # SQLite also raises OperationalError for a bug ("no such table", a syntax error):
        # that is a 500 with the statement logged, not a "try again" that would hide it.
        if not database_is_unreachable(error):
            return unexpected_error(error)
        from app.extensions import db, login_manager

        try:
            db.session.rollback()
        except DBAPIError:
            pass  # the connection is gone; the pool replaces it
        # The page is drawn as for a visitor: the user's row cannot be read now either.
        g._login_user = login_manager.anonymous_user()
        app.logger.warning("database unavailable (request %s, %s %s): %s", g.get("request_id"),
                           request.method, escape_controls(request.path),
                           type(getattr(error, "orig", None) or error).__name__)
        response = make_response(error_response(503, DATABASE_UNAVAILABLE))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.error("unhandled error (request %s, %s %s)\n%s", g.get("request_id"),
                         request.method, escape_controls(request.path), log_text(error))
        from app.extensions import db

        db.session.rollback()
        reference = f" (reference {g.request_id})" if g.get("request_id") else ""
        return error_response(500, f"An unexpected error occurred; it has been logged{reference}.")
