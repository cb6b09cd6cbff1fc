"""The demo content must import cleanly and show the disagreements it exists to show."""

import json

import pytest

from app.demo import DEMO_FILES, demo_path
from app.formats import read_jsonl
from app.scheme import default_scheme

ANNOTATORS = ("amira", "bruno")


@pytest.fixture(scope="module")
def documents():
    return read_jsonl(demo_path("demo.jsonl").read_bytes(), default_scheme())


@pytest.fixture(scope="module")
def registry():
    return json.loads(demo_path("claimants.json").read_text(encoding="utf-8"))


def resolve(registry, name):
    """Canonical registry name for a claimant name or alias (case-insensitive, like the app)."""
    for entry in registry:
        if name.casefold() in {n.casefold() for n in [entry["name"], *entry["aliases"]]}:
            return entry["name"]
    return None


def spans_by_annotator(document):
    return {
        annotator: [a for a in document.annotations if a.annotator == annotator]
        for annotator in ANNOTATORS
    }


def test_demo_files_exist_and_unknown_names_are_refused():
    for name in DEMO_FILES:
        assert demo_path(name).is_file()
    with pytest.raises(ValueError):
        demo_path("../secrets")


def test_three_articles_of_the_intended_length(documents):
    assert len(documents) == 3
    assert len({d.external_id for d in documents}) == 3
    for document in documents:
        assert 1800 <= len(document.text) <= 3000, document.external_id
        assert document.title and document.published is not None


def test_non_ascii_names_are_present(documents):
    texts = "".join(d.text for d in documents)
    for name in ("Élodie Marchetti", "Nurlan Qasımov", "يوسف كرم", "أمل ناصر"):
        assert name in texts


def test_registry_is_well_formed(registry):
    types = set(default_scheme().claimant_type_keys)
    names = [entry["name"] for entry in registry]
    every_name = [n.casefold() for entry in registry for n in [entry["name"], *entry["aliases"]]]
    assert len(every_name) == len(set(every_name)), "a name or alias is used twice"
    for entry in registry:
        assert set(entry) == {"name", "type", "aliases", "affiliation", "source_type"}
        assert entry["source_type"] in default_scheme().source_type_keys
        assert entry["type"] in types
        assert entry["affiliation"] is None or entry["affiliation"] in names


def test_registry_has_aliases_used_by_the_annotations(documents, registry):
    aliases = {a.casefold() for entry in registry for a in entry["aliases"]}
    used = {a.claimant.casefold() for d in documents for a in d.annotations}
    assert len(used & aliases) >= 3


def test_every_claimant_resolves_in_the_registry_with_a_matching_type(documents, registry):
    type_of = {entry["name"]: entry["type"] for entry in registry}
    for document in documents:
        for annotation in document.annotations:
            canonical = resolve(registry, annotation.claimant)
            assert canonical is not None, annotation.claimant
            assert annotation.claimant_type == type_of[canonical]


def test_both_annotators_annotate_every_document_with_8_to_14_spans(documents):
    for document in documents:
        for annotator, spans in spans_by_annotator(document).items():
            assert 8 <= len(spans) <= 14, (document.external_id, annotator, len(spans))


def test_there_is_plenty_of_exact_agreement(documents):
    for document in documents:
        by = spans_by_annotator(document)
        amira = {(a.start, a.end, a.evidence_type) for a in by["amira"]}
        bruno = {(a.start, a.end, a.evidence_type) for a in by["bruno"]}
        assert len(amira & bruno) >= 6, document.external_id


def overlapping_pairs(document):
    by = spans_by_annotator(document)
    return [(a, b) for a in by["amira"] for b in by["bruno"] if a.start < b.end and b.start < a.end]


def test_the_instructive_disagreements_are_present(documents, registry):
    pairs = [pair for document in documents for pair in overlapping_pairs(document)]
    same_extent = [(a, b) for a, b in pairs if (a.start, a.end) == (b.start, b.end)]
    boundary = [(a, b) for a, b in pairs if (a.start, a.end) != (b.start, b.end)]
    assert boundary, "a boundary difference"
    evidence_pairs = {frozenset((a.evidence_type, b.evidence_type)) for a, b in same_extent}
    assert frozenset(("official_statement", "document")) in evidence_pairs
    assert frozenset(("eyewitness", "hearsay")) in evidence_pairs
    claimant_disagreements = [
        (a, b)
        for a, b in same_extent
        if resolve(registry, a.claimant) != resolve(registry, b.claimant)
    ]
    assert claimant_disagreements, "a claimant disagreement that aliases do not explain"


def test_each_annotator_has_spans_the_other_missed(documents):
    for missing_from in ANNOTATORS:
        other = ANNOTATORS[1 - ANNOTATORS.index(missing_from)]
        lonely = [
            a
            for document in documents
            for a in spans_by_annotator(document)[other]
            if not any(
                a.start < b.end and b.start < a.end
                for b in spans_by_annotator(document)[missing_from]
            )
        ]
        assert lonely, f"{missing_from} should miss at least one span {other} found"


def test_guidelines_are_markdown_of_the_intended_length():
    lines = demo_path("guidelines.md").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    assert 40 <= len(lines) <= 80
