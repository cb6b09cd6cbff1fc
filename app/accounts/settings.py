"""Site-wide settings kept in the database, so administrators change them in the browser."""

from __future__ import annotations

from app.errors import ServiceError
from app.extensions import db
from app.models import SiteSetting

# Who may create projects: only site administrators, or also users with the project-creator
# flag (who become the new project's manager).
PROJECT_CREATION = "project_creation"
PROJECT_CREATION_CHOICES = {
    "admins": "Site administrators only",
    "creators": "Site administrators and users marked as project creators",
}
DEFAULTS = {PROJECT_CREATION: "admins"}


def get_setting(key: str) -> str:
    row = db.session.get(SiteSetting, key)
    return row.value if row is not None else DEFAULTS[key]


def set_project_creation(value: str) -> None:
    if value not in PROJECT_CREATION_CHOICES:
        raise ServiceError(f"choose one of {', '.join(PROJECT_CREATION_CHOICES)}",
                           PROJECT_CREATION)
    row = db.session.get(SiteSetting, PROJECT_CREATION)
    if row is None:
        db.session.add(SiteSetting(key=PROJECT_CREATION, value=value))
    else:
        row.value = value
    db.session.flush()
