"""Claimant agreement uses canonical claimants, and optionally affiliation roots."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.agreement_views.service import agreement_report
from app.claimants.merge import merge_claimants
from app.claimants.service import set_agree_by_root
from app.extensions import db
from app.models import User

TEXT = "First claim here. Second claim here. Third claim here."
UNITS = [(0, 16), (18, 35), (37, 53)]


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


@pytest.fixture(autouse=True)
def few_draws(app):
    app.config["AGREEMENT_BOOTSTRAP_DRAWS"] = 20


def annotate(make, name: str, labels: dict[str, list[str]]):
    """A project whose two annotators gave units 1-3 these claimants (by name)."""
    project = make.project(name, alice="annotator", bob="annotator")
    document = make.document(project, TEXT, assign=("alice", "bob"), status="submitted")
    claimants = {}
    for annotator, names in labels.items():
        for (start, end), claimant_name in zip(UNITS, names, strict=True):
            if claimant_name not in claimants:
                claimants[claimant_name] = make.claimant(project, claimant_name, "other")
            make.span(document, user(annotator), start, end, claimants[claimant_name])
    return project, claimants


def claimant_figures(report: dict) -> tuple:
    part = report["claimant"]
    return part["alpha"], part["observed_agreement"], part.get("alpha_ci")


def test_agreement_after_a_merge_equals_one_claimant_from_the_start(app, make):
    split, claimants = annotate(make, "Split", {
        "alice": ["Igor Konashenkov", "Ministry", "Omar"],
        "bob": ["Major-General Igor Konashenkov", "Ministry", "Red Crescent"]})
    before = claimant_figures(agreement_report(split))
    merge_claimants(claimants["Major-General Igor Konashenkov"],
                    claimants["Igor Konashenkov"], None)
    db.session.commit()
    after = claimant_figures(agreement_report(split))
    single, _ = annotate(make, "Single", {
        "alice": ["Igor Konashenkov", "Ministry", "Omar"],
        "bob": ["Igor Konashenkov", "Ministry", "Red Crescent"]})
    assert after == claimant_figures(agreement_report(single))
    assert after[0] > before[0]


def test_same_affiliation_root_agreement_on_a_hand_checked_example(app, make):
    # Unit 1: the spokesman vs his ministry; unit 2: both the same; unit 3: two others.
    project, claimants = annotate(make, "Roots", {
        "alice": ["Spokesman", "Witness", "Omar"],
        "bob": ["Ministry", "Witness", "Red Crescent"]})
    claimants["Spokesman"].affiliation = claimants["Ministry"]
    db.session.commit()
    plain = agreement_report(project)
    assert "claimant_same_organisation" not in plain
    # Krippendorff's alpha (nominal), two coders, three units, coincidences by hand:
    # as annotated D_o = 4/6, D_e = (36 - 8)/30, alpha = 1 - (4/6)/(28/30) = 2/7;
    # by root the first unit agrees: D_o = 2/6, D_e = (36 - 10)/30, alpha = 8/13.
    assert plain["claimant"]["alpha"] == pytest.approx(2 / 7, abs=1e-3)
    set_agree_by_root(project, True)
    db.session.commit()
    both = agreement_report(project)
    assert both["claimant"]["alpha"] == pytest.approx(2 / 7, abs=1e-3)
    assert both["claimant_same_organisation"]["alpha"] == pytest.approx(8 / 13, abs=1e-3)


def test_the_dashboard_shows_both_claimant_figures_when_the_setting_is_on(app, make, client,
                                                                          auth):
    project, claimants = annotate(make, "Roots", {
        "alice": ["Spokesman", "Witness", "Omar"],
        "bob": ["Ministry", "Witness", "Red Crescent"]})
    make.user("rev")
    from app.projects.service import set_member

    set_member(project, user("rev"), "reviewer")
    claimants["Spokesman"].affiliation = claimants["Ministry"]
    db.session.commit()
    auth.login("rev")
    url = f"/projects/{project.id}/agreement"
    assert "Claimant α (same organisation)" not in client.get(url).get_data(as_text=True)
    set_agree_by_root(project, True)
    db.session.commit()
    assert "Claimant α (same organisation)" in client.get(url).get_data(as_text=True)
