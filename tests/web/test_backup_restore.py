"""flask backup / flask restore: a project survives the round trip whole (into a fresh
database, or beside itself under another name), history still undoes, and a damaged or
cut file restores nothing."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import create_engine, insert, select

from app.claimants.merge import undo_merge
from app.extensions import db
from app.models import AuditEvent, ClaimantEvent, Document, Project, Span, User
from app.review.gold import undo_last
from app.transfer.backup import backup_lines
from app.transfer.backup_format import (
    JSON_REFERENCES,
    LOOSE_REFERENCES,
    TABLE_ORDER,
    translate_json,
)
from app.transfer.restore import RestoreRefused, restore_backup
from tests.conftest import count_rows
from tests.web.backup_project import build_rich_project, project_content


def _lines(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _write(path, records) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _backup(runner, project: str, path) -> list[dict]:
    result = runner.invoke(args=["backup", project, str(path)])
    assert result.exit_code == 0, result.output
    return _lines(path)


def _all_counts() -> dict[str, int]:
    return {name: count_rows(name) for name in db.metadata.tables}


def _translate(record: dict, result, project_id: int) -> dict:
    """A line of the first backup with every id put through the restore's maps."""
    table, row = record["table"], record["row"]
    if table == "users":
        return {"table": table, "row": {**row, "id": result.users[row["id"]]}}

    def lookup(referenced: str, old: int):
        if referenced == "users":
            return result.users.get(old)
        known = result.maps[referenced]
        return known.get(old) if old in known else known.ghosts[old]

    translated = {}
    for name, value in row.items():
        column = db.metadata.tables[table].c[name]
        referenced = next((fk.column.table.name for fk in column.foreign_keys), None)
        if name == "id" and column.primary_key:
            value = result.maps[table].get(value)
        elif referenced == "projects":
            value = project_id
        elif referenced and value is not None:
            value = lookup(referenced, value)
        elif (table, name) in LOOSE_REFERENCES and value is not None:
            value = lookup(LOOSE_REFERENCES[table, name], value)
        elif (table, name) in JSON_REFERENCES:
            value = translate_json(table, name, value, lookup)
        translated[name] = value
    return {"table": table, "row": translated}


def test_a_project_restored_into_a_fresh_database_backs_up_the_same(app, runner, make,
                                                                    tmp_path):
    project = build_rich_project(make)
    first = _backup(runner, "Rich", tmp_path / "one.gz")
    before = project_content(project.id)
    assert first[-1]["counts"]["claimant_events"] >= 8 and first[-1]["counts"]["gold_events"]
    assert all(first[-1]["counts"][table] for table in TABLE_ORDER)  # every table has rows

    db.session.remove()
    db.drop_all()
    db.create_all()
    make.user("alice")  # an account that exists already is matched, not created
    result = restore_backup(tmp_path / "one.gz")
    db.session.commit()
    assert sorted(result.users_created) == ["boss", "bruno", "rui"]
    second = _backup(runner, "Rich", tmp_path / "two.gz")

    assert {**first[0], "created_at": None} == {**second[0], "created_at": None}
    restored_event = [r for r in second if r.get("table") == "audit_events"
                      and r["row"]["action"] == "project_restored"]
    assert len(restored_event) == 1
    expected = [_translate(r, result, result.project_id) for r in first[1:-1]]
    assert [r for r in second[1:-1] if r not in restored_event] == expected
    counts = dict(first[-1]["counts"], audit_events=first[-1]["counts"]["audit_events"] + 1)
    assert second[-1]["counts"] == counts
    # and, table by table, by names rather than ids
    assert project_content(result.project_id) == before


def test_missing_users_are_created_deactivated_without_a_password(app, runner, make,
                                                                  tmp_path):
    build_rich_project(make)
    _backup(runner, "Rich", tmp_path / "one.gz")
    db.session.remove()
    db.drop_all()
    db.create_all()
    result = runner.invoke(args=["restore", str(tmp_path / "one.gz")])
    assert result.exit_code == 0, result.output
    assert "reactivate them" in result.output
    users = db.session.scalars(select(User)).all()
    assert {u.username for u in users} == {"alice", "bruno", "rui", "boss"}
    assert all(not u.active and u.password_hash is None and not u.is_admin for u in users)


def test_a_copy_beside_the_original_holds_the_same_and_its_history_still_undoes(
        app, runner, make, tmp_path):
    project = build_rich_project(make)
    _backup(runner, "Rich", tmp_path / "one.gz")
    result = runner.invoke(args=["restore", str(tmp_path / "one.gz"), "--as", "Copy"])
    assert result.exit_code == 0, result.output
    copy = db.session.scalar(select(Project).where(Project.name == "Copy"))
    assert project_content(copy.id) == project_content(project.id)
    assert count_rows("users") == 4  # matched by username

    rui = db.session.scalar(select(User).where(User.username == "rui"))
    for project_id in (project.id, copy.id):
        merge = db.session.scalars(select(ClaimantEvent).where(
            ClaimantEvent.project_id == project_id, ClaimantEvent.action == "merge",
            ClaimantEvent.undone_at.is_(None), ClaimantEvent.summary.like("merged Crowd%"))
        ).one()
        undo_merge(merge, rui)  # "Crowd" comes back, under an id kept free for it
        document = db.session.scalar(select(Document).where(
            Document.project_id == project_id, Document.title == "Hospitals"))
        undo_last(document, rui)  # the deleted gold span comes back under its id
        db.session.commit()
    after_undo = [project_content(project_id, with_times=False)
                  for project_id in (project.id, copy.id)]
    for content in after_undo:
        del content["audit"]  # the undo's log lines name each project's own ids
    assert after_undo[0] == after_undo[1]


def test_a_project_of_the_same_name_is_never_overwritten_unless_asked(app, runner, make,
                                                                      tmp_path):
    project = build_rich_project(make)
    _backup(runner, "Rich", tmp_path / "one.gz")
    before = _all_counts()
    refused = runner.invoke(args=["restore", str(tmp_path / "one.gz")])
    assert refused.exit_code != 0
    assert "nothing restored" in refused.output and "--replace" in refused.output
    assert _all_counts() == before
    content = project_content(project.id)
    replaced = runner.invoke(args=["restore", str(tmp_path / "one.gz"), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    again = db.session.scalars(select(Project)).one()
    assert project_content(again.id) == content


def _refused(runner, path) -> str:
    before = _all_counts()
    result = runner.invoke(args=["restore", str(path), "--as", "Another"])
    assert result.exit_code != 0
    assert _all_counts() == before
    return result.output


@pytest.fixture
def backup_file(app, runner, make, tmp_path):
    build_rich_project(make)
    _backup(runner, "Rich", tmp_path / "one.gz")
    return tmp_path / "one.gz"


def test_a_file_cut_anywhere_restores_nothing_and_says_where(runner, backup_file, tmp_path):
    data = backup_file.read_bytes()
    (tmp_path / "cut.gz").write_bytes(data[:len(data) // 2])
    output = _refused(runner, tmp_path / "cut.gz")
    assert "nothing restored: line" in output and "damaged or cut short" in output

    records = _lines(backup_file)
    _write(tmp_path / "short.gz", records[:-5])
    output = _refused(runner, tmp_path / "short.gz")
    assert f"ends at line {len(records) - 5} without its end line" in output

    _write(tmp_path / "gap.gz", records[:-2] + records[-1:])  # an audit line left out
    assert "the end line counts" in _refused(runner, tmp_path / "gap.gz")


def test_a_changed_or_broken_line_restores_nothing(runner, backup_file, tmp_path):
    records = _lines(backup_file)
    span_at = next(i for i, r in enumerate(records) if r.get("table") == "spans")
    broken = [dict(r) for r in records]
    broken[span_at] = {"table": "spans", "row": {**records[span_at]["row"],
                                                 "claimant_id": 99999}}
    _write(tmp_path / "reference.gz", broken)
    output = _refused(runner, tmp_path / "reference.gz")
    assert f"line {span_at + 1}: spans.claimant_id names claimants id 99999" in output

    broken[span_at] = {"table": "spans", "row": {**records[span_at]["row"], "text": "other"}}
    _write(tmp_path / "text.gz", broken)
    assert "its text is not its document's text" in _refused(runner, tmp_path / "text.gz")

    broken[span_at] = {"table": "spans", "row": {**records[span_at]["row"], "end": 2**70}}
    _write(tmp_path / "huge.gz", broken)
    assert f"line {span_at + 1}: spans.end is out of range" in _refused(runner,
                                                                      tmp_path / "huge.gz")

    with gzip.open(tmp_path / "json.gz", "wt") as handle:
        handle.write(json.dumps(records[0]) + "\n" + '{"table": "projects", "row": {\n')
    assert "line 2: not a JSON line" in _refused(runner, tmp_path / "json.gz")

    _write(tmp_path / "hollow.gz", [records[0], {"end": True, "counts": {}}])
    assert "the file holds no project row" in _refused(runner, tmp_path / "hollow.gz")

    (tmp_path / "plain.jsonl").write_text("{}\n")
    assert "damaged or cut short" in _refused(runner, tmp_path / "plain.jsonl")


def test_a_backup_from_a_newer_schema_is_refused_by_name(runner, backup_file, tmp_path):
    records = _lines(backup_file)
    records[0]["tables"]["spans"].append("confidence")
    _write(tmp_path / "newer.gz", records)
    assert "spans.confidence, which this database lacks" in _refused(runner,
                                                                     tmp_path / "newer.gz")


def test_every_table_of_a_project_is_in_the_backup():
    """A table added later that belongs to a project must be added to TABLE_ORDER (or it
    would silently be left out of every backup)."""
    site_wide = {"users", "api_tokens", "set_password_links", "site_settings"}
    assert set(db.metadata.tables) == set(TABLE_ORDER) | site_wide


def test_backup_and_restore_are_in_the_audit_log(app, runner, make, tmp_path):
    project = build_rich_project(make)
    _backup(runner, "Rich", tmp_path / "one.gz")
    runner.invoke(args=["restore", str(tmp_path / "one.gz"), "--as", "Copy"])
    copy = db.session.scalar(select(Project).where(Project.name == "Copy"))
    backup_row = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "backup")).one()
    restore_row = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "project_restored")).one()
    assert backup_row.project_id == project.id and restore_row.project_id == copy.id
    assert restore_row.details["from_project"] == "Rich"


def test_restore_names_a_file_that_is_not_a_backup(app, tmp_path):
    _write(tmp_path / "export.gz", [{"external_id": "a", "text": "x"}])
    with pytest.raises(RestoreRefused, match="not a Credence project backup"):
        restore_backup(tmp_path / "export.gz")


def test_a_backup_that_cannot_be_written_says_why_and_leaves_no_file(runner, make, tmp_path):
    make.project("Small")
    result = runner.invoke(args=["backup", "Small", str(tmp_path / "missing" / "b.gz")])
    assert result.exit_code != 0 and "cannot write" in result.output
    assert not (tmp_path / "missing").exists()
    assert runner.invoke(args=["backup", "Nope", str(tmp_path / "b.gz")]).exit_code != 0
    assert not (tmp_path / "b.gz").exists()


def test_a_backup_reads_one_snapshot_while_others_write(app, make):
    project = make.project("Snap", alice="annotator")
    document = make.document(project, assign=("alice",))
    span = make.span(document, db.session.scalar(select(User)), 0, 3)
    values = {"document_id": document.id, "annotator_id": span.annotator_id, "start": 4,
              "end": 12, "text": document.text[4:12], "claimant_id": span.claimant_id,
              "evidence_type": "official_statement", "note": "", "version": 1}
    lines = backup_lines(project.id, project.name)
    read = [next(lines) for _ in range(3)]  # the snapshot has begun
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other.begin() as connection:  # someone saves a span meanwhile
            connection.execute(insert(Span.__table__), values)
    finally:
        other.dispose()
    records = [json.loads(line) for line in read + list(lines)]
    assert [r["row"]["start"] for r in records if r.get("table") == "spans"] == [0]
    assert records[-1]["counts"]["spans"] == 1
    assert count_rows("spans") == 2
