"""The demo: a project with three original articles, a claimant registry, users in every
role and two annotators' disagreeing annotations. Loading it twice changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.annotate.service import ClaimantChoice
from app.demo import demo_path
from app.extensions import db
from app.models import Claimant, ClaimantAlias, Project, User
from app.projects.importer import import_file
from app.projects.service import assign_documents, create_project, set_member

DEMO_PROJECT = "Demo: conflict and disaster reporting"
DEMO_PASSWORD = "credence-demo"  # printed by `flask demo`; the demo is for trying the tool
DEMO_USERS = [
    # username, display name, project role, site admin
    ("admin", "Site Admin", "manager", True),
    ("maria", "Maria Lindqvist", "manager", False),
    ("rui", "Rui Tavares", "reviewer", False),
    ("amira", "Amira Haddad", "annotator", False),
    ("bruno", "Bruno Okafor", "annotator", False),
    ("chen", "Chen Wei", "annotator", False),
]


@dataclass
class DemoResult:
    message: str
    logins: list[tuple[str, str]]
    password: str = DEMO_PASSWORD


def load_demo() -> DemoResult:
    # One hash for every new demo account: the password is public, and scrypt is slow.
    password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
    users = {name: _demo_user(name, display, admin, password_hash)
             for name, display, _, admin in DEMO_USERS}
    logins = [(name, _login_label(users[name], role, password_hash))
              for name, _, role, _ in DEMO_USERS]
    project = db.session.scalar(select(Project).where(Project.name == DEMO_PROJECT))
    if project is not None:
        return DemoResult(f"the demo project {DEMO_PROJECT!r} is already loaded", logins)
    project = create_project(
        DEMO_PROJECT,
        description="Three short original articles annotated by two annotators who disagree.",
        guidelines=demo_path("guidelines.md").read_text(encoding="utf-8"),
        annotators_per_document=2,
    )
    for name, _, role, _admin in DEMO_USERS:
        set_member(project, users[name], role)
    _load_registry(project)
    summary = import_file(project, "demo.jsonl", demo_path("demo.jsonl").read_bytes())
    _spread_submissions_over_weeks(project, users["maria"])
    # chen has every article still to do, so a newcomer can try the annotation page.
    assign_documents(project, 3)
    _review_first_document(project, users["rui"])
    return DemoResult(
        f"loaded the demo project {DEMO_PROJECT!r}: {summary.documents} articles, "
        f"{summary.spans} annotations", logins)


def _spread_submissions_over_weeks(project: Project, manager: User) -> None:
    """The agreement dashboard's over-time chart needs weeks: the articles' work is dated one
    per week, three weeks back to the last days, and the guidelines were revised between the
    first and the second (recorded as the settings page records a revision)."""
    import datetime as dt

    from app.models import Assignment, Document, ProjectRevision
    from app.models.base import utcnow

    now = utcnow()
    documents = db.session.scalars(select(Document).where(Document.project_id == project.id)
                                   .order_by(Document.id)).all()
    for weeks_back, document in zip((3, 2, 0), documents, strict=False):
        when = now - dt.timedelta(weeks=weeks_back, days=1)
        for assignment in db.session.scalars(select(Assignment).where(
                Assignment.document_id == document.id)):
            assignment.assigned_at = assignment.started_at = assignment.submitted_at = when
    db.session.add(ProjectRevision(
        project_id=project.id, kind="guidelines", user_id=manager.id,
        created_at=now - dt.timedelta(weeks=2, days=4),
        summary="guidelines: a number that is itself the claim (a toll) is statistics"))
    project.touch()
    db.session.flush()


def _review_first_document(project: Project, reviewer: User) -> None:
    """The review tour: rui has adjudicated the first article (unanimous units merged, the
    rest decided by hand with reasons, one of them a guideline gap); the others wait."""
    from app.review.gold import GoldInput, create_gold
    from app.review.service import mark_adjudicated, merge_document, reviewable_documents
    from app.review.units import review_document

    first = reviewable_documents(project)[0]
    merge_document(first, reviewer, "unanimous", 1.0, dry_run=False)
    review = review_document(first)
    rejected = False
    for number, unit in enumerate(u for u in review.units if u.decision is None):
        best, _ = unit.majority(len(review.annotators))
        version = best or unit.versions[0]
        span = version.span
        if "missing" in unit.kinds and len(unit.versions) == 1 and not rejected:
            rejected = True
            decision = GoldInput(rejected=True, reason="annotator_error",
                                 note="Background, not a claim.",
                                 source_span_ids=tuple(unit.span_ids))
        else:
            reason = "guideline_gap" if number == 0 else (
                "boundary_convention" if "boundary" in unit.kinds else "annotator_error")
            note = ("The guidelines do not say whether a quoted toll is statistics or an "
                    "official statement." if reason == "guideline_gap" else "")
            decision = GoldInput(
                start=span.start, end=span.end, text=span.text,
                claimant=ClaimantChoice(claimant_id=span.claimant_id),
                evidence_type=span.evidence_type, reason=reason, note=note,
                source_span_ids=tuple(unit.span_ids))
        create_gold(first, reviewer, decision)
    mark_adjudicated(first, reviewer)


def _demo_user(username: str, display_name: str, admin: bool, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, display_name=display_name, is_admin=admin,
                    password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
    return user


def _login_label(user: User, role: str, new_hash: str) -> str:
    label = "admin, manager" if user.is_admin else role
    # An account that existed before the demo keeps its own password; the printed one is wrong.
    if user.password_hash != new_hash and not user.check_password(DEMO_PASSWORD):
        label += "; existing account, password not changed"
    return label


def _load_registry(project: Project) -> None:
    entries = json.loads(demo_path("claimants.json").read_text(encoding="utf-8"))
    by_name: dict[str, Claimant] = {}
    for entry in entries:
        claimant = Claimant(project=project, name=entry["name"], type=entry["type"],
                            source_type=entry.get("source_type"))
        claimant.aliases = [ClaimantAlias(alias=a) for a in entry.get("aliases", [])]
        db.session.add(claimant)
        by_name[entry["name"]] = claimant
    for entry in entries:
        if entry.get("affiliation"):
            by_name[entry["name"]].affiliation = by_name[entry["affiliation"]]
    db.session.flush()
