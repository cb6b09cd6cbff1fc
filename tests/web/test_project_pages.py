"""The project pages: permissions, settings and scheme, members, uploads, assignments, progress."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

import pytest
from flask import url_for
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Assignment, Document, Project, ProjectMember, User
from app.projects.service import set_member
from app.scheme import default_scheme
from tests.conftest import count_rows, csrf_token_from
from tests.factories import PASSWORD

TEXT = "The ministry said 12 people died."


# One cheap hash for every test user: scrypt per user would dominate the run time.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def add_users(*usernames: str, admin: bool = False) -> list[User]:
    users = [User(username=name, display_name=name, password_hash=FAST_HASH, is_admin=admin)
             for name in usernames]
    db.session.add_all(users)
    db.session.commit()
    return users


@pytest.fixture
def project(make):
    add_users("boss", "rev", "alice", "bob", "outsider")
    add_users("root", admin=True)
    return make.project("Floods", boss="manager", rev="reviewer", alice="annotator",
                        bob="annotator")


def pages(project_id: int) -> dict[str, str]:
    base = f"/projects/{project_id}"
    return {"show": base, "edit": f"{base}/edit", "members": f"{base}/members",
            "upload": f"{base}/upload", "documents": f"{base}/documents",
            "progress": f"{base}/progress"}


class TableReader(HTMLParser):
    """The cell texts of each row of the tables whose class contains `table_class`."""

    def __init__(self, table_class: str):
        super().__init__()
        self.table_class, self.inside, self.rows, self.cell = table_class, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and self.table_class in (dict(attrs).get("class") or ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_rows(html: str, table_class: str) -> list[list[str]]:
    reader = TableReader(table_class)
    reader.feed(html)
    return reader.rows


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


# --- permissions -----------------------------------------------------------------------------

ROLE_NEEDED = {"show": "annotator", "documents": "reviewer", "edit": "manager",
               "members": "manager", "upload": "manager", "progress": "manager"}
RANK = {"annotator": 1, "reviewer": 2, "manager": 3}


@pytest.mark.parametrize("page", sorted(ROLE_NEEDED))
def test_anonymous_visitors_are_sent_to_login(client, project, page):
    response = client.get(pages(project.id)[page])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/projects/")


@pytest.mark.parametrize("page", sorted(ROLE_NEEDED))
@pytest.mark.parametrize("username,role", [("alice", "annotator"), ("rev", "reviewer"),
                                           ("boss", "manager"), ("root", "manager")])
def test_each_page_needs_its_role(client, auth, project, page, username, role):
    auth.login(username)
    response = client.get(pages(project.id)[page])
    assert response.status_code == (200 if RANK[role] >= RANK[ROLE_NEEDED[page]] else 403)


@pytest.mark.parametrize("page", sorted(ROLE_NEEDED))
def test_outsiders_do_not_learn_the_project_exists(client, auth, project, page):
    auth.login("outsider")
    assert client.get(pages(project.id)[page]).status_code == 404


@pytest.mark.parametrize("path,data", [
    ("edit", {"name": "X"}), ("members", {"username": "outsider", "role": "manager"}),
    ("members/1/role", {"role": "manager"}), ("members/1/remove", {}), ("assign", {}),
    ("assignments/1/reopen", {}), ("upload", {}),
])
def test_annotators_cannot_post_to_manager_actions(client, auth, project, path, data):
    auth.login("alice")
    response = client.post(f"/projects/{project.id}/{path}", data=data)
    assert response.status_code == 403
    assert count_rows("project_members") == 4


def test_only_site_admins_create_projects(client, auth, project):
    assert client.get("/projects/new").status_code == 302
    auth.login("boss")
    assert client.get("/projects/new").status_code == 403
    assert client.post("/projects/new", data={"name": "Mine"}).status_code == 403
    assert count_rows("projects") == 1


def test_show_page_links_only_what_the_role_allows(client, auth, project):
    auth.login("alice")
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"/projects/{project.id}/members" not in html
    assert f"/projects/{project.id}/documents" not in html
    auth.logout()
    auth.login("boss")
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    for page in ("edit", "members", "upload", "documents", "progress"):
        assert pages(project.id)[page] in html


# --- create and edit -------------------------------------------------------------------------


def project_form(**changes) -> dict:
    data = {"name": "Elections", "description": "Vote counts", "guidelines": "Mark **claims**.",
            "annotators_per_document": "3", "snap_to_words": "y",
            "scheme": json.dumps(default_scheme().to_dict())}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_creates_a_project_and_becomes_its_manager(client, auth, project):
    auth.login("root")
    response = client.post("/projects/new", data=project_form(snap_to_words=None))
    created = db.session.query(Project).filter_by(name="Elections").one()
    assert response.headers["Location"] == f"/projects/{created.id}"
    assert (created.annotators_per_document, created.snap_to_words) == (3, False)
    assert created.scheme == default_scheme().to_dict()
    assert [(m.user.username, m.role) for m in created.members] == [("root", "manager")]
    html = client.get(f"/projects/{created.id}").get_data(as_text=True)
    assert "Mark <strong>claims</strong>." in html


@pytest.mark.parametrize("scheme,message", [
    ("{not json", "not valid JSON"),
    (json.dumps({"evidence_types": []}), 'field &#34;evidence_types&#34;: must be a non-empty'),
    (json.dumps({"evidence_types": [{"key": "a", "name": "A", "colour": "red"}]}),
     'field &#34;evidence_types[0].colour&#34;'),
])
def test_a_bad_scheme_is_refused_naming_the_field(client, auth, project, scheme, message):
    auth.login("root")
    response = client.post("/projects/new", data=project_form(scheme=scheme))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_rows("projects") == 1


def test_a_duplicate_project_name_is_refused(client, auth, project):
    auth.login("root")
    response = client.post("/projects/new", data=project_form(name="Floods"))
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert count_rows("projects") == 1


def test_manager_edits_settings_and_guidelines_render_safely(client, auth, project):
    auth.login("boss")
    form = project_form(name="Floods 2024", guidelines="# Rules\n<script>x()</script>")
    assert client.post(f"/projects/{project.id}/edit", data=form).status_code == 302
    edited = fresh(Project, project.id)
    assert (edited.name, edited.annotators_per_document) == ("Floods 2024", 3)
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "<h1>Rules</h1>" in html and "<script>x()" not in html


def test_a_bad_scheme_on_edit_changes_nothing(client, auth, project):
    auth.login("boss")
    scheme = default_scheme().to_dict()
    scheme["evidence_types"][1]["hotkey"] = scheme["evidence_types"][0]["hotkey"]
    response = client.post(f"/projects/{project.id}/edit",
                           data=project_form(name="Renamed", scheme=json.dumps(scheme)))
    assert response.status_code == 422
    assert "evidence_types[1].hotkey" in response.get_data(as_text=True)
    assert fresh(Project, project.id).name == "Floods"


def scheme_without(evidence: str | None = None, claimant_type: str | None = None) -> str:
    scheme = default_scheme().to_dict()
    scheme["evidence_types"] = [e for e in scheme["evidence_types"] if e["key"] != evidence]
    scheme["claimant_types"] = [c for c in scheme["claimant_types"] if c["key"] != claimant_type]
    return json.dumps(scheme)


def test_evidence_and_claimant_types_in_use_cannot_be_removed(client, auth, make, project):
    document = make.document(project, TEXT, assign=("alice",))
    alice = db.session.query(User).filter_by(username="alice").one()
    make.span(document, alice, 4, 12, make.claimant(project, "Ministry", "government"),
              evidence_type="statistics")
    auth.login("boss")
    url = f"/projects/{project.id}/edit"
    response = client.post(url, data=project_form(scheme=scheme_without("statistics")))
    assert response.status_code == 422
    assert "evidence type &#39;statistics&#39; cannot be removed: 1 annotation(s)" in \
        response.get_data(as_text=True)
    response = client.post(url, data=project_form(scheme=scheme_without(None, "government")))
    assert "claimant type &#39;government&#39; cannot be removed" in \
        response.get_data(as_text=True)
    assert fresh(Project, project.id).scheme == default_scheme().to_dict()
    # A type nobody uses may go.
    assert client.post(url, data=project_form(scheme=scheme_without("hearsay"))).status_code == 302
    keys = [e["key"] for e in fresh(Project, project.id).scheme["evidence_types"]]
    assert "hearsay" not in keys and "statistics" in keys


# --- members ---------------------------------------------------------------------------------


def roles(project) -> dict[str, str]:
    db.session.expire_all()
    return {m.user.username: m.role for m in
            db.session.query(ProjectMember).filter_by(project_id=project.id)}


def user_id(username: str) -> int:
    return db.session.query(User).filter_by(username=username).one().id


def test_manager_adds_a_member_and_changes_their_role(client, auth, project):
    auth.login("boss")
    url = f"/projects/{project.id}/members"
    assert client.post(url, data={"username": "outsider", "role": "reviewer"}).status_code == 302
    assert roles(project)["outsider"] == "reviewer"
    response = client.post(f"{url}/{user_id('outsider')}/role", data={"role": "annotator"})
    assert response.status_code == 302
    assert roles(project)["outsider"] == "annotator"
    assert "outsider" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("username,message", [("nobody", "no user named &#39;nobody&#39;"),
                                              ("alice", "alice is already a member")])
def test_adding_an_unknown_user_or_a_member_is_a_form_error(client, auth, project, username,
                                                            message):
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/members",
                           data={"username": username, "role": "manager"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert roles(project)["alice"] == "annotator" and len(roles(project)) == 4


def test_the_last_manager_can_be_neither_demoted_nor_removed(client, auth, project):
    auth.login("boss")
    url = f"/projects/{project.id}/members/{user_id('boss')}"
    response = client.post(f"{url}/role", data={"role": "reviewer"})
    assert response.status_code == 409
    assert "last manager" in response.get_data(as_text=True)
    assert client.post(f"{url}/remove").status_code == 409
    assert roles(project)["boss"] == "manager"
    # With a second manager the first may go.
    client.post(f"/projects/{project.id}/members/{user_id('rev')}/role", data={"role": "manager"})
    assert client.post(f"{url}/remove").status_code == 302
    assert "boss" not in roles(project)


def test_removing_a_member_keeps_their_work(client, auth, make, project):
    document = make.document(project, TEXT, assign=("alice",))
    make.span(document, db.session.query(User).filter_by(username="alice").one(), 4, 12)
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/members/{user_id('alice')}/remove")
    assert response.status_code == 302
    assert "alice" not in roles(project)
    assert (count_rows("spans"), count_rows("assignments")) == (1, 1)
    assert client.post(f"/projects/{project.id}/members/{user_id('outsider')}/remove"
                       ).status_code == 404


# --- upload ----------------------------------------------------------------------------------

TABLES = ("documents", "spans", "claimants", "assignments", "users", "project_members")


def row_counts() -> dict[str, int]:
    return {table: count_rows(table) for table in TABLES}


def upload(client, project, *files, **fields):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    data.update(fields)
    return client.post(f"/projects/{project.id}/upload", data=data,
                       content_type="multipart/form-data")


def jsonl_line(doc_id="a1", annotator="alice", **annotation_changes) -> str:
    annotation = {"annotator": annotator, "start": 4, "end": 12, "text": "ministry",
                  "claimant": "Ministry of Health", "claimant_type": "government",
                  "evidence_type": "official_statement"}
    annotation.update(annotation_changes)
    return json.dumps({"id": doc_id, "title": f"Title {doc_id}", "text": TEXT,
                       "annotations": [annotation]})


def test_upload_one_text_file(client, auth, project):
    auth.login("boss")
    response = upload(client, project, ("flood-1.txt", b"Rivers rise\n\nThe river rose."))
    assert response.headers["Location"] == f"/projects/{project.id}/documents"
    document = db.session.query(Document).one()
    assert (document.external_id, document.title) == ("flood-1", "Rivers rise")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 1 document(s)." in html and "Rivers rise" in html


def test_upload_several_text_files_with_assignment(client, auth, project):
    auth.login("boss")
    files = [(f"story-{n}.txt", f"Story {n}\nBody {n}.".encode()) for n in range(3)]
    response = upload(client, project, *files, assign="2")
    assert response.status_code == 302
    assert count_rows("documents") == 3
    # 3 documents x 2 places over alice and bob: each gets all three.
    assert count_rows("assignments") == 6


def test_upload_jsonl_with_annotations_and_new_users(client, auth, project):
    auth.login("boss")
    content = "\n".join([jsonl_line("a1"), jsonl_line("a2", annotator="zoe")]).encode()
    response = upload(client, project, ("batch.jsonl", content), create_users="y")
    assert response.status_code == 302
    assert (count_rows("documents"), count_rows("spans"), count_rows("claimants")) == (2, 2, 1)
    zoe = db.session.query(User).filter_by(username="zoe").one()
    assert zoe.password_hash is None and roles(project)["zoe"] == "annotator"
    statuses = {a.status for a in db.session.query(Assignment)}
    assert statuses == {"submitted"}


def test_upload_csv(client, auth, project):
    auth.login("boss")
    content = "external_id,title,text,source\nc1,First,Body one,wire\nc2,Second,Body two,\n"
    assert upload(client, project, ("rows.csv", content.encode())).status_code == 302
    documents = db.session.query(Document).order_by(Document.external_id).all()
    assert [(d.external_id, d.title, d.text) for d in documents] == [
        ("c1", "First", "Body one"), ("c2", "Second", "Body two")]


BAD_UPLOADS = {
    "broken jsonl line": ([("b.jsonl", (jsonl_line("a1") + "\n{oops").encode())],
                          ["b.jsonl", "not valid JSON"]),
    "offsets out of range": ([("b.jsonl", jsonl_line(end=500).encode())],
                             ["annotations[0].end", "past the end of the text"]),
    "quote mismatch": ([("b.jsonl", jsonl_line(text="minister").encode())],
                       ["annotations[0].text", "does not match the document text"]),
    "unknown evidence type": ([("b.jsonl", jsonl_line(evidence_type="rumour").encode())],
                              ["annotations[0].evidence_type", "rumour"]),
    "unknown annotator": ([("b.jsonl", jsonl_line(annotator="ghost").encode())],
                          ["no user named &#39;ghost&#39;"]),
    "not UTF-8": ([("latin.txt", "Caf\u00e9 news".encode("latin-1"))],
                  ["latin.txt", "not UTF-8 (byte 0xE9)"]),
    "empty file": ([("empty.csv", b"")], ["empty.csv", "the file is empty"]),
    "unknown extension": ([("paper.pdf", b"%PDF-1.4")], ["paper.pdf", "unsupported file type"]),
    "one bad file among several": ([("good.txt", b"Good\nText"), ("bad.txt", b"   \n")],
                                   ["bad.txt", "the file is empty"]),
    "an id already in the project": ([("dup.csv", b"external_id,title,text\nx1,A,B\n"),
                                      ("dup.jsonl", jsonl_line("x1").encode())],
                                     ["dup.jsonl", "already in this project"]),
    "no file": ([], ["Choose a file to upload"]),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_uploads_import_nothing_and_say_why(client, auth, project, case):
    files, messages = BAD_UPLOADS[case]
    auth.login("boss")
    before = row_counts()
    response = upload(client, project, *files, assign="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported." in html
    for message in messages:
        assert message in html
    db.session.expire_all()
    assert row_counts() == before


def test_an_upload_asking_for_assignments_without_annotators_imports_nothing(client, auth,
                                                                            make):
    add_users("boss")
    project = make.project("Empty", boss="manager")
    auth.login("boss")
    response = upload(client, project, ("ok.txt", b"Fine\nText"), assign="2")
    assert response.status_code == 422
    assert "The project has no annotators to assign to" in response.get_data(as_text=True)
    assert count_rows("documents") == 0


def test_a_file_with_many_problems_lists_the_first_ones_and_says_so(client, auth, project):
    auth.login("boss")
    content = "\n".join(jsonl_line(f"d{n}", evidence_type="rumour") for n in range(30))
    html = upload(client, project, ("many.jsonl", content.encode())).get_data(as_text=True)
    assert html.count("is not an evidence type") == 20
    assert "The check stopped after 20 problems; there may be more." in html
    assert count_rows("documents") == 0


def test_an_upload_over_the_size_limit_is_refused_with_a_clear_message(app, client, auth,
                                                                       project):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    auth.login("boss")
    before = row_counts()
    response = upload(client, project, ("big.txt", b"Big\n" + b"x" * 5000))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The upload is larger than the limit of 4 KB." in html
    assert 'type="file"' in html  # the upload page again, ready for a smaller file
    assert row_counts() == before


# --- documents, assignment and reopening -----------------------------------------------------


def test_reviewers_see_every_document_and_status_but_cannot_assign(client, auth, make, project):
    make.document(project, TEXT, title="Dam breaks", assign=("alice", "bob"))
    make.document(project, TEXT, title="Unassigned one")
    auth.login("rev")
    html = client.get(f"/projects/{project.id}/documents").get_data(as_text=True)
    rows = table_rows(html, "documents-table")
    assert rows[1][1] == "Dam breaks" and "alice assigned" in rows[1][2] and "bob" in rows[1][2]
    assert rows[2][2] == "not assigned"
    assert "Assign documents" not in html and "Reopen" not in html


def test_assigning_balances_the_load(client, auth, make, project):
    set_member(project, add_users("carol")[0], "annotator")
    db.session.commit()
    for _ in range(6):
        make.document(project, TEXT)
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/assign", data={"per_document": "2"})
    assert response.status_code == 302
    load = {name: count for name, count in db.session.execute(db.text(
        "SELECT u.username, COUNT(*) FROM assignments a JOIN users u ON u.id = a.annotator_id "
        "GROUP BY u.username"))}
    assert load == {"alice": 4, "bob": 4, "carol": 4}
    # Running it again adds nothing; the project default (2) fills nothing more either.
    client.post(f"/projects/{project.id}/assign", data={})
    assert count_rows("assignments") == 12


def test_assigning_without_annotators_says_so(client, auth, make):
    add_users("boss")
    project = make.project("Empty", boss="manager")
    make.document(project, TEXT)
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/assign", data={}, follow_redirects=True)
    assert "The project has no annotators to assign to" in response.get_data(as_text=True)
    assert count_rows("assignments") == 0


def test_manager_reopens_a_submitted_assignment(client, auth, make, project):
    document = make.document(project, TEXT, assign=("alice",), status="submitted")
    auth.login("boss")
    html = client.get(f"/projects/{project.id}/documents").get_data(as_text=True)
    assert "Reopen" in html
    assignment = db.session.query(Assignment).one()
    url = f"/projects/{project.id}/assignments/{assignment.id}/reopen"
    response = client.post(url, follow_redirects=True)
    assert f"Reopened &#39;{document.title}&#39; for alice" in response.get_data(as_text=True)
    assert fresh(Assignment, assignment.id).status == "in_progress"
    response = client.post(url, follow_redirects=True)
    assert "&#39;alice&#39; has not submitted this document" in response.get_data(as_text=True)


def test_reopen_refuses_an_assignment_of_another_project(client, auth, make, project):
    other = make.project("Other", alice="annotator")
    make.document(other, TEXT, assign=("alice",), status="submitted")
    assignment = db.session.query(Assignment).one()
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/assignments/{assignment.id}/reopen",
                           follow_redirects=True)
    assert "No such assignment in this project" in response.get_data(as_text=True)
    assert fresh(Assignment, assignment.id).status == "submitted"


# --- progress --------------------------------------------------------------------------------


def test_progress_counts_per_annotator_and_per_document(client, auth, make, project):
    alice = db.session.query(User).filter_by(username="alice").one()
    first = make.document(project, TEXT, title="First", assign=("alice", "bob"),
                          status="submitted")
    make.document(project, TEXT, title="Second", assign=("alice",), status="in_progress")
    make.document(project, TEXT, title="Third", assign=("alice",))
    claimant = make.claimant(project)
    make.span(first, alice, 4, 12, claimant)
    make.span(first, alice, 18, 20, claimant)
    auth.login("boss")
    html = client.get(f"/projects/{project.id}/progress").get_data(as_text=True)
    by_annotator = {row[0]: row for row in table_rows(html, "progress-annotators")[1:]}
    # annotator, assigned in all, not started, in progress, submitted, bar, spans
    assert by_annotator["alice"][1:5] + by_annotator["alice"][6:] == ["3", "1", "1", "1", "2"]
    assert by_annotator["bob"][1:5] + by_annotator["bob"][6:] == ["1", "0", "0", "1", "0"]
    by_document = table_rows(html, "progress-documents")[1:]
    assert [row[1] for row in by_document] == ["2 / 2", "0 / 1", "0 / 1"]
    assert "First" in by_document[0][0]


# --- forms in production mode, links to other features ---------------------------------------


def test_member_forms_need_the_csrf_token(csrf_app, client, auth, project):
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "boss", "password": PASSWORD,
                                "csrf_token": csrf_token_from(page)})
    url = f"/projects/{project.id}/members"
    assert client.post(url, data={"username": "outsider", "role": "reviewer"}).status_code == 400
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"username": "outsider", "role": "reviewer",
                                      "csrf_token": token})
    assert response.status_code == 302
    assert roles(project)["outsider"] == "reviewer"


def test_the_scheme_editor_is_told_which_cell_is_wrong(client, auth, project):
    scheme = default_scheme().to_dict()
    scheme["claimant_types"][3]["key"] = "Bad Key"
    auth.login("boss")
    response = client.post(f"/projects/{project.id}/edit",
                           data=project_form(scheme=json.dumps(scheme)))
    assert 'data-error-path="claimant_types[3].key"' in response.get_data(as_text=True)


def test_links_to_other_features_follow_the_role(app, client, auth, project):
    other_features = {"annotate.my_work": "annotator", "agreement_views.dashboard": "reviewer"}
    present = {e: role for e, role in other_features.items() if e in app.view_functions}
    for username, role in (("alice", "annotator"), ("rev", "reviewer")):
        auth.login(username)
        html = client.get(f"/projects/{project.id}").get_data(as_text=True)
        for endpoint, needed in present.items():
            with app.test_request_context():
                url = url_for(endpoint, project_id=project.id)
            assert (f'href="{url}"' in html) == (RANK[role] >= RANK[needed])
        auth.logout()


def home_step_links(html: str) -> list[str]:
    """The hrefs of the home page's "next step" buttons, in order."""
    found = []
    for block in html.split('<ul class="step-links">')[1:]:
        found += [part.split('"', 1)[0] for part in block.split("</ul>", 1)[0].split('href="')[1:]]
    return found


def test_home_shows_reviewers_and_managers_their_next_step(client, auth, make, project):
    base = f"/projects/{project.id}"
    auth.login("boss")
    html = client.get("/").get_data(as_text=True)
    assert home_step_links(html) == [f"{base}/upload", f"{base}/members"]  # no articles yet
    auth.logout()
    make.document(project, TEXT, assign=("alice",))
    auth.login("boss")
    assert home_step_links(client.get("/").get_data(as_text=True)) == [
        f"{base}/documents", f"{base}/progress", f"{base}/agreement"]
    auth.logout()
    auth.login("rev")
    assert home_step_links(client.get("/").get_data(as_text=True)) == [
        f"{base}/agreement", f"{base}/documents"]
    auth.logout()
    auth.login("alice")  # annotators have their own next step: the next document
    html = client.get("/").get_data(as_text=True)
    assert home_step_links(html) == [] and "/annotate/documents/" in html


def test_home_leaves_out_pages_of_features_not_installed(app, client, auth, make, project):
    make.document(project, TEXT, assign=("alice",))
    app.view_functions.pop("agreement_views.dashboard", None)
    auth.login("rev")
    assert home_step_links(client.get("/").get_data(as_text=True)) == [
        f"/projects/{project.id}/documents"]


def test_a_manager_who_demotes_herself_lands_on_a_page_she_may_see(client, auth, project):
    set_member(project, db.session.query(User).filter_by(username="rev").one(), "manager")
    db.session.commit()
    auth.login("boss")
    boss = db.session.query(User).filter_by(username="boss").one()
    response = client.post(f"/projects/{project.id}/members/{boss.id}/role",
                           data={"role": "annotator"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/projects/{project.id}")
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_documents_page_past_the_end_says_so(client, auth, project, make):
    make.document(project)
    auth.login("boss")
    page = client.get(f"/projects/{project.id}/documents?page=7").get_data(as_text=True)
    assert "past the end" in page and "No documents yet" not in page
