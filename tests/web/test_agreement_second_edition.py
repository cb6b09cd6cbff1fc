"""The second edition's figures in the agreement JSON, the CLI and on the dashboard: γ, Gwet's
AC1, document-bootstrap intervals, over time and the methods paragraph."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment
from tests.web.test_agreement_views import agreement_project


@pytest.fixture
def project(make):
    return agreement_project(make)


def date_submissions(day: dt.date) -> None:
    for assignment in db.session.scalars(select(Assignment).where(
            Assignment.status == "submitted")):
        assignment.submitted_at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    db.session.commit()


def test_the_json_names_every_new_figure(client, auth, project):
    date_submissions(dt.date(2026, 3, 4))
    auth.login("rui")
    report = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()
    gamma = report["spans"]["gamma"]
    assert {"value", "observed_disorder", "expected_disorder", "interval", "per_type"} <= set(
        gamma)
    assert gamma["value"] is not None and gamma["value"] <= 1.0
    for section in ("evidence_type", "claimant"):
        assert set(report[section]["gwet_ac1"] or {"value": 0, "standard_error": 0,
                                                   "interval": 0}) == {
            "value", "standard_error", "interval"}
    assert report["evidence_type"]["alpha_interval"] is not None  # two documents resampled
    assert report["bootstrap"]["resampled"] == "documents"
    assert report["over_time"]["by"] == "week"
    assert [(w["label"], w["documents"]) for w in report["over_time"]["windows"]] == [
        ("2026-W10", 2)]
    assert "Inter-annotator agreement was computed with Credence over 2 documents" in report[
        "methods_text"]
    assert "vs_gold" in report


def test_gamma_can_be_switched_off(client, auth, project, app):
    app.config["AGREEMENT_GAMMA"] = False
    auth.login("rui")
    report = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()
    assert report["spans"]["gamma"]["value"] is None and report["spans"]["gamma"]["reason"]


def test_dashboard_shows_gamma_ac1_and_the_methods_paragraph(client, auth, project):
    date_submissions(dt.date(2026, 3, 4))
    auth.login("maria")
    page = client.get(f"/projects/{project.id}/agreement").get_data(as_text=True)
    assert "γ (spans and evidence type)" in page
    assert "Gwet&#39;s AC1" in page or "Gwet's AC1" in page
    assert "For your methods section" in page
    assert "Agreement over time" in page


def test_cli_json_carries_the_new_keys(app, project):
    result = app.test_cli_runner().invoke(args=["agreement", project.name, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert "gamma" in report["spans"] and "methods_text" in report and "over_time" in report
