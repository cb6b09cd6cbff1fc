"""Account operations shared by the pages, the API and the CLI. Callers commit.

Passwords follow NIST SP 800-63B section 5.1.1.2: at least 10 characters, no list of
common passwords, no composition rules (app.accounts.passwords decides).
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.passwords import password_problem
from app.errors import ServiceError
from app.extensions import db
from app.models import User
from app.models.users import username_problem


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip()))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def create_account(username: str, *, display_name: str = "", is_admin: bool = False,
                   project_creator: bool = False, email: str = "") -> User:
    """A new account without a password: its owner chooses one through a set-password link."""
    username = username.strip()
    problem = username_problem(username)
    if problem:
        raise ServiceError(problem, "username")
    if user_by_username(username) is not None:
        raise ServiceError(f"a user named {username!r} already exists", "username", status=409)
    email = email.strip()
    if email and ("@" not in email or len(email) > 254 or any(c.isspace() for c in email)):
        raise ServiceError("an e-mail address looks like name@example.org", "email")
    user = User(username=username, display_name=display_name.strip() or username,
                is_admin=is_admin, project_creator=project_creator, email=email or None)
    db.session.add(user)
    db.session.flush()
    return user


def check_new_password(password: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem:
        raise ServiceError(problem, field)


def set_new_password(user: User, password: str, field: str = "password") -> None:
    """Check and store a new password; User.set_password ends the user's other sessions."""
    check_new_password(password, field)
    user.set_password(password)
    db.session.flush()


def change_own_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise ServiceError("the current password is wrong", "current_password", status=403)
    set_new_password(user, new, "new_password")


def set_active(user: User, active: bool, *, actor: User | None = None) -> None:
    """Deactivate (cannot log in; sessions and tokens refused at once, by the User model and
    the token check; work kept) or reactivate an account."""
    if not active:
        if actor is not None and actor.id == user.id:
            raise ServiceError("you cannot deactivate your own account", "user", status=409)
        if user.is_admin and _active_admins() == 1:
            raise ServiceError("cannot deactivate the last active site administrator",
                               "user", status=409)
    user.active = active
    db.session.flush()


def set_project_creator(user: User, allowed: bool) -> None:
    user.project_creator = allowed
    db.session.flush()


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.is_admin, User.active))
