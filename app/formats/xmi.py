"""UIMA CAS XMI for INCEpTION ("UIMA CAS XMI (XML 1.0)"), written and read with dkpro-cassis.

A zip holding `TypeSystem.xml` and one `<layer>/<document id>.xmi` per document and layer
(each annotator, and `gold`). Spans are annotations of the custom span layer CLAIM_TYPE with
string features evidence_type, claimant, claimant_type, note and provenance; the document's
id and title are in DKPro's DocumentMetaData, as INCEpTION expects. UIMA counts offsets in
UTF-16 units (Java strings); cassis converts them to and from Python's code points, so the
offsets here are code points like everywhere else in Credence.

XML 1.0 cannot hold most control characters (U+0001-U+0008, U+000B, U+000C, U+000E-U+001F,
U+FFFE, U+FFFF), not even escaped: each is written as U+FFFD, one character for one, so every
offset still holds (the text read back differs from the stored one at those places only).
Folders are named as in the brat export, with `annotators.json` for renamed annotators.
"""

import re
from collections.abc import Iterable, Iterator

from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem

from app.formats.brat import (
    ANNOTATORS_FILE,
    GOLD_FOLDER,
    LayerFolders,
    annotator_of,
    file_stem,
    read_renamed,
)
from app.formats.common import (
    MAX_ERRORS,
    ExportContext,
    FormatError,
    ImportedAnnotation,
    ImportedBatch,
    ImportedDocument,
    ImportRefused,
)
from app.formats.zips import StreamingZip, read_zip
from app.scheme import Scheme
from app.text import normalise_text

CLAIM_TYPE = "webanno.custom.CredibilityClaim"
META_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
FEATURES = ("evidence_type", "claimant", "claimant_type", "note", "provenance")
TYPE_SYSTEM_FILE = "TypeSystem.xml"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value: str | None) -> str | None:
    """`value` with each character XML 1.0 cannot hold replaced by U+FFFD (same length)."""
    return _NOT_XML.sub("\ufffd", value) if value else value


def type_system() -> TypeSystem:
    system = TypeSystem()
    claim = system.create_type(CLAIM_TYPE, supertypeName="uima.tcas.Annotation")
    for feature in FEATURES:
        system.create_feature(claim, feature, "uima.cas.String")
    meta = system.create_type(META_TYPE, supertypeName="uima.tcas.DocumentAnnotation")
    for feature in ("documentTitle", "documentId", "documentUri", "collectionId"):
        system.create_feature(meta, feature, "uima.cas.String")
    return system


def write_xmi(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[bytes]:
    system = type_system()
    archive = StreamingZip()
    archive.add(TYPE_SYSTEM_FILE, system.to_xml())
    stems: set[str] = set()
    layer_folders = LayerFolders()
    for document in documents:
        stem = file_stem(document.external_id)
        while stem in stems:
            stem += "_"
        stems.add(stem)
        layers: dict[str, list[ImportedAnnotation]] = {}
        for span in document.annotations:
            layers.setdefault(layer_folders.folder(span.annotator or "annotator"), []
                              ).append(span)
        if document.gold:
            layers[GOLD_FOLDER] = document.gold
        for folder, spans in layers.items():
            archive.add(f"{folder}/{stem}.xmi", _cas(system, document, spans).to_xmi())
        yield archive.take()
    archive.add(ANNOTATORS_FILE, layer_folders.index())
    yield archive.close()


def _cas(system: TypeSystem, document: ImportedDocument, spans) -> Cas:
    cas = Cas(typesystem=system)
    cas.sofa_string = xml_safe(document.text)
    meta_type, claim_type = system.get_type(META_TYPE), system.get_type(CLAIM_TYPE)
    cas.add(meta_type(begin=0, end=len(document.text), documentTitle=xml_safe(document.title),
                      documentId=xml_safe(document.external_id),
                      documentUri=document.url or None))
    for span in spans:
        cas.add(claim_type(begin=span.start, end=span.end, evidence_type=span.evidence_type,
                           claimant=xml_safe(span.claimant), claimant_type=span.claimant_type,
                           note=xml_safe(span.note) or None, provenance=span.provenance))
    return cas


def read_xmi_zip(data: bytes, scheme: Scheme, filename: str = "xmi.zip") -> ImportedBatch:
    members = read_zip(data, filename)
    if TYPE_SYSTEM_FILE not in members:
        raise ImportRefused([FormatError(None, None, f"no {TYPE_SYSTEM_FILE} in the zip",
                                         file=filename)])
    try:
        system = load_typesystem(members[TYPE_SYSTEM_FILE].decode("utf-8"))
    except Exception as error:  # cassis raises many kinds on a broken type system
        raise ImportRefused([FormatError(None, None, f"cannot read the type system: {error}",
                                         file=f"{filename}:{TYPE_SYSTEM_FILE}")]) from None
    errors: list[FormatError] = []
    documents: dict[str, ImportedDocument] = {}
    renamed = read_renamed(members.get(ANNOTATORS_FILE))
    for path in sorted(p for p in members if p.endswith(".xmi")):
        where = f"{filename}:{path}"
        parts = path.split("/")
        if len(parts) != 2:
            errors.append(FormatError(None, None, "put each layer's .xmi files in a folder "
                                      "named after the annotator (or 'gold')", file=where))
            continue
        _read_one(members[path], system, annotator_of(parts[0], renamed), where, scheme,
                  documents, errors)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRefused(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
    return ImportedBatch(list(documents.values()))


def _read_one(content: bytes, system, annotator, where, scheme, documents, errors) -> None:
    try:
        cas = load_cas_from_xmi(content.decode("utf-8"), typesystem=system)
    except Exception as error:  # lxml and cassis errors alike: name the file
        errors.append(FormatError(None, None, f"not a readable XMI file ({error})", file=where))
        return
    text = cas.sofa_string or ""
    if normalise_text(text) != text:
        errors.append(FormatError(None, "text", "the text is not normalised (NFC, \\n)",
                                  file=where))
        return
    metas = list(cas.select(META_TYPE)) if system.contains_type(META_TYPE) else []
    external_id = (metas[0].documentId if metas else None) or where.rsplit("/", 1)[-1][:-4]
    title = (metas[0].documentTitle if metas else None) or external_id
    document = documents.setdefault(external_id, ImportedDocument(external_id, title, text))
    if document.text != text:
        errors.append(FormatError(None, "text", "differs from the same document in another "
                                  "folder", file=where))
        return
    claims = cas.select(CLAIM_TYPE) if system.contains_type(CLAIM_TYPE) else []
    for index, claim in enumerate(claims):
        field = f"{CLAIM_TYPE}[{index}]"
        if claim.evidence_type not in scheme.evidence_keys:
            errors.append(FormatError(None, f"{field}.evidence_type", f"{claim.evidence_type!r} "
                                      "is not an evidence type of the scheme", file=where))
            continue
        if not claim.claimant:
            errors.append(FormatError(None, f"{field}.claimant", "is required", file=where))
            continue
        if claim.claimant_type and claim.claimant_type not in scheme.claimant_type_keys:
            errors.append(FormatError(None, f"{field}.claimant_type", f"{claim.claimant_type!r}"
                                      " is not a claimant type of the scheme", file=where))
            continue
        span = ImportedAnnotation(annotator, claim.begin, claim.end, text[claim.begin:claim.end],
                                  normalise_text(claim.claimant), claim.claimant_type or None,
                                  claim.evidence_type, claim.note or "",
                                  provenance=claim.provenance or None)
        (document.gold if annotator is None else document.annotations).append(span)
