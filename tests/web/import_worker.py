"""The app for `flask --app tests.web.import_worker:app import ...` in a subprocess that the
durability test kills (tests/web/test_import_killed.py).

Once the import has written a whole batch of documents and spans and begun the next one
(the importer writes 500 documents at a time), the worker writes a marker file and pauses,
so that SIGKILL lands mid-import every time instead of racing the import to its commit. An
importer that committed each batch would leave that first batch behind.
"""

from __future__ import annotations

import os
import pathlib
import time

from sqlalchemy import event

from app import create_app
from app.extensions import db

app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"]})
MARKER = pathlib.Path(os.environ["IMPORT_MARKER"])

statements = {"documents": 0, "spans": 0}  # INSERT statements seen, per table

with app.app_context():
    @event.listens_for(db.engine, "after_cursor_execute")
    def _pause_in_the_second_batch(_connection, _cursor, statement, *_rest):
        words = statement.split(None, 3)
        if words[:2] != ["INSERT", "INTO"] or words[2] not in statements:
            return
        statements[words[2]] += 1
        if words[2] == "documents" and statements["spans"] and not MARKER.exists():
            MARKER.write_text("a batch of documents and spans written, the next begun\n")
            time.sleep(120)  # the test kills this process during the pause
