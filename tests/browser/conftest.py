"""Browser tests: real Chromium (Debian's package) driven by Playwright's sync API against a
live server on a free port, over a temporary SQLite database.

One server and one browser per session; each test gets a fresh browser context (its own
cookies) and seeds its own project, so tests do not see each other's data. These tests never
use tests/conftest.py's `app` fixture: the server runs in another thread and needs its own.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.models import (
    Assignment,
    Claimant,
    ClaimantAlias,
    Document,
    Project,
    ProjectMember,
    Span,
    User,
)
from app.projects.service import create_project, set_member
from app.text import normalise_text, text_sha256

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync",
]
PASSWORD = "browser-test-pw"
WIDE = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM_PATH):
        pytest.skip(
            f"no Chromium found at {CHROMIUM_PATH}: install Debian's chromium package "
            "(make browser-deps) to run browser tests"
        )
    return CHROMIUM_PATH


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    database = tmp_path_factory.mktemp("browser") / "browser.db"
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "browser-test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "WTF_CSRF_ENABLED": True,  # as in production: the page must send X-CSRFToken
    })
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app, chromium_path) -> str:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Seeded:
    project_id: int
    document_id: int
    text: str


class Seeder:
    """Builds data in the live server's database; returns ids (objects would be detached)."""

    def __init__(self, app):
        self.app = app

    def user(self, username: str) -> int:
        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            if user is None:
                user = User(username=username, display_name=username.title())
                user.set_password(PASSWORD)
                db.session.add(user)
                db.session.commit()
            return user.id

    def project(self, name: str, members: dict[str, str], text: str,
                assign: tuple[str, ...], snap_to_words: bool = True) -> Seeded:
        for username in members:
            self.user(username)
        with self.app.app_context():
            project = create_project(name)
            project.snap_to_words = snap_to_words
            for username, role in members.items():
                set_member(project, db.session.scalar(
                    select(User).where(User.username == username)), role)
            text = normalise_text(text)
            document = Document(project=project, external_id="doc-1", title=f"{name} article",
                                text=text, sha256=text_sha256(text), meta={})
            db.session.add(document)
            for username in assign:
                annotator = db.session.scalar(select(User).where(User.username == username))
                db.session.add(Assignment(document=document, annotator=annotator))
            db.session.commit()
            return Seeded(project.id, document.id, text)

    def document(self, project_id: int, external_id: str, text: str,
                 assign: tuple[str, ...], submitted: bool = False) -> int:
        """Another document in a seeded project, assigned to the given (existing) users."""
        with self.app.app_context():
            text = normalise_text(text)
            document = Document(project_id=project_id, external_id=external_id,
                                title=f"{external_id} article", text=text,
                                sha256=text_sha256(text), meta={})
            db.session.add(document)
            for username in assign:
                annotator = db.session.scalar(select(User).where(User.username == username))
                assignment = Assignment(document=document, annotator=annotator)
                if submitted:
                    assignment.status = "submitted"
                    assignment.submitted_at = datetime.now(UTC)
                db.session.add(assignment)
            db.session.commit()
            return document.id

    def claimant(self, project_id: int, name: str, type: str = "government",
                 aliases: tuple[str, ...] = ()) -> int:
        with self.app.app_context():
            claimant = Claimant(project_id=project_id, name=name, type=type,
                                aliases=[ClaimantAlias(alias=alias) for alias in aliases])
            db.session.add(claimant)
            db.session.commit()
            return claimant.id

    def claimant_ids(self, project_id: int) -> list[int]:
        with self.app.app_context():
            return list(db.session.scalars(
                select(Claimant.id).where(Claimant.project_id == project_id)
                .order_by(Claimant.id)))

    def span(self, document_id: int, username: str, start: int, end: int, claimant_id: int,
             evidence_type: str = "official_statement", note: str = "") -> int:
        with self.app.app_context():
            document = db.session.get(Document, document_id)
            annotator = db.session.scalar(select(User).where(User.username == username))
            span = Span(document=document, annotator=annotator, start=start, end=end,
                        text=document.text[start:end], claimant_id=claimant_id,
                        evidence_type=evidence_type, note=note)
            db.session.add(span)
            db.session.commit()
            return span.id

    def spans(self, document_id: int, username: str | None = None) -> list[dict]:
        with self.app.app_context():
            query = select(Span).where(Span.document_id == document_id)
            if username:
                query = query.join(User, User.id == Span.annotator_id).where(
                    User.username == username)
            return [
                {"id": s.id, "start": s.start, "end": s.end, "text": s.text,
                 "evidence_type": s.evidence_type, "claimant": s.claimant.name,
                 "claimant_type": s.claimant.type, "note": s.note, "version": s.version}
                for s in db.session.scalars(query.order_by(Span.start, Span.id))
            ]

    def change_span_note(self, span_id: int, note: str) -> None:
        """Another tab (or person) changing the span: the ORM bumps its version."""
        with self.app.app_context():
            db.session.get(Span, span_id).note = note
            db.session.commit()

    def evidence_keys(self, project_id: int) -> list[str]:
        with self.app.app_context():
            scheme = db.session.get(Project, project_id).scheme
            return [evidence["key"] for evidence in scheme["evidence_types"]]

    def role(self, project_id: int, username: str) -> str | None:
        with self.app.app_context():
            return db.session.scalar(
                select(ProjectMember.role).join(User, User.id == ProjectMember.user_id)
                .where(ProjectMember.project_id == project_id, User.username == username))

    def assignment_status(self, document_id: int, username: str) -> str:
        with self.app.app_context():
            return db.session.scalar(
                select(Assignment.status).join(User, User.id == Assignment.annotator_id)
                .where(Assignment.document_id == document_id, User.username == username))


@pytest.fixture
def seed(live_app) -> Seeder:
    return Seeder(live_app)


@pytest.fixture(scope="session")
def login_states():
    return {}


@pytest.fixture
def open_page(browser, live_server, live_app, login_states):
    """open_page(username, path, viewport=WIDE) -> a logged-in page in a fresh context."""
    contexts = []
    seeder = Seeder(live_app)

    def open_as(username: str, path: str, viewport: dict = WIDE):
        if username not in login_states:
            seeder.user(username)
            context = browser.new_context(viewport=WIDE)
            page = context.new_page()
            page.goto(f"{live_server}/login")
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server}/")
            login_states[username] = context.storage_state()
            context.close()
        context = browser.new_context(viewport=viewport, storage_state=login_states[username])
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        # The page must run under the site's Content-Security-Policy (no inline code or style).
        csp_violations = []
        page.on("console", lambda message: csp_violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.csp_violations = csp_violations
        page.goto(f"{live_server}{path}")
        return page

    yield open_as
    for context in contexts:
        context.close()
