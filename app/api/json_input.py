"""Strict readers for JSON request bodies.

A body must be one JSON object (else 400). Each value must have the documented type
(else 422 naming the field): `true` is not an integer and `null` is not a string.
Unknown fields are refused with 422, so a misspelt field never passes silently; the
read-only fields of a span as the API returns it (`id`, `version`, `annotator`) are
accepted and ignored on create, so a client can POST back a span it has read.
"""

from __future__ import annotations

import json

from flask import request

from app.annotate.service import UNSET, ClaimantChoice
from app.errors import ServiceError
from app.strict_json import JsonRefused, parse_json
from app.text import is_storable_text as storable


def read_json_object(*, allow_empty: bool = False) -> dict:
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return {}
        raise ServiceError("the request body must be a JSON object", status=400)
    try:
        data = parse_json(raw)
    except JsonRefused as error:
        if error.field:  # a number out of range: name it, as for any other bad value
            raise ServiceError(f"{error.field}: {error.reason}", error.field) from None
        raise ServiceError(f"the request body is refused: {error.message}", status=400) from None
    if not isinstance(data, dict):
        raise ServiceError("the request body must be a JSON object", status=400)
    return data


def refuse_unknown_fields(data: dict, allowed: set[str], prefix: str = "") -> None:
    for name in sorted(set(data) - allowed):
        raise ServiceError(f"unknown field {name!r}; expected one of "
                           f"{', '.join(sorted(allowed))}", prefix + name)


# Ids, offsets and versions are 32-bit INTEGER columns; a larger number would make the
# database driver raise instead of simply finding nothing.
LARGEST_INTEGER = 2**31 - 1


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer(data: dict, name: str, *, required: bool = True, prefix: str = ""):
    """An integer field, or UNSET when absent and optional."""
    if name not in data:
        if required:
            raise ServiceError(f"{name} is required", prefix + name)
        return UNSET
    value = data[name]
    if not _is_integer(value):
        raise ServiceError(f"{name} must be an integer, not {json.dumps(value)}", prefix + name)
    if abs(value) > LARGEST_INTEGER:
        raise ServiceError(f"{name} {value} is out of range", prefix + name)
    return value


def string(data: dict, name: str, *, required: bool = True, default=UNSET, prefix: str = ""):
    """A string field; `default` (or UNSET) when absent and optional."""
    if name not in data:
        if required:
            raise ServiceError(f"{name} is required", prefix + name)
        return default
    value = data[name]
    if not isinstance(value, str):
        raise ServiceError(f"{name} must be a string, not {json.dumps(value)}", prefix + name)
    if not storable(value):
        raise ServiceError(f"{name} contains a NUL character or a lone UTF-16 surrogate",
                           prefix + name)
    return value


def claimant_choice(data: dict, *, required: bool = True):
    """`claimant: {"name", "type"}` or `claimant_id`, exactly one; UNSET when both absent."""
    if "claimant" in data and "claimant_id" in data:
        raise ServiceError("give either claimant or claimant_id, not both", "claimant")
    if "claimant_id" in data:
        return ClaimantChoice(claimant_id=integer(data, "claimant_id"))
    if "claimant" not in data:
        if required:
            raise ServiceError("claimant (an object with name and type) or claimant_id is "
                               "required", "claimant")
        return UNSET
    value = data["claimant"]
    if not isinstance(value, dict):
        raise ServiceError("claimant must be an object with name and type", "claimant")
    # "id" is what the API returns inside a span's claimant; the name decides.
    refuse_unknown_fields(value, {"name", "type", "id"}, prefix="claimant.")
    name = string(value, "name", prefix="claimant.")
    claimant_type = string(value, "type", required=False, default=None, prefix="claimant.")
    return ClaimantChoice(name=name, type=claimant_type)
