"""Extensions, created once and bound to the app in create_app()."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Rate limits (login throttling, app/auth/throttle.py). Storage: RATELIMIT_STORAGE_URI, which
# config.py sets to REDIS_URL when given (so every gunicorn worker and host shares the counts)
# and to process memory otherwise. No default limits: each limited route says its own.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def enable_sqlite_foreign_keys(engine) -> None:
    """SQLite ignores foreign keys (and so ON DELETE) unless asked on every connection.

    WAL lets pages read while a save writes, and synchronous=NORMAL (safe with WAL: a power
    cut can lose the last commits, never corrupt the file) halves the cost of each commit.
    """
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        _make_private(engine.url.database)  # before WAL: its files copy the database's mode
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _make_private(path: str | None) -> None:
    """The SQLite file holds every article and annotation: 0600, only its owner reads it.
    SQLite creates its -wal and -shm files with the database file's permissions."""
    import os

    if not path or path == ":memory:" or path.startswith("file:") or not os.path.exists(path):
        return
    if os.stat(path).st_mode & 0o077 and os.stat(path).st_uid == os.getuid():
        os.chmod(path, 0o600)
