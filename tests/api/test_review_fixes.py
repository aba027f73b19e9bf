"""Findings of a review, each replayed against the real daemon: the logout
that ended another cookie's session, the route table's Allow header, and
the programme cache that could answer stale seat counts."""
import requests

from techtank_test import registration


def session_cookie(s):
    return s.cookies.get("tt_session")


def test_logout_ends_the_session_of_the_cookie_named_exactly(daemon):
    """Cookie: xtt_session=x; tt_session=REAL once answered 200 and left
    REAL valid for twelve hours (the cookie was found with strstr)."""
    daemon.add_user("anna", "door")
    s = daemon.login("anna")
    real = session_cookie(s)
    csrf = s.headers["X-CSRF-Token"]
    r = requests.delete(daemon.url + "/api/v1/session", timeout=10, headers={
        "Cookie": f"xtt_session=x; tt_session={real}", "X-CSRF-Token": csrf})
    assert r.status_code == 200
    after = requests.get(daemon.url + "/api/v1/session", timeout=10,
                         headers={"Cookie": f"tt_session={real}"})
    assert after.status_code == 401


def test_a_session_cookie_given_twice_is_not_trusted(daemon):
    daemon.add_user("anna", "door")
    real = session_cookie(daemon.login("anna"))
    for cookie in (f"tt_session={real}; tt_session=forged",
                   f"tt_session=forged; tt_session={real}"):
        r = requests.get(daemon.url + "/api/v1/session", timeout=10,
                         headers={"Cookie": cookie})
        assert r.status_code == 401, cookie
    ok = requests.get(daemon.url + "/api/v1/session", timeout=10,
                      headers={"Cookie": f"other=1;  tt_session={real} ; more=2"})
    assert ok.status_code == 200


def test_allow_lists_every_method_served_on_the_path(daemon):
    r = requests.put(daemon.url + "/api/v1/session", json={}, timeout=10)
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, HEAD, POST, DELETE"
    assert r.json()["error"]["code"] == "method_not_allowed"
    reg = daemon.register().json()
    r = requests.post(daemon.url + "/api/v1/registrations/" + reg["manage_token"],
                      json={}, timeout=10)
    assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD, DELETE"


def test_route_segments_never_match_empty_or_extra_parts(daemon):
    reg = daemon.register().json()
    a = reg["attendees"][0]["id"]
    t = reg["manage_token"]
    for path in (f"/api/v1/registrations/{t}/attendees//pass.png",
                 f"/api/v1/registrations/{t}/attendees/{a}/pass.png/x",
                 f"/api/v1/registrations//attendees/{a}/pass.png",
                 f"/api/v1/registrations/{t}/attendees/{a}x/pass.png",
                 f"/api/v1/registrations/{t}/"):
        assert daemon.get(path).status_code == 404, path
    assert daemon.get(f"/api/v1/registrations/{t}/attendees/{a}/pass.png").status_code == 200


def test_programme_seats_are_never_stale_after_a_sign_up(daemon):
    """The programme was cached for two seconds per worker; now every
    committed sign-up or cancellation shows in the next answer."""
    def visit_left():
        prog = requests.get(daemon.url + "/api/v1/programme", timeout=10).json()
        return {s["id"]: s["remaining"] for d in prog["days"] for s in d["sessions"]}[9]

    before = [visit_left() for _ in range(4)]  # warm every worker's cache
    body = registration()
    body["attendees"][0]["sessions"] = [9]
    reg = daemon.register(body).json()
    assert all(visit_left() == before[0] - 1 for _ in range(8))
    assert daemon.delete("/api/v1/registrations/" + reg["manage_token"]).status_code == 200
    assert all(visit_left() == before[0] for _ in range(8))
