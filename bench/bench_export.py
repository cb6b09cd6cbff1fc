"""Benchmark: exporting a large synthetic project as jsonl and csv, on SQLite and PostgreSQL.

The project (DOCUMENTS documents x 3 annotators x SPANS_PER_ANNOTATOR spans, every
assignment submitted, one gold span per 4 annotator spans) is written with bulk INSERTs
(COPY on PostgreSQL). Each export runs in a fresh child process, as `flask export` does
(`app.transfer.cli.write_export`, the file written to /dev/null, the app's start-up objects
frozen out of the collector as flask export and wsgi.py do), so its peak RSS (getrusage of the
child) is the export's alone. The floor is the bare loop in the same kind of child: read the
document and span rows with one query each and write JSON lines, nothing else, on the
120,000-span project; both formats are then exported from a 1,000,000-span project
(BENCH_EXPORT_SPANS and BENCH_EXPORT_LARGE_SPANS change the sizes; 0 skips the large one).

Each child reports its wall time and its CPU time (time.process_time): the machine is shared,
and CPU time is what other work disturbs least, so rates and the ratio to the floor are
judged on it; on PostgreSQL it leaves out the server's own work, which the wall time holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import time

from bench.bench_annotate import drop_postgres_database, postgres_database

ANNOTATORS = ("ann_one", "ann_two", "ann_three")
SPANS_PER_ANNOTATOR = 40
SPANS = int(os.environ.get("BENCH_EXPORT_SPANS", "120000"))
LARGE_SPANS = int(os.environ.get("BENCH_EXPORT_LARGE_SPANS", "1000000"))  # 0: skip
DOCUMENTS = max(1, SPANS // (len(ANNOTATORS) * SPANS_PER_ANNOTATOR))
TARGET_SPANS_PER_SECOND = 100_000
TARGET_RSS_MB = 200
WORDS = ("the ministry said officials reported witnesses described flooding near the dam "
         "café naïve صنعاء 🌊 according to a statement").split()


def seed(database_url: str, documents: int = DOCUMENTS) -> None:
    """The synthetic project, inserted in batches through SQLAlchemy Core."""
    from sqlalchemy import text as text_sql

    from app import create_app
    from app.extensions import db
    from app.models import Assignment, Claimant, Document, GoldSpan, Span, User
    from app.projects.service import create_project, set_member
    from app.text import text_sha256

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    rng = random.Random(17)
    with app.app_context():
        db.drop_all()
        db.create_all()
        project = create_project("Export bench")
        users = [User(username=name, display_name=name) for name in ANNOTATORS]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            set_member(project, user, "annotator")
        claimants = [Claimant(project=project, name=f"Claimant {i}", type="government")
                     for i in range(50)]
        db.session.add_all(claimants)
        db.session.commit()
        text = " ".join(rng.choice(WORDS) for _ in range(600))
        starts = [i for i, c in enumerate(text) if c == " "][: SPANS_PER_ANNOTATOR * 2: 2]
        insert = _copy if db.engine.dialect.name == "postgresql" else _insert
        stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for first in range(0, documents, 200):
            ids = range(first + 1, min(first + 200, documents) + 1)
            insert(Document.__table__, [
                {"id": i, "project_id": project.id, "external_id": f"doc-{i}",
                 "title": f"Document {i}", "url": "", "text": text,
                 "sha256": text_sha256(text), "meta": "{}", "created_at": stamp} for i in ids])
            insert(Assignment.__table__, [
                {"document_id": i, "annotator_id": u.id, "status": "submitted",
                 "assigned_at": stamp} for i in ids for u in users])
            # Each span changed at its own moment, as real ones do (no timestamp repeats).
            spans = [{"document_id": i, "annotator_id": u.id, "start": s + 1, "end": s + 12,
                      "text": text[s + 1:s + 12], "claimant_id": rng.choice(claimants).id,
                      "evidence_type": "statistics", "note": "", "version": 1,
                      "created_at": stamp, "updated_at": stamp + dt.timedelta(
                          microseconds=(i * 1000 + s) * 7 + u.id)}
                     for i in ids for u in users for s in starts]
            insert(Span.__table__, spans)
            insert(GoldSpan.__table__, [
                {k: v for k, v in row.items() if k != "annotator_id"} | {
                    "provenance": "majority", "rejected": False} for row in spans[::4]])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":  # ids were given: move the sequence on
            db.session.execute(text_sql("SELECT setval('documents_id_seq', :n)"),
                               {"n": documents})
            db.session.execute(text_sql("ANALYZE"))
            db.session.commit()
        db.engine.dispose()


def _insert(table, rows: list[dict]) -> None:
    from app.extensions import db

    rows = [row | {"meta": {}} if "meta" in row else row for row in rows]
    db.session.execute(table.insert(), rows)


def _copy(table, rows: list[dict]) -> None:
    """PostgreSQL's COPY: a million rows in seconds rather than minutes of INSERTs."""
    from app.extensions import db

    columns = list(rows[0])
    cursor = db.session.connection().connection.cursor()
    quoted = ", ".join(f'"{name}"' for name in columns)
    with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


CHILD = textwrap.dedent("""
    import gc, json, os, resource, sys, time
    sys.path.insert(0, os.getcwd())
    from app import create_app
    from app.extensions import db
    url, kind, fmt = sys.argv[1], sys.argv[2], sys.argv[3]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    gc.freeze()  # as flask export and wsgi.py do: start-up objects out of the collector
    with app.app_context(), open(os.devnull, "wb") as out:
        started, cpu = time.perf_counter(), time.process_time()
        if kind == "credence":
            from app.models import Project
            from app.transfer.cli import write_export
            from app.transfer.export import options_from_args
            project = db.session.query(Project).one()
            write_export(project, options_from_args(
                {"format": fmt, "layer": "annotators", "scope": "submitted"}), out)
        else:  # the floor: read the rows, write JSON lines
            connection = db.session.connection().execution_options(yield_per=2000)
            documents = connection.exec_driver_sql(
                "SELECT id, external_id, title, text FROM documents ORDER BY id")
            spans = connection.exec_driver_sql(
                'SELECT s.document_id, u.username, s.start, s."end", s.text, c.name, '
                "s.evidence_type FROM spans s JOIN users u ON u.id = s.annotator_id "
                "JOIN claimants c ON c.id = s.claimant_id ORDER BY s.document_id, s.start")
            pending = next(spans, None)
            for row in documents:
                items = []
                while pending is not None and pending[0] == row[0]:
                    items.append({"annotator": pending[1], "start": pending[2],
                                  "end": pending[3], "text": pending[4],
                                  "claimant": pending[5], "evidence_type": pending[6]})
                    pending = next(spans, None)
                out.write((json.dumps({"id": row[1], "title": row[2], "text": row[3],
                                       "annotations": items}, ensure_ascii=False)
                           + "\\n").encode())
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": rss}))
""")


IMPORT_DOCUMENTS = int(os.environ.get("BENCH_IMPORT_DOCUMENTS", "10000"))
IMPORT_SPANS_PER_DOCUMENT = 30
IMPORT_TARGET_SECONDS = 60
IMPORT_TARGET_RSS_MB = 300

IMPORT_CHILD = textwrap.dedent("""
    import json, os, resource, sys, time
    sys.path.insert(0, os.getcwd())
    from app import create_app
    from app.extensions import db
    from app.models import User
    from app.projects.importer import import_file
    from app.projects.service import create_project, set_member
    url, path = sys.argv[1], sys.argv[2]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        project = create_project("Import bench")
        for name in ("ann_one", "ann_two", "ann_three"):
            user = User(username=name, display_name=name)
            db.session.add(user)
            db.session.flush()
            set_member(project, user, "annotator")
        db.session.commit()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        with open(path, "rb") as handle:  # what `flask import` does
            data = handle.read()
        summary = import_file(project, "bench.jsonl", data)
        db.session.commit()
        seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss, "before_mb": before,
                      "spans": summary.spans, "bytes": len(data)}))
""")


def write_import_file(path: str) -> None:
    """The file to import, written line by line (not held in memory)."""
    rng = random.Random(5)
    text = " ".join(rng.choice(WORDS) for _ in range(600))
    starts = [i for i, c in enumerate(text) if c == " "][: IMPORT_SPANS_PER_DOCUMENT * 2: 2]
    with open(path, "w", encoding="utf-8") as handle:
        for d in range(IMPORT_DOCUMENTS):
            spans = [{"annotator": ANNOTATORS[k % 3], "start": s + 1, "end": s + 12,
                      "text": text[s + 1:s + 12], "claimant": f"Claimant {k % 50}",
                      "claimant_type": "government", "evidence_type": "statistics"}
                     for k, s in enumerate(starts)]
            handle.write(json.dumps({"id": f"d{d}", "title": f"Document {d}", "text": text,
                                     "annotations": spans}, ensure_ascii=False) + "\n")


def import_in_child(database_url: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "import.jsonl")
        write_import_file(path)
        result = subprocess.run(
            [sys.executable, "-c", IMPORT_CHILD, database_url, path], capture_output=True,
            text=True, check=True,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return json.loads(result.stdout.strip().splitlines()[-1])


def import_row(backend: str, database_url: str) -> str:
    figures = import_in_child(database_url)
    met = (figures["seconds"] < IMPORT_TARGET_SECONDS
           and figures["rss_mb"] < IMPORT_TARGET_RSS_MB)
    return (f"| {backend} | {IMPORT_DOCUMENTS:,} | {figures['spans']:,} | "
            f"{figures['bytes'] / 2**20:.0f} | {figures['seconds']:.1f} | "
            f"{figures['spans'] / figures['seconds']:,.0f} | {figures['before_mb']:.0f} | "
            f"{figures['rss_mb']:.0f} | {'yes' if met else 'no'} |")


def export_in_child(database_url: str, kind: str, fmt: str) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, database_url, kind, fmt],
                            capture_output=True, text=True, check=True,
                            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(database_url: str) -> list[str]:
    """The floor and both formats on the SPANS project; both formats on the LARGE one."""
    rows = []
    for total, with_floor in ((SPANS, True), (LARGE_SPANS, False)):
        if not total:
            continue
        documents = max(1, total // (len(ANNOTATORS) * SPANS_PER_ANNOTATOR))
        started = time.perf_counter()
        seed(database_url, documents)
        seeded = time.perf_counter() - started
        spans = documents * len(ANNOTATORS) * SPANS_PER_ANNOTATOR
        floor = export_in_child(database_url, "floor", "jsonl") if with_floor else None
        for fmt in ("jsonl", "csv"):
            figures = export_in_child(database_url, "credence", fmt)
            rate = spans / figures["cpu"]
            met = rate >= TARGET_SPANS_PER_SECOND and figures["rss_mb"] < TARGET_RSS_MB
            ratio = (f"{figures['cpu'] / floor['cpu']:.2f}x "
                     f"({figures['seconds'] / floor['seconds']:.2f}x)") if floor else ""
            rows.append(f"| {fmt} | {spans:,} | {figures['cpu']:.2f} | {rate:,.0f} | "
                        f"{figures['seconds']:.2f} | {spans / figures['seconds']:,.0f} | "
                        f"{figures['rss_mb']:.0f} | {ratio} | {'yes' if met else 'no'} |")
        if floor:
            rows.append(f"| floor (bare loop, JSON lines) | {spans:,} | {floor['cpu']:.2f} | "
                        f"{spans / floor['cpu']:,.0f} | {floor['seconds']:.2f} | "
                        f"{spans / floor['seconds']:,.0f} | {floor['rss_mb']:.0f} | 1.00x | |")
        rows.append(f"| (seeding {spans:,} spans) | | | | {seeded:.1f} | | | | |")
    return rows


def run() -> str:
    sections = []
    imports = []
    with tempfile.TemporaryDirectory() as folder:
        sections.append(("SQLite", measure(f"sqlite:///{folder}/export.db")))
    name = postgres_database()
    if name is not None:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        try:
            sections.append(("PostgreSQL", measure(url)))
            imports.append(import_row("PostgreSQL", url))
        finally:
            drop_postgres_database(name)
    load = os.getloadavg()[0]
    lines = [
        "## Export",
        "",
        f"Projects of documents x {len(ANNOTATORS)} annotators x {SPANS_PER_ANNOTATOR} "
        f"spans ({SPANS:,} spans, with the floor; and {LARGE_SPANS:,}), all submitted; "
        "layer `annotators`, scope `submitted`, written to /dev/null by "
        "a fresh process each (`app.transfer.cli.write_export`, what `flask export` "
        "runs). Peak RSS is that process's maximum resident set (it includes Python, Flask "
        "and SQLAlchemy, about 110 MB before any row). The machine is shared, so each export "
        "is timed twice: CPU seconds of the exporting process (time.process_time, what other "
        "work disturbs least; on PostgreSQL the server's own work is not in it) and wall "
        f"seconds. Targets: at least {TARGET_SPANS_PER_SECOND:,} spans per CPU second and "
        f"under {TARGET_RSS_MB} MB; `vs floor` is the CPU ratio (the wall ratio in brackets) to "
        "the floor, a bare loop reading the same rows and writing JSON lines (goal at most 2x).",
    ]
    for backend, rows in sections:
        lines += ["", f"**{backend}**", "",
                  "| format | spans | CPU s | spans/CPU s | wall s | spans/wall s | "
                  "peak RSS MB | vs floor | target met |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|", *rows]
    if name is None:
        lines += ["", "PostgreSQL: no server answered on 127.0.0.1:5432."]
    lines += [
        "", "## Import", "",
        f"`app.projects.importer.import_file` on one interchange JSONL file of "
        f"{IMPORT_DOCUMENTS:,} documents x {IMPORT_SPANS_PER_DOCUMENT} spans (3 annotators, "
        "50 claimants), read from disk by a fresh process as `flask import` does (timing and "
        "RSS include reading the file; `RSS before` is the process with the app loaded). "
        "The file is read twice, once to check everything and once to write in batches of "
        "500 documents, so memory does not grow with the file beyond its bytes. Targets: under "
        f"{IMPORT_TARGET_SECONDS} s and under {IMPORT_TARGET_RSS_MB} MB peak RSS. Load average "
        f"(1 min) at the end of the run: {load:.2f} on {os.cpu_count()} cores (other work on "
        "the machine slows every figure here).", "",
        "| database | documents | spans | file MB | seconds | spans/s | RSS before MB | "
        "peak RSS MB | target met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|", *imports]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
