"""What each /api/v1 route accepts and answers, declared once next to the route:

    @bp.post("/documents/<int:document_id>/spans")
    @operation("Create a span", body=SpanCreate, responses={201: Span})
    def create_span(document_id): ... read_body() ...

`read_body()` and `read_query()` (app.api.json_input) validate with the schemas declared here,
and app.api.openapi builds the OpenAPI description from the same declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

NO_CONTENT = "no content"
FILE = "file"


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str = ""
    body: type[BaseModel] | None = None
    body_optional: bool = False  # no body at all is also accepted
    query: type[BaseModel] | None = None
    # status -> a response model, [model] for a list of them, NO_CONTENT or FILE
    responses: dict[int, object] = field(default_factory=dict)
    public: bool = False  # no login needed
    tags: tuple[str, ...] = ()
    # What a client (and the stateful fuzzing) can do next with an answer: OpenAPI links,
    # {status: {name: (endpoint, {parameter: "$response.body#/id"})}}.
    links: dict[int, dict[str, tuple[str, dict[str, str]]]] = field(default_factory=dict)


OPERATIONS: dict[str, Operation] = {}  # by endpoint ("api.create_span")


def operation(summary: str, *, blueprint: str = "api", **details) -> Callable:
    """Declare the view's operation; the view's docstring becomes its description."""
    def declare(view: Callable) -> Callable:
        describe(f"{blueprint}.{view.__name__}",
                 Operation(summary, description=_dedent(view.__doc__), **details))
        return view
    return declare


def describe(endpoint: str, declared: Operation) -> None:
    """Declare the operation of a route that lives outside app/api (the agreement report)."""
    OPERATIONS[endpoint] = declared


def operation_of(endpoint: str | None) -> Operation:
    return OPERATIONS[endpoint or ""]


def _dedent(text: str | None) -> str:
    return " ".join((text or "").split())
