"""Benchmark: the review page and the automatic merge.

1. One 20,000-character article with 3 annotators × 400 spans (each annotator's spans near a
   shared set of claim positions, boundaries jittered, labels sometimes different, some
   missed), reviewed by a reviewer logged in by session cookie. Server time of the review
   page and of its JSON, in-process with the test client (as bench_annotate), p50/p95; and in
   Chromium (when /usr/bin/chromium and Playwright are there) the time from navigation to the
   unit list and text being interactive (the first unit selected by the page's script).
2. A project of 1,000 documents × 3 annotators × 40 spans (120,000 spans, 40 units a
   document, every fourth unit unanimous): the unanimous merge over the whole project, as one
   request does it (the service call plus the commit).
SQLite on a temporary file; PostgreSQL on a fresh database on 127.0.0.1:5432 when one answers.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import threading
import time

from sqlalchemy import insert, select

from app import create_app, settle_heap
from app.extensions import db
from app.models import Assignment, Claimant, Document, Project, Span, User
from app.projects.service import create_project, set_member
from app.text import normalise_text, text_sha256
from bench.bench_annotate import (
    PASSWORD,
    drop_postgres_database,
    expect,
    log_in,
    percentile,
    postgres_database,
    timed,
)

ANNOTATORS = ("ann_a", "ann_b", "ann_c")
PAGE_SPANS = 400  # per annotator
PAGE_TARGET_MS = 50.0
INTERACTIVE_TARGET_S = 1.0
MERGE_DOCUMENTS = 1000
MERGE_SPANS = 40  # per annotator and document
MERGE_TARGET_S = 5.0
REQUESTS = 100
EVIDENCE = ("official_statement", "eyewitness", "statistics", "hearsay")


def _users(names) -> dict[str, User]:
    users = {}
    for name in names:
        user = db.session.scalar(select(User).where(User.username == name))
        if user is None:
            user = User(username=name, display_name=name)
            user.set_password(PASSWORD)
            db.session.add(user)
        users[name] = user
    db.session.flush()
    return users


def _document(project, external_id: str, text: str, users) -> Document:
    document = Document(project=project, external_id=external_id, title=external_id, text=text,
                        sha256=text_sha256(text), meta={})
    db.session.add(document)
    db.session.flush()
    db.session.execute(insert(Assignment), [
        {"document_id": document.id, "annotator_id": users[name].id, "status": "submitted"}
        for name in ANNOTATORS])
    return document


def _spans(rng, document, text, users, claimants, count, unanimous_every=0) -> list[dict]:
    """`count` claim positions; each annotator marks each (jittered, sometimes relabelled,
    sometimes missed), except every `unanimous_every`-th position, marked identically."""
    rows = []
    slot = len(text) // count
    for index in range(count):
        base_start = index * slot + rng.randrange(0, slot // 4)
        base_end = base_start + rng.randrange(slot // 3, slot // 2)
        claimant, evidence = rng.choice(claimants), rng.choice(EVIDENCE)
        same = unanimous_every and index % unanimous_every == 0
        for name in ANNOTATORS:
            start, end, label, who = base_start, base_end, evidence, claimant
            if not same:
                if rng.random() < 0.1:
                    continue  # missed
                start += rng.randint(-2, 2)
                end += rng.randint(-2, 2)
                if rng.random() < 0.2:
                    label = rng.choice(EVIDENCE)
            rows.append({"document_id": document.id, "annotator_id": users[name].id,
                         "start": start, "end": end, "text": text[start:end],
                         "claimant_id": who, "evidence_type": label, "note": "", "version": 1})
    return rows


def _article(rng, length: int) -> str:
    words = "the ministry said officials reported witnesses saw café صنعاء 🌊 dam".split()
    out = []
    while sum(len(w) + 1 for w in out) < length:
        out.append(rng.choice(words))
    return normalise_text(" ".join(out)[:length])


def seed_page(rng) -> int:
    project = create_project("Review bench")
    users = _users(ANNOTATORS + ("reviewer",))
    for name in ANNOTATORS:
        set_member(project, users[name], "annotator")
    set_member(project, users["reviewer"], "reviewer")
    claimants = [Claimant(project=project, name=f"source {i}", type="government")
                 for i in range(60)]
    db.session.add_all(claimants)
    db.session.flush()
    text = _article(rng, 20_000)
    document = _document(project, "long-article", text, users)
    db.session.execute(insert(Span), _spans(rng, document, text, users,
                                            [c.id for c in claimants], PAGE_SPANS))
    db.session.commit()
    return document.id


def seed_merge(rng) -> int:
    project = create_project("Merge bench")
    users = _users(ANNOTATORS + ("merger",))
    for name in ANNOTATORS:
        set_member(project, users[name], "annotator")
    set_member(project, users["merger"], "reviewer")
    claimants = [Claimant(project=project, name=f"source {i}", type="government")
                 for i in range(200)]
    db.session.add_all(claimants)
    db.session.flush()
    ids = [c.id for c in claimants]
    text = _article(rng, 4_000)
    for number in range(MERGE_DOCUMENTS):
        document = _document(project, f"doc-{number}", text, users)
        db.session.execute(insert(Span), _spans(rng, document, text, users, ids, MERGE_SPANS,
                                                unanimous_every=4))
    db.session.commit()
    return project.id


def measure(database_url: str, chromium: bool) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": True, "AGREEMENT_BOOTSTRAP_DRAWS": 200})
    rng = random.Random(11)
    with app.app_context():
        db.create_all()
        document_id = seed_page(rng)
    settle_heap()  # as wsgi.py does in every server process
    client = app.test_client()
    log_in(app, client, "reviewer")
    results = {}
    total = REQUESTS + 10
    for key, url in (("page", f"/documents/{document_id}/review"),
                     ("json", f"/api/v1/documents/{document_id}/review")):
        cpu: list[float] = []
        results[key] = timed([_cpu_timed(client, url, cpu)] * total, expect(200))
        results[key + "_cpu"] = cpu[10:]
    with app.app_context():
        results["units"] = len(client.get(
            f"/api/v1/documents/{document_id}/review").get_json()["units"])
    results["interactive"] = interactive_times(app, document_id) if chromium else None
    with app.app_context():
        project_id = seed_merge(rng)
    with app.app_context():
        from app.review.service import merge_project

        project = db.session.get(Project, project_id)
        merger = db.session.scalar(select(User).where(User.username == "merger"))
        began, cpu = time.perf_counter(), time.process_time()
        proposals = merge_project(project, merger, "unanimous", 2 / 3, dry_run=False)
        db.session.commit()
        results["merge"] = time.perf_counter() - began
        results["merge_cpu"] = time.process_time() - cpu
        results["merged"] = len(proposals)
        db.session.remove()
        db.engine.dispose()
    return results


def _cpu_timed(client, url: str, into: list[float]):
    """A request that also records the CPU time this process spent on it (ms): unlike wall
    time, it does not grow when other processes load the machine."""
    def request():
        began = time.process_time()
        response = client.get(url)
        into.append((time.process_time() - began) * 1000)
        return response
    return request


def interactive_times(app, document_id: int, runs: int = 5) -> list[float] | None:
    """Seconds from navigation to the first unit selected, in headless Chromium."""
    try:
        from playwright.sync_api import sync_playwright
        from werkzeug.serving import make_server
    except ImportError:
        return None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    times = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{base}/login")
            page.fill("#username", "reviewer")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            for _ in range(runs + 1):
                began = time.perf_counter()
                page.goto(f"{base}/documents/{document_id}/review")
                page.wait_for_selector("#unit-list li.unit.current")
                times.append(time.perf_counter() - began)
            browser.close()
    finally:
        server.shutdown()
    return times[1:]  # the first load fills caches (static files)


def rows_for(backend: str, results: dict | None, note: str = "") -> list[str]:
    if results is None:
        return [f"| {backend} | – | – | – | – | not available: {note} |"]
    rows = []
    for key, label in (("page", "GET /documents/<id>/review (page)"),
                       ("json", "GET /api/v1/documents/<id>/review")):
        timings, cpu = results[key], results[key + "_cpu"]
        p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
        rows.append(f"| {backend} | {label} | {p50:.1f} ms | {p95:.1f} ms "
                    f"(CPU p50 {percentile(cpu, 0.5):.1f}, p95 {percentile(cpu, 0.95):.1f}) | ≤ "
                    f"{PAGE_TARGET_MS:.0f} ms p95 | {'yes' if p95 <= PAGE_TARGET_MS else 'no'} |")
    interactive = results["interactive"]
    if interactive:
        worst = max(interactive)
        rows.append(f"| {backend} | Chromium: navigation to unit list interactive "
                    f"({len(interactive)} loads) | {statistics.median(interactive):.2f} s | "
                    f"{worst:.2f} s (max) | ≤ {INTERACTIVE_TARGET_S:.0f} s | "
                    f"{'yes' if worst <= INTERACTIVE_TARGET_S else 'no'} |")
    rows.append(f"| {backend} | unanimous merge, {MERGE_DOCUMENTS:,} documents × 3 × "
                f"{MERGE_SPANS} spans ({results['merged']:,} units to gold) | "
                f"{results['merge']:.2f} s (CPU {results['merge_cpu']:.2f} s) | – | "
                f"≤ {MERGE_TARGET_S:.0f} s | "
                f"{'yes' if results['merge'] <= MERGE_TARGET_S else 'no'} |")
    return rows


def run() -> str:
    chromium = shutil.which("chromium") is not None
    rows = []
    units = None
    with tempfile.TemporaryDirectory() as folder:
        results = measure(f"sqlite:///{folder}/bench.db", chromium)
        units = results["units"]
        rows += rows_for("SQLite", results)
    name = postgres_database()
    if name is None:
        rows += rows_for("PostgreSQL", None, "no server on 127.0.0.1:5432")
    else:
        try:
            rows += rows_for("PostgreSQL", measure(
                f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", False))
        finally:
            drop_postgres_database(name)
    return "\n".join([
        "## Review page and automatic merge",
        "",
        f"Review page: a 20,000-character article with {len(ANNOTATORS)} annotators × "
        f"{PAGE_SPANS} spans ({units} units), a reviewer logged in by session cookie; server "
        f"time per request in-process ({REQUESTS} timed requests after 10 untimed). Chromium "
        "(SQLite run only): wall time from navigation to the page's script selecting the "
        "first unit, page served by a local threaded server. Merge: the unanimous merge of a "
        f"whole project of {MERGE_DOCUMENTS:,} documents, one service call and its commit.",
        "",
        "| Database | Operation | p50 / time | p95 | Target | Met |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Load average at the end of the run: {os.getloadavg()[0]:.2f} (on a loaded machine "
        "wall times grow; the CPU times beside them are this process's own).",
    ])
