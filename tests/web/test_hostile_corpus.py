"""The hostile corpus is inert on every page: script tags, event handlers, `javascript:` URLs,
markup that closes an attribute, bidirectional overrides and zero-width characters, put into
article text and titles, claimant names, notes, guidelines, scheme labels, the project's name
and description, usernames and display names, then every GET route of the URL map is read as
an admin (who sees everything) and as an annotator. No HTML answer may carry the markup as
markup; JSON answers carry it as data, which `X-Content-Type-Options: nosniff` keeps data."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Claimant, Document, Project, Span, User
from tests.web.test_authorization_matrix import _requests, build_world

SCRIPT = "<script>alert('s')</script>"
IMAGE = "<img src=x onerror=alert('i')>"
BREAKOUT = '"><svg onload=alert(\'b\')>'
BIDI = "\u202egnp.exe\u200b"
PAYLOAD = f"{SCRIPT}{IMAGE}{BREAKOUT}{BIDI}"
# What must never appear in an HTML answer: the markup as markup.
ACTIVE = (re.compile(r"<script>alert"), re.compile(r"<img src=x onerror"),
          re.compile(r"<svg onload"), re.compile(r"""href=["']?javascript:""", re.I))


@pytest.fixture
def hostile(app, make) -> dict:
    """The authorization matrix's world, every text in it made hostile."""
    world = build_world(make)
    _make_hostile(world)
    return world


def _make_hostile(world) -> None:
    project = db.session.get(Project, world["ids"]["project_id"])
    project.name = f"Alpha {SCRIPT}"
    project.description = PAYLOAD
    project.guidelines = (f"# Rules {SCRIPT}\n\n{IMAGE}\n\n[click me](javascript:alert('j')) "
                          f"<a href=\"javascript:alert('k')\">raw</a>\n\n{BREAKOUT}")
    scheme = dict(project.scheme)
    scheme["evidence_types"] = [dict(item) for item in scheme["evidence_types"]]
    scheme["evidence_types"][0]["name"] = f"Statement {IMAGE}"
    project.scheme = scheme
    for document in db.session.scalars(select(Document)):
        document.title = f"Title {PAYLOAD}"
    for claimant in db.session.scalars(select(Claimant)):
        claimant.name = f"{claimant.name} {BREAKOUT}{SCRIPT}"
    for span in db.session.scalars(select(Span)):
        span.note = PAYLOAD
    for user in db.session.scalars(select(User)):
        user.display_name = f"{user.username} {IMAGE}"
    db.session.add(User(username="<script>alert('u')</script>", display_name=SCRIPT))
    db.session.commit()


def test_hostile_text_is_inert_on_every_page(app, hostile):
    world = hostile
    problems, html_pages = [], 0
    for role in ("admin", "annotator", "reviewer"):
        headers = {"Authorization": f"Bearer {world['tokens'][role]}"}
        for _key, _policy, method, path in _requests(app, world["ids"]):
            if method != "GET":
                continue
            response = app.test_client().get(path, headers=headers)
            if response.mimetype != "text/html":
                continue
            html_pages += response.status_code == 200
            body = response.get_data(as_text=True)
            for pattern in ACTIVE:
                if pattern.search(body):
                    problems.append(f"{path} as {role}: {pattern.pattern}")
    assert not problems, "\n".join(problems)
    assert html_pages > 20  # the crawl reached the pages, not only refusals


def test_the_hostile_text_is_shown_as_text(app, hostile):
    """The other half: the payload is there, escaped, where a person reads it."""
    world = hostile
    headers = {"Authorization": f"Bearer {world['tokens']['annotator']}"}
    page = app.test_client().get(f"/annotate/documents/{world['ids']['document_id']}",
                                 headers=headers).get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page
    assert "\u202e" in page  # kept as text (the page isolates it), not dropped
