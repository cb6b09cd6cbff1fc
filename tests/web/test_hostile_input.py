"""Input a user could send that once reached the database or a header unchecked: each gets a
clear refusal, never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.formats import ImportRefused
from app.projects.importer import import_file
from tests.conftest import count_rows


def test_a_nul_in_any_form_or_query_is_refused_before_the_database(client, make):
    make.user("alice")
    response = client.post("/login", data={"username": "ali\x00ce", "password": "x"})
    assert response.status_code == 422
    assert "cannot be stored" in response.get_data(as_text=True)
    assert client.get("/login?next=/%00").status_code == 422


def test_a_next_with_a_line_break_goes_home_instead_of_breaking_the_header(client, make):
    make.user("alice")
    response = client.post("/login?next=/%0aSet-Cookie:x=1",
                           data={"username": "alice", "password": "password123"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")


def test_an_import_with_a_nul_in_the_text_imports_nothing(app, make):
    project = make.project("Nul")
    with pytest.raises(ImportRefused) as refused:
        import_file(project, "a.txt", b"Title\nBody with a \x00 in it.")
    assert "cannot be stored" in str(refused.value)
    assert count_rows("documents") == 0


def test_document_ids_in_other_scripts_are_refused_not_a_crash(client, auth, make):
    project = make.project("Digits", boss="manager")
    auth.login("boss")
    response = client.get(f"/api/v1/projects/{project.id}/agreement?documents=%C2%B2")
    assert response.status_code == 422
    assert response.get_json()["field"] == "documents"


def test_a_scheme_nested_thousands_deep_is_a_form_error(client, auth, make):
    project = make.project("Deep", boss="manager")
    auth.login("boss")
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(f"/projects/{project.id}/edit", data={
        "name": "Deep", "annotators_per_document": "2", "scheme": deep})
    assert response.status_code in (200, 422)
    assert "not valid JSON" in response.get_data(as_text=True)


def test_a_write_that_loses_a_race_on_a_unique_key_is_a_409(client, auth, make, monkeypatch):
    make.user("admin", admin=True)
    auth.login("admin")

    def lose_the_race(*args, **kwargs):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr("app.projects.routes.create_project", lose_the_race)
    import json

    from app.scheme import default_scheme

    response = client.post("/projects/new", data={
        "name": "Twice", "annotators_per_document": "2",
        "scheme": json.dumps(default_scheme().to_dict())})
    assert response.status_code == 409
    assert "try again" in response.get_data(as_text=True)
