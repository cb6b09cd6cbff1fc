"""The /api/v1 blueprint: login for every route, JSON errors, one module per resource.

Errors are `{"error": message, "field": name}` (field when one input is at fault). Every
refused request rolls the session back, so nothing it touched is stored.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.annotate.service import VersionConflict
from app.api.operations import OPERATIONS
from app.api.serialise import span_row_json
from app.errors import ServiceError
from app.extensions import db, login_manager
from app.permissions import Denied
from app.review.gold import GoldConflict

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_error(status: int, message: str, field: str | None = None, **extra):
    body = {"error": message}
    if field:
        body["field"] = field
    body.update(extra)
    return jsonify(body), status


@bp.before_request
def require_login():
    if current_user.is_authenticated:
        return None
    declared = OPERATIONS.get(request.endpoint or "")
    if declared is not None and declared.public:  # the OpenAPI description
        return None
    return login_manager.unauthorized()


@bp.errorhandler(Denied)
def denied(error: Denied):
    db.session.rollback()
    return json_error(error.status, error.message)


@bp.errorhandler(ServiceError)
def refused(error: ServiceError):
    db.session.rollback()
    if isinstance(error, VersionConflict):
        current = span_row_json(error.current) if error.current is not None else None
        return json_error(error.status, error.message, error.field, current=current)
    if isinstance(error, GoldConflict):
        from app.review.serialise import gold_json

        current = gold_json(error.current) if error.current is not None else None
        return json_error(error.status, error.message, error.field, current=current)
    return json_error(error.status, error.message, error.field)


@bp.errorhandler(IntegrityError)
def collided(error: IntegrityError):
    # Two requests raced past the same check (e.g. both creating claimant "X"): the
    # database's unique keys refused the second. Retrying will find the first one's row.
    db.session.rollback()
    return json_error(409, "this change collided with another made at the same moment; "
                      "try again")


# The resource modules add their routes to `bp`; imported last because they import it.
# export: downloads (app/transfer); me: my own account; openapi: /api/v1/openapi.json.
from app.api import (  # noqa: E402, F401
    claimants,
    documents,
    export,
    me,
    openapi,
    projects,
    review,
    spans,
)
