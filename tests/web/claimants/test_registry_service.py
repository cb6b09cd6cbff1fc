"""Registry operations: rename, aliases, confirm, affiliations, merge and its exact undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.claimants.merge import merge_claimants, undo_merge
from app.claimants.search import search_claimants
from app.claimants.service import (
    add_alias,
    confirm_claimant,
    create_claimant,
    edit_claimant,
    rename_claimant,
)
from app.errors import ServiceError
from app.extensions import db
from app.models import Claimant, ClaimantAlias, GoldEvent, GoldSpan, Span, User

TEXT = "Igor Konashenkov said the strike hit depots. The ministry denied it."


@pytest.fixture
def newsroom(make):
    project = make.project("Newsroom", alice="annotator", bob="annotator", rev="reviewer")
    document = make.document(project, TEXT, assign=("alice", "bob"))
    return project, document


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def registry_state(project) -> dict:
    """Everything a merge touches, as plain values."""
    claimants = {c.id: (c.name, c.type, c.source_type, c.affiliation_id, c.role,
                        c.description, c.external_id, c.status, c.created_by_id)
                 for c in db.session.scalars(select(Claimant).where(
                     Claimant.project_id == project.id))}
    aliases = sorted(db.session.execute(select(ClaimantAlias.claimant_id, ClaimantAlias.alias)))
    spans = dict(db.session.execute(select(Span.id, Span.claimant_id)).all())
    gold = dict(db.session.execute(select(GoldSpan.id, GoldSpan.claimant_id)).all())
    history = [(e.id, e.before, e.after) for e in db.session.scalars(
        select(GoldEvent).order_by(GoldEvent.id))]
    return {"claimants": claimants, "aliases": aliases, "spans": spans, "gold": gold,
            "history": history}


def test_rename_keeps_the_old_name_as_an_alias(app, make, newsroom):
    project, _ = newsroom
    mod = make.claimant(project, "MoD", "government")
    rename_claimant(mod, "Ministry of Defence", user("rev"))
    db.session.commit()
    assert [a.alias for a in mod.aliases] == ["MoD"]
    assert [m.entry.name for m in search_claimants(project, "mod", user("alice"))] == [
        "Ministry of Defence"]


def test_a_name_another_confirmed_claimant_has_is_refused(app, make, newsroom):
    project, _ = newsroom
    make.claimant(project, "Ministry of Defence")
    army = make.claimant(project, "Army", "military")
    with pytest.raises(ServiceError) as error:
        rename_claimant(army, "ministry of defence", None)
    assert (error.value.field, error.value.status) == ("name", 409)
    with pytest.raises(ServiceError):
        create_claimant(project, None, name=" MINISTRY of Defence", type="government")


def test_retype_and_affiliation_tree_without_cycles(app, make, newsroom):
    project, _ = newsroom
    ministry = make.claimant(project, "Ministry of Defence")
    spokesman = make.claimant(project, "Igor Konashenkov", "military")
    edit_claimant(spokesman, None, type="government", affiliation_id=ministry.id,
                  role="spokesman", source_type="official")
    assert (spokesman.type, spokesman.affiliation, spokesman.role) == (
        "government", ministry, "spokesman")
    with pytest.raises(ServiceError) as error:
        edit_claimant(ministry, None, affiliation_id=spokesman.id)
    assert error.value.field == "affiliation_id"
    with pytest.raises(ServiceError) as error:
        edit_claimant(ministry, None, source_type="gossip")
    assert error.value.field == "source_type"


def test_confirming_a_proposal_shares_it(app, make, newsroom):
    project, _ = newsroom
    proposal = Claimant(project=project, name="Igor", type="military", status="proposed",
                        created_by_id=user("alice").id)
    db.session.add(proposal)
    db.session.commit()
    assert search_claimants(project, "igor", user("bob")) == []
    confirm_claimant(proposal, user("rev"))
    db.session.commit()
    assert [m.entry.id for m in search_claimants(project, "igor", user("bob"))] == [proposal.id]


def test_a_proposal_whose_name_is_confirmed_must_be_merged(app, make, newsroom):
    project, _ = newsroom
    make.claimant(project, "Igor", "military")
    proposal = Claimant(project=project, name="Igor", type="military", status="proposed",
                        created_by_id=user("bob").id)
    db.session.add(proposal)
    db.session.flush()
    with pytest.raises(ServiceError) as error:
        confirm_claimant(proposal, None)
    assert "merge" in error.value.message


def test_alias_twice_ignoring_case_is_refused(app, make, newsroom):
    project, _ = newsroom
    mod = make.claimant(project, "Ministry of Defence", aliases=("MoD",))
    with pytest.raises(ServiceError):
        add_alias(mod, "mod", None)


@pytest.fixture
def split(make, newsroom):
    """The naming split of issue 13: two annotators' claimants for one man, with spans,
    gold, aliases, and a member affiliated with the one to be merged."""
    project, document = newsroom
    ministry = make.claimant(project, "Ministry of Defence")
    short = make.claimant(project, "Igor Konashenkov", "military", aliases=("Konashenkov",))
    long = Claimant(project=project, name="Major-General Igor Konashenkov", type="military",
                    status="proposed", created_by_id=user("bob").id, affiliation=ministry,
                    role="spokesman")
    aide = make.claimant(project, "Konashenkov's aide", "military")
    aide.affiliation = long
    db.session.add(long)
    db.session.commit()
    spans = [make.span(document, user("alice"), 0, 16, short),
             make.span(document, user("bob"), 0, 16, long),
             make.span(document, user("bob"), 45, 57, ministry)]
    gold = GoldSpan(document=document, start=0, end=16, text=TEXT[0:16], claimant=long,
                    evidence_type="official_statement", provenance="adjudicated",
                    sources=spans[:2])
    db.session.add(gold)
    db.session.flush()
    db.session.add(GoldEvent(document_id=document.id, gold_span_id=gold.id, batch="b1",
                             action="create", before=None,
                             after={"id": gold.id, "claimant_id": long.id}))
    db.session.commit()
    return project, short, long, aide, spans, gold


def test_merge_repoints_spans_gold_and_members_and_keeps_names(app, split):
    project, short, long, aide, spans, gold = split
    long_id = long.id
    merge_claimants(long, short, user("rev"))
    db.session.commit()
    assert db.session.get(Claimant, long_id) is None
    assert {span.claimant_id for span in spans[:2]} == {short.id}
    assert spans[2].claimant.name == "Ministry of Defence"
    assert gold.claimant_id == short.id
    assert aide.affiliation_id == short.id
    [event] = db.session.scalars(select(GoldEvent)).all()
    assert event.after["claimant_id"] == short.id  # undoing it cannot revive the merged one
    assert sorted(a.alias for a in short.aliases) == ["Konashenkov",
                                                      "Major-General Igor Konashenkov"]
    matches = search_claimants(project, "major-general", user("alice"))
    assert [(m.entry.id, m.matched) for m in matches] == [
        (short.id, "Major-General Igor Konashenkov")]


def test_undo_restores_the_state_before_the_merge_exactly(app, split):
    project, short, long, _aide, _spans, _gold = split
    before = registry_state(project)
    event = merge_claimants(long, short, user("rev"))
    db.session.commit()
    assert registry_state(project) != before
    undo_merge(event, user("rev"))
    db.session.commit()
    assert registry_state(project) == before
    with pytest.raises(ServiceError):
        undo_merge(event, None)


def test_merging_a_confirmed_claimant_into_a_proposal_confirms_it(app, split):
    _project, short, long, _aide, _spans, _gold = split
    merge_claimants(short, long, None)
    db.session.commit()
    assert long.status == "confirmed"
    assert "Igor Konashenkov" in [a.alias for a in long.aliases]


def test_a_claimant_typed_by_a_reviewer_is_confirmed_an_annotators_is_proposed(
        app, make, newsroom):
    """Reviewers are not blind: a new name typed while adjudicating is shared at once (and
    in the history); an annotator's stays a proposal only they see."""
    from app.claimants.service import create_typed_claimant
    from app.models import ClaimantEvent

    project, _ = newsroom
    proposal = create_typed_claimant(project, user("alice"), "Syrian rebel officials",
                                      "other")
    shared = create_typed_claimant(project, user("rev"), "Syrian Red Crescent", "ngo")
    db.session.commit()
    assert (proposal.status, shared.status) == ("proposed", "confirmed")
    assert shared.created_by_id == user("rev").id
    events = db.session.scalars(select(ClaimantEvent).where(
        ClaimantEvent.claimant_id == shared.id)).all()
    assert [(e.action, e.user_id) for e in events] == [("create", user("rev").id)]
    assert [m.entry.name for m in search_claimants(project, "syrian", user("bob"))] == [
        "Syrian Red Crescent"]


@pytest.mark.parametrize("ids_at_most", [1_000, 2])  # 2: the whole-registry reading
def test_a_searched_registry_page_keeps_order_filter_and_usage_counts(
        app, make, newsroom, monkeypatch, ids_at_most):
    from app.claimants import service
    from app.claimants.service import registry_rows

    monkeypatch.setattr(service, "PAGE_OF_IDS", ids_at_most)

    project, document = newsroom
    names = ["Omar Haddad", "Omar Aziz", "Omar Zaki", "Lina Omar", "Ministry of Oil"]
    claimants = {name: make.claimant(project, name, "witness") for name in names}
    claimants["Omar Zaki"].status = "proposed"
    claimants["Omar Zaki"].created_by_id = user("alice").id
    make.span(document, user("alice"), 0, 16, claimants["Omar Aziz"])
    make.span(document, user("bob"), 0, 16, claimants["Omar Aziz"])
    db.session.add(GoldSpan(document=document, start=0, end=16, text=TEXT[:16],
                            claimant=claimants["Lina Omar"], evidence_type="eyewitness",
                            provenance="adjudicated"))
    db.session.commit()

    def page(**options):
        return [(row.claimant.name, row.spans, row.gold_spans)
                for row in registry_rows(project, "omar", **options)]

    assert page() == [("Lina Omar", 0, 1), ("Omar Aziz", 2, 0), ("Omar Haddad", 0, 0),
                      ("Omar Zaki", 0, 0)]
    assert page(limit=2, offset=2) == [("Omar Haddad", 0, 0), ("Omar Zaki", 0, 0)]
    assert page(status="confirmed", limit=2, offset=1) == [("Omar Aziz", 2, 0),
                                                           ("Omar Haddad", 0, 0)]
    assert page(status="proposed") == [("Omar Zaki", 0, 0)]


def test_a_new_name_in_a_gold_decision_is_shared_at_once(app, make, newsroom):
    """A reviewer adjudicating types a claimant nobody has: it is confirmed, so both
    annotators' autocomplete offers it; an annotator's new name stays their proposal."""
    from app.annotate.service import ClaimantChoice, resolve_claimant
    from app.review.gold import GoldInput, create_gold

    project, document = newsroom
    gold = create_gold(document, user("rev"), GoldInput(
        start=0, end=16, text=TEXT[0:16], evidence_type="official_statement",
        claimant=ClaimantChoice(name="Igor Konashenkov", type="military")))
    own = resolve_claimant(project, ClaimantChoice(name="Depot guards", type="military"),
                           user("alice"))
    db.session.commit()
    assert (gold.claimant.status, own.status) == ("confirmed", "proposed")
    for name in ("alice", "bob"):
        assert [m.entry.name for m in search_claimants(project, "konash", user(name))] == [
            "Igor Konashenkov"]
    assert search_claimants(project, "depot", user("bob")) == []
