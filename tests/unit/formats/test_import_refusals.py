"""Bad imports are refused whole, with a message naming the file, line and field."""

import io
import json
import stat
import zipfile

import pytest

from app.formats import ImportRefused, read_batch
from app.formats.brat import write_brat
from app.formats.labelstudio import write_labelstudio
from app.formats.w3c import write_w3c
from app.formats.xmi import write_xmi
from app.formats.zips import read_zip

from .exports import SCHEME, TEXT, written


def refused(filename: str, data: bytes) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        read_batch(filename, data, SCHEME)
    return [str(error) for error in caught.value.errors]


def zip_of(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name)
            if name == symlink:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def edited_zip(data: bytes, path: str, edit) -> bytes:
    members = {i.filename: zipfile.ZipFile(io.BytesIO(data)).read(i)
               for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    members[path] = edit(members[path].decode()).encode()
    return zip_of(members)


def test_zip_with_parent_paths_is_refused_naming_the_member():
    [message] = refused("up.zip", zip_of({"alice/../../etc/x.ann": b"T1\tx 0 1\ta"}))
    assert 'file "up.zip:alice/../../etc/x.ann"' in message and "'..'" in message


def test_absolute_paths_and_links_are_refused():
    assert "absolute" in refused("a.zip", zip_of({"/etc/passwd": b"x"}))[0]
    message = refused("l.zip", zip_of({"alice/d.txt": b"x"}, symlink="alice/d.txt"))[0]
    assert "symbolic link" in message and "l.zip:alice/d.txt" in message


def test_uncompressed_size_past_the_limit_is_refused():
    bomb = zip_of({"alice/big.txt": b"0" * 50_000})
    with pytest.raises(ImportRefused) as caught:
        read_zip(bomb, "bomb.zip", limit=10_000)
    assert "unpack to more than" in str(caught.value.errors[0])


def test_not_a_zip_is_refused():
    assert "not a valid zip" in refused("x.zip", b"PK\x03\x04garbage")[0]


def test_brat_offsets_that_do_not_match_the_quote_are_refused_with_line_and_field():
    data = edited_zip(written(write_brat), "alice/dam_1.ann",
                      lambda ann: ann.replace("\t🇺🇦 Officials", "\tOfficials!!", 1))
    [message] = refused("b.zip", data)
    assert message.startswith('file "b.zip:alice/dam_1.ann", line 1, field "text"')


def test_brat_unknown_label_is_refused():
    data = edited_zip(written(write_brat), "bob/dam_1.ann",
                      lambda ann: ann.replace("\tstatistics ", "\trumour ", 1))
    [message] = refused("b.zip", data)
    assert 'b.zip:bob/dam_1.ann", line 1, field "type"' in message and "'rumour'" in message


def test_labelstudio_mismatched_quote_and_unknown_label_are_refused():
    tasks = json.loads(written(write_labelstudio))
    first = tasks[0]["annotations"][0]["result"][0]
    first["value"]["text"] = "not there"
    tasks[0]["annotations"][1]["result"][0]["value"]["labels"] = ["rumour"]
    messages = refused("ls.json", json.dumps(tasks).encode())
    assert any('field "[0].annotations[0].result[0].value"' in m and "not there" in m
               for m in messages)
    assert any("annotations[1].result[0].value.labels" in m and "rumour" in m
               for m in messages)


def test_xmi_unknown_label_is_refused_naming_the_file():
    data = edited_zip(written(write_xmi), "gold/dam_1.xmi",
                      lambda xmi: xmi.replace('evidence_type="official_statement"',
                                              'evidence_type="rumour"'))
    [message] = refused("i.zip", data)
    assert 'i.zip:gold/dam_1.xmi' in message and "'rumour'" in message


def test_doccano_offsets_outside_the_text_and_unknown_labels_are_refused():
    lines = [{"text": TEXT, "label": [[0, 500, "statistics"]]},
             {"text": "Short text.", "label": [[0, 5, "rumour"]]}]
    data = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    messages = refused("d.jsonl", data)
    assert messages[0].startswith('file "d.jsonl", line 1, field "label[0]"')
    assert messages[1].startswith('file "d.jsonl", line 2, field "label[0]"')


def test_jsonl_registry_with_an_unknown_claimant_type_is_refused():
    line = json.dumps({"claimant": {"name": "X", "type": "alien"}}).encode()
    [message] = refused("r.jsonl", line)
    assert 'line 1, field "claimant.type"' in message


def test_unknown_claimant_types_are_refused_in_labelstudio_and_xmi():
    tasks = json.loads(written(write_labelstudio))
    for result in tasks[0]["annotations"][0]["result"]:
        if result["type"] == "choices":
            result["value"]["choices"] = ["alien"]
    assert any("alien" in m for m in refused("ls.json", json.dumps(tasks).encode()))
    data = edited_zip(written(write_xmi), "alice/dam_1.xmi",
                      lambda xmi: xmi.replace('claimant_type="government"',
                                              'claimant_type="alien"'))
    assert any("alice/dam_1.xmi" in m and "'alien'" in m for m in refused("i.zip", data))


def w3c_edited(edit) -> bytes:
    collection = json.loads(written(write_w3c))
    edit(collection["first"]["items"])
    return json.dumps(collection, ensure_ascii=False).encode()


@pytest.mark.parametrize(("edit", "field", "words"), [
    (lambda items: items[0]["target"]["selector"][0].update(start=1), "first.items[0].target"
     ".selector", "does not match the text"),
    (lambda items: items[1]["target"]["selector"][0].update(end=10_000),
     "first.items[1].target.selector", f"end <= {len(TEXT)}"),
    (lambda items: items[2]["body"][0].update(value="rumour"), "first.items[2].body",
     "evidence type 'rumour'"),
    (lambda items: items[0]["target"]["source"].pop("value"), "first.items[0].target.source",
     "is not in the file"),
    (lambda items: items[3]["creator"].pop("nickname"), "first.items[3].creator", "nickname"),
    (lambda items: items[0]["target"]["source"].update(via="javascript:alert(1)"),
     "first.items[0].target.source.via", "not an http"),
    (lambda items: items[0]["target"]["source"].update(value="e\u0301"),
     "first.items[0].target.source.value", "normalised"),
])
def test_w3c_import_refusals_name_the_item_and_field(edit, field, words):
    messages = refused("anno.jsonld", w3c_edited(edit))
    assert any(f'file "anno.jsonld", field "{field}"' in m and words in m for m in messages), \
        messages


def test_w3c_that_is_not_a_collection_is_refused():
    [message] = refused("anno.jsonld", b'{"type": "Annotation"}')
    assert "first.items" in message and "AnnotationCollection" in message
    [message] = refused("anno.jsonld", b'{"first": ')
    assert 'file "anno.jsonld"' in message
