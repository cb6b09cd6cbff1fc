"""Imports of the other tools' formats through the import service: every format in, and a bad
file anywhere in it changes nothing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from app.extensions import db
from app.formats import ImportRefused
from app.formats.brat import write_brat
from app.formats.labelstudio import write_labelstudio
from app.formats.xmi import write_xmi
from app.projects.importer import import_file
from tests.conftest import count_rows
from tests.unit.formats.exports import TEXT, context, documents, written

TABLES = ("users", "documents", "assignments", "spans", "gold_spans", "claimants")


@pytest.fixture
def project(make):
    return make.project("Imports", alice="annotator", bob="annotator", boss="manager")


def spans_in_database() -> list[tuple]:
    from app.models import Document, GoldSpan, Span, User

    rows = db.session.query(Document.external_id, User.username, Span.start, Span.end,
                            Span.text).join(Span, Span.document_id == Document.id) \
        .join(User, User.id == Span.annotator_id).all()
    gold = db.session.query(Document.external_id, GoldSpan.start, GoldSpan.end,
                            GoldSpan.text).join(GoldSpan).all()
    return sorted(rows) + sorted(("gold", *g) for g in gold)


def expected() -> list[tuple]:
    docs = documents()
    spans = sorted((d.external_id, a.annotator, a.start, a.end, a.text)
                   for d in docs for a in d.annotations)
    gold = sorted(("gold", d.external_id, a.start, a.end, a.text) for d in docs for a in d.gold)
    return spans + gold


@pytest.mark.parametrize("name, write", [("brat.zip", write_brat), ("inception.zip", write_xmi),
                                         ("labelstudio.json", write_labelstudio)])
def test_other_tools_files_import_every_span_exactly(project, name, write):
    summary = import_file(project, name, written(write, ctx=context()))
    db.session.commit()
    # brat and XMI files exist per layer, so a document nobody annotated is not in them.
    assert summary.documents == (2 if name.endswith(".json") else 1)
    assert summary.spans == 4 and summary.gold_spans == 1
    assert spans_in_database() == expected()
    assert all(row[-1] == TEXT[row[-3]:row[-2]] for row in spans_in_database())


def test_a_bad_member_anywhere_imports_nothing(project):
    data = written(write_brat, ctx=context())
    archive = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == "bob/dam_1.ann":
                content = content.replace(b"\tstatistics ", b"\trumour ", 1)
            copy.writestr(info, content)
    before = {table: count_rows(table) for table in TABLES}
    with pytest.raises(ImportRefused) as caught:
        import_file(project, "brat.zip", buffer.getvalue())
    db.session.rollback()
    assert "brat.zip:bob/dam_1.ann" in str(caught.value)
    assert {table: count_rows(table) for table in TABLES} == before


def test_labelstudio_annotator_unknown_is_refused_unless_created(project):
    tasks = json.loads(written(write_labelstudio, ctx=context()))
    tasks[0]["annotations"][0]["created_username"] = "stranger"
    data = json.dumps(tasks, ensure_ascii=False).encode()
    with pytest.raises(ImportRefused) as caught:
        import_file(project, "ls.json", data)
    db.session.rollback()
    assert "stranger" in str(caught.value) and count_rows("documents") == 0
    summary = import_file(project, "ls.json", data, create_users=True)
    assert summary.users_created == ["stranger"]
