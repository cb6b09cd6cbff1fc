"""Account pages: site administrators manage users and site settings (/admin/…); every
user has a profile (profile.py); set-password links open /set-password/<secret>.

Secrets (a new set-password link, a new API token) are shown once, in the answer to the
POST that made them, never put in the session or a redirect.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ActionForm, NewUserForm, SiteSettingsForm
from app.accounts.links import issue_link
from app.accounts.mail import send_link_if_configured
from app.accounts.service import all_users, create_account, set_active, set_project_creator
from app.accounts.settings import PROJECT_CREATION, get_setting, set_project_creation
from app.errors import ServiceError
from app.extensions import db
from app.models import User
from app.permissions import admin_required

bp = Blueprint("accounts", __name__)


def attach_error(form, error: ServiceError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message[:1].upper() + error.message[1:] + ".", "error")


def secret_page(template: str, **context):
    """A page showing a secret once: never cached, never sent on as a referrer."""
    response = render_template(template, **context)
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def link_page(user: User, url: str, back: str, **context):
    mailed = send_link_if_configured(user, url)
    return secret_page("accounts/link.html", user=user, url=url, mailed=mailed, back=back,
                       **context)


@bp.route("/admin/users", methods=["GET", "POST"])
@admin_required
def users():
    form = NewUserForm()
    settings_form = SiteSettingsForm(formdata=None,
                                     project_creation=get_setting(PROJECT_CREATION))
    if form.validate_on_submit():
        try:
            user = create_account(
                form.username.data, display_name=form.display_name.data or "",
                email=form.email.data or "", is_admin=form.is_admin.data,
                project_creator=form.project_creator.data)
            url = issue_link(user, created_by=current_user)
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            return link_page(user, url, url_for("accounts.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/users.html", users=all_users(), form=form,
                           settings_form=settings_form, action=ActionForm()), status


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, "no such user")
    return user


@bp.route("/admin/users/<int:user_id>/<any(deactivate, activate):change>", methods=["POST"])
@admin_required
def change_active(user_id: int, change: str):
    user = user_or_404(user_id)
    if ActionForm().validate_on_submit():
        try:
            set_active(user, change == "activate", actor=current_user)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message[:1].upper() + error.message[1:] + ".", "error")
        else:
            db.session.commit()
            flash(f"{user.username} is {'active again' if user.active else 'deactivated'}.",
                  "success")
    return redirect(url_for("accounts.users"))


@bp.route("/admin/users/<int:user_id>/creator", methods=["POST"])
@admin_required
def change_creator(user_id: int):
    user = user_or_404(user_id)
    if ActionForm().validate_on_submit():
        set_project_creator(user, request.form.get("allowed") == "1")
        db.session.commit()
        flash(f"{user.username} {'may' if user.project_creator else 'may no longer'} "
              "create projects.", "success")
    return redirect(url_for("accounts.users"))


@bp.route("/admin/users/<int:user_id>/link", methods=["POST"])
@admin_required
def new_link(user_id: int):
    user = user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("accounts.users"))
    try:
        url = issue_link(user, created_by=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message[:1].upper() + error.message[1:] + ".", "error")
        return redirect(url_for("accounts.users"))
    db.session.commit()
    return link_page(user, url, url_for("accounts.users"))


@bp.route("/admin/settings", methods=["POST"])
@admin_required
def settings():
    form = SiteSettingsForm()
    if form.validate_on_submit():
        set_project_creation(form.project_creation.data)
        db.session.commit()
        flash("Site settings saved.", "success")
    else:
        flash("Choose who may create projects.", "error")
    return redirect(url_for("accounts.users"))


# The profile, token and set-password pages add their routes to `bp`.
from app.accounts import invitations, profile  # noqa: E402, F401
