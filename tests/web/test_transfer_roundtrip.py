"""Export -> import into an empty project -> export gives the same file, through `flask
export` / `flask import`; and the export API streams the same bytes with a token."""

from __future__ import annotations

from app.extensions import db
from app.models import ApiToken, GoldSpan, User

# Emoji (two UTF-16 units), a flag (two code points), Arabic, and q + U+0323 (a combining mark
# NFC cannot compose): every offset below counts code points.
TEXT = ("🇺🇦 Officials said 😀 12 people died. قال المتحدث إن السد انهار. "
        "The q\u0323uarry owner denied it.")


def seed(make):
    project = make.project("Source", alice="annotator", bob="annotator", boss="manager")
    alice, bob = (db.session.query(User).filter_by(username=n).one() for n in ("alice", "bob"))
    document = make.document(project, TEXT, title="Dam 🇺🇦", assign=("alice", "bob"),
                             status="submitted")
    ministry = make.claimant(project, "Ministry of Water", "government",
                             aliases=("MoW", "وزارة المياه"))
    spokesman = make.claimant(project, "المتحدث", "witness", aliases=("Spokesman",))
    spokesman.affiliation = ministry
    owner = make.claimant(project, "Quarry owner", "witness")
    db.session.commit()
    arabic = TEXT.index("قال")
    quarry = TEXT.index("The q")
    make.span(document, alice, 0, 2, ministry, "official_statement", note="flag 🇺🇦")
    make.span(document, alice, arabic, arabic + 8, spokesman, "official_statement")
    make.span(document, bob, TEXT.index("😀"), TEXT.index("died") + 4, ministry, "statistics")
    make.span(document, bob, quarry, quarry + 11, owner, "eyewitness")
    db.session.add(GoldSpan(document=document, start=arabic, end=arabic + 8,
                            text=TEXT[arabic:arabic + 8], claimant=spokesman,
                            evidence_type="official_statement", provenance="majority"))
    db.session.commit()
    return project


def test_jsonl_round_trip_keeps_documents_spans_gold_and_registry(runner, make, tmp_path):
    seed(make)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    result = runner.invoke(args=["export", "Source", "--layer", "all", "--scope", "all",
                                 "--out", str(first)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["projects", "create", "Copy"]).exit_code == 0
    result = runner.invoke(args=["import", "Copy", str(first)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["export", "Copy", "--scope", "all", "--out", str(second)])
    assert result.exit_code == 0, result.output
    assert second.read_bytes() == first.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert '"aliases": ["MoW", "وزارة المياه"]' in text
    assert '"affiliation": "Ministry of Water"' in text
    assert '"provenance": "majority"' in text
    assert text.count('"annotator"') == 4


def test_export_to_stdout_and_refusals(runner, make):
    seed(make)
    result = runner.invoke(args=["export", "Source", "--format", "csv", "--layer", "gold"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("document_id,title,layer") and len(lines) == 2
    result = runner.invoke(args=["export", "Source", "--documents", "nope"])
    assert result.exit_code != 0 and "no document with id 'nope'" in result.output


def test_export_api_streams_the_same_bytes_with_a_token(app, client, make, runner, tmp_path):
    project = seed(make)
    boss = db.session.query(User).filter_by(username="boss").one()
    token, plain = ApiToken.issue(boss)
    db.session.add(token)
    db.session.commit()
    cli_file = tmp_path / "cli.jsonl"
    runner.invoke(args=["export", "Source", "--scope", "all", "--out", str(cli_file)])
    response = client.get(f"/api/v1/projects/{project.id}/export?scope=all",
                          headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200 and response.is_streamed
    assert response.get_data() == cli_file.read_bytes()
    bad = client.get(f"/api/v1/projects/{project.id}/export?layer=everything",
                     headers={"Authorization": f"Bearer {plain}"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "layer"


def test_export_api_gives_an_annotator_only_their_own_work(client, make):
    project = seed(make)
    alice = db.session.query(User).filter_by(username="alice").one()
    token, plain = ApiToken.issue(alice)
    db.session.add(token)
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    response = client.get(f"/api/v1/projects/{project.id}/export?format=csv", headers=headers)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert ",alice," in body and ",bob," not in body and "Quarry owner" not in body
    gold = client.get(f"/api/v1/projects/{project.id}/export?layer=gold", headers=headers)
    assert gold.status_code == 403 and "own work" in gold.get_json()["error"]


def test_w3c_export_imports_into_an_empty_project_with_every_span(runner, make, tmp_path):
    seed(make)
    anno, first, second = (tmp_path / name for name in ("anno.jsonld", "a.jsonl", "b.jsonl"))
    result = runner.invoke(args=["export", "Source", "--format", "w3c", "--scope", "all",
                                 "--out", str(anno)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["projects", "create", "Copy"]).exit_code == 0
    result = runner.invoke(args=["import", "Copy", str(anno)])
    assert result.exit_code == 0, result.output
    assert "imported 1 documents, 4 spans, 1 gold spans" in result.output
    for name, path in (("Source", first), ("Copy", second)):
        result = runner.invoke(args=["export", name, "--scope", "all", "--out", str(path)])
        assert result.exit_code == 0, result.output

    def document_lines(path):
        return [line for line in path.read_text(encoding="utf-8").splitlines()
                if not line.startswith('{"claimant": ')]

    # Documents, spans (offsets, quotes, claimants, evidence, notes) and gold: the same.
    assert document_lines(second) == document_lines(first)
