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

    from app.errors import init_errors

    init_errors(app)

    from app.auth.routes import bp as auth_bp
    from app.main.routes import bp as main_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    _register_optional_blueprints(app)

    from app.cli import init_cli

    init_cli(app)
    _register_template_helpers(app)
    return app


def _register_optional_blueprints(app: Flask) -> None:
    """Feature blueprints; each package exposes `bp` in routes.py."""
    import importlib

    for name in ("projects", "annotate", "agreement_views", "api"):
        try:
            module = importlib.import_module(f"app.{name}.routes")
        except ModuleNotFoundError as error:
            if error.name in (f"app.{name}", f"app.{name}.routes"):
                continue
            raise
        app.register_blueprint(module.bp)


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
