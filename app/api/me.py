"""My own account: personal API tokens (list, create, revoke). The same service as the
profile page; a token is returned once, at creation."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from app.accounts.tokens import create_token, is_expired, revoke_token, token_of, tokens_of
from app.api.json_input import read_body
from app.api.operations import NO_CONTENT, operation
from app.api.responses import NewToken, Token
from app.api.routes import bp
from app.api.schemas import TokenCreate
from app.extensions import db
from app.models import ApiToken


def _time(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def token_json(token: ApiToken) -> dict:
    return {"id": token.id, "name": token.name, "created_at": _time(token.created_at),
            "expires_at": _time(token.expires_at), "last_used_at": _time(token.last_used_at),
            "expired": is_expired(token)}


@bp.get("/me/tokens")
@operation("Your API tokens (never the token itself)", responses={200: [Token]}, tags=("me",))
def list_my_tokens():
    return jsonify([token_json(token) for token in tokens_of(current_user)])


@bp.post("/me/tokens")
@operation("Create an API token", body=TokenCreate, responses={201: NewToken}, tags=("me",),
           links={201: {"Revoke": ("api.revoke_my_token", {"token_id": "$response.body#/id"})}})
def create_my_token():
    """The token is in this answer only; it is stored as a hash."""
    body = read_body()
    token, plain = create_token(current_user, body.name, body.expires_in_days)
    db.session.commit()
    return jsonify({**token_json(token), "token": plain}), 201


@bp.delete("/me/tokens/<int:token_id>")
@operation("Revoke one of your tokens", responses={204: NO_CONTENT}, tags=("me",))
def revoke_my_token(token_id: int):
    revoke_token(token_of(current_user, token_id))
    db.session.commit()
    return "", 204
