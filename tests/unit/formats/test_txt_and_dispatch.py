import pytest

from app.formats import SUPPORTED_EXTENSIONS, ImportRefused, read_any, read_txt
from app.formats.common import MAX_TITLE_LENGTH
from app.scheme import default_scheme

from .helpers import document, jsonl, refusal

SCHEME = default_scheme()


# --- TXT --------------------------------------------------------------------------------------


def test_txt_title_is_first_non_blank_line_and_text_is_the_whole_file():
    data = "\r\n  \r\n  Dam breach: toll disputed \r\nBody\u00a0text\tand more.\r\n".encode()
    read = read_txt(data, "dam-breach.txt")
    assert read.title == "Dam breach: toll disputed"
    assert read.text == "\n  \n  Dam breach: toll disputed \nBody\u00a0text\tand more.\n"
    assert read.external_id == "dam-breach"


def test_txt_id_drops_folders_and_only_the_last_extension():
    assert read_txt(b"T", "uploads/2024/report.v2.txt").external_id == "report.v2"
    assert read_txt(b"T", "C:\\news\\story.TXT").external_id == "story"


def test_txt_text_is_normalised():
    assert read_txt("Cafe\u0301\r\n".encode(), "a.txt").text == "Caf\u00e9\n"


def test_txt_overlong_first_line_is_cut_for_the_title():
    read = read_txt(("word " * 300).encode(), "long.txt")
    assert len(read.title) == MAX_TITLE_LENGTH
    assert read.title.endswith("…")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n"])
def test_txt_empty_or_blank_file_is_refused(data):
    assert refusal(read_txt, data, "a.txt") == [(None, "text")]


def test_txt_non_utf8_is_refused_with_its_line():
    assert refusal(read_txt, b"Title\nline two\n\x80", "a.txt") == [(3, None)]


def test_txt_with_a_bom_does_not_keep_it():
    assert read_txt(b"\xef\xbb\xbfTitle\n", "a.txt").title == "Title"


# --- read_any ---------------------------------------------------------------------------------


def test_read_any_dispatches_on_extension_ignoring_case():
    assert read_any("a.JSONL", jsonl(document()), SCHEME)[0].external_id == "doc-1"
    assert read_any("a.ndjson", jsonl(document()), SCHEME)[0].external_id == "doc-1"
    assert read_any("a.Csv", b"title,text\nA,B\n", SCHEME)[0].title == "A"
    [read] = read_any("notes.txt", b"Heading\nBody", SCHEME)
    assert (read.external_id, read.title) == ("notes", "Heading")


@pytest.mark.parametrize("filename", ["report.pdf", "README", "archive.jsonl.gz", "data.xlsx"])
def test_read_any_refuses_unknown_extensions_naming_the_file(filename):
    with pytest.raises(ImportRefused) as caught:
        read_any(filename, b"{}", SCHEME)
    [error] = caught.value.errors
    assert error.file == filename
    assert str(error).startswith(f'file "{filename}": unsupported file type')
    assert all(extension in str(error) for extension in SUPPORTED_EXTENSIONS)


def test_read_any_adds_the_file_name_to_every_error():
    with pytest.raises(ImportRefused) as caught:
        read_any("batch.jsonl", b"oops\n" + jsonl(document(title="")), SCHEME)
    assert [str(e).split(":")[0] for e in caught.value.errors] == [
        'file "batch.jsonl", line 1',
        'file "batch.jsonl", line 2, field "title"',
    ]
    assert 'file "batch.jsonl", line 2, field "title": must not be empty' in str(caught.value)
