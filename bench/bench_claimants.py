"""Benchmark: the claimant registry's autocomplete, list page and the project matrix.

Two projects seeded with bulk inserts. "Registry": 20,000 claimants with 50,000 aliases,
searched through GET /api/v1/projects/<id>/claimants?q=... by an annotator (the index is
built on the first request and reused while the registry is unchanged). "Sources": 2,000
claimants and 100,000 spans over 1,000 documents by two annotators (half the documents
submitted, a tenth adjudicated with gold), read by a reviewer: the project matrix page and
the first page of the registry list with usage counts. Server time in-process with Flask's
test client, session cookie, CSRF on; SQLite on a temporary file, PostgreSQL on a fresh
database on 127.0.0.1:5432 (ANALYZE after seeding; dropped afterwards).
"""

from __future__ import annotations

import os
import random
import tempfile
import time

from sqlalchemy import insert, text, update

from app import create_app, settle_heap
from app.extensions import db
from app.models import (
    Assignment,
    Claimant,
    ClaimantAlias,
    Document,
    DocumentReview,
    GoldSpan,
    Project,
    Span,
    User,
)
from app.projects.service import create_project, set_member
from app.text import text_sha256
from bench.bench_annotate import (
    PASSWORD,
    drop_postgres_database,
    expect,
    log_in,
    percentile,
    postgres_database,
)

REGISTRY_CLAIMANTS, REGISTRY_ALIASES = 20_000, 50_000
SOURCE_CLAIMANTS, SPANS, DOCUMENTS = 2_000, 100_000, 1_000
REQUESTS, SLOW_REQUESTS, WARM_UP = 300, 40, 10
SEARCH_TARGET_MS, PAGE_TARGET_MS = 20.0, 200.0
SYLLABLES = ("al ber ka min is try of de fen ce ko na shen ov red cres cent om ar had dad "
             "sa na a mi ra hu man rights watch uni ted na tions pol ice ar my").split()
EVIDENCE = ("official_statement", "eyewitness", "expert", "document", "statistics",
            "photo_video", "anonymous", "hearsay", "none")
TEXT = "The ministry said twelve people died when the dam broke at dawn on Tuesday. " * 40


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def name(rng: random.Random, number: int) -> str:
    return " ".join(word(rng) for _ in range(rng.randint(1, 4))) + f" {number}"


def seed_registry(rng: random.Random, annotator: User) -> int:
    project = create_project("Registry")
    set_member(project, annotator, "annotator")
    db.session.flush()
    db.session.execute(insert(Claimant), [
        {"project_id": project.id, "name": name(rng, n), "type": "other", "status": "confirmed",
         "role": "", "description": "", "external_id": ""} for n in range(REGISTRY_CLAIMANTS)])
    first = db.session.query(db.func.min(Claimant.id)).filter_by(project_id=project.id).scalar()
    db.session.execute(insert(ClaimantAlias), [
        {"claimant_id": first + n % REGISTRY_CLAIMANTS, "alias": name(rng, n)}
        for n in range(REGISTRY_ALIASES)])
    return project.id


def seed_sources(rng: random.Random, annotators: list[User], reviewer: User) -> int:
    project = create_project("Sources")
    for user in annotators:
        set_member(project, user, "annotator")
    set_member(project, reviewer, "reviewer")
    db.session.flush()
    db.session.execute(insert(Claimant), [
        {"project_id": project.id, "name": name(rng, n), "type": "other", "status": "confirmed",
         "role": "", "description": "", "external_id": ""} for n in range(SOURCE_CLAIMANTS)])
    claimant_ids = [c.id for c in db.session.query(Claimant.id).filter_by(project_id=project.id)]
    db.session.execute(insert(Document), [
        {"project_id": project.id, "external_id": f"d{n}", "title": f"Article {n}",
         "text": TEXT, "sha256": text_sha256(TEXT), "meta": {"outlet": f"o{n % 5}"}}
        for n in range(DOCUMENTS)])
    document_ids = [d.id for d in db.session.query(Document.id).filter_by(project_id=project.id)]
    db.session.execute(insert(Assignment), [
        {"document_id": d, "annotator_id": u.id,
         "status": "submitted" if i % 2 == 0 else "in_progress"}
        for i, d in enumerate(document_ids) for u in annotators])
    rows = []
    for n in range(SPANS):
        start = rng.randrange(0, len(TEXT) - 40)
        rows.append({"document_id": document_ids[n % DOCUMENTS],
                     "annotator_id": annotators[n % 2].id, "start": start, "end": start + 30,
                     "text": TEXT[start:start + 30], "claimant_id": rng.choice(claimant_ids),
                     "evidence_type": rng.choice(EVIDENCE), "note": "", "version": 1})
    for chunk in range(0, len(rows), 10_000):
        db.session.execute(insert(Span), rows[chunk:chunk + 10_000])
    adjudicated = document_ids[::10]
    db.session.execute(insert(DocumentReview), [
        {"document_id": d, "status": "adjudicated"} for d in adjudicated])
    db.session.execute(insert(GoldSpan), [
        {"document_id": d, "start": 0, "end": 30, "text": TEXT[:30], "version": 1,
         "claimant_id": rng.choice(claimant_ids), "evidence_type": rng.choice(EVIDENCE),
         "note": "", "provenance": "adjudicated", "rejected": False}
        for d in adjudicated for _ in range(20)])
    return project.id


def timed(requests, check, prepare=None) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of this process for each call (after WARM_UP);
    `prepare()`, untimed, before each.

    CPU time is the server's own work (and SQLite's, which runs in-process; not PostgreSQL's):
    unlike wall time it does not grow when other work shares the machine's cores."""
    wall, cpu = [], []
    for index, request in enumerate(requests):
        if prepare is not None:
            prepare()
        began, began_cpu = time.perf_counter(), time.process_time()
        response = request()
        elapsed = (time.perf_counter() - began) * 1000
        elapsed_cpu = (time.process_time() - began_cpu) * 1000
        check(response)
        if index >= WARM_UP:
            wall.append(elapsed)
            cpu.append(elapsed_cpu)
    return wall, cpu


def measure(database_url: str) -> dict[str, tuple[list[float], list[float]]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": True})
    rng = random.Random(13)
    with app.app_context():
        db.create_all()
        users = []
        for username in ("ann_one", "ann_two", "rev"):
            user = User(username=username, display_name=username)
            user.set_password(PASSWORD)
            db.session.add(user)
            users.append(user)
        db.session.flush()
        registry = seed_registry(rng, users[0])
        sources = seed_sources(rng, users[:2], users[2])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Planner statistics, as autovacuum gathers them soon after a bulk load; without
            # them PostgreSQL plans the count queries for empty tables.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
    settle_heap()  # as wsgi.py does in every server process
    results = {}
    annotator = app.test_client()
    log_in(app, annotator, "ann_one")
    queries = [word(rng)[: rng.randint(1, 6)].lower() for _ in range(REQUESTS + WARM_UP)]
    results["search"] = timed(
        [lambda q=q: annotator.get(f"/api/v1/projects/{registry}/claimants?q={q}")
         for q in queries], expect(200))
    reviewer = app.test_client()
    log_in(app, reviewer, "rev")
    total = SLOW_REQUESTS + WARM_UP
    def cold(url):
        def request():
            app.extensions.pop("credence_source_matrices", None)  # as after any change
            return reviewer.get(url)
        return request

    results["matrix"] = timed([cold(f"/projects/{sources}/sources")] * total, expect(200))
    results["warm"] = timed([lambda: reviewer.get(f"/projects/{sources}/sources")] * total,
                            expect(200))
    def registry_changed():
        # As after an annotator's new proposal or a rename: the registry stamp changes, the
        # project's annotations do not.
        with app.app_context():
            db.session.execute(update(Project).where(Project.id == sources).values(
                claimant_registry_version=Project.claimant_registry_version + 1))
            db.session.commit()

    results["relabel"] = timed([lambda: reviewer.get(f"/projects/{sources}/sources")] * total,
                               expect(200), registry_changed)
    results["root"] = timed(
        [cold(f"/projects/{sources}/sources.json?rows=root")] * total,
        expect(200))
    results["list"] = timed([lambda: reviewer.get(f"/projects/{sources}/claimants")] * total,
                            expect(200))
    searches = [word(rng)[:2].lower() for _ in range(total)]
    results["list_search"] = timed(
        [lambda q=q: reviewer.get(f"/projects/{sources}/claimants?q={q}") for q in searches],
        expect(200))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


OPERATIONS = (
    ("search", "autocomplete, 20,000 claimants + 50,000 aliases", SEARCH_TARGET_MS),
    ("matrix", "project matrix page, 100,000 spans, computed (cache empty)", PAGE_TARGET_MS),
    ("warm", "project matrix page, unchanged project (cached counts)", PAGE_TARGET_MS),
    ("relabel", "project matrix page after a registry change (counts kept)", PAGE_TARGET_MS),
    ("root", "project matrix JSON by affiliation root, computed", PAGE_TARGET_MS),
    ("list", "registry list page with usage counts, 2,000 claimants", PAGE_TARGET_MS),
    ("list_search", "registry list page searched (2 letters), with usage counts",
     PAGE_TARGET_MS),
)


def table_rows(backend: str, results: dict | None, note: str = "") -> list[str]:
    rows = []
    for key, label, target in OPERATIONS:
        if results is None:
            rows.append(f"| {backend} | {label} | – | – | – | – | – | ≤ {target:.0f} | {note} |")
            continue
        timings, cpu = results[key]
        p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
        rows.append(f"| {backend} | {label} | {len(timings)} | {p50:.1f} | {p95:.1f} | "
                    f"{percentile(cpu, 0.50):.1f} | {percentile(cpu, 0.95):.1f} | "
                    f"≤ {target:.0f} | "
                    f"{'yes' if p95 <= target else 'no'} |")
    return rows


def run() -> str:
    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += table_rows("SQLite", measure(f"sqlite:///{folder}/bench.db"))
    name_ = postgres_database()
    if name_ is None:
        rows += table_rows("PostgreSQL", None, "no server on 127.0.0.1:5432")
    else:
        try:
            rows += table_rows("PostgreSQL", measure(
                f"postgresql+psycopg://postgres@127.0.0.1:5432/{name_}"))
        finally:
            drop_postgres_database(name_)
    return "\n".join([
        "## Claimant registry and credibility profiles",
        "",
        "Autocomplete over 20,000 claimants with 50,000 aliases (an annotator's random 1-6 "
        "letter queries); the project matrix and the registry list over 100,000 spans, "
        "2,000 claimants and 1,000 documents (half submitted, a tenth adjudicated); the "
        "matrix is cached until the project changes, so it is measured computed (cache "
        "emptied before each request, as after a change of the counted annotations), "
        "unchanged, and after a registry change (a new proposal, a rename: the counts by "
        "claimant are kept, the rows' labels read again); the registry list is its first "
        "page (200 claimants) with their usage counts. The counts are one grouped query per "
        "layer (gold, submitted work), a row per claimant with `count(*) FILTER` per "
        "evidence type (app/claimants/profiles.py). Server "
        f"time per request in milliseconds, in-process with the test client, after {WARM_UP} "
        "untimed requests; \"met\" compares the wall-clock p95. CPU is this process's time "
        "(the server and SQLite, not the PostgreSQL server), which does not grow when other "
        "work shares the cores. Targets: autocomplete ≤ 20 ms p95, matrix and list ≤ 200 ms "
        "p95. "
        f"Load average (1 min) when the run began: {load_before:.2f}, when it ended: "
        f"{os.getloadavg()[0]:.2f}.",
        "",
        "| database | request | n | p50 ms | p95 ms | p50 CPU ms | p95 CPU ms | target p95 ms "
        "| met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
        *rows,
    ])


if __name__ == "__main__":
    print(run())
