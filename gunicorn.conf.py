"""gunicorn settings, read by `gunicorn wsgi:app` started from the project root (docs/deploy.md).
Command-line options win over these (`make loadtest` passes its own --bind and --workers).

WEB_CONCURRENCY  worker processes (default 4: two per core on a 2-core machine)
GUNICORN_BIND    address to listen on (default 127.0.0.1:8000; put nginx in front)
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Sync workers: a request is CPU work plus a few short queries, so one request at a time per
# process uses the cores best; threads or gevent add scheduling cost (measured for issue 14:
# gthread took ~10% more CPU per span save than sync).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The app is built once in the master and shared by the workers (copy-on-write): workers start
# at once, and wsgi.py's gc.freeze() there keeps start-up objects out of every worker's
# garbage collections.
preload_app = True
timeout = 60
# Each worker touches a heartbeat file between requests; in memory that costs no disk I/O
# (gunicorn's advice for containers, whose /tmp may be a slow overlay).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def post_fork(server, worker):
    """Each worker opens its own database connection: a connection made in the master (none
    is expected, but an import could make one) must not be shared across processes
    (SQLAlchemy, "Using Connection Pools with Multiprocessing")."""
    from sqlalchemy import text

    from app.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
        # Connect now, not on the first request: after a restart the first users would
        # otherwise wait for every worker's connection and first statements at once.
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - a database still starting: the first request retries
            worker.log.warning("worker %s: the database is not reachable yet", worker.pid)
