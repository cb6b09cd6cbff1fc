"""The Downloads page: every format downloads from the form, and each file opens."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from tests.browser.helpers import unique

TEXT = ("🇺🇦 The ministry said 😀 12 people died. قال المتحدث إن السد انهار. "
        "The q\u0323uarry owner denied it.")
FORMATS = ("jsonl", "csv", "csv-documents", "json", "brat", "w3c", "xmi", "labelstudio", "conll",
           "agreement-json", "agreement-csv")


@pytest.fixture
def annotated(seed):
    name = unique("Downloads")
    seeded = seed.project(name, {"dl_boss": "manager", "dl_ann": "annotator"}, TEXT,
                          assign=("dl_ann",))
    seed.document(seeded.project_id, "doc-2", "Another article, 😀 with nothing marked.",
                  assign=("dl_ann",))
    claimant = seed.claimant(seeded.project_id, "Ministry of Water", aliases=("MoW",))
    start = TEXT.index("ministry")
    seed.span(seeded.document_id, "dl_ann", start, start + 8, claimant)
    arabic = TEXT.index("قال")
    seed.span(seeded.document_id, "dl_ann", arabic, arabic + 11, claimant, "statistics")
    return seeded


def check_opens(fmt: str, data: bytes) -> None:
    if fmt in ("brat", "xmi"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert archive.testzip() is None
        assert any(name.endswith(".ann" if fmt == "brat" else ".xmi")
                   for name in archive.namelist())
    elif fmt in ("json", "w3c", "labelstudio"):
        assert json.loads(data)
    elif fmt == "agreement-json":
        json.loads(data)  # null when nothing is submitted yet
    elif fmt == "agreement-csv":
        assert data.decode().startswith("measure,value")
    elif fmt == "jsonl":
        lines = [json.loads(line) for line in data.decode().splitlines()]
        assert any(line.get("title") for line in lines)
    elif fmt == "csv":
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert header[:3] == ["document_id", "title", "layer"]
    elif fmt == "csv-documents":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0][:3] == ["external_id", "title", "text"] and len(rows) == 3
    else:
        assert "\tB-official_statement" in data.decode()


def test_manager_downloads_every_format_from_the_page(open_page, annotated):
    page = open_page("dl_boss", f"/projects/{annotated.project_id}/downloads")
    page.select_option("#scope", "all")
    for fmt in FORMATS:
        page.select_option("#format", fmt)
        with page.expect_download() as info:
            page.click("form.download-form button[type=submit]")
        download = info.value
        assert download.suggested_filename.startswith("downloads-")
        assert download.failure() is None
        check_opens(fmt, open(download.path(), "rb").read())
    assert page.js_errors == [] and page.csp_violations == []


def test_annotator_downloads_own_work_only(open_page, annotated):
    page = open_page("dl_ann", f"/projects/{annotated.project_id}/downloads")
    layers = page.locator("#layer option").all_inner_texts()
    assert layers == ["My own spans"]
    page.select_option("#scope", "all")
    with page.expect_download() as info:
        page.click("form.download-form button[type=submit]")
    assert "_annotators_" in info.value.suggested_filename
    lines = [json.loads(line) for line in open(info.value.path(), encoding="utf-8")]
    spans = [a for line in lines for a in line.get("annotations", [])]
    assert {a["annotator"] for a in spans} == {"dl_ann"} and len(spans) == 2
