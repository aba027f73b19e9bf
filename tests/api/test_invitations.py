"""Invitation links for hidden ticket types (speakers, staff, exhibitors,
guests): every ticket type carries an unguessable invitation code, which
organisers see and can renew; GET /api/v1/invitations/{code} shows what
the link opens, and a registration sending the code as "invitation" may
book that hidden type, with every other rule as for anyone."""
import json
import os
import re
import socket
import time
import urllib.parse

import pytest
import requests

from techtank_test import migration_numbers, registration
from test_admin import admin, make_event, make_type, url  # noqa: F401 (admin is a fixture)

CODE = re.compile(r"^[a-z2-7]{24}$")
SPEAKER = 4     # the demo's hidden ticket type
MEMBER = 1      # and one of its public ones


def ticket_type(d, tt_id):
    r = d.olle.get(url(d, f"/ticket-types/{tt_id}"), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def code_of(d, tt_id):
    return ticket_type(d, tt_id)["invitation_code"]


def invitation(d, code):
    return requests.get(d.url + "/api/v1/invitations/" + code, timeout=10)


def invited(tt_id, code, n=1):
    return registration(n, ticket_type=tt_id, invitation=code)


def renew(d, tt_id, version=None, session=None):
    if version is None:
        version = ticket_type(d, tt_id)["version"]
    return (session or d.olle).post(url(d, f"/ticket-types/{tt_id}/invitation"),
                                    json={"version": version}, timeout=10)


def registrations(d):
    return d.sql("SELECT count(*) FROM registrations")[0][0]


def other_code(code):
    """A code of the right shape that differs from code in its last letter."""
    return code[:-1] + ("b" if code[-1] == "a" else "a")


# --- the code -----------------------------------------------------------------

def test_every_ticket_type_has_its_own_code(admin, make_daemon):
    items = admin.olle.get(url(admin, "/events/1/ticket-types"), timeout=10).json()["items"]
    codes = [t["invitation_code"] for t in items]
    assert len(codes) == 4 and all(CODE.match(c) for c in codes), codes
    made = make_type(admin, 1, name="Utställare", role="exhibitor", hidden=True)
    assert CODE.match(made["invitation_code"])
    codes.append(made["invitation_code"])
    assert len(set(codes)) == len(codes)
    # Nothing in a code comes from its row: the same demo ticket type has
    # another code in another database, and no code shows its id.
    other = make_daemon()
    other.add_user("olle", "organiser")
    other.olle = other.login("olle")
    assert code_of(other, SPEAKER) != code_of(admin, SPEAKER)
    # The public pages never show a code.
    public = admin.get("/api/v1/event").text + admin.get("/api/v1/programme").text
    assert "invitation_code" not in public and not any(c in public for c in codes)


def test_a_code_is_made_by_the_server_and_never_written(admin):
    r = admin.olle.post(url(admin, "/events/1/ticket-types"), timeout=10,
                        json={"name": "Gäst", "invitation_code": "a" * 24})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"invitation_code": "read_only"}
    tt = ticket_type(admin, SPEAKER)
    r = admin.olle.patch(url(admin, f"/ticket-types/{SPEAKER}"), timeout=10,
                         json={"version": tt["version"], "invitation_code": "a" * 24})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"invitation_code": "read_only"}
    # An edit of the other fields keeps the code.
    r = admin.olle.patch(url(admin, f"/ticket-types/{SPEAKER}"), timeout=10,
                         json={"version": tt["version"], "quota": 20})
    assert r.status_code == 200 and r.json()["invitation_code"] == tt["invitation_code"]
    assert admin.sql("SELECT count(*) FROM ticket_types") == [(4,)]


def test_an_older_database_gets_codes_when_upgraded(admin):
    admin.stop()
    admin.downgrade(7)
    admin.start()
    admin.olle = admin.login("olle")
    rows = admin.sql("SELECT invitation_code FROM ticket_types")
    assert len(rows) == 4 and all(CODE.match(r[0]) for r in rows)
    assert len({r[0] for r in rows}) == 4
    assert admin.sql("PRAGMA user_version") == [(len(migration_numbers()),)]
    assert invitation(admin, code_of(admin, SPEAKER)).status_code == 200


# --- what a link opens ----------------------------------------------------------

def test_the_link_shows_the_event_and_that_one_ticket_type(admin):
    public = admin.get("/api/v1/event").json()
    r = invitation(admin, code_of(admin, SPEAKER))
    assert r.status_code == 200, r.text
    inv = r.json()
    # The shape of the public event, with the one type invited to.
    assert set(inv) == set(public)
    # "bookable" is what the types shown offer: here the one invited to.
    assert {k: v for k, v in inv.items() if k not in ("ticket_types", "bookable")} == \
        {k: v for k, v in public.items() if k not in ("ticket_types", "bookable")}
    assert [t["id"] for t in inv["ticket_types"]] == [SPEAKER]
    assert inv["bookable"] == inv["ticket_types"][0]["remaining"]
    assert set(inv["ticket_types"][0]) == set(public["ticket_types"][0])
    assert inv["ticket_types"][0]["name"] == "Speaker"
    assert inv["ticket_types"][0]["remaining"] == 15
    # A public type's code opens that type alone.
    r = invitation(admin, code_of(admin, MEMBER))
    assert [t["id"] for t in r.json()["ticket_types"]] == [MEMBER]


def test_an_unknown_code_is_not_found(admin):
    code = code_of(admin, SPEAKER)
    for wrong in (other_code(code), "a" * 24, code.upper(), code[:-1], code + "a"):
        r = invitation(admin, wrong)
        assert r.status_code == 404, wrong
        assert r.json() == {"error": {"code": "not_found", "message": "no invitation has this code"}}


def test_an_archived_events_codes_open_nothing(admin):
    ev = make_event(admin)
    tt = make_type(admin, ev["id"], hidden=True)
    assert invitation(admin, tt["invitation_code"]).json()["id"] == ev["id"]
    r = admin.olle.patch(url(admin, f"/events/{ev['id']}"), json={"version": ev["version"], "archived": True},
                         timeout=10)
    assert r.status_code == 200
    assert invitation(admin, tt["invitation_code"]).status_code == 404


def test_a_type_past_its_sale_is_not_offered(admin):
    tt = make_type(admin, 1, hidden=True, sale_ends_at="2020-01-01T00:00:00+01:00")
    r = invitation(admin, tt["invitation_code"])
    assert r.status_code == 200 and r.json()["ticket_types"] == []
    r = admin.register(invited(tt["id"], tt["invitation_code"]))
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"ticket_type": "not_a_choice"}


# --- registering with it --------------------------------------------------------

def test_the_right_code_books_a_hidden_type(admin):
    r = admin.register(invited(SPEAKER, code_of(admin, SPEAKER), n=2))
    assert r.status_code == 201, r.text
    reg = r.json()
    assert reg["status"] == "confirmed" and reg["ticket_type"]["id"] == SPEAKER
    assert all(a["pass_code"].startswith("TT-") for a in reg["attendees"])
    assert invitation(admin, code_of(admin, SPEAKER)).json()["ticket_types"][0]["remaining"] == 13
    # The pass is there like anyone's.
    p = admin.get(f"/api/v1/registrations/{reg['manage_token']}/attendees/"
                  f"{reg['attendees'][0]['id']}/pass.pdf")
    assert p.status_code == 200 and p.content[:4] == b"%PDF"


def test_without_the_code_or_with_another_one_a_hidden_type_is_refused(admin):
    speaker = code_of(admin, SPEAKER)
    r = admin.register(registration(1, ticket_type=SPEAKER))
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"ticket_type": "not_a_choice"}
    for wrong in (other_code(speaker), code_of(admin, MEMBER), "a" * 24):
        r = admin.register(invited(SPEAKER, wrong))
        assert r.status_code == 422, wrong
        assert r.json()["error"]["code"] == "validation_failed"
        assert r.json()["error"]["fields"] == {"invitation": "unknown"}
    # A code opens its own type only, public ones too.
    r = admin.register(invited(MEMBER, speaker))
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"invitation": "unknown"}
    r = admin.register(invited(999, speaker))
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"invitation": "unknown"}
    assert registrations(admin) == 0
    # The code of a public type changes nothing for it.
    assert admin.register(invited(MEMBER, code_of(admin, MEMBER))).status_code == 201


def test_every_other_rule_holds_with_an_invitation(admin):
    code = code_of(admin, SPEAKER)
    tt = ticket_type(admin, SPEAKER)
    r = admin.olle.patch(url(admin, f"/ticket-types/{SPEAKER}"), timeout=10,
                         json={"version": tt["version"], "quota": 1, "waitlist": False})
    assert r.status_code == 200 and r.json()["invitation_code"] == code
    # Validation.
    bad = invited(SPEAKER, code)
    bad["attendees"][0]["email"] = "not an address"
    del bad["privacy_accepted"]
    r = admin.register(bad)
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"attendees.0.email", "privacy_accepted"}
    # Seats: one, and no waitlist.
    assert admin.register(invited(SPEAKER, code, n=2)).json()["error"]["code"] == "full"
    assert admin.register(invited(SPEAKER, code)).status_code == 201
    assert admin.register(invited(SPEAKER, code)).json()["error"]["code"] == "full"
    # The event's registration window.
    r = admin.olle.patch(url(admin, f"/ticket-types/{SPEAKER}"), timeout=10,
                         json={"version": ticket_type(admin, SPEAKER)["version"], "quota": 5})
    assert r.status_code == 200
    ev = admin.olle.get(url(admin, "/events/1"), timeout=10).json()
    r = admin.olle.patch(url(admin, "/events/1"), timeout=10, json={
        "version": ev["version"], "registration_closes_at": "2020-01-01T00:00:00+01:00"})
    assert r.status_code == 200
    r = admin.register(invited(SPEAKER, code))
    assert r.status_code == 409 and r.json()["error"]["code"] == "registration_closed"
    assert invitation(admin, code).json()["registration_open"] is False
    assert registrations(admin) == 1


# --- renewing it ----------------------------------------------------------------

def test_a_new_code_revokes_the_old_one(admin):
    before = ticket_type(admin, SPEAKER)
    old = before["invitation_code"]
    r = renew(admin, SPEAKER, before["version"])
    assert r.status_code == 200, r.text
    after = r.json()
    new = after["invitation_code"]
    assert CODE.match(new) and new != old
    assert after["version"] == before["version"] + 1
    assert {k: v for k, v in after.items() if k not in ("invitation_code", "version")} == \
        {k: v for k, v in before.items() if k not in ("invitation_code", "version")}
    assert ticket_type(admin, SPEAKER)["invitation_code"] == new
    # The old link opens nothing at once; the new one does.
    assert invitation(admin, old).status_code == 404
    r = admin.register(invited(SPEAKER, old))
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"invitation": "unknown"}
    assert admin.register(invited(SPEAKER, new)).status_code == 201
    # Audited like every change, with the code before and after.
    rows = admin.sql("SELECT username, action, detail, address FROM audit_log"
                     " WHERE action = 'ticket_type.renew'")
    assert len(rows) == 1 and rows[0][0] == "olle" and rows[0][3] == "127.0.0.1"
    detail = json.loads(rows[0][2])
    assert detail["id"] == SPEAKER
    assert detail["before"]["invitation_code"] == old and detail["after"]["invitation_code"] == new


def test_renewing_names_the_version_read(admin):
    tt = ticket_type(admin, SPEAKER)
    assert renew(admin, SPEAKER, tt["version"]).status_code == 200
    # A second organiser who read the same version learns of the new code
    # instead of replacing it unseen.
    stale = renew(admin, SPEAKER, tt["version"])
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    current = stale.json()["error"]["current"]
    assert current["invitation_code"] == code_of(admin, SPEAKER) != tt["invitation_code"]
    bodies = [{}, {"version": 0}, {"version": "2"}, {"version": None},
              {"version": current["version"], "invitation_code": "a" * 24}]
    for body in bodies:
        r = admin.olle.post(url(admin, f"/ticket-types/{SPEAKER}/invitation"), json=body, timeout=10)
        assert r.status_code == 422, body
    r = admin.olle.post(url(admin, f"/ticket-types/{SPEAKER}/invitation"), timeout=10,
                        json={"version": current["version"], "invitation_code": "a" * 24})
    assert r.json()["error"]["fields"] == {"invitation_code": "unknown_field"}
    r = admin.olle.post(url(admin, f"/ticket-types/{SPEAKER}/invitation"), data="[1]", timeout=10,
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    for missing in ("999", "0", "abc", "-1"):
        r = admin.olle.post(url(admin, f"/ticket-types/{missing}/invitation"), json={"version": 1},
                            timeout=10)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", missing
    assert code_of(admin, SPEAKER) == current["invitation_code"]


def test_only_organisers_renew_and_only_with_the_csrf_token(admin):
    tt = ticket_type(admin, SPEAKER)
    path = url(admin, f"/ticket-types/{SPEAKER}/invitation")
    body = {"version": tt["version"]}
    r = requests.post(path, json=body, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "login_required"
    r = admin.anna.post(path, json=body, timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = requests.post(path, json=body, timeout=10, cookies=admin.olle.cookies)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    r = requests.post(path, json=body, timeout=10, cookies=admin.olle.cookies,
                      headers={"X-CSRF-Token": "x" * 43})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    # Door staff cannot read the codes either.
    assert admin.anna.get(url(admin, f"/ticket-types/{SPEAKER}"), timeout=10).status_code == 403
    assert ticket_type(admin, SPEAKER) == tt
    assert admin.sql("SELECT count(*) FROM audit_log WHERE action = 'ticket_type.renew'") == [(0,)]


# --- next year's event ------------------------------------------------------------

def test_a_copied_event_gets_new_codes(admin):
    old = admin.olle.get(url(admin, "/events/1/ticket-types"), timeout=10).json()["items"]
    r = admin.olle.post(url(admin, "/events/1/copy"), timeout=10)
    assert r.status_code == 201, r.text
    nxt = r.json()
    new = admin.olle.get(url(admin, f"/events/{nxt['id']}/ticket-types"), timeout=10).json()["items"]
    assert [t["name"] for t in new] == [t["name"] for t in old]
    old_codes = {t["invitation_code"] for t in old}
    new_codes = {t["invitation_code"] for t in new}
    assert all(CODE.match(c) for c in new_codes) and len(new_codes) == len(new)
    assert not old_codes & new_codes
    # Each link opens its own year's ticket type.
    old_speaker = next(t for t in old if t["id"] == SPEAKER)
    new_speaker = next(t for t in new if t["name"] == "Speaker")
    assert invitation(admin, old_speaker["invitation_code"]).json()["id"] == 1
    inv = invitation(admin, new_speaker["invitation_code"]).json()
    assert inv["id"] == nxt["id"] and [t["id"] for t in inv["ticket_types"]] == [new_speaker["id"]]
    # Renewing one year's code leaves the other's alone.
    assert renew(admin, new_speaker["id"]).status_code == 200
    assert code_of(admin, SPEAKER) == old_speaker["invitation_code"]


# --- hostile input ----------------------------------------------------------------

HOSTILE_CODES = [
    "' OR '1'='1", "' OR 1=1 --", "%' OR invitation_code LIKE '%", "aaaaaaaaaaaaaaaaaaaaaaa'",
    "*", "%", "_" * 24, "a" * 5000, "å" * 24, "Ω" * 12, "\u202e" + "a" * 23,
    "a" * 23 + "\t", "a" * 23 + " ", "a" * 23 + "\u0085",
]


@pytest.mark.parametrize("code", HOSTILE_CODES, ids=lambda c: repr(c[:12]))
def test_hostile_codes_are_not_found(admin, code):
    r = invitation(admin, urllib.parse.quote(code, safe=""))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("raw", [b"%ff%fe" + b"a" * 20, b"a" * 22 + b"%c3", b"%ed%a0%80" + b"a" * 21,
                                 b"a" * 23 + b"%0d", b"a" * 23 + b"%1b", b"a" * 23 + b"%7f"])
def test_codes_of_invalid_utf8_or_controls_are_not_found(admin, raw):
    r = raw_request(admin, b"GET /api/v1/invitations/" + raw + b" HTTP/1.1\r\nHost: x\r\n"
                           b"Connection: close\r\n\r\n")
    assert r.startswith(b"HTTP/1.1 404 "), r[:200]
    assert b'"not_found"' in r


def test_a_nul_in_the_code_is_a_bad_request(admin):
    r = raw_request(admin, b"GET /api/v1/invitations/" + b"a" * 12 + b"%00" + b"a" * 11 +
                    b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert r.startswith(b"HTTP/1.1 400 "), r[:200]


INVALID_INVITATIONS = [
    "", "a" * 23, "a" * 25, "A" * 24, "a" * 10000, "å" * 24, "a" * 23 + "\u0000",
    "a" * 23 + "\n", "a" * 23 + "\u0007", "' OR 1=1; DROP TABLE ticket_types; --",
    "a" * 23 + "1", 1, 1.5, True, [], {}, ["a" * 24], {"code": "a" * 24},
]


@pytest.mark.parametrize("value", INVALID_INVITATIONS, ids=lambda v: repr(v)[:16])
def test_a_malformed_invitation_is_refused_field_by_field(admin, value):
    r = admin.register(invited(SPEAKER, value))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {"invitation": "invalid"}
    assert registrations(admin) == 0


def test_invalid_utf8_in_an_invitation_is_refused(admin):
    body = json.dumps(invited(SPEAKER, "CODE")).encode().replace(b"CODE", b"a" * 22 + b"\xc3\x28")
    r = admin.register(body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_utf8"
    body = json.dumps(invited(SPEAKER, "CODE")).encode().replace(b"CODE", b"\\ud800" + b"a" * 23)
    r = admin.register(body)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    assert registrations(admin) == 0


def test_a_null_invitation_is_none(admin):
    assert admin.register(invited(MEMBER, None)).status_code == 201
    r = admin.register(invited(SPEAKER, None))
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"ticket_type": "not_a_choice"}


# --- the access log ---------------------------------------------------------------

def raw_request(d, data, timeout=5):
    with socket.create_connection(("127.0.0.1", d.port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def test_the_access_log_never_shows_a_code(admin):
    code = code_of(admin, SPEAKER)
    assert invitation(admin, code).status_code == 200
    assert invitation(admin, other_code(code)).status_code == 404
    # Refused before any route: a repeated Host (the guard) and a head too
    # large (evhttp itself), both still logged.
    for extra in (b"Host: y\r\n", b"X-Big: " + b"x" * 9000 + b"\r\n"):
        r = raw_request(admin, b"GET /api/v1/invitations/" + code.encode() + b"?x=1 HTTP/1.1\r\n"
                               b"Host: x\r\n" + extra + b"Connection: close\r\n\r\n")
        assert r.startswith(b"HTTP/1.1 400 "), r[:200]
    admin.stop()  # the log thread writes what it holds
    with open(os.path.join(admin.tmp, "access.log"), "rb") as f:
        log = f.read()
    assert code.encode() not in log and other_code(code).encode() not in log
    assert log.count(b"GET /api/v1/invitations/* ") == 2
    assert log.count(b"/api/v1/invitations/<token>") == 2, log[-1500:]
