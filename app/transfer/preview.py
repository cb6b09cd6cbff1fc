"""The import preview: what a file would add to a project, or every problem that stops it.

An upload is read and checked exactly as the import will (app.projects.importer.check_import)
but nothing is written. The file waits in a stash (a folder under the instance path, one file
per upload, named by a random token) until the person who uploaded it confirms; stashed files
older than STASH_HOURS are removed whenever a new one is stashed.
"""

from __future__ import annotations

import json
import pathlib
import secrets
import time
from dataclasses import dataclass, field

from flask import current_app

from app.errors import ServiceError
from app.formats import ImportRefused
from app.models import Project, User
from app.projects.importer import check_import

STASH_HOURS = 1
_TOKEN_LENGTH = 32


@dataclass
class ImportPreview:
    filename: str
    documents: int = 0
    annotators: dict[str, int] = field(default_factory=dict)  # username -> spans
    gold_spans: int = 0
    registry_entries: int = 0
    new_claimants: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def importable(self) -> bool:
        return not self.problems


def preview_import(project: Project, filename: str, data: bytes,
                   create_users: bool) -> ImportPreview:
    preview = ImportPreview(filename=filename)
    try:
        scan, claimants, _summary = check_import(project, filename, data,
                                                 create_users=create_users)
    except ImportRefused as refused:
        preview.problems = [str(error) for error in refused.errors]
        preview.truncated = refused.truncated
        return preview
    except ServiceError as error:
        preview.problems = [error.message]
        return preview
    preview.documents = scan.documents
    preview.annotators = dict(sorted(scan.spans_by_annotator.items()))
    preview.gold_spans = scan.gold_spans
    preview.registry_entries = len(scan.registry)
    preview.new_claimants = sorted(
        {entry.name for entry in scan.registry if claimants.registry.find(entry.name) is None}
        | set(claimants.new_names.values()))
    return preview


def _stash_folder() -> pathlib.Path:
    folder = pathlib.Path(current_app.config.get("IMPORT_STASH_DIR")
                          or pathlib.Path(current_app.instance_path) / "import-stash")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash_upload(user: User, project: Project, filename: str, data: bytes) -> str:
    """Keep the upload until it is confirmed; returns its token."""
    folder = _stash_folder()
    cutoff = time.time() - STASH_HOURS * 3600
    for old in folder.glob("*"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(_TOKEN_LENGTH)
    (folder / f"{token}.data").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(
        {"user": user.id, "project": project.id, "filename": filename}))
    return token


def take_stashed(user: User, project: Project, token: str) -> tuple[str, bytes]:
    """The stashed upload (file name, bytes) of this user and project; removed once taken."""
    if not token or len(token) > 64 or not all(c.isalnum() or c in "-_" for c in token):
        raise ServiceError("this preview is no longer available; upload the file again",
                           "token", 410)
    folder = _stash_folder()
    meta_path, data_path = folder / f"{token}.json", folder / f"{token}.data"
    try:
        meta = json.loads(meta_path.read_text())
        data = data_path.read_bytes()
    except (OSError, ValueError):
        raise ServiceError("this preview is no longer available (it expires after "
                           f"{STASH_HOURS} hour); upload the file again", "token", 410) from None
    if meta.get("user") != user.id or meta.get("project") != project.id:
        raise ServiceError("this preview is no longer available; upload the file again",
                           "token", 410)
    meta_path.unlink(missing_ok=True)
    data_path.unlink(missing_ok=True)
    return meta["filename"], data
