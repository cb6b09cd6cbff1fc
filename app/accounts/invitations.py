"""Invitations from a project's Members page: a manager creates an account for a new person
with a role in the project; the page shows a one-time set-password link to pass on.

Inviting someone who already has an account is the Members page's "Add a member" form.
"""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user

from app.accounts.forms import ActionForm, InviteForm
from app.accounts.links import issue_link
from app.accounts.routes import attach_error, bp, link_page
from app.accounts.service import create_account
from app.errors import ServiceError
from app.extensions import db
from app.models import Project, User
from app.permissions import may_send_set_password_link, project_role_required
from app.projects.forms import ConfirmForm, MemberForm
from app.projects.service import project_members, set_member


@bp.route("/projects/<int:project_id>/members/invite", methods=["POST"])
@project_role_required("manager")
def invite(project: Project):
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = create_account(form.username.data, display_name=form.display_name.data or "",
                                  email=form.email.data or "")
            set_member(project, user, form.role.data)
            url = issue_link(user, created_by=current_user)
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            return link_page(user, url, url_for("projects.members", project_id=project.id),
                             project=project, role=form.role.data)
    # The project pages' shared layout (sub-navigation) lives with the projects routes.
    from app.projects.routes import render_project_page

    return render_project_page("projects/members.html", project, 422, form=MemberForm(
        formdata=None), members=project_members(project), confirm=ConfirmForm(),
        invite_form=form,
        may_send_link=lambda user: may_send_set_password_link(current_user, user, project))


@bp.route("/projects/<int:project_id>/members/<int:user_id>/link", methods=["POST"])
@project_role_required("manager")
def member_link(project: Project, user_id: int):
    """A new set-password link for a member who has no password yet (see permissions)."""
    user = db.session.get(User, user_id)
    if user is None or not may_send_set_password_link(current_user, user, project):
        abort(404, "no member of this project waiting for a password")
    if not ActionForm().validate_on_submit():
        abort(400, "the form had expired; reload the page and try again")
    url = issue_link(user, created_by=current_user)
    db.session.commit()
    return link_page(user, url, url_for("projects.members", project_id=project.id),
                     project=project)
