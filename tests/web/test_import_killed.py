"""A worker killed with SIGKILL in the middle of `flask import` leaves no partial import: the
import is one transaction, so what it wrote is never committed; the next import works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, text

from app.extensions import db
from app.models import Claimant, Document, Span, User
from tests.conftest import count_rows

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 1_500  # three batches of the importer's 500: killed as the second begins
TEXT = "The ministry said 12 people died in the north on Tuesday."


def _big_jsonl(path: Path, documents: int, prefix: str) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(documents):
            handle.write(json.dumps({
                "id": f"{prefix}-{n}", "title": f"Article {n}", "text": TEXT,
                "annotations": [{"start": 4, "end": 12, "text": TEXT[4:12],
                                 "claimant": f"Claimant {n % 50}", "annotator": "newcomer",
                                 "evidence_type": "official_statement"}]}) + "\n")
    return path


def _counts() -> dict[str, int]:
    return {name: count_rows(name) for name in (
        "documents", "spans", "claimants", "claimant_aliases", "assignments", "users",
        "project_members", "claimant_events")}


def test_a_killed_import_leaves_nothing_and_the_next_import_works(app, runner, make, tmp_path):
    make.project("Big", alice="annotator")
    before = _counts()
    marker = tmp_path / "marker"
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": "test-only-secret", "IMPORT_MARKER": str(marker)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "tests.web.import_worker:app", "import",
         "Big", str(_big_jsonl(tmp_path / "big.jsonl", DOCUMENTS, "big")), "--create-users"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert worker.poll() is None, worker.stdout.read().decode()
            assert time.monotonic() < deadline, "the import never began its second batch"
            time.sleep(0.05)
        if db.engine.dialect.name == "postgresql":  # its transaction is open, rows in it
            assert db.session.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'idle in transaction'")) >= 1
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stdout.close()

    db.session.rollback()
    assert _counts() == before
    assert db.session.scalar(select(User).where(User.username == "newcomer")) is None

    small = _big_jsonl(tmp_path / "small.jsonl", 3, "small")
    result = runner.invoke(args=["import", "Big", str(small), "--create-users"])
    assert result.exit_code == 0, result.output
    assert count_rows("documents") == 3 and count_rows("spans") == 3
    assert set(db.session.scalars(select(Document.external_id))) == {
        "small-0", "small-1", "small-2"}
    assert db.session.scalar(select(Span.text)) == TEXT[4:12]
    assert db.session.scalar(select(Claimant.name).where(Claimant.name == "Claimant 0"))
