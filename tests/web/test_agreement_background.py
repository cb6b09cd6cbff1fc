"""The dashboard never blocks on a long report: it answers at once with a progress element
while a background thread computes, the status route reports the phase, and the page then
shows the cached report. With Redis (db 5 on 127.0.0.1:6379) two app instances share the
report, its progress and its lock."""

from __future__ import annotations

import threading
import time

import pytest

from app import create_app
from app.agreement_views import service
from app.agreement_views.report_store import RedisStore
from app.extensions import db
from app.models import Project
from tests.web.test_agreement_views import agreement_project

REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.fixture
def project(make):
    return agreement_project(make)


@pytest.fixture
def gate(monkeypatch):
    """compute_report waits for the test to open the gate (a computation that takes as long
    as the test wants); counts the computations."""
    opened, calls = threading.Event(), []
    real = service.compute_report

    def slow(project, options, progress=None):
        calls.append(project.id)
        if progress is not None:
            progress("gamma samples", 0.5)
        assert opened.wait(30), "the test never opened the gate"
        return real(project, options, progress)

    monkeypatch.setattr(service, "compute_report", slow)
    return opened, calls


def wait_until(check, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_first_request_for_a_large_project_answers_at_once_with_progress(client, auth, app,
                                                                        project, gate):
    opened, calls = gate
    app.config["AGREEMENT_BACKGROUND_SPANS"] = 0  # every project counts as large
    auth.login("rui")
    started = time.monotonic()
    page = client.get(f"/projects/{project.id}/agreement")
    assert time.monotonic() - started < 5  # the foreground waits FOREGROUND_SECONDS only
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="report-progress-bar"' in html and "js/agreement.js" in html
    assert "<script>" not in html  # CSP: the polling is an ES module, no inline script
    assert "Evidence type α" not in html  # no report yet
    status = client.get(f"/projects/{project.id}/agreement/status").get_json()
    assert status["state"] == "running" and status["phase"] == "gamma samples"
    assert 0 < status["fraction"] < 1
    opened.set()
    wait_until(lambda: client.get(f"/projects/{project.id}/agreement/status")
               .get_json()["state"] == "done")
    html = client.get(f"/projects/{project.id}/agreement").get_data(as_text=True)
    assert "report-progress-bar" not in html and "γ (spans and evidence type)" in html
    assert calls == [project.id]  # polls and the page did not start a second computation


def test_the_api_still_answers_with_the_full_report_synchronously(client, auth, app, project):
    app.config["AGREEMENT_BACKGROUND_SPANS"] = 0
    auth.login("rui")
    report = client.get(f"/api/v1/projects/{project.id}/agreement").get_json()
    assert report["spans"]["gamma"]["value"] is not None and "over_time" in report


def test_status_refuses_bad_options_naming_the_field(client, auth, project):
    auth.login("rui")
    response = client.get(f"/projects/{project.id}/agreement/status?mode=fuzzy")
    assert response.status_code == 422 and response.get_json()["field"] == "mode"


def test_status_is_for_reviewers_only(client, auth, project):
    auth.login("amira")
    assert client.get(f"/projects/{project.id}/agreement/status").status_code == 403


@pytest.fixture
def redis_url():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as error:  # no server: the shared cache cannot be checked here
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    store = RedisStore(REDIS_URL)
    store.clear()
    yield REDIS_URL
    store.clear()


def test_two_app_instances_share_the_report_through_redis(app, project, redis_url, gate):
    opened, calls = gate
    opened.set()
    app.config["REDIS_URL"] = redis_url
    other = create_app({**{k: app.config[k] for k in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SERVER_NAME")},
        "REDIS_URL": redis_url})
    first = service.agreement_report(project)
    assert isinstance(service.report_store(), RedisStore)
    with other.app_context():
        shared = db.session.get(Project, project.id)
        assert service.agreement_report(shared) == first
        db.session.remove()
    assert calls == [project.id]  # computed once, by the first instance


def test_with_redis_one_instance_computes_while_the_other_waits(app, project, redis_url,
                                                               gate):
    opened, calls = gate
    app.config["REDIS_URL"] = redis_url
    other = create_app({**{k: app.config[k] for k in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SERVER_NAME")},
        "REDIS_URL": redis_url})
    results = {}

    def report_in(instance, name):
        with instance.app_context():
            results[name] = service.agreement_report(db.session.get(Project, project.id))
            db.session.remove()

    computing = threading.Thread(target=report_in, args=(other, "other"))
    computing.start()
    wait_until(lambda: calls)  # the other instance holds the Redis lock now
    key = service.cache_key(project, service.AgreementOptions())
    assert service.report_store().progress(key)["phase"] == "gamma samples"
    waiting = threading.Thread(target=report_in, args=(app, "here"))
    waiting.start()
    time.sleep(0.5)
    assert "here" not in results  # waits for the other instance instead of computing
    opened.set()
    computing.join(30)
    waiting.join(30)
    assert results["here"] == results["other"]
    assert calls == [project.id]  # one computation for both instances


def test_the_cli_progress_bar_draws_on_a_terminal_only(app, project, monkeypatch):
    import io

    from app.agreement_views import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    with cli.progress_bar() as progress:
        report = service.agreement_report(project, progress=progress)
    assert report["documents"] == 2
    drawn = terminal.getvalue()
    assert "gamma samples" in drawn and "%|" in drawn
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())  # a pipe: no bar
    with cli.progress_bar() as progress:
        assert progress is None


def test_review_queue_sorts_by_cached_gamma_and_never_waits_for_it(client, auth, app, make):
    """α puts "Strikes on the market" first (α = 0; "Quiet day" has α undefined, last), γ puts
    "Quiet day" first (one annotator marked its only claim). Before the report is cached the
    queue says γ is pending, starts the report and keeps α's order."""
    from app.agreement_views.background import is_ready

    project = agreement_project(make)
    auth.login("rui")

    def order(page: str) -> list[str]:
        titles = ("Strikes on the market", "Quiet day")
        return sorted(titles, key=lambda title: page.index(f">{title}</a>"))

    page = client.get(f"/projects/{project.id}/review?sort=gamma").get_data(as_text=True)
    assert "γ per document is not computed yet" in page
    assert order(page) == ["Strikes on the market", "Quiet day"]  # α's order meanwhile
    wait_until(lambda: is_ready(project, service.AgreementOptions()))  # started by the queue
    gammas = {d["title"]: d["gamma"] for d in service.agreement_report(project)["per_document"]}
    assert gammas["Quiet day"] < gammas["Strikes on the market"]
    page = client.get(f"/projects/{project.id}/review?sort=gamma").get_data(as_text=True)
    assert "not computed yet" not in page and '<th scope="col">γ</th>' in page
    assert order(page) == ["Quiet day", "Strikes on the market"]
    assert f"{gammas['Quiet day']:.3f}" in page
    page = client.get(f"/projects/{project.id}/review").get_data(as_text=True)
    assert order(page) == ["Strikes on the market", "Quiet day"]


def test_review_queue_refuses_an_unknown_sort(client, auth, project):
    auth.login("rui")
    response = client.get(f"/projects/{project.id}/review?sort=beta")
    assert response.status_code == 422 and "sort" in response.get_data(as_text=True)
