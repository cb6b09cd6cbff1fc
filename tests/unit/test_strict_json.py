"""parse_json: every way json.loads fails on hostile text is one JsonRefused with a reason."""

from __future__ import annotations

import math

import pytest

from app.strict_json import JsonRefused, parse_json


@pytest.mark.parametrize(("text", "phrase"), [
    ("9" * 5000, "more than 4300 digits"),
    ('{"a": [' + "1" * 4301 + "]}", "more than 4300 digits"),
    ("1e400", "too large to store"),
    ("-1e999", "too large to store"),
    ("[NaN]", "NaN is not a JSON number"),
    ("Infinity", "Infinity is not a JSON number"),
    ("-Infinity", "-Infinity is not a JSON number"),
    ("[" * 100_000 + "]" * 100_000, "nested deeper"),
    (b"\xff\xfe\x00", "not valid JSON"),
    ("{not json", "not valid JSON"),
])
def test_hostile_json_is_refused_with_a_reason(text, phrase):
    with pytest.raises(JsonRefused) as refused:
        parse_json(text)
    assert phrase in refused.value.message


def test_the_place_of_a_syntax_error_is_given():
    with pytest.raises(JsonRefused) as refused:
        parse_json('{"a": 1,\n "b": }')
    assert (refused.value.line, refused.value.column) == (2, 7)
    assert refused.value.message.endswith("at line 2, column 7")


def test_ordinary_json_is_read_as_json_loads_reads_it():
    value = parse_json('{"n": ' + "9" * 4300 + ', "x": 1.5e308, "t": [true, null, "\\u00e9"]}')
    assert value["n"] == int("9" * 4300)
    assert math.isfinite(value["x"]) and value["t"] == [True, None, "\u00e9"]


def test_an_object_pairs_hook_still_runs_and_its_errors_pass_through():
    class Duplicate(Exception):
        pass

    def refuse_duplicates(pairs):
        if len({key for key, _ in pairs}) < len(pairs):
            raise Duplicate
        return dict(pairs)

    with pytest.raises(Duplicate):
        parse_json('{"a": 1, "a": 2}', object_pairs_hook=refuse_duplicates)


@pytest.mark.parametrize(("text", "field"), [
    ('{"meta": {"n": 1e400}}', "meta.n"),
    ('{"spans": [{"start": 1}, {"start": ' + "9" * 5000 + "}]}", "spans[1].start"),
    ('{"a": [1, 2, NaN]}', "a[2]"),
    ("[Infinity]", "[0]"),
    ("-1e999", None),  # the whole text: no field to name
])
def test_a_refused_number_is_named_by_its_path(text, field):
    with pytest.raises(JsonRefused) as refused:
        parse_json(text)
    assert refused.value.field == field
