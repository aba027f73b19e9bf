"""The team: organisers make, disable and re-enable staff accounts and
reset passwords (shown once); everyone changes their own password; the
last active organiser can never be disabled or demoted."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests


@pytest.fixture
def team(daemon):
    daemon.add_user("olle", "organiser")
    daemon.olle = daemon.login("olle")
    return daemon


def url(d, path):
    return d.url + "/api/v1/admin" + path


def login(d, name, password):
    return requests.post(d.url + "/api/v1/session", timeout=30,
                         json={"username": name, "password": password})


def test_make_an_account_and_sign_in_with_the_password_shown_once(team):
    r = team.olle.post(url(team, "/users"), json={"name": "anna", "role": "door"}, timeout=30)
    assert r.status_code == 201, r.text
    anna = r.json()
    password = anna["password"]
    assert len(password) == 20 and "password_hash" not in anna
    assert anna["role"] == "door" and anna["disabled"] is False and anna["version"] == 1
    assert login(team, "anna", password).status_code == 200
    again = team.olle.get(url(team, f"/users/{anna['id']}"), timeout=10).json()
    assert "password" not in again and "password_hash" not in again
    names = [u["name"] for u in team.olle.get(url(team, "/users"), timeout=10).json()["items"]]
    assert names == ["anna", "olle"]
    # The hash never leaves the server, not even in the audit log.
    for (detail,) in team.sql("SELECT detail FROM audit_log"):
        assert "argon2" not in detail and password not in detail


@pytest.mark.parametrize("body,field,code", [
    ({"name": "", "role": "door"}, "name", "invalid"),
    ({"name": "a b", "role": "door"}, "name", "invalid"),
    ({"name": "x" * 64, "role": "door"}, "name", "too_long"),
    ({"name": "eva", "role": "admin"}, "role", "not_a_choice"),
    ({"name": "eva", "password_hash": "$argon2id$x"}, "password_hash", "read_only"),
    ({"name": "eva", "created_at": "2027-01-01T00:00Z"}, "created_at", "read_only"),
    ({"name": "olle"}, "name", "taken"),
])
def test_account_fields_are_checked(team, body, field, code):
    r = team.olle.post(url(team, "/users"), json=body, timeout=30)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][field] == code
    assert team.olle.get(url(team, "/users"), timeout=10).json()["total"] == 1


def test_disable_ends_sessions_and_enable_restores_the_account(team):
    anna = team.olle.post(url(team, "/users"), json={"name": "anna"}, timeout=30).json()
    session = requests.Session()
    r = session.post(team.url + "/api/v1/session", json={"username": "anna",
                     "password": anna["password"]}, timeout=30)
    assert r.status_code == 200
    r = team.olle.patch(url(team, f"/users/{anna['id']}"), json={"version": 1, "disabled": True},
                        timeout=10)
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert session.get(team.url + "/api/v1/session", timeout=10).status_code == 401
    assert login(team, "anna", anna["password"]).status_code == 401
    r = team.olle.patch(url(team, f"/users/{anna['id']}"), json={"version": 2, "disabled": False},
                        timeout=10)
    assert r.status_code == 200
    assert login(team, "anna", anna["password"]).status_code == 200


def test_the_last_organiser_stays(team):
    me = [u for u in team.olle.get(url(team, "/users"), timeout=10).json()["items"]
          if u["name"] == "olle"][0]
    for change in ({"disabled": True}, {"role": "door"}):
        r = team.olle.patch(url(team, f"/users/{me['id']}"), json=dict(change, version=1),
                            timeout=10)
        assert r.status_code == 409 and r.json()["error"]["code"] == "last_organiser"
    eva = team.olle.post(url(team, "/users"), json={"name": "eva", "role": "organiser"},
                         timeout=30).json()
    r = team.olle.patch(url(team, f"/users/{me['id']}"), json={"version": 1, "role": "door"},
                        timeout=10)
    assert r.status_code == 200
    # olle is door staff now: the admin API is closed to him at once.
    assert team.olle.get(url(team, "/users"), timeout=10).status_code == 403
    eva_s = requests.Session()
    r = eva_s.post(team.url + "/api/v1/session", json={"username": "eva",
                   "password": eva["password"]}, timeout=30)
    eva_s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    r = eva_s.patch(url(team, f"/users/{eva['id']}"), json={"version": 1, "disabled": True},
                    timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "last_organiser"


def test_two_organisers_disabling_each_other_at_once_leave_one(team):
    eva = team.olle.post(url(team, "/users"), json={"name": "eva", "role": "organiser"},
                         timeout=30).json()
    eva_s = requests.Session()
    r = eva_s.post(team.url + "/api/v1/session", json={"username": "eva",
                   "password": eva["password"]}, timeout=30)
    eva_s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    olle_id = [u for u in team.olle.get(url(team, "/users"), timeout=10).json()["items"]
               if u["name"] == "olle"][0]["id"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        a = pool.submit(team.olle.patch, url(team, f"/users/{eva['id']}"),
                        json={"version": 1, "disabled": True}, timeout=10)
        b = pool.submit(eva_s.patch, url(team, f"/users/{olle_id}"),
                        json={"version": 1, "disabled": True}, timeout=10)
        codes = sorted([a.result().status_code, b.result().status_code])
    assert codes[0] == 200 and codes[1] in (401, 409)
    active = team.sql("SELECT count(*) FROM users WHERE role = 'organiser' AND disabled = 0")
    assert active[0][0] == 1


def test_reset_a_password(team):
    anna = team.olle.post(url(team, "/users"), json={"name": "anna"}, timeout=30).json()
    r = team.olle.post(url(team, f"/users/{anna['id']}/password"), timeout=30)
    assert r.status_code == 200 and len(r.json()["password"]) == 20
    assert login(team, "anna", anna["password"]).status_code == 401
    assert login(team, "anna", r.json()["password"]).status_code == 200
    assert team.olle.post(url(team, "/users/999/password"), timeout=30).status_code == 404
    rows = team.sql("SELECT action FROM audit_log WHERE action LIKE 'user.%' ORDER BY id")
    assert [a for (a,) in rows] == ["user.create", "user.password_reset"]


def test_change_your_own_password(team):
    s = team.olle
    r = s.post(team.url + "/api/v1/session/password", json={"current": "wrong one!", "new":
               "a brand new passphrase"}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"current": "wrong_password"}
    r = s.post(team.url + "/api/v1/session/password", json={"current": "correct horse battery",
               "new": "short"}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"new": "too_short"}
    other = team.login("olle")
    r = s.post(team.url + "/api/v1/session/password", json={"current": "correct horse battery",
               "new": "a brand new passphrase"}, timeout=30)
    assert r.status_code == 200
    assert s.get(team.url + "/api/v1/session", timeout=10).status_code == 200
    assert other.get(team.url + "/api/v1/session", timeout=10).status_code == 401
    assert login(team, "olle", "correct horse battery").status_code == 401
    assert login(team, "olle", "a brand new passphrase").status_code == 200
    assert requests.post(team.url + "/api/v1/session/password", json={}, timeout=10).status_code == 401


def test_only_organisers_manage_the_team(team):
    team.add_user("anna", "door")
    anna = team.login("anna")
    for method, path in (("GET", "/users"), ("POST", "/users"), ("GET", "/users/1"),
                         ("PATCH", "/users/1"), ("POST", "/users/1/password")):
        assert anna.request(method, url(team, path), json={}, timeout=10).status_code == 403
        assert requests.request(method, url(team, path), json={}, timeout=10).status_code == 401


def test_the_audit_log_is_listed_with_filters(team):
    team.olle.post(url(team, "/users"), json={"name": "anna"}, timeout=30)
    ev = team.olle.post(url(team, "/events"), timeout=10, json={
        "slug": "day", "name": "Medlemsdag", "starts_at": "2027-05-01T09:00+02:00",
        "ends_at": "2027-05-01T15:00+02:00"}).json()
    team.olle.patch(url(team, f"/events/{ev['id']}"), json={"version": 1, "capacity": 30},
                    timeout=10)
    page = team.olle.get(url(team, "/audit"), timeout=10).json()
    actions = [i["action"] for i in page["items"]]
    assert actions[:3] == ["event.update", "event.create", "user.create"]
    assert "login" in actions and page["total"] == len(actions)
    top = page["items"][0]
    assert top["user"] == "olle" and top["address"] == "127.0.0.1"
    assert top["detail"]["before"]["capacity"] is None and top["detail"]["after"]["capacity"] == 30
    assert top["at"].endswith("+01:00") or top["at"].endswith("+02:00")
    only = team.olle.get(url(team, "/audit?action=event."), timeout=10).json()
    assert [i["action"] for i in only["items"]] == ["event.update", "event.create"]
    assert team.olle.get(url(team, "/audit?action=event"), timeout=10).json()["total"] == 0
    assert team.olle.get(url(team, "/audit?user=nobody"), timeout=10).json()["total"] == 0
    assert team.olle.get(url(team, "/audit?action=%25"), timeout=10).json()["total"] == 0
    first = team.olle.get(url(team, "/audit?limit=1&offset=1"), timeout=10).json()
    assert first["items"][0]["action"] == "event.create" and first["limit"] == 1
    future = team.olle.get(url(team, "/audit?from=2099-01-01T00:00Z"), timeout=10).json()
    assert future["total"] == 0
    r = team.olle.get(url(team, "/audit?from=yesterday&limit=0"), timeout=10)
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"from": "invalid_time", "limit": "out_of_range"}
    team.add_user("door1", "door")
    assert team.login("door1").get(url(team, "/audit"), timeout=10).status_code == 403


def test_account_times_are_in_the_zone_of_the_audit_log(team):
    """Accounts belong to no event: their times are shown in the current
    event's zone, as the audit log's are, not in UTC."""
    r = team.olle.post(url(team, "/users"), json={"name": "anna", "role": "door"}, timeout=30)
    created = r.json()["created_at"]
    logged = team.olle.get(url(team, "/audit?limit=1"), timeout=10).json()["items"][0]["at"]
    assert created[-6:] in ("+01:00", "+02:00"), created
    assert created[-6:] == logged[-6:]
    # With the demo event's zone changed, both follow it.
    team.sql("UPDATE events SET timezone = 'Asia/Tokyo'")
    again = team.olle.get(url(team, f"/users/{r.json()['id']}"), timeout=10).json()
    assert again["created_at"].endswith("+09:00"), again


def test_user_names_are_small_letters_and_sign_in_in_any_case(team):
    r = team.olle.post(url(team, "/users"), json={"name": "Anna", "role": "door"}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"name": "invalid"}
    r = team.olle.post(url(team, "/users"), json={"name": "anna.l", "role": "door"}, timeout=30)
    password = r.json()["password"]
    r = login(team, "Anna.L", password)
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "anna.l"
    me = requests.get(team.url + "/api/v1/session", cookies=r.cookies, timeout=10).json()
    assert me["name"] == "anna.l"
    (who,), = team.sql("SELECT username FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1")
    assert who == "anna.l"


def test_failed_logins_in_any_case_count_against_one_account(team):
    """Case cannot be used to get round the limit of failures per account
    and address (five): every spelling is one account."""
    spellings = ["OLLE", "Olle", "oLLe", "olLE", "OllE", "olle", "OLle", "oLLE", "OLLe", "ollE",
                 "OlLe", "oLlE"]
    codes = [login(team, name, "wrong password " + name).status_code for name in spellings]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}, codes


def test_a_login_forgets_old_failures_and_scan_nonces(team):
    """login_failures and scan_nonces do not grow for ever: a login deletes
    failures older than the throttling window (15 min) and the nonces of
    scans older than a week; newer ones stay."""
    import time
    now = int(time.time())
    team.sql("INSERT INTO login_failures (username, address, at) VALUES"
             " ('x', '192.0.2.1', ?), ('y', '192.0.2.2', ?)", now - 16 * 60, now - 60)
    team.sql("INSERT INTO scan_nonces (session_id, nonce, user_id, answer, created_at) VALUES"
             " (1, 'old', 1, '{}', ?), (1, 'new', 1, '{}', ?)", now - 8 * 86400, now - 86400)
    assert team.login("olle") is not None
    assert team.sql("SELECT username FROM login_failures") == [("y",)]
    assert team.sql("SELECT nonce FROM scan_nonces") == [("new",)]
