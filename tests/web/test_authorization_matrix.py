"""The authorization matrix: every route of the URL map x 7 roles x {session, Bearer token}.

Each route's rule is one line of EXPECTED ("endpoint METHOD": policy). A route that is not in
the table fails the test, so a new route cannot ship without saying who may use it: add its
line (and, for a new kind of URL variable, a value in `url_values`). The policies:

  public            anyone, even anonymous
  login             any active account
  admin             site administrators
  creator           who may create projects (site administrators here)
  project:ROLE      members with at least ROLE; outsiders get 404 (the project is not revealed)
  document:ROLE     the same, for a document (an annotator: only when assigned to it)
  own_span          the span's own annotator; reviewers and managers 403, outsiders 404
  assigned          annotators assigned to the document (reviewers and managers 403: their
                    spans would enter the agreement figures), outsiders 404
  own_token         the token's owner; anyone else 404
A policy ending in "|404" also accepts 404 from the roles allowed in: the empty request names
something that does not exist (an alias), which says nothing about who may ask.

Every answer is also searched for data the role must not see: another project's documents
(for everyone but admins), and another annotator's unsubmitted span and claimant proposal (for
annotators). State-changing requests run against the same database, restored after each.
"""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, Assignment, Claimant, User

ROLES = ("anonymous", "annotator", "outsider", "reviewer", "manager", "admin", "deactivated")
MEMBER = ("annotator", "reviewer", "manager")

EXPECTED: dict[str, str] = {
    # --- no login needed
    "auth.login GET": "public", "auth.login POST": "public",
    "main.health GET": "public",
    "api.openapi_json GET": "public",  # describes the open-source code, no installation's data
    # a set-password link's secret decides; an unknown one is 404 for everyone
    "accounts.set_password GET": "public|404", "accounts.set_password POST": "public|404",
    # --- any account
    "main.home GET": "login",
    "auth.logout GET": "login", "auth.logout POST": "public", "auth.logout_others POST": "login",
    "accounts.profile GET": "login", "accounts.change_password POST": "login",
    "accounts.new_token POST": "login", "accounts.revoke POST": "own_token",
    "agreement_views.help_page GET": "login",
    "api.list_projects GET": "login", "api.list_my_tokens GET": "login",
    "api.create_my_token POST": "login", "api.revoke_my_token DELETE": "own_token",
    # --- site administrators
    "accounts.users GET": "admin", "accounts.users POST": "admin",
    "accounts.change_active POST": "admin", "accounts.change_creator POST": "admin",
    "accounts.new_link POST": "admin", "accounts.settings POST": "admin",
    "projects.new_project GET": "creator", "projects.new_project POST": "creator",
    "audit.site_log GET": "admin",
    # --- a project's members
    "projects.show_project GET": "project:annotator",
    "annotate.my_work GET": "project:annotator",
    "annotate.next_unfinished GET": "project:annotator",
    "annotate.scheme_css GET": "project:annotator",
    "api.get_project GET": "project:annotator",
    "api.list_documents GET": "project:annotator",
    "api.list_claimants GET": "project:annotator",
    "api.registry GET": "project:reviewer",
    "api.export GET": "project:annotator",
    "transfer.downloads GET": "project:annotator",
    "transfer.download_file GET": "project:annotator",
    "sources.matrix GET": "project:reviewer",
    "sources.article GET": "project:reviewer",
    "sources.claimant_data GET": "project:reviewer",
    "projects.documents GET": "project:reviewer",
    "agreement_views.dashboard GET": "project:reviewer",
    "agreement_views.api_report GET": "project:reviewer",
    "agreement_views.report_progress GET": "project:reviewer",
    "review.queue GET": "project:reviewer", "review.merge POST": "project:reviewer",
    "review.scores GET": "project:reviewer",  # annotators too if the project shares scores
    "api.review_queue GET": "project:reviewer",
    "api.merge_project POST": "project:reviewer",
    "api.create POST": "project:reviewer",
    "claimants.registry GET": "project:reviewer", "claimants.registry POST": "project:reviewer",
    "claimants.claimant GET": "project:reviewer", "claimants.history GET": "project:reviewer",
    "claimants.export GET": "project:reviewer",
    "claimants.add_alias POST": "project:reviewer", "claimants.remove_alias POST":
        "project:reviewer|404",
    "claimants.confirm POST": "project:reviewer", "claimants.edit POST": "project:reviewer",
    "claimants.merge POST": "project:reviewer", "claimants.rename POST": "project:reviewer",
    "claimants.undo POST": "project:reviewer", "claimants.import_file POST": "project:manager",
    "claimants.settings POST": "project:manager",
    "projects.progress GET": "project:manager",
    "audit.project_log GET": "project:manager",
    "projects.edit_project GET": "project:manager", "projects.edit_project POST":
        "project:manager",
    "projects.members GET": "project:manager", "projects.members POST": "project:manager",
    "projects.change_role POST": "project:manager",
    "projects.remove_member POST": "project:manager",
    "projects.upload GET": "project:manager", "projects.upload POST": "project:manager",
    "projects.assign POST": "project:manager", "projects.reopen POST": "project:manager",
    "accounts.invite POST": "project:manager",
    # a link only for a member without a password (the matrix's annotator has one): 404
    "accounts.member_link POST": "project:manager|404",
    "assignments.assign POST": "project:manager",
    "assignments.assign_bulk POST": "project:manager",
    "assignments.move POST": "project:manager", "assignments.remove POST": "project:manager",
    "assignments.preview GET": "project:reviewer",
    "transfer.import_page GET": "project:manager", "transfer.import_page POST":
        "project:manager",
    "transfer.confirm_import POST": "project:manager",
    # --- documents
    "annotate.document GET": "document:annotator",
    "api.get_document GET": "document:annotator",
    "api.list_spans GET": "document:annotator",
    "api.create_span POST": "assigned",
    "api.submit_document POST": "assigned",
    "review.document GET": "document:reviewer",
    "api.document_review GET": "document:reviewer",
    "api.list_gold GET": "document:reviewer", "api.create_gold POST": "document:reviewer",
    "api.gold_history GET": "document:reviewer",
    "api.merge_document POST": "document:reviewer", "api.undo_gold POST": "document:reviewer",
    "api.set_review_status POST": "document:reviewer",
    "api.return_document POST": "document:reviewer",
    "api.reopen_document POST": "document:manager",
    "api.update_gold PATCH": "document:reviewer", "api.delete_gold DELETE": "document:reviewer",
    # --- spans and claimants
    "api.update_span PATCH": "own_span", "api.delete_span DELETE": "own_span",
    "api.update PATCH": "project:reviewer", "api.confirm POST": "project:reviewer",
    "api.merge POST": "project:reviewer", "api.add_alias POST": "project:reviewer",
    "api.remove_alias DELETE": "project:reviewer|404", "api.undo POST": "project:reviewer",
}

NOT_CHECKED = {"static"}  # files, the same for everyone
# Routes asked a second time with these query parameters (whose work is asked for), with the
# policy for that request.
QUERIES = {"api.list_spans": ({"annotator": "other"}, "document:reviewer"),
           "annotate.document": ({"annotator": "other"}, "document:annotator")}

ALPHA_SECRET = "ALPHA-ONLY-TEXT"  # in project A's documents: outsiders must not see it
BRAVO_SECRET = "BRAVO-ONLY-TEXT"  # in project B's documents: A's members must not see it
OTHER_WORK = "OTHER-ANNOTATOR-NOTE"  # another annotator's unsubmitted span note in A
OTHER_PROPOSAL = "Proposed By Other"  # another annotator's claimant proposal in A
MARKERS = (ALPHA_SECRET, BRAVO_SECRET, OTHER_WORK, OTHER_PROPOSAL)


def _outcome(policy: str, role: str) -> str | int:
    """'ok', 'login', 403 or 404: what `role` must get from a route with `policy`."""
    policy = policy.removesuffix("|404")
    if role in ("anonymous", "deactivated"):
        return "ok" if policy == "public" else "login"
    if policy in ("public", "login"):
        return "ok"
    if policy in ("admin", "creator"):
        return "ok" if role == "admin" else 403
    if policy == "own_token":
        return "ok" if role == "annotator" else 404
    if policy in ("own_span", "assigned"):
        return {"annotator": "ok", "outsider": 404}.get(role, 403)
    kind, _, minimum = policy.partition(":")
    assert kind in ("project", "document") and minimum in MEMBER, policy
    if role == "outsider":
        return 404
    if role == "admin":
        return "ok"
    return "ok" if MEMBER.index(role) >= MEMBER.index(minimum) else 403


def _matches(outcome, response, policy: str) -> bool:
    status = response.status_code
    to_login = status == 302 and urlsplit(response.headers["Location"]).path == "/login"
    if outcome == "login":
        return status == 401 or to_login
    if outcome == "ok":
        refused = (401, 403) if policy.endswith("|404") else (401, 403, 404)
        return status < 500 and status not in refused and (
            not to_login or policy.startswith("public"))
    return status == outcome


@pytest.fixture
def world(app, make):
    return build_world(make)


def build_world(make) -> dict:
    """Project A (annotator, a second annotator, reviewer, manager), project B (outsider);
    an admin and a deactivated account; a token for each."""
    a = make.project("Alpha", annotator="annotator", other="annotator", reviewer="reviewer",
                     manager="manager")
    b = make.project(f"Bravo {BRAVO_SECRET}", outsider="annotator")
    make.user("admin", admin=True)
    make.user("deactivated")
    users = {u.username: u for u in db.session.scalars(select(User))}
    document = make.document(a, f"The ministry said {ALPHA_SECRET} today.",
                             assign=("annotator", "other"))
    make.document(b, f"Bravo text {BRAVO_SECRET}.", title=f"Title {BRAVO_SECRET}",
                  assign=("outsider",))
    claimant = make.claimant(a, "Ministry of Water")
    span = make.span(document, users["annotator"], 4, 12, claimant)
    proposal = Claimant(project=a, name=OTHER_PROPOSAL, type=claimant.type, status="proposed",
                        created_by_id=users["other"].id) if hasattr(Claimant, "status") else None
    if proposal is not None:
        db.session.add(proposal)
        db.session.flush()
    make.span(document, users["other"], 0, 3, proposal or claimant, note=OTHER_WORK)
    tokens = {}
    for name in ("annotator", "outsider", "reviewer", "manager", "admin", "deactivated"):
        token, plain = ApiToken.issue(users[name], name=f"{name}'s token")
        db.session.add(token)
        tokens[name] = (token, plain)
    db.session.commit()
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.document_id == document.id, Assignment.annotator_id == users["annotator"].id))
    return {
        "ids": {"project_id": a.id, "document_id": document.id, "span_id": span.id,
                "user_id": users["annotator"].id, "assignment_id": assignment.id,
                "claimant_id": claimant.id, "token_id": tokens["annotator"][0].id,
                "event_id": _event_id(a, claimant, users["reviewer"]),
                "gold_id": _gold_id(document, claimant, users["reviewer"]),
                "fmt": "csv", "secret": "not-a-real-link", "action": "deactivate"},
        "tokens": {name: plain for name, (_, plain) in tokens.items()},
        "usernames": users,
    }


def _event_id(project, claimant, reviewer) -> int:
    """A registry change to undo: a rename, as the registry records one."""
    from app.models import ClaimantEvent

    event = ClaimantEvent(project_id=project.id, claimant_id=claimant.id, action="rename",
                          summary="renamed", user_id=reviewer.id,
                          details={"old_name": "Ministry of Water", "name": claimant.name})
    db.session.add(event)
    db.session.flush()
    return event.id


def _gold_id(document, claimant, reviewer) -> int:
    from app.models import GoldSpan

    gold = GoldSpan(document=document, start=4, end=12, text=document.text[4:12],
                    claimant=claimant, evidence_type="official_statement",
                    reviewer_id=reviewer.id)
    db.session.add(gold)
    db.session.flush()
    return gold.id


def url_values(rule, ids: dict) -> dict:
    values = {}
    for name in rule.arguments:
        if name == "action" or "any(" in str(rule):
            converter = rule._converters.get(name)
            if converter is not None and hasattr(converter, "items"):
                values[name] = next(iter(converter.items))
                continue
        assert name in ids, (f"{rule.rule}: no value for <{name}>: add one to the world "
                             "fixture's ids in tests/web/test_authorization_matrix.py")
        values[name] = ids[name]
    return values


def _session_cookies(app, world) -> dict[str, str | None]:
    cookies = {"anonymous": None}
    for name in ("annotator", "outsider", "reviewer", "manager", "admin", "deactivated"):
        client = app.test_client()
        response = client.post("/login", data={"username": name, "password": "password123"})
        assert response.status_code == 302, name
        cookies[name] = client.get_cookie("session").value
    user = world["usernames"]["deactivated"]
    user.active = False  # after logging in: its session and token must stop working
    db.session.commit()
    return cookies


class Snapshot:
    """The SQLite database as it was, put back after every request that may change it."""

    def __init__(self):
        self.copy = sqlite3.connect(":memory:")
        db.session.remove()
        raw = db.engine.raw_connection()
        try:
            raw.driver_connection.backup(self.copy)
        finally:
            raw.close()

    def restore(self):
        db.session.remove()
        raw = db.engine.raw_connection()
        try:
            self.copy.backup(raw.driver_connection)
        finally:
            raw.close()


def _requests(app, ids):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint in NOT_CHECKED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            values = url_values(rule, ids)
            build = app.url_map.bind("localhost").build
            key = f"{rule.endpoint} {method}"
            yield key, EXPECTED.get(key), method, build(rule.endpoint, values, method=method)
            if method == "GET" and rule.endpoint in QUERIES:
                query, policy = QUERIES[rule.endpoint]
                yield key, policy, method, build(rule.endpoint, values | query, method=method)


def test_every_route_is_in_the_expectation_table(app):
    missing = sorted({f"{rule.endpoint} {method}" for rule in app.url_map.iter_rules()
                      if rule.endpoint not in NOT_CHECKED
                      for method in rule.methods - {"HEAD", "OPTIONS"}} - set(EXPECTED))
    assert not missing, ("routes without an authorization expectation; add each to EXPECTED "
                         "in tests/web/test_authorization_matrix.py: " + ", ".join(missing))


def test_every_route_answers_each_role_as_expected_and_leaks_nothing(app, backend, world):
    if backend != "sqlite":
        pytest.skip("the rules do not depend on the database; the snapshot needs SQLite")
    cookies = _session_cookies(app, world)
    snapshot = Snapshot()
    failures, seen_by_admin = [], set()
    for _key, policy, method, path in _requests(app, world["ids"]):
        if policy is None:
            continue  # the table test above names it
        for role in ROLES:
            expected = _outcome(policy, role)
            for via in ("session", "token"):
                response = _send(app, method, path, role, via, cookies, world["tokens"])
                outcome = 401 if via == "token" and role in ("anonymous", "deactivated") \
                    else expected
                if not _matches(outcome, response, policy):
                    failures.append(f"{method} {path} as {role} ({via}): expected {outcome}, "
                                    f"got {response.status_code}")
                body = response.get_data(as_text=True)
                if role == "admin":
                    seen_by_admin.update(m for m in MARKERS if m in body)
                leaked = _leaks(role, body)
                if leaked:
                    failures.append(f"{method} {path} as {role} ({via}) shows {leaked}")
                if method != "GET":
                    snapshot.restore()
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
    # Each marker is somewhere an admin may look, so not finding it elsewhere means something.
    assert seen_by_admin == set(MARKERS)


def _send(app, method, path, role, via, cookies, tokens):
    client = app.test_client()
    headers = {}
    if via == "session" and cookies.get(role):
        client.set_cookie("session", cookies[role], domain="localhost")
    if via == "token":
        headers["Authorization"] = f"Bearer {tokens.get(role, 'not-a-valid-token')}"
    if method in ("POST", "PATCH", "PUT", "DELETE") and "/api/" in path:
        return client.open(path, method=method, headers=headers, json={})
    return client.open(path, method=method, headers=headers)


def _leaks(role: str, body: str) -> str | None:
    forbidden = []
    if role != "admin":
        forbidden.append(BRAVO_SECRET if role != "outsider" else ALPHA_SECRET)
    if role in ("annotator", "outsider", "anonymous", "deactivated"):
        forbidden += [OTHER_WORK, OTHER_PROPOSAL]
    if role in ("anonymous", "deactivated"):
        forbidden += [ALPHA_SECRET, BRAVO_SECRET]
    for marker in forbidden:
        if re.search(re.escape(marker), body):
            return marker
    return None
