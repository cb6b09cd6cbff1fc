"""Errors: JSON `{"error", "field"}` under /api, a friendly page elsewhere."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

TITLES = {
    400: "Bad request",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "File too large",
    422: "Cannot process this input",
    500: "Something went wrong",
}


def format_size(size: int) -> str:
    """A byte count as people read it: 512 bytes, 4 KB, 20 MB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
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


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = error.description or TITLES.get(error.code or 500, "Error")
        if error.code == 413:
            message = (f"The upload is larger than the "
                       f"{format_size(app.config['MAX_CONTENT_LENGTH'])} limit.")
        response = error_response(error.code or 500, message)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response[0].headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        from app.extensions import db

        db.session.rollback()
        return error_response(500, "An unexpected error occurred; it has been logged.")
