"""`flask users list|deactivate|activate|link|tokens|revoke-token` and /api/v1/me/tokens."""

from __future__ import annotations

from app.accounts.tokens import create_token
from app.extensions import db
from app.models import ApiToken
from tests.web.accounts.helpers import GOOD_PASSWORD, user_named


def invoke(runner, *args):
    return runner.invoke(args=list(args))


def test_users_list_shows_state_and_flags(runner, make):
    make.user("root", admin=True)
    make.user("amira").active = False
    make.user("chen", password=None)
    db.session.commit()
    lines = invoke(runner, "users", "list").output.splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in lines}
    assert rows["root"][1:3] == ["active", "admin"]
    assert rows["amira"][1] == "deactivated"
    assert rows["chen"][2] == "no-password"


def test_deactivate_and_activate(runner, auth, make):
    make.user("amira")
    result = invoke(runner, "users", "deactivate", "amira")
    assert result.exit_code == 0 and not user_named("amira").active
    assert auth.login("amira").status_code == 401
    assert invoke(runner, "users", "activate", "amira").exit_code == 0
    assert auth.login("amira").status_code == 302
    missing = invoke(runner, "users", "deactivate", "nobody")
    assert missing.exit_code != 0 and "no user named" in missing.output


def test_the_last_admin_cannot_be_deactivated(runner, make):
    make.user("root", admin=True)
    result = invoke(runner, "users", "deactivate", "root")
    assert result.exit_code != 0 and "last active site administrator" in result.output
    assert user_named("root").active


def test_link_prints_a_working_one_time_link(app, runner, client, auth, make):
    make.user("chen", password=None)
    app.config["BASE_URL"] = "https://credence.example.org"
    result = invoke(runner, "users", "link", "chen")
    assert result.exit_code == 0
    url = result.output.strip().splitlines()[-1]
    assert url.startswith("https://credence.example.org/set-password/")
    path = url[len("https://credence.example.org"):]
    client.post(path, data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert auth.login("chen", GOOD_PASSWORD).status_code == 302
    assert client.get(path).status_code == 404


def test_tokens_and_revoke_token(runner, client, make):
    amira = make.user("amira")
    _, plain = create_token(amira, "nightly", 10)
    db.session.commit()
    listing = invoke(runner, "users", "tokens", "amira").output
    assert "nightly" in listing and plain not in listing and "last used never" in listing
    assert invoke(runner, "users", "revoke-token", "amira", "nope").exit_code != 0
    assert invoke(runner, "users", "revoke-token", "amira", "nightly").exit_code == 0
    assert client.get("/api/v1/projects",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_cli_password_rules(runner, make):
    make.user("amira")
    result = invoke(runner, "users", "set-password", "amira", "--password", "password1")
    assert result.exit_code != 0 and "at least 10" in result.output
    result = invoke(runner, "users", "create", "bob", "--password", "1234567890")
    assert result.exit_code != 0 and "common" in result.output
    assert user_named("bob") is None


# --- /api/v1/me/tokens -----------------------------------------------------------------------


def bearer_for(user, name="setup"):
    _, plain = create_token(user, name)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_api_tokens_list_create_revoke(client, make):
    amira = make.user("amira")
    headers = bearer_for(amira)
    created = client.post("/api/v1/me/tokens", json={"name": "export", "expires_in_days": 7},
                          headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert body["name"] == "export" and body["expires_at"] and body["token"]
    listing = client.get("/api/v1/me/tokens", headers=headers).get_json()
    assert [t["name"] for t in listing] == ["setup", "export"]
    assert all("token" not in t for t in listing)
    new_headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/me/tokens", headers=new_headers).status_code == 200
    assert client.delete(f"/api/v1/me/tokens/{body['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/me/tokens", headers=new_headers).status_code == 401


def test_api_tokens_are_private_and_need_auth(client, make):
    amira, bruno = make.user("amira"), make.user("bruno")
    amira_headers = bearer_for(amira)
    bruno_token = db.session.query(ApiToken).filter_by(user_id=bruno.id).first()
    bruno_headers = bearer_for(bruno)
    bruno_token = db.session.query(ApiToken).filter_by(user_id=bruno.id).one()
    assert client.delete(f"/api/v1/me/tokens/{bruno_token.id}",
                         headers=amira_headers).status_code == 404
    assert client.get("/api/v1/me/tokens", headers=bruno_headers).status_code == 200
    assert [t["name"] for t in client.get("/api/v1/me/tokens", headers=amira_headers
                                          ).get_json()] == ["setup"]
    assert client.get("/api/v1/me/tokens").status_code == 401
    assert client.post("/api/v1/me/tokens", json={"name": "x"}).status_code == 401


def test_api_token_input_is_checked(client, make):
    headers = bearer_for(make.user("amira"))
    for body, field in (({}, "name"), ({"name": 3}, "name"), ({"name": ""}, "name"),
                        ({"name": "x", "expires_in_days": "7"}, "expires_in_days"),
                        ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
                        ({"name": "x", "extra": 1}, "extra")):
        response = client.post("/api/v1/me/tokens", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.get_json()["field"] == field
    assert client.post("/api/v1/me/tokens", json={"name": "setup"},
                       headers=headers).status_code == 409
