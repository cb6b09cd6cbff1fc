"""CoNLL-style token tags for training sequence taggers: BIO tags of the evidence type.

One block per document and layer (each annotator, and gold): a `# document = <id>` and
`# layer = <annotator or gold>` comment, then one token a line: `token TAB start TAB end TAB
tag`, where start/end are code-point offsets and tag is `B-<type>`, `I-<type>` or `O`. A blank
line ends each sentence (after `.`, `!` or `?`). Tokens are runs of letters and digits, or
single other non-space characters. BIO cannot hold overlapping spans: where spans overlap, a
token takes the span that starts first (the longer one on a tie). Written, not read back.

Document ids and layer names in the comments (and types in the tags) are written on one line:
a line break, control or bidirectional character in them becomes a visible `\\u000a`-style
escape (app.text.terminal_safe), so no id can start a line of its own.
"""

import re
from collections.abc import Iterable, Iterator

from app.formats.common import ExportContext, ImportedAnnotation, ImportedDocument
from app.text import terminal_safe

TOKEN = re.compile(r"\w+|[^\w\s]")
SENTENCE_END = {".", "!", "?"}


def write_conll(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[str]:
    for document in documents:
        layers: dict[str, list[ImportedAnnotation]] = {}
        for span in document.annotations:
            layers.setdefault(span.annotator or "", []).append(span)
        if document.gold:
            layers["gold"] = document.gold
        for layer, spans in layers.items():
            yield (f"# document = {terminal_safe(document.external_id, keep='')}\n"
                   f"# layer = {terminal_safe(layer, keep='')}\n")
            yield "".join(tag_lines(document.text, spans)) + "\n"


def tag_lines(text: str, spans: list[ImportedAnnotation]) -> Iterator[str]:
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    current = None
    for match in TOKEN.finditer(text):
        start, end = match.span()
        span = next((s for s in ordered if s.start < end and start < s.end), None)
        if span is None:
            tag = "O"
        else:
            tag = ("I-" if span is current else "B-") + terminal_safe(span.evidence_type, "")
        current = span
        token = match.group().replace("\t", " ")
        yield f"{token}\t{start}\t{end}\t{tag}\n"
        if token in SENTENCE_END:
            yield "\n"
