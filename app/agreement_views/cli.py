"""`flask agreement PROJECT`: the agreement report in the terminal.

`--json` prints the very report the API returns (same service call, same options); without it,
a readable summary: headline figures, the table by evidence type, the worst documents.
"""

from __future__ import annotations

import contextlib
import json
import sys

import click

from app.agreement_views import presentation
from app.agreement_views.service import agreement_report, options_from_args
from app.cli import fail, find_project
from app.errors import ServiceError
from app.text import terminal_safe

WORST_DOCUMENTS = 10


@click.command("agreement")
@click.argument("project_name", metavar="PROJECT")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (as the API).")
@click.option("--mode", default="overlap", show_default=True,
              help="How spans are matched into units: overlap or exact.")
@click.option("--annotators", default="", help="Comma-separated usernames (default: everyone).")
@click.option("--include-unsubmitted", is_flag=True, help="Count work not yet submitted.")
def agreement_command(project_name: str, as_json: bool, mode: str, annotators: str,
                      include_unsubmitted: bool) -> None:
    """Inter-annotator agreement of a project (by name or id)."""
    project = find_project(project_name)
    try:
        options = options_from_args({"mode": mode, "annotators": annotators,
                                     "include_unsubmitted": "1" if include_unsubmitted else ""})
        with progress_bar() as progress:
            report = agreement_report(project, options, progress=progress)
    except ServiceError as error:
        fail(f"{error.field}: {error.message}" if error.field else error.message)
    if as_json:
        click.echo(terminal_safe(json.dumps(report, indent=2, sort_keys=True,
                                            ensure_ascii=False)))
        return
    # Titles and names are whatever a manager uploaded: no escape sequence reaches the terminal.
    click.echo(terminal_safe(text_report(project.name, report,
                                         presentation.evidence_names(project))))


@contextlib.contextmanager
def progress_bar():
    """A tqdm progress bar on standard error while the report is computed, on a terminal
    only (scripts reading --json from a pipe see nothing extra). Yields the progress callback
    (None when there is no terminal)."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    from app.agreement.progress import overall_fraction

    with tqdm(total=100, unit="%", file=sys.stderr, leave=False,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}") as bar:

        def update(phase: str, fraction: float = 0.0) -> None:
            bar.set_description_str(phase, refresh=False)
            bar.update(max(0.0, 100 * overall_fraction(phase, fraction) - bar.n))

        yield update


def text_report(project_name: str, report: dict, evidence_names: dict[str, str]) -> str:
    """The report as plain text; evidence types by key, in the scheme's order."""
    from app.agreement import interpret_alpha

    annotators = report.get("annotators") or []
    lines = [f"Agreement in {project_name} ({report.get('mode')} matching)",
             f"{report.get('documents')} documents, {len(annotators)} annotators "
             f"({', '.join(annotators) or 'none'}), {report.get('units')} units", ""]
    if len(annotators) < 2:
        lines += ["Not enough data: agreement needs two annotators who submitted the same "
                  "document. Undefined figures are shown as '-'.", ""]
    rows = [[h.label, h.value, h.interval,
             f"{h.band_text} ({h.band_range})" if h.band_range else h.band_text]
            for h in presentation.headlines(report, interpret_alpha)]
    lines += table(["Figure", "Value", "Interval", "Reading"], rows) + [""]
    evidence = presentation.evidence_rows(report, {key: key for key in evidence_names})
    if evidence:
        lines += ["By evidence type"]
        lines += table(["Evidence type", "Spans", "Units", "α (type vs rest)", "α_U",
                        "Units in disagreement"],
                       [[r["key"], r["spans"], r["units"], r["alpha"], r["unitizing_alpha"],
                         r["troubled"]] for r in evidence]) + [""]
    documents = (report.get("per_document") or [])[:WORST_DOCUMENTS]
    if documents:
        lines += [f"Worst documents (up to {WORST_DOCUMENTS})"]
        lines += table(
            ["Document", "Units", "Evidence α", "Claimant α", "F1 overlap", "α_U"],
            [[_cut(d.get("title") or str(d.get("document")), 40),
              presentation.figure(d.get("units"), 0),
              presentation.figure(d.get("evidence_type_alpha")),
              presentation.figure(d.get("claimant_alpha")),
              presentation.figure(d.get("f1_overlap")),
              presentation.figure(d.get("unitizing_alpha"))] for d in documents])
    return "\n".join(lines).replace("—", "-")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Plain columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        first = str(cells[0]).ljust(widths[0])
        return "  ".join([first] + [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:],
                                                                      strict=True)]).rstrip()

    return [line(header), "  ".join("-" * w for w in widths)] + [line(row) for row in rows]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
