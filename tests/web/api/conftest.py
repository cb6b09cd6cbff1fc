"""A small newsroom project and a client that calls the API as any of its users.

Each call runs in its own application context, as a real request would: its own database
session and its own Flask-Login user, so switching users between calls cannot leak.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.extensions import db
from app.models import ApiToken, Claimant, Document, Project, User

TEXT = ("The ministry said 12 people died. A witness, Omar Haddad, said he saw the dam "
        "break at dawn. Officials declined to comment.")


@dataclass
class World:
    project: Project
    document: Document  # assigned to alice and bob
    unassigned: Document  # assigned to nobody
    ministry: Claimant  # aliases "MoD", "Defence Ministry"


@pytest.fixture
def world(make) -> World:
    # No passwords: these users call the API with Bearer tokens (hashing costs ~80 ms each).
    for name in ("alice", "bob", "rev", "boss", "eve"):
        make.user(name, password=None)
    project = make.project("Newsroom", alice="annotator", bob="annotator", rev="reviewer",
                           boss="manager")
    document = make.document(project, TEXT, title="Dam breaks", assign=("alice", "bob"))
    unassigned = make.document(project, "Nothing to see here.", title="Quiet day")
    ministry = make.claimant(project, "Ministry of Defence", "government",
                             aliases=("MoD", "Defence Ministry"))
    return World(project, document, unassigned, ministry)


class ApiCaller:
    def __init__(self, app, client):
        self.app = app
        self.client = client
        self.tokens: dict[str, str] = {}

    def token_for(self, username: str) -> str:
        if username not in self.tokens:
            user = db.session.query(User).filter_by(username=username).one()
            token, plain = ApiToken.issue(user)
            db.session.add(token)
            db.session.commit()
            self.tokens[username] = plain
        return self.tokens[username]

    def call(self, method: str, username: str | None, url: str, body=None, *, data=None,
             headers: dict | None = None):
        headers = dict(headers or {})
        if username is not None:
            headers["Authorization"] = f"Bearer {self.token_for(username)}"
        kwargs = {"json": body} if body is not None else {}
        if data is not None:
            kwargs = {"data": data, "content_type": "application/json"}
        with self.app.app_context():
            response = self.client.open(url, method=method, headers=headers, **kwargs)
        db.session.expire_all()  # the request wrote through its own session
        return response

    def get(self, username, url, **kwargs):
        return self.call("GET", username, url, **kwargs)

    def post(self, username, url, body=None, **kwargs):
        return self.call("POST", username, url, body, **kwargs)

    def patch(self, username, url, body=None, **kwargs):
        return self.call("PATCH", username, url, body, **kwargs)

    def delete(self, username, url, **kwargs):
        return self.call("DELETE", username, url, **kwargs)


@pytest.fixture
def api(app, client) -> ApiCaller:
    return ApiCaller(app, client)


def span_body(document: Document, phrase: str, **fields) -> dict:
    """A create body quoting the first occurrence of `phrase` in the document."""
    start = document.text.index(phrase)
    body = {"start": start, "end": start + len(phrase), "text": phrase,
            "evidence_type": "official_statement",
            "claimant": {"name": "Ministry of Defence", "type": "government"}}
    body.update(fields)
    return body
