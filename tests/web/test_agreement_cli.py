"""`flask agreement PROJECT`: the same report as the API, or a readable summary."""

from __future__ import annotations

import json

import pytest

from app.agreement_views.service import report_cache
from tests.web.test_agreement_views import agreement_project


@pytest.fixture
def project(make):
    return agreement_project(make)


@pytest.mark.parametrize("options", [[], ["--mode", "exact", "--annotators", "amira,bruno"]])
def test_json_output_is_the_api_report(client, auth, runner, project, options):
    query = "" if not options else "?mode=exact&annotators=amira,bruno"
    auth.login("maria")
    from_api = client.get(f"/api/v1/projects/{project.id}/agreement{query}").get_json()
    report_cache().clear()  # computed afresh, not read back from the API's cache entry
    result = runner.invoke(args=["agreement", project.name, "--json", *options])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == from_api


def test_the_project_may_be_named_by_id(runner, project):
    result = runner.invoke(args=["agreement", str(project.id), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["annotators"] == ["amira", "bruno"]


def test_annotators_option_limits_the_report(runner, project):
    result = runner.invoke(args=["agreement", project.name, "--json", "--include-unsubmitted",
                                 "--annotators", "bruno,chen"])
    assert json.loads(result.output)["annotators"] == ["bruno", "chen"]


def test_text_output_shows_headlines_evidence_types_and_worst_documents(runner, project):
    result = runner.invoke(args=["agreement", project.name])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Agreement in Agreement test (overlap matching)"
    assert "2 documents, 2 annotators (amira, bruno)" in lines[1]
    for expected in ("Evidence type α", "Claimant α", "Unitizing α_U", "Span F1 (exact)",
                     "By evidence type", "official_statement", "Worst documents",
                     "Strikes on the market", "Quiet day"):
        assert expected in result.output


def test_text_output_for_an_empty_project_says_there_is_not_enough_data(runner, make):
    make.project("Nothing yet", amira="annotator")
    result = runner.invoke(args=["agreement", "Nothing yet"])
    assert result.exit_code == 0, result.output
    assert "Not enough data" in result.output
    assert "—" not in result.output  # plain ASCII dashes in the terminal


def test_an_unknown_project_fails_with_a_clear_message(runner, project):
    result = runner.invoke(args=["agreement", "No such project"])
    assert result.exit_code != 0
    assert "no project named 'No such project'" in result.output


def test_bad_options_fail_naming_the_field(runner, project, subtests):
    for options, field in ((["--mode", "fuzzy"], "mode"),
                           (["--annotators", "amira,ghost"], "annotators")):
        with subtests.test(field=field):
            result = runner.invoke(args=["agreement", project.name, *options])
            assert result.exit_code != 0
            assert f"Error: {field}:" in result.output
