"""Changes to a registration after it was made: by the attendees through
their manage links (the contact's for everyone, a personal one for its
attendee alone) until the event's change deadline, and by organisers at
any time. Who may touch what, validation as at registration, stale
versions, seats and the waitlist, hostile input, the audit log, the
access log, and many clients changing one group at once."""
import concurrent.futures
import json
import os
import socket
import time

import pytest
import requests

from techtank_test import person, registration

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def org(daemon):
    daemon.add_user("olle", "organiser")
    daemon.add_user("anna", "door")
    daemon.olle = daemon.login("olle")
    daemon.anna = daemon.login("anna")
    return daemon


def group(d, n=3, ticket_type=1, **kw):
    body = registration(n, ticket_type=ticket_type, **kw)
    r = d.register(body)
    assert r.status_code == 201, r.text
    return r.json()


def att_url(d, token, attendee_id=None):
    url = f"{d.url}/api/v1/registrations/{token}/attendees"
    return url if attendee_id is None else f"{url}/{attendee_id}"


def patch(d, token, a, body, **kw):
    return requests.patch(att_url(d, token, a["id"]), json=body, timeout=10, **kw)


def raw_patch(d, token, attendee_id, data, headers=None):
    return requests.patch(att_url(d, token, attendee_id), data=data,
                          headers=headers or JSON, timeout=10)


def view(d, token):
    r = d.get("/api/v1/registrations/" + token)
    assert r.status_code == 200, r.text
    return r.json()


def confirmed_counts(d):
    """The seat counters the store keeps, and the rows they count."""
    kept = d.sql("SELECT confirmed_count FROM events WHERE id = 1")[0][0]
    rows = d.sql("SELECT count(*) FROM attendees WHERE event_id = 1 AND status = 'confirmed'")[0][0]
    per_type = d.sql("SELECT t.id, t.confirmed_count, (SELECT count(*) FROM attendees a"
                     " WHERE a.ticket_type_id = t.id AND a.status = 'confirmed')"
                     " FROM ticket_types t")
    return kept, rows, per_type


def assert_counts_right(d):
    kept, rows, per_type = confirmed_counts(d)
    assert kept == rows
    for _, kept_t, rows_t in per_type:
        assert kept_t == rows_t


def set_deadline(d, when):
    """The organiser sets the event's change deadline (ISO time or None)."""
    ev = d.olle.get(d.url + "/api/v1/admin/events/1", timeout=10).json()
    r = d.olle.patch(d.url + "/api/v1/admin/events/1", json={
        "version": ev["version"], "changes_until": when}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


# ------------------------------------------------------------ personal links

def test_each_attendee_gets_a_personal_link(org):
    reg = group(org)
    tokens = {a["manage_token"] for a in reg["attendees"]}
    assert len(tokens) == 3 and reg["manage_token"] not in tokens
    for a in reg["attendees"]:
        assert len(a["manage_token"]) == 32
        assert a["manage_url"].endswith("/manage.html#t=" + a["manage_token"])
    assert reg["link"] == "registration" and reg["changes_open"] is True


def test_a_personal_link_shows_its_attendee_alone(org):
    reg = group(org)
    me = reg["attendees"][1]
    mine = view(org, me["manage_token"])
    assert mine["link"] == "attendee"
    assert [a["id"] for a in mine["attendees"]] == [me["id"]]
    # Neither the contact's link nor the colleagues' appear in it.
    text = json.dumps(mine)
    assert reg["manage_token"] not in text
    for other in (reg["attendees"][0], reg["attendees"][2]):
        assert other["manage_token"] not in text and other["email"] not in text
    assert mine["manage_token"] == me["manage_token"]
    assert set(mine["contact"]) == {"first_name", "last_name", "company"}


def test_a_personal_link_cannot_touch_others(org):
    reg = group(org)
    me, other = reg["attendees"][1], reg["attendees"][2]
    token = me["manage_token"]
    r = patch(org, token, other, {"version": 1, "first_name": "Mallory"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = requests.delete(att_url(org, token, other["id"]), timeout=10)
    assert r.status_code == 404
    r = requests.post(att_url(org, token), json=person(), timeout=10)
    assert r.status_code == 404
    # Its pass is its own too.
    assert org.get(f"/api/v1/registrations/{token}/attendees/{other['id']}/pass.pdf").status_code == 404
    assert org.get(f"/api/v1/registrations/{token}/attendees/{me['id']}/pass.pdf").status_code == 200
    after = view(org, reg["manage_token"])
    assert [a["first_name"] for a in after["attendees"]] == [a["first_name"] for a in reg["attendees"]]
    assert all(a["status"] == "confirmed" for a in after["attendees"])


def test_a_personal_link_edits_and_cancels_itself(org):
    reg = group(org)
    me = reg["attendees"][1]
    token = me["manage_token"]
    r = patch(org, token, me, {"version": 1, "first_name": "Björn", "last_name": "Håkansdotter",
                               "company": "Stansverk AB", "job_title": "Verktygsmakare",
                               "dietary": "laktosfri"})
    assert r.status_code == 200, r.text
    got = r.json()["attendees"][0]
    assert (got["first_name"], got["last_name"], got["company"], got["job_title"],
            got["dietary"], got["version"]) == ("Björn", "Håkansdotter", "Stansverk AB",
                                                "Verktygsmakare", "laktosfri", 2)
    # DELETE of the registration through a personal link cancels that attendee alone.
    r = org.delete("/api/v1/registrations/" + token)
    assert r.status_code == 200
    assert r.json()["attendees"][0]["status"] == "cancelled"
    whole = view(org, reg["manage_token"])
    assert [a["status"] for a in whole["attendees"]] == ["confirmed", "cancelled", "confirmed"]
    assert whole["status"] == "confirmed"


def test_the_contacts_link_changes_everyone(org):
    reg = group(org)
    token = reg["manage_token"]
    for i, a in enumerate(reg["attendees"]):
        r = patch(org, token, a, {"version": a["version"], "first_name": f"Namn{i}"})
        assert r.status_code == 200, r.text
    assert [a["first_name"] for a in view(org, token)["attendees"]] == ["Namn0", "Namn1", "Namn2"]


def test_another_registrations_attendee_is_404(org):
    mine, theirs = group(org), group(org)
    stranger = theirs["attendees"][0]
    token = mine["manage_token"]
    assert patch(org, token, stranger, {"version": 1, "first_name": "X"}).status_code == 404
    assert requests.delete(att_url(org, token, stranger["id"]), timeout=10).status_code == 404
    assert view(org, theirs["manage_token"])["attendees"][0]["status"] == "confirmed"
    for bad in ("0", "-1", "1x", "99999999999999999999", "01"):
        r = requests.patch(att_url(org, token) + "/" + bad, json={"version": 1}, timeout=10)
        assert r.status_code == 404, bad


@pytest.mark.parametrize("token", ["a" * 32, "A" * 32, "a" * 31, "a" * 33, "'; DROP TABLE attendees; --"])
def test_unknown_or_malformed_links_are_404(org, token):
    group(org)
    for r in (requests.patch(att_url(org, token, 1), json={"version": 1, "first_name": "X"}, timeout=10),
              requests.delete(att_url(org, token, 1), timeout=10),
              requests.post(att_url(org, token), json=person(), timeout=10)):
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


# ------------------------------------------------------------- validation

def test_attendees_change_only_their_own_details(org):
    reg = group(org)
    a = reg["attendees"][0]
    for field, value in (("email", "x@example.se"), ("listed", True)):
        r = patch(org, reg["manage_token"], a, {"version": 1, field: value})
        assert r.status_code == 422 and r.json()["error"]["fields"] == {field: "read_only"}
    r = patch(org, reg["manage_token"], a, {"version": 1, "status": "confirmed", "id": 5})
    assert r.json()["error"]["fields"] == {"status": "unknown_field", "id": "unknown_field"}


@pytest.mark.parametrize("body, fields", [
    ({"first_name": "X"}, {"version": "required"}),
    ({"version": "1", "first_name": "X"}, {"version": "invalid"}),
    ({"version": 0}, {"version": "invalid"}),
    ({"version": 1, "first_name": ""}, {"first_name": "required"}),
    ({"version": 1, "first_name": "   "}, {"first_name": "required"}),
    ({"version": 1, "first_name": None}, {"first_name": "required"}),
    ({"version": 1, "last_name": "x" * 101}, {"last_name": "too_long"}),
    ({"version": 1, "company": "x" * 151}, {"company": "too_long"}),
    ({"version": 1, "job_title": "x" * 151}, {"job_title": "too_long"}),
    ({"version": 1, "dietary": "x" * 501}, {"dietary": "too_long"}),
    ({"version": 1, "first_name": 5}, {"first_name": "invalid"}),
    ({"version": 1, "first_name": ["Åsa"]}, {"first_name": "invalid"}),
    ({"version": 1, "first_name": "Å\u0000sa"}, {"first_name": "invalid"}),
    ({"version": 1, "first_name": "Åsa\u0007"}, {"first_name": "invalid"}),
    ({"version": 1, "company": "a\u202eb"}, {"company": "invalid"}),
])
def test_bad_edits_are_422_and_change_nothing(org, body, fields):
    reg = group(org, 1)
    a = reg["attendees"][0]
    r = patch(org, reg["manage_token"], a, body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "validation_failed"
    assert r.json()["error"]["fields"] == fields
    assert view(org, reg["manage_token"])["attendees"][0] == reg["attendees"][0]


def test_hostile_text_is_stored_as_text(org):
    reg = group(org, 1)
    a = reg["attendees"][0]
    hostile = {"first_name": "Robert'); DROP TABLE attendees;--",
               "last_name": "<script>alert(1)</script>",
               "company": "\" OR 1=1 --", "dietary": "<img src=x onerror=alert(1)>"}
    r = patch(org, reg["manage_token"], a, dict(hostile, version=1))
    assert r.status_code == 200, r.text
    got = view(org, reg["manage_token"])["attendees"][0]
    for k, v in hostile.items():
        assert got[k] == v
    assert org.sql("SELECT count(*) FROM attendees")[0][0] == 1


def test_malformed_bodies(org):
    reg = group(org, 1)
    token, aid = reg["manage_token"], reg["attendees"][0]["id"]
    r = raw_patch(org, token, aid, b'{"version": 1, "first_name": "\xc3\x28"}')
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_utf8"
    r = raw_patch(org, token, aid, b'{"version": 1,')
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    r = raw_patch(org, token, aid, b'[1, 2]')
    assert r.status_code == 400
    r = raw_patch(org, token, aid, b'{"version": 1, "version": 2}')
    assert r.status_code == 400
    r = raw_patch(org, token, aid, b'{"version": 1}', headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
    big = json.dumps({"version": 1, "dietary": "x" * 70000})
    r = raw_patch(org, token, aid, big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert view(org, token)["attendees"][0]["version"] == 1


def test_a_stale_edit_is_409_with_the_current_copy(org):
    reg = group(org, 2)
    token, a = reg["manage_token"], reg["attendees"][0]
    assert patch(org, token, a, {"version": 1, "first_name": "Första"}).status_code == 200
    r = patch(org, token, a, {"version": 1, "first_name": "Andra"})
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "conflict"
    assert err["current"]["first_name"] == "Första" and err["current"]["version"] == 2
    assert view(org, token)["attendees"][0]["first_name"] == "Första"


# --------------------------------------------------------------- deadline

def test_after_the_deadline_attendees_get_409_and_organisers_can_still(org):
    reg = group(org, 2)
    token, a = reg["manage_token"], reg["attendees"][0]
    set_deadline(org, "2020-01-01T12:00:00+01:00")
    got = view(org, token)
    assert got["changes_open"] is False and got["changes_until"] == "2020-01-01T12:00:00+01:00"
    for r in (patch(org, token, a, {"version": 1, "first_name": "Sen"}),
              requests.delete(att_url(org, token, a["id"]), timeout=10),
              requests.post(att_url(org, token), json=person(), timeout=10),
              org.delete("/api/v1/registrations/" + token),
              org.delete("/api/v1/registrations/" + a["manage_token"])):
        assert r.status_code == 409, r.text
        err = r.json()["error"]
        assert err["code"] == "change_deadline_passed"
        assert err["fields"] == {"deadline": "2020-01-01T12:00:00+01:00"}
    assert [x["status"] for x in view(org, token)["attendees"]] == ["confirmed", "confirmed"]
    # The organiser may.
    r = org.olle.patch(f"{org.url}/api/v1/admin/attendees/{a['id']}",
                       json={"version": 1, "first_name": "Sen"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["first_name"] == "Sen"
    # Without a deadline of its own, changes are open until the event starts.
    set_deadline(org, None)
    got = view(org, token)
    assert got["changes_open"] is True and got["changes_until"] == "2027-11-30T08:30:00+01:00"
    assert patch(org, token, a, {"version": 2, "first_name": "Tidig"}).status_code == 200


def test_the_deadline_is_an_event_field(org):
    ev = set_deadline(org, "2027-11-20T18:00:00+01:00")
    assert ev["changes_until"] == "2027-11-20T18:00:00+01:00"
    ev = org.olle.get(org.url + "/api/v1/admin/events/1", timeout=10).json()
    r = org.olle.patch(org.url + "/api/v1/admin/events/1", json={
        "version": ev["version"], "changes_until": "tomorrow"}, timeout=10)
    assert r.status_code == 422 and "changes_until" in r.json()["error"]["fields"]


# ------------------------------------------------------ cancel one, seats

def test_cancelling_one_keeps_the_others_seats_and_promotes_the_waitlist(org):
    org.set_limits(ticket_type=1, quota=3, waitlist=True)
    reg = group(org, 3)
    waiting = group(org, 1)
    assert waiting["attendees"][0]["status"] == "waitlisted"
    token = reg["manage_token"]
    r = requests.delete(att_url(org, token, reg["attendees"][1]["id"]), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "confirmed"
    assert [a["status"] for a in r.json()["attendees"]] == ["confirmed", "cancelled", "confirmed"]
    assert view(org, waiting["manage_token"])["attendees"][0]["status"] == "confirmed"
    assert view(org, waiting["manage_token"])["status"] == "confirmed"
    # Again is no error, and frees nothing more.
    again = requests.delete(att_url(org, token, reg["attendees"][1]["id"]), timeout=10)
    assert again.status_code == 200
    assert_counts_right(org)
    # The last one out cancels the registration.
    for a in (reg["attendees"][0], reg["attendees"][2]):
        assert requests.delete(att_url(org, token, a["id"]), timeout=10).status_code == 200
    assert view(org, token)["status"] == "cancelled"
    assert_counts_right(org)


def test_a_cancelled_attendees_session_seat_is_freed(org):
    body = registration(2)
    for a in body["attendees"]:
        a["sessions"] = [9]
    reg = org.register(body).json()
    taken = org.sql("SELECT taken FROM sessions WHERE id = 9")[0][0]
    requests.delete(att_url(org, reg["manage_token"], reg["attendees"][0]["id"]), timeout=10)
    assert org.sql("SELECT taken FROM sessions WHERE id = 9")[0][0] == taken - 1


def test_dietary_counts_follow_edits_and_cancels(org):
    reg = group(org, 1)
    a = reg["attendees"][0]
    patch(org, reg["manage_token"], a, {"version": 1, "dietary": "Vegan"})
    counts = dict(org.sql("SELECT dietary, attendees FROM event_dietary_counts"))
    assert counts.get("vegan") == 1
    patch(org, reg["manage_token"], a, {"version": 2, "dietary": "glutenfri"})
    counts = dict(org.sql("SELECT dietary, attendees FROM event_dietary_counts"))
    assert counts.get("vegan", 0) == 0 and counts.get("glutenfri") == 1
    requests.delete(att_url(org, reg["manage_token"], a["id"]), timeout=10)
    counts = dict(org.sql("SELECT dietary, attendees FROM event_dietary_counts"))
    assert counts.get("glutenfri", 0) == 0


# ------------------------------------------------------- add a colleague

def test_adding_a_colleague(org):
    reg = group(org, 1)
    token = reg["manage_token"]
    newcomer = person("Zoë", "Ødegård-Łukasiewicz")
    r = requests.post(att_url(org, token), json=newcomer, timeout=10)
    assert r.status_code == 201, r.text
    added = r.json()["attendees"][-1]
    assert added["first_name"] == "Zoë" and added["status"] == "confirmed"
    assert added["pass_code"].startswith("TT-") and len(added["manage_token"]) == 32
    # Their own link works at once.
    assert view(org, added["manage_token"])["attendees"][0]["id"] == added["id"]
    # The same address twice is refused, as at registration.
    r = requests.post(att_url(org, token), json=dict(person(), email=newcomer["email"].upper()), timeout=10)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"email": "taken"}


@pytest.mark.parametrize("body, fields", [
    ({}, {"first_name": "required", "last_name": "required", "email": "required"}),
    ({"first_name": "A", "last_name": "B", "email": "not an address"}, {"email": "invalid"}),
    ({"first_name": "A", "last_name": "B", "email": "a@example.se", "listed": "yes"}, {"listed": "invalid"}),
    ({"first_name": "<b>" * 40, "last_name": "B", "email": "a@example.se"}, {"first_name": "too_long"}),
])
def test_a_bad_colleague_is_422(org, body, fields):
    reg = group(org, 1)
    r = requests.post(att_url(org, reg["manage_token"]), json=body, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["fields"] == fields
    assert len(view(org, reg["manage_token"])["attendees"]) == 1


def test_adding_a_colleague_never_overbooks(org):
    org.set_limits(ticket_type=1, quota=2, waitlist=False)
    reg = group(org, 2)
    r = requests.post(att_url(org, reg["manage_token"]), json=person(), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "full"
    assert len(view(org, reg["manage_token"])["attendees"]) == 2
    assert_counts_right(org)


def test_a_colleague_is_waitlisted_when_full_and_the_type_keeps_a_waitlist(org):
    org.set_limits(ticket_type=1, quota=1, waitlist=True)
    reg = group(org, 1)
    r = requests.post(att_url(org, reg["manage_token"]), json=person(), timeout=10)
    assert r.status_code == 201
    assert r.json()["attendees"][-1]["status"] == "waitlisted"
    assert r.json()["status"] == "partial"


def test_at_most_ten_in_a_registration(org):
    reg = group(org, 10)
    r = requests.post(att_url(org, reg["manage_token"]), json=person(), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "too_many_attendees"
    assert r.json()["error"]["fields"] == {"max": 10}


def test_nothing_is_added_to_a_cancelled_registration(org):
    reg = group(org, 1)
    org.delete("/api/v1/registrations/" + reg["manage_token"])
    r = requests.post(att_url(org, reg["manage_token"]), json=person(), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "registration_cancelled"


# --------------------------------------------------------------- organisers

def admin(d, method, path, **kw):
    return d.olle.request(method, d.url + "/api/v1/admin" + path, timeout=10, **kw)


@pytest.mark.parametrize("method, path", [
    ("PATCH", "/attendees/1"), ("POST", "/attendees/1/cancel"),
    ("PATCH", "/registrations/1"), ("POST", "/registrations/1/cancel"),
    ("POST", "/registrations/1/attendees"),
])
def test_only_organisers_change(org, method, path):
    group(org, 1)
    url = org.url + "/api/v1/admin" + path
    assert requests.request(method, url, json={"version": 1}, timeout=10).status_code == 401
    assert org.anna.request(method, url, json={"version": 1}, timeout=10).status_code == 403
    no_csrf = requests.request(method, url, json={"version": 1}, timeout=10,
                               cookies=org.olle.cookies)
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "csrf"
    assert view(org, org.sql("SELECT manage_token FROM registrations")[0][0])["status"] == "confirmed"


def test_the_organiser_edits_every_field(org):
    reg = group(org, 2)
    a = reg["attendees"][0]
    r = admin(org, "PATCH", f"/attendees/{a['id']}", json={
        "version": 1, "first_name": "Åsa", "last_name": "Lindström", "email": "ny@example.se",
        "company": "SSAB", "job_title": "Chef", "dietary": "fisk", "listed": True})
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["email"], got["listed"], got["version"]) == ("ny@example.se", True, 2)
    # A colleague's address is taken.
    r = admin(org, "PATCH", f"/attendees/{a['id']}", json={
        "version": 2, "email": reg["attendees"][1]["email"]})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"email": "taken"}
    # Stale.
    r = admin(org, "PATCH", f"/attendees/{a['id']}", json={"version": 1, "first_name": "X"})
    assert r.status_code == 409 and r.json()["error"]["current"]["email"] == "ny@example.se"
    # The contact's fields, with the registration's version.
    page = admin(org, "GET", f"/attendees/{a['id']}").json()
    assert page["version"] == 2 and page["registration"]["version"] == 1
    r = admin(org, "PATCH", f"/registrations/{reg['id']}", json={
        "version": 1, "first_name": "Kontakt", "phone": "+46 70 000 00 00"})
    assert r.status_code == 200, r.text
    assert r.json()["first_name"] == "Kontakt" and r.json()["version"] == 2
    assert view(org, reg["manage_token"])["contact"]["phone"] == "+46 70 000 00 00"
    r = admin(org, "PATCH", f"/registrations/{reg['id']}", json={"version": 2, "phone": "ring mig"})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"phone": "invalid"}
    r = admin(org, "PATCH", f"/registrations/{reg['id']}", json={"version": 1, "phone": "+46 8 123 45"})
    assert r.status_code == 409 and r.json()["error"]["current"]["first_name"] == "Kontakt"
    # The search follows the new name.
    found = admin(org, "GET", "/events/1/attendees?q=lindstrom ssab").json()["items"]
    assert [x["id"] for x in found] == [a["id"]]


def test_the_organiser_cancels_one_and_the_others_keep_their_seats(org):
    reg = group(org, 3)
    victim = reg["attendees"][1]
    r = admin(org, "POST", f"/attendees/{victim['id']}/cancel")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    got = view(org, reg["manage_token"])
    assert [a["status"] for a in got["attendees"]] == ["confirmed", "cancelled", "confirmed"]
    assert got["status"] == "confirmed"
    assert_counts_right(org)
    assert admin(org, "POST", "/attendees/999999/cancel").status_code == 404
    assert admin(org, "POST", "/attendees/x/cancel").status_code == 404


def test_the_organiser_cancels_all_and_adds(org):
    org.set_limits(ticket_type=1, quota=2, waitlist=False)
    reg = group(org, 2)
    r = admin(org, "POST", f"/registrations/{reg['id']}/attendees", json=person())
    assert r.status_code == 409 and r.json()["error"]["code"] == "full"
    r = admin(org, "POST", f"/registrations/{reg['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    other = group(org, 1)
    r = admin(org, "POST", f"/registrations/{other['id']}/attendees", json=person("Ny", "Kollega"))
    assert r.status_code == 201 and r.json()["attendees"][-1]["status"] == "confirmed"
    assert_counts_right(org)
    assert admin(org, "POST", "/registrations/999999/attendees", json=person()).status_code == 404


def test_changes_are_audited(org):
    reg = group(org, 2)
    a, b = reg["attendees"]
    patch(org, reg["manage_token"], a, {"version": 1, "first_name": "Rättad"})
    admin(org, "POST", f"/attendees/{b['id']}/cancel")
    rows = org.sql("SELECT username, action, detail FROM audit_log"
                   " WHERE action GLOB 'attendee.*' ORDER BY id")
    assert [(u, act) for u, act, _ in rows] == [("attendee", "attendee.update"),
                                                 ("olle", "attendee.cancel")]
    detail = json.loads(rows[0][2])
    assert detail["before"]["first_name"] == "Åsa" and detail["after"]["first_name"] == "Rättad"
    history = admin(org, "GET", f"/attendees/{a['id']}").json()["history"]
    assert history[0]["action"] == "attendee.update" and history[0]["user"] == "attendee"


# ------------------------------------------------------------ HTTP and logs

@pytest.mark.parametrize("method", ["PUT", "GET", "OPTIONS", "TRACE"])
def test_other_methods_are_json_405_with_allow(org, method):
    reg = group(org, 1)
    r = requests.request(method, att_url(org, reg["manage_token"], reg["attendees"][0]["id"]),
                         json={}, timeout=10)
    assert r.status_code == 405
    assert r.headers["Allow"] == "PATCH, DELETE"
    assert r.json()["error"]["code"] == "method_not_allowed"
    r = org.olle.request(method, org.url + "/api/v1/admin/attendees/1/cancel", json={}, timeout=10)
    assert r.status_code == 405 and r.headers["Allow"] == "POST"


def raw(d, request):
    with socket.create_connection(("127.0.0.1", d.port), timeout=10) as s:
        s.sendall(request)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    return out


def test_an_unknown_method_is_json_501_not_html(org):
    reg = group(org, 1)
    path = f"/api/v1/registrations/{reg['manage_token']}/attendees/1"
    out = raw(org, f"PROPFIND {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head, _, body = out.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 501")
    assert b"application/json" in head and b"Allow: PATCH, DELETE" in head
    assert json.loads(body)["error"]["code"] == "not_implemented"


def test_the_access_log_never_shows_a_token(org):
    reg = group(org, 2)
    personal = reg["attendees"][1]["manage_token"]
    for token in (reg["manage_token"], personal):
        patch(org, token, reg["attendees"][1], {"version": 1, "first_name": "X"})
        requests.put(att_url(org, token, 1), json={}, timeout=10)
        requests.get(att_url(org, token, 1) + "/nothing/here", timeout=10)
        requests.post(att_url(org, token), data=b"{", headers=JSON, timeout=10)
        view(org, token)
    time.sleep(1.5)  # the log is written once a second
    org.stop()
    with open(os.path.join(org.tmp, "access.log"), encoding="utf-8") as f:
        log = f.read()
    assert "PATCH /api/v1/registrations/*/attendees/* 200" in log
    assert "PUT /api/v1/registrations/<token> 405" in log
    assert reg["manage_token"] not in log and personal not in log
    org.start()


# ------------------------------------------------------------ upgrades

def test_attendees_of_an_older_database_get_personal_links(org):
    regs = [group(org, 2) for _ in range(3)]
    org.stop()
    org.downgrade(10)
    org.start()
    tokens = org.sql("SELECT manage_token FROM attendees")
    assert len({t for (t,) in tokens}) == 6 and all(t and len(t) == 32 for (t,) in tokens)
    for reg in regs:
        got = view(org, reg["manage_token"])
        assert [a["version"] for a in got["attendees"]] == [1, 1]
        mine = view(org, got["attendees"][1]["manage_token"])
        assert [a["id"] for a in mine["attendees"]] == [got["attendees"][1]["id"]]


# --------------------------------------------------------- concurrency

def test_many_clients_change_one_group_at_once(org):
    org.set_limits(ticket_type=1, quota=12, waitlist=True)
    reg = group(org, 8)
    waiting = [group(org, 1) for _ in range(6)]  # 4 seated, 2 waitlisted
    token = reg["manage_token"]
    ids = [a["id"] for a in reg["attendees"]]

    def edit(i):
        a = reg["attendees"][i % 8]
        return patch(org, token, a, {"version": 1, "first_name": f"Namn{i}"}).status_code

    def cancel(i):
        return requests.delete(att_url(org, token, ids[i % 4]), timeout=30).status_code

    def personal_cancel(i):
        return org.delete("/api/v1/registrations/" + reg["attendees"][4 + i % 2]["manage_token"]).status_code

    def add(i):
        return requests.post(att_url(org, token), json=person(), timeout=30).status_code

    jobs = [(edit, i) for i in range(24)] + [(cancel, i) for i in range(12)] + \
        [(personal_cancel, i) for i in range(6)] + [(add, i) for i in range(6)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda j: j[0](j[1]), jobs))
    assert set(codes) <= {200, 201, 409}, codes
    edits = codes[:24]
    # For each attendee, exactly one edit from version 1 wins (unless cancelled first).
    assert edits.count(200) <= 8
    assert all(c in (200, 201) for c in codes[24:42])
    got = view(org, token)
    assert sum(a["status"] == "cancelled" for a in got["attendees"]) == 6
    assert len(got["attendees"]) == 8 + codes[42:].count(201)
    assert_counts_right(org)
    # Six seats were freed: the two waitlisted got theirs first, first come first served.
    for w in waiting:
        assert view(org, w["manage_token"])["attendees"][0]["status"] == "confirmed"
    confirmed = org.sql("SELECT count(*) FROM attendees WHERE status = 'confirmed'")[0][0]
    waitlisted = org.sql("SELECT count(*) FROM attendees WHERE status = 'waitlisted'")[0][0]
    assert confirmed <= 12 and (waitlisted == 0 or confirmed == 12)


BAD_BODIES = [
    (b'{"version": 1, "first_name": "\xff"}', 422, "invalid_utf8"),
    (b'{"version": 1, "first_name": ', 400, "bad_request"),
    (b'"just a string"', 400, "bad_request"),
    (b'{"version": 1, "first_name": "A\\u0000B"}', 422, "validation_failed"),
    (b'{"version": 1, "last_name": "' + b"x" * 70000 + b'"}', 413, "payload_too_large"),
]


@pytest.mark.parametrize("data, status, code", BAD_BODIES)
def test_every_body_taking_endpoint_refuses_malformed_bodies(org, data, status, code):
    reg = group(org, 1)
    a = reg["attendees"][0]
    token = reg["manage_token"]
    calls = [
        (requests.patch, att_url(org, token, a["id"]), {}),
        (requests.post, att_url(org, token), {}),
        (org.olle.patch, f"{org.url}/api/v1/admin/attendees/{a['id']}", {}),
        (org.olle.patch, f"{org.url}/api/v1/admin/registrations/{reg['id']}", {}),
        (org.olle.post, f"{org.url}/api/v1/admin/registrations/{reg['id']}/attendees", {}),
    ]
    for call, url, _ in calls:
        r = call(url, data=data, headers=JSON, timeout=10)
        assert r.status_code == status, (url, r.text)
        assert r.json()["error"]["code"] == code
        # And without a JSON content type, 415.
        r = call(url, data=b'{"version": 1}', headers={"Content-Type": "application/x-www-form-urlencoded"},
                 timeout=10)
        assert r.status_code == 415, url
    got = view(org, token)
    assert got["attendees"] == [dict(reg["attendees"][0])] and got["contact"] == reg["contact"]
    assert org.sql("SELECT count(*) FROM audit_log WHERE action GLOB 'attendee.*'"
                   " OR action GLOB 'registration.*'")[0][0] == 0
