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


# --- the six paths to a 500 that the security review found (issue 14) ------------------------


def _upload(client, project, name: str, data: bytes):
    import io

    return client.post(f"/projects/{project.id}/upload", data={"files": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_project_settings_without_a_scheme_field_say_the_scheme_is_required(client, auth, make):
    project = make.project("NoScheme", boss="manager")
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/edit", data={
        "name": "NoScheme", "annotators_per_document": "2"})
    assert response.status_code == 422
    assert "scheme" in response.get_data(as_text=True).lower()


def test_a_scheme_with_a_5000_digit_integer_is_a_form_error(client, auth, make):
    project = make.project("Digits", boss="manager")
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/edit", data={
        "name": "Digits", "annotators_per_document": "2",
        "scheme": '{"evidence_types": ' + "9" * 5000 + "}"})
    assert response.status_code == 422
    assert "digits" in response.get_data(as_text=True)


def test_a_jsonl_upload_with_a_5000_digit_integer_imports_nothing(client, auth, make):
    project = make.project("Digits", boss="manager")
    auth.login("boss")
    line = '{"title": "T", "text": "Body.", "meta": {"n": ' + "7" * 5000 + "}}\n"
    response = _upload(client, project, "big.jsonl", line.encode())
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "more than 4300 digits" in body
    assert count_rows("documents") == 0


@pytest.mark.parametrize("number", ["1e400", "-1e999", "Infinity", "NaN"])
def test_a_jsonl_meta_number_out_of_range_imports_nothing(client, auth, make, number):
    project = make.project("Huge", boss="manager")
    auth.login("boss")
    line = '{"title": "T", "text": "Body.", "meta": {"n": ' + number + "}}\n"
    response = _upload(client, project, "huge.jsonl", line.encode())
    assert response.status_code == 422
    assert count_rows("documents") == 0


def test_the_import_command_reports_a_5000_digit_integer_without_a_traceback(runner, make):
    import tempfile

    make.project("Digits", boss="manager")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.write('{"title": "T", "text": "B", "meta": {"n": ' + "7" * 5000 + "}}\n")
    result = runner.invoke(args=["import", "Digits", handle.name])
    assert result.exit_code != 0
    assert "digits" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_nul_in_an_uploaded_file_name_imports_nothing(client, auth, make):
    project = make.project("NulName", boss="manager")
    auth.login("boss")
    response = _upload(client, project, "bad\x00name.txt", b"Title\nBody.")
    assert response.status_code == 422
    assert "file name" in response.get_data(as_text=True)
    assert count_rows("documents") == 0


@pytest.mark.parametrize("query", ["project_id=2", "_anchor=x", "_external=1", "_scheme=ftp",
                                   "_method=POST", "mode=exact&x=1"])
def test_unknown_query_keys_on_the_agreement_page_are_ignored(client, auth, make, query):
    project = make.project("Agree", boss="manager")
    auth.login("boss")
    response = client.get(f"/projects/{project.id}/agreement?{query}")
    assert response.status_code == 200
    assert "_anchor" not in response.get_data(as_text=True)


@pytest.mark.parametrize("number", ["1e400", "NaN", "-Infinity", "9" * 5000])
def test_an_api_number_out_of_range_is_a_422_naming_the_field(client, auth, make, number):
    project = make.project("Numbers", alice="annotator")
    document = make.document(project, assign=("alice",))
    auth.login("alice")
    body = ('{"start": 0, "end": ' + number + ', "text": "The", "evidence_type": '
            '"official_statement", "claimant": {"name": "X", "type": "government"}}')
    response = client.post(f"/api/v1/documents/{document.id}/spans", data=body,
                           content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["field"] == "end"
    assert count_rows("spans") == 0


def test_a_jsonl_number_out_of_range_names_its_field(client, auth, make):
    project = make.project("Named", boss="manager")
    auth.login("boss")
    line = '{"title": "T", "text": "Body.", "meta": {"weight": 1e999}}\n'
    response = _upload(client, project, "named.jsonl", line.encode())
    assert response.status_code == 422
    assert "<code>meta.weight</code>" in response.get_data(as_text=True)
