"""app.projects.importer.import_file: every format in, every bad input refused with the
database left as it was (the caller rolls back, as the CLI and the upload page do)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.errors import ServiceError
from app.extensions import db
from app.formats import ImportRefused
from app.models import Assignment, Claimant, Document, GoldSpan, ProjectMember, Span, User
from app.projects.importer import import_file
from app.scheme import Scheme, default_scheme
from tests.conftest import count_rows

TEXT = "The Ministry of Defence said 12 people died. Rescuers said 23 bodies were found."
TABLES = ("users", "project_members", "documents", "assignments", "spans", "gold_spans",
          "claimants", "claimant_aliases")


def annotation(start: int, end: int, *, annotator: str | None = "alice", text: str = TEXT,
               claimant: str = "Ministry of Defence", evidence_type: str = "official_statement",
               **extra) -> dict:
    item = {"start": start, "end": end, "text": text[start:end], "claimant": claimant,
            "evidence_type": evidence_type, **extra}
    if annotator is not None:
        item["annotator"] = annotator
    return item


def jsonl_document(external_id: str, text: str = TEXT, **fields) -> dict:
    return {"id": external_id, "title": f"Title of {external_id}", "text": text, **fields}


def jsonl_bytes(*documents: dict) -> bytes:
    return "\n".join(json.dumps(d, ensure_ascii=False) for d in documents).encode("utf-8")


CSV_FILE = (b"title,text,external_id,url,published,outlet\n"
            b"First,First text.,c-1,https://example.org/1,2025-03-11,Example Post\n"
            b'Second,"Second text, with a comma.",c-2,,,\n')


def database_rows() -> dict[str, int]:
    return {table: count_rows(table) for table in TABLES}


@pytest.fixture
def project(make):
    return make.project("Import", alice="annotator", bruno="annotator", rev="reviewer")


def refused_and_rolled_back(project, filename: str, data: bytes, error=ImportRefused, **options):
    """Import, expect `error`, roll back as a caller must; return the exception."""
    with pytest.raises(error) as caught:
        import_file(project, filename, data, **options)
    db.session.rollback()
    return caught.value


# --- each format -----------------------------------------------------------------------------


def test_jsonl_with_annotations_and_gold_is_stored(project):
    gold = annotation(0, 23, annotator=None)
    data = jsonl_bytes(
        jsonl_document("d-1", url="https://example.org/d1", published="2025-03-11",
                       meta={"outlet": "Example"},
                       annotations=[annotation(0, 23, claimant_type="government"),
                                    annotation(45, 53, annotator="bruno", claimant="Rescuers",
                                               claimant_type="ngo", evidence_type="expert")],
                       gold=[gold]),
        jsonl_document("d-2", text="A second, plain article."))
    changed_before = project.changed_at
    summary = import_file(project, "batch.jsonl", data)
    db.session.commit()
    assert (summary.documents, summary.spans, summary.gold_spans) == (2, 2, 1)
    assert sorted(summary.claimants_created) == ["Ministry of Defence", "Rescuers"]
    document = db.session.scalar(select(Document).where(Document.external_id == "d-1"))
    assert (document.title, document.url, str(document.published), document.meta) == (
        "Title of d-1", "https://example.org/d1", "2025-03-11", {"outlet": "Example"})
    spans = db.session.scalars(select(Span).order_by(Span.start)).all()
    assert [(s.annotator.username, s.start, s.end, s.text, s.claimant.name, s.evidence_type)
            for s in spans] == [
        ("alice", 0, 23, TEXT[0:23], "Ministry of Defence", "official_statement"),
        ("bruno", 45, 53, "Rescuer"[:0] + TEXT[45:53], "Rescuers", "expert")]
    assert db.session.scalar(select(GoldSpan.text)) == TEXT[0:23]
    types = dict(db.session.execute(select(Claimant.name, Claimant.type)).all())
    assert types == {"Ministry of Defence": "government", "Rescuers": "ngo"}
    assert project.changed_at > changed_before


def test_imported_annotations_make_the_assignment_submitted(project):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3)]))
    import_file(project, "one.jsonl", data)
    db.session.commit()
    assignment = db.session.scalars(select(Assignment)).one()
    assert assignment.annotator.username == "alice"
    assert assignment.status == "submitted"
    assert assignment.started_at is not None and assignment.submitted_at is not None


def test_ndjson_extension_reads_as_jsonl(project):
    summary = import_file(project, "batch.NDJSON", jsonl_bytes(jsonl_document("n-1")))
    assert summary.documents == 1


def test_csv_keeps_extra_columns_in_meta(project):
    summary = import_file(project, "list.csv", CSV_FILE)
    db.session.commit()
    assert summary.documents == 2 and summary.spans == 0
    first, second = db.session.scalars(select(Document).order_by(Document.external_id)).all()
    assert (first.title, first.text, first.url, str(first.published), first.meta) == (
        "First", "First text.", "https://example.org/1", "2025-03-11", {"outlet": "Example Post"})
    assert (second.text, second.url, second.published, second.meta) == (
        "Second text, with a comma.", "", None, {})


def test_txt_is_one_document_named_after_the_file(project):
    data = b"\n\n  Dam breach floods valley  \r\nWater rose overnight.\r\n"
    summary = import_file(project, "reports/dam.v2.txt", data)
    db.session.commit()
    document = db.session.scalars(select(Document)).one()
    assert summary.documents == 1
    assert (document.external_id, document.title) == ("dam.v2", "Dam breach floods valley")
    assert "\r" not in document.text and document.sha256


def test_text_is_normalised_and_hashed(project):
    import_file(project, "a.jsonl", jsonl_bytes(jsonl_document("nfc", text="Cafe\u0301\r\nok")))
    document = db.session.scalars(select(Document)).one()
    assert document.text == "Caf\u00e9\nok"
    from app.text import text_sha256
    assert document.sha256 == text_sha256(document.text)


# --- assignments and users -------------------------------------------------------------------


def test_assign_gives_each_document_n_annotators(project):
    data = jsonl_bytes(*(jsonl_document(f"a-{i}", text=f"Article {i}.") for i in range(3)))
    summary = import_file(project, "batch.jsonl", data, assign=2)
    db.session.commit()
    assert summary.assignments_created == 6
    per_document = db.session.execute(
        select(Assignment.document_id, db.func.count()).group_by(Assignment.document_id)).all()
    assert sorted(n for _, n in per_document) == [2, 2, 2]
    statuses = set(db.session.scalars(select(Assignment.status)))
    assert statuses == {"assigned"}


def test_assign_tops_up_documents_that_came_with_annotations(project):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3)]))
    summary = import_file(project, "one.jsonl", data, assign=2)
    assert summary.assignments_created == 1
    rows = db.session.execute(select(User.username, Assignment.status).join(
        Assignment, Assignment.annotator_id == User.id).order_by(User.username)).all()
    assert [tuple(r) for r in rows] == [("alice", "submitted"), ("bruno", "assigned")]


def test_create_users_adds_annotators_who_cannot_log_in(project):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3, annotator="zoe")]))
    summary = import_file(project, "one.jsonl", data, create_users=True)
    db.session.commit()
    assert summary.users_created == ["zoe"]
    zoe = db.session.scalar(select(User).where(User.username == "zoe"))
    assert zoe.password_hash is None and not zoe.check_password("")
    role = db.session.scalar(select(ProjectMember.role).where(ProjectMember.user_id == zoe.id))
    assert role == "annotator"


def test_existing_user_outside_the_project_joins_as_annotator(project, make):
    make.user("outsider")
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3,
                                                                    annotator="outsider")]))
    summary = import_file(project, "one.jsonl", data)
    assert summary.users_created == []
    role = db.session.scalar(select(ProjectMember.role).join(User).where(
        User.username == "outsider", ProjectMember.project_id == project.id))
    assert role == "annotator"


def test_reviewer_named_as_annotator_keeps_the_reviewer_role(project):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3, annotator="rev")]))
    import_file(project, "one.jsonl", data)
    role = db.session.scalar(select(ProjectMember.role).join(User).where(User.username == "rev"))
    assert role == "reviewer"


# --- claimants -------------------------------------------------------------------------------


def test_claimants_resolve_by_name_or_alias_ignoring_case(project, make):
    ministry = make.claimant(project, "Ministry of Defence", aliases=("MoD", "Defence Ministry"))
    data = jsonl_bytes(jsonl_document("d-1", annotations=[
        annotation(0, 3, claimant="mod"),
        annotation(4, 12, claimant="DEFENCE MINISTRY"),
        annotation(13, 23, claimant=" ministry of defence "),
        annotation(45, 53, claimant="Rescuers", claimant_type="ngo"),
        annotation(54, 58, claimant="rescuers"),
    ]))
    summary = import_file(project, "one.jsonl", data)
    db.session.commit()
    assert summary.claimants_created == ["Rescuers"]
    claimant_ids = db.session.scalars(select(Span.claimant_id).order_by(Span.start)).all()
    rescuers = db.session.scalar(select(Claimant.id).where(Claimant.name == "Rescuers"))
    assert claimant_ids == [ministry.id] * 3 + [rescuers] * 2


def test_claimants_of_another_project_are_not_used(project, make):
    make.claimant(make.project("Other"), "Ministry of Defence")
    summary = import_file(project, "one.jsonl", jsonl_bytes(
        jsonl_document("d-1", annotations=[annotation(0, 3)])))
    assert summary.claimants_created == ["Ministry of Defence"]
    assert count_rows("claimants") == 2


def test_new_claimant_takes_the_first_type_given_anywhere_in_the_file(project):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[
        annotation(0, 3, claimant="Rescuers"),
        annotation(4, 12, claimant="rescuers", claimant_type="ngo"),
        annotation(13, 23, claimant="Unnamed official")]))
    import_file(project, "one.jsonl", data)
    types = dict(db.session.execute(select(Claimant.name, Claimant.type)).all())
    assert types == {"Rescuers": "ngo", "Unnamed official": "other"}


@pytest.fixture
def project_without_other_type(make):
    scheme = default_scheme().to_dict()
    scheme["claimant_types"] = [{"key": "state", "name": "State"},
                                {"key": "civil", "name": "Civil society"}]
    project = make.project("Custom", alice="annotator")
    project.scheme = Scheme.from_dict(scheme).to_dict()
    db.session.commit()
    return project


def test_untyped_new_claimant_is_refused_when_the_scheme_has_no_other_type(
        project_without_other_type):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[
        annotation(0, 3, claimant="Mystery"), annotation(4, 12, claimant="Typed",
                                                         claimant_type="civil")]))
    before = database_rows()
    refused = refused_and_rolled_back(project_without_other_type, "one.jsonl", data)
    assert [(e.field, e.file) for e in refused.errors] == [("claimant_type", "one.jsonl")]
    assert "'Mystery'" in refused.errors[0].message
    assert database_rows() == before


def test_known_claimant_needs_no_type_whatever_the_scheme(project_without_other_type, make):
    make.claimant(project_without_other_type, "Ministry", type="state", aliases=("MoD",))
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3, claimant="mod")]))
    summary = import_file(project_without_other_type, "one.jsonl", data)
    assert summary.claimants_created == [] and summary.spans == 1


# --- refusals: nothing changes ---------------------------------------------------------------


BAD_FILES = {
    "unsupported extension": ("notes.docx", b"anything"),
    "no extension": ("README", b"anything"),
    "non-UTF-8 jsonl": ("latin1.jsonl", '{"title": "Caf\u00e9", "text": "x"}'.encode("latin-1")),
    "non-UTF-8 csv": ("latin1.csv", "title,text\nCaf\u00e9,x\n".encode("latin-1")),
    "non-UTF-8 txt": ("latin1.txt", "Caf\u00e9".encode("latin-1")),
    "empty jsonl": ("empty.jsonl", b""),
    "blank jsonl": ("blank.jsonl", b"\n  \n"),
    "empty csv": ("empty.csv", b""),
    "header-only csv": ("header.csv", b"title,text\n"),
    "empty txt": ("empty.txt", b"   \n"),
    "broken json": ("broken.jsonl", b'{"id": "x", "title": "t", "text": "x"\n'),
    "not an object": ("list.jsonl", b'["x"]\n'),
    "missing text": ("notext.jsonl", jsonl_bytes({"id": "x", "title": "t"})),
    "unknown field": ("field.jsonl", jsonl_bytes(jsonl_document("x", body="?"))),
    "end past the text": ("end.jsonl", jsonl_bytes(jsonl_document(
        "x", annotations=[{**annotation(0, 3), "end": len(TEXT) + 1}]))),
    "quote mismatch": ("quote.jsonl", jsonl_bytes(jsonl_document(
        "x", annotations=[{**annotation(0, 3), "text": "Thx"}]))),
    "reversed offsets": ("reversed.jsonl", jsonl_bytes(jsonl_document(
        "x", annotations=[{**annotation(0, 3), "start": 3, "end": 0, "text": ""}]))),
    "unknown evidence type": ("evidence.jsonl", jsonl_bytes(jsonl_document(
        "x", annotations=[annotation(0, 3, evidence_type="rumour")]))),
    "unknown claimant type": ("ctype.jsonl", jsonl_bytes(jsonl_document(
        "x", annotations=[annotation(0, 3, claimant_type="alien")]))),
    "duplicate id in the file": ("dup.jsonl", jsonl_bytes(jsonl_document("x"),
                                                          jsonl_document("x"))),
    "bad date": ("date.jsonl", jsonl_bytes(jsonl_document("x", published="11/03/2025"))),
    "javascript url": ("url.jsonl", jsonl_bytes(jsonl_document("x", url="javascript:alert(1)"))),
    "csv without text column": ("cols.csv", b"title,body\nA,B\n"),
    "csv ragged row": ("ragged.csv", b"title,text\nA,B,C\n"),
}


def test_bad_file_is_refused_and_nothing_is_stored(project, subtests):
    import_file(project, "existing.jsonl", jsonl_bytes(jsonl_document("existing")))
    db.session.commit()
    before = database_rows()
    for case, (filename, data) in BAD_FILES.items():
        with subtests.test(case):
            refused = refused_and_rolled_back(project, filename, data, create_users=True)
            assert refused.errors and all(str(error) for error in refused.errors)
            assert all(error.file == filename for error in refused.errors)
            assert database_rows() == before


def test_one_bad_document_refuses_the_whole_file(project):
    data = jsonl_bytes(jsonl_document("good-1"), jsonl_document("good-2", text="Other."),
                       jsonl_document("bad", annotations=[annotation(0, 3,
                                                                     evidence_type="rumour")]))
    before = database_rows()
    refused = refused_and_rolled_back(project, "mixed.jsonl", data)
    assert [error.line for error in refused.errors] == [3]
    assert database_rows() == before


def test_external_id_already_in_the_project_is_refused(project):
    import_file(project, "first.jsonl", jsonl_bytes(jsonl_document("d-1")))
    db.session.commit()
    before = database_rows()
    data = jsonl_bytes(jsonl_document("d-2", text="New."), jsonl_document("d-1", text="Again."))
    refused = refused_and_rolled_back(project, "second.jsonl", data)
    assert [(e.field, e.file) for e in refused.errors] == [("id", "second.jsonl")]
    assert "d-1" in refused.errors[0].message
    assert database_rows() == before


def test_same_external_id_in_another_project_is_fine(project, make):
    other = make.project("Other")
    import_file(other, "first.jsonl", jsonl_bytes(jsonl_document("d-1")))
    assert import_file(project, "second.jsonl", jsonl_bytes(jsonl_document("d-1"))).documents == 1


def test_reimporting_a_txt_file_is_refused_as_a_duplicate(project):
    import_file(project, "dam.txt", b"Dam breach.\n")
    db.session.commit()
    before = database_rows()
    refused_and_rolled_back(project, "dam.txt", b"Dam breach, updated.\n")
    assert database_rows() == before


def test_unknown_annotator_is_refused_without_create_users(project):
    data = jsonl_bytes(jsonl_document("d-1", annotations=[annotation(0, 3, annotator="zoe"),
                                                          annotation(4, 12, annotator="yan")]))
    before = database_rows()
    refused = refused_and_rolled_back(project, "one.jsonl", data)
    messages = [error.message for error in refused.errors]
    assert [error.field for error in refused.errors] == ["annotator", "annotator"]
    assert "'yan'" in messages[0] and "'zoe'" in messages[1]
    assert all("--create-users" in message for message in messages)
    assert {error.file for error in refused.errors} == {"one.jsonl"}
    assert database_rows() == before


def test_assign_without_annotators_is_refused_and_rolled_back(make):
    project = make.project("Nobody", rev="reviewer")
    before = database_rows()
    refused = refused_and_rolled_back(project, "batch.jsonl", jsonl_bytes(jsonl_document("x")),
                                      error=ServiceError, assign=2)
    assert refused.field == "assign" and "no annotators" in refused.message
    assert database_rows() == before


def test_format_refusal_happens_before_anything_is_written(project):
    data = jsonl_bytes(jsonl_document("ok"), {"id": "bad", "title": "t"})
    with pytest.raises(ImportRefused):
        import_file(project, "batch.jsonl", data)
    assert not db.session.new and not db.session.dirty
    db.session.rollback()


def test_create_users_refuses_a_name_no_account_could_have(app, make):
    project = make.project("Names")
    bad = jsonl_bytes(jsonl_document("n-1", annotations=[annotation(0, 3, annotator="two words")]))
    before = count_rows("users")
    with pytest.raises(ImportRefused) as refused:
        import_file(project, "bad.jsonl", bad, create_users=True)
    assert "without spaces" in str(refused.value.errors[0])
    assert count_rows("users") == before


def test_assign_on_import_assigns_only_the_imported_documents(app, make):
    project = make.project("Assigning", alice="annotator", bob="annotator")
    earlier = make.document(project, "Left unassigned on purpose.")
    import_file(project, "new.jsonl", jsonl_bytes(jsonl_document("new-1")), assign=2)
    db.session.commit()
    assigned = {d for (d,) in db.session.execute(select(Assignment.document_id))}
    new_document = db.session.scalar(select(Document).where(Document.external_id == "new-1"))
    assert assigned == {new_document.id} and earlier.id not in assigned
