"""Registering, reading back and cancelling through the manage token."""
import requests

from techtank_test import person, registration


def test_register_one(daemon):
    body = registration()
    r = daemon.register(body)
    assert r.status_code == 201, r.text
    reg = r.json()
    assert reg["status"] == "confirmed"
    assert len(reg["manage_token"]) >= 22
    assert reg["manage_token"] in reg["manage_url"]
    assert reg["ticket_type"] == {"id": 1, "name": "Member", "name_en": ""}
    a = reg["attendees"][0]
    assert a["status"] == "confirmed" and a["pass_code"].startswith("TT-")
    assert a["first_name"] == "Åsa" and a["last_name"] == "Lindström-Öberg"
    assert a["email"] == body["attendees"][0]["email"]
    assert reg["contact"]["phone"] == "+46 70 123 45 67"
    assert daemon.remaining() == 59


def test_register_several_colleagues(daemon):
    body = registration(3)
    body["attendees"][1].update(first_name="Björn", last_name="Håkansdotter",
                                job_title="Verktygsmakare", dietary="vegan",
                                listed=True)
    reg = daemon.register(body).json()
    assert len(reg["attendees"]) == 3
    assert len({a["id"] for a in reg["attendees"]}) == 3
    assert len({a["pass_code"] for a in reg["attendees"]}) == 3
    b = reg["attendees"][1]
    assert (b["first_name"], b["dietary"], b["listed"]) == ("Björn", "vegan", True)
    assert reg["attendees"][0]["listed"] is False
    assert daemon.remaining() == 57


def test_get_returns_the_same(daemon):
    reg = daemon.register().json()
    again = daemon.get("/api/v1/registrations/" + reg["manage_token"])
    assert again.status_code == 200
    assert again.json() == reg


def test_cancel_is_idempotent_and_frees_seats(daemon):
    reg = daemon.register(registration(2)).json()
    assert daemon.remaining() == 58
    r = daemon.delete("/api/v1/registrations/" + reg["manage_token"])
    assert r.status_code == 200
    c = r.json()
    assert c["status"] == "cancelled"
    assert all(a["status"] == "cancelled" and a["pass_code"] is None
               for a in c["attendees"])
    assert daemon.remaining() == 60
    r2 = daemon.delete("/api/v1/registrations/" + reg["manage_token"])
    assert r2.status_code == 200 and r2.json() == c
    assert daemon.remaining() == 60


def test_cancelled_attendee_can_register_again(daemon):
    body = registration()
    reg = daemon.register(body).json()
    daemon.delete("/api/v1/registrations/" + reg["manage_token"])
    body["attendees"][0]["email"] = body["attendees"][0]["email"].upper()
    assert daemon.register(body).status_code == 201


def test_unknown_token_is_404(daemon):
    for token in ("a" * 26, "nope", "A" * 26, "x" * 200):
        for call in (daemon.get, daemon.delete):
            r = call("/api/v1/registrations/" + token)
            assert r.status_code == 404
            assert r.json()["error"]["code"] == "not_found"


def test_session_sign_ups(daemon):
    body = registration(2)
    body["attendees"][0]["sessions"] = [9, 11]
    body["attendees"][1]["sessions"] = [11]
    reg = daemon.register(body).json()
    assert [s["id"] for s in reg["attendees"][0]["sessions"]] == [9, 11]
    assert [s["id"] for s in reg["attendees"][1]["sessions"]] == [11]
    # Each worker caches the programme; the answer must not be stale, on
    # whichever worker it lands (several connections, several requests).
    for _ in range(8):
        prog = requests.get(daemon.url + "/api/v1/programme", timeout=5).json()
        left = {s["id"]: s["remaining"] for d in prog["days"] for s in d["sessions"]}
        assert left[9] == 29 and left[11] == 98
    prog = daemon.get("/api/v1/programme").json()
    left = {s["id"]: s["remaining"] for d in prog["days"] for s in d["sessions"]}
    assert left[9] == 29 and left[11] == 98


def test_session_full_refuses_the_whole_registration(daemon):
    daemon.stop()
    daemon.sql("UPDATE sessions SET seats = 1 WHERE id = 9")
    daemon.start()
    first = registration()
    first["attendees"][0]["sessions"] = [9]
    assert daemon.register(first).status_code == 201
    second = registration(2)
    second["attendees"][1]["sessions"] = [9]
    r = daemon.register(second)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "session_full"
    assert "attendees.1.sessions" in err["fields"]
    assert daemon.remaining() == 59


def test_data_kept_across_restart(daemon):
    reg = daemon.register(registration(2)).json()
    daemon.restart()
    r = daemon.get("/api/v1/registrations/" + reg["manage_token"])
    assert r.status_code == 200
    got = r.json()
    # The manage links name the new port; everything else is as before.
    assert got.pop("manage_url").endswith(reg.pop("manage_url").split("/", 3)[3])
    for mine, theirs in zip(got["attendees"], reg["attendees"]):
        assert mine.pop("manage_url").endswith(theirs.pop("manage_url").split("/", 3)[3])
    assert got == reg
    assert daemon.remaining() == 58


def test_answer_shape(daemon):
    body = registration(2)
    reg = daemon.register(body).json()
    assert isinstance(reg["id"], int)
    assert reg["manage_url"] == daemon.url + "/manage.html#t=" + reg["manage_token"]
    assert reg["created_at"].endswith("+01:00") or reg["created_at"].endswith("+02:00")
    assert reg["contact"]["email"] == body["contact"]["email"]
    for sent, a in zip(body["attendees"], reg["attendees"]):
        assert isinstance(a["id"], int)
        assert a["email"] == sent["email"] and a["company"] == sent["company"]
        assert a["waitlist_position"] is None and a["sessions"] == []
    # Tokens and pass codes differ between registrations.
    other = daemon.register().json()
    assert other["manage_token"] != reg["manage_token"]
    assert other["id"] != reg["id"]


def test_public_url_names_the_manage_link(make_daemon):
    d = make_daemon("--public-url", "https://conf.example.se")
    reg = d.register().json()
    assert reg["manage_url"] == "https://conf.example.se/manage.html#t=" + reg["manage_token"]


def test_unknown_token_error_shape(daemon):
    r = daemon.get("/api/v1/registrations/" + "Z" * 26)
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/json")
    err = r.json()["error"]
    assert err["code"] == "not_found" and isinstance(err["message"], str) and err["message"]


def test_cancelled_registration_reads_back_cancelled(daemon):
    reg = daemon.register(registration(2)).json()
    codes = [a["pass_code"] for a in reg["attendees"]]
    daemon.delete("/api/v1/registrations/" + reg["manage_token"])
    got = daemon.get("/api/v1/registrations/" + reg["manage_token"]).json()
    assert got["status"] == "cancelled"
    assert [a["status"] for a in got["attendees"]] == ["cancelled", "cancelled"]
    assert [a["pass_code"] for a in got["attendees"]] == [None, None]
    assert all(c.startswith("TT-") for c in codes)
    # No pass for a cancelled attendee (README: 409 no_pass).
    a = got["attendees"][0]["id"]
    r = daemon.get(f"/api/v1/registrations/{reg['manage_token']}/attendees/{a}/pass.png")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "no_pass"
