"""The project matrix's grouped queries give the counts a direct reading of the spans gives,
on random projects (SQLite and PostgreSQL): every dimension, with and without filters."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from app.claimants.profiles import ALL, Scope, project_matrix
from app.extensions import db
from app.models import (
    Assignment,
    Claimant,
    Document,
    DocumentReview,
    GoldSpan,
    ProjectMember,
    Span,
)
from app.projects.service import project_scheme
from app.text import text_sha256

TEXT = "The ministry said twelve people died when the dam broke at dawn on Tuesday. " * 3
UNLISTED = "rumour"  # an evidence type the scheme does not list (e.g. from an older scheme)


def random_project(make, rng: random.Random):
    annotators = [f"ann{n}" for n in range(3)]
    project = make.project(None, **dict.fromkeys(annotators, "annotator"), rev="reviewer")
    scheme = project_scheme(project)
    evidence = [*scheme.evidence_keys, UNLISTED]
    users = {m.user.username: m.user for m in db.session.query(ProjectMember)
             .filter_by(project_id=project.id)}
    claimants = []
    for n in range(rng.randint(5, 25)):
        # Some proposals share a name (two annotators coining it): one row of the matrix.
        proposed = n > 2 and rng.random() < 0.2
        claimant = Claimant(
            project=project, name=f"Claimant {n % 7 if proposed else n}",
            type=rng.choice(scheme.claimant_type_keys),
            source_type=rng.choice([None, *scheme.source_type_keys]),
            status="proposed" if proposed else "confirmed",
            created_by=users[rng.choice(annotators)] if proposed else None)
        if claimants and rng.random() < 0.5:
            claimant.affiliation = rng.choice(claimants)
        claimants.append(claimant)
        db.session.add(claimant)
    db.session.flush()
    for n in range(rng.randint(4, 12)):
        document = Document(
            project=project, external_id=f"d{n}", title=f"Article {n}", text=TEXT,
            sha256=text_sha256(TEXT), meta={"outlet": rng.choice(["A", "B"])},
            published=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(60)))
        db.session.add(document)
        for name in rng.sample(annotators, rng.randint(0, 3)):
            db.session.add(Assignment(document=document, annotator=users[name],
                                      status=rng.choice(["assigned", "in_progress",
                                                         "submitted", "submitted"])))
            for _ in range(rng.randint(0, 15)):
                start = rng.randrange(0, len(TEXT) - 20)
                db.session.add(Span(document=document, annotator=users[name], start=start,
                                    end=start + 10, text=TEXT[start:start + 10],
                                    claimant=rng.choice(claimants),
                                    evidence_type=rng.choice(evidence)))
        if rng.random() < 0.4:
            db.session.flush()
            db.session.add(DocumentReview(document_id=document.id, status=rng.choice(
                ["adjudicated", "adjudicated", "in_review"])))
            for _ in range(rng.randint(0, 10)):
                start = rng.randrange(0, len(TEXT) - 20)
                db.session.add(GoldSpan(document=document, start=start, end=start + 10,
                                        text=TEXT[start:start + 10],
                                        claimant=rng.choice(claimants),
                                        evidence_type=rng.choice(evidence),
                                        provenance="adjudicated",
                                        rejected=rng.random() < 0.2))
    db.session.commit()
    return project


def direct_counts(project, dimension: str, scope: Scope):
    """The matrix from every row of the project, read one by one in Python."""
    documents = {d.id: d for d in db.session.query(Document).filter_by(project_id=project.id)
                 if (scope.date_from is None or d.published >= scope.date_from)
                 and (scope.date_to is None or d.published <= scope.date_to)
                 and (not scope.meta_key
                      or str(d.meta.get(scope.meta_key, "")) == scope.meta_value)}
    adjudicated = {r.document_id for r in db.session.query(DocumentReview)
                   if r.status == "adjudicated"}
    submitted = {(a.document_id, a.annotator_id) for a in db.session.query(Assignment)
                 if a.status == "submitted"}
    claims = [(g.claimant_id, g.evidence_type) for g in db.session.query(GoldSpan)
              if g.document_id in documents and g.document_id in adjudicated
              and not g.rejected]
    claims += [(s.claimant_id, s.evidence_type) for s in db.session.query(Span)
               if s.document_id in documents and s.document_id not in adjudicated
               and (s.document_id, s.annotator_id) in submitted]
    registry = {c.id: c for c in db.session.query(Claimant).filter_by(project_id=project.id)}
    source_names = {s.key: s.name for s in project_scheme(project).source_types}

    def label(claimant_id: int) -> str:
        claimant = registry[claimant_id]
        if dimension == "source_type":
            return source_names.get(claimant.source_type, "Source type not set")
        if dimension == "root":
            while claimant.affiliation_id is not None:
                claimant = registry[claimant.affiliation_id]
        return claimant.name

    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for claimant_id, evidence in claims:
        table[label(claimant_id)][evidence] += 1
    return {name: dict(row) for name, row in table.items()}


@pytest.mark.parametrize("seed", range(4))
def test_matrix_equals_a_direct_count_from_the_spans(app, make, seed):
    rng = random.Random(seed)
    project = random_project(make, rng)
    scopes = [ALL, Scope(date_from=dt.date(2024, 1, 20)), Scope(date_to=dt.date(2024, 2, 10)),
              Scope(meta_key="outlet", meta_value="A")]
    everything = direct_counts(project, "claimant", ALL)
    assert everything, "the random project has counted claims"
    for dimension in ("claimant", "root", "source_type"):
        for scope in scopes:
            expected = direct_counts(project, dimension, scope)
            matrix = project_matrix(project, dimension, scope)
            assert {label: counts for label, counts, _total in matrix.rows} == expected
            assert all(total == sum(counts.values()) for _l, counts, total in matrix.rows)
            assert [total for _l, _c, total in matrix.rows] == sorted(
                (total for _l, _c, total in matrix.rows), reverse=True)
            columns: dict[str, int] = defaultdict(int)
            for row in expected.values():
                for key, number in row.items():
                    columns[key] += number
            assert matrix.column_totals == dict(columns)
            assert matrix.total == sum(columns.values())
