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
import time

from locust import FastHttpUser, between, events, task

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
        if _trace is not None:
            _trace.close()


# LOADTEST_TRACE=path: one line per request (start time, name, milliseconds, status), to see
# when slow requests happen (a burst at start-up, a stall every N seconds, one route).
_trace = (open(os.environ["LOADTEST_TRACE"], "w", encoding="utf-8")  # noqa: SIM115
          if os.environ.get("LOADTEST_TRACE") else None)
if _trace is not None:
    @events.request.add_listener
    def _trace_request(request_type, name, response_time, response_length, exception,
                       start_time=None, **_kwargs):
        _trace.write(f"{start_time:.3f}\t{name}\t{response_time:.1f}\t"
                     f"{'error' if exception else 'ok'}\n")


class Annotator(FastHttpUser):
    weight = 10
    if RATE:
        # Paced: each annotator starts saves as a Poisson process of RATE / ANNOTATORS a
        # second (less often only if the server falls behind), so latency is measured at the
        # offered rate, not at saturation, where it is only the queue (50 users /
        # throughput). Random gaps, not locust's constant_throughput: with one fixed period
        # for everyone, a single hiccup lines the 50 annotators up and they then save in
        # bursts of 50 at once for the rest of the run, which no team of people does.
        def wait_time(self):
            # An annotator who was kept waiting carries on from now: the saves they could not
            # make meanwhile are not made later in a rush (no backlog, as with locust's own
            # constant_throughput), so a slow moment does not turn into a stampede.
            now = time.monotonic()
            self.next_start = max(now, self.next_start + random.expovariate(
                RATE / len(SEED["annotators"])))
            return self.next_start - now
    elif THINK:
        wait_time = between(THINK, THINK * 1.5)
    else:
        wait_time = between(0, 0)

    def on_start(self):
        with _next_lock:
            me = next(_annotators)
        self.auth = {"Authorization": f"Bearer {me['token']}"}
        self.next_start = time.monotonic()
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
