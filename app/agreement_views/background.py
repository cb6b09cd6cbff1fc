"""The dashboard never waits long for a report: a large project's report is computed in a
background thread while the page shows its progress.

`dashboard_report(project, options)` answers (report, None) when the report is cached, small
(fewer than AGREEMENT_BACKGROUND_SPANS spans: computed in the request) or done within
FOREGROUND_SECONDS; otherwise (None, progress) while a thread computes it. The page polls
`report_status` (the progress route) until it says "done", then loads again and finds the
report cached. The thread calls the same `agreement_report` as the API, so the one-computation-
per-key lock (a Redis lock with REDIS_URL, a process lock otherwise) covers all three; with
Redis, the progress is shared too, so any worker answers the polls.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from flask import current_app
from sqlalchemy import func, select

from app.agreement_views.report_store import LOCK_SECONDS
from app.agreement_views.service import (
    AgreementOptions,
    agreement_report,
    cache_key,
    check_options,
    report_store,
)
from app.extensions import db
from app.models import Document, Project, Span

FOREGROUND_SECONDS = 1.0  # the request waits this long for a fresh background computation
DEFAULT_BACKGROUND_SPANS = 5000  # fewer spans: the report takes well under a second


def dashboard_report(project: Project, options: AgreementOptions
                     ) -> tuple[dict | None, dict | None]:
    """(report, None), or (None, progress) while a background thread computes the report."""
    check_options(project, options)
    if is_ready(project, options) or is_small(project):
        return agreement_report(project, options), None
    thread = start_computing(project, options)
    if thread is not None:
        thread.join(FOREGROUND_SECONDS)
    if is_ready(project, options):
        return agreement_report(project, options), None
    return None, report_status(project, options, start=False)


def report_status(project: Project, options: AgreementOptions, *, start: bool = True) -> dict:
    """{"state": "done" | "running" | "failed", "phase", "fraction", "message"} for the
    report these options ask for; starts a computation when none runs (start=True)."""
    check_options(project, options)
    if is_ready(project, options):
        return {"state": "done", "phase": None, "fraction": 1.0, "message": ""}
    entry = report_store().progress(cache_key(project, options)) or {}
    state = entry.get("state")
    stale = state == "running" and time.time() - entry.get("started", 0) > LOCK_SECONDS
    if start and (state not in ("running",) or stale) and state != "failed":
        start_computing(project, options)
        entry = {"state": "running", "phase": None, "fraction": 0.0}
    return {"state": entry.get("state") or "running", "phase": entry.get("phase"),
            "fraction": float(entry.get("fraction") or 0.0),
            "message": entry.get("message") or ""}


def is_ready(project: Project, options: AgreementOptions) -> bool:
    """The report (and, where the project asks for it, its same-organisation twin) is cached."""
    store = report_store()
    keys = [cache_key(project, options)]
    if project.claimants_agree_by_root and not options.claimants_by_root:
        keys.append(cache_key(project, dataclasses.replace(options, claimants_by_root=True)))
    return all(store.get(key) is not None for key in keys)


def is_small(project: Project) -> bool:
    limit = current_app.config.get("AGREEMENT_BACKGROUND_SPANS", DEFAULT_BACKGROUND_SPANS)
    spans = db.session.scalar(select(func.count(Span.id)).join(Document)
                              .where(Document.project_id == project.id))
    return spans < limit


def start_default_report(project: Project) -> None:
    """Start computing the dashboard's default report unless it is cached or running (the
    review queue asks for it when sorted by γ)."""
    report_status(project, AgreementOptions())


def start_computing(project: Project, options: AgreementOptions) -> threading.Thread | None:
    """A background thread computing the report, unless this process already runs one for
    the same key (the lock keeps other processes from computing it twice)."""
    key = cache_key(project, options)
    app = current_app._get_current_object()
    threads = app.extensions.setdefault("credence_agreement_threads", {})
    guard = app.extensions.setdefault("credence_agreement_threads_guard", threading.Lock())
    with guard:
        running = threads.get(key)
        if running is not None and running.is_alive():
            return running
        thread = threading.Thread(target=_compute_in_background, name=f"agreement {key}",
                                  args=(app, project.id, options), daemon=True)
        threads[key] = thread
        thread.start()
    return thread


def _compute_in_background(app, project_id: int, options: AgreementOptions) -> None:
    with app.app_context():
        try:
            project = db.session.get(Project, project_id)
            if project is not None:
                agreement_report(project, options)
        except Exception:  # recorded as "failed" in the progress; the page says so
            app.logger.exception("agreement report for project %s failed", project_id)
        finally:
            db.session.remove()
