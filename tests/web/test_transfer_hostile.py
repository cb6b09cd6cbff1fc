"""The hostile corpus is inert in every export format (issue 14, item 5).

Script tags, event handlers, `javascript:` URLs, spreadsheet formula starts (`=`, `+`, `-`,
`@`, tab, CR), bidirectional overrides, zero-width and other control characters (no NUL, which
no column holds) are put into article text, titles, document ids, claimant names, notes,
scheme labels, usernames and the project name; then each format is downloaded and opened by
the tool a reader would use: CSV cells are neutralised and read back exactly, JSON parses and
keeps every text exactly, zip members stay in their folder, XMI is well-formed XML, the W3C
collection expands as JSON-LD, CoNLL keeps one token a line, and the file name is plain ASCII.
"""

from __future__ import annotations

import csv
import io
import json
import pathlib
import re
import xml.etree.ElementTree as ElementTree
import zipfile

import pytest
from pyld import jsonld

from app.extensions import db
from app.formats.csv_format import restore_cell
from app.formats.w3c import CONTEXT
from app.models import GoldSpan, Project, User

SCRIPT = "<script>alert('s')</script>"
IMAGE = "<img src=x onerror=alert('i')>"
LINK = "javascript:alert('j')"
CONTROLS = "\u202egnp.exe\u200b\u200f\x01\x1b[2J\x7f\x85\u2028\x0b\x0c"
FORMULAS = ("=HYPERLINK(\"http://x\")", "+1+1", "-2-2", "@SUM(A1)", "\tTab", "\rCR")
TEXT = (f"Officials said {SCRIPT} and {IMAGE}. See {LINK} now.\n"
        + " ".join(f"{cell} said" for cell in FORMULAS)
        + f" plain {CONTROLS} end 😀 قال المتحدث.")
TITLE = f"{FORMULAS[0]} {SCRIPT}{CONTROLS}\"quoted\""
DOCUMENT_ID = "../../etc/passwd\u202e\n# layer = injected\u2028x"
USERNAMES = ("<script>alert('u')</script>", "../evil", "=cmd|'/C calc'!A0", "a/b", "a_b")
CLAIMANTS = ("=HYPERLINK(\"javascript:alert(1)\")", f"Evil\nclaimant {SCRIPT}", "@SUM(1)",
             f"-minus {CONTROLS}")
NOTE = f"+note\r\n=2 {IMAGE} {LINK}{CONTROLS}"
FORMATS = ("jsonl", "json", "csv", "csv-documents", "brat", "w3c", "xmi", "labelstudio",
           "conll", "agreement-json", "agreement-csv")
ANNO_CONTEXT = pathlib.Path(__file__).parents[1] / "unit" / "formats" / "data" / "anno.jsonld"


@pytest.fixture
def hostile(make):
    project = make.project("Boss project", boss="manager")
    project.name = f"Alpha {SCRIPT}\r\n=cmd ../../x \"q\""
    scheme = dict(project.scheme)
    scheme["evidence_types"] = [dict(item) for item in scheme["evidence_types"]]
    scheme["evidence_types"][0]["name"] = f"Statement {IMAGE}\n[labels]\nevil | {SCRIPT}"
    project.scheme = scheme
    db.session.commit()
    for name in USERNAMES:
        make.user(name)
    from app.projects.service import set_member

    users = [db.session.query(User).filter_by(username=name).one() for name in USERNAMES]
    for user in users:
        set_member(project, user, "annotator")
    db.session.commit()
    document = make.document(project, TEXT, title=TITLE, assign=USERNAMES, status="submitted")
    document.external_id = DOCUMENT_ID
    claimants = [make.claimant(project, name, "government") for name in CLAIMANTS]
    for index, cell in enumerate(FORMULAS):
        start = TEXT.index(cell)
        make.span(document, users[index % len(users)], start, start + len(cell) + 5,
                  claimants[index % len(claimants)], "official_statement", note=NOTE)
    start = TEXT.index(SCRIPT)
    make.span(document, users[0], start, start + len(SCRIPT), claimants[1], note=NOTE)
    db.session.add(GoldSpan(document=document, start=start, end=start + len(SCRIPT),
                            text=SCRIPT, claimant=claimants[0], evidence_type="statistics",
                            note=NOTE, provenance="adjudicated"))
    db.session.commit()
    return project


def download(client, auth, project: Project, fmt: str):
    auth.login("boss")
    response = client.get(f"/projects/{project.id}/downloads/file",
                          query_string={"format": fmt, "layer": "all", "scope": "all"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def spans_in(records: list[dict]) -> list[dict]:
    return [s for r in records for s in (*r.get("annotations", ()), *r.get("gold", ()))]


def check_exact_documents(records: list[dict]) -> None:
    [document] = [r for r in records if "text" in r]
    assert (document["id"], document["title"], document["text"]) == (DOCUMENT_ID, TITLE, TEXT)
    spans = spans_in([document])
    assert len(spans) == len(FORMULAS) + 2
    assert all(TEXT[s["start"]:s["end"]] == s["text"] and s["note"] == NOTE for s in spans)
    assert {s["claimant"] for s in spans} == set(CLAIMANTS)
    assert {s["annotator"] for s in document["annotations"]} == set(USERNAMES)


def check_csv_cells(rows: list[list[str]]) -> None:
    """Every cell a spreadsheet would run is neutralised: none starts with a formula
    character, unless it is a plain number (the agreement report's negative figures)."""
    for row in rows:
        for cell in row:
            if re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", cell):
                continue
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (cell, row)


def check_member_names(archive: zipfile.ZipFile) -> list[str]:
    names = archive.namelist()
    for name in names:
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name and ".." not in parts, name
        assert all(part and not part.startswith(".") for part in parts), name
        assert re.fullmatch(r"[\w./-]+", name, re.ASCII), name
    return names


def check_jsonl(data: bytes) -> None:
    records = [json.loads(line) for line in data.decode("utf-8").split("\n") if line]
    check_exact_documents(records)
    names = {r["claimant"]["name"] for r in records if "claimant" in r}
    assert names == set(CLAIMANTS)


def check_json(data: bytes) -> None:
    export = json.loads(data)
    check_exact_documents(export["documents"])
    assert export["project"].startswith(f"Alpha {SCRIPT}")


def check_csv(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    check_csv_cells(rows)
    header, body = rows[0], rows[1:]
    assert len(body) == len(FORMULAS) + 2  # one row a span: no line break made a row
    column = {name: header.index(name) for name in header}
    for row in body:
        start, end = int(row[column["start"]]), int(row[column["end"]])
        assert restore_cell(row[column["text"]]) == TEXT[start:end]
        assert restore_cell(row[column["note"]]) == NOTE
        assert restore_cell(row[column["title"]]) == TITLE
        assert restore_cell(row[column["claimant"]]) in CLAIMANTS
        assert row[column["document_id"]] == DOCUMENT_ID


def check_csv_documents(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    check_csv_cells(rows)
    assert len(rows) == 2
    assert [restore_cell(cell) for cell in rows[1][:3]] == [DOCUMENT_ID, TITLE, TEXT]


def check_brat(data: bytes) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = check_member_names(archive)
    folders = {name.split("/")[0] for name in names if "/" in name}
    # Five annotators (two whose names make the same file name) and gold: six folders.
    assert len(folders) == len(USERNAMES) + 1 and "gold" in folders
    for name in names:
        if name.endswith(".ann"):
            for line in archive.read(name).decode().splitlines():
                assert not line or re.match(r"[TA#]\d+\t", line), (name, line)
    visual = archive.read("visual.conf").decode().split("\n")
    assert visual.count("[labels]") == 1  # a label's line break did not open a section
    texts = [archive.read(n).decode() for n in names if n.endswith(".txt")]
    assert texts and all(text == TEXT for text in texts)


def check_w3c(data: bytes) -> None:
    collection = json.loads(data)
    items = collection["first"]["items"]
    assert items[0]["target"]["source"]["value"] == TEXT
    assert {i["target"]["selector"][1]["exact"] for i in items} == \
        {TEXT[i["target"]["selector"][0]["start"]:i["target"]["selector"][0]["end"]]
         for i in items}
    context = json.loads(ANNO_CONTEXT.read_text())

    def local_only(url, options=None):
        assert url.rstrip("/") == CONTEXT, f"tried to fetch {url}"
        return {"contextUrl": None, "documentUrl": url, "document": context}

    [expanded] = jsonld.expand(collection, {"documentLoader": local_only})
    page = expanded["http://www.w3.org/ns/activitystreams#first"][0]
    assert len(page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]) == len(items)


def check_xmi(data: bytes) -> None:
    from cassis import load_cas_from_xmi, load_typesystem

    archive = zipfile.ZipFile(io.BytesIO(data))
    names = check_member_names(archive)
    system = load_typesystem(archive.read("TypeSystem.xml").decode())
    xmis = [name for name in names if name.endswith(".xmi")]
    assert len({name.split("/")[0] for name in xmis}) == len(USERNAMES) + 1
    for name in xmis:
        content = archive.read(name)
        ElementTree.fromstring(content)  # well-formed XML 1.0
        cas = load_cas_from_xmi(content.decode(), typesystem=system)
        assert len(cas.sofa_string) == len(TEXT)  # offsets hold


def check_labelstudio(data: bytes) -> None:
    [task] = json.loads(data)
    assert task["data"]["text"] == TEXT
    for annotation in task["annotations"]:
        for result in annotation["result"]:
            value = result["value"]
            if result["type"] == "labels":
                assert TEXT[value["start"]:value["end"]] == value["text"]
            elif result["type"] == "textarea":
                assert value["text"][0] in CLAIMANTS or value["text"][0] == NOTE


def check_conll(data: bytes) -> None:
    text = data.decode("utf-8")
    blocks = layers = 0
    for line in text.split("\n"):
        if line.startswith("# document = "):
            blocks += 1
        elif line.startswith("# layer = "):
            layers += 1
        elif line:
            token, start, end, tag = line.split("\t")  # exactly four fields
            assert TEXT[int(start):int(end)] == token and re.fullmatch(r"O|[BI]-\w+", tag)
    assert blocks == layers == len(USERNAMES) + 1
    assert len(text.splitlines()) == text.count("\n")  # no other line break a reader splits on


def check_agreement_json(data: bytes) -> None:
    json.loads(data)


def check_agreement_csv(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    check_csv_cells(rows)
    assert rows[0] == ["measure", "value"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_is_inert_in_every_format(client, auth, hostile, fmt):
    response = download(client, auth, hostile, fmt)
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="alpha-script-alert-s-script-cmd-x-q_'
                        r'(all|agreement)_\d{4}-\d\d-\d\d\.[a-z]+"', disposition), disposition
    globals()["check_" + fmt.replace("-", "_")](response.get_data())
