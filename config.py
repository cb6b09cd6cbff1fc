"""Configuration read from the environment.

DATABASE_URL  SQLAlchemy URL; default: SQLite file instance/credence.db (nothing else to start).
SECRET_KEY    signs sessions; default: generated once into instance/secret_key, never a fixed value.
"""

import os
import pathlib
import secrets

BASE_DIR = pathlib.Path(__file__).resolve().parent
INSTANCE_DIR = pathlib.Path(os.environ.get("CREDENCE_INSTANCE", BASE_DIR / "instance"))


def private_instance_dir() -> pathlib.Path:
    """instance/, made 0700: it holds the secret key and the SQLite database, which nobody
    but the account running the app may read (a directory made earlier at 0755 is fixed)."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    if INSTANCE_DIR.stat().st_uid == os.getuid() and INSTANCE_DIR.stat().st_mode & 0o077:
        INSTANCE_DIR.chmod(0o700)
    return INSTANCE_DIR


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = private_instance_dir() / "secret_key"
    if not key_file.exists():
        # Created 0600 at once: writing first and narrowing after would leave a moment in
        # which another account could read the key.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; we ship psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{private_instance_dir() / 'credence.db'}"


class Config:
    SQLALCHEMY_DATABASE_URI = None  # filled lazily in create_app so imports never touch disk
    # hide_parameters: a database error's text never carries the values sent (article text,
    # notes) into logs or tracebacks (app/error_log.py).
    # pool_pre_ping (DATABASE_PRE_PING=1) tests every pooled connection with a round trip
    # before each request. Off by default: it cost every request a statement (issue 14's load
    # goal), and without it a connection the database dropped (a restart) fails one request
    # with a 503 (app/errors.py), after which the pool connects anew (SQLAlchemy invalidates
    # the whole pool at the first disconnect it sees). Turn it on behind a firewall or proxy
    # that silently drops idle connections.
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": os.environ.get("DATABASE_PRE_PING", "0") == "1",
        "hide_parameters": True,
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A session unused this long is over; "keep me logged in" lasts this many days at most
    # (checked by the server, not only by the browser). See app/auth/sessions.py.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "480"))
    REMEMBER_DAYS = int(os.environ.get("REMEMBER_DAYS", "14"))
    # Failed logins allowed per account and per client address (app/auth/throttle.py), in
    # Flask-Limiter's notation; the counts live in Redis when REDIS_URL is set.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5/minute;20/hour")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30/minute;200/hour")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_STRATEGY = "moving-window"  # no burst of twice the limit across a window edge
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto are trusted
    # that many hops deep, so throttling and logs see each client's address, not the proxy's.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Uploads larger than this are refused with a clear message (413 handler).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    # CSRF is checked in a before_request hook so token-authenticated API calls can skip it.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None
    # Set-password links: how long they work, and the site's address for links the CLI prints.
    SET_PASSWORD_LINK_HOURS = int(os.environ.get("SET_PASSWORD_LINK_HOURS", "72"))
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Optional SMTP server to mail set-password links (app/accounts/mail.py); unset: none sent.
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_FROM = os.environ.get("SMTP_FROM", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "1") == "1"

    @staticmethod
    def resolve(app_config: dict) -> None:
        if not app_config.get("SQLALCHEMY_DATABASE_URI"):
            app_config["SQLALCHEMY_DATABASE_URI"] = _database_url()
        if not app_config.get("SECRET_KEY"):
            app_config["SECRET_KEY"] = _secret_key()


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret"  # noqa: S105 - test config only
    WTF_CSRF_ENABLED = True
