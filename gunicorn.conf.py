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
worker_class = "sync"
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
    """Each worker opens its own database connections: a connection made in the master (none
    is expected, but an import could make one) must not be shared across processes
    (SQLAlchemy, "Using Connection Pools with Multiprocessing")."""
    from app.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
