"""Query strings are validated by the operation's query schema (app/api/schemas.py): a bad
value is a 422 naming the parameter, an empty one counts as absent, unknown ones are ignored."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from app.agreement_views.service import options_from_args as agreement_options_from_args
from app.api.schemas import AgreementQuery, ExportQuery
from app.errors import ServiceError
from app.extensions import db
from app.models import GoldSpan
from app.transfer.export import options_from_args as export_options_from_args


@pytest.mark.parametrize("query, field", [
    ("claimant=9999999999", "claimant"),  # beyond a 32-bit id: never a database error
    ("claimant=abc", "claimant"),
    ("status=done", "status"),
    ("kind=everything", "kind"),
    ("annotator=a%00b", "annotator"),  # NUL: no column can hold it
])
def test_bad_review_queue_filter_is_422_naming_it(api, world, query, field):
    response = api.get("boss", f"/api/v1/projects/{world.project.id}/review?{query}")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["field"] == field


def test_empty_and_unknown_query_values_are_ignored(api, world):
    url = f"/api/v1/projects/{world.project.id}/review?status=&kind=&claimant=&colour=red"
    assert api.get("boss", url).status_code == 200
    response = api.get("boss", f"/api/v1/projects/{world.project.id}/registry?status=")
    assert response.status_code == 200


@pytest.mark.parametrize("query, field", [("status=maybe", "status"), ("q=%00", "q")])
def test_bad_registry_query_is_422(api, world, query, field):
    response = api.get("boss", f"/api/v1/projects/{world.project.id}/registry?{query}")
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_claimant_search_refuses_a_nul_and_alias_removal_too(api, world):
    response = api.get("alice", f"/api/v1/projects/{world.project.id}/claimants?q=Mo%00D")
    assert (response.status_code, response.get_json()["field"]) == (422, "q")
    response = api.delete("boss", f"/api/v1/claimants/{world.ministry.id}/aliases?alias=M%00")
    assert (response.status_code, response.get_json()["field"]) == (422, "alias")


def test_gold_delete_version_from_the_query_is_a_bounded_integer(api, world):
    gold = GoldSpan(document=world.document, start=4, end=12, text=world.document.text[4:12],
                    claimant=world.ministry, evidence_type="official_statement")
    db.session.add(gold)
    db.session.commit()
    gold_id = gold.id
    url = f"/api/v1/gold/{gold_id}"
    for query in ("?version=9999999999", "?version=x", ""):
        response = api.delete("rev", url + query)
        assert (response.status_code, response.get_json()["field"]) == (422, "version"), query
    assert api.delete("rev", url + "?version=1").status_code == 204
    assert db.session.get(GoldSpan, gold_id) is None


# --- export and agreement: the schema validates, the option readers agree with it ----------

def export_url(world, query: str = "") -> str:
    return f"/api/v1/projects/{world.project.id}/export" + (f"?{query}" if query else "")


def get_whole(api, username: str, url: str):
    """A GET whose streamed file is read while its request is current (the API caller
    returns after the request's context has ended, where a stream could not finish)."""
    headers = {"Authorization": f"Bearer {api.token_for(username)}"}
    with api.app.app_context():
        return api.client.get(url, headers=headers, buffered=True)


def agreement_url(world, query: str = "") -> str:
    return f"/api/v1/projects/{world.project.id}/agreement" + (f"?{query}" if query else "")


@pytest.mark.parametrize("query, field", [
    ("format=docx", "format"),
    ("format=%20csv", "format"),  # exactly a listed value, as the description says
    ("layer=everything", "layer"),
    ("scope=drafts", "scope"),
    ("documents=doc-1%00", "documents"),
    ("documents=" + ",".join(f"d{n}" for n in range(1001)), "documents"),  # over the limit
])
def test_bad_export_parameter_is_422_naming_it(api, world, query, field):
    response = get_whole(api, "boss", export_url(world, query))
    assert response.status_code == 422, response.get_data(as_text=True)[:200]
    assert response.get_json()["field"] == field
    if "%00" not in query:  # a NUL is refused before any route (app/security.py)
        # Refused by the schema (read_query's words), not by a reader of its own.
        assert response.get_json()["error"].startswith(f"{field}: ")


def test_export_of_a_document_not_in_the_project_is_422_naming_documents(api, world):
    response = get_whole(api, "boss", export_url(world, "documents=doc-1,no-such-document"))
    assert (response.status_code, response.get_json()["field"]) == (422, "documents")
    assert "no-such-document" in response.get_json()["error"]


def test_good_export_parameters_choose_the_file(api, world):
    external_id = world.document.external_id
    response = get_whole(api, "boss", export_url(world, f"format=jsonl&scope=all&"
                                                  f"documents=,{external_id},{external_id}"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert world.document.title in body and "Quiet day" not in body
    response = get_whole(api, "boss", export_url(world, "format=csv&excel=YES"))
    assert response.status_code == 200
    assert response.get_data().startswith("\ufeffdocument_id,".encode())  # excel: the BOM
    plain = get_whole(api, "boss", export_url(world, "format=csv&excel=no"))
    assert plain.get_data().startswith(b"document_id,")
    # Annotators get their own layer when they name none, and are refused another's.
    assert get_whole(api, "alice", export_url(world, "layer=")).status_code == 200
    assert get_whole(api, "alice", export_url(world, "layer=all")).status_code == 403


@pytest.mark.parametrize("query, field", [
    ("mode=fuzzy", "mode"),
    ("documents=abc", "documents"),
    ("documents=99999999999", "documents"),  # beyond a 32-bit id: never a database error
    ("documents=1&documents=x", "documents"),  # every repeated value is read
    ("annotators=al%00ice", "annotators"),
])
def test_bad_agreement_parameter_is_422_naming_it(api, world, query, field):
    response = api.get("rev", agreement_url(world, query))
    assert response.status_code == 422, response.get_data(as_text=True)[:200]
    assert response.get_json()["field"] == field
    if "%00" not in query:  # a NUL is refused before any route (app/security.py)
        assert response.get_json()["error"].startswith(f"{field}: ")  # the schema's words


def test_agreement_for_someone_not_annotating_the_project_is_422_naming_them(api, world):
    response = api.get("rev", agreement_url(world, "annotators=alice&annotators=nobody"))
    assert (response.status_code, response.get_json()["field"]) == (422, "annotators")
    assert "nobody" in response.get_json()["error"]


def test_agreement_reads_repeated_and_comma_separated_lists(api, world):
    both = api.get("rev", agreement_url(
        world, "annotators=alice&annotators=bob&include_unsubmitted=on&mode=exact"))
    assert both.status_code == 200, both.get_json()
    assert (both.get_json()["annotators"], both.get_json()["mode"]) == (["alice", "bob"], "exact")
    alone = api.get("rev", agreement_url(world, "annotators=alice,&include_unsubmitted=1"))
    assert alone.get_json()["annotators"] == ["alice"]
    # Unsubmitted work counts only when the switch is on.
    off = api.get("rev", agreement_url(world, "include_unsubmitted=off&documents="
                                              f"{world.document.id},{world.document.id}"))
    assert off.status_code == 200 and off.get_json()["annotators"] == []


def _operation(client, path: str) -> dict:
    return client.get("/api/v1/openapi.json").get_json()["paths"][path]["get"]


@pytest.mark.parametrize("path, schema", [
    ("/api/v1/projects/{project_id}/export", ExportQuery),
    ("/api/v1/projects/{project_id}/agreement", AgreementQuery),
])
def test_description_lists_exactly_the_parameters_the_schema_validates(client, path, schema):
    shown = {parameter["name"] for parameter in _operation(client, path)["parameters"]
             if parameter["in"] == "query"}
    assert shown == set(schema.model_fields)


@pytest.mark.parametrize("path, url", [
    ("/api/v1/projects/{project_id}/export", export_url),
    ("/api/v1/projects/{project_id}/agreement", agreement_url),
])
def test_each_listed_choice_is_accepted_and_any_other_refused(api, client, world, path, url):
    choices = {parameter["name"]: parameter["schema"]["enum"]
               for parameter in _operation(client, path)["parameters"]
               if "enum" in parameter["schema"]}
    assert choices  # format, layer, scope; mode
    for name, values in choices.items():
        for value in values:
            response = get_whole(api, "boss", url(world, f"{name}={value}&scope=all"))
            assert response.status_code == 200, (name, value, response.get_data()[:200])
        response = get_whole(api, "boss", url(world, f"{name}=x{values[0]}"))
        assert (response.status_code, response.get_json()["field"]) == (422, name)


@pytest.mark.parametrize("args", [
    {}, {"format": "csv", "layer": "gold", "scope": "all"}, {"format": "xlsx"},
    {"layer": "every"}, {"scope": ""}, {"documents": "a, b\nc,a"}, {"documents": " , "},
    {"documents": ",".join(map(str, range(1001)))}, {"excel": " On "}, {"excel": "y"},
])
def test_export_reader_of_the_page_and_cli_agrees_with_the_api_schema(args):
    assert _outcome(lambda: export_options_from_args(args)) == _outcome(
        lambda: ExportQuery.model_validate(ExportQuery.arguments(MultiDict(args))).options())


@pytest.mark.parametrize("args", [
    [], [("mode", "exact")], [("mode", "fuzzy")], [("mode", "")],
    [("annotators", "b,a"), ("annotators", "c, a")], [("annotators", ",")],
    [("documents", "3,1"), ("documents", "2")], [("documents", "1e3")], [("documents", "²")],
    [("documents", str(2**31))], [("include_unsubmitted", "TRUE")],
    [("include_unsubmitted", "0")],
])
def test_agreement_reader_of_the_page_and_cli_agrees_with_the_api_schema(args):
    args = MultiDict(args)
    assert _outcome(lambda: agreement_options_from_args(args)) == _outcome(
        lambda: AgreementQuery.model_validate(AgreementQuery.arguments(args)).options())


def _outcome(read):
    """The options read, or the field a refusal names."""
    try:
        return read()
    except ServiceError as error:
        return ("refused", error.field)
    except ValidationError as error:
        return ("refused", str(error.errors()[0]["loc"][0]))


def test_gold_list_reads_its_rejected_switch_as_the_export_and_agreement_do(api, world):
    text = world.document.text
    for start, end, rejected in ((4, 12, False), (18, 20, True)):
        db.session.add(GoldSpan(document=world.document, start=start, end=end,
                                text=text[start:end], claimant=world.ministry,
                                evidence_type="official_statement", rejected=rejected))
    db.session.commit()
    url = f"/api/v1/documents/{world.document.id}/gold"
    for query, shown in (("", [False]), ("?rejected=no", [False]), ("?rejected=", [False]),
                         ("?rejected=ON", [False, True]), ("?rejected=1", [False, True])):
        response = api.get("rev", url + query)
        assert sorted(gold["rejected"] for gold in response.get_json()) == shown, query
