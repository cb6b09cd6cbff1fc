"""Locust users for `make loadtest`: annotators creating and editing spans on their own
documents, reviewers reading queues and agreement reports. Run by loadtest/run.py, which seeds
the database, starts gunicorn on 127.0.0.1 and checks the database afterwards.

Every save the server acknowledged (201/200 with the span's id and version) is appended to
LOADTEST_ACKS (one JSON line per acknowledgement), so the checker can prove that each is stored
exactly once.
"""

from __future__ import annotations

import json
import os
import random
import threading

from locust import FastHttpUser, between, constant_throughput, events, task

SEED = json.loads(open(os.environ["LOADTEST_SEED"], encoding="utf-8").read())
ACKS_PATH = os.environ["LOADTEST_ACKS"]
THINK = float(os.environ.get("LOADTEST_THINK", "0"))
# Saves per second offered by all annotators together (run.py passes LOADTEST_RATE); 0 with no
# think time is a closed loop: every annotator saves again as soon as the last save returns.
RATE = float(os.environ.get("LOADTEST_RATE", "0"))
_acks_lock = threading.Lock()
# One handle for the run (opening the file per acknowledgement cost the generator CPU that the
# server shares); flushed when locust quits, before run.py reads it.
_acks = open(ACKS_PATH, "a", encoding="utf-8")  # noqa: SIM115 - closed at quit
_annotators = iter(SEED["annotators"])
_reviewers = iter(SEED["reviewers"])
_next_lock = threading.Lock()


def _record(kind: str, span: dict) -> None:
    with _acks_lock:
        _acks.write(json.dumps({"kind": kind, "id": span["id"], "version": span["version"],
                                "note": span.get("note", "")}) + "\n")


@events.quitting.add_listener
def _close_acks(**_kwargs) -> None:
    with _acks_lock:
        _acks.close()


class Annotator(FastHttpUser):
    weight = 10
    if RATE:
        # Paced: each annotator starts a save every ANNOTATORS / RATE seconds (less often only
        # if the server falls behind), so latency is measured at the offered rate, not at
        # saturation, where it is only the queue (50 users / throughput).
        wait_time = constant_throughput(RATE / len(SEED["annotators"]))
    elif THINK:
        wait_time = between(THINK, THINK * 1.5)
    else:
        wait_time = between(0, 0)

    def on_start(self):
        with _next_lock:
            me = next(_annotators)
        self.auth = {"Authorization": f"Bearer {me['token']}"}
        self.documents = me["documents"]
        self.spans: list[dict] = []
        self.edits = 0

    @task(1)
    def create_span(self):
        document = random.choice(self.documents)
        start = random.randrange(0, document["length"] - 20)
        end = start + random.randrange(5, 20)
        body = {"start": start, "end": end, "text": document["text"][start:end],
                "evidence_type": document["evidence_type"],
                "claimant": {"name": random.choice(document["claimants"])}}
        url = f"/api/v1/documents/{document['id']}/spans"
        with self.client.post(url, json=body, headers=self.auth, name="create span",
                              catch_response=True) as response:
            if response.status_code == 201:
                span = response.json()
                _record("create", span)
                self.spans.append(span)
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(2)
    def edit_span(self):
        if not self.spans:
            return self.create_span()
        span = random.choice(self.spans)
        self.edits += 1
        note = f"edit {self.edits}"
        with self.client.patch(f"/api/v1/spans/{span['id']}", headers=self.auth,
                               json={"version": span["version"], "note": note},
                               name="edit span", catch_response=True) as response:
            if response.status_code == 200:
                updated = response.json()
                _record("edit", updated)
                span.update(updated)
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Reviewer(FastHttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        with _next_lock:
            me = next(_reviewers)
        self.auth = {"Authorization": f"Bearer {me['token']}"}
        self.project = SEED["project_id"]

    @task(2)
    def review_queue(self):
        self.client.get(f"/api/v1/projects/{self.project}/review", headers=self.auth,
                        name="review queue")

    @task(1)
    def agreement(self):
        self.client.get(f"/api/v1/projects/{self.project}/agreement", headers=self.auth,
                        name="agreement report")
