"""The agreement dashboard page: who may see it, what it shows, and how it copes with little data.

`agreement_project` builds the data the API and CLI tests use too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import pytest

from app.agreement_views.svg import kappa_heatmap
from app.extensions import db
from app.models import Assignment, Document, User

TEXT = ("The ministry said 12 people died. Rescuers said 23 bodies were found. "
        "A witness saw two flashes.")


def _offsets(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def agreement_project(make):
    """amira and bruno submitted two documents and disagree on one span's boundary and type;
    chen is still working (in progress) and marked something else entirely."""
    for name in ("bruno", "chen"):  # never log in: no password, no slow password hashing
        make.user(name, password=None)
    project = make.project("Agreement test", amira="annotator", bruno="annotator",
                           chen="annotator", rui="reviewer", maria="manager")
    ministry = make.claimant(project, "Ministry of Health")
    rescuers = make.claimant(project, "Red Valley Rescue", "ngo")
    users = {name: db.session.query(User).filter_by(username=name).one()
             for name in ("amira", "bruno", "chen")}
    first = make.document(project, TEXT, title="Strikes on the market",
                          assign=("amira", "bruno"), status="submitted")
    second = make.document(project, TEXT, title="Quiet day", assign=("amira", "bruno"),
                           status="submitted")
    db.session.add(Assignment(document=first, annotator=users["chen"], status="in_progress"))
    db.session.commit()
    ministry_span = _offsets(TEXT, "The ministry said 12 people died.")
    rescue_span = _offsets(TEXT, "Rescuers said 23 bodies were found.")
    for name in ("amira", "bruno"):
        make.span(first, users[name], *ministry_span, ministry, "official_statement")
    make.span(first, users["amira"], *rescue_span, rescuers, "official_statement")
    make.span(first, users["bruno"], rescue_span[0], rescue_span[1] - 12, rescuers, "eyewitness")
    make.span(first, users["chen"], *_offsets(TEXT, "A witness saw two flashes."), rescuers,
              "hearsay")
    make.span(second, users["amira"], *ministry_span, ministry, "statistics")
    project.touch()
    db.session.commit()
    return project


@pytest.fixture
def project(make):
    return agreement_project(make)


def dashboard_url(project, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/projects/{project.id}/agreement" + (f"?{query}" if query else "")


def test_anonymous_visitors_are_sent_to_log_in(client, project):
    response = client.get(dashboard_url(project))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_only_reviewers_and_managers_see_the_page(client, auth, make, project, subtests):
    make.user("stranger")
    # Annotators: 403 (blindness); outsiders: 404 (the project's existence is not revealed).
    for username, status in (("amira", 403), ("stranger", 404), ("rui", 200), ("maria", 200)):
        with subtests.test(username=username):
            auth.login(username)
            assert client.get(dashboard_url(project)).status_code == status
            auth.logout()


def test_the_page_shows_every_figure_and_its_band(client, auth, project):
    auth.login("rui")
    response = client.get(dashboard_url(project))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for heading in ("Evidence type α", "Claimant α", "Unitizing α_U", "Span F1 (overlap)",
                    "Span F1 (exact)", "By evidence type", "By document, worst first",
                    "Kinds of disagreement", "By annotator"):
        assert heading in page
    assert "reliable α ≥ 0.800" in page and "0.667" in page  # the thresholds are shown
    assert page.count('class="kappa-heatmap"') == 1
    assert "amira and bruno: Cohen" in page
    assert "Official statement" in page  # evidence types by their names in the scheme
    assert 'aria-current="page">Agreement</a>' in page  # the project's tabs, this one current


def test_document_titles_link_to_where_the_document_can_be_reviewed(app, client, auth, project):
    from flask import url_for

    auth.login("rui")
    page = client.get(dashboard_url(project)).get_data(as_text=True)
    document = db.session.query(Document).filter_by(title="Quiet day").one()
    if "review.document" in app.view_functions:
        target = url_for("review.document", document_id=document.id, _external=False)
    else:  # no review pages yet: the project's documents list
        target = url_for("projects.documents", project_id=project.id, _external=False)
    assert f'<a href="{target}">Quiet day</a>' in page


def test_only_submitted_work_counts_on_the_page(client, auth, project):
    auth.login("rui")
    page = client.get(dashboard_url(project)).get_data(as_text=True)
    assert "2 annotators" in page
    assert "chen and" not in page and "and chen" not in page  # not in the heatmap
    page = client.get(dashboard_url(project, include_unsubmitted="1")).get_data(as_text=True)
    assert "3 annotators" in page
    assert "amira and chen: Cohen" in page


def test_documents_are_listed_worst_first_as_in_the_report(client, auth, project):
    from app.agreement_views.service import AgreementOptions, agreement_report

    order = [d["title"] for d in agreement_report(project, AgreementOptions())["per_document"]]
    auth.login("rui")
    page = client.get(dashboard_url(project)).get_data(as_text=True)
    table = page[page.index("By document, worst first"):]
    positions = [table.index(title) for title in order]
    assert positions == sorted(positions) and len(order) == 2


def test_long_document_lists_are_cut_with_a_link_to_the_full_report(client, auth, project,
                                                                    monkeypatch):
    monkeypatch.setattr("app.agreement_views.routes.DOCUMENT_ROWS", 1)
    auth.login("rui")
    page = client.get(dashboard_url(project, annotators="amira&annotators=bruno")).get_data(
        as_text=True)
    assert "Showing the 1 worst of 2 documents" in page
    assert (f'href="/api/v1/projects/{project.id}/agreement?annotators=amira&amp;'
            'annotators=bruno"') in page
    table = page[page.index("By document, worst first"):page.index("By annotator")]
    assert table.count('<th scope="row">') == 1


def test_mode_and_annotator_choices_come_back_selected(client, auth, project):
    auth.login("rui")
    page = client.get(dashboard_url(project, mode="exact", annotators="amira,bruno")).get_data(
        as_text=True)
    assert re.search(r'<option value="exact" selected>', page)
    assert "exact matching" in page
    assert re.search(r'value="amira" checked', page)
    assert re.search(r'value="chen">', page)  # offered, not chosen


def test_bad_choices_answer_422_naming_the_field(client, auth, project, subtests):
    auth.login("rui")
    for params, field in (({"mode": "fuzzy"}, "mode"),
                          ({"annotators": "amira,nobody"}, "annotators"),
                          ({"documents": "abc"}, "documents")):
        with subtests.test(field=field):
            response = client.get(dashboard_url(project, **params))
            assert response.status_code == 422
            assert f"(field “{field}”)" in response.get_data(as_text=True)


def test_a_project_without_submitted_work_renders_dashes(client, auth, make):
    project = make.project("Empty", amira="annotator", rui="reviewer")
    make.document(project, TEXT, assign=("amira",), status="in_progress")
    auth.login("rui")
    response = client.get(dashboard_url(project))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not enough data" in page and "No submitted work counts so far" in page
    assert re.search(r'<p class="value">—</p>', page)
    assert 'class="kappa-heatmap"' not in page


def test_a_project_with_one_annotator_renders_dashes(client, auth, make):
    project = make.project("Solo", amira="annotator", rui="reviewer")
    document = make.document(project, TEXT, assign=("amira",), status="submitted")
    make.span(document, db.session.query(User).filter_by(username="amira").one(), 0, 12)
    auth.login("rui")
    page = client.get(dashboard_url(project)).get_data(as_text=True)
    assert "Only amira's work counts here" in page
    assert page.count('<p class="value">—</p>') >= 3  # the alphas are undefined


def test_usernames_are_escaped_in_the_heatmap(client, auth, make):
    project = make.project("Escaping", amira="annotator", rui="reviewer")
    bold = make.user("<b>bold</b>")
    from app.projects.service import set_member

    set_member(project, bold, "annotator")
    document = make.document(project, TEXT, assign=("amira", "<b>bold</b>"), status="submitted")
    make.span(document, bold, 0, 12)
    auth.login("rui")
    page = client.get(dashboard_url(project)).get_data(as_text=True)
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    svg = page[page.index("<svg class=\"kappa-heatmap\""):]
    ElementTree.fromstring(svg[: svg.index("</svg>") + 6])  # well-formed XML


def test_heatmap_is_well_formed_svg_with_a_title_per_cell():
    svg = str(kappa_heatmap(["a&b", "<i>", "c"], {"a&b/<i>": 0.5, "<i>/c": -0.25}))
    root = ElementTree.fromstring(svg)
    namespace = "{http://www.w3.org/2000/svg}"
    titles = [t.text for t in root.iter(f"{namespace}title")]
    assert "a&b and <i>: Cohen's kappa 0.500" in titles
    assert "<i> and c: Cohen's kappa -0.250" in titles
    assert "a&b and c: Cohen's kappa —" in titles  # an undefined pair says so
    cells = [t.text for t in root.iter(f"{namespace}text") if t.text and t.text[0] in "-0—"]
    assert cells.count("0.50") == 2 and cells.count("-0.25") == 2


def test_help_page_explains_the_figures(client, auth, project):
    auth.login("rui")
    page = client.get("/help/agreement").get_data(as_text=True)
    assert "Krippendorff" in page and "reliable" in page
