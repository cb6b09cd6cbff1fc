"""Schemathesis fuzzes every operation of the OpenAPI description, in-process (WSGI), as an
annotator and as a manager, with data that fits the schemas and data that does not.

Every answer must be no 5xx, a documented status and content type, and a body of the
documented shape; data that breaks the schema must be refused (4xx). After every request,
every stored span and gold span must quote its document exactly:
0 <= start < end <= len(document.text) and text == document.text[start:end].

Generated ids would almost never name a real document or span, so most cases are steered onto
the world's real ids, and span bodies onto real offsets with the matching quote, so the writes
happen. Bounded: FUZZ_EXAMPLES cases per operation, derandomised (the same cases every run).

Stateful: sequences of calls that follow the description's OpenAPI links (WORKFLOWS: span
work; the claimant registry; gold decisions), each from the same database, checked the same
way after every step.
"""

from __future__ import annotations

import os
import random
import zlib
from collections import Counter
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from sqlalchemy import text as sql

from app.extensions import db
from app.models import (
    ApiToken,
    Claimant,
    ClaimantEvent,
    Document,
    GoldSpan,
    Project,
    Span,
    User,
)
from tests.factories import Factory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))  # cases per operation
# Stateful runs of up to STEPS steps: each workflow's own number, or FUZZ_SEQUENCES for all.
SEQUENCES = int(os.environ.get("FUZZ_SEQUENCES", "0")) or None
STEPS = int(os.environ.get("FUZZ_STEPS", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
# Offsets count code points: an emoji outside the BMP, a combining accent, Arabic, CJK.
TEXT = ("Rescuers 🚁 said the dam broke at dawn. The ministry said 12 people died. "
        "Cafe\u0301 owner Zoë said: «Nous avons tout perdu». قال الوزير إن المياه ارتفعت. "
        "官员拒绝置评。 Officials declined to comment 👍🏽.")
ANNOTATOR_WORK = {"api_create_span", "api_update_span", "api_delete_span", "api_list_spans",
                  "api_submit_document", "api_get_document", "api_list_documents",
                  "api_list_claimants", "api_export"}
SPAN_BODIES = {"api_create_span", "api_update_span", "api_create_gold", "api_update_gold"}
# What a path parameter names.
ROWS = {"project_id": Project, "document_id": Document, "span_id": Span, "gold_id": GoldSpan,
        "claimant_id": Claimant, "event_id": ClaimantEvent, "token_id": ApiToken}
# Operations that end the annotators' work or the review run last, so the span writes before
# them meet an open document.
LAST = ("api_revoke_my_token", "api_submit_document", "api_return_document",
        "api_set_review_status", "api_merge_project", "api_merge_document")


@pytest.fixture
def world(app, make):
    return build_world(make)


def build_world(make) -> dict:
    for name in ("alice", "bob", "rev", "boss"):
        make.user(name, password=None)
    project = make.project("Fuzz", alice="annotator", bob="annotator", rev="reviewer",
                           boss="manager")
    document = make.document(project, TEXT, assign=("alice", "bob", "boss"))
    other = make.document(project, "A second article: the minister said no.",
                          assign=("alice",))
    users = {user.username: user for user in db.session.scalars(select(User))}
    claimant = make.claimant(project, "Ministry of Interior", "government", aliases=("MoI",))
    other_claimant = make.claimant(project, "Interior Ministry", "government")
    span = make.span(document, users["alice"], 0, 8, claimant)
    make.span(document, users["bob"], 0, 8, claimant)
    make.span(document, users["boss"], 10, 14, claimant)
    gold = GoldSpan(document=document, start=0, end=8, text=document.text[0:8],
                    claimant=claimant, evidence_type="official_statement",
                    reviewer_id=users["rev"].id)
    db.session.add(gold)
    tokens = {}
    for name in ("alice", "boss"):
        token, plain = ApiToken.issue(users[name], name="fuzzing")
        db.session.add(token)
        tokens[name] = plain
    spare, _ = ApiToken.issue(users["alice"], name="spare")  # the one a revoke may hit
    db.session.add(spare)
    db.session.commit()
    return {
        "ids": {"project_id": project.id, "document_id": document.id, "span_id": span.id,
                "claimant_id": claimant.id, "other_claimant_id": other_claimant.id,
                "gold_id": gold.id, "token_id": spare.id,
                "event_id": 1},
        "documents": (document.id, other.id),
        "tokens": tokens,
        "claimant": claimant.name,
    }


def test_fuzzing_every_operation_finds_no_error_and_spans_stay_exact(app, backend, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: (op.definition.raw.get("operationId") in LAST,
                                    LAST.index(op.definition.raw["operationId"])
                                    if op.definition.raw["operationId"] in LAST else 0))
    assert len(operations) >= 36
    failures, answers = [], Counter()
    for operation in operations:
        try:
            _fuzz(app, operation, world, answers)
        except Exception as error:  # noqa: BLE001  every operation's failures, not the first
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
    if os.environ.get("FUZZ_REPORT"):
        print(sorted(answers.items()))
    # The steering works: spans and gold spans were written, not only refused.
    for operation_id, status in (("api_create_span", 201), ("api_update_span", 200),
                                 ("api_create_gold", 201), ("api_list_spans", 200)):
        assert answers[operation_id, status], (operation_id, status)


def _fuzz(app, operation, world, answers: Counter) -> None:
    positive = operation.as_strategy(GenerationMode.POSITIVE)
    strategies = [positive, positive]  # two thirds fit the schema
    try:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001  nothing can break this operation's schema
        pass
    operation_id = operation.definition.raw["operationId"]

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
              verbosity=Verbosity.quiet)
    @given(case=st.one_of(strategies), data=st.data())
    def run(case, data):
        def pick(n: int, label: str) -> int:
            return data.draw(st.integers(0, n - 1), label=label)

        with app.app_context():  # the test's reads in a session of their own too
            _steer(case, pick, operation_id, world)
        # Mostly the user the operation is for: the annotator for her own work, else the
        # manager (Hypothesis draws the first choice most often).
        users = ("alice", "boss") if operation_id in ANNOTATOR_WORK else ("boss", "alice")
        user = data.draw(st.sampled_from(users), label="user")
        headers = {"Authorization": f"Bearer {world['tokens'][user]}"}
        with app.app_context():  # each request its own session, as in production
            response = case.call(headers=headers)
            answers[operation_id, response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)
        with app.app_context():
            _assert_spans_quote_their_documents()

    run()


def _positive(case, location: ParameterLocation) -> bool:
    """Whether the case's `location` fits the schema: only those are steered, so data meant to
    break the schema still does (the rejection check relies on it)."""
    info = case.meta.components.get(location) if case.meta else None
    return info is None or info.mode == GenerationMode.POSITIVE


def _steer(case, pick, operation_id: str, world, *, keep_real_ids: bool = False) -> None:
    """Real ids in most cases; in span bodies, real offsets and their exact quote.
    `pick(n, label)` chooses a number in range(n); small numbers come most often.
    `keep_real_ids`: an id naming an existing row stays (a stateful step's link gave it)."""
    for name in list(case.path_parameters or {}) if _positive(case, ParameterLocation.PATH) \
            else ():
        if keep_real_ids and _get(ROWS.get(name), case.path_parameters[name]) is not None:
            continue
        if name in world["ids"] and pick(5, "real id") < 4:
            case.path_parameters[name] = world["ids"][name]
        if name == "document_id" and pick(2, "second document"):
            case.path_parameters[name] = world["documents"][1]
    if isinstance(case.body, dict) and _positive(case, ParameterLocation.BODY):
        if operation_id == "api_merge" and pick(4, "merge into a real claimant"):
            ids = world["ids"]
            source = case.path_parameters.get("claimant_id")
            case.body["into"] = ids["other_claimant_id" if source == ids["claimant_id"]
                                    else "claimant_id"]
        if operation_id in ("api_create", "api_update"):  # registry fields from the scheme
            _steer_registry_fields(case.body, pick, operation_id, world)
        if operation_id == "api_delete_gold" and pick(2, "version read"):
            gold = _get(GoldSpan, case.path_parameters.get("gold_id"))
            if gold is not None:
                case.body["version"] = gold.version
    body = case.body
    if operation_id not in SPAN_BODIES or not isinstance(body, dict) \
            or not _positive(case, ParameterLocation.BODY):
        return
    if pick(4, "steer body") == 3:
        return  # a quarter stay as generated
    document_id = (case.path_parameters or {}).get("document_id")
    if operation_id in ("api_update_span", "api_update_gold"):
        model = Span if operation_id == "api_update_span" else GoldSpan
        row = _get(model, case.path_parameters.get("span_id")
                   or case.path_parameters.get("gold_id"))
        if row is None:
            return
        document_id = row.document_id
        if not pick(2, "stale version"):
            body["version"] = row.version
    document = _get(Document, document_id)
    if document is None:
        return
    text = document.text
    start = pick(len(text), "start")
    end = start + 1 + pick(len(text) - start, "end")
    body.update(start=start, end=end, text=text[start:end])
    if operation_id in ("api_create_span", "api_create_gold"):
        body.update(evidence_type=("official_statement", "statistics", "eyewitness",
                                   "rumour")[pick(4, "evidence type")])  # not in the scheme
        body.pop("claimant_id", None)
        body["claimant"] = {"name": (world["claimant"], "MoI", "Omar Haddad")[
            pick(3, "claimant")], "type": "witness"}
    if operation_id in ("api_create_gold", "api_update_gold"):
        _steer_decision(body, pick, operation_id)


def _steer_decision(body: dict, pick, operation_id: str) -> None:
    """A decision a reviewer would make, so the steps after it have one to work on: a gold
    span for a new claim (no source spans, not rejected), a listed evidence type and reason.
    (The per-operation fuzzing above sends the values that are not.)"""
    if "evidence_type" in body:
        body["evidence_type"] = ("official_statement", "eyewitness")[pick(2, "evidence type")]
    if "reason" in body:
        body["reason"] = (None, "annotator_error")[pick(2, "reason")]
    if "claimant" in body:
        body.pop("claimant_id", None)
    body.pop("rejected", None)
    if operation_id == "api_create_gold":
        body["source_span_ids"] = []


def _steer_registry_fields(body: dict, pick, operation_id: str, world) -> None:
    """Keys of the scheme and a real affiliation in most cases, so writes happen; a quarter
    stay as generated."""
    if pick(4, "steer registry fields") == 3:
        return
    if "type" in body or operation_id == "api_create":
        body["type"] = ("government", "witness")[pick(2, "claimant type")]
    if "source_type" in body:
        body["source_type"] = ("official", None)[pick(2, "source type")]
    if "affiliation_id" in body:
        body["affiliation_id"] = (world["ids"]["other_claimant_id"], None)[pick(2, "affiliation")]


def _empty_database(backend: str) -> None:
    """Every table emptied and every id counter reset, so ids repeat from one sequence to
    the next."""
    tables = db.metadata.sorted_tables
    if backend == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
        if db.session.execute(sql("SELECT name FROM sqlite_master "
                                   "WHERE name = 'sqlite_sequence'")).first():
            db.session.execute(sql("DELETE FROM sqlite_sequence"))
    db.session.commit()


def _get(model, value):
    """The row, when `value` can be an id at all (a case may hold anything)."""
    if model is not None and isinstance(value, int) and not isinstance(value, bool) \
            and 0 < value < 2**31:
        return db.session.get(model, value)
    return None


def _assert_spans_quote_their_documents() -> None:
    texts = dict(db.session.execute(select(Document.id, Document.text)).all())
    for model in (Span, GoldSpan):
        rows = db.session.execute(select(model.id, model.document_id, model.start, model.end,
                                         model.text)).all()
        for row_id, document_id, start, end, quote in rows:
            text = texts[document_id]
            assert 0 <= start < end <= len(text), f"{model.__name__} {row_id}: {start}..{end}"
            assert quote == text[start:end], f"{model.__name__} {row_id} misquotes its document"


@dataclass(frozen=True)
class Workflow:
    operations: tuple[str, ...]  # the operation ids whose links make the sequences
    caller: str | None  # who calls them (None: the annotator for her work, else the manager)
    followed: frozenset[str]  # one of these succeeding shows the links were followed
    sequences: int


WORKFLOWS = {
    # list projects -> documents -> create a span -> change it -> change it again -> delete it.
    "spans": Workflow(("api_list_projects", "api_list_documents", "api_get_document",
                       "api_list_spans", "api_create_span", "api_update_span",
                       "api_delete_span"), None,
                      frozenset({"api_update_span", "api_delete_span"}), 20),
    # projects -> create a claimant -> rename or edit it, add or remove an alias, merge it ->
    # undo the merge -> edit the claimant restored, as the manager.
    "registry": Workflow(("api_list_projects", "api_create", "api_update", "api_add_alias",
                          "api_remove_alias", "api_merge", "api_undo"), "boss",
                         frozenset({"api_update", "api_remove_alias", "api_undo"}), 15),
    # projects -> documents -> decide a unit (gold) -> change the decision -> delete it, or
    # read the history, or undo the batch, as the manager (who reviews).
    "gold": Workflow(("api_list_projects", "api_list_documents", "api_create_gold",
                      "api_update_gold", "api_delete_gold", "api_gold_history",
                      "api_undo_gold"), "boss",
                     frozenset({"api_update_gold", "api_delete_gold", "api_gold_history",
                                "api_undo_gold"}), 15),
}


@pytest.mark.parametrize("workflow", WORKFLOWS)
def test_sequences_along_the_links_find_no_error_and_spans_stay_exact(app, backend, world,
                                                                      workflow):
    """Stateful: sequences follow the description's links (WORKFLOWS), each answer checked
    as above, the spans and gold spans checked after every step. The test above reaches
    every operation; these reach what only an earlier answer makes possible."""
    chosen = WORKFLOWS[workflow]
    sequences = SEQUENCES or chosen.sequences
    # Only the description's own links, not those schemathesis would guess from names.
    config = SchemathesisConfig.from_dict({"phases": {"stateful": {"inference": {
        "algorithms": []}}}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config).include(
        operation_id=list(chosen.operations))
    answers = Counter()

    class Sequences(schema.as_state_machine()):
        def setup(self):
            # Each sequence starts from the same state, so a replayed sequence gets the same
            # answers (Hypothesis requires it; a shrunk failure must still fail).
            db.session.rollback()  # the fixture's session: its read locks would block TRUNCATE
            with app.app_context():
                _empty_database(backend)
                world.update(build_world(Factory()))
            self.steps_taken = 0

        def before_call(self, case):
            self.operation_id = case.operation.definition.raw["operationId"]
            self.steps_taken += 1
            # Choices from the step and the generated body itself, so a replayed sequence
            # repeats them (and the same small body at another step gets other choices).
            chooser = random.Random(zlib.crc32(repr((self.steps_taken, self.operation_id,
                                                     case.body)).encode()))
            with app.app_context():
                _steer(case, lambda n, _label: chooser.randrange(n), self.operation_id, world,
                       keep_real_ids=True)

        def get_call_kwargs(self, case):
            user = chosen.caller or ("alice" if self.operation_id in ANNOTATOR_WORK else "boss")
            return {"headers": {"Authorization": f"Bearer {world['tokens'][user]}"}}

        def call(self, case, **kwargs):
            with app.app_context():
                return case.call(**kwargs)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            answers[self.operation_id, response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=kwargs.get("headers"))
            with app.app_context():
                _assert_spans_quote_their_documents()

    Sequences.run(settings=settings(
        max_examples=sequences, stateful_step_count=STEPS, deadline=None, database=None,
        derandomize=True, suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate], verbosity=Verbosity.quiet))
    if os.environ.get("FUZZ_REPORT"):
        print(workflow, sorted(answers.items()))
    assert sum(answers.values()) >= 2 * sequences
    assert sum(n for (_, status), n in answers.items() if status < 300) >= sequences
    # The links were followed: operations reached only through them also succeeded.
    succeeded = {operation_id for (operation_id, status), n in answers.items() if status < 300}
    assert succeeded & chosen.followed, sorted(answers.items())


# --- the harness can fail ----------------------------------------------------------------------

def test_a_server_error_fails_the_fuzzing(app, world, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("app.api.projects.visible_projects", broken)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema.find_operation_by_label("GET /api/v1/projects")
    with pytest.raises(FailureGroup) as caught:
        _fuzz(app, operation, world, Counter())
    assert any(isinstance(failure, ServerError) for failure in caught.value.exceptions)


def test_a_span_that_misquotes_its_document_fails_the_check(app, world):
    span = db.session.get(Span, world["ids"]["span_id"])
    span.text = "not what the document says"
    db.session.commit()
    with pytest.raises(AssertionError, match="misquotes"):
        _assert_spans_quote_their_documents()
    span.text, span.end = span.document.text[0:8], len(span.document.text) + 1
    db.session.commit()
    with pytest.raises(AssertionError, match=r"0\.\."):
        _assert_spans_quote_their_documents()
