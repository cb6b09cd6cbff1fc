import datetime

import pytest

from app.formats import read_csv
from app.formats.common import MAX_ERRORS, ImportRefused
from app.text import text_sha256

from .helpers import refusal, refusal_messages


def csv_bytes(text: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


def test_reads_rows_with_all_known_columns_in_any_order():
    data = csv_bytes(
        "published,text,URL,Title,external_id\r\n"
        "2024-05-01,Body one,https://example.org/1,First,a-1\r\n"
        ",Body two,,Second,a-2\r\n"
    )
    first, second = read_csv(data)
    assert (first.external_id, first.title, first.text) == ("a-1", "First", "Body one")
    assert first.url == "https://example.org/1"
    assert first.published == datetime.date(2024, 5, 1)
    assert (second.url, second.published) == ("", None)
    assert first.annotations == [] and first.gold == []


def test_quoted_multi_line_cells_with_crlf_become_lf():
    data = csv_bytes('title,text\r\n"Storm","Line one\r\nLine ""two""\r\n\r\nLast"\r\nNext,x\r\n')
    storm, following = read_csv(data)
    assert storm.text == 'Line one\nLine "two"\n\nLast'
    assert following.title == "Next"


def test_byte_order_mark_is_ignored():
    [read] = read_csv(csv_bytes("title,text\nA,B\n", bom=True))
    assert read.title == "A"


def test_text_is_normalised_and_non_ascii_survives():
    [read] = read_csv(csv_bytes('title,text\n"Qasımov","Élodie and Cafe\u0301 😀 قالت"\n'))
    assert read.text == "Élodie and Caf\u00e9 😀 قالت"
    assert read.title == "Qasımov"


def test_unknown_columns_are_kept_in_meta_when_not_empty():
    first, second = read_csv(csv_bytes("title,text,Outlet,author\nA,B,Post,\nC,D,,Ann\n"))
    assert first.meta == {"Outlet": "Post"}
    assert second.meta == {"author": "Ann"}


def test_missing_id_is_derived_from_the_text():
    [read] = read_csv(csv_bytes("title,text\nA,Body\n"))
    assert read.external_id == "sha256-" + text_sha256("Body")[:12]


def test_blank_rows_are_skipped():
    documents = read_csv(csv_bytes("title,text\n\nA,B\n,\n\nC,D\n"))
    assert [d.title for d in documents] == ["A", "C"]


def test_empty_file_and_header_only_are_refused():
    assert refusal(read_csv, b"") == [(None, None)]
    assert refusal(read_csv, b"\n\n") == [(None, None)]
    assert refusal(read_csv, b"title,text\n") == [(None, None)]


def test_header_must_name_title_and_text():
    assert refusal(read_csv, csv_bytes("headline,body\nA,B\n")) == [(1, "title"), (1, "text")]


def test_header_errors_name_the_line_the_header_is_on():
    assert refusal(read_csv, csv_bytes("\n\r\nheadline,text\nA,B\n")) == [(3, "title")]


def test_header_with_duplicate_or_empty_names_is_refused():
    assert refusal(read_csv, csv_bytes("title,text,Title\nA,B,C\n")) == [(1, "title")]
    assert refusal(read_csv, csv_bytes("title,,text\nA,B,C\n")) == [(1, "column 2")]


def test_errors_name_the_line_where_the_record_starts():
    data = csv_bytes('title,text,published\nA,"two\nlines",2024-01-01\nB,C,01/02/2024\n')
    assert refusal(read_csv, data) == [(4, "published")]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (",Body,,,", "title"),
        ("Title,  ,,,", "text"),
        ("Title,Body,id,javascript:x,", "url"),
        ("Title,Body,id,,2024-02-31", "published"),
        ("Title,Body,id,,yesterday", "published"),
        ("Title,Body,id,,,extra", None),
        ("Title,Body,id", None),
        ("Title,Body,dup,,", "external_id"),
    ],
)
def test_bad_rows_are_refused_naming_line_and_field(row, field):
    data = csv_bytes(f"title,text,external_id,url,published\nFirst,One,dup,,\n{row}\n")
    assert refusal(read_csv, data) == [(3, field)]


def test_row_length_message_counts_cells():
    messages = refusal_messages(read_csv, csv_bytes("title,text\nA,B,C\n"))
    assert messages == ["line 2: the row has 3 cells but the header has 2"]


def test_non_utf8_is_refused_with_its_line():
    assert refusal(read_csv, b"title,text\nA,B\nC,caf\xe9\n") == [(3, None)]


def test_malformed_quoting_is_refused():
    assert refusal(read_csv, csv_bytes('title,text\nA,"unclosed\n')) == [(2, None)]
    assert refusal(read_csv, csv_bytes('title,text\nA,"closed"junk\n')) == [(2, None)]


def test_many_bad_rows_stop_at_the_limit():
    data = csv_bytes("title,text\n" + ",x\n" * (MAX_ERRORS + 5))
    with pytest.raises(ImportRefused) as caught:
        read_csv(data)
    assert len(caught.value.errors) == MAX_ERRORS
    assert caught.value.truncated
