"""Project operations shared by the pages, the API and the CLI. Callers commit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.errors import ServiceError
from app.extensions import db
from app.markdown import guidelines_problem
from app.models import (
    ROLES,
    ROLES_IN_WORDS,
    Assignment,
    Claimant,
    Document,
    GoldSpan,
    Project,
    ProjectMember,
    Span,
    User,
)
from app.permissions import project_member, roles_in
from app.projects.revisions import record_revisions
from app.scheme import Scheme, default_scheme


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
    if guidelines_problem(guidelines):
        raise ServiceError(guidelines_problem(guidelines), "guidelines")
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
    if role not in ROLES:
        raise ServiceError(f"unknown role {role!r}: use {ROLES_IN_WORDS}", "role")
    member = project_member(user, project)
    if member is None:
        member = ProjectMember(project=project, user=user, role=role)
        db.session.add(member)
    else:
        member.role = role
    db.session.flush()
    return member


def remove_member(project: Project, user: User) -> None:
    member = project_member(user, project)
    if member is not None:
        db.session.delete(member)
        db.session.flush()


def project_annotators(project: Project) -> list[User]:
    return list(db.session.scalars(
        select(User).join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id, ProjectMember.role == "annotator")
        .order_by(User.username)
    ))


def assign_documents(project: Project, per_document: int | None = None,
                     document_ids: list[int] | None = None) -> int:
    """Give each document (of `document_ids`, or all) up to `per_document` annotators,
    balancing the load.

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
    if document_ids is None:
        document_ids = db.session.scalars(
            select(Document.id).where(Document.project_id == project.id).order_by(Document.id)
        ).all()
    for document_id in sorted(document_ids):
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
    return project_overviews_for(user, [project])[0]


def project_overviews_for(user: User, projects: list[Project]) -> list[ProjectOverview]:
    """The home page's overviews, in a fixed number of queries however many projects."""
    ids = [project.id for project in projects]
    if not ids:
        return []
    roles = roles_in(user, ids)
    mine = _status_counts_by_project(ids, Assignment.annotator_id == user.id)
    everyone = _status_counts_by_project(ids)
    documents = dict(db.session.execute(
        select(Document.project_id, func.count()).where(Document.project_id.in_(ids))
        .group_by(Document.project_id)
    ).all())
    next_documents = _next_unfinished_documents(user, ids)
    overviews = []
    for project in projects:
        my_statuses = mine.get(project.id, {})
        overviews.append(ProjectOverview(
            project=project, role=roles.get(project.id),
            assigned=sum(my_statuses.values()), submitted=my_statuses.get("submitted", 0),
            next_document=next_documents.get(project.id),
            documents=documents.get(project.id, 0),
            status_counts=everyone.get(project.id, {})))
    return overviews


def _status_counts_by_project(project_ids: list[int], *conditions) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for project_id, status, count in db.session.execute(
        select(Document.project_id, Assignment.status, func.count()).join(Document)
        .where(Document.project_id.in_(project_ids), *conditions)
        .group_by(Document.project_id, Assignment.status)
        .order_by(Document.project_id, Assignment.status)
    ):
        counts.setdefault(project_id, {})[status] = count
    return counts


def _unfinished_first(user: User):
    """My assignments not yet submitted, and the order to take them in: in progress first,
    then in import order. Shared by next_unfinished_document and the batched overview."""
    condition = (Assignment.annotator_id == user.id) & (Assignment.status != "submitted")
    return condition, ((Assignment.status == "in_progress").desc(), Document.id)


def _next_unfinished_documents(user: User, project_ids: list[int]) -> dict[int, Document]:
    """next_unfinished_document for many projects: the first row of each project by
    row_number() over the same order (a window function; SQLite 3.25+ and PostgreSQL)."""
    condition, order = _unfinished_first(user)
    ranked = (
        select(Document.id.label("document_id"),
               func.row_number().over(partition_by=Document.project_id, order_by=order)
               .label("place"))
        .join(Assignment).where(Document.project_id.in_(project_ids), condition)
        .subquery()
    )
    chosen = db.session.scalars(
        select(Document).join(ranked, ranked.c.document_id == Document.id)
        .where(ranked.c.place == 1)
    )
    return {document.project_id: document for document in chosen}


def next_unfinished_document(user: User, project: Project) -> Document | None:
    """My first document not yet submitted: in progress first, then in import order."""
    condition, order = _unfinished_first(user)
    return db.session.scalar(
        select(Document).join(Assignment)
        .where(Document.project_id == project.id, condition).order_by(*order).limit(1)
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


# --- editing a project, its members and its assignments (used by the project pages) ----------


def update_project(project: Project, *, name: str, description: str, guidelines: str,
                   annotators_per_document: int, snap_to_words: bool, scheme: Scheme,
                   anonymous_review: bool | None = None,
                   annotators_see_scores: bool | None = None, user: User | None = None) -> None:
    """Change a project's settings and scheme; refuses a scheme that drops keys in use.
    A change of the guidelines or the scheme is recorded as a dated revision by `user`."""
    name = name.strip()
    if not name:
        raise ServiceError("the project needs a name", "name")
    if len(name) > 200:
        raise ServiceError("the name is longer than 200 characters", "name")
    clash = db.session.scalar(
        select(Project.id).where(Project.name == name, Project.id != project.id))
    if clash is not None:
        raise ServiceError(f"a project named {name!r} already exists", "name", status=409)
    if annotators_per_document < 1:
        raise ServiceError("annotators per document must be at least 1",
                           "annotators_per_document")
    if guidelines_problem(guidelines):
        raise ServiceError(guidelines_problem(guidelines), "guidelines")
    check_scheme_keeps_used_keys(project, scheme)
    old_guidelines, old_scheme = project.guidelines, project.scheme
    project.name = name
    project.description = description
    project.guidelines = guidelines
    project.annotators_per_document = annotators_per_document
    project.snap_to_words = snap_to_words
    if anonymous_review is not None:
        project.anonymous_review = anonymous_review
    if annotators_see_scores is not None:
        project.annotators_see_scores = annotators_see_scores
    if scheme.to_dict() != project.scheme:
        project.scheme = scheme.to_dict()
        project.touch()  # agreement reports label categories by the scheme
    record_revisions(project, user, old_guidelines=old_guidelines, old_scheme=old_scheme)
    db.session.flush()


def scheme_keys_in_use(project: Project) -> tuple[dict[str, int], dict[str, int]]:
    """Evidence-type keys used by spans or gold spans, claimant-type keys used by claimants,
    each with how many rows use it."""
    evidence: Counter[str] = Counter()
    for table in (Span, GoldSpan):
        evidence.update(dict(db.session.execute(
            select(table.evidence_type, func.count()).join(Document)
            .where(Document.project_id == project.id).group_by(table.evidence_type)
        ).all()))
    claimant_types = dict(db.session.execute(
        select(Claimant.type, func.count()).where(Claimant.project_id == project.id)
        .group_by(Claimant.type)
    ).all())
    return dict(evidence), claimant_types


def check_scheme_keeps_used_keys(project: Project, scheme: Scheme) -> None:
    """A new scheme must keep every evidence type, claimant type and source type that data
    still uses."""
    evidence_used, claimant_types_used = scheme_keys_in_use(project)
    for key in sorted(set(evidence_used) - set(scheme.evidence_keys)):
        raise ServiceError(
            f"evidence type {key!r} cannot be removed: {evidence_used[key]} annotation(s) use "
            "it; change those annotations first", "scheme")
    for key in sorted(set(claimant_types_used) - set(scheme.claimant_type_keys)):
        raise ServiceError(
            f"claimant type {key!r} cannot be removed: {claimant_types_used[key]} claimant(s) "
            "have it; change their type first", "scheme")
    source_types_used = dict(db.session.execute(
        select(Claimant.source_type, func.count()).where(
            Claimant.project_id == project.id, Claimant.source_type.is_not(None))
        .group_by(Claimant.source_type)).all())
    for key in sorted(set(source_types_used) - set(scheme.source_type_keys)):
        raise ServiceError(
            f"source type {key!r} cannot be removed: {source_types_used[key]} claimant(s) "
            "have it; change their source type first", "scheme")


def user_named(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip()))


def project_members(project: Project) -> list[ProjectMember]:
    return list(db.session.scalars(
        select(ProjectMember).join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project.id).order_by(User.username)
    ))


def change_member_role(project: Project, user: User, role: str) -> ProjectMember:
    """set_member, refusing to demote the project's last manager."""
    if role != "manager":
        _refuse_if_last_manager(project, user, "change the role of")
    return set_member(project, user, role)


def remove_member_keeping_a_manager(project: Project, user: User) -> None:
    """remove_member, refusing to remove the project's last manager."""
    _refuse_if_last_manager(project, user, "remove")
    remove_member(project, user)


def _refuse_if_last_manager(project: Project, user: User, action: str) -> None:
    managers = set(db.session.scalars(
        select(ProjectMember.user_id).where(ProjectMember.project_id == project.id,
                                            ProjectMember.role == "manager")
    ))
    if managers == {user.id}:
        raise ServiceError(f"cannot {action} the last manager of the project: make someone "
                           "else manager first", "role", status=409)


def assignment_in_project(project: Project, assignment_id: int) -> Assignment:
    """The assignment with this id if it belongs to the project (else 404: ids do not leak)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.document.project_id != project.id:
        raise ServiceError("no such assignment in this project", "assignment", status=404)
    return assignment


def documents_with_assignments(project: Project, page: int, per_page: int = 50):
    """One page of the project's documents, their assignments and annotators loaded."""
    query = (select(Document).where(Document.project_id == project.id)
             .options(selectinload(Document.assignments).selectinload(Assignment.annotator))
             .order_by(Document.id))
    page = max(1, min(page, 1_000_000))  # any number a user types is a page, never a 500
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def import_files(project: Project, files: list[tuple[str, bytes]], *,
                 assign: int | None = None, create_users: bool = False):
    """Import several files (name, bytes) as one: every document of every file, or none.

    Raises app.formats.ImportRefused listing the problems of all files (each naming its file);
    the caller rolls back then. Returns the importer's ImportSummary, summed over the files.
    """
    from app.formats import ImportRefused
    from app.projects.importer import ImportSummary, import_file  # it imports this module

    total = ImportSummary()
    errors, truncated = [], False
    for filename, data in files:
        try:
            part = import_file(project, filename, data, create_users=create_users)
        except ImportRefused as refused:
            for error in refused.errors:
                error.file = error.file or filename
            errors.extend(refused.errors)
            truncated = truncated or refused.truncated
            continue
        total.documents += part.documents
        total.spans += part.spans
        total.gold_spans += part.gold_spans
        total.claimants_created += part.claimants_created
        total.users_created += part.users_created
        total.document_ids += part.document_ids
    if errors:
        raise ImportRefused(errors, truncated)
    if assign:
        total.assignments_created = assign_documents(project, assign, total.document_ids)
    return total
