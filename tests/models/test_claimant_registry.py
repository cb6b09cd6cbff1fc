"""The one rule for finding a claimant by a written name (app.claimants.registry)."""

from __future__ import annotations

from app.claimants.registry import ClaimantLookup, find_claimant
from app.extensions import db
from app.models import Claimant


def test_name_then_alias_ignoring_case_and_surrounding_space(app, make):
    project = make.project("p")
    ministry = make.claimant(project, "Ministry of Defence", aliases=("MoD",))
    assert find_claimant(project, "  ministry OF defence ") == ministry
    assert find_claimant(project, "mod") == ministry
    assert find_claimant(project, "Ministry") is None


def test_a_canonical_name_wins_over_another_claimants_alias(app, make):
    project = make.project("p")
    make.claimant(project, "Ministry of Defence", aliases=("Police",))
    police = make.claimant(project, "police", type="official")
    assert find_claimant(project, "POLICE") == police
    assert ClaimantLookup(project).find("Police") == police


def test_claimants_of_other_projects_are_not_found(app, make):
    make.claimant(make.project("other"), "Omar")
    assert find_claimant(make.project("p"), "Omar") is None


def test_the_batch_lookup_remembers_claimants_added_after_reading(app, make):
    project = make.project("p")
    lookup = ClaimantLookup(project)
    assert lookup.find("Omar") is None
    omar = Claimant(project=project, name="Omar", type="witness")
    db.session.add(omar)
    lookup.add(omar)
    assert lookup.find("OMAR") is omar
