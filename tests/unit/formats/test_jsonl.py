import datetime
import json

import pytest

from app.formats import (
    ImportedAnnotation,
    ImportedDocument,
    ImportRefused,
    read_jsonl,
    write_jsonl,
)
from app.formats.common import MAX_ERRORS
from app.scheme import default_scheme
from app.text import text_sha256

from .helpers import TEXT, annotation, document, jsonl, refusal, refusal_messages

SCHEME = default_scheme()


# --- reading valid files ----------------------------------------------------------------------


def test_reads_a_document_with_annotations_and_gold():
    gold = annotation("Résidents disagree 😀", evidence_type="eyewitness", claimant="residents")
    del gold["annotator"]
    [read] = read_jsonl(jsonl(document(gold=[gold])), SCHEME)
    assert read.external_id == "doc-1"
    assert read.title == "Twelve dead"
    assert read.text == TEXT
    assert read.url == "https://example.org/a"
    assert read.published == datetime.date(2024, 3, 5)
    assert read.meta == {"outlet": "Example Post"}
    start = TEXT.index("12 people died")
    assert read.annotations == [
        ImportedAnnotation(
            "amira",
            start,
            start + 14,
            "12 people died",
            "Ministry of Health",
            "government",
            "statistics",
            "",
        )
    ]
    assert read.gold[0].annotator is None
    assert read.gold[0].text == TEXT[read.gold[0].start : read.gold[0].end]


def test_offsets_after_an_emoji_count_code_points_not_utf16_units():
    quote = "strongly"
    [read] = read_jsonl(jsonl(document(annotations=[annotation(quote)])), SCHEME)
    assert read.annotations[0].start == TEXT.index(quote)
    utf16_start = len(TEXT[: TEXT.index(quote)].encode("utf-16-le")) // 2
    shifted = annotation(quote, start=utf16_start, end=utf16_start + len(quote))
    assert refusal(read_jsonl, jsonl(document(annotations=[shifted])), SCHEME) == [
        (1, "annotations[0].text")
    ]


def test_optional_fields_may_be_left_out_or_null():
    minimal = {"title": "T", "text": "Body"}
    with_nulls = {
        "id": None,
        "title": "T",
        "text": "Body",
        "url": None,
        "published": None,
        "meta": None,
        "annotations": None,
        "gold": None,
    }
    for line in (minimal, with_nulls):
        [read] = read_jsonl(jsonl(line), SCHEME)
        assert (read.url, read.published, read.meta, read.annotations, read.gold) == (
            "",
            None,
            {},
            [],
            [],
        )


def test_a_document_without_id_is_named_after_its_text():
    [read] = read_jsonl(jsonl({"title": "T", "text": "Body"}), SCHEME)
    assert read.external_id == "sha256-" + text_sha256("Body")[:12]


def test_integer_ids_are_read_as_strings():
    [read] = read_jsonl(jsonl(document(id=17)), SCHEME)
    assert read.external_id == "17"


def test_blank_lines_crlf_line_ends_and_a_bom_are_accepted():
    data = b"\xef\xbb\xbf\r\n" + jsonl(document()).replace(b"\n", b"\r\n") + b"\n  \n"
    [read] = read_jsonl(data, SCHEME)
    assert read.external_id == "doc-1"


def test_text_without_annotations_is_normalised_silently():
    [read] = read_jsonl(jsonl(document(text="Cafe\u0301\r\nNext", annotations=[])), SCHEME)
    assert read.text == "Caf\u00e9\nNext"


def test_title_and_claimant_are_composed_to_nfc():
    line = document(title="Cafe\u0301 ", annotations=[annotation("12", claimant="Rene\u0301")])
    [read] = read_jsonl(jsonl(line), SCHEME)
    assert read.title == "Caf\u00e9"
    assert read.annotations[0].claimant == "Ren\u00e9"


def test_line_separators_inside_strings_do_not_split_lines():
    text = "Line one\u2028still one\u0085and\u000bthis."
    [read] = read_jsonl(jsonl(document(text=text, annotations=[])), SCHEME)
    assert read.text == text


# --- refusals: each names the line and the field ----------------------------------------------


def test_empty_file_is_refused():
    assert refusal(read_jsonl, b"", SCHEME) == [(None, None)]
    assert refusal(read_jsonl, b"\n \r\n\n", SCHEME) == [(None, None)]


def test_non_utf8_bytes_are_refused_with_their_line():
    data = jsonl(document(), document(id="doc-2")) + b'{"title": "caf\xe9"}\n'
    messages = refusal_messages(read_jsonl, data, SCHEME)
    assert messages == ["line 3: the file is not UTF-8 (byte 0xE9); save it as UTF-8"]


def test_broken_json_and_non_objects_are_refused_per_line():
    data = jsonl(document()) + b'{"title": "T",\n\n[1, 2]\n"text"\n' + jsonl(document(id="x"))
    assert refusal(read_jsonl, data, SCHEME) == [(2, None), (4, None), (5, None)]


def test_nan_and_duplicate_keys_are_refused():
    data = b'{"title": "T", "text": "x", "meta": {"score": NaN}}\n{"title": "T", "title": "U"}\n'
    assert refusal(read_jsonl, data, SCHEME) == [(1, "meta.score"), (2, "title")]


def test_unpaired_surrogate_escape_is_refused_naming_the_field():
    data = b'{"title": "T", "text": "ok", "meta": {"by": "\\udc00"}}\n'
    assert refusal(read_jsonl, data, SCHEME) == [(1, "meta.by")]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": 5}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"text": ""}, "text"),
        ({"text": " \n "}, "text"),
        ({"text": ["a"]}, "text"),
        ({"id": ""}, None),  # an empty id means "no id": not an error
        ({"id": "   "}, "id"),
        ({"id": True}, "id"),
        ({"id": "x" * 201}, "id"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": 3}, "url"),
        ({"published": "5 March 2024"}, "published"),
        ({"published": "2024-3-5"}, "published"),
        ({"published": "2024-02-30"}, "published"),
        ({"published": "2024-03-05T10:00:00"}, "published"),
        ({"published": 20240305}, "published"),
        ({"meta": ["a"]}, "meta"),
        ({"annotations": {"a": 1}}, "annotations"),
        ({"gold": "none"}, "gold"),
        ({"annotation": []}, "annotation"),
    ],
)
def test_bad_document_fields_are_refused_naming_the_field(changes, field):
    data = jsonl(document(id="first"), document(**changes))
    if field is None:
        assert len(read_jsonl(data, SCHEME)) == 2
    else:
        assert refusal(read_jsonl, data, SCHEME) == [(2, field)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": "3"}, "annotations[1].start"),
        ({"start": 3.0}, "annotations[1].start"),
        ({"end": True}, "annotations[1].end"),
        ({"start": None}, "annotations[1].start"),
        ({"end": None}, "annotations[1].end"),
        ({"start": -1}, "annotations[1].start"),
        ({"start": 18, "end": 18}, "annotations[1].end"),
        ({"start": 20, "end": 18}, "annotations[1].end"),
        ({"end": len(TEXT) + 1}, "annotations[1].end"),
        ({"text": "12 people diet"}, "annotations[1].text"),
        ({"text": ""}, "annotations[1].text"),
        ({"text": None}, "annotations[1].text"),
        ({"annotator": None}, "annotations[1].annotator"),
        ({"annotator": "  "}, "annotations[1].annotator"),
        ({"annotator": "a" * 65}, "annotations[1].annotator"),
        ({"claimant": None}, "annotations[1].claimant"),
        ({"claimant": ""}, "annotations[1].claimant"),
        ({"claimant": 12}, "annotations[1].claimant"),
        ({"claimant_type": "alien"}, "annotations[1].claimant_type"),
        ({"evidence_type": "rumour"}, "annotations[1].evidence_type"),
        ({"evidence_type": None}, "annotations[1].evidence_type"),
        ({"note": 4}, "annotations[1].note"),
        ({"colour": "red"}, "annotations[1].colour"),
    ],
)
def test_bad_annotations_are_refused_naming_the_field(changes, field):
    line = document(annotations=[annotation("ministry"), annotation("12 people died", **changes)])
    assert refusal(read_jsonl, jsonl(document(id="first"), line), SCHEME) == [(2, field)]


def test_annotation_that_is_not_an_object_is_refused():
    assert refusal(read_jsonl, jsonl(document(annotations=["12"])), SCHEME) == [
        (1, "annotations[0]")
    ]


def test_gold_annotations_must_not_name_an_annotator():
    gold = annotation("12 people died")
    assert refusal(read_jsonl, jsonl(document(gold=[gold])), SCHEME) == [(1, "gold[0].annotator")]


def test_claimant_type_may_be_left_out():
    item = annotation("12 people died")
    del item["claimant_type"]
    [read] = read_jsonl(jsonl(document(annotations=[item])), SCHEME)
    assert read.annotations[0].claimant_type is None


def test_past_the_end_message_reads_like_the_documented_example():
    line = document(annotations=[annotation("12 people died", end=120)])
    assert refusal_messages(read_jsonl, jsonl(line), SCHEME) == [
        f'line 1, field "annotations[0].end": end 120 is past the end of the text '
        f"({len(TEXT)} characters)"
    ]


@pytest.mark.parametrize("text", ["Cafe\u0301 society", "one\r\ntwo"])
def test_annotated_text_that_normalisation_would_change_is_refused(text):
    quote = text[:4]
    line = document(text=text, annotations=[annotation(quote, in_text=text)])
    assert refusal(read_jsonl, jsonl(line), SCHEME) == [(1, "text")]


def test_duplicate_ids_are_refused_on_the_later_line():
    data = jsonl(document(), document(id="other"), document())
    messages = refusal_messages(read_jsonl, data, SCHEME)
    assert messages == ["line 3, field \"id\": id 'doc-1' is already used on line 1"]


def test_the_same_text_twice_without_ids_is_refused_as_a_duplicate():
    data = jsonl({"title": "A", "text": "Same"}, {"title": "B", "text": "Same"})
    assert refusal(read_jsonl, data, SCHEME) == [(2, "id")]


def test_several_problems_on_one_line_are_all_listed():
    line = document(title="", url="ftp://x", annotations=[annotation("12", evidence_type="x")])
    assert refusal(read_jsonl, jsonl(line), SCHEME) == [
        (1, "title"),
        (1, "url"),
        (1, "annotations[0].evidence_type"),
    ]


def test_refusal_stops_listing_after_the_limit():
    data = b"not json\n" * (MAX_ERRORS + 30)
    with pytest.raises(ImportRefused) as caught:
        read_jsonl(data, SCHEME)
    assert len(caught.value.errors) == MAX_ERRORS
    assert caught.value.truncated
    assert [e.line for e in caught.value.errors] == list(range(1, MAX_ERRORS + 1))


def test_a_custom_scheme_decides_which_types_are_valid():
    from app.scheme import Scheme

    scheme = Scheme.from_dict(
        {"evidence_types": [{"key": "said", "name": "Said", "colour": "#aabbcc"}]}
    )
    line = document(annotations=[annotation("12", evidence_type="said")])
    assert read_jsonl(jsonl(line), scheme)[0].annotations[0].evidence_type == "said"
    assert refusal(read_jsonl, jsonl(document()), scheme) == [(1, "annotations[0].evidence_type")]


# --- writing ----------------------------------------------------------------------------------


def test_write_then_read_gives_the_same_documents():
    gold = ImportedAnnotation(None, 0, 3, "The", "Reporter", None, "none", "gold note")
    documents = [
        ImportedDocument(
            "a",
            "Ünïcode 😀",
            TEXT,
            "https://example.org",
            datetime.date(2023, 12, 31),
            {"nested": {"k": [1, 2]}},
            [
                ImportedAnnotation(
                    "bruno",
                    4,
                    12,
                    "ministry",
                    "Ministry",
                    "government",
                    "official_statement",
                    "note\nwith line",
                )
            ],
            [gold],
        ),
        ImportedDocument("b", "Plain", "Tab\there\rlone CR\u2028and LS"),
    ]
    written = "".join(write_jsonl(documents))
    assert written.count("\n") == 2
    assert "😀" in written  # not escaped: ensure_ascii=False
    assert read_jsonl(written.encode("utf-8"), SCHEME) == documents


def test_written_lines_are_independent_json_objects():
    written = "".join(write_jsonl([ImportedDocument("a", "T", "x\ny")]))
    [line] = written.splitlines()
    assert json.loads(line)["text"] == "x\ny"
    assert json.loads(line)["published"] is None


def test_deeply_nested_json_is_refused_with_a_message_not_a_crash():
    from app.formats import ImportRefused, read_jsonl
    from app.scheme import default_scheme

    for depth in (40, 5000):
        meta = "[" * depth + "]" * depth
        line = f'{{"id": "d", "title": "T", "text": "Some text.", "meta": {{"x": {meta}}}}}'
        with pytest.raises(ImportRefused) as refused:
            read_jsonl(line.encode(), default_scheme())
        assert "nested deeper" in str(refused.value.errors[0])
