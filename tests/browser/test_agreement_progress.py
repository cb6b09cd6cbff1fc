"""The agreement dashboard of a large project: the first visit shows a progress bar while the
report is computed in the background; the page's module polls the status and shows the
report when it is ready, under the site's Content-Security-Policy."""

from __future__ import annotations

import threading

import pytest

from app.agreement_views import service
from tests.browser.helpers import unique

TEXT = "The ministry said 12 people died. Rescuers said 23 bodies were found."


@pytest.fixture
def gated_report(monkeypatch, live_app):
    """The live server's report computation waits until the test opens the gate."""
    opened = threading.Event()
    real = service.compute_report

    def slow(project, options, progress=None):
        if progress is not None:
            progress("gamma samples", 0.4)
        opened.wait(20)
        return real(project, options, progress)

    monkeypatch.setattr(service, "compute_report", slow)
    monkeypatch.setitem(live_app.config, "AGREEMENT_BACKGROUND_SPANS", 0)
    return opened


def test_dashboard_shows_progress_then_the_report(open_page, seed, gated_report):
    seeded = seed.project(unique("Progress"), {"pg_boss": "manager", "pg_a": "annotator",
                                               "pg_b": "annotator"}, TEXT, assign=())
    document = seed.document(seeded.project_id, "doc-2", TEXT, assign=("pg_a", "pg_b"),
                             submitted=True)
    claimant = seed.claimant(seeded.project_id, "Ministry")
    seed.span(document, "pg_a", 4, 12, claimant)
    seed.span(document, "pg_b", 4, 12, claimant, "statistics")
    page = open_page("pg_boss", f"/projects/{seeded.project_id}/agreement")
    page.wait_for_selector("#report-progress-bar")
    page.wait_for_function(
        "() => document.getElementById('report-progress-phase').textContent.includes('γ')")
    assert float(page.get_attribute("#report-progress-bar", "value")) > 0
    gated_report.set()
    page.wait_for_selector("#labels-heading", timeout=15000)  # reloaded with the report
    assert page.locator("#report-progress-bar").count() == 0
    assert page.js_errors == []
