"""Request schemas of /api/v1: each model both validates a body (app.api.json_input) and
describes it in the OpenAPI document (app.api.openapi), so the two cannot drift apart.

Conventions, as docs/api.md states them:
- types are strict: `true`, `1.0` and `"1"` are not integers, `null` is not a string;
- unknown fields are refused (`extra="forbid"`), so a misspelt field never passes silently;
- integers are bounded by the 32-bit INTEGER columns they are compared with, so a huge one
  is a 422 naming its field instead of a driver error;
- text must be storable: no NUL character, no lone UTF-16 surrogate;
- an optional field that may not be `null` has the default `None` in Python only: the JSON
  Schema leaves the default out (`absent()`), as `null` would be refused.
Values that depend on the project (evidence-type keys, offsets within the document's text,
claimant names) are checked by the services, which name the field too.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)
from werkzeug.datastructures import MultiDict

from app.agreement_views.service import MODES, AgreementOptions, listed_words
from app.agreement_views.service import document_ids as agreement_document_ids
from app.models import REVIEW_STATUSES
from app.review.service import KINDS
from app.text import is_storable_text, is_yes
from app.transfer.export import EXPORT_FORMATS, LAYERS, MAX_DOCUMENT_IDS, SCOPES, ExportOptions
from app.transfer.export import document_ids as export_document_ids

# Ids, offsets and versions are 32-bit INTEGER columns.
LARGEST_INTEGER = 2**31 - 1


def _storable(value: str) -> str:
    if not is_storable_text(value):
        raise ValueError("contains a NUL character or a lone UTF-16 surrogate")
    return value


Text = Annotated[StrictStr, AfterValidator(_storable)]
Integer = Annotated[StrictInt, Field(ge=-LARGEST_INTEGER, le=LARGEST_INTEGER)]
Offset = Annotated[StrictInt, Field(ge=0, le=LARGEST_INTEGER,
                                    description="a Unicode code point index into the text")]
Id = Annotated[StrictInt, Field(ge=1, le=LARGEST_INTEGER)]


def _without_default(schema: dict) -> None:
    schema.pop("default", None)


def absent(description: str | None = None, **constraints) -> Any:
    """An optional field that, when given, must have its type (`null` refused)."""
    return Field(default=None, description=description, json_schema_extra=_without_default,
                 **constraints)


def ignored(description: str) -> Any:
    """A read-only field of a returned object: accepted on create, so a client can send back
    what it read (undo), and ignored."""
    return Field(default=None, description=description, json_schema_extra=_without_default)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Empty(Body):
    """No fields: send no body, or `{}`."""


# --- spans -----------------------------------------------------------------------------------

class ClaimantName(Body):
    """A claimant by name: an existing one (name or alias, ignoring case), or a new proposal
    of yours, which then needs `type`."""

    name: Text = Field(description="1 to 300 characters")
    type: Text = absent("a claimant-type key of the project's scheme; required for a new "
                        "claimant")
    id: Any = ignored("read-only (as returned inside a span); the name decides")


class SpanCreate(Body):
    """A new span. Give exactly one of `claimant` and `claimant_id`."""

    start: Offset
    end: Offset = Field(description="after start, at most the document's length")
    text: Text = Field(description="must equal document.text[start:end]")
    evidence_type: Text = Field(description="an evidence-type key of the project's scheme")
    claimant: ClaimantName = absent()
    claimant_id: Integer = absent("a claimant of this project you may see")
    note: Text = Field(default="", max_length=2000)
    id: Any = ignored("read-only: ignored, so undo can POST a span back")
    version: Any = ignored("read-only: ignored")
    annotator: Any = ignored("read-only: ignored")


class SpanChanges(Body):
    """Where a span lies, its quote and its labels, each optional: the fields a change to a
    span or a gold span may give, and a decision (gold) that needs only what it decides."""

    start: Offset = absent()
    end: Offset = absent()
    text: Text = absent()
    evidence_type: Text = absent()
    claimant: ClaimantName = absent()
    claimant_id: Integer = absent()
    note: Text = absent(max_length=2000)


class SpanUpdate(SpanChanges):
    """Changes to your own span: `version` (the one you read) and any other field; `text` is
    required when `start` or `end` is given."""

    version: Integer


# --- documents -------------------------------------------------------------------------------

class Reopen(Body):
    annotator: Text = Field(description="whose submitted work to make editable again")


# --- my tokens -------------------------------------------------------------------------------

class TokenCreate(Body):
    name: Text = Field(description="unique among your tokens, at most 120 characters")
    expires_in_days: Annotated[StrictInt, Field(ge=1, le=3650)] | None = Field(
        default=None, description="null or absent: never expires")


# --- the claimant registry -------------------------------------------------------------------

class RegistryFields(Body):
    type: Text = absent("a claimant-type key of the project's scheme")
    source_type: Text | None = absent("a source-type key of the scheme; null clears it")
    affiliation_id: Integer | None = absent("the claimant it belongs to; null clears it")
    role: Text = absent()
    description: Text = absent()
    external_id: Text = absent()


class RegistryCreate(RegistryFields):
    """A confirmed claimant."""

    name: Text
    aliases: list[Text] = Field(default_factory=list)


class RegistryUpdate(RegistryFields):
    """Any registry fields; a new `name` keeps the old one as an alias."""

    name: Text = absent()


class AliasCreate(Body):
    alias: Text


class ClaimantMerge(Body):
    into: Integer = Field(description="the claimant that receives the spans")


# --- review and gold -------------------------------------------------------------------------

Reason = Literal["annotator_error", "guideline_gap", "ambiguous_text", "boundary_convention",
                 "other"]
SpanId = Annotated[StrictInt, Field(ge=1, le=LARGEST_INTEGER)]


class GoldCreate(SpanChanges):
    """A decision: a gold span quoting the text, or `rejected: true` ("not a claim") for the
    unit's `source_span_ids`."""

    note: Text = Field(default="", max_length=2000)
    reason: Text | None = absent(f"one of {', '.join(Reason.__args__)}")
    rejected: StrictBool = False
    source_span_ids: list[SpanId] = Field(default_factory=list,
                                          description="the unit's spans; none for a new claim")
    id: Any = ignored("read-only: ignored")
    document_id: Any = ignored("read-only: ignored")
    provenance: Any = ignored("read-only: ignored")
    reviewer: Any = ignored("read-only: ignored")
    updated_at: Any = ignored("read-only: ignored")
    version: Any = ignored("read-only: ignored")


class GoldUpdate(SpanChanges):
    version: Integer
    reason: Text | None = absent()
    rejected: StrictBool = absent()


class GoldDelete(Body):
    """The version read; or send no body and `?version=N`."""

    version: Integer


class GoldMerge(Body):
    strategy: Literal["unanimous", "majority"]
    threshold: StrictInt | StrictFloat | None = Field(
        default=None, description="the share a majority needs: above 0.5, at most 1; "
        "default 0.67")
    dry_run: StrictBool = Field(default=True, description="only list what would be merged")


class ReviewStatus(Body):
    status: Literal["adjudicated", "in_review"] = Field(
        description="adjudicated: mark done; in_review: reopen (managers)")


class ReturnWork(Body):
    annotator: Text
    note: Text


# --- query strings ---------------------------------------------------------------------------
# Query parameters arrive as text; unknown ones are ignored, as browsers and proxies add their
# own. An empty value counts as absent.

class Query(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def arguments(cls, args: MultiDict) -> dict:
        """What to validate from a query string: every value of a list parameter (given
        repeated, `?annotators=a&annotators=b`), else the first; empty values left out."""
        values = {}
        for name, field in cls.model_fields.items():
            given = [value for value in args.getlist(name) if value]
            if given:
                values[name] = given if _is_list(field.annotation) else given[0]
        return values


def _is_list(annotation) -> bool:
    """Whether a field's type is a list, behind `| None` and Annotated[...]."""
    if get_origin(annotation) is list:
        return True
    return any(_is_list(inner) for inner in get_args(annotation))


# A switch: 1, true, yes or on (any case) is on, any other value off (app.text.is_yes).
Switch = Annotated[str, AfterValidator(is_yes)]
# A number in a query string: digits, read as an integer (not strict: it arrives as text).
QueryInteger = Annotated[int, Field(ge=0, le=LARGEST_INTEGER)]


class SpanListQuery(Query):
    annotator: Text | None = Field(default=None, description="another annotator's spans "
                                   "(reviewers and managers; yourself for anyone)")


class ClaimantSearchQuery(Query):
    q: Text = Field(default="", description="a name or alias, or the start of one of its words")


class RegistryQuery(ClaimantSearchQuery):
    status: Literal["confirmed", "proposed"] | None = None


class ReviewQueueQuery(Query):
    status: Literal[REVIEW_STATUSES] | None = None
    kind: Literal[KINDS] | None = Field(default=None, description="a kind of disagreement")
    annotator: Text | None = None
    evidence_type: Text | None = None
    claimant: QueryInteger | None = Field(default=None, description="a claimant id")


class GoldListQuery(Query):
    rejected: Switch | None = Field(default=None, description="1, true, yes or on: the \"not "
                                    "a claim\" decisions too")


class GoldDeleteQuery(Query):
    version: QueryInteger | None = Field(
        default=None, description="the version read (or a body {\"version\": N})")


class AliasQuery(Query):
    alias: Text = Field(default="", description="the alias to remove")


class ExportQuery(Query):
    """The export's options (docs/formats.md): validated here, then ExportOptions, the
    service's input (the download page and `flask export` read the same parameters with
    app.transfer.export.options_from_args, from the same constants and functions)."""

    format: Literal[tuple(EXPORT_FORMATS)] | None = Field(
        default=None, description=f"default {ExportOptions.format}")
    layer: Literal[LAYERS] | None = Field(
        default=None, description=f"default {ExportOptions.layer}; annotators get their own "
        "work only, layer=annotators")
    scope: Literal[SCOPES] | None = Field(
        default=None, description=f"default {ExportOptions.scope}")
    documents: Annotated[Text, AfterValidator(export_document_ids)] | None = Field(
        default=None, description="external document ids, comma-separated, at most "
        f"{MAX_DOCUMENT_IDS} (default: every document in scope)")
    excel: Switch | None = Field(default=None, description="1, true, yes or on: start a CSV "
                                 "with a byte-order mark for Excel")

    def options(self, **defaults) -> ExportOptions:
        return ExportOptions(**{**defaults, **_given(self)})


class AgreementQuery(Query):
    """The agreement report's options (docs/agreement-dashboard.md): validated here, then
    AgreementOptions (the dashboard and `flask agreement` read the same parameters with
    app.agreement_views.service.options_from_args, from the same constants and functions).
    Lists are comma-separated, or the parameter repeated, or both."""

    mode: Literal[MODES] | None = Field(
        default=None, description=f"how spans are matched into units; default "
        f"{AgreementOptions.mode}")
    annotators: Annotated[list[Text], AfterValidator(listed_words)] | None = Field(
        default=None, description="usernames, comma-separated or the parameter repeated (default: "
        "everyone whose work counts)")
    documents: Annotated[list[Text], AfterValidator(agreement_document_ids)] | None = Field(
        default=None, description="document ids, comma-separated or the parameter repeated "
        "(default: every document)")
    include_unsubmitted: Switch | None = Field(
        default=None, description="1, true, yes or on: count work not yet submitted")

    def options(self) -> AgreementOptions:
        return AgreementOptions(**_given(self))


def _given(query: Query) -> dict:
    """The fields the query string gave (an empty value counts as absent), as validated."""
    return {name: getattr(query, name) for name in query.model_fields_set}
