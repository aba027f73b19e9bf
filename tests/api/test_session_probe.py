"""GET /api/v1/session/probe: who is logged in, answered 200 whoever asks.

The console asks it on start, before it knows whether the visitor is
logged in; a 401 there was logged by the browser as a failed request.
GET /api/v1/session keeps answering 401 to other clients.
"""
from concurrent.futures import ThreadPoolExecutor

import requests

PROBE = "/api/v1/session/probe"


def test_a_visitor_not_logged_in_gets_no_user_and_no_401(daemon):
    r = daemon.get(PROBE)
    assert r.status_code == 200
    assert r.json() == {"user": None, "reason": "login_required"}
    assert r.headers["Content-Type"].startswith("application/json")
    assert "no-store" in r.headers.get("Cache-Control", "")
    # The session resource itself still says 401 to anyone else.
    r = daemon.get("/api/v1/session")
    assert r.status_code == 401 and r.json()["error"]["code"] == "login_required"


def test_a_logged_in_organiser_gets_name_role_and_csrf_token(daemon):
    daemon.add_user("olle", "organiser")
    s = daemon.login("olle")
    r = s.get(daemon.url + PROBE, timeout=10)
    assert r.status_code == 200
    user = r.json()["user"]
    assert user == {"name": "olle", "role": "organiser", "csrf_token": s.headers["X-CSRF-Token"]}
    assert user == s.get(daemon.url + "/api/v1/session", timeout=10).json()
    # Logged out: no user again, the cookie cleared, nothing else set.
    assert s.delete(daemon.url + "/api/v1/session", timeout=10).status_code == 200
    r = s.get(daemon.url + PROBE, timeout=10)
    assert r.json() == {"user": None, "reason": "login_required"}
    assert "Set-Cookie" not in r.headers


def test_an_expired_session_says_so(daemon):
    daemon.add_user("anna", "door")
    s = daemon.login("anna")
    assert s.get(daemon.url + PROBE, timeout=10).json()["user"]["role"] == "door"
    daemon.sql("UPDATE staff_sessions SET expires_at = 1")
    r = s.get(daemon.url + PROBE, timeout=10)
    assert r.status_code == 200
    assert r.json() == {"user": None, "reason": "session_expired"}


def test_hostile_cookies_get_no_user(daemon):
    daemon.add_user("olle", "organiser")
    real = daemon.login("olle").cookies.get("tt_session")
    for value in ["' OR 1=1 --", "x" * 4000, real[:-1] + ("A" if real[-1] != "A" else "B"),
                  real + "x", "", "<script>", "%00" + real]:
        r = requests.get(daemon.url + PROBE, headers={"Cookie": f"tt_session={value}"}, timeout=10)
        assert r.status_code == 200, value
        assert r.json()["user"] is None, value
    # Invalid UTF-8 in the header, sent as raw bytes.
    r = requests.get(daemon.url + PROBE, headers={"Cookie": b"tt_session=\xff\xfe\xc3"}, timeout=10)
    assert r.status_code in (200, 400)
    if r.status_code == 200:
        assert r.json()["user"] is None


def test_only_get_is_served(daemon):
    r = requests.post(daemon.url + PROBE, json={}, timeout=10)
    assert r.status_code == 405
    assert "GET" in r.headers.get("Allow", "")
    r = requests.delete(daemon.url + PROBE, timeout=10)
    assert r.status_code == 405


def test_many_probes_at_once_answer_each_their_own(daemon):
    daemon.add_user("olle", "organiser")
    s = daemon.login("olle")
    cookie = {"tt_session": s.cookies.get("tt_session")}

    def probe(i):
        r = requests.get(daemon.url + PROBE, cookies=cookie if i % 2 else None, timeout=30)
        return i, r.status_code, r.json()["user"]

    with ThreadPoolExecutor(16) as pool:
        for i, status, user in pool.map(probe, range(200)):
            assert status == 200
            assert (user is not None and user["name"] == "olle") if i % 2 else user is None
