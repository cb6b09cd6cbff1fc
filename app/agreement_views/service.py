"""Agreement reports for the dashboard, the API and the CLI: one service, so one set of rules.

`agreement_report(project, options)` loads the project's annotations into the pure package's
`DocumentAnnotations`, calls `app.agreement.build_report` and caches the result.

Whose work counts: by default the annotators of a document are those whose assignment to it is
*submitted*, including those who submitted no spans (an empty submission says "nothing to mark
here", which is a judgement other annotators can disagree with). Spans of unfinished work are
left out, since they may still change. `include_unsubmitted` counts every assignment.

Caching (app/agreement_views/report_store.py): in Redis when REDIS_URL is configured, shared
by every worker, else an LRU in this process. The key (cache_key) hashes the project's
`changed_at` (bumped by `project.touch()` on every change to submitted work, gold, the scheme,
the guidelines or the registry) and a fingerprint of its assignments (so a submission counts
even if the code that recorded it forgot to touch), so a stale report is never served: every
request reads those values from the database. An annotator's span saves do not touch the
project: they change only unsubmitted work (submitted work is read-only until reopened, which
touches), and writing the project row on every save made all saves of a project queue on its
row lock (issue 14). A report that counts unsubmitted work (`include_unsubmitted`) therefore
also keys on a fingerprint of the project's spans (span_fingerprint).

One computation per key at a time (compute_once): the API and the CLI compute synchronously
or wait for the worker that is computing; the dashboard (background.py) computes large
reports in a background thread and shows their progress.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, func, or_, select

from app.agreement.progress import ProgressCallback, report_progress
from app.agreement_views.over_time import over_time_section
from app.agreement_views.report_store import PREFIX, ProgressWriter, make_store
from app.claimants.profiles import affiliation_roots
from app.errors import ServiceError
from app.extensions import db
from app.models import Assignment, Document, Project, ProjectMember, Span, User
from app.text import is_yes

MODES = ("overlap", "exact")
REPORT_FORMAT = 2  # bumped when the report's keys change, so no older cached report is served
WAIT_SECONDS = 120  # how long a caller waits for another worker's computation of the same key
POLL_SECONDS = 0.2
DEFAULT_BOOTSTRAP_DRAWS = 1000
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class AgreementOptions:
    mode: str = "overlap"
    annotators: tuple[str, ...] | None = None  # None: everyone whose work counts
    documents: tuple[int, ...] | None = None  # None: every document of the project
    include_unsubmitted: bool = False
    # Claimants agree when they share an affiliation root (app.claimants.profiles); set by
    # agreement_report for the second claimant figure when the project asks for it.
    claimants_by_root: bool = False


def options_from_args(args: Mapping) -> AgreementOptions:
    """Parse query parameters (the dashboard's `args`, or a plain dict from the CLI); a bad
    value names its field (422). The API reads the same parameters with its schema
    (app.api.schemas.AgreementQuery), built from the same constants and functions.

    `annotators` and `documents` accept comma-separated lists, repeated parameters, or both.
    """
    mode = args.get("mode") or AgreementOptions.mode
    if mode not in MODES:
        raise ServiceError(f"unknown mode {mode!r}: use overlap or exact", "mode")
    try:
        documents = document_ids(_values(args, "documents"))
    except ValueError as error:
        raise ServiceError(f"documents {error}", "documents") from None
    include = is_yes(str(args.get("include_unsubmitted") or ""))
    return AgreementOptions(mode, listed_words(_values(args, "annotators")), documents, include)


def listed_words(values: Iterable[str]) -> tuple[str, ...] | None:
    """The words of comma-separated values, each once, sorted; None when there are none."""
    words = {word.strip() for value in values for word in str(value).split(",")}
    words.discard("")
    return tuple(sorted(words)) if words else None


def document_ids(values: Iterable[str]) -> tuple[int, ...] | None:
    """Document ids from comma-separated values, sorted; None when there are none. ValueError
    for a word that is not one: ids beyond a 32-bit integer cannot exist, and PostgreSQL
    would refuse to compare them."""
    words = listed_words(values)
    if words is None:
        return None
    if not all(word.isascii() and word.isdigit() and int(word) <= MAX_ID for word in words):
        raise ValueError("must be document ids (whole numbers)")
    return tuple(sorted({int(word) for word in words}))


def options_as_args(options: AgreementOptions) -> dict[str, str | list[str]]:
    """The query parameters that give `options` again: only known keys, so a link built from
    them never carries what a visitor added (`?_anchor=`, `?project_id=` reach url_for)."""
    args: dict[str, str | list[str]] = {}
    if options.mode != AgreementOptions.mode:
        args["mode"] = options.mode
    if options.annotators:
        args["annotators"] = list(options.annotators)
    if options.documents:
        args["documents"] = [str(document) for document in options.documents]
    if options.include_unsubmitted:
        args["include_unsubmitted"] = "1"
    return args


def _values(args: Mapping, name: str) -> list:
    """Every value of a repeatable parameter: a request's `getlist`, or a CLI dict's value."""
    if hasattr(args, "getlist"):
        return args.getlist(name)
    value = args.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def check_options(project: Project, options: AgreementOptions) -> None:
    """Refuse annotators and documents the project does not have (422, naming the field)."""
    if options.mode not in MODES:
        raise ServiceError(f"unknown mode {options.mode!r}: use overlap or exact", "mode")
    if options.annotators:
        unknown = sorted(set(options.annotators) - set(known_annotator_names(project)))
        if unknown:
            raise ServiceError("not annotators of this project: " + ", ".join(unknown),
                               "annotators")
    if options.documents:
        found = set(db.session.scalars(select(Document.id).where(
            Document.project_id == project.id, Document.id.in_(options.documents))))
        missing = sorted(set(options.documents) - found)
        if missing:
            raise ServiceError("no such documents in this project: "
                               + ", ".join(str(d) for d in missing), "documents")


def known_annotator_names(project: Project) -> list[str]:
    """Members with the annotator role and anyone assigned a document of the project."""
    assigned = select(Assignment.annotator_id).join(Document).where(
        Document.project_id == project.id)
    members = select(ProjectMember.user_id).where(
        ProjectMember.project_id == project.id, ProjectMember.role == "annotator")
    return list(db.session.scalars(
        select(User.username).where(or_(User.id.in_(assigned), User.id.in_(members)))
        .order_by(User.username)))


def load_documents(project: Project, options: AgreementOptions) -> list:
    """The project's annotations as `DocumentAnnotations`, in one query.

    Assignments drive the query (spans are outer-joined), so an annotator who submitted a
    document without marking anything still counts as having seen it.
    """
    from app.agreement.units import AnnotatedSpan, DocumentAnnotations

    query = (
        select(Document.id, Document.title, func.length(Document.text), User.username,
               Span.id, Span.start, Span.end, Span.evidence_type, Span.claimant_id)
        .select_from(Assignment)
        .join(Document, Document.id == Assignment.document_id)
        .join(User, User.id == Assignment.annotator_id)
        .outerjoin(Span, and_(Span.document_id == Assignment.document_id,
                              Span.annotator_id == Assignment.annotator_id))
        .where(Document.project_id == project.id)
        .order_by(Document.id, User.username, Span.start, Span.end, Span.id)
    )
    if not options.include_unsubmitted:
        query = query.where(Assignment.status == "submitted")
    if options.annotators:
        query = query.where(User.username.in_(options.annotators))
    if options.documents:
        query = query.where(Document.id.in_(options.documents))
    grouped: dict[int, dict] = {}
    roots = affiliation_roots(project) if options.claimants_by_root else {}
    for doc_id, title, length, username, span_id, start, end, evidence, claimant in (
            db.session.execute(query)):
        claimant = roots.get(claimant, claimant)
        document = grouped.setdefault(doc_id, {"title": title, "length": length,
                                               "annotators": [], "spans": []})
        if username not in document["annotators"]:
            document["annotators"].append(username)
        if span_id is not None:
            document["spans"].append(AnnotatedSpan(
                document=doc_id, annotator=username, start=start, end=end,
                evidence_type=evidence, claimant=claimant, span_id=span_id))
    return [
        DocumentAnnotations(document=doc_id, length=d["length"], annotators=tuple(d["annotators"]),
                            spans=tuple(d["spans"]), title=d["title"])
        for doc_id, d in grouped.items()
    ]


def agreement_report(project: Project, options: AgreementOptions | None = None, *,
                     progress: ProgressCallback | None = None) -> dict:
    """The agreement report (see app.agreement.build_report), cached until the data changes;
    computed here and now if no worker has it (the API's and the CLI's way), or waited for if
    another worker is computing it. `progress(phase, fraction)` hears a computation's phases.

    The returned dict is the caller's own copy: changing it does not change the cache.
    """
    options = options or AgreementOptions()
    check_options(project, options)
    key = cache_key(project, options)
    report = report_store().get(key)
    if report is None:
        report = compute_once(project, options, key, progress=progress)
    if project.claimants_agree_by_root and not options.claimants_by_root:
        # Both claimant figures: as annotated, and with "same organisation" counted as agreeing.
        by_root = agreement_report(project, dataclasses.replace(options, claimants_by_root=True),
                                   progress=progress)
        report["claimant_same_organisation"] = by_root.get("claimant")
    return report


def cached_report(project: Project, options: AgreementOptions | None = None) -> dict | None:
    """The report if some worker has computed it for the project's current data; else None
    (never computes: for pages that must not wait, such as the review queue)."""
    return report_store().get(cache_key(project, options or AgreementOptions()))


def compute_report(project: Project, options: AgreementOptions,
                   progress: ProgressCallback | None = None) -> dict:
    """Compute the report from the database (no cache): build_report, then vs gold and over
    time, each phase told to `progress`."""
    from app.agreement import build_report
    from app.agreement.gamma import GammaSettings

    documents = load_documents(project, options)
    report = build_report(
        documents, mode=options.mode,
        gamma=GammaSettings() if current_app.config.get("AGREEMENT_GAMMA", True) else None,
        bootstrap_draws=current_app.config.get("AGREEMENT_BOOTSTRAP_DRAWS",
                                               DEFAULT_BOOTSTRAP_DRAWS),
        progress=progress)
    report_progress(progress, "vs gold")
    report["vs_gold"] = gold_section(project, options)
    report_progress(progress, "over time")
    report["over_time"] = over_time_section(project, documents, report["bootstrap"]["seed"])
    return report


def compute_once(project: Project, options: AgreementOptions, key: str, *,
                 progress: ProgressCallback | None = None) -> dict:
    """Compute and store the report under `key`, unless another worker (or thread) already
    is: then wait for its result. One computation per key at a time: a Redis lock when Redis
    is configured, a process lock otherwise. A wait longer than WAIT_SECONDS (a computation
    that died with its lock held) computes anyway."""
    store = report_store()
    lock = store.lock(key)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if lock.acquire(blocking=False):
            try:
                report = store.get(key)  # finished while we were waiting for the lock
                return report if report is not None else _compute_and_store(
                    project, options, key, progress)
            finally:
                _release(lock)
        time.sleep(POLL_SECONDS)
        report = store.get(key)
        if report is not None:
            return report
        if time.monotonic() > deadline:
            return _compute_and_store(project, options, key, progress)


def _compute_and_store(project: Project, options: AgreementOptions, key: str,
                       progress: ProgressCallback | None) -> dict:
    store = report_store()
    writer = ProgressWriter(store, key)

    def both(phase: str, fraction: float = 0.0) -> None:
        writer(phase, fraction)
        if progress is not None:
            progress(phase, fraction)

    both("units")
    try:
        report = compute_report(project, options, both)
    except Exception:
        writer.finish("failed", "the report could not be computed; the error is in the log")
        raise
    store.put(key, report)
    writer.finish("done")
    return json.loads(json.dumps(report))  # as the store gives it back, and the caller's own


def _release(lock) -> None:
    try:
        lock.release()
    except Exception:  # a Redis lock that expired meanwhile: nothing left to release
        current_app.logger.warning("agreement report lock had expired before release")


def cache_key(project: Project, options: AgreementOptions) -> str:
    """What the report depends on, hashed: the project's data (changed_at, assignments, and
    spans when unsubmitted work counts), the options and the app's report settings."""
    config = current_app.config
    parts = (REPORT_FORMAT, project.id, str(project.changed_at), assignment_fingerprint(project),
             dataclasses.astuple(options),
             span_fingerprint(project) if options.include_unsubmitted else None,
             bool(config.get("AGREEMENT_GAMMA", True)),
             config.get("AGREEMENT_BOOTSTRAP_DRAWS", DEFAULT_BOOTSTRAP_DRAWS))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{PREFIX}:{project.id}:{digest}"


def gold_section(project: Project, options: AgreementOptions) -> dict:
    """Each annotator against the adjudicated gold layer (app.agreement.vs_gold), over the
    adjudicated documents among those the options select; `documents` says how many."""
    from app.agreement.vs_gold import compare_with_gold
    from app.review.scores import load_gold_documents

    documents = load_gold_documents(project, options.documents)
    return compare_with_gold(documents, options.annotators)


def assignment_fingerprint(project: Project) -> tuple:
    """Changes whenever an assignment of the project is added, removed, submitted or reopened."""
    submitted = Assignment.status == "submitted"
    row = db.session.execute(
        select(func.count(Assignment.id), func.count(Assignment.id).filter(submitted),
               func.max(Assignment.submitted_at))
        .join(Document).where(Document.project_id == project.id)
    ).one()
    return tuple(row)


def span_fingerprint(project: Project) -> tuple:
    """Changes whenever a span of the project is created, edited or deleted: a delete lowers
    the count, a create raises the largest id (and the latest update, should SQLite hand a
    deleted largest id out again), an edit raises the sum of versions (each edit adds one)."""
    return tuple(db.session.execute(
        select(func.count(Span.id), func.max(Span.id), func.sum(Span.version),
               func.max(Span.updated_at))
        .join(Document, Document.id == Span.document_id)
        .where(Document.project_id == project.id)
    ).one())


def report_store():
    """This app's report store (one per app, so test apps and their databases never share
    one): Redis when REDIS_URL is configured, this process's memory otherwise."""
    extensions = current_app.extensions
    if "credence_agreement_store" not in extensions:
        url = current_app.config.get("REDIS_URL") or os.environ.get("REDIS_URL")
        extensions["credence_agreement_store"] = make_store(url)
    return extensions["credence_agreement_store"]


report_cache = report_store  # the name tests and older callers use
