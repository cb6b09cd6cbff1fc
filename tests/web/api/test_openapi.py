"""The OpenAPI description at /api/v1/openapi.json: valid, complete, and built from the schemas
the routes validate with."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from app.api.operations import OPERATIONS


def _description(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_description_is_served_to_anyone_and_is_valid_openapi_3_1(client):
    spec = _description(client)  # no login: the client is anonymous
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any violation of the OpenAPI 3.1 schema


def test_every_api_route_of_the_url_map_is_described(app, client):
    spec = _description(client)
    described = {(path, method.upper()) for path, methods in spec["paths"].items()
                 for method in methods}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        missing += [f"{method} {rule.rule} ({rule.endpoint})"
                    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
                    if (path, method) not in described]
    assert not missing, ("routes missing from the OpenAPI description; declare each with "
                         "@operation (app/api/operations.py): " + ", ".join(missing))
    assert len(described) >= 36


def test_each_operation_documents_its_success_answer_and_path_variables(client):
    spec = _description(client)
    for path, methods in spec["paths"].items():
        variables = set(re.findall(r"{(\w+)}", path))
        for method, entry in methods.items():
            where = f"{method.upper()} {path}"
            assert entry["summary"], where
            assert any(code.startswith("2") for code in entry["responses"]), where
            declared = {p["name"] for p in entry.get("parameters", ()) if p["in"] == "path"}
            assert declared == variables, where


def _resolve(spec: dict, schema: dict) -> dict:
    name = schema["$ref"].rsplit("/", 1)[-1]
    return spec["components"]["schemas"][name]


def test_request_bodies_in_the_description_are_the_validating_schemas(client):
    """Each body schema shown is the JSON Schema of the very model read_body() validates with
    (the one declared by the route's @operation)."""
    spec = _description(client)
    entries = {entry["operationId"]: entry for methods in spec["paths"].values()
               for entry in methods.values()}
    with_body = [endpoint for endpoint, declared in OPERATIONS.items() if declared.body]
    assert "api.create_span" in with_body and len(with_body) >= 15
    for endpoint in with_body:
        declared = OPERATIONS[endpoint]
        body = entries[endpoint.replace(".", "_")]["requestBody"]
        assert body["required"] is not declared.body_optional, endpoint
        shown = _resolve(spec, body["content"]["application/json"]["schema"])
        expected = declared.body.model_json_schema(ref_template="#/components/schemas/{model}")
        expected.pop("$defs", None)
        assert shown == expected, endpoint


def test_span_create_schema_states_the_rules_the_api_enforces(client):
    spec = _description(client)
    schemas = spec["components"]["schemas"]
    create = schemas["SpanCreate"]
    assert set(create["required"]) == {"start", "end", "text", "evidence_type"}
    assert create["additionalProperties"] is False  # unknown fields are refused
    start = create["properties"]["start"]
    assert (start["type"], start["minimum"], start["maximum"]) == ("integer", 0, 2**31 - 1)
    assert create["properties"]["note"]["maxLength"] == 2000
    # The read-only fields a client may send back (undo) are listed, so they are not unknown.
    assert {"id", "version", "annotator"} <= set(create["properties"])
    update = schemas["SpanUpdate"]
    assert update["required"] == ["version"]
    # Optional but not nullable: no "default": null that a generator would send back.
    assert "default" not in update["properties"]["note"]


def test_description_is_refused_nothing_when_logged_in_and_lists_bearer_auth(api, world):
    response = api.get("alice", "/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    # Nothing of the installation is in it: the description is the same for everyone.
    assert world.document.text not in response.get_data(as_text=True)
    assert "Newsroom" not in response.get_data(as_text=True)
