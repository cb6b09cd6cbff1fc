"""The annotation pages through the test client: who may open them, what they show."""

from __future__ import annotations

import json
import re
from html import unescape

from app.annotate.routes import text_as_html, text_survives_html
from app.extensions import db
from app.models import Assignment


def page_config(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="annotate-config">(.*?)</script>', html, re.S
    )
    assert match, "no page configuration in the page"
    return json.loads(match.group(1))


def document_text_element(html: str) -> str:
    match = re.search(r'<div id="doc-text"[^>]*>(.*?)</div>', html, re.S)
    assert match, "no document text in the page"
    return match.group(1)


def test_anonymous_visitor_is_sent_to_login(client, make):
    project = make.project("P", alice="annotator")
    document = make.document(project, assign=("alice",))
    for url in (f"/annotate/documents/{document.id}", f"/projects/{project.id}/my-work"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_outsider_gets_404_for_document_my_work_and_scheme(client, auth, make):
    project = make.project("P", alice="annotator")
    make.user("mallory")
    document = make.document(project, assign=("alice",))
    auth.login("mallory")
    assert client.get(f"/annotate/documents/{document.id}").status_code == 404
    assert client.get(f"/projects/{project.id}/my-work").status_code == 404
    assert client.get(f"/annotate/projects/{project.id}/scheme.css").status_code == 404


def test_unassigned_annotator_gets_403(client, auth, make):
    project = make.project("P", alice="annotator", bob="annotator")
    document = make.document(project, assign=("alice",))
    auth.login("bob")
    response = client.get(f"/annotate/documents/{document.id}")
    assert response.status_code == 403
    assert "not assigned to you" in response.get_data(as_text=True)


def test_missing_document_is_404(client, auth, make):
    make.project("P", alice="annotator")
    auth.login("alice")
    assert client.get("/annotate/documents/999999").status_code == 404


def test_document_text_is_escaped_not_html(client, auth, make):
    project = make.project("P", alice="annotator")
    text = 'He wrote <script>alert("x")</script> & <b>left</b>.'
    document = make.document(project, text, assign=("alice",))
    auth.login("alice")
    html = client.get(f"/annotate/documents/{document.id}").get_data(as_text=True)
    shown = document_text_element(html)
    assert "<script>" not in shown and "<b>" not in shown
    assert "&lt;script&gt;" in shown
    assert unescape(shown) == text
    # The JSON block must not be closable by the text either.
    assert html.count("</script>") == html.count("<script")
    # Sent once: the script reads the text back from #doc-text.
    assert page_config(html)["text"] is None
    assert html.count("&lt;b&gt;left&lt;/b&gt;") == 1


def test_annotator_page_config_points_at_own_spans_and_is_editable(client, auth, make):
    project = make.project("P", alice="annotator")
    document = make.document(project, "Zoë said 😀 hi.", assign=("alice",))
    auth.login("alice")
    html = client.get(f"/annotate/documents/{document.id}").get_data(as_text=True)
    config = page_config(html)
    assert config["readOnly"] is False
    assert config["urls"]["spans"] == f"/api/v1/documents/{document.id}/spans"
    assert unescape(document_text_element(html)) == "Zoë said 😀 hi."
    assert config["snapToWords"] is True
    assert [t["key"] for t in config["scheme"]["evidence_types"]][0] == "official_statement"
    assert 'id="submit-button"' in html
    assert 'id="readonly-banner" class="banner" role="note" hidden' in html


def test_submitted_document_is_read_only_with_banner(client, auth, make):
    project = make.project("P", alice="annotator")
    document = make.document(project, assign=("alice",), status="submitted")
    auth.login("alice")
    html = client.get(f"/annotate/documents/{document.id}").get_data(as_text=True)
    assert page_config(html)["readOnly"] is True
    assert 'id="submit-button"' not in html
    assert "You have submitted this document" in html


def test_reviewer_sees_text_read_only_without_annotators_spans(client, auth, make):
    project = make.project("P", alice="annotator", rev="reviewer")
    document = make.document(project, assign=("alice",))
    auth.login("rev")
    response = client.get(f"/annotate/documents/{document.id}")
    assert response.status_code == 200
    config = page_config(response.get_data(as_text=True))
    assert config["readOnly"] is True
    assert config["urls"]["spans"] is None  # blind: no one else's annotation is fetched


def test_assigned_manager_loads_only_own_spans(client, auth, make):
    project = make.project("P", boss="manager")
    document = make.document(project, assign=("boss",))
    auth.login("boss")
    config = page_config(client.get(f"/annotate/documents/{document.id}").get_data(as_text=True))
    assert config["readOnly"] is False
    assert config["urls"]["spans"].endswith("/spans?annotator=boss")


def test_guidelines_are_rendered_as_safe_markdown(client, auth, make):
    project = make.project("P", alice="annotator")
    project.guidelines = "# Rules\n\nMark **claims**. <img src=x onerror=alert(1)>"
    db.session.commit()
    document = make.document(project, assign=("alice",))
    auth.login("alice")
    html = client.get(f"/annotate/documents/{document.id}").get_data(as_text=True)
    assert "<strong>claims</strong>" in html
    assert "<img" not in html and "&lt;img" in html
    assert "Official statement" in html and "Rule:" in html


def test_scheme_css_gives_each_evidence_type_its_colour(client, auth, make):
    project = make.project("P", alice="annotator")
    auth.login("alice")
    response = client.get(f"/annotate/projects/{project.id}/scheme.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert ".et-official_statement { --et-colour: #77aadd; }" in css
    assert ".l2-eyewitness { --l2: #ee8866; }" in css


def test_my_work_lists_only_my_documents_with_status_and_next(client, auth, make):
    project = make.project("P", alice="annotator", bob="annotator")
    mine = make.document(project, title="Flood report", assign=("alice",))
    done = make.document(project, title="Quake report", assign=("alice",), status="submitted")
    make.document(project, title="Bob only", assign=("bob",))
    alice = db.session.query(Assignment).filter_by(document_id=mine.id).one().annotator
    make.span(mine, alice, 4, 12)
    auth.login("alice")
    response = client.get(f"/projects/{project.id}/my-work")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Flood report" in html and "Quake report" in html
    assert "Bob only" not in html
    assert "1 of 2 submitted" in html
    assert re.search(
        rf'id="next-unfinished" href="/annotate/documents/{mine.id}"', html
    ), "the next unfinished document is the unsubmitted one"
    assert f'href="/annotate/documents/{done.id}"' in html


def test_my_work_says_when_all_is_submitted(client, auth, make):
    project = make.project("P", alice="annotator")
    make.document(project, title="Only", assign=("alice",), status="submitted")
    auth.login("alice")
    html = client.get(f"/projects/{project.id}/my-work").get_data(as_text=True)
    assert 'id="next-unfinished"' not in html
    assert "All done" in html


def test_large_article_is_sent_once(client, auth, make):
    project = make.project("P", alice="annotator")
    paragraph = "The ministry said 12 people died; rescuers said 40. " * 20 + "\n\n"
    text = paragraph * (1_000_000 // len(paragraph))
    document = make.document(project, text, assign=("alice",))
    auth.login("alice")
    html = client.get(f"/annotate/documents/{document.id}").get_data(as_text=True)
    assert unescape(document_text_element(html)) == text
    assert html.count(paragraph) == len(text) // len(paragraph)  # the text once, no more
    assert len(html) < len(text) + 100_000  # the page around the text is ~20 kB


def test_lone_carriage_return_survives_the_html_parser(client, auth, make):
    project = make.project("P", alice="annotator")
    text = "Old mac line\rend; a tab\there."
    document = make.document(project, text, assign=("alice",))
    auth.login("alice")
    html = client.get(f"/annotate/documents/{document.id}").get_data(as_text=True)
    shown = document_text_element(html)
    # A raw CR would reach the DOM as LF; a character reference stays a CR.
    assert "\r" not in shown and "line&#13;end" in shown
    assert unescape(shown) == text
    assert page_config(html)["text"] is None


def test_text_with_nul_goes_in_the_json_too():
    # The HTML parser drops NUL characters from the body, so the DOM cannot carry such a text.
    assert text_survives_html("a\tb\rc\u00a0d\U0001F600") is True
    assert text_survives_html("a\0b") is False
    assert str(text_as_html('<a href="x">&\r')) == "&lt;a href=&#34;x&#34;&gt;&amp;&#13;"


def test_next_step_link_waits_for_the_submit(client, auth, make):
    project = make.project("P", alice="annotator")
    first = make.document(project, assign=("alice",))
    second = make.document(project, assign=("alice",))
    auth.login("alice")
    html = client.get(f"/annotate/documents/{first.id}").get_data(as_text=True)
    link = re.search(r'<a id="next-step"[^>]*>([^<]*)</a>', html)
    assert link and link.group(1) == "Next unfinished"
    assert " hidden" in link.group(0)  # shown by the script once the document is submitted
    assert f'href="/projects/{project.id}/next-unfinished"' in link.group(0)
    # The banner's text after a submit is the one a reload shows.
    db.session.query(Assignment).filter_by(document_id=first.id).update({"status": "submitted"})
    db.session.commit()
    html = client.get(f"/annotate/documents/{first.id}").get_data(as_text=True)
    banner = re.search(r'<p id="readonly-banner"[^>]*data-submitted-note="([^"]*)">([^<]*)</p>',
                       html)
    assert banner and unescape(banner.group(1)) == unescape(banner.group(2))
    assert 'id="next-step" class="button primary" href' in html and "hidden>Next" not in html
    # Nothing else left to do: the link leads back to My work.
    db.session.query(Assignment).filter_by(document_id=second.id).update({"status": "submitted"})
    db.session.commit()
    html = client.get(f"/annotate/documents/{first.id}").get_data(as_text=True)
    link = re.search(r'<a id="next-step"[^>]*>([^<]*)</a>', html)
    assert link.group(1) == "Back to My work"
    assert f'href="/projects/{project.id}/my-work"' in link.group(0)


def test_next_unfinished_redirects_to_the_next_document_or_my_work(client, auth, make):
    project = make.project("P", alice="annotator", bob="annotator")
    make.document(project, assign=("alice",), status="submitted")
    later = make.document(project, assign=("alice",))
    started = make.document(project, assign=("alice",), status="in_progress")
    make.document(project, assign=("bob",))
    auth.login("alice")
    response = client.get(f"/projects/{project.id}/next-unfinished")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/annotate/documents/{started.id}")
    for document in (later, started):
        db.session.query(Assignment).filter_by(document_id=document.id).update(
            {"status": "submitted"})
    db.session.commit()
    response = client.get(f"/projects/{project.id}/next-unfinished", follow_redirects=True)
    assert response.request.path == f"/projects/{project.id}/my-work"
    assert "All your documents in this project are submitted" in response.get_data(as_text=True)


def test_next_unfinished_is_for_members_only(client, auth, make):
    project = make.project("P", alice="annotator")
    make.user("mallory")
    auth.login("mallory")
    assert client.get(f"/projects/{project.id}/next-unfinished").status_code == 404
