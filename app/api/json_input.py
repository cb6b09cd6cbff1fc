"""Reading a request: the body strictly as JSON first (app.strict_json: huge integers, 1e400,
NaN, deep nesting and bad UTF-8 refused, naming the field), then validated with the
operation's schema (app.api.schemas), the one its OpenAPI description shows.

A body must be one JSON object (else 400). A value of the wrong type, an unknown field or a
missing one is a 422 naming the field (`claimant.type`, `aliases[2]`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from app.annotate.service import UNSET, ClaimantChoice
from app.api.operations import operation_of
from app.errors import ServiceError
from app.strict_json import JsonRefused, parse_json

Model = TypeVar("Model", bound=BaseModel)


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


def read_body(*, allow_empty: bool = False) -> Any:
    """The request's JSON object, validated with the body schema its route declares
    (`@operation(body=...)`, app.api.openapi): the schema the description shows."""
    return validated(operation_of(request.endpoint).body, read_json_object(
        allow_empty=allow_empty))


def read_query() -> Any:
    """The query string, validated with the route's query schema: every value of a list
    parameter (`?annotators=a&annotators=b`), else the first; an empty value counts as
    absent, and parameters the schema does not name are ignored (schemas.Query.arguments)."""
    schema = operation_of(request.endpoint).query
    return validated(schema, schema.arguments(request.args))


def validated(schema: type[Model], data: dict) -> Model:
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise _refusal(schema, error.errors(include_url=False, include_input=False)[0]) from None


def _refusal(schema: type[BaseModel], problem: dict) -> ServiceError:
    field = _path(problem["loc"])
    name = str(problem["loc"][-1]) if problem["loc"] else field
    kind = problem["type"]
    if kind == "missing":
        return ServiceError(f"{field} is required", field)
    if kind == "extra_forbidden":
        known = _known_fields(schema, problem["loc"][:-1])
        return ServiceError(f"unknown field {name!r}; expected one of {', '.join(known)}", field)
    message = problem["msg"].removeprefix("Value error, ")
    return ServiceError(f"{field}: {message[:1].lower()}{message[1:]}", field)


def _path(location: tuple) -> str:
    """("claimant", "type") -> "claimant.type"; ("aliases", 2) -> "aliases[2]"."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(("function-", "constrained-")):  # pydantic's inner steps
            path += f".{part}" if path else part
    return path


def _known_fields(schema: type[BaseModel], location: tuple) -> list[str]:
    for part in location:
        field = schema.model_fields.get(part) if isinstance(part, str) else None
        inner = getattr(field, "annotation", None) if field else None
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            schema = inner
    return sorted(schema.model_fields)


def given(body: BaseModel, name: str):
    """The field's value when the request gave it, else UNSET (for partial updates)."""
    return getattr(body, name) if name in body.model_fields_set else UNSET


def claimant_choice(body: BaseModel, *, required: bool = True):
    """`claimant: {"name", "type"}` or `claimant_id`, exactly one; UNSET when both absent."""
    fields = body.model_fields_set
    if "claimant" in fields and "claimant_id" in fields:
        raise ServiceError("give either claimant or claimant_id, not both", "claimant")
    if "claimant_id" in fields:
        return ClaimantChoice(claimant_id=body.claimant_id)
    if "claimant" not in fields:
        if required:
            raise ServiceError("claimant (an object with name and type) or claimant_id is "
                               "required", "claimant")
        return UNSET
    # "id" is what the API returns inside a span's claimant; the name decides.
    return ClaimantChoice(name=body.claimant.name, type=body.claimant.type)
