"""The database goes away mid-run (issue 14, item 7): clients get a clear 503, nothing is half
written, and the app serves again by itself once the database is back, without a restart.

The app reaches PostgreSQL through a TCP proxy owned by the test; stopping the proxy drops
every open connection and refuses new ones, as a restarting server does (the machine's shared
PostgreSQL server is never touched). PostgreSQL only: it needs TEST_DATABASE_URL.
"""

from __future__ import annotations

import select
import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from app import create_app
from app.errors import DATABASE_UNAVAILABLE
from app.extensions import db
from app.models import ApiToken, Span, User
from tests.conftest import count_rows


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the database; stop() cuts every connection, start() listens
    on the same port again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        try:
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked in its thread
        except OSError:
            pass
        listener.close()
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client: socket.socket, upstream: socket.socket) -> None:
        pair = {client: upstream, upstream: client}
        try:
            while True:
                ready, _, _ = select.select(list(pair), [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in pair:
                sock.close()


@pytest.fixture(params=[False, True], ids=["optimistic", "pre-ping"])
def outage(request, app, backend, make):
    """(proxied app, proxy, Bearer headers, document) with the proxy running; the pool either
    finds dead connections when they fail (the default) or tests each before use."""
    if backend != "postgresql":
        pytest.skip("a database that restarts needs PostgreSQL (TEST_DATABASE_URL)")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    project = make.project("Outage", alice="annotator")
    document = make.document(project, "The ministry said 12 people died.", assign=("alice",))
    alice = db.session.query(User).filter_by(username="alice").one()
    token, plain = ApiToken.issue(alice)
    db.session.add(token)
    db.session.commit()
    proxied = create_app({
        "TESTING": True, "SECRET_KEY": "test-only-secret", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": request.param, "hide_parameters": True},
        "SQLALCHEMY_DATABASE_URI": url.set(host="127.0.0.1", port=proxy.port)
                                      .render_as_string(hide_password=False),
    })
    yield proxied, proxy, {"Authorization": f"Bearer {plain}"}, document
    with proxied.app_context():
        db.engine.dispose()
    if proxy._listener is not None:
        proxy.stop()


def save(client, headers, document, note: str):
    return client.post(f"/api/v1/documents/{document.id}/spans", headers=headers, json={
        "start": 4, "end": 12, "text": "ministry", "evidence_type": "official_statement",
        "claimant": {"name": "Ministry of Health", "type": "government"}, "note": note})


def test_a_database_restart_gives_503s_then_the_app_serves_again(outage):
    proxied, proxy, headers, document = outage
    client = proxied.test_client()
    assert save(client, headers, document, "before").status_code == 201

    proxy.stop()  # every pooled connection is cut; new ones are refused
    refused = save(client, headers, document, "during")
    assert refused.status_code == 503
    assert refused.get_json() == {"error": DATABASE_UNAVAILABLE}
    assert refused.headers["Retry-After"] == "5"
    page = client.get("/", headers={**headers, "Accept": "text/html"})
    assert page.status_code == 503
    assert "The database cannot be reached right now" in page.get_data(as_text=True)

    proxy.start()  # the database is back: no restart of the app
    assert save(client, headers, document, "after").status_code == 201
    assert client.get(f"/api/v1/documents/{document.id}/spans",
                      headers=headers).status_code == 200
    db.session.expire_all()
    assert sorted(span.note for span in db.session.query(Span)) == ["after", "before"]
    assert count_rows("spans") == 2
