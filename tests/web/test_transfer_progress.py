"""Long exports and imports show progress: a tqdm bar on standard error for `flask export` and
`flask import` on a terminal (nothing extra otherwise), and the download response starts
before the whole export has been read."""

from __future__ import annotations

import io

from sqlalchemy import event

from app.extensions import db
from app.models import Assignment, Document, Span, User
from app.text import text_sha256
from app.transfer.export import CHUNK_BYTES
from app.transfer.progress import PhaseBars, wanted
from app.transfer.rows import DOCUMENT_BATCH

TEXT = "The ministry said 12 people died, according to a statement 🌊. " * 40


def seed(make, documents: int = 3):
    project = make.project("Long", alice="annotator", boss="manager")
    alice = db.session.query(User).filter_by(username="alice").one()
    claimant = make.claimant(project, "Ministry of Water", "government")
    rows = [Document(project=project, external_id=f"d{i}", title=f"Doc {i}", text=TEXT,
                     sha256=text_sha256(TEXT), meta={}) for i in range(documents)]
    db.session.add_all(rows)
    db.session.flush()
    db.session.add_all(Assignment(document=d, annotator=alice, status="submitted") for d in rows)
    db.session.add_all(Span(document=d, annotator=alice, start=4, end=12, text=TEXT[4:12],
                            claimant=claimant, evidence_type="statistics") for d in rows)
    db.session.commit()
    return project


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_only_on_a_terminal_unless_asked_for():
    assert wanted(None, Terminal()) is True
    assert wanted(None, io.StringIO()) is False
    assert wanted(True, io.StringIO()) is True and wanted(False, Terminal()) is False


def test_phase_bars_draw_each_phase_with_the_length_it_follows():
    stream = Terminal()
    with PhaseBars(True, stream, follows={"importing": "checking"}) as bars:
        for _ in range(3):
            bars.step("checking")
        for _ in range(3):
            bars.step("importing")
    drawn = stream.getvalue()
    assert "checking: " in drawn and "importing: 100%" in drawn and "3/3" in drawn
    silent = Terminal()
    with PhaseBars(False, silent) as bars:
        bars.step("checking")
    assert silent.getvalue() == ""


def test_export_without_a_terminal_prints_nothing_extra(runner, make, tmp_path):
    seed(make)
    out = tmp_path / "long.jsonl"
    result = runner.invoke(args=["export", "Long", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 3 documents to {out}\n"
    piped = runner.invoke(args=["export", "Long", "--format", "csv"])
    assert piped.stderr == "" and piped.stdout.startswith("document_id,title,layer")


def test_export_and_import_draw_bars_when_asked(runner, make, tmp_path):
    seed(make)
    out = tmp_path / "long.jsonl"
    result = runner.invoke(args=["export", "Long", "--out", str(out), "--progress"])
    assert result.exit_code == 0, result.output
    assert "exporting: 100%" in result.stderr and "3/3" in result.stderr
    # On standard output the file stays exactly the file; the bar goes to standard error.
    to_stdout = runner.invoke(args=["export", "Long", "--progress"])
    assert to_stdout.stdout_bytes == out.read_bytes() and "exporting" in to_stdout.stderr
    assert runner.invoke(args=["projects", "create", "Copy"]).exit_code == 0
    result = runner.invoke(args=["import", "Copy", str(out), "--progress"])
    assert result.exit_code == 0, result.output
    assert "checking: " in result.stderr and "importing: 100%" in result.stderr
    assert "imported 3 documents" in result.stdout


def test_import_without_a_terminal_prints_only_its_summary(runner, make, tmp_path):
    seed(make)
    out = tmp_path / "long.jsonl"
    runner.invoke(args=["export", "Long", "--out", str(out)])
    runner.invoke(args=["projects", "create", "Copy"])
    result = runner.invoke(args=["import", "Copy", str(out)])
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith("imported 3 documents, 3 spans, 0 gold spans into Copy")


def test_the_download_starts_before_the_export_is_read(app, client, auth, make):
    project = seed(make, documents=3 * DOCUMENT_BATCH)
    assert DOCUMENT_BATCH * len(TEXT) > CHUNK_BYTES  # one batch fills the first chunk
    span_queries = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT") and "FROM spans" in statement:
            span_queries.append(statement)

    auth.login("boss")
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/projects/{project.id}/downloads/file?format=jsonl",
                              buffered=False)
        assert response.status_code == 200 and response.is_streamed
        chunks = iter(response.response)
        first = next(chunks)
        assert first.startswith(b'{"claimant": ') and len(first) >= CHUNK_BYTES
        assert len(span_queries) == 1  # one batch of documents read, two still to come
        rest = b"".join(chunks)
        response.close()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(span_queries) == 3
    assert (first + rest).count(b'"annotator": "alice"') == 3 * DOCUMENT_BATCH
