"""The `flask` commands: each does its job, and each refusal exits non-zero with a clear
message and changes nothing."""

from __future__ import annotations

import json

import click
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, Document, Project, ProjectMember, User
from app.scheme import default_scheme
from tests.conftest import count_rows
from tests.web.test_import_service import CSV_FILE, annotation, jsonl_bytes, jsonl_document


def invoke(runner, *args: str, input: str | None = None):
    return runner.invoke(args=list(args), input=input)


def refused(result, *phrases: str) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


def user_named(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


# --- every --help ----------------------------------------------------------------------------


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


def test_every_command_has_help(app, runner, subtests):
    paths = list(_command_paths(app.cli))
    ours = {("users",), ("users", "create"), ("users", "token"), ("projects",),
            ("projects", "create"), ("projects", "add-member"), ("import",), ("demo",)}
    assert ours <= set(paths)
    for path in paths:
        with subtests.test(command=" ".join(path)):
            result = invoke(runner, *path, "--help")
            assert result.exit_code == 0, result.output
            assert result.output.startswith("Usage:")


# --- users -----------------------------------------------------------------------------------


def test_users_create_with_password_option(runner):
    result = invoke(runner, "users", "create", "alice", "--password", "long-enough",
                    "--display-name", "Alice A.")
    assert result.exit_code == 0 and "created user alice" in result.output
    alice = user_named("alice")
    assert alice.check_password("long-enough") and alice.display_name == "Alice A."
    assert not alice.is_admin and alice.active


def test_users_create_prompts_twice_for_the_password(runner, auth):
    result = invoke(runner, "users", "create", "root", "--admin",
                    input="prompted-pw\nprompted-pw\n")
    assert result.exit_code == 0, result.output
    assert "prompted-pw" not in result.output  # hidden input is not echoed
    assert user_named("root").is_admin
    assert auth.login("root", "prompted-pw").status_code == 302


def test_users_create_prompt_retries_when_the_two_entries_differ(runner):
    result = invoke(runner, "users", "create", "bob",
                    input="first-try-1\nsecond-try\nfinal-pass\nfinal-pass\n")
    assert result.exit_code == 0, result.output
    assert user_named("bob").check_password("final-pass")


def test_users_create_refuses_a_duplicate(runner, make):
    make.user("alice")
    result = invoke(runner, "users", "create", "alice", "--password", "another-pw")
    refused(result, "already exists")
    assert count_rows("users") == 1 and user_named("alice").check_password("password123")


def test_users_create_refuses_bad_input(runner, subtests):
    for args, message in [(("shorty", "--password", "short"), "at least 10 characters"),
                          (("two words", "--password", "long-enough"), "without spaces"),
                          (("x" * 65, "--password", "long-enough"), "1-64 characters"),
                          (("   ", "--password", "long-enough"), "1-64 characters")]:
        with subtests.test(args=args):
            refused(invoke(runner, "users", "create", *args), message)
            assert count_rows("users") == 0


def test_users_create_refuses_a_short_prompted_password(runner):
    refused(invoke(runner, "users", "create", "carol", input="short\nshort\n"),
            "at least 10 characters")
    assert user_named("carol") is None


def test_users_token_prints_the_token_alone_on_the_last_line(runner, client, make):
    make.project("Visible", alice="annotator")
    result = invoke(runner, "users", "token", "alice", "--name", "laptop")
    assert result.exit_code == 0
    token = result.output.rstrip("\n").splitlines()[-1]
    assert token == token.strip() and " " not in token and len(token) >= 32
    response = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [p["name"] for p in response.get_json()] == ["Visible"]


def test_users_token_for_an_unknown_user_fails(runner):
    refused(invoke(runner, "users", "token", "ghost"), "no user named 'ghost'")
    assert count_rows("api_tokens") == 0


# --- projects --------------------------------------------------------------------------------


def test_projects_create_with_the_default_scheme(runner):
    result = invoke(runner, "projects", "create", "Flood study", "--description", "Floods",
                    "--annotators-per-document", "3")
    assert result.exit_code == 0 and "created project Flood study" in result.output
    project = db.session.scalar(select(Project))
    assert project.scheme == default_scheme().to_dict()
    assert (project.description, project.annotators_per_document) == ("Floods", 3)


def test_projects_create_with_a_scheme_file(runner, tmp_path):
    scheme = {"evidence_types": [{"key": "claim", "name": "Claim", "colour": "#77AADD",
                                  "hotkey": "c"}],
              "claimant_types": [{"key": "person", "name": "Person"}]}
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(scheme), encoding="utf-8")
    result = invoke(runner, "projects", "create", "Custom", "--scheme", str(path))
    assert result.exit_code == 0, result.output
    stored = db.session.scalar(select(Project.scheme))
    assert [e["key"] for e in stored["evidence_types"]] == ["claim"]
    assert stored["evidence_types"][0]["colour"] == "#77aadd"
    assert stored["claimant_types"] == [{"key": "person", "name": "Person"}]


BAD_SCHEMES = [
    (b'{"evidence_types": [', "not valid UTF-8 JSON"),
    (b"\xff\xfe{}", "not valid UTF-8 JSON"),
    (b'{"evidence_types": []}', "evidence_types"),
    (b'{"evidence_types": [{"key": "a", "name": "A", "color": "#ffffff"}]}', "color"),
    (b"[1, 2]", "scheme.json"),
]


def test_projects_create_refuses_a_bad_scheme_file(runner, tmp_path, subtests):
    path = tmp_path / "scheme.json"
    for content, message in BAD_SCHEMES:
        with subtests.test(content=content):
            path.write_bytes(content)
            refused(invoke(runner, "projects", "create", "Custom", "--scheme", str(path)),
                    message)
            assert count_rows("projects") == 0


def test_projects_create_refuses_a_missing_scheme_file(runner, tmp_path):
    refused(invoke(runner, "projects", "create", "P", "--scheme", str(tmp_path / "none.json")),
            "no such file")
    assert count_rows("projects") == 0


def test_projects_create_refuses_bad_input(runner, make, subtests):
    make.project("Taken")
    for args, message in [(("Taken",), "already exists"), (("  ",), "needs a name"),
                          (("New", "--annotators-per-document", "0"), "at least 1")]:
        with subtests.test(args=args):
            refused(invoke(runner, "projects", "create", *args), message)
            assert count_rows("projects") == 1


def test_projects_add_member_adds_and_changes_the_role(runner, make):
    project = make.project("Study")
    make.user("alice")
    result = invoke(runner, "projects", "add-member", "Study", "alice", "--role", "annotator")
    assert result.exit_code == 0 and "alice is now annotator in Study" in result.output
    result = invoke(runner, "projects", "add-member", str(project.id), "alice",
                    "--role", "manager")
    assert result.exit_code == 0
    assert db.session.scalars(select(ProjectMember.role)).all() == ["manager"]


def test_projects_add_member_refusals(runner, make, subtests):
    make.project("Study")
    make.user("alice")
    for args, message in [
        (("Nope", "alice", "--role", "annotator"), "no project named 'Nope'"),
        (("Study", "ghost", "--role", "annotator"), "no user named 'ghost'"),
        (("Study", "alice", "--role", "owner"), "'owner' is not one of"),
        (("Study", "alice"), "Missing option '--role'"),
    ]:
        with subtests.test(args=args):
            refused(invoke(runner, "projects", "add-member", *args), message)
            assert count_rows("project_members") == 0


# --- import ----------------------------------------------------------------------------------


@pytest.fixture
def study(make):
    return make.project("Study", alice="annotator", bruno="annotator")


def _write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_jsonl_with_annotations(runner, study, tmp_path):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3)]),
                       jsonl_document("d-2", text="Another."))
    result = invoke(runner, "import", "Study", _write(tmp_path, "batch.jsonl", data))
    assert result.exit_code == 0, result.output
    assert "imported 2 documents, 1 spans, 0 gold spans into Study" in result.output
    assert "added 1 claimants" in result.output
    assert count_rows("documents") == 2 and count_rows("spans") == 1


def test_import_csv_and_txt(runner, study, tmp_path):
    result = invoke(runner, "import", "Study", _write(tmp_path, "list.csv", CSV_FILE))
    assert result.exit_code == 0 and "imported 2 documents" in result.output
    result = invoke(runner, "import", str(study.id),
                    _write(tmp_path, "dam.txt", b"Dam breach\nWater rose.\n"))
    assert result.exit_code == 0 and "imported 1 documents" in result.output
    ids = db.session.scalars(select(Document.external_id).order_by(Document.external_id))
    assert list(ids) == ["c-1", "c-2", "dam"]


def test_import_with_assign(runner, study, tmp_path):
    data = jsonl_bytes(*(jsonl_document(f"a-{i}", text=f"Article {i}.") for i in range(3)))
    result = invoke(runner, "import", "Study", _write(tmp_path, "b.jsonl", data),
                    "--assign", "2")
    assert result.exit_code == 0 and "created 6 assignments" in result.output
    assert count_rows("assignments") == 6


def test_import_with_create_users(runner, study, tmp_path):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3, annotator="zoe")]))
    path = _write(tmp_path, "b.jsonl", data)
    refused(invoke(runner, "import", "Study", path), "nothing imported", "no user named 'zoe'",
            "--create-users")
    assert count_rows("documents") == 0 and user_named("zoe") is None
    result = invoke(runner, "import", "Study", path, "--create-users")
    assert result.exit_code == 0, result.output
    assert "created users (no password yet" in result.output and ": zoe" in result.output
    assert "flask users set-password" in result.output
    assert user_named("zoe").password_hash is None
    assignment = db.session.scalars(select(Assignment)).one()
    assert assignment.status == "submitted"


BAD_IMPORTS = [
    ("bad.jsonl", jsonl_bytes(jsonl_document("good", annotations=[annotation(
        0, 3, annotator="newcomer")])) + b'\n{"id": "x"\n',
     ("nothing imported", 'file "bad.jsonl", line 2')),
    ("bad.csv", b"title,body\nA,B\n", ("nothing imported", "text")),
    ("empty.txt", b"", ("nothing imported", "empty")),
    ("latin.txt", "Caf\u00e9".encode("latin-1"), ("nothing imported", "not UTF-8")),
    ("notes.docx", b"x", ("nothing imported", "unsupported file type")),
]


def test_import_refuses_a_bad_file_and_imports_nothing(runner, study, tmp_path, subtests):
    before = (count_rows("documents"), count_rows("claimants"), count_rows("users"))
    for name, data, phrases in BAD_IMPORTS:
        with subtests.test(file=name):
            path = _write(tmp_path, name, data)
            refused(invoke(runner, "import", "Study", path, "--create-users"), *phrases)
            after = (count_rows("documents"), count_rows("claimants"), count_rows("users"))
            assert after == before


def test_import_says_when_it_stopped_listing_problems(runner, study, tmp_path):
    lines = [json.dumps({"id": f"x{i}", "title": "t"}) for i in range(30)]
    path = _write(tmp_path, "many.jsonl", "\n".join(lines).encode())
    result = invoke(runner, "import", "Study", path)
    refused(result, "nothing imported", "stopped after 20 problems")
    assert result.output.count('field "text"') == 20


def test_import_refuses_assign_below_one(runner, study, tmp_path):
    path = _write(tmp_path, "b.jsonl", jsonl_bytes(jsonl_document("d-1")))
    for value in ("0", "-1", "two"):
        refused(invoke(runner, "import", "Study", path, "--assign", value), "--assign")
    assert count_rows("documents") == 0


def test_import_refuses_ids_already_in_the_project(runner, study, tmp_path):
    path = _write(tmp_path, "b.jsonl", jsonl_bytes(jsonl_document("d-1")))
    assert invoke(runner, "import", "Study", path).exit_code == 0
    refused(invoke(runner, "import", "Study", path), "'d-1' is already in this project")
    assert count_rows("documents") == 1


def test_import_assign_without_annotators_imports_nothing(runner, make, tmp_path):
    make.project("Empty")
    path = _write(tmp_path, "b.jsonl", jsonl_bytes(jsonl_document("d-1")))
    refused(invoke(runner, "import", "Empty", path, "--assign", "2"), "no annotators")
    assert count_rows("documents") == 0


def test_import_unknown_project_or_missing_file(runner, study, tmp_path):
    path = _write(tmp_path, "b.jsonl", jsonl_bytes(jsonl_document("d-1")))
    refused(invoke(runner, "import", "Nope", path), "no project named 'Nope'")
    refused(invoke(runner, "import", "Study", str(tmp_path / "none.jsonl")), "no such file")
    assert count_rows("documents") == 0


# --- demo ------------------------------------------------------------------------------------


def test_demo_prints_the_logins_and_is_idempotent(runner):
    first = invoke(runner, "demo")
    assert first.exit_code == 0, first.output
    for username in ("admin", "maria", "rui", "amira", "bruno", "chen"):
        assert username in first.output
    assert "credence-demo" in first.output
    tables = ("users", "projects", "documents", "spans", "claimants", "assignments")
    counts = {table: count_rows(table) for table in tables}
    second = invoke(runner, "demo")
    assert second.exit_code == 0 and "already loaded" in second.output
    assert "credence-demo" in second.output
    assert {table: count_rows(table) for table in tables} == counts


def test_users_set_password_lets_an_imported_account_log_in(runner, make, client):
    make.user("imported", password=None)
    result = invoke(runner, "users", "set-password", "imported", "--password", "long-enough-pw")
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"username": "imported", "password": "long-enough-pw"})
    assert response.status_code == 302
    refused(invoke(runner, "users", "set-password", "imported", "--password", "short"), "10")
    refused(invoke(runner, "users", "set-password", "nobody", "--password", "long-enough-pw"),
            "nobody")


def test_export_then_import_reproduces_every_span_exactly(runner, tmp_path):
    assert invoke(runner, "demo").exit_code == 0
    exported = tmp_path / "demo.jsonl"
    result = invoke(runner, "export", "Demo: conflict and disaster reporting", str(exported))
    assert result.exit_code == 0, result.output
    assert invoke(runner, "projects", "create", "Copy").exit_code == 0
    result = invoke(runner, "import", "Copy", str(exported))
    assert result.exit_code == 0, result.output

    def spans_of(project_name: str) -> list[tuple]:
        from app.models import Claimant, Document, Project, Span, User

        return sorted(db.session.execute(
            select(Document.external_id, User.username, Span.start, Span.end, Span.text,
                   Claimant.name, Span.evidence_type, Span.note)
            .join(Span, Span.document_id == Document.id).join(User, User.id == Span.annotator_id)
            .join(Claimant, Claimant.id == Span.claimant_id).join(Project)
            .where(Project.name == project_name)).tuples())

    original = spans_of("Demo: conflict and disaster reporting")
    assert len(original) > 50 and spans_of("Copy") == original
    refused(invoke(runner, "export", "No such project"), "no project named")


def test_add_member_cannot_demote_the_last_manager(runner, make):
    make.project("Solo", boss="manager")
    refused(invoke(runner, "projects", "add-member", "Solo", "boss", "--role", "annotator"),
            "last manager")
