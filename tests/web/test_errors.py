"""Bad input never reaches a 500: friendly HTML pages, JSON under /api, clear messages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, User
from tests.conftest import count_rows

NO_INTERNALS = ("Traceback", "sqlalchemy", "psycopg", "sqlite3", "Werkzeug Debugger")




@pytest.fixture
def manager(app, make):
    """A logged-in client of 'boss', manager of project 'Study'; the project."""
    project = make.project("Study", boss="manager", alice="annotator")
    client = app.test_client()
    client.post("/login", data={"username": "boss", "password": "password123"})
    return client, project


def friendly_page(response, status: int, *phrases: str) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:500]
    assert response.mimetype == "text/html"
    assert not any(word in body for word in NO_INTERNALS), body
    for phrase in phrases:
        assert phrase in body, body
    return body


def json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    body = response.get_json()
    assert isinstance(body["error"], str) and body["error"]
    return body


# --- not found -------------------------------------------------------------------------------


def test_unknown_page_is_a_friendly_404(app):
    friendly_page(app.test_client().get("/no/such/page"), 404, "Not found")


def test_unknown_api_path_is_a_json_404(app):
    json_error(app.test_client().get("/api/v1/no/such/thing"), 404)


def test_unknown_project_is_404(manager, subtests):
    client, project = manager
    for path in (f"/projects/{project.id + 1000}", "/projects/2147483647",
                 "/projects/2147483648", "/projects/99999999999999999999999"):
        with subtests.test(path=path):
            friendly_page(client.get(path), 404)


def test_project_of_others_is_404_not_403(app, make):
    """An outsider is not told that the project exists."""
    project = make.project("Secret", boss="manager")
    make.user("outsider")
    client = app.test_client()
    client.post("/login", data={"username": "outsider", "password": "password123"})
    friendly_page(client.get(f"/projects/{project.id}"), 404)


def test_api_ids_out_of_range_are_json_404(app, make):
    make.project("Study", alice="annotator")
    alice = db.session.scalar(select(User).where(User.username == "alice"))
    token, plain = ApiToken.issue(alice)
    db.session.add(token)
    db.session.commit()
    for path in ("/api/v1/projects/99999999999999999999", "/api/v1/projects/2147483648"):
        json_error(app.test_client().get(path, headers={"Authorization": f"Bearer {plain}"}),
                   404)


def test_wrong_method_is_405_with_allow_header(app):
    response = app.test_client().delete("/login")
    friendly_page(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


# --- too large -------------------------------------------------------------------------------


def test_body_over_the_upload_limit_is_413_with_the_limit_named(app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = app.test_client().post("/login", data={"username": "x" * 5000, "password": "y"})
    friendly_page(response, 413, "File too large", "larger than the 1 KB limit")


def test_api_body_over_the_limit_is_json_413(app, make):
    document = make.document(make.project("Study", alice="annotator"), assign=("alice",))
    token, plain = ApiToken.issue(db.session.scalar(select(User)))
    db.session.add(token)
    db.session.commit()
    app.config["MAX_CONTENT_LENGTH"] = 3 * 1024 * 1024
    response = app.test_client().post(f"/api/v1/documents/{document.id}/spans",
                                      data=b"{" + b" " * (4 * 1024 * 1024) + b"}",
                                      content_type="application/json",
                                      headers={"Authorization": f"Bearer {plain}"})
    assert "3 MB" in json_error(response, 413)["error"]


def test_upload_over_the_limit_on_the_upload_page_is_413(manager):
    client, project = manager
    client.application.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post(f"/projects/{project.id}/upload",
                           data={"files": (_file(b"x" * 10_000), "big.txt")},
                           content_type="multipart/form-data")
    friendly_page(response, 413, "2 KB")
    assert count_rows("documents") == 0


def _multipart_login(app, username: str):
    return app.test_client().post("/login", data={"username": username, "password": "y"},
                                  content_type="multipart/form-data")


def test_huge_form_field_below_the_upload_limit_is_413_not_500(app):
    """Werkzeug also refuses one multipart text field over MAX_FORM_MEMORY_SIZE."""
    app.config["MAX_FORM_MEMORY_SIZE"] = 1000
    response = _multipart_login(app, "x" * 5000)
    body = friendly_page(response, 413, "form field is larger than the 1000 bytes limit")
    assert "20 MB" not in body  # the upload limit is not what was exceeded


def test_too_large_without_an_upload_limit_is_still_413(app):
    app.config["MAX_CONTENT_LENGTH"] = None
    app.config["MAX_FORM_MEMORY_SIZE"] = 1000
    response = _multipart_login(app, "x" * 5000)
    friendly_page(response, 413)


# --- files and bytes that are not what they claim --------------------------------------------


def _file(data: bytes):
    import io

    return io.BytesIO(data)


@pytest.mark.parametrize(("name", "data", "phrase"), [
    ("latin.txt", "Caf\u00e9 au lait".encode("latin-1"), "not UTF-8"),
    ("latin.csv", "title,text\nCaf\u00e9,x\n".encode("latin-1"), "not UTF-8"),
    ("empty.txt", b"", "empty"),
    ("empty.jsonl", b"", "empty"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00", "unsupported file type"),
])
def test_bad_upload_is_refused_with_a_message(manager, name, data, phrase):
    client, project = manager
    response = client.post(f"/projects/{project.id}/upload",
                           data={"files": (_file(data), name)},
                           content_type="multipart/form-data")
    friendly_page(response, 422, phrase)
    assert count_rows("documents") == 0


def test_non_utf8_form_bytes_do_not_break_login(app, make):
    make.user("alice")
    response = app.test_client().post(
        "/login", data=b"username=al%FFice&password=%FE%FF",
        content_type="application/x-www-form-urlencoded")
    friendly_page(response, 401, "Unknown username or wrong password.")


def test_non_utf8_query_string_is_harmless(app):
    response = app.test_client().get("/login?next=%FF%FE")
    friendly_page(response, 200)


def test_broken_json_to_the_api_is_a_json_400(app, make):
    project = make.project("Study", alice="annotator")
    document = make.document(project, assign=("alice",))
    alice = db.session.scalar(select(User).where(User.username == "alice"))
    token, plain = ApiToken.issue(alice)
    db.session.add(token)
    db.session.commit()
    for body in (b"{not json", b"\xff\xfe", b"[1, 2]", b"null"):
        response = app.test_client().post(
            f"/api/v1/documents/{document.id}/spans", data=body,
            content_type="application/json", headers={"Authorization": f"Bearer {plain}"})
        json_error(response, 400)
    assert count_rows("spans") == 0


# --- the last line of defence ----------------------------------------------------------------


@pytest.fixture
def failing_routes(app):
    def fail():
        db.session.add(User(username="half-done"))
        db.session.flush()
        raise RuntimeError("a bug")

    app.add_url_rule("/test-only/fail", "test_only_fail", fail)
    app.add_url_rule("/api/v1/test-only/fail", "test_only_api_fail", fail)


def test_unexpected_error_is_a_friendly_500_and_rolls_back(app, failing_routes):
    friendly_page(app.test_client().get("/test-only/fail"), 500, "Something went wrong")
    assert count_rows("users") == 0


def test_unexpected_api_error_is_json_500(app, failing_routes):
    body = json_error(app.test_client().get("/api/v1/test-only/fail"), 500)
    assert "a bug" not in body["error"]


def test_a_page_number_too_large_for_the_database_is_just_an_empty_page(client, auth, make):
    project = make.project("Paged", boss="manager")
    auth.login("boss")
    response = client.get(f"/projects/{project.id}/documents?page=99999999999999999999")
    assert response.status_code == 200


@pytest.mark.parametrize("size, text", [
    (1000, "1000 bytes"), (1024, "1 KB"), (1536, "1.5 KB"), (3 * 1024 * 1024, "3 MB"),
    (12_345_678, "11.8 MB"),  # three significant digits, not 11.7738
])
def test_format_size_reads_like_a_person_would_say_it(size, text):
    from app.errors import format_size

    assert format_size(size) == text
