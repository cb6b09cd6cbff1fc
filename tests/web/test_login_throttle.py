"""Login throttling: failed logins per account and per address are limited (Flask-Limiter),
the refusal says how long to wait and is logged, and good logins are never slowed down."""

from __future__ import annotations

import logging
import re
import time

import pytest


def _try(client, username: str, password: str = "wrong password", address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def limits(app):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3/minute"
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "6/minute"
    return app


def test_an_account_is_throttled_after_its_failed_logins_even_with_the_right_password(
        limits, client, make, caplog):
    make.user("alice")
    for _ in range(3):
        assert _try(client, "alice").status_code == 401
    with caplog.at_level(logging.INFO):
        response = _try(client, "alice", "password123")
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert re.search(r"Too many failed logins. Wait (\d+ seconds|1 minute), then try again",
                     body), body
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert "login refused (throttled, account limit" in caplog.text
    assert "username='alice'" in caplog.text


def test_the_throttle_is_per_account_and_unknown_names_count_alike(limits, client, make):
    make.user("alice")
    make.user("bruno")
    for _ in range(3):
        assert _try(client, "nobody-by-this-name").status_code == 401
    assert _try(client, "nobody-by-this-name").status_code == 429
    assert _try(client, "alice", "password123").status_code == 302  # another account


def test_many_accounts_from_one_address_are_throttled_by_the_address_limit(limits, client,
                                                                          make):
    make.user("alice")
    for number in range(6):
        assert _try(client, f"user{number}").status_code == 401
    assert _try(client, "alice", "password123").status_code == 429
    assert _try(client, "alice", "password123", address="10.0.0.2").status_code == 302


def test_good_logins_are_never_counted(limits, app, make):
    make.user("alice")
    for _ in range(10):
        assert _try(app.test_client(), "alice", "password123").status_code == 302


def test_the_account_can_log_in_again_after_the_wait(limits, client, make, monkeypatch):
    make.user("alice")
    for _ in range(3):
        _try(client, "alice")
    assert _try(client, "alice", "password123").status_code == 429
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert _try(client, "alice", "password123").status_code == 302


def test_each_failed_login_is_logged_without_the_password(client, make, caplog):
    make.user("alice")
    with caplog.at_level(logging.INFO):
        _try(client, "alice", "my secret guess")
    assert "login failed: username='alice' address=10.0.0.1" in caplog.text
    assert "my secret guess" not in caplog.text


def test_the_default_limits_stop_fifty_guesses_in_a_row(client, make):
    make.user("alice")
    statuses = [_try(client, "alice", f"guess {n}").status_code for n in range(50)]
    assert statuses.count(401) == 5 and statuses.count(429) == 45


@pytest.mark.parametrize(("seconds", "words"), [
    (0.2, "1 second"), (40, "40 seconds"), (61, "61 seconds"), (91, "2 minutes"),
    (3599, "60 minutes")])
def test_the_wait_is_said_in_whole_units_rounded_up(seconds, words):
    from app.auth.throttle import wait_words

    assert wait_words(seconds) == words


def test_redis_url_puts_the_counts_in_redis(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6399/0")
    try:
        assert importlib.reload(config).Config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6399/0"
        monkeypatch.delenv("REDIS_URL")
        assert importlib.reload(config).Config.RATELIMIT_STORAGE_URI == "memory://"
    finally:
        importlib.reload(config)


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a free loopback port, if the machine has one."""
    import shutil
    import socket
    import subprocess

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_two_workers_sharing_redis_share_the_counts(app, make, redis_url, tmp_path):
    """Two app instances (two gunicorn workers, or two hosts) with one REDIS_URL: failures
    seen by one count in the other."""
    from app import create_app

    make.user("alice")
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SERVER_NAME",
                                                "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED")}
    config.update(RATELIMIT_STORAGE_URI=redis_url, LOGIN_LIMIT_PER_ACCOUNT="3/minute")
    first = create_app(dict(config))
    for _ in range(3):
        assert _try(first.test_client(), "alice").status_code == 401
    # A new app connects to the storage anew (with memory:// it would start from zero).
    second = create_app(dict(config))
    assert _try(second.test_client(), "alice", "password123").status_code == 429


def test_behind_a_trusted_proxy_each_client_address_has_its_own_count(app, make):
    from app import create_app

    make.user("alice")
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SERVER_NAME",
                                                "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED")}
    proxied = create_app(config | {"TRUSTED_PROXIES": 1, "LOGIN_LIMIT_PER_ADDRESS": "2/minute"})
    client = proxied.test_client()

    def attempt(forwarded_for: str):
        return client.post("/login", data={"username": "x", "password": "wrong password"},
                           headers={"X-Forwarded-For": forwarded_for},
                           environ_base={"REMOTE_ADDR": "10.9.9.9"})  # the proxy

    assert [attempt("203.0.113.5").status_code for _ in range(3)] == [401, 401, 429]
    assert attempt("198.51.100.7").status_code == 401  # another client behind the same proxy
