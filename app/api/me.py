"""My own account: personal API tokens (list, create, revoke). The same service as the
profile page; a token is returned once, at creation."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from app.accounts.tokens import create_token, is_expired, revoke_token, token_of, tokens_of
from app.api.json_input import integer, read_json_object, refuse_unknown_fields, string
from app.api.routes import bp
from app.errors import ServiceError
from app.extensions import db
from app.models import ApiToken


def _time(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def token_json(token: ApiToken) -> dict:
    return {"id": token.id, "name": token.name, "created_at": _time(token.created_at),
            "expires_at": _time(token.expires_at), "last_used_at": _time(token.last_used_at),
            "expired": is_expired(token)}


@bp.get("/me/tokens")
def list_my_tokens():
    return jsonify([token_json(token) for token in tokens_of(current_user)])


@bp.post("/me/tokens")
def create_my_token():
    data = read_json_object()
    refuse_unknown_fields(data, {"name", "expires_in_days"})
    name = string(data, "name")
    days = None
    if data.get("expires_in_days") is not None:
        days = integer(data, "expires_in_days")
    if days is not None and days < 1:
        raise ServiceError("expires_in_days must be at least 1", "expires_in_days")
    token, plain = create_token(current_user, name, days)
    db.session.commit()
    return jsonify({**token_json(token), "token": plain}), 201


@bp.delete("/me/tokens/<int:token_id>")
def revoke_my_token(token_id: int):
    revoke_token(token_of(current_user, token_id))
    db.session.commit()
    return "", 204
