from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.audit import record
from app.auth.forms import LoginForm, LogoutForm
from app.auth.sessions import end_session, start_session
from app.auth.throttle import throttle_account, throttle_address
from app.extensions import db
from app.models import User

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only local paths: '/x' yes; '//evil.example', 'http://…', '\\\\host' no."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return url_for("main.home")  # a backslash or CR/LF could break out of the header
    return target


@bp.route("/login", methods=["GET", "POST"])
@throttle_account
@throttle_address
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user is None:
            # Spend the same time as a real check so timing does not reveal usernames.
            User.spend_time_like_a_password_check(form.password.data)
        if user is None or not user.active or not user.check_password(form.password.data):
            current_app.logger.info("login failed: username=%r address=%s",
                                    form.username.data[:64], request.remote_addr)
            record("login_failed", target=f"username {form.username.data.strip()[:64]}")
            db.session.commit()
            flash("Unknown username or wrong password.", "error")
            return render_template("auth/login.html", form=form), 401
        start_session(user, remember=form.remember.data)
        record("login", user=user, details={"remember": bool(form.remember.data)})
        db.session.commit()
        return redirect(safe_next(request.args.get("next")))
    if form.is_submitted() and form.errors.get("csrf_token"):
        # Typically a login page left open until its session expired: just ask again.
        form.csrf_token.errors = []
        flash("The page had expired; please log in again.", "error")
        return render_template("auth/login.html", form=form), 400
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST":
        if form.validate_on_submit():
            if current_user.is_authenticated:
                record("logout")
                end_session(current_user)
                db.session.commit()
            flash("You are logged out, in this browser and every other one.", "info")
            return redirect(url_for("auth.login"))
        flash("Your session expired; please try again.", "error")
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)


@bp.route("/logout/others", methods=["POST"])
@login_required
def logout_others():
    """End every other session and remember cookie of this user; this one goes on."""
    if LogoutForm().validate_on_submit():
        current_user.end_all_sessions()
        record("other_sessions_ended")
        db.session.commit()
        flash("Your other sessions are ended: every other browser must log in again.", "success")
    return redirect(url_for("auth.logout"))
