"""The data model: one module per aggregate. Import models from here."""

from app.models.accounts import SetPasswordLink, SiteSetting
from app.models.audit import AuditEvent
from app.models.claimants import Claimant, ClaimantAlias, ClaimantEvent
from app.models.documents import ASSIGNMENT_STATUSES, Assignment, Document
from app.models.projects import ROLES, ROLES_IN_WORDS, Project, ProjectMember
from app.models.review import REVIEW_STATUSES, DocumentReview, GoldEvent
from app.models.revisions import REVISION_KINDS, ProjectRevision
from app.models.spans import PROVENANCES, REASONS, GoldSpan, Span, gold_span_sources
from app.models.users import ApiToken, User

__all__ = [
    "ASSIGNMENT_STATUSES",
    "PROVENANCES",
    "REASONS",
    "REVIEW_STATUSES",
    "REVISION_KINDS",
    "ROLES",
    "ROLES_IN_WORDS",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Claimant",
    "ClaimantAlias",
    "ClaimantEvent",
    "Document",
    "DocumentReview",
    "GoldEvent",
    "GoldSpan",
    "Project",
    "ProjectMember",
    "ProjectRevision",
    "SetPasswordLink",
    "SiteSetting",
    "Span",
    "User",
    "gold_span_sources",
]
