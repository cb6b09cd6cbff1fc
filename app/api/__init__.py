"""The JSON API, /api/v1 (see routes.py and docs/api.md)."""
