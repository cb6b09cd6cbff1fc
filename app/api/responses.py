"""Response shapes of /api/v1, for the OpenAPI description (app.api.openapi).

The routes build their JSON with plain functions (app.api.serialise, app.review.serialise):
building a model per response would cost CPU on the span save path for nothing. That each
answer has the shape written here is checked instead: the fuzzing test validates every
response it gets against these schemas (tests/web/api/test_openapi_fuzz.py).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["assigned", "in_progress", "submitted"]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(Shape):
    """Every refusal: the message, and the input at fault."""

    error: str
    field: str | None = Field(default=None, description="the input at fault, when one is")
    current: dict[str, Any] | None = Field(
        default=None, description="409 on a stale version: the object as it is now (null if "
        "deleted)")


class ProjectSummary(Shape):
    """A project you belong to, with your role."""

    id: int
    name: str
    role: Literal["annotator", "reviewer", "manager"] | None


class Project(ProjectSummary):
    """A project's scheme, word snapping and guidelines."""

    scheme: dict[str, Any] = Field(description="evidence_types, claimant_types, source_types")
    snap_to_words: bool
    guidelines: str = Field(description="Markdown")


class DocumentSummary(Shape):
    """A document in a project's list."""

    id: int
    external_id: str
    title: str
    status: Status | None = Field(description="your assignment's status")


class Document(DocumentSummary):
    """A document with its text."""

    project_id: int
    url: str | None
    published: str | None = Field(description="an ISO date")
    text: str
    length: int = Field(description="in Unicode code points, the unit of every offset")


class ClaimantBrief(Shape):
    id: int
    name: str
    type: str


class Span(Shape):
    """A span: offsets in code points, its quote, claimant and evidence type."""

    id: int
    start: int
    end: int
    text: str
    claimant: ClaimantBrief
    evidence_type: str
    note: str
    version: int
    annotator: str


class ClaimantMatch(ClaimantBrief):
    """An autocomplete match."""

    status: Literal["confirmed", "proposed"]
    aliases: list[str]
    matched: str = Field(description="the name or alias that matched")


class RegistryClaimant(ClaimantBrief):
    """A claimant of the registry."""

    source_type: str | None
    affiliation_id: int | None
    role: str
    description: str
    external_id: str
    status: Literal["confirmed", "proposed"]
    aliases: list[str]
    spans: int | None = Field(default=None, description="in the registry list only")
    gold_spans: int | None = Field(default=None, description="in the registry list only")


class ClaimantMerged(Shape):
    """The merge, as an event that can be undone."""

    event: int
    into: int
    summary: str


class ClaimantRestored(Shape):
    """The claimant a merge undo restored."""

    restored: RegistryClaimant
    project: int


class Token(Shape):
    """An API token (never the token itself)."""

    id: int
    name: str
    created_at: str | None
    expires_at: str | None
    last_used_at: str | None
    expired: bool


class NewToken(Token):
    """A new API token, with the token itself."""

    token: str = Field(description="shown this once only")


class AssignmentStatus(Shape):
    """Your assignment's status now."""

    status: Status


class QueueRow(Shape):
    """A document in the review queue."""

    id: int
    external_id: str
    title: str
    units: int
    disagreements: dict[str, int]
    agreement: float | None
    status: str
    reviewer: str | None
    decided: int
    returned: list[str] | int = Field(description="names, or a count in anonymous review")


class Gold(Shape):
    """A gold decision."""

    id: int
    document_id: int
    start: int
    end: int
    text: str
    claimant: ClaimantBrief | None
    evidence_type: str | None
    note: str
    provenance: str
    rejected: bool
    reason: str | None
    source_span_ids: list[int]
    reviewer: str | None
    updated_at: str | None
    version: int


class DocumentReview(Shape):
    """A document's units for review."""

    document: dict[str, Any]
    status: str
    annotators: list[str]
    units: list[dict[str, Any]] = Field(description="index, start, end, state, kinds, "
                                        "versions, missing, decision")
    added: list[Gold]
    decided: int


class GoldEvent(Shape):
    """A change to the gold layer."""

    id: int
    gold_span_id: int | None
    action: Literal["create", "update", "delete"]
    user: str | None
    at: str
    batch: str | int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undone: bool


class GoldUndone(Shape):
    """What the undo reverted."""

    undone: int
    gold_span_ids: list[int]


class MergeProposal(Shape):
    document_id: int
    unit: int
    start: int
    end: int
    text: str
    provenance: str
    share: float
    span_id: int | None


class MergeResult(Shape):
    """The units merged (or, with dry_run, that would be)."""

    dry_run: bool
    units: list[MergeProposal]


class ReviewState(Shape):
    """The document's review status now."""

    status: str


class Returned(Shape):
    """The work sent back."""

    annotator: str
    status: Status
    note: str | None


class AgreementReport(BaseModel):
    """The report of docs/agreement-dashboard.md; its keys are documented there."""

    model_config = ConfigDict(extra="allow")


class Description(BaseModel):
    """The OpenAPI description"""

    model_config = ConfigDict(extra="allow")
