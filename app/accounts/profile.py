"""Every user's own page (password, personal API tokens) and the set-password link page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from app.accounts.forms import (
    PASSWORD_HELP,
    ActionForm,
    ChangePasswordForm,
    SetPasswordForm,
    TokenForm,
)
from app.accounts.links import use_link, valid_link
from app.accounts.routes import attach_error, bp
from app.accounts.service import change_own_password
from app.accounts.tokens import create_token, is_expired, revoke_token, token_of, tokens_of
from app.errors import ServiceError, error_response
from app.extensions import db


def render_profile(status: int = 200, *, password_form=None, token_form=None, new_token=None):
    page = render_template(
        "accounts/profile.html", password_form=password_form or ChangePasswordForm(formdata=None),
        token_form=token_form or TokenForm(formdata=None), tokens=tokens_of(current_user),
        is_expired=is_expired, new_token=new_token, action=ActionForm(),
        password_help=PASSWORD_HELP)
    # A page showing a new token is never cached.
    return page, status, ({"Cache-Control": "no-store"} if new_token is not None else {})


@bp.route("/profile")
@login_required
def profile():
    return render_profile()


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current_password.data,
                                form.new_password.data)
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Your password is changed.", "success")
            return redirect(url_for("accounts.profile"))
    return render_profile(422, password_form=form)


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def new_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, plain = create_token(current_user, form.name.data, form.expires_in_days.data)
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            return render_profile(new_token=(token, plain))
    return render_profile(422, token_form=form)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    if ActionForm().validate_on_submit():
        try:
            token = token_of(current_user, token_id)
        except ServiceError as error:
            return error_response(error.status, error.message)
        name = token.name
        revoke_token(token)
        db.session.commit()
        flash(f"Token {name!r} revoked: it no longer works.", "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/set-password/<secret>", methods=["GET", "POST"])
def set_password(secret: str):
    try:
        link = valid_link(secret)
    except ServiceError as error:
        return error_response(error.status, error.message[:1].upper() + error.message[1:] + ".")
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = use_link(secret, form.password.data)
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            if current_user.is_authenticated:  # someone else's session in this browser
                logout_user()
            session.clear()
            flash(f"Password set. Log in as {user.username}.", "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    page = render_template("accounts/set_password.html", form=form, user=link.user,
                           password_help=PASSWORD_HELP)
    return page, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
