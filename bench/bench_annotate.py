"""Benchmark: the annotation page and the span API on a long article.

One 20,000-character article (mostly Latin script, with accented words, some Arabic and
an emoji, so no fast ASCII-only path is taken) carrying 400 spans from two annotators and a
registry of 60 claimants. Server time is measured in-process with Flask's test client,
around each request, as an annotator logged in with a session cookie and CSRF on (what the
browser does). Each request gets its own application context and database session, as
under a real server. SQLite runs on a temporary file; PostgreSQL on a fresh database
`credence_bench_<pid>` on 127.0.0.1:5432, dropped afterwards.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import tempfile
import time

from app import create_app
from app.extensions import db
from app.models import Assignment, Claimant, Document, Span, User
from app.projects.service import create_project, set_member
from app.text import normalise_text, text_sha256

ARTICLE_LENGTH = 20_000
SPANS_PER_ANNOTATOR = 200
CLAIMANTS = 60
REQUESTS = 200  # per measured operation
WARM_UP = 10
PASSWORD = "bench-password"
PAGE_TARGET_MS = 30.0
SAVE_TARGET_MS = 15.0
WORDS = ("the ministry said that officials reported witnesses described flooding in "
         "river valley near dam collapsed at dawn according to statement released by "
         "agency spokesperson confirmed café résumé naïve صنعاء الحديدة 🌊").split()


def article(rng: random.Random) -> str:
    words = []
    length = 0
    while length < ARTICLE_LENGTH:
        word = rng.choice(WORDS)
        sentence_end = rng.random() < 0.08
        words.append(word + ("." if sentence_end else ""))
        length += len(word) + 1 + sentence_end
    return normalise_text(" ".join(words)[:ARTICLE_LENGTH])


def word_ranges(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def seed(rng: random.Random) -> dict:
    """The project, article, annotators, claimants and 400 spans; returns ids."""
    project = create_project("Bench")
    annotators = []
    for name in ("ann_one", "ann_two"):
        user = User(username=name, display_name=name)
        user.set_password(PASSWORD)
        db.session.add(user)
        set_member(project, user, "annotator")
        annotators.append(user)
    text = article(rng)
    document = Document(project=project, external_id="long", title="A long article",
                        text=text, sha256=text_sha256(text), meta={})
    db.session.add(document)
    claimants = [Claimant(project_id=project.id, name=f"Source {n:02d}", type="government")
                 for n in range(CLAIMANTS)]
    db.session.add_all(claimants)
    words = word_ranges(text)
    evidence = ("official_statement", "eyewitness", "statistics", "document")
    for user in annotators:
        db.session.add(Assignment(document=document, annotator=user, status="in_progress"))
        for first in sorted(rng.sample(range(len(words) - 6), SPANS_PER_ANNOTATOR)):
            start, end = words[first][0], words[first + rng.randint(0, 5)][1]
            db.session.add(Span(document=document, annotator=user, start=start, end=end,
                                text=text[start:end], claimant=rng.choice(claimants),
                                evidence_type=rng.choice(evidence)))
    db.session.commit()
    return {"document": document.id, "words": words, "text": text}


def log_in(app, client, username: str) -> str:
    """Session login through the form; returns the CSRF token the page's script sends."""
    token_pattern = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    form_token = token_pattern.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": username, "password": PASSWORD,
                                "csrf_token": form_token})
    page = client.get("/").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def timed(requests, check) -> list[float]:
    """Milliseconds for each call in `requests` (after WARM_UP untimed calls)."""
    timings = []
    for index, request in enumerate(requests):
        began = time.perf_counter()
        response = request()
        elapsed = (time.perf_counter() - began) * 1000
        check(response)
        if index >= WARM_UP:
            timings.append(elapsed)
    return timings


def expect(status: int):
    def check(response):
        if response.status_code != status:
            raise RuntimeError(f"expected {status}, got {response.status_code}: "
                               f"{response.get_data(as_text=True)[:300]}")
    return check


def measure(database_url: str) -> dict[str, list[float] | None]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": True})
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        seeded = seed(rng)
    client = app.test_client()
    csrf = log_in(app, client, "ann_one")
    headers = {"X-CSRFToken": csrf}
    document_id = seeded["document"]
    spans_url = f"/api/v1/documents/{document_id}/spans"
    results: dict[str, list[float] | None] = {}
    total = REQUESTS + WARM_UP

    results["list"] = timed([lambda: client.get(spans_url)] * total, expect(200))
    page_url = f"/annotate/documents/{document_id}"
    if "annotate.document" in app.view_functions:
        results["page"] = timed([lambda: client.get(page_url)] * total, expect(200))
    else:
        results["page"] = None

    created: list[dict] = []
    words, text = seeded["words"], seeded["text"]

    def create():
        first = rng.randrange(len(words) - 4)
        start, end = words[first][0], words[first + rng.randint(0, 3)][1]
        response = client.post(spans_url, headers=headers, json={
            "start": start, "end": end, "text": text[start:end],
            "evidence_type": "eyewitness",
            "claimant": {"name": f"source {rng.randrange(CLAIMANTS):02d}"}})
        if response.status_code == 201:
            created.append(response.get_json())
        return response

    results["create"] = timed([create] * total, expect(201))

    def update():
        span = rng.choice(created)
        response = client.patch(f"/api/v1/spans/{span['id']}", headers=headers, json={
            "version": span["version"], "note": f"checked {rng.random():.6f}",
            "evidence_type": rng.choice(("eyewitness", "hearsay"))})
        if response.status_code == 200:
            span["version"] = response.get_json()["version"]
        return response

    results["update"] = timed([update] * total, expect(200))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


OPERATIONS = (
    ("list", "GET /api/v1/documents/<id>/spans (200 of 400 spans)", PAGE_TARGET_MS),
    ("page", "GET /annotate/documents/<id> (document page)", PAGE_TARGET_MS),
    ("create", "POST /api/v1/documents/<id>/spans (save new span)", SAVE_TARGET_MS),
    ("update", "PATCH /api/v1/spans/<id> (save change)", SAVE_TARGET_MS),
)


def table_rows(backend: str, results: dict | None, note: str = "") -> list[str]:
    rows = []
    for key, label, target in OPERATIONS:
        timings = results.get(key) if results else None
        if timings is None:
            rows.append(f"| {backend} | {label} | – | – | – | ≤ {target:.0f} | "
                        f"not available{': ' + note if note else ''} |")
            continue
        p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
        met = "yes" if p95 <= target else "no"
        rows.append(f"| {backend} | {label} | {len(timings)} | {p50:.1f} | {p95:.1f} | "
                    f"≤ {target:.0f} | {met} |")
    return rows


def postgres_database() -> str | None:
    """Create a fresh database; None when no server answers."""
    name = f"credence_bench_{os.getpid()}"
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"]
    try:
        subprocess.run(command + [f"DROP DATABASE IF EXISTS {name}"], check=True,
                       capture_output=True, timeout=30)
        subprocess.run(command + [f"CREATE DATABASE {name}"], check=True,
                       capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return name


def drop_postgres_database(name: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                    f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                   capture_output=True, timeout=30)


def run() -> str:
    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += table_rows("SQLite", measure(f"sqlite:///{folder}/bench.db"))
    name = postgres_database()
    if name is None:
        rows += table_rows("PostgreSQL", None, "no server on 127.0.0.1:5432")
    else:
        try:
            rows += table_rows("PostgreSQL", measure(
                f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"))
        finally:
            drop_postgres_database(name)
    return "\n".join([
        "## Annotation page and span API",
        "",
        f"A {ARTICLE_LENGTH:,}-character article with {2 * SPANS_PER_ANNOTATOR} spans from two "
        f"annotators and {CLAIMANTS} claimants; an annotator logged in by session cookie, "
        f"CSRF on. Server time per request in milliseconds, measured in-process with the "
        f"test client around the request; {REQUESTS} timed requests per row after "
        f"{WARM_UP} untimed. Saves name an existing claimant (registry lookup included). "
        "Targets: page load ≤ 30 ms p95 (the span list is part of it), save ≤ 15 ms p95. "
        f"Load average (1 min) when the run began: {load_before:.2f}, when it ended: "
        f"{os.getloadavg()[0]:.2f} (other work on the machine inflates p95).",
        "",
        "| database | request | n | p50 ms | p95 ms | target p95 ms | met |",
        "|---|---|---:|---:|---:|---:|---|",
        *rows,
    ])


if __name__ == "__main__":
    print(run())
