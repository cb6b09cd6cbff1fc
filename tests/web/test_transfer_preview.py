"""The import page: a preview of what a file adds (or every problem), then the import."""

from __future__ import annotations

import io
import json
import re

import pytest

from app.formats.brat import write_brat
from tests.conftest import count_rows
from tests.unit.formats.exports import context, written


@pytest.fixture(autouse=True)
def stash_in_tmp(app, tmp_path):
    app.config["IMPORT_STASH_DIR"] = str(tmp_path / "stash")


@pytest.fixture
def project(make):
    return make.project("Imports", alice="annotator", bob="annotator", boss="manager")


def upload(client, project, name: str, data: bytes, **fields):
    return client.post(f"/projects/{project.id}/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), **fields})


def test_preview_shows_counts_and_imports_only_after_confirming(client, auth, project):
    auth.login("boss")
    response = upload(client, project, "brat.zip", written(write_brat, ctx=context()))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Spans by alice" in page and "Spans by bob" in page and "Gold spans" in page
    assert count_rows("documents") == 0 and count_rows("spans") == 0
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/projects/{project.id}/import/confirm",
                           data={"token": token, "create_users": "", "assign": ""})
    assert response.status_code == 302
    assert count_rows("documents") == 1 and count_rows("spans") == 4
    # The token is spent: a second confirm imports nothing twice.
    again = client.post(f"/projects/{project.id}/import/confirm",
                        data={"token": token, "create_users": "", "assign": ""})
    assert again.status_code == 302 and count_rows("spans") == 4


def test_preview_lists_problems_and_offers_no_import(client, auth, project):
    auth.login("boss")
    line = {"id": "d", "title": "T", "text": "Some text here.",
            "annotations": [{"annotator": "zed", "start": 0, "end": 4, "text": "Some",
                             "claimant": "X", "claimant_type": "government",
                             "evidence_type": "rumour"}]}
    response = upload(client, project, "bad.jsonl", json.dumps(line).encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "rumour" in page and 'name="token"' not in page
    assert count_rows("documents") == 0


def test_someone_elses_token_is_refused(client, auth, project, make):
    make.user("boss2")
    from app.extensions import db
    from app.models import User
    from app.projects.service import set_member

    set_member(project, db.session.query(User).filter_by(username="boss2").one(), "manager")
    db.session.commit()
    auth.login("boss")
    page = upload(client, project, "brat.zip", written(write_brat, ctx=context())).text
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    auth.logout()
    auth.login("boss2")
    response = client.post(f"/projects/{project.id}/import/confirm",
                           data={"token": token, "create_users": "", "assign": ""},
                           follow_redirects=True)
    assert "no longer available" in response.get_data(as_text=True)
    assert count_rows("documents") == 0


def test_annotators_may_not_import(client, auth, project):
    auth.login("alice")
    assert client.get(f"/projects/{project.id}/import").status_code == 403
