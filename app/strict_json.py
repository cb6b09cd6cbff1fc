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
    `line` and `column` (1-based) say where, when the parser knows; `message` is both. For a
    refused number, `field` is its path in the value ("meta.n", "spans[2].start")."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None,
                 field: str | None = None):
        self.reason, self.line, self.column, self.field = reason, line, column, field
        self.message = reason if line is None else f"{reason} at line {line}, column {column}"
        super().__init__(self.message)


def parse_json(text: str | bytes,
               object_pairs_hook: Callable[[list[tuple[str, object]]], object] | None = None
               ) -> object:
    """The value of `text`, or JsonRefused. Numbers are finite; integers have a bounded size."""
    try:
        return json.loads(text, parse_float=_finite_float, parse_constant=_not_a_number,
                          object_pairs_hook=object_pairs_hook)
    except JsonRefused as refused:
        raise JsonRefused(refused.reason, field=_refused_number_path(text)) from None
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
                          "far more than any value here can hold",
                          field=_refused_number_path(text)) from None


def _finite_float(word: str) -> float:
    value = float(word)
    if math.isinf(value):
        raise JsonRefused(f"the number {_shortened(word)} is too large to store")
    return value


def _not_a_number(word: str) -> None:
    raise JsonRefused(f"not valid JSON: {word} is not a JSON number")


class _RefusedNumber:
    """Stands for a refused number in the second, lenient reading that finds where it is."""


def _lenient_int(word: str) -> object:
    return _RefusedNumber() if len(word.lstrip("-")) > sys.get_int_max_str_digits() else 0


def _lenient_float(word: str) -> object:
    return _RefusedNumber() if math.isinf(float(word)) else 0.0


def _refused_number_path(text: str | bytes) -> str | None:
    """The path of the first refused number: the text is read again with numbers that stand
    in for the refused ones, and the value walked (only after a refusal, so no cost else)."""
    try:
        value = json.loads(text, parse_int=_lenient_int, parse_float=_lenient_float,
                           parse_constant=lambda _word: _RefusedNumber())
    except (ValueError, RecursionError):
        return None
    return _path_of_refused(value, "")


def _path_of_refused(value: object, path: str) -> str | None:
    stack = [(value, path)]
    while stack:  # iterative: the value may be deep
        item, where = stack.pop()
        if isinstance(item, _RefusedNumber):
            return where or None
        if isinstance(item, dict):
            stack.extend((child, f"{where}.{key}" if where else str(key))
                         for key, child in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]")
                         for index, child in reversed(list(enumerate(item))))
    return None


def _shortened(word: str) -> str:
    return word if len(word) <= 20 else word[:17] + "..."
