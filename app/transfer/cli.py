"""`flask export`: the same service as the download page, written to a file or stdout."""

from __future__ import annotations

import contextlib
import gc
import os
import pathlib
import sys
from typing import BinaryIO

import click

from app.errors import ServiceError
from app.formats.writers import EXPORT_FORMATS
from app.transfer.export import (
    LAYERS,
    SCOPES,
    ExportFile,
    ExportOptions,
    export_project,
    options_from_args,
)
from app.transfer.progress import PhaseBars, wanted


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
@click.option("--progress/--no-progress", default=None,
              help="A progress bar on standard error (default: when it is a terminal and "
                   "--out names a file).")
def export_command(project_name: str, file: str | None, format_: str, layer: str, scope: str,
                   documents: str, excel: bool, out: str | None, all_work: bool,
                   progress: bool | None) -> None:
    """Export a project's documents and annotations (to --out FILE, or standard output)."""
    from app.cli import fail, find_project

    project = find_project(project_name)
    target = out or file
    try:
        options = options_from_args({"format": format_, "layer": layer,
                                     "scope": "all" if all_work else scope,
                                     "documents": documents, "excel": "1" if excel else ""})
        with startup_objects_frozen():
            if target is None:  # the file on standard output: a bar only when asked for
                write_export(project, options, sys.stdout.buffer, show_progress=bool(progress))
                sys.stdout.buffer.flush()
                return
            _write_file(project, options, pathlib.Path(target), wanted(progress))
    except ServiceError as error:
        fail(error.message)


@contextlib.contextmanager
def startup_objects_frozen():
    """The app's objects (modules, mappings, the loaded project) outlive the export, so they
    are kept out of the collector's sight while it runs (as wsgi.py does for servers): the
    full collections that millions of new rows trigger then do not walk them every time,
    which cost a third of an export's time. Undone afterwards unless something froze first."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


def write_export(project, options: ExportOptions, handle: BinaryIO, *,
                 show_progress: bool = False) -> ExportFile:
    """Write the export to `handle` (what `flask export` runs; bench/bench_export.py too)."""
    with PhaseBars(show_progress) as bars:
        exported = export_project(project, options, on_document=lambda: bars.step("exporting"))
        bars.total("exporting", exported.documents)
        for chunk in exported.chunks:
            handle.write(chunk)
    return exported


def _write_file(project, options: ExportOptions, path: pathlib.Path, show_progress: bool
                ) -> None:
    """Write through a temporary name, so a failed export never leaves half a file behind."""
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as handle:
            exported = write_export(project, options, handle, show_progress=show_progress)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"wrote {exported.documents} documents to {path}", err=True)
