import copy
import json

import pytest

from app.scheme import EvidenceType, Scheme, SchemeError, default_scheme

EXPECTED_EVIDENCE_KEYS = (
    "official_statement",
    "eyewitness",
    "expert",
    "document",
    "statistics",
    "photo_video",
    "anonymous",
    "hearsay",
    "none",
)
EXPECTED_CLAIMANT_TYPE_KEYS = (
    "government",
    "military",
    "political_group",
    "ngo",
    "international_body",
    "media",
    "witness",
    "expert",
    "anonymous",
    "other",
)


def relative_luminance(colour: str) -> float:
    # WCAG 2.1 definition of relative luminance (sRGB channels linearised).
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def minimal_scheme_dict() -> dict:
    return {
        "evidence_types": [
            {"key": "said", "name": "Said", "colour": "#AABBCC", "hotkey": "s"},
            {"key": "shown", "name": "Shown", "colour": "#ccbbaa"},
        ]
    }


# --- the default scheme -----------------------------------------------------------------------


def test_default_evidence_keys_and_hotkeys_are_in_the_agreed_order():
    scheme = default_scheme()
    assert scheme.evidence_keys == EXPECTED_EVIDENCE_KEYS
    assert [e.hotkey for e in scheme.evidence_types] == [str(n) for n in range(1, 10)]


def test_default_claimant_type_keys():
    assert default_scheme().claimant_type_keys == EXPECTED_CLAIMANT_TYPE_KEYS
    assert all(c.name for c in default_scheme().claimant_types)


def test_every_default_evidence_type_has_a_definition_and_a_rule_naming_a_neighbour():
    keys = set(EXPECTED_EVIDENCE_KEYS)
    for evidence in default_scheme().evidence_types:
        assert evidence.name and evidence.definition and evidence.rule
        mentioned = {key for key in keys - {evidence.key} if key in evidence.rule}
        assert mentioned, f"{evidence.key}: the rule should say which neighbour it is not"


def test_default_colours_are_distinct_light_and_readable_under_black_text():
    colours = [e.colour for e in default_scheme().evidence_types]
    assert len(set(colours)) == len(colours)
    for colour in colours:
        contrast_with_black = (relative_luminance(colour) + 0.05) / 0.05
        assert contrast_with_black >= 7, colour  # WCAG 2.1 AAA for normal text


def test_default_scheme_survives_from_dict_and_json():
    scheme = default_scheme()
    assert Scheme.from_dict(json.loads(json.dumps(scheme.to_dict()))) == scheme


def test_evidence_type_lookup():
    assert default_scheme().evidence_type("document").name == "Document"
    with pytest.raises(KeyError):
        default_scheme().evidence_type("rumour")


# --- from_dict --------------------------------------------------------------------------------


def test_from_dict_reads_a_minimal_scheme_and_fills_defaults():
    scheme = Scheme.from_dict(minimal_scheme_dict())
    assert scheme.evidence_keys == ("said", "shown")
    assert scheme.evidence_types[0] == EvidenceType("said", "Said", "", "", "#aabbcc", "s")
    assert scheme.evidence_types[1].hotkey == ""
    assert scheme.claimant_type_keys == EXPECTED_CLAIMANT_TYPE_KEYS


def test_from_dict_reads_custom_claimant_types():
    data = minimal_scheme_dict()
    data["claimant_types"] = [{"key": "person", "name": "Person"}]
    assert Scheme.from_dict(data).claimant_type_keys == ("person",)


def with_change(path: tuple, value) -> dict:
    data = copy.deepcopy(minimal_scheme_dict())
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ([], "", "JSON object"),
        ({}, "evidence_types", "required"),
        ({"evidence_types": []}, "evidence_types", "non-empty list"),
        ({"evidence_types": "said"}, "evidence_types", "non-empty list"),
        ({"evidence_types": ["said"]}, "evidence_types[0]", "object"),
        (with_change(("evidence_types", 0, "key"), "Said"), "evidence_types[0].key", "lowercase"),
        (with_change(("evidence_types", 0, "key"), "1st"), "evidence_types[0].key", "lowercase"),
        (with_change(("evidence_types", 0, "key"), "a-b"), "evidence_types[0].key", "lowercase"),
        (with_change(("evidence_types", 1, "key"), "said"), "evidence_types[1].key", "already"),
        (with_change(("evidence_types", 0, "name"), " "), "evidence_types[0].name", "empty"),
        (with_change(("evidence_types", 0, "name"), 3), "evidence_types[0].name", "string"),
        (with_change(("evidence_types", 0, "colour"), "red"), "evidence_types[0].colour", "#rr"),
        (with_change(("evidence_types", 0, "colour"), "#abc"), "evidence_types[0].colour", "#rr"),
        (with_change(("evidence_types", 0, "hotkey"), "ab"), "evidence_types[0].hotkey", "single"),
        (with_change(("evidence_types", 0, "hotkey"), " "), "evidence_types[0].hotkey", "single"),
        (with_change(("evidence_types", 1, "hotkey"), "s"), "evidence_types[1].hotkey", "already"),
        (
            with_change(("evidence_types", 0, "color"), "#abcdef"),
            "evidence_types[0].color",
            "unknown",
        ),
        (with_change(("claimant_types",), []), "claimant_types", "non-empty"),
        (with_change(("claimant_types",), [{"key": "x"}]), "claimant_types[0].name", "required"),
        (
            with_change(
                ("claimant_types",), [{"key": "x", "name": "X"}, {"key": "x", "name": "Y"}]
            ),
            "claimant_types[1].key",
            "already",
        ),
        (with_change(("evidence_types", 0, "hotkey"), 1), "evidence_types[0].hotkey", "single"),
        (with_change(("extra",), 1), "extra", "unknown"),
    ],
)
def test_from_dict_refuses_bad_schemes_naming_the_field(data, field, words):
    with pytest.raises(SchemeError) as caught:
        Scheme.from_dict(data)
    assert caught.value.field == field
    assert words in caught.value.message
    assert f'field "{field}"' in str(caught.value)


def test_several_types_may_have_no_hotkey():
    data = minimal_scheme_dict()
    data["evidence_types"][0]["hotkey"] = ""
    assert [e.hotkey for e in Scheme.from_dict(data).evidence_types] == ["", ""]


def test_source_types_default_to_the_credibility_signals_list_and_can_be_replaced():
    data = default_scheme().to_dict()
    assert [s["key"] for s in data["source_types"]] == [
        "named_expert", "study", "organisation", "official", "participant", "anonymous",
        "document"]
    del data["source_types"]
    assert Scheme.from_dict(data).source_types == default_scheme().source_types
    data["source_types"] = [{"key": "wire", "name": "Wire service"}]
    assert Scheme.from_dict(data).source_type_keys == ("wire",)
    data["source_types"] = [{"key": "wire", "name": "A"}, {"key": "wire", "name": "B"}]
    with pytest.raises(SchemeError) as error:
        Scheme.from_dict(data)
    assert error.value.field == "source_types[1].key"
