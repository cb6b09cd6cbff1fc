"""Parsing JSON that people type or upload: every way `json.loads` can fail on it becomes one
JsonRefused with a message, never another exception (which would be a 500).

Python's `json.loads` fails in ways beyond JSONDecodeError on hostile input:
- an integer of more than `sys.get_int_max_str_digits()` (4,300) digits raises a plain
  ValueError (the CVE-2020-10735 guard, Python 3.11);
- nesting tens of thousands deep raises RecursionError;
- `1e400` parses to `inf`, and `NaN`/`Infinity` (not JSON, RFC 8259 section 6) are accepted;
  PostgreSQL then refuses to store them in a JSON column and SQLite stores text no other JSON
  reader accepts.
PURE: imports nothing from Flask or SQLAlchemy.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable


class JsonRefused(ValueError):
    """The text is not JSON we accept. `reason` says why in words for the person who sent it;
    `line` and `column` (1-based) say where, when the parser knows; `message` is both."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        self.reason, self.line, self.column = reason, line, column
        self.message = reason if line is None else f"{reason} at line {line}, column {column}"
        super().__init__(self.message)


def parse_json(text: str | bytes,
               object_pairs_hook: Callable[[list[tuple[str, object]]], object] | None = None
               ) -> object:
    """The value of `text`, or JsonRefused. Numbers are finite; integers have a bounded size."""
    try:
        return json.loads(text, parse_float=_finite_float, parse_constant=_not_a_number,
                          object_pairs_hook=object_pairs_hook)
    except JsonRefused:
        raise
    except json.JSONDecodeError as error:
        raise JsonRefused(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise JsonRefused("not valid JSON: nested deeper than any value here can be") from None
    except UnicodeDecodeError:
        raise JsonRefused("not valid JSON: the bytes are not UTF-8 text") from None
    except ValueError as error:
        if "integer string conversion" not in str(error):
            raise
        raise JsonRefused(f"an integer has more than {sys.get_int_max_str_digits()} digits, "
                          "far more than any value here can hold") from None


def _finite_float(word: str) -> float:
    value = float(word)
    if math.isinf(value):
        raise JsonRefused(f"the number {_shortened(word)} is too large to store")
    return value


def _not_a_number(word: str) -> None:
    raise JsonRefused(f"not valid JSON: {word} is not a JSON number")


def _shortened(word: str) -> str:
    return word if len(word) <= 20 else word[:17] + "..."
