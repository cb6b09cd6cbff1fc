"""Dated guidelines and scheme revisions: recorded by the project settings page when the text
or the scheme really changes, listed in the report's over_time.revisions, marked on the
over-time chart; and the warning when the latest week falls below the baseline."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, Document, ProjectRevision, Span, User
from app.scheme import default_scheme
from tests.web.test_agreement_views import agreement_project


@pytest.fixture
def project(make):
    return agreement_project(make)


def settings_form(project, **changes) -> dict:
    data = {"name": project.name, "description": project.description or "",
            "guidelines": project.guidelines or "", "annotators_per_document": "2",
            "snap_to_words": "y", "scheme": json.dumps(project.scheme)}
    data.update(changes)
    return data


def revisions(project) -> list[ProjectRevision]:
    return list(db.session.scalars(select(ProjectRevision).where(
        ProjectRevision.project_id == project.id).order_by(ProjectRevision.id)))


def test_changing_the_guidelines_records_a_dated_revision_by_its_author(client, auth, project):
    auth.login("maria")
    form = settings_form(project, guidelines="Mark claims.\nA toll is statistics.")
    assert client.post(f"/projects/{project.id}/edit", data=form).status_code == 302
    [revision] = revisions(project)
    assert revision.kind == "guidelines"
    assert db.session.get(User, revision.user_id).username == "maria"
    assert revision.summary == "guidelines: 2 lines added, 0 removed"
    assert revision.created_at.date() == dt.datetime.now(dt.UTC).date()


def test_saving_unchanged_settings_records_nothing(client, auth, project):
    auth.login("maria")
    form = settings_form(project, description="only the description changes")
    assert client.post(f"/projects/{project.id}/edit", data=form).status_code == 302
    assert revisions(project) == []


def test_a_scheme_change_is_a_scheme_revision_naming_what_changed(client, auth, project):
    auth.login("maria")
    scheme = default_scheme().to_dict()
    scheme["evidence_types"].append({"key": "satellite", "name": "Satellite imagery",
                                     "definition": "Images from orbit.", "rule": "",
                                     "colour": "#123456", "hotkey": "0"})
    scheme["evidence_types"][0]["name"] = "Official"
    form = settings_form(project, scheme=json.dumps(scheme))
    response = client.post(f"/projects/{project.id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    [revision] = revisions(project)
    assert revision.kind == "scheme"
    assert "evidence type satellite added" in revision.summary
    assert "evidence type official_statement changed" in revision.summary


def test_a_refused_edit_records_no_revision(client, auth, project):
    auth.login("maria")
    form = settings_form(project, guidelines="new text", name="")
    assert client.post(f"/projects/{project.id}/edit", data=form).status_code == 422
    assert revisions(project) == []


def spread_over_weeks(project, days: list[dt.date]) -> None:
    documents = db.session.scalars(select(Document).where(Document.project_id == project.id)
                                   .order_by(Document.id)).all()
    for document, day in zip(documents, days, strict=True):
        for assignment in db.session.scalars(select(Assignment).where(
                Assignment.document_id == document.id, Assignment.status == "submitted")):
            assignment.submitted_at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    project.touch()
    db.session.commit()


def test_the_report_lists_revisions_and_the_chart_marks_them(client, auth, project):
    spread_over_weeks(project, [dt.date(2026, 3, 2), dt.date(2026, 3, 16)])
    db.session.add(ProjectRevision(project_id=project.id, kind="guidelines",
                                   created_at=dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC),
                                   summary="guidelines: 1 line added, 0 removed"))
    project.touch()
    db.session.commit()
    auth.login("rui")
    report = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()
    assert report["over_time"]["revisions"] == [
        {"date": "2026-03-09", "label": "guidelines: 1 line added, 0 removed",
         "kind": "guidelines"}]
    page = client.get(f"/projects/{project.id}/agreement").get_data(as_text=True)
    assert '<g class="revision">' in page and "R1 2026-03-09" in page
    # Halfway between the two weekly points (2026-W10 and 2026-W12 starts: Mar 2, Mar 16).
    assert 'x1="320.0"' in page.split('<g class="revision">')[1].split("</g>")[0]


def test_a_revision_saved_on_the_settings_page_reaches_the_cached_report(client, auth,
                                                                         project):
    auth.login("maria")
    before = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()
    assert before["over_time"]["revisions"] == []
    form = settings_form(project, guidelines="Revised.")
    assert client.post(f"/projects/{project.id}/edit", data=form).status_code == 302
    after = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()
    assert [r["kind"] for r in after["over_time"]["revisions"]] == ["guidelines"]


def test_the_warning_fires_when_the_latest_week_is_below_the_baseline(client, auth, make):
    """Three weeks agreeing perfectly, then a week of disagreement on every unit."""
    project = make.project("Drift", amira="annotator", bruno="annotator", rui="reviewer")
    amira, bruno = (db.session.scalar(select(User).where(User.username == name))
                    for name in ("amira", "bruno"))
    claimant = make.claimant(project, "Ministry")
    text = " ".join(f"Claim number {i} was made." for i in range(8))
    types = ["official_statement", "eyewitness", "statistics", "document"]
    weeks = [dt.date(2026, 3, 2) + dt.timedelta(weeks=w) for w in range(4)]
    for week, day in enumerate(weeks):
        for copy in range(3):
            document = make.document(project, text, title=f"w{week}c{copy}",
                                     assign=("amira", "bruno"), status="submitted")
            for i in range(8):
                start = text.index(f"Claim number {i}")
                kind_a = types[i % 4]
                kind_b = kind_a if week < 3 else types[(i + 1) % 4]
                for who, kind in ((amira, kind_a), (bruno, kind_b)):
                    db.session.add(Span(document=document, annotator=who, start=start,
                                        end=start + 14, text=text[start:start + 14],
                                        claimant=claimant, evidence_type=kind))
            for assignment in db.session.scalars(select(Assignment).where(
                    Assignment.document_id == document.id)):
                assignment.submitted_at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    project.touch()
    db.session.commit()
    assert db.session.scalar(select(db.func.count(Span.id))) == 4 * 3 * 8 * 2
    auth.login("rui")
    over_time = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()["over_time"]
    assert over_time["baseline"]["evidence_type_alpha"] == pytest.approx(1.0)
    assert over_time["windows"][-1]["interval"][1] < 0.5
    assert "is below the earlier baseline" in over_time["warning"]
    page = client.get(f"/projects/{project.id}/agreement").get_data(as_text=True)
    assert 'class="warning" role="alert"' in page and "below the earlier baseline" in page


def test_the_demo_shows_a_revision_on_its_over_time_chart(runner, client, auth):
    from app.models import Project
    from app.projects.demo import DEMO_PASSWORD, DEMO_PROJECT

    assert runner.invoke(args=["demo"]).exit_code == 0
    project = db.session.scalar(select(Project).where(Project.name == DEMO_PROJECT))
    auth.login("maria", DEMO_PASSWORD)
    report = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()
    assert len(report["over_time"]["windows"]) == 3
    [revision] = report["over_time"]["revisions"]
    assert revision["kind"] == "guidelines"
    page = client.get(f"/projects/{project.id}/agreement").get_data(as_text=True)
    assert '<g class="revision">' in page and "Guidelines and scheme revisions" in page


def test_the_json_and_the_dashboard_give_ac2_and_kappa_per_pair_intervals(client, auth,
                                                                          project):
    auth.login("rui")
    report = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()
    for section in ("evidence_type", "claimant"):
        ac2 = report[section]["gwet_ac2"]
        assert ac2 is None or {"value", "standard_error", "interval", "weights"} == set(ac2)
        assert set(report[section]["cohen_kappa_interval"]) == set(
            report[section]["cohen_kappa"])
    page = client.get(f"/projects/{project.id}/agreement").get_data(as_text=True)
    assert "Gwet&#39;s AC2" in page or "Gwet's AC2" in page
    assert "Cohen&#39;s κ per pair" in page or "Cohen's κ per pair" in page
