"""Password rules, after NIST SP 800-63B section 5.1.1.2 ("Memorized Secret Verifiers"):
at least a minimum length, compared against a list of commonly used passwords, and no
composition rules (no "one digit, one capital") and no periodic expiry.

The common-password list is the one zxcvbn ships (ranked by frequency in leaked password
sets); its 10,000 most frequent entries are refused, compared case-insensitively.
"""

from __future__ import annotations

import functools

MIN_LENGTH = 10
MAX_LENGTH = 1024  # the login form's limit: a longer password could never be typed there
COMMON_COUNT = 10_000


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_COUNT])


def password_problem(password: str) -> str | None:
    """Why `password` may not be used, or None if it may."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password is at most {MAX_LENGTH} characters"
    if not password.strip():
        return "a password cannot be only spaces"
    if password.lower() in _common_passwords() or password.strip().lower() in _common_passwords():
        return "this password is one of the most common ones; choose another"
    return None
