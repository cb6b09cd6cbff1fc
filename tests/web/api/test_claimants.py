"""Claimant autocomplete: names and aliases, exact, then prefix, then word match, ignoring case."""

from __future__ import annotations


def search(api, world, query: str, user: str = "alice"):
    response = api.get(user, f"/api/v1/projects/{world.project.id}/claimants?q={query}")
    assert response.status_code == 200
    return response.get_json()


def test_alias_match_reports_the_alias(api, world):
    assert search(api, world, "mod") == [{
        "id": world.ministry.id, "name": "Ministry of Defence", "type": "government",
        "status": "confirmed", "aliases": ["Defence Ministry", "MoD"], "matched": "MoD"}]


def test_exact_then_prefix_then_word_matches_names_before_aliases(api, make, world):
    make.claimant(world.project, "Civil Defence", "government")
    make.claimant(world.project, "Defence Analysts Group", "expert")
    make.claimant(world.project, "Defence", "military")
    make.claimant(world.project, "Army", "military", aliases=("defence forces", "DEFENCE"))
    make.claimant(world.project, "Red Crescent", "ngo")
    make.claimant(world.project, "Offence Office", "other")  # "fence" inside a word: no match
    names = [(c["name"], c["matched"]) for c in search(api, world, "Defence")]
    assert names == [
        ("Defence", "Defence"),  # exact name
        ("Army", "DEFENCE"),  # exact alias
        ("Defence Analysts Group", "Defence Analysts Group"),  # name prefix
        ("Ministry of Defence", "Defence Ministry"),  # alias prefix
        ("Civil Defence", "Civil Defence"),  # a word of a name
    ]
    assert [c["name"] for c in search(api, world, "fence")] == []


def test_a_word_match_finds_words_after_punctuation(api, make, world):
    make.claimant(world.project, "Major-General Igor Konashenkov", "military")
    assert [c["matched"] for c in search(api, world, "general")] == [
        "Major-General Igor Konashenkov"]
    assert [c["matched"] for c in search(api, world, "kona")] == [
        "Major-General Igor Konashenkov"]


def test_a_new_claimant_is_found_at_once(api, make, world):
    assert search(api, world, "omar") == []
    make.claimant(world.project, "Omar Haddad", "witness")
    assert [c["name"] for c in search(api, world, "omar")] == ["Omar Haddad"]


def test_matching_folds_case_beyond_ascii(api, make, world):
    make.claimant(world.project, "Ärzte ohne Grenzen", "ngo")
    make.claimant(world.project, "وزارة الصحة", "government", aliases=("Health Ministry",))
    assert [c["name"] for c in search(api, world, "ärzte")] == ["Ärzte ohne Grenzen"]
    assert [c["name"] for c in search(api, world, "ÄRZTE")] == ["Ärzte ohne Grenzen"]
    assert [c["matched"] for c in search(api, world, "الصحة")] == ["وزارة الصحة"]


def test_empty_query_lists_the_registry_by_name_up_to_20(api, make, world):
    for number in range(25):
        make.claimant(world.project, f"Agency {number:02d}", "other")
    listed = search(api, world, "")
    assert len(listed) == 20
    assert [c["name"] for c in listed][:2] == ["Agency 00", "Agency 01"]


def test_no_match_is_an_empty_list(api, world):
    assert search(api, world, "zzz") == []


def test_missing_query_lists_the_registry(api, world):
    response = api.get("bob", f"/api/v1/projects/{world.project.id}/claimants")
    assert [c["matched"] for c in response.get_json()] == ["Ministry of Defence"]


def test_other_projects_claimants_are_not_offered(api, make, world):
    make.claimant(make.project("Other"), "Ministry of Truth", "government")
    assert [c["name"] for c in search(api, world, "ministry")] == ["Ministry of Defence"]
