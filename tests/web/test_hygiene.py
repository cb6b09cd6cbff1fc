"""Headers and hygiene: nothing private cached, request ids, error logs without research data,
private file modes, guidelines rendered once and bounded, terminal output without escapes."""

from __future__ import annotations

import logging
import os
import stat

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import User


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# --- headers ---------------------------------------------------------------------------------


def test_pages_and_api_answers_are_not_stored_but_static_files_may_be(client, auth, make):
    project = make.project("Study", alice="annotator")
    auth.login("alice")
    for path in ("/", f"/projects/{project.id}", "/api/v1/projects", "/login", "/no/such"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    static = client.get("/static/favicon.svg")
    assert static.status_code == 200 and "no-store" not in static.headers.get(
        "Cache-Control", "")


def test_every_answer_has_a_request_id_and_a_sane_offered_one_is_kept(client):
    first = client.get("/login").headers["X-Request-Id"]
    second = client.get("/login").headers["X-Request-Id"]
    assert first != second and len(first) == 16
    kept = client.get("/login", headers={"X-Request-Id": "proxy-42.a_b"})
    assert kept.headers["X-Request-Id"] == "proxy-42.a_b"
    forged = client.get("/login", headers={"X-Request-Id": "<script>" + "x" * 100})
    assert len(forged.headers["X-Request-Id"]) == 16


# --- error logs ------------------------------------------------------------------------------


SECRET = "Unpublished article text about the minister"


@pytest.fixture
def failing_statement(app):
    def fail():
        db.session.execute(text("INSERT INTO no_such_table (body) VALUES (:body)"),
                           {"body": SECRET})

    def conflict():
        db.session.add(User(username=SECRET[:60]))
        db.session.add(User(username=SECRET[:60]))
        db.session.flush()

    app.add_url_rule("/test-only/sql-error", "test_only_sql_error", fail)
    app.add_url_rule("/test-only/conflict", "test_only_conflict", conflict)


def test_a_database_error_is_logged_with_its_request_id_and_without_the_values(
        client, failing_statement, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/test-only/sql-error")
    assert response.status_code == 500
    request_id = response.headers["X-Request-Id"]
    assert f"reference {request_id}" in response.get_data(as_text=True)
    assert f"request {request_id}" in caplog.text
    assert "ProgrammingError" in caplog.text or "OperationalError" in caplog.text
    assert "INSERT INTO no_such_table" in caplog.text  # the statement, to find the bug
    assert "minister" not in caplog.text
    for record in caplog.records:  # nor in an exception attached to any record
        assert record.exc_info is None or "minister" not in str(record.exc_info[1])


def test_a_unique_key_conflict_is_logged_by_constraint_without_the_values(
        client, failing_statement, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/test-only/conflict")
    assert response.status_code == 409
    assert "integrity conflict on" in caplog.text
    assert "minister" not in caplog.text


def test_an_error_message_with_escape_sequences_is_escaped_in_the_log(app, client, caplog):
    def fail():
        raise ValueError("bad \x1b[2J\r\nFAKE LOG LINE")

    app.add_url_rule("/test-only/escape", "test_only_escape", fail)
    with caplog.at_level(logging.ERROR):
        client.get("/test-only/escape")
    assert "\x1b" not in caplog.text and "\\u001b[2J\\u000d\\u000aFAKE" in caplog.text


# --- file modes ------------------------------------------------------------------------------


def test_the_instance_directory_and_secret_key_are_private(tmp_path, monkeypatch):
    import config

    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)  # as an older version left it
    monkeypatch.setattr(config, "INSTANCE_DIR", instance)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key = config._secret_key()
    assert len(key) == 64
    assert _mode(instance) == 0o700
    assert _mode(instance / "secret_key") == 0o600
    assert config._secret_key() == key  # made once, then read


def test_a_new_sqlite_database_file_is_private(tmp_path):
    from app import create_app

    path = tmp_path / "new.db"
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        assert _mode(path) == 0o600
        wal = tmp_path / "new.db-wal"
        assert not wal.exists() or _mode(wal) == 0o600
        db.engine.dispose()


# --- guidelines ------------------------------------------------------------------------------


def test_guidelines_are_rendered_once_per_text(app, client, auth, make, monkeypatch):
    from app import markdown

    project = make.project("Guided", alice="annotator")
    project.guidelines = "# Rules\n\nMark every *claim*."
    db.session.commit()
    markdown._render_cached.cache_clear()
    calls = []
    real = markdown._renderer.render
    monkeypatch.setattr(markdown._renderer, "render", lambda s: calls.append(s) or real(s))
    auth.login("alice")
    for _ in range(3):
        assert "<em>claim</em>" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert len(calls) == 1
    project.guidelines = "# Rules\n\nMark every *quote*."
    db.session.commit()
    assert "<em>quote</em>" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert len(calls) == 2  # a changed text is rendered anew: never a stale page


def test_guidelines_over_the_limit_are_refused_naming_the_field(client, auth, make):
    import json

    from app.markdown import MAX_GUIDELINES_LENGTH
    from app.scheme import default_scheme

    project = make.project("Long", boss="manager")
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/edit", data={
        "name": "Long", "annotators_per_document": "2",
        "scheme": json.dumps(default_scheme().to_dict()),
        "guidelines": "![" * (MAX_GUIDELINES_LENGTH // 2 + 1)})
    assert response.status_code == 422
    assert "Guidelines" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.guidelines == ""


def test_the_guidelines_limit_holds_in_the_service_too(make):
    from app.errors import ServiceError
    from app.markdown import MAX_GUIDELINES_LENGTH
    from app.projects.service import create_project

    with pytest.raises(ServiceError) as refused:
        create_project("Huge", guidelines="x" * (MAX_GUIDELINES_LENGTH + 1))
    assert refused.value.field == "guidelines"


# --- terminal output -------------------------------------------------------------------------


def test_terminal_safe_escapes_what_a_terminal_acts_on():
    from app.text import terminal_safe

    assert terminal_safe("a\x1b[2Jb") == "a\\u001b[2Jb"
    assert terminal_safe("\x9b31m") == "\\u009b31m"  # C1 CSI
    assert terminal_safe("abc\u202edef") == "abc\\u202edef"  # right-to-left override
    assert terminal_safe("line\nnext\t") == "line\nnext\\u0009"
    assert terminal_safe("\U000e0041") == "\\udb40\\udc41"  # a tag character
    assert terminal_safe("Café 東京 🙂") == "Café 東京 🙂"


def test_the_agreement_command_prints_no_escape_sequences(runner, make):
    project = make.project("Plain", boss="manager")
    db.session.execute(text("UPDATE projects SET name = :name WHERE id = :id"),
                       {"name": "Evil\x1b]0;pwned\x07\x1b[2J", "id": project.id})
    db.session.commit()
    for args in (["agreement", str(project.id)], ["agreement", str(project.id), "--json"],
                 ["agreement", "No\x1b[31mSuch"]):
        result = runner.invoke(args=args)
        assert "\x1b" not in result.output and "\x07" not in result.output, args
    assert "\\u001b[2J" in runner.invoke(args=["agreement", str(project.id)]).output
