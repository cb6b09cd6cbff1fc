"""Commands that hand a project's data out or take it in are recorded like the routes that
do (AUDITED_ENDPOINTS in app/audit/__init__.py): after they succeed, by "(command line)".

The commands belong to other packages; their callbacks are wrapped once, here, so that
none of them has to remember the audit log.
"""

from __future__ import annotations

import functools

import click
from flask import Flask
from sqlalchemy import select

from app.extensions import db

AUDITED_COMMANDS = {("export",): "export", ("import",): "import",
                    ("claimants", "export"): "export"}


def audit_commands(app: Flask) -> None:
    for path, action in AUDITED_COMMANDS.items():
        command: click.Command | None = app.cli
        for name in path:
            command = getattr(command, "commands", {}).get(name)
        if command is None or getattr(command.callback, "audited", False):
            continue  # not registered, or wrapped already (the command objects are shared)
        command.callback = _recorded(command.callback, action, " ".join(path))


def _recorded(callback, action: str, name: str):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        result = callback(*args, **kwargs)
        _record(action, name, kwargs)
        return result

    run.audited = True
    return run


def _record(action: str, name: str, arguments: dict) -> None:
    from app.audit import record
    from app.models import Project

    project_name = str(arguments.get("project_name", ""))
    project_id = db.session.scalar(select(Project.id).where(Project.name == project_name))
    if project_id is None and project_name.isdigit():
        project_id = db.session.scalar(select(Project.id).where(
            Project.id == int(project_name)))
    details = {key: str(value)[:200] for key, value in arguments.items()
               if key != "project_name" and value not in (None, False, "")}
    record(action, project_id=project_id, target=f"flask {name}", details=details)
    db.session.commit()
