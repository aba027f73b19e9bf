"""Door check-in: staff accounts, sessions, roles, CSRF, throttling, every
scan result, and the same badge scanned at several doors at once."""
from concurrent.futures import ThreadPoolExecutor
import subprocess
import threading
import uuid

import pytest
import requests

from techtank_test import TECHTANKD, person, registration


@pytest.fixture
def door(daemon):
    daemon.add_user("anna", "door")
    daemon.add_user("olle", "organiser")
    daemon.anna = daemon.login("anna")
    daemon.olle = daemon.login("olle")
    return daemon


def register(d, sessions=None, **limits):
    body = registration()
    if sessions:
        body["attendees"][0]["sessions"] = sessions
    reg = d.register(body).json()
    return reg, reg["attendees"][0]


def scan(d, session, code=None, **extra):
    body = {"code": code} if code is not None else {}
    body.update(extra)
    return session.post(d.url + "/api/v1/checkins", json=body, timeout=30)


def test_ok_then_already_checked_in(door):
    reg, a = register(door)
    r = scan(door, door.anna, a["pass_code"])
    assert r.status_code == 200
    first = r.json()
    assert first["result"] == "ok" and first["checkpoint"] == "main"
    assert first["attendee"]["name"] == "Åsa Lindström-Öberg"
    assert first["attendee"]["company"] == "Pressverk AB"
    assert first["attendee"]["ticket_type"] == "Member"
    assert first["attendee"]["role"] == "attendee"
    assert first["first_checkin"]["by"] == "anna"
    again = scan(door, door.olle, a["pass_code"]).json()
    assert again["result"] == "already_checked_in"
    assert again["first_checkin"] == first["first_checkin"]


def test_unknown_forged_and_altered_codes(door):
    reg, a = register(door)
    code = a["pass_code"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    altered = []
    for i in (3, 10, len(code) - 2, len(code) - 1):
        c = next(ch for ch in alphabet if ch != code[i])
        altered.append(code[:i] + c + code[i + 1:])
    for bad in altered + ["TT-" + "A" * 27, "nonsense", "TT-", "'; DROP TABLE checkins;--"]:
        r = scan(door, door.anna, bad)
        assert r.status_code == 200, bad
        assert r.json()["result"] == "unknown" and r.json()["attendee"] is None
    # A code typed in lower case is the same code.
    assert scan(door, door.anna, code.lower()).json()["result"] == "ok"


def test_cancelled_and_waitlisted(door):
    reg, a = register(door)
    door.delete("/api/v1/registrations/" + reg["manage_token"])
    assert scan(door, door.anna, a["pass_code"]).json()["result"] == "cancelled"
    door.set_limits(ticket_type=2, quota=0, waitlist=True)
    door.anna = door.login("anna")
    body = registration(ticket_type=2)
    w = door.register(body).json()["attendees"][0]
    assert w["status"] == "waitlisted"
    r = scan(door, door.anna, attendee_id=w["id"]).json()
    assert r["result"] == "waitlisted"


def test_study_visit_only_for_those_signed_up(door):
    _, signed = register(door, sessions=[9])
    _, other = register(door)
    got = door.anna.get(door.url + "/api/v1/checkpoints").json()
    cps = got["checkpoints"]
    assert [c["id"] for c in cps] == ["main", "session-9", "session-11"]
    assert got["event"] == int(door.sql("SELECT value FROM settings WHERE key = 'current_event'")[0][0])
    # With no current event the door is told so (it keeps no copy then).
    door.sql("UPDATE events SET archived = 1")
    got = door.anna.get(door.url + "/api/v1/checkpoints").json()
    assert got["event"] is None and [c["id"] for c in got["checkpoints"]] == ["main"]
    door.sql("UPDATE events SET archived = 0")
    assert scan(door, door.anna, other["pass_code"], checkpoint="session-9").json()["result"] \
        == "not_registered_here"
    assert scan(door, door.anna, signed["pass_code"], checkpoint="session-9").json()["result"] == "ok"
    # The study visit and the entrance are counted apart.
    assert scan(door, door.anna, signed["pass_code"]).json()["result"] == "ok"
    r = scan(door, door.anna, signed["pass_code"], checkpoint="session-3")
    assert r.status_code == 422 and "checkpoint" in r.json()["error"]["fields"]


def test_same_badge_at_two_doors_gets_one_ok(door):
    _, a = register(door, sessions=[9])
    doors = [door.login("anna"), door.login("olle")]

    def go(i):
        cp = "main" if i % 2 == 0 else "session-9"
        return cp, scan(door, doors[i % 4 // 2], a["pass_code"], checkpoint=cp)

    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(go, range(100)))
    assert all(r.status_code == 200 for _, r in results)
    for cp in ("main", "session-9"):
        got = [r.json()["result"] for c, r in results if c == cp]
        assert len(got) == 50
        assert got.count("ok") == 1, cp
        assert got.count("already_checked_in") == 49
    assert door.sql("SELECT count(*) FROM checkins WHERE undone_at IS NULL") == [(2,)]


def test_nonce_retry_returns_the_first_answer(door):
    _, a = register(door)
    nonce = str(uuid.uuid4())
    first = scan(door, door.anna, a["pass_code"], nonce=nonce).json()
    again = scan(door, door.anna, a["pass_code"], nonce=nonce).json()
    assert first["result"] == "ok" and again == first
    assert scan(door, door.anna, a["pass_code"]).json()["result"] == "already_checked_in"


def test_undo_by_organiser_only(door):
    _, a = register(door)
    r = scan(door, door.anna, a["pass_code"]).json()
    cid = r["checkin_id"]
    assert door.anna.delete(f"{door.url}/api/v1/checkins/{cid}").status_code == 403
    assert door.olle.delete(f"{door.url}/api/v1/checkins/{cid}").status_code == 200
    assert door.olle.delete(f"{door.url}/api/v1/checkins/{cid}").status_code == 404
    assert scan(door, door.anna, a["pass_code"]).json()["result"] == "ok"


def test_anonymous_is_401_everywhere(door):
    for method, path in (("GET", "/api/v1/checkpoints"), ("POST", "/api/v1/checkins"),
                         ("GET", "/api/v1/checkins/stats"), ("DELETE", "/api/v1/checkins/1"),
                         ("GET", "/api/v1/attendees/search?q=As"), ("GET", "/api/v1/session"),
                         ("DELETE", "/api/v1/session")):
        r = requests.request(method, door.url + path, json={}, timeout=10)
        assert r.status_code == 401, (method, path)
        assert r.json()["error"]["code"] == "login_required"


def test_missing_or_wrong_csrf_is_403(door):
    _, a = register(door)
    bare = requests.Session()
    bare.cookies = door.anna.cookies
    r = bare.post(door.url + "/api/v1/checkins", json={"code": a["pass_code"]}, timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    r = bare.post(door.url + "/api/v1/checkins", json={"code": a["pass_code"]},
                  headers={"X-CSRF-Token": "x" * 52}, timeout=10)
    assert r.status_code == 403
    # Another session's token does not do either.
    r = bare.post(door.url + "/api/v1/checkins", json={"code": a["pass_code"]},
                  headers={"X-CSRF-Token": door.olle.headers["X-CSRF-Token"]}, timeout=10)
    assert r.status_code == 403
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]


def test_cookie_is_httponly_strict_and_new_each_login(door):
    s = requests.Session()
    r1 = s.post(door.url + "/api/v1/session", json={"username": "anna",
                                                     "password": "correct horse battery"})
    cookie = r1.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=" in cookie
    assert "Secure" not in cookie
    r2 = requests.post(door.url + "/api/v1/session", json={"username": "anna",
                                                            "password": "correct horse battery"})
    assert r2.cookies["tt_session"] != r1.cookies["tt_session"]
    assert r2.json()["csrf_token"] != r1.json()["csrf_token"]


def test_secure_cookie_flag(make_daemon):
    d = make_daemon("--secure-cookies")
    d.add_user("anna", "door")
    r = requests.post(d.url + "/api/v1/session", json={"username": "anna",
                                                       "password": "correct horse battery"})
    assert "; Secure" in r.headers["Set-Cookie"]


def test_logout_ends_the_session(door):
    s = door.anna
    assert s.get(door.url + "/api/v1/session").json()["role"] == "door"
    r = s.delete(door.url + "/api/v1/session")
    assert r.status_code == 200 and "Max-Age=0" in r.headers["Set-Cookie"]
    old = dict(door.anna.cookies)
    r = requests.get(door.url + "/api/v1/checkpoints", cookies=old, timeout=10)
    assert r.status_code == 401


def test_expired_session(door):
    door.sql("UPDATE staff_sessions SET expires_at = 1")
    r = door.anna.get(door.url + "/api/v1/checkpoints")
    assert r.status_code == 401 and r.json()["error"]["code"] == "session_expired"


def test_disabled_user_is_logged_out(door):
    r = subprocess.run([TECHTANKD, "--db", door.db, "user", "disable", "anna"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0
    assert door.anna.get(door.url + "/api/v1/checkpoints").status_code == 401
    r = requests.post(door.url + "/api/v1/session",
                      json={"username": "anna", "password": "correct horse battery"})
    assert r.status_code == 401


def test_wrong_passwords_are_throttled(door):
    codes = []
    for _ in range(7):
        r = requests.post(door.url + "/api/v1/session",
                          json={"username": "olle", "password": "not the password"}, timeout=30)
        codes.append(r.status_code)
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    r = requests.post(door.url + "/api/v1/session",
                      json={"username": "olle", "password": "correct horse battery"}, timeout=30)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    # The other account is not locked by it.
    assert door.login("anna").role == "door"
    rows = door.sql("SELECT action, username FROM audit_log WHERE action = 'login_failed'")
    assert len(rows) == 5 and all(u == "olle" for _, u in rows)


def test_unknown_user_and_bad_login_bodies(door):
    r = requests.post(door.url + "/api/v1/session", json={"username": "nobody",
                                                          "password": "whatever123"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_login"
    for body in ({}, {"username": "anna"}, {"username": "", "password": "x"},
                 {"username": "anna", "password": 5}, {"username": "a" * 64, "password": "x"}):
        assert requests.post(door.url + "/api/v1/session", json=body).status_code == 422
    assert requests.post(door.url + "/api/v1/session", data="{",
                         headers={"Content-Type": "application/json"}).status_code == 400


def test_stats_and_search(door):
    _, a = register(door, sessions=[9])
    register(door)
    scan(door, door.anna, a["pass_code"])
    st = door.anna.get(door.url + "/api/v1/checkins/stats").json()["checkpoints"]
    main = st[0]
    assert main["id"] == "main" and main["expected"] == 2 and main["checked_in"] == 1
    member = next(t for t in main["ticket_types"] if t["name"] == "Member")
    assert member["expected"] == 2 and member["checked_in"] == 1
    visit = next(c for c in st if c["id"] == "session-9")
    assert visit["expected"] == 1 and visit["checked_in"] == 0
    found = door.anna.get(door.url + "/api/v1/attendees/search", params={"q": "Lindström"}).json()
    assert len(found["attendees"]) == 2
    hit = found["attendees"][0]
    assert set(hit) == {"id", "name", "company", "ticket_type", "ticket_type_en", "status",
                        "checked_in_at", "cancelled_at", "cancel_reason", "signed_up"}
    # Case does not matter, for Swedish letters either.
    for q in ("lindström", "LINDSTRÖM", "åsa lind", "ÅSA"):
        got = door.anna.get(door.url + "/api/v1/attendees/search", params={"q": q}).json()
        assert len(got["attendees"]) == 2, q
    # Wildcards in the query are letters, not patterns.
    assert door.anna.get(door.url + "/api/v1/attendees/search",
                         params={"q": "%%"}).json()["attendees"] == []
    assert door.anna.get(door.url + "/api/v1/attendees/search", params={"q": "x"}).status_code == 422
    # Check in from a search result, by id.
    r = scan(door, door.anna, attendee_id=found["attendees"][1]["id"])
    assert r.json()["result"] in ("ok", "already_checked_in")


def test_audit_log_records_staff_actions(door):
    _, a = register(door)
    scan(door, door.anna, a["pass_code"])
    rows = door.sql("SELECT username, action, address FROM audit_log ORDER BY id")
    actions = [(u, act) for u, act, _ in rows]
    assert ("anna", "login") in actions and ("olle", "login") in actions
    assert ("anna", "checkin") in actions
    assert all(addr == "127.0.0.1" for _, _, addr in rows)


def test_user_command_line(daemon):
    r = subprocess.run([TECHTANKD, "--db", daemon.db, "user", "add", "kim", "--role", "door"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "password for kim:" in r.stdout
    password = r.stdout.split("password for kim: ")[1].split()[0]
    assert daemon.login("kim", password).role == "door"
    hashes = daemon.sql("SELECT password_hash FROM users WHERE name = 'kim'")
    assert hashes[0][0].startswith("$argon2id$") and "m=19456,t=2" in hashes[0][0]
    for args, text in ((["user", "add", "kim", "--role", "door"], "already"),
                       (["user", "add", "x", "--role", "boss"], "role"),
                       (["user", "add", "bad name", "--role", "door"], "user name"),
                       (["user", "disable", "ghost"], "no user")):
        r = subprocess.run([TECHTANKD, "--db", daemon.db, *args], input="long enough pw\n",
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0 and text in r.stderr, (args, r.stderr)
    r = subprocess.run([TECHTANKD, "--db", daemon.db, "user", "add", "y", "--role", "door"],
                       input="short\n", capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "at least" in r.stderr
    r = subprocess.run([TECHTANKD, "--db", daemon.db, "user", "list"], capture_output=True,
                       text=True, timeout=30)
    assert "kim" in r.stdout and "door" in r.stdout


def test_bad_scan_bodies(door):
    _, a = register(door)
    for body in ({}, {"code": 5}, {"attendee_id": "x"}, {"attendee_id": 0},
                 {"code": a["pass_code"], "attendee_id": a["id"]},
                 {"code": "TT-\u0001"}, {"code": "x" * 65}, {"code": ""},
                 {"code": a["pass_code"], "nonce": "has space"},
                 {"code": a["pass_code"], "checkpoint": 7},
                 {"code": a["pass_code"], "checkpoint": "session-9; --"}):
        r = door.anna.post(door.url + "/api/v1/checkins", json=body, timeout=10)
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == "validation_failed"
    r = door.anna.post(door.url + "/api/v1/checkins", data=b"\xff\xfe",
                       headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 422
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]
    # A scanner's trailing blank is ignored.
    assert scan(door, door.anna, " " + a["pass_code"] + " ").json()["result"] == "ok"


def test_many_failures_from_one_address_are_throttled(door):
    # Twenty failures spread over many names: the address is stopped,
    # even for a name that has not failed yet.
    for i in range(20):
        r = requests.post(door.url + "/api/v1/session",
                          json={"username": f"guess{i % 5}x{i}", "password": "wrong password"},
                          timeout=30)
        assert r.status_code == 401
    r = requests.post(door.url + "/api/v1/session",
                      json={"username": "anna", "password": "correct horse battery"}, timeout=30)
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"


def test_a_pass_of_another_event_opens_no_door(door):
    """Last year's pass (an event no longer the current one) is known but
    not let in: it is not registered here, and no check-in is made."""
    reg, a = register(door)
    ev = door.olle.post(door.url + "/api/v1/admin/events", json={
        "name": "Techtank 2028", "slug": "techtank-2028",
        "starts_at": "2028-11-28T09:00:00+01:00", "ends_at": "2028-11-29T17:00:00+01:00",
        "venue_name": "Pressverkstaden", "venue_city": "Olofström"}, timeout=10)
    assert ev.status_code == 201, ev.text
    r = door.olle.post(f"{door.url}/api/v1/admin/events/{ev.json()['id']}/current", timeout=10)
    assert r.status_code == 200, r.text
    answer = scan(door, door.anna, a["pass_code"]).json()
    assert answer["result"] == "not_registered_here", answer
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]
    # Back to the pass's own event, it opens the door again.
    door.olle.post(f"{door.url}/api/v1/admin/events/1/current", timeout=10)
    assert scan(door, door.anna, a["pass_code"]).json()["result"] == "ok"


# ------------------------------------------------- codes as people type them

def code_with_o_and_i(d):
    """A registration whose pass code has an O or an I after the prefix."""
    for _ in range(30):
        _, a = register(d)
        if "O" in a["pass_code"][3:] or "I" in a["pass_code"][3:]:
            return a
    raise AssertionError("no code with an O or an I in 30 registrations")


def grouped(code, sep=" "):
    body = code[3:]
    return code[:2] + sep + sep.join(body[i:i + 3] for i in range(0, len(body), 3))


def test_a_typed_code_is_recognised_as_printed_in_any_case(door):
    forms = []
    for _ in range(6):
        _, a = register(door)
        forms.append((a["pass_code"], grouped(a["pass_code"])))
    code = forms[0][0]
    confused = code_with_o_and_i(door)["pass_code"]
    typed = [
        (forms[0][0], forms[0][1]),                       # as on the pass, blanks
        (forms[1][0], grouped(forms[1][0], "-").lower()),  # dashes, lower case
        (forms[2][0], grouped(forms[2][0], " - ")),        # both
        (forms[3][0], grouped(forms[3][0], "\u2013")),     # an en dash copied
        (forms[4][0], grouped(forms[4][0], "\u00a0")),     # no-break spaces
        (forms[5][0], "  " + forms[5][0].lower().replace("-", "") + " "),
        (confused, "TT-" + confused[3:].replace("O", "0").replace("I", "1")),
    ]
    for issued, form in typed:
        r = scan(door, door.anna, form)
        assert r.status_code == 200, (form, r.text)
        got = r.json()
        assert got["result"] == "ok", (form, got)
    # The same person typed otherwise again is already in.
    assert scan(door, door.anna, code.lower()).json()["result"] == "already_checked_in"
    assert door.sql("SELECT count(*) FROM checkins WHERE undone_at IS NULL") == [(7,)]


def test_a_typed_code_with_any_other_change_is_unknown(door):
    _, a = register(door)
    code = a["pass_code"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for i in range(3, len(code)):
        c = next(ch for ch in alphabet if ch != code[i] and ch not in "OI")
        bad = grouped(code[:i] + c + code[i + 1:]).lower()
        assert scan(door, door.anna, bad).json()["result"] == "unknown", bad
    # 0 and 1 stand for O and I only; 8 for B is a change like any other.
    for i in range(3, len(code)):
        if code[i] not in "OI":
            other = code[:i] + "0" + code[i + 1:]
            assert scan(door, door.anna, other).json()["result"] == "unknown", other
            break
    for hostile in (grouped(code, "\u200b"), grouped(code, "_"), grouped(code, "."),
                    "tt " + "o" * 27, "<script>" + code, code + "'--",
                    " - - - ", "-" * 64):
        r = scan(door, door.anna, hostile)
        assert r.status_code == 200 and r.json()["result"] == "unknown", hostile
    r = scan(door, door.anna, grouped(code, "     "))
    assert r.status_code == 422  # more than 64 characters: not a code
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]


def test_one_badge_typed_otherwise_at_many_doors_at_once_gets_one_ok(door):
    a = code_with_o_and_i(door)
    code = a["pass_code"]
    forms = [code, code.lower(), grouped(code), grouped(code, "-").lower(),
             "TT-" + code[3:].replace("O", "0").replace("I", "1"), " " + grouped(code, " - ") + " "]
    doors = [door.login("anna"), door.login("olle")]
    with ThreadPoolExecutor(24) as pool:
        results = list(pool.map(lambda i: scan(door, doors[i % 2], forms[i % len(forms)]),
                                range(60)))
    got = [r.json()["result"] for r in results]
    assert got.count("ok") == 1 and got.count("already_checked_in") == 59, got
    assert door.sql("SELECT count(*) FROM checkins WHERE undone_at IS NULL") == [(1,)]


# ---------------------------------------------- the search, as the door sees

SCRIPTS = [
    ("Γιώργος", "Παπαδόπουλος", "ΕΛΒΑΛ", ["γιωργος", "ΠΑΠΑΔΟΠΟΥΛΟΣ", "ελβαλ γιωργος"]),
    ("Иван", "Ёжиков", "Северсталь", ["ежиков", "ИВАН ЁЖИКОВ", "северсталь"]),
    ("Łucja", "Wiśniewska", "Politechnika Wrocławska", ["lucja", "WISNIEWSKA LUCJA", "wroclawska"]),
    ("İsmail", "Işık", "Ford Otosan", ["isik ismail", "ISMAIL", "otosan"]),
    ("Ngọc Ánh", "Nguyễn", "Đông Á", ["nguyen anh", "ngoc", "dong a"]),
    ("Björn", "Håkansdotter", "Blekinge Verktyg", ["Bjorn", "hakansdotter bjorn", "verktyg"]),
    ("Zoë", "Ødegård-Łukasiewicz", "SSAB", ["Zoe", "odegard", "lukasiewicz zoe", "ssab zoe"]),
    ("Åsa", "Lindström", "Pressverk AB", ["lindstrom", "Asa Lind", "Lindström Åsa", "pressverk"]),
]


def door_search(d, q, **params):
    r = d.anna.get(d.url + "/api/v1/attendees/search", params={"q": q, **params}, timeout=10)
    assert r.status_code == 200, (q, r.text)
    return r.json()["attendees"]


def test_door_search_folds_every_script_in_any_order(door):
    for first, last, company, _ in SCRIPTS:
        body = registration()
        body["attendees"] = [person(first, last, company=company)]
        body["contact"] = dict(body["attendees"][0])
        assert door.register(body).status_code == 201
    for first, last, _, queries in SCRIPTS:
        for q in queries:
            names = {a["name"] for a in door_search(door, q)}
            assert f"{first} {last}" in names, (q, names)
            assert len(names) == 1, (q, names)


def test_door_search_says_who_may_come_in(door):
    reg, asa = register(door)
    scan(door, door.anna, asa["pass_code"])
    # Two in one registration; one of them cancels alone.
    body = registration(2)
    body["attendees"][1]["first_name"] = "Olof"
    two = door.register(body).json()
    olof = two["attendees"][1]
    r = door.delete(f"/api/v1/registrations/{two['manage_token']}/attendees/{olof['id']}")
    assert r.status_code == 200, r.text
    # A whole registration cancelled.
    gone_reg, gone = register(door)
    gone_first = door.sql("SELECT first_name FROM attendees WHERE id = ?", gone["id"])[0][0]
    door.delete("/api/v1/registrations/" + gone_reg["manage_token"])
    found = {a["id"]: a for a in door_search(door, "lindstrom")}
    assert found[asa["id"]]["status"] == "confirmed"
    assert found[asa["id"]]["checked_in_at"] is not None
    assert found[asa["id"]]["cancel_reason"] is None
    assert found[olof["id"]]["status"] == "cancelled"
    assert found[olof["id"]]["cancel_reason"] == "attendee"
    assert found[olof["id"]]["cancelled_at"].startswith("20")
    assert found[gone["id"]]["status"] == "cancelled"
    assert found[gone["id"]]["cancel_reason"] == "registration"
    assert found[two["attendees"][0]["id"]]["status"] == "confirmed"
    assert found[two["attendees"][0]["id"]]["checked_in_at"] is None
    # Someone cancelled is found, not "no one".
    only = door_search(door, "olof lindstrom")
    assert [a["id"] for a in only] == [olof["id"]] and only[0]["status"] == "cancelled"
    assert gone_first  # the cancelled keep their names for the door
    # The waitlisted.
    door.set_limits(ticket_type=2, quota=0, waitlist=True)
    door.anna = door.login("anna")
    w = door.register(registration(ticket_type=2)).json()["attendees"][0]
    hit = next(a for a in door_search(door, "asa") if a["id"] == w["id"])
    assert hit["status"] == "waitlisted" and hit["checked_in_at"] is None


def test_door_search_at_a_study_visit(door):
    _, signed = register(door, sessions=[9])
    _, other = register(door)
    scan(door, door.anna, signed["pass_code"], checkpoint="session-9")
    found = {a["id"]: a for a in door_search(door, "lindstrom", checkpoint="session-9")}
    assert found[signed["id"]]["signed_up"] is True
    assert found[signed["id"]]["checked_in_at"] is not None
    assert found[other["id"]]["signed_up"] is False
    # At the entrance, everyone may come in and no one is in yet.
    main = {a["id"]: a for a in door_search(door, "lindstrom")}
    assert all(a["signed_up"] and a["checked_in_at"] is None for a in main.values())
    for cp in ("session-3", "session-09", "nowhere", "main'--", "session-1e3", "\u00e5"):
        r = door.anna.get(door.url + "/api/v1/attendees/search",
                          params={"q": "lindstrom", "checkpoint": cp}, timeout=10)
        assert r.status_code == 422 and r.json()["error"]["fields"] == \
            {"checkpoint": "not_a_choice"}, cp


def test_the_checkpoints_say_their_kind_and_a_meal_shows_dietary_needs(door):
    body = registration()
    body["attendees"][0]["sessions"] = [11]
    body["attendees"][0]["dietary"] = "Vegan, <b>no nuts</b>"
    a = door.register(body).json()["attendees"][0]
    cps = {c["id"]: c for c in door.anna.get(door.url + "/api/v1/checkpoints").json()["checkpoints"]}
    assert cps["main"]["kind"] == "entrance"
    assert cps["session-9"]["kind"] == "visit" and cps["session-11"]["kind"] == "meal"
    at_meal = scan(door, door.anna, a["pass_code"], checkpoint="session-11").json()
    assert at_meal["result"] == "ok" and at_meal["checkpoint"] == "session-11"
    assert at_meal["attendee"]["dietary"] == "Vegan, <b>no nuts</b>"
    at_door = scan(door, door.anna, a["pass_code"]).json()
    assert at_door["result"] == "ok" and "dietary" not in at_door["attendee"]


# --------------------------------------------------------- print at the door

def test_door_staff_get_the_tag_of_a_confirmed_attendee(door):
    body = registration()
    body["attendees"][0]["sessions"] = [11]
    body["attendees"][0]["first_name"] = "<img src=x onerror=alert(1)>"
    a = door.register(body).json()["attendees"][0]
    for who in (door.anna, door.olle):
        r = who.get(f"{door.url}/api/v1/door/attendees/{a['id']}/tag", timeout=10)
        assert r.status_code == 200, r.text
        tag = r.json()
        assert tag["first_name"] == "<img src=x onerror=alert(1)>"
        assert tag["last_name"] == "Lindström-Öberg" and tag["company"] == "Pressverk AB"
        assert tag["role"] == "attendee" and "DINNER" in tag["marks"]
        assert tag["event"]["name"]
        assert "pass_code" not in tag
        q = who.get(f"{door.url}/api/v1/door/attendees/{a['id']}/qr.svg", timeout=10)
        assert q.status_code == 200 and q.headers["Content-Type"].startswith("image/svg+xml")
        assert q.text.startswith("<svg") and q.headers["Cache-Control"] == "no-store"
    # Printing is no check-in.
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]


def test_no_tag_for_the_cancelled_the_waitlisted_or_anyone_else(door):
    reg, a = register(door)
    door.delete("/api/v1/registrations/" + reg["manage_token"])
    for end in ("tag", "qr.svg"):
        r = door.anna.get(f"{door.url}/api/v1/door/attendees/{a['id']}/{end}", timeout=10)
        assert r.status_code == 409 and r.json()["error"]["code"] == "no_pass"
        for bad in ("0", "01", "-1", "1x", "99999", "9" * 30, "1%20", "%20" + "1", "1e3"):
            r = door.anna.get(f"{door.url}/api/v1/door/attendees/{bad}/{end}", timeout=10)
            assert r.status_code == 404, (bad, r.status_code)
        r = door.anna.get(f"{door.url}/api/v1/door/attendees/1%00/{end}", timeout=10)
        assert r.status_code in (400, 404)
        r = requests.get(f"{door.url}/api/v1/door/attendees/{a['id']}/{end}", timeout=10)
        assert r.status_code == 401
        r = door.anna.post(f"{door.url}/api/v1/door/attendees/{a['id']}/{end}", json={},
                           timeout=10)
        assert r.status_code == 405
    door.set_limits(ticket_type=2, quota=0, waitlist=True)
    door.anna = door.login("anna")
    w = door.register(registration(ticket_type=2)).json()["attendees"][0]
    r = door.anna.get(f"{door.url}/api/v1/door/attendees/{w['id']}/tag", timeout=10)
    assert r.status_code == 409
