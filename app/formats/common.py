"""What every reader returns and how every reader refuses.

Readers are all-or-nothing: they either return every document of a file or raise ImportRefused
listing what is wrong (up to MAX_ERRORS problems, each naming its line and field), so that a
person can fix the file in one pass.
"""

import datetime
import re
from dataclasses import dataclass, field

from app.scheme import Scheme
from app.text import text_sha256

MAX_ERRORS = 20
# Lengths the database columns hold (app/models); refusing here keeps an import from failing late.
MAX_ID_LENGTH = 200
MAX_TITLE_LENGTH = 500
MAX_URL_LENGTH = 2000
MAX_CLAIMANT_LENGTH = 300
MAX_ANNOTATOR_LENGTH = 64

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(slots=True)  # slots: an export makes one per span, millions for a large project
class ImportedAnnotation:
    annotator: str | None  # None for gold annotations
    start: int  # code-point offsets into the normalised text, end exclusive
    end: int
    text: str  # the quoted span, equal to document text[start:end]
    claimant: str  # a claimant name or alias, as written in the file
    claimant_type: str | None  # a claimant-type key of the scheme, when the file gives one
    evidence_type: str  # an evidence-type key of the scheme
    note: str = ""
    # Export-side extras: gold provenance ('unanimous', 'majority', 'adjudicated', 'added'),
    # the claimant's affiliation and when the span last changed. Readers leave what their
    # format does not carry as None.
    provenance: str | None = None
    affiliation: str | None = None
    updated: datetime.datetime | None = None


@dataclass
class ImportedDocument:
    external_id: str
    title: str
    text: str  # normalised (app.text.normalise_text)
    url: str = ""
    published: datetime.date | None = None
    meta: dict = field(default_factory=dict)
    annotations: list[ImportedAnnotation] = field(default_factory=list)
    gold: list[ImportedAnnotation] = field(default_factory=list)


@dataclass
class RegistryClaimant:
    """One claimant of a project's registry, as the interchange formats carry it."""

    name: str
    type: str  # a claimant-type key of the scheme
    affiliation: str | None = None  # the name of another claimant of the registry
    aliases: tuple[str, ...] = ()
    status: str | None = None  # 'confirmed' | 'proposed' where the registry records it
    # Descriptive fields, carried when the registry has them (empty when it does not).
    source_type: str | None = None
    role: str = ""
    description: str = ""
    external_id: str = ""  # e.g. a Wikidata id


@dataclass
class ImportedBatch:
    """What one file holds: documents and, for the formats that carry it, a claimant registry."""

    documents: list[ImportedDocument]
    claimants: list[RegistryClaimant] = field(default_factory=list)


GOLD_PROVENANCES = ("unanimous", "majority", "adjudicated", "added")


@dataclass
class ExportContext:
    """What a writer needs besides the documents: the project, its scheme and registry."""

    project: str
    layer: str = "all"  # 'annotators' | 'gold' | 'all'
    claimants: list[RegistryClaimant] = field(default_factory=list)
    scheme: Scheme | None = None
    excel: bool = False  # CSV: a byte-order mark so Excel reads UTF-8
    exported_at: datetime.datetime | None = None
    extra: dict = field(default_factory=dict)  # e.g. the JSON export's agreement summary


class FormatError(Exception):
    """One problem in an imported file: where it is (line, field) and what is wrong."""

    def __init__(
        self, line: int | None, field: str | None, message: str, file: str | None = None
    ) -> None:
        super().__init__(message)
        self.line = line
        self.field = field
        self.message = message
        self.file = file

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(f'file "{self.file}"')
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f'field "{self.field}"')
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def __repr__(self) -> str:
        return f"FormatError({self.line!r}, {self.field!r}, {self.message!r}, file={self.file!r})"


class ImportRefused(Exception):
    """Nothing was imported; `errors` lists why (`truncated` when more problems were not listed)."""

    def __init__(self, errors: list[FormatError], truncated: bool = False) -> None:
        self.errors = list(errors)
        self.truncated = truncated
        lines = [str(error) for error in self.errors]
        if truncated:
            lines.append(f"(stopped after {len(self.errors)} problems)")
        super().__init__("import refused:\n" + "\n".join(lines))


class FieldProblem(ValueError):
    """Raised by the field readers below; the caller adds the line number."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class ErrorList:
    """Collects FormatErrors for one file and stops the reader once MAX_ERRORS are listed."""

    def __init__(self) -> None:
        self.errors: list[FormatError] = []
        self.truncated = False

    def add(self, line: int | None, field: str | None, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.truncated = True
            return
        self.errors.append(FormatError(line, field, message))

    def add_problem(self, line: int | None, problem: FieldProblem) -> None:
        self.add(line, problem.field, problem.message)

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRefused(self.errors, self.truncated)


class LineFields:
    """Reads the fields of one line, recording every problem instead of stopping at the first."""

    def __init__(self, errors: ErrorList, line: int) -> None:
        self.errors = errors
        self.line = line
        self.ok = True

    def fail(self, field: str | None, message: str) -> None:
        self.errors.add(self.line, field, message)
        self.ok = False

    def take(self, read, *args):
        """`read(*args)`, or None after recording the FieldProblem it raised."""
        try:
            return read(*args)
        except FieldProblem as problem:
            self.fail(problem.field, problem.message)
            return None


def refuse(line: int | None, field: str | None, message: str) -> ImportRefused:
    return ImportRefused([FormatError(line, field, message)])


def decode_utf8(data: bytes) -> str:
    """Decode UTF-8 (an initial byte-order mark is dropped) or refuse, naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad_byte = data[error.start]
        raise refuse(
            line, None, f"the file is not UTF-8 (byte 0x{bad_byte:02X}); save it as UTF-8"
        ) from None


def default_external_id(text: str) -> str:
    # Derived from the content, so importing the same file twice is noticed as a duplicate and
    # two different files without ids never collide.
    return "sha256-" + text_sha256(text)[:12]


def duplicate_id_message(document: "ImportedDocument", earlier_line: int) -> str:
    message = f"id {document.external_id!r} is already used on line {earlier_line}"
    if document.external_id == default_external_id(document.text):
        message += " (a document without an id is named after its text: the text appears twice)"
    return message


def read_external_id(value: object, field: str = "id") -> str | None:
    """A document id: a non-empty string (integers are accepted and written as strings)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise FieldProblem(field, "must be a non-empty string")
    value = value.strip()
    if len(value) > MAX_ID_LENGTH:
        raise FieldProblem(field, f"is longer than {MAX_ID_LENGTH} characters")
    return value


def read_required_string(value: object, field: str, max_length: int | None = None) -> str:
    if value is None:
        raise FieldProblem(field, "is required")
    if not isinstance(value, str):
        raise FieldProblem(field, "must be a string")
    value = value.strip()
    if not value:
        raise FieldProblem(field, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise FieldProblem(field, f"is longer than {max_length} characters")
    return value


def read_optional_string(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldProblem(field, "must be a string")
    return value


def read_url(value: object, field: str = "url") -> str:
    """Empty, or an http(s) address: other schemes (javascript:, data:) are unsafe as links."""
    url = read_optional_string(value, field).strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise FieldProblem(field, f"{url[:60]!r} is not an http:// or https:// address")
    if len(url) > MAX_URL_LENGTH:
        raise FieldProblem(field, f"is longer than {MAX_URL_LENGTH} characters")
    return url


def read_published(value: object, field: str = "published") -> datetime.date | None:
    """Empty, or a calendar date written YYYY-MM-DD (no time, no other spelling)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FieldProblem(field, "must be a date written YYYY-MM-DD")
    value = value.strip()
    if not _ISO_DATE.fullmatch(value):
        raise FieldProblem(field, f"{value[:40]!r} is not a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FieldProblem(field, f"{value!r} is not a real calendar date") from None
