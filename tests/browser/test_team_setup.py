"""A manager who is not a site administrator starts a team in the browser: creates a project,
invites two new annotators, each chooses a password through their link and logs in, and the
manager assigns one article to each by hand."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.settings import set_project_creation
from app.extensions import db
from app.models import Project, User
from tests.browser.helpers import unique

NEW_PASSWORD = "harbour-lights-at-dusk"


def make_project_creator(app, username: str) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        user.project_creator = True
        set_project_creation("creators")
        db.session.commit()


def invite(page, username: str) -> str:
    """Fill the Members page's invitation form; returns the one-time link shown."""
    form = page.locator("form.invite-form")
    form.locator("input[name=username]").fill(username)
    form.locator("select[name=role]").select_option("annotator")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    link = page.locator("#set-password-link").input_value()
    assert "/set-password/" in link
    return link


def test_manager_creates_invites_and_assigns(browser, live_server, live_app, open_page, seed):
    manager, first, second = unique("mgr").replace(" ", ""), unique("ann").replace(" ", ""), \
        unique("ann").replace(" ", "")
    seed.user(manager)
    make_project_creator(live_app, manager)
    name = unique("Team project")

    page = open_page(manager, "/")
    with page.expect_navigation():
        page.get_by_role("link", name="New project").click()
    page.fill("input[name=name]", name)
    with page.expect_navigation():
        page.locator("form.project-form button[type=submit]").click()
    assert "you are its manager" in page.content()
    with live_app.app_context():
        project_id = db.session.scalar(select(Project.id).where(Project.name == name))

    page.goto(f"{live_server}/projects/{project_id}/members")
    links = {first: invite(page, first)}
    page.goto(f"{live_server}/projects/{project_id}/members")
    links[second] = invite(page, second)

    for username, link in links.items():
        context = browser.new_context()
        newcomer = context.new_page()
        newcomer.goto(link)
        newcomer.fill("input[name=password]", NEW_PASSWORD)
        newcomer.fill("input[name=confirm]", NEW_PASSWORD)
        with newcomer.expect_navigation():
            newcomer.locator("button[type=submit]").click()
        assert newcomer.url.endswith("/login")
        newcomer.fill("#username", username)
        newcomer.fill("#password", NEW_PASSWORD)
        with newcomer.expect_navigation():
            newcomer.click("button[type=submit]")
        assert newcomer.url == f"{live_server}/"
        assert name in newcomer.content()
        context.close()

    documents = [seed.document(project_id, f"article-{n}", f"Article {n} says the port reopened.",
                               assign=()) for n in (1, 2)]
    page.goto(f"{live_server}/projects/{project_id}/documents")
    for document_id, username in zip(documents, (first, second), strict=True):
        page.select_option(f"#assign-{document_id}", label=username)
        with page.expect_navigation():
            page.locator(f"#document-{document_id} form.assign-one button").click()
        assert f"assigned to {username}" in page.content()
    assert seed.assignment_status(documents[0], first) == "assigned"
    assert seed.assignment_status(documents[1], second) == "assigned"
    assert seed.assignment_status(documents[0], second) is None
    assert page.js_errors == [] and page.csp_violations == []
