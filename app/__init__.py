"""Credence: source-credibility annotation of news articles."""

from __future__ import annotations

import os

from flask import Flask

from config import INSTANCE_DIR, Config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates"),
    )
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    Config.resolve(app.config)
    app.json.sort_keys = False  # JSON keys in the order the API documents them

    from app.extensions import csrf, db, enable_sqlite_foreign_keys, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, os.pardir, "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    with app.app_context():
        enable_sqlite_foreign_keys(db.engine)
    login_manager.init_app(app)

    from app import auth, security

    auth.init_login(app)
    security.init_app(app)

    from app.audit import init_audit
    from app.errors import init_errors

    init_errors(app)
    init_audit(app)

    _register_blueprints(app)

    from app.cli import init_cli

    init_cli(app)
    _register_template_helpers(app)
    return app


def settle_heap() -> None:
    """Move everything loaded at start-up (modules, the app, SQLAlchemy's mappings) out of
    the garbage collector's sight: a full collection then walks only what requests create.
    Without it, a request that allocates a lot (a review page of 1,200 versions) pays now
    and then for a walk over the whole start-up heap: p95 was 3x the median (gc.freeze,
    Python 3.7+; docs/benchmarks.md). Called once per process, after create_app()."""
    import gc

    gc.collect()
    gc.freeze()


def _register_blueprints(app: Flask) -> None:
    """Every feature blueprint, listed explicitly: one line per feature package."""
    from app.accounts.routes import bp as accounts_bp
    from app.agreement_views.routes import bp as agreement_bp
    from app.annotate.routes import bp as annotate_bp
    from app.api.routes import bp as api_bp
    from app.assignments.routes import bp as assignments_bp
    from app.audit.routes import bp as audit_bp
    from app.auth.routes import bp as auth_bp
    from app.claimants.profile_routes import bp as sources_bp
    from app.claimants.routes import bp as claimants_bp
    from app.main.routes import bp as main_bp
    from app.projects.routes import bp as projects_bp
    from app.review.routes import bp as review_bp
    from app.transfer.routes import bp as transfer_bp

    for blueprint in (auth_bp, main_bp, projects_bp, annotate_bp, agreement_bp, api_bp,
                      transfer_bp, accounts_bp, review_bp,
                      assignments_bp, claimants_bp, sources_bp, audit_bp):
        app.register_blueprint(blueprint)


def _register_template_helpers(app: Flask) -> None:
    from flask_login import current_user

    from app.markdown import render_markdown
    from app.permissions import role_in

    app.jinja_env.filters["markdown"] = render_markdown

    @app.context_processor
    def inject_helpers():
        return {
            "role_in": lambda project: role_in(current_user, project),
            # Lets shared templates link to feature pages only when that feature is present.
            "url_for_exists": lambda endpoint: endpoint in app.view_functions,
        }
