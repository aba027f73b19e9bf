"""Security findings at the door, each test named after what broke: a
colleague locked out from another address, bursts of logins that all reached
argon2id, scan nonces shared between sessions, and checkpoint aliases."""
import pytest

from test_door import door, register, scan  # noqa: F401 (door is a fixture)


CHECKPOINT_ALIASES = ["session-09", "session-+9", "session- 9", "session-9 ", "SESSION-9",
                      "session-9.0", "session-0x9", "session-\t9", "session-0009",
                      " session-9", "Session-9", "MAIN", "main ", "session-0"]


@pytest.mark.parametrize("alias", CHECKPOINT_ALIASES)
def test_checkpoint_alias_admitted_a_badge_again(door, alias):
    _, a = register(door, sessions=[9])
    assert scan(door, door.anna, a["pass_code"], checkpoint="session-9").json()["result"] == "ok"
    r = scan(door, door.anna, a["pass_code"], checkpoint=alias)
    assert r.status_code == 422, alias
    assert r.json()["error"]["code"] == "validation_failed"
    assert "checkpoint" in r.json()["error"]["fields"]
    assert door.sql("SELECT checkpoint FROM checkins") == [("session-9",)]


def test_checkpoint_alias_makes_no_checkin(door):
    _, a = register(door, sessions=[9])
    for alias in CHECKPOINT_ALIASES:
        r = scan(door, door.anna, a["pass_code"], checkpoint=alias)
        assert r.status_code == 422, alias
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]
    r = scan(door, door.anna, a["pass_code"], checkpoint="session-9")
    assert r.status_code == 200 and r.json()["result"] == "ok"
    assert r.json()["checkpoint"] == "session-9"
    assert scan(door, door.anna, a["pass_code"], checkpoint="main").json()["result"] == "ok"
    assert sorted(door.sql("SELECT checkpoint FROM checkins")) == [("main",), ("session-9",)]
    stats = door.anna.get(door.url + "/api/v1/checkins/stats").json()["checkpoints"]
    assert [c["id"] for c in stats] == ["main", "session-9", "session-11"]
    assert next(c for c in stats if c["id"] == "session-9")["checked_in"] == 1


def test_nonce_from_another_session_got_the_first_answer(door):
    _, first = register(door)
    _, second = register(door)
    nonce = "door-nonce-1"
    a = door.login("anna")
    b = door.login("anna")     # the same account at another door
    c = door.olle
    got_a = scan(door, a, first["pass_code"], nonce=nonce).json()
    assert got_a["result"] == "ok" and got_a["attendee"]["id"] == first["id"]
    # Another session with the same nonce: an ordinary scan of its own badge.
    got_b = scan(door, b, second["pass_code"], nonce=nonce).json()
    assert got_b["result"] == "ok" and got_b["attendee"]["id"] == second["id"]
    got_c = scan(door, c, first["pass_code"], nonce=nonce).json()
    assert got_c["result"] == "already_checked_in"
    assert got_c["first_checkin"] == got_a["first_checkin"]
    # Each session replaying the nonce gets its own first answer.
    assert scan(door, a, first["pass_code"], nonce=nonce).json() == got_a
    assert scan(door, a, second["pass_code"], nonce=nonce).json() == got_a
    assert scan(door, b, second["pass_code"], nonce=nonce).json() == got_b
    assert scan(door, c, first["pass_code"], nonce=nonce).json() == got_c
    assert door.sql("SELECT count(*) FROM checkins WHERE undone_at IS NULL") == [(2,)]
    assert door.sql("SELECT count(DISTINCT session_id) FROM scan_nonces WHERE nonce = ?",
                    nonce) == [(3,)]


def test_nonce_of_an_ended_session_is_not_reused(door):
    _, first = register(door)
    _, second = register(door)
    a = door.login("anna")
    assert scan(door, a, first["pass_code"], nonce="n-1").json()["result"] == "ok"
    assert a.delete(door.url + "/api/v1/session").status_code == 200
    # The next login must not take over the ended session's nonces.
    b = door.login("anna")
    got = scan(door, b, second["pass_code"], nonce="n-1").json()
    assert got["result"] == "ok" and got["attendee"]["id"] == second["id"]
