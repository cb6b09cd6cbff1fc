"""What the error log says about an unexpected error: enough to find the bug, never the
research data. A database error's message quotes the values sent with the statement (a
document's text, a note, `Key (name)=(…)`), so for those only the statement (its parameters
are hidden at the engine: `hide_parameters`), the driver's error class and its SQLSTATE are
logged. Other messages are cut to a line and their control characters escaped.
"""

from __future__ import annotations

import traceback

from sqlalchemy.exc import DBAPIError, StatementError

from app.text import terminal_safe

MAX_MESSAGE = 200


def escape_controls(text: str) -> str:
    """Control characters (a terminal's escape sequences, line breaks that would forge log
    lines) as visible escapes."""
    return terminal_safe(text, keep="")


def log_text(error: BaseException) -> str:
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"Traceback (most recent call last):\n{frames}{error_summary(error)}"


def error_summary(error: BaseException) -> str:
    if isinstance(error, StatementError):
        original = getattr(error, "orig", None)
        statement = " ".join((error.statement or "").split())[:MAX_MESSAGE]
        return (f"{type(error).__name__} ({type(original).__name__}, "
                f"SQLSTATE {database_error_code(error)}; message withheld, it may quote "
                f"stored text) in: {statement}")
    message = escape_controls(str(error))
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return f"{type(error).__name__}: {message}"


def database_error_code(error: BaseException) -> str | None:
    """The SQLSTATE (PostgreSQL) or SQLite error name of a database error, if any."""
    original = getattr(error, "orig", None) if isinstance(error, DBAPIError) else None
    return (getattr(original, "sqlstate", None)
            or getattr(original, "sqlite_errorname", None))


def constraint_of(error: BaseException) -> str:
    """Which constraint refused a write, without the values (PostgreSQL's DETAIL has them)."""
    original = getattr(error, "orig", None)
    diagnostics = getattr(original, "diag", None)
    name = getattr(diagnostics, "constraint_name", None)
    if name:
        return name
    text = str(original or "")
    # SQLite names the columns and no values: "UNIQUE constraint failed: projects.name"
    return escape_controls(text.splitlines()[0][:MAX_MESSAGE]) if "constraint" in text else "?"
