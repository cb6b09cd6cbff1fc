"""`flask claimants list|merge|rename|confirm|import|export PROJECT ...`: thin wrappers over
the registry services. Run by whoever runs the server: history records no user."""

from __future__ import annotations

import pathlib
import sys

import click
from flask.cli import AppGroup

from app.claimants.merge import merge_claimants
from app.claimants.registry import ClaimantLookup
from app.claimants.service import confirm_claimant, registry_rows, rename_claimant
from app.claimants.transfer import export_registry, import_registry
from app.cli import fail, find_project
from app.errors import ServiceError
from app.extensions import db

claimants_cli = AppGroup("claimants", help="The claimant registry of a project.")


def _find(project, name: str):
    claimant = ClaimantLookup(project).find(name)
    if claimant is None:
        fail(f"no claimant named {name!r} in {project.name!r}")
    return claimant


@claimants_cli.command("list")
@click.argument("project_name")
@click.option("--search", "query", default="", help="Names or aliases with a word starting so.")
@click.option("--proposed", is_flag=True, help="Only proposals awaiting confirmation.")
def list_command(project_name: str, query: str, proposed: bool) -> None:
    """Claimants with their type, status and how many spans and gold spans name them."""
    project = find_project(project_name)
    rows = registry_rows(project, query, "proposed" if proposed else None)
    for row in rows:
        claimant = row.claimant
        click.echo(f"{claimant.id}\t{claimant.name}\t{claimant.type}\t{claimant.status}\t"
                   f"{row.spans} spans\t{row.gold_spans} gold")
    click.echo(f"{len(rows)} claimant(s)", err=True)


@claimants_cli.command("merge")
@click.argument("project_name")
@click.argument("source_name")
@click.option("--into", "target_name", required=True, help="The claimant that remains.")
def merge_command(project_name: str, source_name: str, target_name: str) -> None:
    """Merge SOURCE_NAME into TARGET_NAME: its spans and gold move, its names become aliases."""
    project = find_project(project_name)
    source, target = _find(project, source_name), _find(project, target_name)
    try:
        event = merge_claimants(source, target, None)
    except ServiceError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"{event.summary} (history event {event.id}; undo on the registry page)")


@claimants_cli.command("rename")
@click.argument("project_name")
@click.argument("old_name")
@click.argument("new_name")
def rename_command(project_name: str, old_name: str, new_name: str) -> None:
    """Rename a claimant; the old name stays as an alias."""
    project = find_project(project_name)
    try:
        claimant = rename_claimant(_find(project, old_name), new_name, None)
    except ServiceError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"renamed to {claimant.name}")


@claimants_cli.command("confirm")
@click.argument("project_name")
@click.argument("claimant_id", type=int)
def confirm_command(project_name: str, claimant_id: int) -> None:
    """Confirm a proposal (by id: several annotators may have proposed the same name)."""
    from app.claimants.service import claimant_in

    project = find_project(project_name)
    try:
        claimant = confirm_claimant(claimant_in(project, claimant_id), None)
    except ServiceError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"confirmed {claimant.name}")


@claimants_cli.command("import")
@click.argument("project_name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]),
              help="Default: from the file name's extension.")
def import_command(project_name: str, file: str, fmt: str | None) -> None:
    """Import a registry file (all or nothing)."""
    project = find_project(project_name)
    path = pathlib.Path(file)
    fmt = fmt or path.suffix.lstrip(".").lower()
    try:
        summary = import_registry(project, path.read_bytes(), fmt, None)
    except ServiceError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"{summary.created} created, {summary.updated} updated")


@claimants_cli.command("export")
@click.argument("project_name")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Default: stdout.")
def export_command(project_name: str, fmt: str, output: str | None) -> None:
    """Write the registry (proposals included, with their status)."""
    project = find_project(project_name)
    chunks = export_registry(project, fmt)
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    with open(output, "w", encoding="utf-8", newline="") as handle:
        handle.writelines(chunks)
    click.echo(f"wrote {output}", err=True)
