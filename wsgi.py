"""Entry point for gunicorn (`gunicorn wsgi:app`) and the Flask CLI (found from the root)."""

from app import create_app, settle_heap

app = create_app()
settle_heap()
