"""`flask users …` commands for accounts: list, deactivate/activate, set-password links and
API tokens. Thin wrappers over the same services as the pages (added to app.cli's group)."""

from __future__ import annotations

import click

from app.accounts.links import issue_link
from app.accounts.service import all_users, set_active
from app.accounts.tokens import is_expired, revoke_token, token_named, tokens_of
from app.cli import fail, find_user, users_cli
from app.errors import ServiceError
from app.extensions import db


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


@users_cli.command("list")
def list_users() -> None:
    """List every account: username, state, admin and project-creator flags."""
    for user in all_users():
        flags = [flag for flag, on in (("admin", user.is_admin),
                                       ("project-creator", user.project_creator),
                                       ("no-password", not user.password_hash)) if on]
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.username}\t{state}\t{','.join(flags) or '-'}\t{user.display_name}")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Deactivate an account: no login, sessions and tokens refused at once; work kept."""
    user = find_user(username)
    try:
        set_active(user, False)
    except ServiceError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"{username} is deactivated")


@users_cli.command("activate")
@click.argument("username")
def activate(username: str) -> None:
    """Reactivate a deactivated account."""
    user = find_user(username)
    set_active(user, True)
    db.session.commit()
    click.echo(f"{username} is active")


@users_cli.command("link")
@click.argument("username")
def link(username: str) -> None:
    """Print a one-time set-password link (BASE_URL sets the site address); older links stop
    working. The link is printed alone on the last line."""
    user = find_user(username)
    try:
        url = issue_link(user)
    except ServiceError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"Set-password link for {username} (works once):")
    click.echo(url)


@users_cli.command("tokens")
@click.argument("username")
def list_tokens(username: str) -> None:
    """List a user's API tokens: name, created, expires, last used (never the token)."""
    user = find_user(username)
    tokens = tokens_of(user)
    if not tokens:
        click.echo(f"{username} has no API tokens")
    for token in tokens:
        expired = " (expired)" if is_expired(token) else ""
        click.echo(f"{token.name or '(no name)'}\tcreated {_when(token.created_at)}\t"
                   f"expires {_when(token.expires_at)}{expired}\t"
                   f"last used {_when(token.last_used_at)}")


@users_cli.command("revoke-token")
@click.argument("username")
@click.argument("token_name")
def revoke(username: str, token_name: str) -> None:
    """Revoke a user's API token by its name; it stops working at once."""
    user = find_user(username)
    try:
        token = token_named(user, token_name)
    except ServiceError as error:
        fail(error.message)
    revoke_token(token)
    db.session.commit()
    click.echo(f"revoked token {token_name!r} of {username}")
