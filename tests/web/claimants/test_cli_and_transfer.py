"""Registry import/export (JSON and CSV, all or nothing) and the `flask claimants` commands."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.claimants.transfer import export_registry, import_registry
from app.errors import ServiceError
from app.extensions import db
from app.models import Claimant
from tests.conftest import count_rows

REGISTRY = {"claimants": [
    {"name": "Igor Konashenkov", "type": "military", "source_type": "official",
     "affiliation": "Ministry of Defence", "role": "spokesman",
     "external_id": "https://example.org/people/konashenkov", "aliases": ["Konashenkov"]},
    {"name": "Ministry of Defence", "type": "government", "aliases": ["MoD"]},
]}


def names(project) -> list[str]:
    return list(db.session.scalars(select(Claimant.name).where(
        Claimant.project_id == project.id).order_by(Claimant.name)))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_into_another_project_gives_the_same_registry(app, make, fmt):
    first = make.project("First")
    import_registry(first, json.dumps(REGISTRY).encode(), "json", None)
    db.session.commit()
    exported = "".join(export_registry(first, fmt)).encode()
    second = make.project("Second")
    summary = import_registry(second, exported, fmt, None)
    db.session.commit()
    assert (summary.created, summary.updated) == (2, 0)
    again = "".join(export_registry(second, fmt)).encode()
    assert again == exported
    igor = db.session.scalar(select(Claimant).where(Claimant.project_id == second.id,
                                                    Claimant.name == "Igor Konashenkov"))
    assert (igor.affiliation.name, igor.role, igor.source_type, igor.status) == (
        "Ministry of Defence", "spokesman", "official", "confirmed")


def test_import_updates_a_claimant_found_by_alias_and_adds_aliases(app, make):
    project = make.project("P")
    ministry = make.claimant(project, "Ministry of Defence", aliases=("MoD",))
    data = {"claimants": [{"name": "mod", "type": "government", "aliases": ["Defence Ministry"],
                           "description": "Russian ministry"}]}
    summary = import_registry(project, json.dumps(data).encode(), "json", None)
    assert (summary.created, summary.updated) == (0, 1)
    assert sorted(a.alias for a in ministry.aliases) == ["Defence Ministry", "MoD"]
    assert ministry.description == "Russian ministry"


@pytest.mark.parametrize("row, words", [
    ({"name": "X", "type": "alien"}, "unknown claimant type"),
    ({"name": "X", "type": "other", "source_type": "rumour"}, "unknown source type"),
    ({"name": "X", "type": "other", "affiliation": "Nobody"}, "affiliation"),
    ({"name": "X"}, "type: is required"),
    ({"name": "X", "type": "other", "rank": 1}, "unknown field"),
])
def test_a_bad_row_imports_nothing(app, make, row, words):
    project = make.project("P")
    data = {"claimants": [{"name": "Fine", "type": "other"}, row]}
    with pytest.raises(ServiceError) as error:
        import_registry(project, json.dumps(data).encode(), "json", None)
    assert words in error.value.message
    db.session.rollback()
    assert count_rows("claimants") == 0


def test_cli_import_list_rename_merge_export(app, make, runner, tmp_path):
    project = make.project("Newsroom")
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(REGISTRY))
    result = runner.invoke(args=["claimants", "import", "Newsroom", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    make.claimant(project, "Maj.-Gen. Konashenkov", "military")
    result = runner.invoke(args=["claimants", "merge", "Newsroom", "Maj.-Gen. Konashenkov",
                                 "--into", "konashenkov"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["claimants", "rename", "Newsroom", "MoD", "Russian MoD"])
    assert result.exit_code == 0, result.output
    assert names(project) == ["Igor Konashenkov", "Russian MoD"]
    listed = runner.invoke(args=["claimants", "list", "Newsroom", "--search", "maj"])
    assert "Igor Konashenkov" in listed.output and "Russian MoD" not in listed.output
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["claimants", "export", "Newsroom", "--format", "csv", "-o",
                                 str(out)])
    assert result.exit_code == 0, result.output
    assert "Maj.-Gen. Konashenkov" in out.read_text()
    bad = runner.invoke(args=["claimants", "merge", "Newsroom", "Nobody", "--into", "MoD"])
    assert bad.exit_code != 0 and "no claimant named 'Nobody'" in bad.output
