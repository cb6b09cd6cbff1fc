"""Every format that can be read back returns every span at the same code-point offsets with
the same quoted text, on an article with emoji, a flag, Arabic and a combining mark; and the
outputs are checked by independent readers (pybrat, dkpro-cassis, pyld, csv)."""

import csv
import io
import json
import pathlib
import zipfile

import pytest
from pybrat.parser import BratParser
from pyld import jsonld

from app.formats import read_batch, read_jsonl_batch
from app.formats.brat import write_brat
from app.formats.brat_read import read_brat_zip
from app.formats.conll import write_conll
from app.formats.csv_spans import COLUMNS, write_csv_spans
from app.formats.json_format import read_json_export, write_json_export
from app.formats.jsonl import write_jsonl
from app.formats.labelstudio import read_labelstudio, write_labelstudio
from app.formats.w3c import CONTEXT, read_w3c, write_w3c
from app.formats.xmi import CLAIM_TYPE, read_xmi_zip, write_xmi

from .exports import SCHEME, TEXT, context, documents, places, written

ANNO_CONTEXT = pathlib.Path(__file__).parent / "data" / "anno.jsonld"


def test_jsonl_round_trip_keeps_everything_including_registry():
    data = b"".join(c.encode() for c in write_jsonl(documents(), context().claimants))
    batch = read_jsonl_batch(data, SCHEME)
    assert batch.documents == documents()
    assert batch.claimants == context().claimants


def test_json_export_round_trip_and_shape():
    ctx = context()
    ctx.extra["agreement"] = {"units": 3}
    data = written(write_json_export, ctx=ctx)
    parsed = json.loads(data)
    assert parsed["project"] == "Dam Watch" and parsed["agreement"] == {"units": 3}
    assert parsed["scheme"]["evidence_types"][0]["key"] == SCHEME.evidence_keys[0]
    assert parsed["documents"][0]["gold"][0]["provenance"] == "majority"
    batch = read_json_export(data, SCHEME)
    assert batch.documents == documents() and batch.claimants == ctx.claimants


def test_brat_round_trip_and_an_independent_brat_reader(tmp_path):
    data = written(write_brat)
    assert places(read_brat_zip(data, SCHEME).documents) == places(documents())
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    assert "ClaimantType\tArg:<ENTITY>" in (tmp_path / "annotation.conf").read_text()
    # pybrat reads the files brat would; fragments around the line break join with a space.
    for folder in ("alice", "bob", "gold"):
        [example] = BratParser(error="raise").parse(str(tmp_path / folder))
        assert example.text == TEXT
        for entity in example.entities:
            pieces = [TEXT[s.start:s.end] for s in entity.spans]
            assert entity.mention == " ".join(pieces)
    alice = (tmp_path / "alice" / "dam_1.ann").read_text()
    assert "AnnotatorNotes T1\tMinistry of Water | note: flag 🇺🇦 | first" in alice
    assert "A2\tClaimantType T2 witness" in alice


def test_w3c_expands_with_a_local_context_and_reads_back():
    data = written(write_w3c)
    collection = json.loads(data)
    assert collection["type"] == "AnnotationCollection" and collection["@context"] == CONTEXT
    items = collection["first"]["items"]
    assert len(items) == 5
    for item in items:  # the model's required shape (sections 3.1, 4.2.4, 4.2.5)
        assert item["type"] == "Annotation" and item["id"] and item["target"]["source"]
        position, quote = item["target"]["selector"]
        exact = TEXT[position["start"]:position["end"]]
        assert quote["exact"] == exact and quote["type"] == "TextQuoteSelector"
        assert TEXT.startswith(quote["prefix"] + exact + quote["suffix"],
                               position["start"] - len(quote["prefix"]))
    context_document = json.loads(ANNO_CONTEXT.read_text())

    def local_only(url, options=None):
        assert url.rstrip("/") == CONTEXT, f"tried to fetch {url}"
        return {"contextUrl": None, "documentUrl": url, "document": context_document}

    [expanded] = jsonld.expand(collection, {"documentLoader": local_only})
    assert expanded["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    page = expanded["http://www.w3.org/ns/activitystreams#first"][0]
    annotations = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    first = annotations[0]
    assert first["@type"] == ["http://www.w3.org/ns/oa#Annotation"]
    selectors = first["http://www.w3.org/ns/oa#hasTarget"][0]["http://www.w3.org/ns/oa#hasSelector"]
    kinds = {s["@type"][0].rsplit("#", 1)[1] for s in selectors}
    assert kinds == {"TextPositionSelector", "TextQuoteSelector"}
    bare = [d.__class__(d.external_id, d.title, d.text) for d in documents()]
    assert places(read_w3c(data, SCHEME, bare)) == places(documents())
    # The first annotation of a document describes its source (text, title, address) once.
    source = items[0]["target"]["source"]
    assert source == {"id": "urn:credence:document:dam%2F1", "type": "Text",
                      "label": "Dam 🇺🇦", "value": TEXT, "via": "https://example.org/dam"}
    assert all(item["target"]["source"] == source["id"] for item in items[1:])
    described = first["http://www.w3.org/ns/oa#hasTarget"][0]["http://www.w3.org/ns/oa#hasSource"]
    assert described[0]["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"] == TEXT


def test_w3c_reads_back_alone_with_texts_titles_and_layers():
    [article] = read_batch("anno.jsonld", written(write_w3c), SCHEME).documents
    [expected, _quiet] = documents()  # a document without spans has no annotation to carry it
    assert (article.external_id, article.title, article.text, article.url) == \
        (expected.external_id, expected.title, expected.text, expected.url)
    assert places([article]) == places(documents())
    assert [(a.claimant_type, a.note) for a in article.annotations] == \
        [(a.claimant_type, a.note) for a in expected.annotations]
    assert [g.provenance for g in article.gold] == ["majority"]


def test_xmi_is_read_by_cassis_with_utf16_offsets_and_reads_back():
    from cassis import load_cas_from_xmi, load_typesystem

    data = written(write_xmi)
    archive = zipfile.ZipFile(io.BytesIO(data))
    system = load_typesystem(archive.read("TypeSystem.xml").decode())
    xmi = archive.read("bob/dam_1.xmi").decode()
    cas = load_cas_from_xmi(xmi, typesystem=system)
    assert cas.sofa_string == TEXT
    quarry = next(c for c in cas.select(CLAIM_TYPE) if c.claimant == "Quarry owner")
    assert quarry.get_covered_text() == "q\u0323uarry owner 👩🏽‍🔬"
    # On disk the offsets are UTF-16 units (Java): the flag and 😀 before it add 3.
    start = TEXT.index("q\u0323uarry")
    assert f'begin="{start + 3}"' in xmi
    assert places(read_xmi_zip(data, SCHEME).documents) == places(documents())


def test_labelstudio_has_label_studios_shape_and_reads_back():
    data = written(write_labelstudio)
    tasks = json.loads(data)
    task = tasks[0]
    assert set(task) >= {"id", "data", "annotations", "predictions"}
    assert task["data"]["text"] == TEXT
    for annotation in task["annotations"]:
        assert isinstance(annotation["completed_by"], int)
        for result in annotation["result"]:
            assert set(result) >= {"id", "from_name", "to_name", "type", "value"}
            assert result["to_name"] == "text"
        labels = [r for r in annotation["result"] if r["type"] == "labels"]
        for result in labels:
            value = result["value"]
            assert TEXT[value["start"]:value["end"]] == value["text"]
            assert len(value["labels"]) == 1
    assert places(read_labelstudio(data, SCHEME).documents) == places(documents())


def test_labelstudio_reader_accepts_label_studios_utf16_offsets():
    data = written(write_labelstudio)
    tasks = json.loads(data)
    for annotation in tasks[0]["annotations"]:
        for result in annotation["result"]:
            value = result["value"]
            value["start"] = len(TEXT[:value["start"]].encode("utf-16-le")) // 2
            value["end"] = len(TEXT[:value["end"]].encode("utf-16-le")) // 2
    shifted = json.dumps(tasks, ensure_ascii=False).encode()
    assert places(read_labelstudio(shifted, SCHEME).documents) == places(documents())


def test_csv_rows_hold_every_span_and_neutralise_formulas():
    data = written(write_csv_spans).decode()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert tuple(rows[0]) == COLUMNS
    assert sorted((r["document_id"], r["annotator"] or "gold", int(r["start"]), int(r["end"]),
                   r["text"], r["evidence_type"], r["claimant"]) for r in rows) == \
        places(documents())
    assert all(TEXT[int(r["start"]):int(r["end"])] == r["text"] for r in rows)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_neutralises_every_formula_start(cell):
    from app.formats.csv_spans import neutralise

    assert neutralise(cell) == "'" + cell
    assert neutralise("plain " + cell) == "plain " + cell


def test_conll_tags_tokens_bio_per_layer():
    data = written(write_conll).decode()
    blocks = [b for b in data.split("# document = ") if b]
    assert len(blocks) == 3  # alice, bob, gold of the article; the quiet one has no layers
    alice = blocks[0]
    assert alice.startswith("dam/1\n# layer = alice\n")
    lines = [line.split("\t") for line in alice.splitlines()[2:] if line]
    tagged = {(token, tag) for token, _s, _e, tag in lines}
    assert ("Officials", "I-official_statement") in tagged
    assert ("قال", "I-statistics") in tagged
    assert all(TEXT[int(s):int(e)] == token for token, s, e, _tag in lines)


def test_dispatch_picks_the_reader_by_extension_and_content():
    assert places(read_batch("x.zip", written(write_brat), SCHEME).documents) == \
        places(documents())
    assert places(read_batch("x.zip", written(write_xmi), SCHEME).documents) == \
        places(documents())
    assert places(read_batch("x.json", written(write_labelstudio), SCHEME).documents) == \
        places(documents())
    assert places(read_batch("x.json", written(write_json_export), SCHEME).documents) == \
        places(documents())
    doccano = json.dumps({"text": TEXT, "label": [[3, 12, "official_statement"]]},
                         ensure_ascii=False).encode()
    [document] = read_batch("x.jsonl", doccano, SCHEME).documents
    assert document.annotations[0].text == "Officials"
    assert document.annotations[0].claimant == "Unattributed"


def test_csv_documents_round_trip_exactly_even_cells_that_look_like_formulas():
    from app.formats import read_csv
    from app.formats.common import ImportedDocument as Document
    from app.formats.csv_format import write_csv_documents

    tricky = [Document("=1+1", "-5 dead 🇺🇦", "=HYPERLINK(\"x\") said q\u0323 😀\nقال",
                       "https://example.org/a"),
              Document("@home", "+plus", "\ttabbed start, \"quoted\", commas", ""),
              *[Document(d.external_id, d.title, d.text, d.url, d.published)
                for d in documents()]]
    data = written(write_csv_documents, tricky)
    assert b"'=HYPERLINK" in data and b"'-5 dead" in data  # neutralised on disk
    assert read_csv(data, SCHEME) == tricky


@pytest.mark.parametrize("write", [write_brat, write_xmi])
def test_annotators_whose_names_make_one_folder_or_gold_keep_their_own_layers(write):
    from app.formats.common import ImportedAnnotation, ImportedDocument

    names = ("a/b", "a_b", "gold", "../evil", "<script>")
    spans = [ImportedAnnotation(name, 3, 12, TEXT[3:12], "Ministry of Water", None,
                                "statistics") for name in names]
    document = ImportedDocument("dam", "Dam", TEXT, annotations=spans)
    data = written(write, [document])
    folders = {name.split("/")[0] for name in zipfile.ZipFile(io.BytesIO(data)).namelist()
               if "/" in name}
    assert len(folders) == len(names) and "gold" not in folders
    assert all(".." not in folder and "<" not in folder for folder in folders)
    read = (read_brat_zip if write is write_brat else read_xmi_zip)(data, SCHEME).documents
    assert sorted(a.annotator for a in read[0].annotations) == sorted(names)
    assert read[0].gold == []


def test_xmi_writes_control_characters_xml_cannot_hold_as_replacement_characters():
    from app.formats.common import ImportedAnnotation, ImportedDocument

    text = "A\x01B\x1b[2J said \x0bno\ufffe. 😀 end"
    span = ImportedAnnotation("alice", 0, 9, text[:9], "Bad\x02name", None, "statistics",
                              note="x\x1fy")
    data = written(write_xmi, [ImportedDocument("d", "T\x03", text, annotations=[span])])
    [document] = read_xmi_zip(data, SCHEME).documents
    assert document.text == "A\ufffdB\ufffd[2J said \ufffdno\ufffd. 😀 end"
    assert len(document.text) == len(text)
    [read] = document.annotations
    assert (read.start, read.end, read.claimant, read.note) == (0, 9, "Bad\ufffdname", "x\ufffdy")


def test_labelstudio_usernames_with_commas_read_back_whole():
    from app.formats.common import ImportedAnnotation, ImportedDocument

    spans = [ImportedAnnotation(name, 3, 12, TEXT[3:12], "Ministry of Water", None,
                                "statistics") for name in ("smith, j", "jo,2", "alice")]
    data = written(write_labelstudio, [ImportedDocument("d", "T", TEXT, annotations=spans)])
    users = [a["created_username"] for a in json.loads(data)[0]["annotations"]]
    assert users == ["smith, j, 1", "jo,2, 2", "alice, 3"]  # Label Studio's "<user>, <id>"
    [document] = read_labelstudio(data, SCHEME).documents
    assert sorted(a.annotator for a in document.annotations) == ["alice", "jo,2", "smith, j"]
