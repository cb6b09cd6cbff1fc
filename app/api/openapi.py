"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Built from the app's URL map and the operations declared next to each route
(app.api.operations): paths and methods come from the routes themselves, bodies, query
parameters and answers from the pydantic schemas the routes validate with (app.api.schemas)
and the response shapes (app.api.responses). Pydantic writes JSON Schema 2020-12, the dialect
OpenAPI 3.1 uses, so the schemas go in unchanged. A route without a declaration is left out,
and tests/web/api/test_openapi.py fails on it.

Served to anyone: it describes the open-source code, not an installation's data.
"""

from __future__ import annotations

import re

from flask import Flask, current_app, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api import responses
from app.api.operations import FILE, NO_CONTENT, OPERATIONS, Operation, describe, operation
from app.api.routes import bp
from app.api.schemas import AgreementQuery

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "The body is not a JSON object, or (with a session) the CSRF check failed",
    401: "Not logged in, or an unknown, revoked or expired token",
    403: "In the project, but not allowed: role too low, not assigned, another's work",
    404: "No such thing, or in a project you are not in, or another annotator's span",
    409: "Conflicts with the current state: a stale version, a submitted document...",
    413: "The body is larger than the upload limit",
    422: "A value is wrong or missing; `field` names it",
    503: "The database cannot answer just now; nothing was changed, try again",
}
FILE_TYPES = ("application/x-ndjson", "application/json", "application/ld+json",
              "text/csv", "application/zip", "application/xml", "text/plain")


@bp.get("/openapi.json")
@operation("This description (OpenAPI 3.1)", public=True, tags=("meta",),
           responses={200: responses.Description})
def openapi_json():
    """Generated from the schemas the API validates with; the same for every installation."""
    cache = current_app.extensions.setdefault("credence_openapi", {})
    if "document" not in cache:
        cache["document"] = build_openapi(current_app)
    return jsonify(cache["document"])


# The agreement report's JSON route lives with its dashboard (app/agreement_views/routes.py).
describe("agreement_views.api_report", Operation(
    "The project's agreement report (reviewers and managers)", query=AgreementQuery,
    description="The JSON of `flask agreement PROJECT --json`: "
                "docs/agreement-dashboard.md#for-scripts-the-json-api.",
    responses={200: responses.AgreementReport}, tags=("agreement",)))


def build_openapi(app: Flask) -> dict:
    used: list[tuple[type[BaseModel], str]] = []
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        declared = OPERATIONS.get(rule.endpoint)
        if not rule.rule.startswith("/api/v1/") or declared is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule, rule.endpoint, declared, used)
    names, definitions = models_json_schema(
        list(dict.fromkeys(used)), ref_template=REF)
    schemas = definitions.get("$defs", {})
    _replace_refs(paths, names)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Credence API", "version": "1",
                 "description": "Source-credibility annotation: projects, documents, spans, "
                                "the claimant registry, review and gold (docs/api.md)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "a personal API token (profile page, "
                                              "POST /api/v1/me/tokens, flask users token)"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session",
                                  "description": "the pages' login; writes also need the "
                                                 "X-CSRFToken header"},
            },
        },
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
    }


def _operation(rule, endpoint: str, declared: Operation, used: list) -> dict:
    entry: dict = {"operationId": endpoint.replace(".", "_"), "summary": declared.summary,
                   "tags": list(declared.tags or (endpoint.split(".")[0],))}
    if declared.description:
        entry["description"] = declared.description
    if declared.public:
        entry["security"] = []
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}
                  for name in rule.arguments]
    if declared.query is not None:
        parameters += _query_parameters(declared.query)
    if parameters:
        entry["parameters"] = parameters
    if declared.body is not None:
        used.append((declared.body, "validation"))
        entry["requestBody"] = {
            "required": not declared.body_optional,
            "content": {"application/json": {"schema": {"$ref": ("validation",
                                                                   declared.body)}}}}
    answers = {}
    for status, shape in declared.responses.items():
        answers[str(status)] = _response(shape, used)
        links = declared.links.get(status)
        if links:
            answers[str(status)]["links"] = {
                name: {"operationId": target.replace(".", "_"), "parameters": parameters}
                for name, (target, parameters) in links.items()}
    for status, meaning in ERRORS.items():
        if status == 401 and declared.public:
            continue
        answers.setdefault(str(status), {"description": meaning, "content": {
            "application/json": {"schema": {"$ref": ("serialization", responses.Error)}}}})
    used.append((responses.Error, "serialization"))
    entry["responses"] = answers
    return entry


def _response(shape, used: list) -> dict:
    if shape == NO_CONTENT:
        return {"description": "Done; no body"}
    if shape == FILE:
        return {"description": "The file, streamed; Content-Disposition names it",
                "content": {kind: {"schema": {}} for kind in FILE_TYPES}}
    model = shape[0] if isinstance(shape, list) else shape
    used.append((model, "serialization"))
    schema: dict = {"$ref": ("serialization", model)}
    if isinstance(shape, list):
        schema = {"type": "array", "items": schema}
    return {"description": model.__doc__.strip().splitlines()[0]
            if model.__doc__ and model.__doc__.strip() else model.__name__,
            "content": {"application/json": {"schema": schema}}}


def _query_parameters(query: type[BaseModel]) -> list[dict]:
    schema = query.model_json_schema()
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        prop.pop("title", None)
        prop.pop("default", None)
        description = prop.pop("description", None)
        # An optional parameter is simply left out; "null" has no query-string spelling.
        options = [option for option in prop.pop("anyOf", []) if option != {"type": "null"}]
        if len(options) == 1:
            prop.update(options[0])
        elif options:
            prop["anyOf"] = options
        required = name in schema.get("required", ())
        if not required:  # an empty value counts as absent (the default), as in read_query()
            if "enum" in prop:
                prop["enum"] = [*prop["enum"], ""]
            if "pattern" in prop:
                prop["pattern"] = f"^$|{prop['pattern']}"
        parameter = {"name": name, "in": "query", "required": required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _replace_refs(value, names: dict) -> None:
    """Put each model's component reference where a placeholder (mode, model) stands."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "$ref" and isinstance(child, tuple):
                mode, model = child
                value[key] = names[(model, mode)]["$ref"]
            else:
                _replace_refs(child, names)
    elif isinstance(value, list):
        for child in value:
            _replace_refs(child, names)
