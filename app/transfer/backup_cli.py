"""`flask backup PROJECT OUT` and `flask restore IN`: thin wrappers over backup.py and
restore.py (docs/deploy.md, "Backups")."""

from __future__ import annotations

import pathlib

import click
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.transfer.backup import write_backup
from app.transfer.restore import RestoreRefused, restore_backup


@click.command("backup")
@click.argument("project_name", metavar="PROJECT")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def backup_command(project_name: str, out: str) -> None:
    """Write one project, complete, to OUT (gzip'd JSON lines; restore with flask restore)."""
    from app.audit import record
    from app.cli import echo, fail, find_project

    project = find_project(project_name)
    project_id, name = project.id, project.name
    path = pathlib.Path(out)
    try:
        summary = write_backup(project, path)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    # Recorded after the file is whole: the backup never holds its own entry.
    record("backup", project_id=project_id, target=f"file {path.name}",
           details={"rows": sum(summary.counts.values())})
    db.session.commit()
    echo(f"backed up {name}: {summary.counts['documents']} documents, "
         f"{summary.counts['spans']} spans, {summary.counts['gold_spans']} gold spans, "
         f"{summary.users} users to {path}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--as", "name", metavar="NAME", help="Restore under this project name.")
@click.option("--replace", is_flag=True,
              help="Delete the project of the same name first (everything in it is lost).")
def restore_command(file: str, name: str | None, replace: bool) -> None:
    """Restore a project backup as a new project: all or nothing. Users are matched by
    username; missing ones are created deactivated, without a password."""
    from app.cli import echo, fail

    path = pathlib.Path(file)
    if not path.is_file():
        fail(f"no such file: {file}")
    try:
        result = restore_backup(path, name=name, replace=replace)
    except RestoreRefused as refused:
        fail(f"nothing restored: {refused.message}")
    try:
        db.session.commit()
    except DBAPIError as error:  # a check the database makes at COMMIT (deferred keys)
        fail(f"nothing restored: {str(error.orig).strip().splitlines()[0]}")
    echo(f"restored {result.project_name} (id {result.project_id}): "
         f"{result.counts['documents']} documents, {result.counts['spans']} spans, "
         f"{result.counts['gold_spans']} gold spans")
    if result.users_created:
        echo("created deactivated users without passwords (reactivate them, then send a "
             "set-password link: flask users activate NAME; flask users link NAME): "
             + ", ".join(result.users_created))
