"""`flask export`: the same service as the download page, written to a file or stdout."""

from __future__ import annotations

import os
import pathlib
import sys

import click

from app.errors import ServiceError
from app.formats.writers import EXPORT_FORMATS
from app.transfer.export import LAYERS, SCOPES, export_project, options_from_args


@click.command("export")
@click.argument("project_name", metavar="PROJECT")
@click.argument("file", type=click.Path(dir_okay=False, writable=True), required=False)
@click.option("--format", "format_", type=click.Choice(tuple(EXPORT_FORMATS)), default="jsonl",
              show_default=True, help="File format (docs/formats.md).")
@click.option("--layer", type=click.Choice(LAYERS), default="all", show_default=True,
              help="Annotators' spans, the gold layer, or both.")
@click.option("--scope", type=click.Choice(SCOPES), default="submitted", show_default=True,
              help="submitted: finished work only; adjudicated: reviewed documents; all: "
                   "every document and every draft.")
@click.option("--documents", default="", metavar="IDS",
              help="Only these document ids (comma-separated).")
@click.option("--excel", is_flag=True, help="CSV: start with a byte-order mark for Excel.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (default: standard output).")
@click.option("--all-work", is_flag=True, help="Same as --scope all.")
def export_command(project_name: str, file: str | None, format_: str, layer: str, scope: str,
                   documents: str, excel: bool, out: str | None, all_work: bool) -> None:
    """Export a project's documents and annotations (to --out FILE, or standard output)."""
    from app.cli import fail, find_project

    project = find_project(project_name)
    target = out or file
    try:
        options = options_from_args({"format": format_, "layer": layer,
                                     "scope": "all" if all_work else scope,
                                     "documents": documents, "excel": "1" if excel else ""})
        if target is None:
            exported = export_project(project, options)
            for chunk in exported.chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        _write_file(project, options, pathlib.Path(target))
    except ServiceError as error:
        fail(error.message)


def _write_file(project, options, path: pathlib.Path) -> None:
    """Write through a temporary name, so a failed export never leaves half a file behind;
    a progress bar on a terminal."""
    partial = path.with_name(path.name + ".part")
    show_progress = sys.stderr.isatty()
    with click.progressbar(length=1, file=sys.stderr, label="exporting",
                           hidden=not show_progress) as bar:
        exported = export_project(project, options, on_document=lambda: bar.update(1))
        bar.length = max(exported.documents, 1)
        try:
            with partial.open("wb") as handle:
                for chunk in exported.chunks:
                    handle.write(chunk)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    click.echo(f"wrote {exported.documents} documents to {path}", err=True)
