"""Benchmark: `flask backup` and `flask restore` of a large project, on SQLite and PostgreSQL.

The project is bench_export's synthetic one (documents x 3 annotators x 40 spans, one gold
span per 4 annotator spans), seeded at two sizes. Backup and restore each run in a fresh
child process, as the commands would, so the child's peak RSS (getrusage) is theirs alone:
a backup's memory must not grow with the project (its rows are read and written one at a
time); a restore's grows only by its id maps (16 bytes a row). The restore goes into a
second, empty database. BENCH_BACKUP_SPANS sets the larger size (the smaller is a tenth).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap

from bench.bench_annotate import drop_postgres_database, postgres_database
from bench.bench_export import ANNOTATORS, SPANS_PER_ANNOTATOR, seed

SPANS = int(os.environ.get("BENCH_BACKUP_SPANS", "120000"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = textwrap.dedent("""
    import json, os, pathlib, sys, time
    sys.path.insert(0, os.getcwd())
    def status(key):  # MB, from /proc/self/status
        for line in open("/proc/self/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    from app import create_app
    from app.extensions import db
    mode, url, path = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if mode == "restore":
            db.drop_all()
            db.create_all()
        db.session.commit()
        before = status("VmRSS")
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # the peak (VmHWM) restarts from here (Linux 4.0+)
        started, cpu = time.perf_counter(), time.process_time()
        if mode == "backup-heap":  # once more, for the Python heap's peak alone
            import tracemalloc
            from app.models import Project
            from app.transfer.backup import write_backup
            tracemalloc.start()
            write_backup(db.session.query(Project).one(), path)
            rows = tracemalloc.get_traced_memory()[1] / 2**20
        elif mode == "backup":
            from app.models import Project
            from app.transfer.backup import write_backup
            summary = write_backup(db.session.query(Project).one(), path)
            rows = sum(summary.counts.values())
        else:
            from app.transfer.restore import restore_backup
            rows = sum(restore_backup(path).counts.values())
            db.session.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = status("VmHWM")
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": rss, "before_mb": before,
                      "rows": rows, "bytes": path.stat().st_size}))
""")


def child(mode: str, url: str, path: str) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, mode, url, path],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(backend: str, url: str, restore_url: str, folder: str) -> list[str]:
    rows = []
    for total in (SPANS // 10, SPANS):
        documents = max(1, total // (len(ANNOTATORS) * SPANS_PER_ANNOTATOR))
        spans = documents * len(ANNOTATORS) * SPANS_PER_ANNOTATOR
        seed(url, documents)
        path = os.path.join(folder, f"backup-{total}.gz")
        heap = child("backup-heap", url, path)["rows"]
        for mode, target in (("backup", url), ("restore", restore_url)):
            figures = child(mode, target, path)
            rows.append(f"| {backend} | {mode} | {spans:,} | {figures['rows']:,} | "
                        f"{figures['bytes'] / 2**20:.1f} | {figures['seconds']:.1f} | "
                        f"{figures['cpu']:.1f} | {figures['before_mb']:.0f} | "
                        f"{figures['rss_mb']:.0f} | {f'{heap:.1f}' if mode == 'backup' else ''} |")
    return rows


def run() -> str:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += measure("SQLite", f"sqlite:///{folder}/source.db",
                        f"sqlite:///{folder}/restored.db", folder)
        source, restored = postgres_database(), None
        if source is not None:
            # a second database: postgres_database names by pid, so rename the first
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres",
                            "-qc", f"ALTER DATABASE {source} RENAME TO {source}_src"],
                           capture_output=True, check=True, timeout=30)
            source = f"{source}_src"
            restored = postgres_database()
            base = "postgresql+psycopg://postgres@127.0.0.1:5432/"
            try:
                rows += measure("PostgreSQL", base + source, base + restored, folder)
            finally:
                drop_postgres_database(source)
                drop_postgres_database(restored)
    load = os.getloadavg()[0]
    return "\n".join([
        "## Project backup and restore",
        "",
        "`flask backup` (app/transfer/backup.py) and `flask restore` (app/transfer/restore.py, "
        "into an empty second database) of the export benchmark's synthetic project at two "
        "sizes, each in a fresh process. `rows` counts every row of every table in the file; "
        "RSS before is the process with the app loaded, peak RSS its maximum while the command "
        "ran (Linux resets the peak counter on request); Python heap is the backup's peak of "
        "Python objects (tracemalloc, a separate run): rows are streamed with `yield_per` "
        "and written one at a time, so it does not grow with the project, and what RSS adds "
        "is the database driver's buffers. A restore holds one batch of rows and its id maps "
        "(16 bytes a row). "
        f"Load average (1 min) at the end: {load:.2f} on {os.cpu_count()} cores.",
        "",
        "| database | command | spans | rows | file MB | seconds | CPU s | RSS before MB | "
        "peak RSS MB | Python heap MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
    ] + ([] if restored else ["", "PostgreSQL: no server answered on 127.0.0.1:5432."]))
