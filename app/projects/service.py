"""Project operations shared by the pages, the API and the CLI. Callers commit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Document, Project, ProjectMember, Span, User
from app.permissions import role_in
from app.scheme import Scheme, default_scheme


class ServiceError(Exception):
    """A refused operation; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def create_project(name: str, *, description: str = "", guidelines: str = "",
                   scheme: Scheme | None = None, annotators_per_document: int = 2,
                   creator: User | None = None) -> Project:
    name = name.strip()
    if not name:
        raise ServiceError("the project needs a name", "name")
    if len(name) > 200:
        raise ServiceError("the name is longer than 200 characters", "name")
    if db.session.scalar(select(Project.id).where(Project.name == name)) is not None:
        raise ServiceError(f"a project named {name!r} already exists", "name", status=409)
    if annotators_per_document < 1:
        raise ServiceError("annotators per document must be at least 1",
                           "annotators_per_document")
    project = Project(
        name=name, description=description, guidelines=guidelines,
        scheme=(scheme or default_scheme()).to_dict(),
        annotators_per_document=annotators_per_document,
    )
    db.session.add(project)
    if creator is not None:
        project.members.append(ProjectMember(user=creator, role="manager"))
    db.session.flush()
    return project


def project_scheme(project: Project) -> Scheme:
    return Scheme.from_dict(project.scheme)


def set_member(project: Project, user: User, role: str) -> ProjectMember:
    """Add the user with `role`, or change their role if already a member."""
    if role not in ("annotator", "reviewer", "manager"):
        raise ServiceError(f"unknown role {role!r}: use annotator, reviewer or manager", "role")
    member = db.session.scalar(
        select(ProjectMember).where(
            ProjectMember.project_id == project.id, ProjectMember.user_id == user.id
        )
    )
    if member is None:
        member = ProjectMember(project=project, user=user, role=role)
        db.session.add(member)
    else:
        member.role = role
    db.session.flush()
    return member


def remove_member(project: Project, user: User) -> None:
    member = db.session.scalar(
        select(ProjectMember).where(
            ProjectMember.project_id == project.id, ProjectMember.user_id == user.id
        )
    )
    if member is not None:
        db.session.delete(member)
        db.session.flush()


def project_annotators(project: Project) -> list[User]:
    return list(db.session.scalars(
        select(User).join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id, ProjectMember.role == "annotator")
        .order_by(User.username)
    ))


def assign_documents(project: Project, per_document: int | None = None) -> int:
    """Give each document up to `per_document` annotators, balancing the load.

    Documents keep the assignments they have; each missing slot goes to the annotator
    with the fewest assignments in the project (ties by username), never twice to the
    same annotator for one document. Returns the number of assignments created.
    """
    per_document = per_document or project.annotators_per_document
    if per_document < 1:
        raise ServiceError("annotators per document must be at least 1", "assign")
    annotators = project_annotators(project)
    if not annotators:
        raise ServiceError("the project has no annotators to assign to", "assign")
    load = Counter({a.id: 0 for a in annotators})
    existing: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(Assignment.document_id, Assignment.annotator_id)
        .join(Document).where(Document.project_id == project.id)
    )
    for document_id, annotator_id in rows:
        existing.setdefault(document_id, set()).add(annotator_id)
        if annotator_id in load:
            load[annotator_id] += 1
    order = {a.id: a.username for a in annotators}
    created = 0
    document_ids = db.session.scalars(
        select(Document.id).where(Document.project_id == project.id).order_by(Document.id)
    )
    for document_id in document_ids:
        have = existing.setdefault(document_id, set())
        while len(have) < per_document:
            candidates = [a for a in load if a not in have]
            if not candidates:
                break
            chosen = min(candidates, key=lambda a: (load[a], order[a]))
            db.session.add(Assignment(document_id=document_id, annotator_id=chosen))
            have.add(chosen)
            load[chosen] += 1
            created += 1
    db.session.flush()
    return created


@dataclass
class ProjectOverview:
    """What the home page shows for one project: my role and what I should do next."""

    project: Project
    role: str | None
    assigned: int = 0
    submitted: int = 0
    next_document: Document | None = None
    documents: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)


def project_overview_for(user: User, project: Project) -> ProjectOverview:
    overview = ProjectOverview(project=project, role=role_in(user, project))
    statuses = dict(db.session.execute(
        select(Assignment.status, func.count()).join(Document)
        .where(Document.project_id == project.id, Assignment.annotator_id == user.id)
        .group_by(Assignment.status)
    ).all())
    overview.assigned = sum(statuses.values())
    overview.submitted = statuses.get("submitted", 0)
    overview.next_document = next_unfinished_document(user, project)
    overview.documents = db.session.scalar(
        select(func.count()).select_from(Document).where(Document.project_id == project.id)
    ) or 0
    overview.status_counts = dict(db.session.execute(
        select(Assignment.status, func.count()).join(Document)
        .where(Document.project_id == project.id).group_by(Assignment.status)
    ).all())
    return overview


def next_unfinished_document(user: User, project: Project) -> Document | None:
    """My first document not yet submitted: in progress first, then in import order."""
    return db.session.scalar(
        select(Document).join(Assignment)
        .where(Document.project_id == project.id, Assignment.annotator_id == user.id,
               Assignment.status != "submitted")
        .order_by((Assignment.status == "in_progress").desc(), Document.id)
        .limit(1)
    )


def progress_by_annotator(project: Project) -> list[dict]:
    rows = db.session.execute(
        select(User.username, Assignment.status, func.count())
        .join(Assignment, Assignment.annotator_id == User.id).join(Document)
        .where(Document.project_id == project.id)
        .group_by(User.username, Assignment.status).order_by(User.username)
    )
    table: dict[str, dict] = {}
    for username, status, count in rows:
        entry = table.setdefault(username, {"annotator": username, "assigned": 0,
                                            "in_progress": 0, "submitted": 0})
        entry[status] += count
    spans = dict(db.session.execute(
        select(User.username, func.count(Span.id)).join(Span, Span.annotator_id == User.id)
        .join(Document).where(Document.project_id == project.id).group_by(User.username)
    ).all())
    for username, entry in table.items():
        entry["total"] = entry["assigned"] + entry["in_progress"] + entry["submitted"]
        entry["spans"] = spans.get(username, 0)
    return list(table.values())


def progress_by_document(project: Project) -> list[dict]:
    documents = db.session.scalars(
        select(Document).where(Document.project_id == project.id).order_by(Document.id)
    ).all()
    statuses: dict[int, list[tuple[str, str]]] = {}
    for document_id, username, status in db.session.execute(
        select(Assignment.document_id, User.username, Assignment.status)
        .join(User, User.id == Assignment.annotator_id).join(Document)
        .where(Document.project_id == project.id).order_by(User.username)
    ):
        statuses.setdefault(document_id, []).append((username, status))
    return [
        {"document": d, "assignments": statuses.get(d.id, []),
         "submitted": sum(1 for _, s in statuses.get(d.id, []) if s == "submitted")}
        for d in documents
    ]
