"""`flask` commands: thin wrappers over the services. Errors exit non-zero with a message."""

from __future__ import annotations

import pathlib

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts.passwords import password_problem
from app.errors import ServiceError
from app.extensions import db
from app.models import ROLES, ApiToken, Project, User
from app.models.users import username_problem
from app.projects.service import change_member_role, create_project
from app.scheme import Scheme, SchemeError
from app.strict_json import JsonRefused, parse_json
from app.text import terminal_safe

users_cli = AppGroup("users", help="Create users and API tokens.")
projects_cli = AppGroup("projects", help="Create projects and manage their members.")


def fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(terminal_safe(message))  # messages quote names and titles


def echo(message: str) -> None:
    """click.echo for text holding names, titles or file contents: no escape sequences."""
    click.echo(terminal_safe(message))


def find_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        fail(f"no user named {username!r}")
    return user


def find_project(name: str) -> Project:
    project = db.session.scalar(select(Project).where(Project.name == name))
    if project is None and name.isdigit():
        project = db.session.get(Project, int(name))
    if project is None:
        fail(f"no project named {name!r}")
    return project


@users_cli.command("create")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Site administrator (manager of every project).")
@click.option("--password", help="Password; prompted for (hidden, twice) when omitted.")
@click.option("--display-name", default="", help="Name shown in the interface.")
def create_user(username: str, admin: bool, password: str | None, display_name: str) -> None:
    """Create a user who can log in."""
    username = username.strip()
    if username_problem(username):
        fail(username_problem(username))
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        fail(f"a user named {username!r} already exists")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password_problem(password):
        fail(password_problem(password))
    user = User(username=username, display_name=display_name or username, is_admin=admin)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created user {username}{' (admin)' if admin else ''}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password", help="The new password; prompted for (hidden, twice) when omitted.")
def set_password(username: str, password: str | None) -> None:
    """Set a user's password (e.g. for an account an import created without one)."""
    user = find_user(username)
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if password_problem(password):
        fail(password_problem(password))
    user.set_password(password)
    db.session.commit()
    click.echo(f"password set for {username}")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="", help="A label to recognise the token by.")
def create_token(username: str, name: str) -> None:
    """Create an API token; the token is printed alone on the last line, once."""
    user = find_user(username)
    token, plain = ApiToken.issue(user, name=name)
    db.session.add(token)
    db.session.commit()
    click.echo(f"API token for {username} (send it as 'Authorization: Bearer <token>'):")
    click.echo(plain)


@projects_cli.command("create")
@click.argument("name")
@click.option("--scheme", "scheme_file", type=click.Path(dir_okay=False),
              help="Annotation scheme JSON (see docs/formats.md); default scheme when omitted.")
@click.option("--description", default="")
@click.option("--annotators-per-document", default=2, show_default=True, type=int)
def create_project_command(name: str, scheme_file: str | None, description: str,
                           annotators_per_document: int) -> None:
    """Create a project with the default or a given annotation scheme."""
    scheme = None
    if scheme_file:
        path = pathlib.Path(scheme_file)
        if not path.is_file():
            fail(f"no such file: {scheme_file}")
        try:
            scheme = Scheme.from_dict(parse_json(path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, JsonRefused) as error:
            fail(f"{scheme_file} is not valid UTF-8 JSON: {error}")
        except SchemeError as error:
            fail(f"{scheme_file}: {error}")
    try:
        project = create_project(name, description=description, scheme=scheme,
                                 annotators_per_document=annotators_per_document)
    except ServiceError as error:
        fail(error.message)
    db.session.commit()
    echo(f"created project {project.name} (id {project.id})")


@projects_cli.command("add-member")
@click.argument("project_name", metavar="PROJECT")
@click.argument("username")
@click.option("--role", required=True,
              type=click.Choice(ROLES))
def add_member(project_name: str, username: str, role: str) -> None:
    """Add a user to a project with a role (or change their role)."""
    project = find_project(project_name)
    user = find_user(username)
    try:
        change_member_role(project, user, role)  # the same rules as the members page
    except ServiceError as error:
        fail(error.message)
    db.session.commit()
    echo(f"{username} is now {role} in {project.name}")


@click.command("import")
@click.argument("project_name", metavar="PROJECT")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--assign", type=click.IntRange(min=1), metavar="N",
              help="Assign each document to N annotators (balanced).")
@click.option("--create-users", is_flag=True,
              help="Create annotators named in the file (no usable password).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bars on standard error (default: when it is a terminal).")
def import_command(project_name: str, file: str, assign: int | None, create_users: bool,
                   progress: bool | None) -> None:
    """Import .jsonl (Credence or doccano), .json (Credence or Label Studio), .jsonld (W3C),
    .zip (brat or INCEpTION XMI), .csv or .txt (docs/formats.md); nothing is imported if
    anything is wrong."""
    from app.formats import ImportRefused
    from app.projects.importer import import_file
    from app.transfer.progress import PhaseBars, wanted

    project = find_project(project_name)
    path = pathlib.Path(file)
    if not path.is_file():
        fail(f"no such file: {file}")
    try:
        with PhaseBars(wanted(progress), follows={"importing": "checking"}) as bars:
            summary = import_file(project, path.name, path.read_bytes(), assign=assign,
                                  create_users=create_users, on_document=bars.step)
    except ImportRefused as refused:
        lines = [f"  {e}" for e in refused.errors]
        if refused.truncated:
            lines.append(f"  (stopped after {len(refused.errors)} problems; fix these first)")
        fail("nothing imported:\n" + "\n".join(lines))
    except ServiceError as error:
        fail(f"nothing imported: {error.message}")
    db.session.commit()
    echo(f"imported {summary.documents} documents, {summary.spans} spans, "
               f"{summary.gold_spans} gold spans into {project.name}")
    if summary.users_created:
        echo("created users (no password yet; set one with `flask users set-password "
                   "NAME`): " + ", ".join(summary.users_created))
    if summary.claimants_created:
        click.echo(f"added {len(summary.claimants_created)} claimants to the registry")
    if summary.assignments_created:
        click.echo(f"created {summary.assignments_created} assignments")


@click.command("demo")
def demo_command() -> None:
    """Load the demo project, users and annotations (safe to run again)."""
    from app.projects.demo import load_demo

    result = load_demo()
    db.session.commit()
    click.echo(result.message)
    click.echo("Demo logins (username / password):")
    for username, role in result.logins:
        click.echo(f"  {username:<8} / {result.password}   {role}")


def init_cli(app: Flask) -> None:
    from app.accounts import cli as _accounts_cli  # noqa: F401 - adds list, link, tokens…

    app.cli.add_command(users_cli)
    app.cli.add_command(projects_cli)
    app.cli.add_command(import_command)
    from app.transfer.cli import export_command  # it imports this module's helpers

    app.cli.add_command(export_command)
    from app.transfer.backup_cli import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(demo_command)
    from app.claimants.cli import claimants_cli

    app.cli.add_command(claimants_cli)
    from app.audit.commands import audit_commands

    audit_commands(app)  # imports and exports from the command line go in the audit log
    try:
        from app.agreement_views.cli import agreement_command
    except ModuleNotFoundError:
        return
    app.cli.add_command(agreement_command)
