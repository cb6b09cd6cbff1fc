"""A project with something in every table a backup holds, made through the services (so
gold history, merges and their undo records are as the app writes them), and a reading of
a project by names rather than ids, to compare a project with its restored copy."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.claimants.merge import merge_claimants, undo_merge
from app.claimants.service import create_claimant
from app.extensions import db
from app.models import (
    Assignment,
    AuditEvent,
    Claimant,
    ClaimantEvent,
    Document,
    DocumentReview,
    GoldEvent,
    GoldSpan,
    Project,
    ProjectMember,
    Span,
    User,
)
from app.models.base import utcnow
from app.models.revisions import ProjectRevision
from app.projects.service import project_scheme, update_project
from app.review.gold import GoldInput, create_gold, delete_gold
from app.review.service import mark_adjudicated, merge_document

TEXT_1 = "The ministry said 12 people died 😀 in the north. Witnesses saw smoke near the port."
TEXT_2 = "Officials reported calm. A local doctor said that hospitals were full. Rain fell."


def build_rich_project(make) -> Project:
    project = make.project("Rich", alice="annotator", bruno="annotator", rui="reviewer",
                           boss="manager")
    users = {u.username: u for u in db.session.scalars(select(User))}
    boss, alice, bruno, rui = (users[n] for n in ("boss", "alice", "bruno", "rui"))
    update_project(project, name="Rich", description="Strikes, 2026", guidelines="# Rules\n\n"
                   "Mark every claim.", annotators_per_document=2, snap_to_words=False,
                   scheme=project_scheme(project), anonymous_review=True,
                   annotators_see_scores=True, user=boss)
    ministry = create_claimant(project, rui, name="Ministry of Health", type="government",
                               aliases=["MoH"], source_type="official")
    create_claimant(project, rui, name="Ann Spokes", type="government",
                    affiliation_id=ministry.id, role="spokeswoman")
    duplicate = create_claimant(project, rui, name="Health Ministry", type="government",
                                aliases=["HM"])
    witnesses = create_claimant(project, rui, name="Witnesses", type="witness")
    crowd = create_claimant(project, rui, name="Crowd", type="witness")
    doctor = Claimant(project=project, name="Local doctor", type="expert", status="proposed",
                      created_by=alice)
    db.session.add(doctor)
    one = make.document(project, TEXT_1, title="Port fire", assign=("alice", "bruno"))
    one.meta, one.url, one.published = {"source": "wire", "n": 3}, "https://x.test/1", \
        dt.date(2026, 3, 1)
    two = make.document(project, TEXT_2, title="Hospitals", assign=("alice", "bruno"))
    make.document(project, "Nothing happened today.", title="Quiet")
    claim, smoke = TEXT_1.index("The ministry"), TEXT_1.index("Witnesses")
    end_claim, end_smoke = TEXT_1.index(" 😀"), TEXT_1.index(" near")
    for annotator in (alice, bruno):
        make.span(one, annotator, claim, end_claim, duplicate)
        make.span(one, annotator, smoke, end_smoke, crowd, evidence_type="eyewitness")
    doctor_at = TEXT_2.index("A local doctor")
    doctor_end = TEXT_2.index(". Rain")
    alice_doctor = make.span(two, alice, doctor_at, doctor_end, doctor, "expert")
    make.span(two, bruno, 0, TEXT_2.index("."), doctor, "expert", note="officials?")
    alice_doctor.note = "checked"  # version 2
    for assignment in db.session.scalars(select(Assignment)):
        assignment.status, assignment.submitted_at = "submitted", utcnow()
        assignment.started_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    merge_claimants(duplicate, ministry, rui)  # the spans move to the ministry
    merge_document(one, rui, "unanimous", 1.0, dry_run=False)
    create_gold(two, rui, GoldInput(
        source_span_ids=(alice_doctor.id,), start=doctor_at, end=doctor_end,
        text=TEXT_2[doctor_at:doctor_end], claimant=_choice(doctor), evidence_type="expert",
        reason="guideline_gap", note="which end?"))
    bruno_doctor = db.session.scalar(select(Span).where(Span.document_id == two.id,
                                                        Span.annotator_id == bruno.id))
    create_gold(two, rui, GoldInput(source_span_ids=(bruno_doctor.id,), rejected=True,
                                    reason="annotator_error"))
    added = create_gold(two, rui, GoldInput(start=len(TEXT_2) - 10, end=len(TEXT_2) - 1,
                                            text="Rain fell", evidence_type=
                                            "official_statement", claimant=_choice(ministry)))
    db.session.flush()
    delete_gold(added, rui, version=added.version)  # history names a gold span now gone
    db.session.commit()
    mark_adjudicated(one, rui)
    merge_claimants(crowd, witnesses, rui)  # gold history is re-pointed too; never undone
    db.session.commit()
    spokes = db.session.scalar(select(Claimant).where(Claimant.name == "Ann Spokes"))
    event = merge_claimants(spokes, db.session.get(Claimant, witnesses.id), boss)
    db.session.commit()
    undo_merge(event, boss)  # Ann Spokes comes back under her id
    # a span deleted after its gold was decided: the gold history names it still
    db.session.delete(db.session.get(Span, bruno_doctor.id))
    db.session.commit()
    return project


def _choice(claimant: Claimant):
    from app.annotate.service import ClaimantChoice

    return ClaimantChoice(claimant_id=claimant.id)


def project_content(project_id: int, *, skip_actions=("project_restored", "backup"),
                    with_times: bool = True) -> dict:
    """Everything of a project, by names and values rather than ids (which a restore
    changes); ids inside history become the names of what they point at. Without times:
    for two projects that went through the same steps at different moments."""
    plain = _plain if with_times else _no_time
    project = db.session.get(Project, project_id)
    name = _names(project_id)
    documents = list(db.session.scalars(select(Document).where(
        Document.project_id == project_id)))
    document_ids = [d.id for d in documents]
    ext = {d.id: d.external_id for d in documents}
    in_project = Document.project_id == project_id

    def of(model, *columns):
        return sorted((tuple(plain(v) for v in row) for row in db.session.execute(
            select(*columns).join(Document, Document.id == model.document_id)
            .where(in_project))), key=repr)

    spans = {s.id: (s.annotator.username, s.start, s.end) for s in db.session.scalars(
        select(Span).join(Document).where(in_project))}
    return {
        "project": [getattr(project, c) for c in (
            "description", "guidelines", "scheme", "annotators_per_document", "snap_to_words",
            "anonymous_review", "annotators_see_scores", "claimants_agree_by_root")]
        + [plain(project.created_at)],
        "members": sorted((m.user.username, m.role) for m in db.session.scalars(
            select(ProjectMember).where(ProjectMember.project_id == project_id))),
        "revisions": sorted((r.kind, r.summary, plain(r.created_at), name["users"].get(
            r.user_id)) for r in db.session.scalars(select(ProjectRevision).where(
                ProjectRevision.project_id == project_id))),
        "claimants": sorted((c.name, c.status, c.type, c.source_type,
                             name["claimants"].get(c.affiliation_id), c.role, c.description,
                             c.external_id, name["users"].get(c.created_by_id),
                             plain(c.created_at), sorted(a.alias for a in c.aliases))
                            for c in db.session.scalars(select(Claimant).where(
                                Claimant.project_id == project_id))),
        "documents": sorted((d.external_id, d.title, d.url, plain(d.published), d.text,
                             d.sha256, d.meta, plain(d.created_at)) for d in documents),
        "assignments": sorted((ext[a.document_id], a.annotator.username, a.status,
                               plain(a.assigned_at), plain(a.started_at),
                               plain(a.submitted_at), a.return_note, plain(a.returned_at))
                              for a in db.session.scalars(select(Assignment).where(
                                  Assignment.document_id.in_(document_ids)))),
        "spans": sorted((ext[s.document_id], s.annotator.username, s.start, s.end, s.text,
                         name["claimants"][s.claimant_id], s.evidence_type, s.note,
                         plain(s.created_at), plain(s.updated_at), s.version)
                        for s in db.session.scalars(select(Span).join(Document)
                                                    .where(in_project))),
        "gold_spans": sorted((ext[g.document_id], name["users"].get(g.reviewer_id), g.start,
                              g.end, g.text, name["claimants"][g.claimant_id],
                              g.evidence_type, g.note, g.provenance, g.rejected, g.reason,
                              plain(g.created_at), plain(g.updated_at), g.version,
                              sorted(spans[s.id] for s in g.sources))
                             for g in db.session.scalars(select(GoldSpan).join(Document)
                                                         .where(in_project))),
        "gold_events": sorted(((ext[e.document_id], name["users"].get(e.user_id), e.action,
                               e.batch, plain(e.at), plain(e.undone_at),
                               _snapshot(e.before, name, spans),
                               _snapshot(e.after, name, spans))
                              for e in db.session.scalars(select(GoldEvent).join(Document)
                                                          .where(in_project))), key=repr),
        "reviews": of(DocumentReview, Document.external_id, DocumentReview.status,
                      DocumentReview.updated_at, DocumentReview.adjudicated_at),
        "claimant_events": sorted((e.action, e.summary, name["users"].get(e.user_id),
                                   plain(e.at), plain(e.undone_at), sorted(e.details))
                                  for e in db.session.scalars(select(ClaimantEvent).where(
                                      ClaimantEvent.project_id == project_id))),
        "audit": sorted((plain(e.at), e.username, e.action, e.target)
                        for e in db.session.scalars(select(AuditEvent).where(
                            AuditEvent.project_id == project_id))
                        if e.action not in skip_actions),
    }


def _names(project_id: int) -> dict:
    return {"users": {u.id: u.username for u in db.session.scalars(select(User))},
            "claimants": {c.id: f"{c.name} ({c.status})" for c in db.session.scalars(
                select(Claimant).where(Claimant.project_id == project_id))}}


def _snapshot(state: dict | None, name: dict, spans: dict):
    if state is None:
        return None
    sources = sorted((spans.get(i, "(gone)") for i in state["source_span_ids"]), key=repr)
    return sorted({**state, "id": None,
                   "claimant_id": name["claimants"].get(state["claimant_id"], "(gone)"),
                   "reviewer_id": name["users"].get(state["reviewer_id"]),
                   "source_span_ids": sources}.items(), key=repr)


def _plain(value):
    """Timestamps as UTC text: SQLite gives them back without their zone."""
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    return value.isoformat() if isinstance(value, dt.date) else value


def _no_time(value):
    return "(time)" if isinstance(value, dt.datetime) else _plain(value)
