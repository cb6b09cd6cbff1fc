"""Test data builders. Each returns a flushed model; tests commit when the code under test
would see the data from another session (the test client shares the app's session)."""

from __future__ import annotations

from app.extensions import db
from app.models import Assignment, Claimant, ClaimantAlias, Document, Project, Span, User
from app.projects.service import create_project, set_member
from app.text import normalise_text, text_sha256

PASSWORD = "password123"


class Factory:
    def __init__(self):
        self._counter = 0

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def user(self, username: str | None = None, *, admin: bool = False,
             password: str | None = PASSWORD) -> User:
        user = User(username=username or f"user{self._next()}", is_admin=admin)
        user.display_name = user.username
        if password is not None:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    def project(self, name: str | None = None, **members: str) -> Project:
        """`members` maps username -> role; missing users are created."""
        project = create_project(name or f"Project {self._next()}")
        for username, role in members.items():
            user = db.session.query(User).filter_by(username=username).one_or_none()
            set_member(project, user or self.user(username), role)
        db.session.commit()
        return project

    def document(self, project: Project, text: str = "The ministry said 12 people died.",
                 *, title: str | None = None, assign: tuple[str, ...] = (),
                 status: str = "assigned") -> Document:
        text = normalise_text(text)
        n = self._next()
        document = Document(project=project, external_id=f"doc-{n}", title=title or f"Doc {n}",
                            text=text, sha256=text_sha256(text), meta={})
        db.session.add(document)
        for username in assign:
            user = db.session.query(User).filter_by(username=username).one()
            db.session.add(Assignment(document=document, annotator=user, status=status))
        db.session.commit()
        return document

    def claimant(self, project: Project, name: str = "Ministry of Defence",
                 type: str = "government", aliases: tuple[str, ...] = ()) -> Claimant:
        claimant = Claimant(project=project, name=name, type=type,
                            aliases=[ClaimantAlias(alias=a) for a in aliases])
        db.session.add(claimant)
        db.session.commit()
        return claimant

    def span(self, document: Document, annotator: User, start: int, end: int,
             claimant: Claimant | None = None, evidence_type: str = "official_statement",
             note: str = "") -> Span:
        claimant = claimant or self.claimant(document.project, f"Claimant {self._next()}")
        span = Span(document=document, annotator=annotator, start=start, end=end,
                    text=document.text[start:end], claimant=claimant,
                    evidence_type=evidence_type, note=note)
        db.session.add(span)
        db.session.commit()
        return span
