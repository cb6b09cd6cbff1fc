"""Fixtures: a fresh database per test on SQLite (and PostgreSQL when TEST_DATABASE_URL
is set: every test using `app` then runs once per backend), clients, and factories."""

from __future__ import annotations

import os
import re

import pytest
from flask import g
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.factories import Factory
from tests.models.helpers import use_cheap_password_hashes

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _database_url(backend: str, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = os.environ["TEST_DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "SQLALCHEMY_DATABASE_URI": _database_url(backend, tmp_path),
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "localhost",
    })
    app.before_request_funcs.setdefault(None, []).insert(0, _clear_request_globals)
    with app.app_context():
        if backend == "postgresql":
            db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        if backend == "postgresql":
            db.drop_all()
        db.engine.dispose()


def _clear_request_globals() -> None:
    """The fixture keeps one app context open for the whole test and test-client requests
    reuse it, so `g` (where Flask-Login caches the user and Flask-WTF the CSRF token) would
    outlive a request. In production every request starts with an empty `g`; so here too."""
    for name in list(g):
        g.pop(name)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch):
    """Real scrypt where hashing is tested (test_auth.py undoes this); cheap elsewhere."""
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF checks on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factory:
    return Factory()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = "password123"):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def count_rows(table: str) -> int:
    return db.session.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
