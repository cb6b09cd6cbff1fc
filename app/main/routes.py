from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.extensions import db
from app.permissions import may_create_projects, visible_projects
from app.projects.service import project_overviews_for

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    projects = db.session.scalars(visible_projects(current_user)).all()
    overviews = project_overviews_for(current_user, projects)
    return render_template("main/home.html", overviews=overviews,
                           may_create_projects=may_create_projects(current_user))


@bp.route("/healthz")
def health():
    return {"status": "ok"}
