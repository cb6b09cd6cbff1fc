"""Who may do what. Every view and API route asks here; no rule lives twice.

Roles per project: annotator < reviewer < manager. A site admin acts as manager everywhere.
Blindness: an annotator sees only documents assigned to them and only their own spans.
Someone outside a project gets 404 for its documents (its existence is not revealed);
a member whose role is too low gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, wraps
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, Text, and_, bindparam, cast, event, inspect, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, undefer

from app.extensions import db
from app.models import (
    ROLES,
    Assignment,
    Claimant,
    Document,
    GoldSpan,
    Project,
    ProjectMember,
    Span,
    User,
)

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES, start=1)}


def role_in(user: User, project: Project | int) -> str | None:
    """The user's role in the project, 'manager' for admins, None for outsiders."""
    if not user or not user.is_authenticated:
        return None
    if user.is_admin:
        return "manager"
    project_id = project if isinstance(project, int) else project.id
    known = db.session.info.get(_ROLES, {})
    if (user.id, project_id) in known:
        return known[(user.id, project_id)]
    member = project_member(user, project)
    return member.role if member is not None else None


def roles_in(user: User, project_ids: list[int]) -> dict[int, str]:
    """role_in for many projects in one query: project id -> role, outsiders left out."""
    if not user or not user.is_authenticated:
        return {}
    if user.is_admin:
        return dict.fromkeys(project_ids, "manager")
    return dict(db.session.execute(
        select(ProjectMember.project_id, ProjectMember.role).where(
            ProjectMember.project_id.in_(project_ids), ProjectMember.user_id == user.id
        )
    ).all())


def project_member(user: User, project: Project | int) -> ProjectMember | None:
    """The user's membership row in the project, if any (site admins need none)."""
    project_id = project if isinstance(project, int) else project.id
    return db.session.scalar(
        select(ProjectMember).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == user.id
        )
    )


def has_role(user: User, project: Project | int, minimum: str) -> bool:
    role = role_in(user, project)
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]


def sees_all_documents(user: User, project: Project | int) -> bool:
    """Reviewers and managers see every document and every annotator's spans."""
    return has_role(user, project, "reviewer")


class Denied(Exception):
    """Raised by the require_* helpers; views turn it into 403/404 (HTML or JSON)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def require_project(user: User, project_id: int, minimum: str = "annotator") -> Project:
    project = db.session.get(Project, project_id)
    role = role_in(user, project_id) if project else None
    if project is None or role is None:
        raise Denied(404, "project not found")
    if ROLE_RANK[role] < ROLE_RANK[minimum]:
        raise Denied(403, f"this needs the {minimum} role in project {project.name!r}")
    return project


def require_document(user: User, document_id: int, minimum: str = "annotator") -> Document:
    """The document if the user may see it: assigned to them, or they review/manage it.

    One query reads the document (with its text and project), the user's role and their
    assignment; role_in and assignment_of answer from it for the rest of the request."""
    row = db.session.execute(_document_access(), {"user_id": user.id,
                                                   "document_id": document_id}).first()
    if row is None:
        raise Denied(404, "document not found")
    document, role, assignment = row
    role = _remember(user, document, role, assignment)
    if role is None:
        raise Denied(404, "document not found")
    if ROLE_RANK[role] < ROLE_RANK[minimum]:
        raise Denied(403, f"this needs the {minimum} role in this project")
    if ROLE_RANK[role] < ROLE_RANK["reviewer"] and assignment is None:
        raise Denied(403, "this document is not assigned to you")
    return document


def require_gold(user: User, gold_id: int) -> GoldSpan:
    """A gold span a reviewer or manager of its project may change; hidden from outsiders."""
    gold = db.session.get(GoldSpan, gold_id)
    if gold is None:
        raise Denied(404, "gold span not found")
    require_document(user, gold.document_id, "reviewer")
    return gold


def require_own_span(user: User, span_id: int) -> Span:
    """A span the user may change: only its own annotator may, blind to everyone else's."""
    span = db.session.get(Span, span_id)
    if span is None:
        raise Denied(404, "span not found")
    if span.annotator_id != user.id:
        # Others' spans are invisible to annotators; say 404 so nothing leaks.
        if sees_all_documents(user, span.document.project_id):
            raise Denied(403, "only the span's annotator may change it")
        raise Denied(404, "span not found")
    return span


def require_assignment(user: User, document: Document) -> Assignment:
    """The user's assignment to the document: only assigned annotators write spans on it.

    Reviewers and managers may read every document, but spans they draw without an
    assignment would enter the agreement figures as an extra, unplanned annotator.
    """
    assignment = assignment_of(user, document)
    if assignment is None:
        raise Denied(403, "this document is not assigned to you")
    return assignment


def require_changeable_span(user: User, span_id: int) -> tuple[Span, Assignment]:
    """The user's own span and their assignment, while they are still in the project.

    A save's one read: the span (with its document and claimant), the user's role
    and assignment in one query. Anything unusual (not found, not theirs, no longer a
    member) is answered by the step-by-step checks below, which choose 403 or 404."""
    row = db.session.execute(_span_access(), {"user_id": user.id, "span_id": span_id}).first()
    if row is not None and row[0].annotator_id == user.id:
        span, role, assignment = row
        if _remember(user, span.document, role, assignment) is not None and assignment:
            return span, assignment
    span = require_own_span(user, span_id)
    if role_in(user, span.document.project_id) is None:
        raise Denied(404, "span not found")
    return span, require_assignment(user, span.document)


@dataclass(frozen=True)
class SaveAccess:
    """What a span save may use, read with its permission check in one plain query (no ORM
    objects; app.annotate.saves): the document, its project's scheme (as JSON text, the key
    of the parsed-scheme cache) and registry stamp, whether the user sees every claimant,
    their assignment, and for a change the span as stored (with its claimant's name and
    type)."""

    document_id: int
    project_id: int
    scheme_json: str
    registry_stamp: int
    sees_all: bool
    assignment_id: int
    assignment_status: str
    document_text: str | None = None  # read for a create; a change reads it if it moves
    span: Any = None  # a row of _span_save_access()


def document_save_access(user: User, document_id: int) -> SaveAccess:
    """require_document + require_assignment for a new span, as one plain read. Anything
    unusual (no such document, not a member, not assigned) is answered by those checks."""
    # Plain rows through the session's connection: the ORM's execution layer would add
    # about 0.1 ms a save and has nothing to load here.
    row = db.session.connection().execute(_document_save_access(), {
        "user_id": user.id, "document_id": document_id}).first()
    role = _effective_role(user, row)
    if role is None or row.assignment_id is None:
        require_assignment(user, require_document(user, document_id))
        raise Denied(404, "document not found")  # not reached: the checks above refuse
    return _save_access(row, role, document_text=row.text)


def span_save_access(user: User, span_id: int) -> SaveAccess:
    """require_changeable_span as one plain read: the user's own span, while they are a
    member with an assignment to its document."""
    row = db.session.connection().execute(_span_save_access(), {"user_id": user.id,
                                                                "span_id": span_id}).first()
    role = _effective_role(user, row)
    if role is None or row.annotator_id != user.id or row.assignment_id is None:
        require_changeable_span(user, span_id)
        raise Denied(404, "span not found")  # not reached: the checks above refuse
    return _save_access(row, role, span=row)


def _save_access(row, role: str, **extra) -> SaveAccess:
    return SaveAccess(row.document_id, row.project_id, row.scheme_json, row.registry_stamp,
                      ROLE_RANK[role] >= ROLE_RANK["reviewer"], row.assignment_id,
                      row.assignment_status, **extra)


def _effective_role(user: User, row) -> str | None:
    if row is None:
        return None
    return "manager" if user.is_admin else row.role


def export_owner(user: User, project: Project, layer: str) -> int | None:
    """Whose work an export may hold: None (everyone's) for reviewers and managers; an
    annotator's own id, and then only the annotators layer: gold is decided from other
    annotators' spans, so it would reveal their work."""
    if sees_all_documents(user, project):
        return None
    if role_in(user, project) is None:
        raise Denied(404, "project not found")
    if layer != "annotators":
        raise Denied(403, "annotators may download only their own work (layer 'annotators')")
    return user.id


def require_annotator_view(user: User, document: Document, username: str | None) -> None:
    """Blindness: only reviewers and managers may ask for another annotator's spans."""
    if username is None or username == user.username:
        return
    if not sees_all_documents(user, document.project_id):
        raise Denied(403, "only reviewers and managers may see another annotator's spans")


def assignment_of(user: User, document: Document) -> Assignment | None:
    known = db.session.info.get(_ASSIGNMENTS, {}).get((user.id, document.id))
    if known is not None and inspect(known).persistent:
        return known
    return db.session.scalar(
        select(Assignment).where(
            Assignment.document_id == document.id, Assignment.annotator_id == user.id
        )
    )


# What require_document and require_changeable_span read, kept in the session for the rest
# of the request: (user id, project id) -> role, (user id, document id) -> assignment. Any
# write, commit or rollback forgets it, so a role or assignment changed since is read again.
_ROLES = "credence_roles"
_ASSIGNMENTS = "credence_assignments"


# The two statements every save runs, built once: building a select and its cache key
# costs more CPU than running it (about 0.8 of 1 ms per call, measured for issue 14).
@cache
def _document_access() -> Select:
    query = _with_role_and_assignment(select(Document, ProjectMember.role, Assignment),
                                      Document.project_id, Document.id)
    return (query.where(Document.id == bindparam("document_id"))
            .options(joinedload(Document.project), undefer(Document.text)))


@cache
def _span_access() -> Select:
    query = select(Span, ProjectMember.role, Assignment).join(Document,
                                                            Document.id == Span.document_id)
    return (_with_role_and_assignment(query, Document.project_id, Span.document_id)
            .where(Span.id == bindparam("span_id"))
            .options(contains_eager(Span.document), joinedload(Span.claimant)))


def _save_access_columns(document_id):
    return (document_id.label("document_id"), Project.id.label("project_id"),
            cast(Project.scheme, Text).label("scheme_json"),
            Project.claimant_registry_version.label("registry_stamp"), ProjectMember.role,
            Assignment.id.label("assignment_id"), Assignment.status.label("assignment_status"))


def _with_role_and_assignment(query: Select, project_id, document_id) -> Select:
    """The user's (bind parameter user_id) membership and assignment, joined to a query
    that has the project and document ids in its FROM."""
    return (query
            .outerjoin(ProjectMember, and_(ProjectMember.project_id == project_id,
                                           ProjectMember.user_id == bindparam("user_id")))
            .outerjoin(Assignment, and_(Assignment.document_id == document_id,
                                        Assignment.annotator_id == bindparam("user_id"))))


@cache
def _document_save_access() -> Select:
    query = (select(*_save_access_columns(Document.id), Document.text)
             .select_from(Document).join(Project, Project.id == Document.project_id))
    return (_with_role_and_assignment(query, Project.id, Document.id)
            .where(Document.id == bindparam("document_id")))


@cache
def _span_save_access() -> Select:
    query = (select(*_save_access_columns(Span.document_id), Span.id, Span.annotator_id,
                    Span.start, Span.end, Span.text, Span.evidence_type, Span.note,
                    Span.version, Span.claimant_id, Claimant.name.label("claimant_name"),
                    Claimant.type.label("claimant_type"))
             .select_from(Span).join(Document, Document.id == Span.document_id)
             .join(Project, Project.id == Document.project_id)
             .join(Claimant, Claimant.id == Span.claimant_id))
    return _with_role_and_assignment(query, Project.id, Span.document_id).where(
        Span.id == bindparam("span_id"))


def _remember(user: User, document: Document, role: str | None,
              assignment: Assignment | None) -> str | None:
    """Keep what a permission query read; the user's effective role (admins: manager)."""
    db.session.info.setdefault(_ROLES, {})[(user.id, document.project_id)] = role
    if assignment is not None:
        db.session.info.setdefault(_ASSIGNMENTS, {})[(user.id, document.id)] = assignment
    return "manager" if user.is_admin else role


def _forget(session: Session, *_args) -> None:
    session.info.pop(_ROLES, None)
    session.info.pop(_ASSIGNMENTS, None)


for _name in ("after_flush", "after_commit", "after_soft_rollback"):
    event.listen(Session, _name, _forget)


@event.listens_for(Session, "do_orm_execute")
def _forget_after_bulk_writes(state) -> None:
    if not state.is_select:  # an UPDATE or DELETE statement may change roles or assignments
        _forget(state.session)


def visible_projects(user: User) -> Select:
    """Projects the user belongs to (all projects for admins), by name."""
    query = select(Project).order_by(Project.name)
    if not user.is_admin:
        query = query.join(ProjectMember).where(ProjectMember.user_id == user.id)
    return query


def visible_documents(user: User, project: Project) -> Select:
    """All documents for reviewers/managers; only assigned ones for annotators."""
    query = select(Document).where(Document.project_id == project.id)
    if not sees_all_documents(user, project):
        query = query.join(Assignment).where(Assignment.annotator_id == user.id)
    return query.order_by(Document.id)


def visible_spans(user: User, document: Document, annotator: User | None = None) -> Select:
    """An annotator's own spans; reviewers/managers may ask for any annotator's (or all)."""
    query = select(Span).where(Span.document_id == document.id)
    if sees_all_documents(user, document.project_id):
        if annotator is not None:
            query = query.where(Span.annotator_id == annotator.id)
    else:
        query = query.where(Span.annotator_id == user.id)
    return query.order_by(Span.start, Span.end, Span.id)


def sees_all_claimants(user: User, project: Project | int) -> bool:
    """Reviewers and managers see every claimant, proposals included."""
    return has_role(user, project, "reviewer")


def visible_claimants(user: User, project: Project | int):
    """A WHERE clause for the claimants of `project` that `user` may see, or None for all.

    Blindness of the registry: a claimant created while annotating is `proposed` and only its
    creator (and reviewers and managers) can see it until a reviewer confirms it or merges it
    into another. Every route that reads claimants for an annotator (autocomplete, resolving a
    typed name, a claimant_id sent with a span, error messages) goes through this rule:
    - someone else's proposal is answered exactly as a claimant that does not exist
      ("no claimant with id N in this project");
    - a typed name that only someone else's proposal holds is a new name: the annotator
      creates their own proposal (with a type they choose), as if the other did not exist,
      so two annotators who both coin "Igor Konashenkov" hold two proposals a reviewer merges.
    """
    if sees_all_claimants(user, project):
        return None
    return or_(Claimant.status == "confirmed", Claimant.created_by_id == user.id)


def may_see_claimant(user: User, claimant: Claimant) -> bool:
    return (claimant.status == "confirmed" or claimant.created_by_id == user.id
            or sees_all_claimants(user, claimant.project_id))


def require_registry_claimant(user: User, claimant_id: int) -> Claimant:
    """A claimant a reviewer or manager of its project may change. Annotators get 404 for a
    claimant they may not see (as for an id that does not exist), 403 for one they may."""
    claimant = db.session.get(Claimant, claimant_id)
    role = role_in(user, claimant.project_id) if claimant is not None else None
    if claimant is None or role is None or not may_see_claimant(user, claimant):
        raise Denied(404, "claimant not found")
    if ROLE_RANK[role] < ROLE_RANK["reviewer"]:
        raise Denied(403, "changing the registry needs the reviewer role")
    return claimant


def project_role_required(minimum: str):
    """Route decorator for HTML views with a `project_id` argument."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from app.extensions import login_manager

                return login_manager.unauthorized()
            try:
                project = require_project(current_user, kwargs.pop("project_id"), minimum)
            except Denied as denied:
                abort(denied.status, denied.message)
            return view(project, *args, **kwargs)

        return wrapped

    return decorator


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            from app.extensions import login_manager

            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403, "this needs a site administrator")
        return view(*args, **kwargs)

    return wrapped


def may_create_projects(user: User) -> bool:
    """Site admins always; users with the project-creator flag when the site setting
    (app.accounts.settings, "who may create projects") allows creators."""
    if not user or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    from app.accounts.settings import PROJECT_CREATION, get_setting

    return user.project_creator and get_setting(PROJECT_CREATION) == "creators"


def site_admin_names() -> list[str]:
    """Whom to ask for what needs a site administrator (shown in refusals)."""
    return list(db.session.scalars(
        select(User.username).where(User.is_admin, User.active).order_by(User.username)))


def project_creator_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            from app.extensions import login_manager

            return login_manager.unauthorized()
        if not may_create_projects(current_user):
            admins = ", ".join(site_admin_names()[:5]) or "a site administrator"
            abort(403, "creating projects needs a site administrator or the project-creator "
                       f"permission: ask a site administrator ({admins})")
        return view(*args, **kwargs)

    return wrapped


def may_send_set_password_link(manager: User, user: User, project: Project) -> bool:
    """A project manager may issue a set-password link for a member who has never had a
    password (an invited or imported account), when every project that account belongs to
    is one the manager manages: a link must not hand over someone else's project work."""
    if user.password_hash or user.is_admin or not user.active:
        return False
    if not has_role(manager, project, "manager") or project_member(user, project) is None:
        return False
    their_projects = db.session.scalars(
        select(ProjectMember.project_id).where(ProjectMember.user_id == user.id))
    return all(has_role(manager, project_id, "manager") for project_id in their_projects)
