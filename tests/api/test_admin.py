"""The organiser API (/api/v1/admin/): events and ticket types described
once as field tables and served by one generic module. Roles, CSRF,
validation of every field, versions, quotas with promotion, copying an
event, the current event, and the audit trail."""
import json
import time

import pytest
import requests

from techtank_test import Daemon, registration

EVENT = {"slug": "seminar-2027", "name": "Seminarium om presshärdning",
         "name_en": "Press hardening seminar",
         "starts_at": "2027-03-01T09:00:00+01:00", "ends_at": "2027-03-01T16:00:00+01:00",
         "venue_name": "Pressverkstaden", "venue_city": "Olofström", "capacity": 40,
         "contact_email": "info@techtank.example"}


@pytest.fixture
def admin(daemon):
    daemon.add_user("anna", "door")
    daemon.add_user("olle", "organiser")
    daemon.anna = daemon.login("anna")
    daemon.olle = daemon.login("olle")
    return daemon


def url(d, path):
    return d.url + "/api/v1/admin" + path


def make_event(d, **over):
    body = dict(EVENT, **over)
    r = d.olle.post(url(d, "/events"), json=body, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def make_type(d, event_id, **over):
    body = dict({"name": "Medlem", "name_en": "Member", "price_ore": 250000}, **over)
    r = d.olle.post(url(d, f"/events/{event_id}/ticket-types"), json=body, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


ENDPOINTS = [("GET", "/events"), ("POST", "/events"), ("GET", "/events/1"),
             ("PATCH", "/events/1"), ("POST", "/events/1/current"),
             ("POST", "/events/1/copy"), ("GET", "/current-event"),
             ("GET", "/events/1/ticket-types"), ("POST", "/events/1/ticket-types"),
             ("GET", "/ticket-types/1"), ("PATCH", "/ticket-types/1"),
             ("DELETE", "/ticket-types/1?version=1"),
             ("POST", "/ticket-types/1/invitation")]


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_only_organisers_may_use_the_admin_api(admin, method, path):
    anonymous = requests.request(method, url(admin, path), json={}, timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "login_required"
    door = admin.anna.request(method, url(admin, path), json={}, timeout=10)
    assert door.status_code == 403 and door.json()["error"]["code"] == "forbidden"
    if method != "GET":
        no_csrf = requests.request(method, url(admin, path), json={}, timeout=10,
                                   cookies=admin.olle.cookies)
        assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "csrf"
    # Nothing was changed by any refused request.
    assert admin.olle.get(url(admin, "/events/1"), timeout=10).json()["version"] == 1
    assert admin.olle.get(url(admin, "/ticket-types/1"), timeout=10).json()["version"] == 1


def test_create_read_list_an_event(admin):
    ev = make_event(admin)
    assert ev["version"] == 1 and ev["name"] == EVENT["name"]
    assert ev["starts_at"] == "2027-03-01T09:00:00+01:00"
    assert ev["timezone"] == "Europe/Stockholm" and ev["code_prefix"] == "TT"
    assert admin.olle.get(url(admin, f"/events/{ev['id']}"), timeout=10).json() == ev
    page = admin.olle.get(url(admin, "/events?limit=1&offset=0"), timeout=10).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["limit"] == 1
    second = admin.olle.get(url(admin, "/events?limit=1&offset=1"), timeout=10).json()
    assert {page["items"][0]["id"], second["items"][0]["id"]} == {1, ev["id"]}


@pytest.mark.parametrize("field,value,code", [
    ("slug", "Not A Slug", "invalid"), ("slug", "", "invalid"),
    ("name", "", "required"), ("name", "x" * 151, "too_long"), ("name", 5, "invalid"),
    ("name", "\u200b\u200b", "invalid"), ("name", "a\u202eb", "invalid"),
    ("name_en", "x\x00y", "invalid"),
    ("timezone", "Mars/Olympus", "unknown_zone"), ("timezone", "../../etc/passwd", "unknown_zone"),
    ("starts_at", "2027-03-01 09:00", "invalid_time"), ("starts_at", "2027-02-30T09:00Z", "invalid_time"),
    ("starts_at", "tomorrow", "invalid_time"), ("capacity", -1, "out_of_range"),
    ("capacity", "40", "invalid"), ("capacity", 1.5, "invalid"),
    ("code_prefix", "tt", "invalid"), ("contact_email", "not an address", "invalid"),
    ("archived", "yes", "invalid"), ("confirmed", 3, "read_only"), ("owner", "me", "unknown_field"),
    ("slug", None, "required"), ("description", "<script>alert(1)</script>" * 300, "too_long"),
])
def test_every_event_field_is_validated(admin, field, value, code):
    body = dict(EVENT, **{field: value})
    r = admin.olle.post(url(admin, "/events"), json=body, timeout=10)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][field] == code
    assert admin.olle.get(url(admin, "/events"), timeout=10).json()["total"] == 1


def test_rules_across_fields(admin):
    r = admin.olle.post(url(admin, "/events"), timeout=10, json=dict(
        EVENT, ends_at="2027-02-28T09:00:00+01:00"))
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"ends_at": "before_start"}
    r = admin.olle.post(url(admin, "/events"), timeout=10, json=dict(
        EVENT, registration_opens_at="2027-01-10T00:00Z", registration_closes_at="2027-01-01T00:00Z"))
    assert r.json()["error"]["fields"] == {"registration_closes_at": "before_open"}
    r = admin.olle.post(url(admin, "/events"), json=dict(EVENT, slug="techtank-2027"), timeout=10)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"slug": "taken"}
    ev = make_event(admin)
    for bad, field in ((5, "vat_rate"), (-1, "price_ore")):
        r = admin.olle.post(url(admin, f"/events/{ev['id']}/ticket-types"), timeout=10,
                            json={"name": "X", field: bad})
        assert r.status_code == 422 and field in r.json()["error"]["fields"], r.text
    r = admin.olle.post(url(admin, f"/events/{ev['id']}/ticket-types"), timeout=10, json={
        "name": "X", "sale_starts_at": "2027-02-01T00:00Z", "sale_ends_at": "2027-01-01T00:00Z"})
    assert r.json()["error"]["fields"] == {"sale_ends_at": "before_start"}
    r = admin.olle.post(url(admin, "/events/999/ticket-types"), json={"name": "X"}, timeout=10)
    assert r.status_code == 404


def test_a_stale_version_gets_409_with_the_current_copy(admin):
    ev = make_event(admin)
    first = admin.olle.patch(url(admin, f"/events/{ev['id']}"), timeout=10,
                             json={"version": 1, "name": "Första ändringen"})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = admin.olle.patch(url(admin, f"/events/{ev['id']}"), timeout=10,
                              json={"version": 1, "name": "Andra ändringen"})
    assert second.status_code == 409
    err = second.json()["error"]
    assert err["code"] == "conflict" and err["current"]["name"] == "Första ändringen"
    assert err["current"]["version"] == 2
    r = admin.olle.patch(url(admin, f"/events/{ev['id']}"), json={"name": "x"}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"version": "required"}
    assert admin.olle.patch(url(admin, "/events/999"), json={"version": 1}, timeout=10).status_code == 404
    assert admin.olle.get(url(admin, "/events/x1"), timeout=10).status_code == 404


def test_two_organisers_edit_one_ticket_type_at_once(admin):
    """Twenty edits of version 1 at once: exactly one wins."""
    from concurrent.futures import ThreadPoolExecutor
    ev = make_event(admin)
    tt = make_type(admin, ev["id"])
    admin.add_user("eva", "organiser")
    eva = admin.login("eva")

    def edit(i):
        who = admin.olle if i % 2 else eva
        return who.patch(url(admin, f"/ticket-types/{tt['id']}"), timeout=30,
                         json={"version": 1, "price_ore": 1000 + i}).status_code
    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(edit, range(20)))
    assert codes.count(200) == 1 and codes.count(409) == 19
    assert admin.olle.get(url(admin, f"/ticket-types/{tt['id']}"), timeout=10).json()["version"] == 2


def test_quota_below_confirmed_refused_and_raising_it_promotes(admin):
    admin.set_limits(ticket_type=1, quota=1, waitlist=True)
    admin.olle = admin.login("olle")
    first = admin.register(registration(1)).json()
    waiting = admin.register(registration(2)).json()
    assert first["status"] == "confirmed" and waiting["status"] == "waitlisted"
    tt = admin.olle.get(url(admin, "/ticket-types/1"), timeout=10).json()
    assert tt["confirmed"] == 1
    r = admin.olle.patch(url(admin, "/ticket-types/1"), json={"version": tt["version"], "quota": 0},
                         timeout=10)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "quota_below_confirmed"
    assert r.json()["error"]["fields"] == {"quota": 0, "confirmed": 1}
    r = admin.olle.patch(url(admin, "/ticket-types/1"), json={"version": tt["version"], "quota": 2},
                         timeout=10)
    assert r.status_code == 200 and r.json()["confirmed"] == 2
    now = admin.get("/api/v1/registrations/" + waiting["manage_token"]).json()
    assert [a["status"] for a in now["attendees"]] == ["confirmed", "waitlisted"]
    ev = admin.olle.get(url(admin, "/events/1"), timeout=10).json()
    r = admin.olle.patch(url(admin, "/events/1"), json={"version": ev["version"], "capacity": 1},
                         timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "capacity_below_confirmed"


def test_a_ticket_type_in_use_cannot_be_deleted(admin):
    admin.register(registration(1))
    r = admin.olle.delete(url(admin, "/ticket-types/1?version=1"), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "in_use"
    ev = make_event(admin)
    tt = make_type(admin, ev["id"])
    assert admin.olle.delete(url(admin, f"/ticket-types/{tt['id']}"), timeout=10).status_code == 422
    assert admin.olle.delete(url(admin, f"/ticket-types/{tt['id']}?version=2"), timeout=10).status_code == 409
    r = admin.olle.delete(url(admin, f"/ticket-types/{tt['id']}?version=1"), timeout=10)
    assert r.status_code == 200 and r.json() == {"deleted": tt["id"]}
    assert admin.olle.get(url(admin, f"/ticket-types/{tt['id']}"), timeout=10).status_code == 404


def test_copy_next_years_event_without_people(admin):
    admin.register(registration(2))
    r = admin.olle.post(url(admin, "/events/1/copy"), timeout=10)
    assert r.status_code == 201, r.text
    nxt = r.json()
    assert nxt["slug"] == "techtank-2028" and nxt["name"] == "Techtank Conference 2028"
    assert nxt["name_en"] == ""  # none given: none made up
    ev = make_event(admin, slug="varmote-2028", name="Vårträff 2028", name_en="Spring meetup 2028")
    r = admin.olle.post(url(admin, f"/events/{ev['id']}/copy"), timeout=10)
    assert r.status_code == 201 and (r.json()["name"], r.json()["name_en"]) == (
        "Vårträff 2029", "Spring meetup 2029")
    assert nxt["starts_at"].startswith("2028-11-30") and nxt["confirmed"] == 0
    old_types = admin.olle.get(url(admin, "/events/1/ticket-types"), timeout=10).json()["items"]
    new_types = admin.olle.get(url(admin, f"/events/{nxt['id']}/ticket-types"), timeout=10).json()["items"]
    assert [t["name"] for t in new_types] == [t["name"] for t in old_types]
    assert all(t["confirmed"] == 0 for t in new_types)
    rooms = admin.sql("SELECT count(*) FROM rooms WHERE event_id = ?", nxt["id"])
    assert rooms[0][0] == 3
    people = admin.sql("SELECT count(*) FROM attendees WHERE event_id = ?", nxt["id"])
    assert people[0][0] == 0
    again = admin.olle.post(url(admin, "/events/1/copy"), timeout=10)
    assert again.status_code == 422 and again.json()["error"]["fields"] == {"slug": "taken"}
    named = admin.olle.post(url(admin, "/events/1/copy"), json={"slug": "member-day"}, timeout=10)
    assert named.status_code == 201 and named.json()["slug"] == "member-day"


def test_new_events_are_drafts_until_published_and_archived_ones_are_not_shown(admin):
    # A new event is a draft: the public pages keep showing the demo's,
    # and its ticket types take no registrations.
    ev = make_event(admin, starts_at="2027-03-01T09:00:00+01:00",
                    ends_at="2027-03-01T16:00:00+01:00")
    tt = make_type(admin, ev["id"])
    assert admin.get("/api/v1/event").json()["id"] == 1
    assert admin.olle.get(url(admin, "/current-event"), timeout=10).json() == {
        "current_event": 1}
    r = admin.register(registration(1, ticket_type=tt["id"]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "registration_closed"
    r = admin.olle.post(url(admin, f"/events/{ev['id']}/current"), timeout=10)
    assert r.status_code == 200 and r.json() == {"current_event": ev["id"]}
    assert admin.get("/api/v1/event").json()["name"] == EVENT["name"]
    assert admin.get("/api/v1/programme").json()["event"]["id"] == ev["id"]
    cur = admin.olle.get(url(admin, "/current-event"), timeout=10).json()
    assert cur == {"current_event": ev["id"]}
    assert admin.register(registration(1, ticket_type=tt["id"])).status_code == 201
    # The demo event is now a draft in its turn.
    r = admin.register(registration(2, ticket_type=1))
    assert r.status_code == 409 and r.json()["error"]["code"] == "registration_closed"
    r = admin.olle.patch(url(admin, f"/events/{ev['id']}"), json={"version": 1, "archived": True},
                         timeout=10)
    assert r.status_code == 200
    # Archiving the published event leaves none published: nothing is shown.
    assert admin.get("/api/v1/event").status_code == 404
    assert admin.olle.get(url(admin, "/current-event"), timeout=10).json() == {
        "current_event": None}
    r = admin.olle.post(url(admin, f"/events/{ev['id']}/current"), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "archived"


def test_a_database_from_before_keeps_showing_its_event(tmp_path):
    """Migration 0009: a database with events but no choice publishes the
    event it showed before (the next one not yet over)."""
    d = Daemon(str(tmp_path))
    d.start()
    d.stop()
    d.sql("DELETE FROM settings WHERE key = 'current_event'")
    d.downgrade(8)
    d.start()
    try:
        assert d.get("/api/v1/event").json()["id"] == 1
        assert d.sql("SELECT value FROM settings WHERE key = 'current_event'") == [(1,)]
    finally:
        d.stop()


def test_every_change_is_in_the_audit_log(admin):
    ev = make_event(admin)
    admin.olle.patch(url(admin, f"/events/{ev['id']}"), json={"version": 1, "capacity": 50}, timeout=10)
    tt = make_type(admin, ev["id"])
    admin.olle.delete(url(admin, f"/ticket-types/{tt['id']}?version=1"), timeout=10)
    rows = admin.sql("SELECT username, action, detail, address FROM audit_log"
                     " WHERE action NOT LIKE 'log%' ORDER BY id")
    assert [r[1] for r in rows] == ["event.create", "event.update", "ticket_type.create",
                                    "ticket_type.delete"]
    assert all(r[0] == "olle" and r[3] == "127.0.0.1" for r in rows)
    update = json.loads(rows[1][2])
    assert update["before"]["capacity"] == 40 and update["after"]["capacity"] == 50
    assert json.loads(rows[3][2])["after"] is None


def test_admin_bodies_that_are_not_json_or_too_large(admin):
    r = admin.olle.post(url(admin, "/events"), data="{not json", timeout=10,
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    r = admin.olle.post(url(admin, "/events"), data=json.dumps(EVENT), timeout=10,
                        headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = admin.olle.post(url(admin, "/events"), json=dict(EVENT, description="x" * 70000), timeout=10)
    assert r.status_code == 413
    r = admin.olle.get(url(admin, "/events?limit=0"), timeout=10)
    assert r.status_code == 422
    r = admin.olle.get(url(admin, "/events?limit=abc"), timeout=10)
    assert r.status_code == 422
    assert admin.olle.get(url(admin, "/events"), timeout=10).json()["total"] == 1


def test_hostile_text_is_stored_as_text(admin):
    name = "Robert'); DROP TABLE events;-- <b>Åsa</b> =HYPERLINK(\"x\")"
    ev = make_event(admin, name=name)
    assert admin.olle.get(url(admin, f"/events/{ev['id']}"), timeout=10).json()["name"] == name
    assert admin.olle.get(url(admin, "/events"), timeout=10).json()["total"] == 2


def test_registration_only_within_the_events_window(admin):
    ev = admin.olle.get(url(admin, "/events/1"), timeout=10).json()
    pub = admin.get("/api/v1/event").json()
    assert pub["registration_open"] is True and pub["registration_opens_at"] is None
    r = admin.olle.patch(url(admin, "/events/1"), timeout=10, json={
        "version": ev["version"], "registration_opens_at": "2099-01-01T00:00:00+01:00",
        "name_en": "Techtank Conference 2027 (English)"})
    assert r.status_code == 200
    pub = admin.get("/api/v1/event").json()
    assert pub["registration_open"] is False
    assert pub["registration_opens_at"] == "2099-01-01T00:00:00+01:00"
    assert pub["name_en"] == "Techtank Conference 2027 (English)"
    r = admin.register(registration(1))
    assert r.status_code == 409 and r.json()["error"]["code"] == "registration_closed"
    r = admin.olle.patch(url(admin, "/events/1"), timeout=10, json={
        "version": r_version(admin), "registration_opens_at": "2020-01-01T00:00:00Z",
        "registration_closes_at": "2021-01-01T00:00:00Z"})
    assert r.status_code == 200
    assert admin.register(registration(1)).json()["error"]["code"] == "registration_closed"
    r = admin.olle.patch(url(admin, "/events/1"), timeout=10, json={
        "version": r_version(admin), "registration_closes_at": None})
    assert admin.register(registration(1)).status_code == 201
    assert admin.sql("SELECT count(*) FROM registrations") == [(1,)]


def r_version(d):
    return d.olle.get(url(d, "/events/1"), timeout=10).json()["version"]


def test_organisers_register_speakers_on_hidden_ticket_types(admin):
    tt = make_type(admin, 1, name="Talare", name_en="Speaker", role="speaker", hidden=True,
                   price_ore=0, quota=1, waitlist=False)
    body = registration(1, ticket_type=tt["id"])
    public = admin.register(body)
    assert public.status_code == 422 and public.json()["error"]["fields"] == {
        "ticket_type": "not_a_choice"}
    assert tt["id"] not in [t["id"] for t in admin.get("/api/v1/event").json()["ticket_types"]]
    r = admin.anna.post(admin.url + "/api/v1/admin/registrations", json=body, timeout=30)
    assert r.status_code == 403
    r = admin.olle.post(admin.url + "/api/v1/admin/registrations", json=body, timeout=30)
    assert r.status_code == 201, r.text
    reg = r.json()
    assert reg["status"] == "confirmed" and reg["attendees"][0]["pass_code"].startswith("TT-")
    # Same seats: the quota of one is taken, and no waitlist is kept.
    again = admin.olle.post(admin.url + "/api/v1/admin/registrations",
                            json=registration(1, ticket_type=tt["id"]), timeout=30)
    assert again.status_code == 409 and again.json()["error"]["code"] == "full"
    # Same validation.
    bad = registration(1, ticket_type=tt["id"])
    bad["attendees"][0]["email"] = "not an address"
    r = admin.olle.post(admin.url + "/api/v1/admin/registrations", json=bad, timeout=30)
    assert r.status_code == 422 and "attendees.0.email" in r.json()["error"]["fields"]
    # Also while registration is closed to the public.
    ev = admin.olle.get(url(admin, "/events/1"), timeout=10).json()
    admin.olle.patch(url(admin, "/events/1"), timeout=10, json={
        "version": ev["version"], "registration_closes_at": "2020-01-01T00:00Z"})
    assert admin.register(registration(1)).status_code == 409
    r = admin.olle.post(admin.url + "/api/v1/admin/registrations", json=registration(1),
                        timeout=30)
    assert r.status_code == 201
    rows = admin.sql("SELECT count(*) FROM audit_log WHERE action = 'registration.on_behalf'")
    assert rows == [(2,)]
    # The pass of the speaker is there like anyone's.
    p = admin.get(f"/api/v1/registrations/{reg['manage_token']}/attendees/"
                  f"{reg['attendees'][0]['id']}/pass.pdf")
    assert p.status_code == 200 and p.content[:4] == b"%PDF"



def test_on_behalf_field_errors_are_codes_the_console_words(admin):
    """The organiser API names what is wrong with a code per field, as every
    admin endpoint does; the public API keeps its sentences."""
    def on_behalf(body):
        return admin.olle.post(admin.url + "/api/v1/admin/registrations", json=body, timeout=30)

    before = admin.sql("SELECT count(*) FROM registrations")
    bad = registration(1)
    bad["privacy_accepted"] = False
    bad["attendees"][0].update(first_name="  ", email="not an address", company="x" * 151,
                               dietary="vegan\u202e")
    bad["contact"]["phone"] = "call me"
    r = on_behalf(bad)
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_failed"
    assert r.json()["error"]["fields"] == {
        "privacy_accepted": "required", "attendees.0.first_name": "required",
        "attendees.0.email": "invalid", "attendees.0.company": "too_long",
        "attendees.0.dietary": "invalid", "contact.phone": "invalid"}
    # The public registration sends the same codes: its page words them.
    assert admin.register(bad).json()["error"]["fields"] == r.json()["error"]["fields"]
    r = on_behalf(registration(1, ticket_type=999999))
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"ticket_type": "not_a_choice"}
    r = on_behalf({"ticket_type": "1", "attendees": [], "contact": None})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {
        "ticket_type": "invalid", "privacy_accepted": "required", "contact": "required",
        "attendees": "required"}
    assert admin.sql("SELECT count(*) FROM registrations") == before

    first = registration(1)
    assert on_behalf(first).status_code == 201
    again = registration(1)
    again["attendees"][0]["email"] = first["attendees"][0]["email"].upper()
    r = on_behalf(again)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"attendees.0.email": "taken"}

    admin.stop()
    admin.sql("UPDATE sessions SET seats = taken WHERE id = 9")
    admin.start()
    admin.olle = admin.login("olle")
    visit = registration(1)
    visit["attendees"][0]["sessions"] = [9]
    r = on_behalf(visit)
    assert r.status_code == 409 and r.json()["error"]["code"] == "session_full"
    assert r.json()["error"]["fields"] == {"attendees.0.sessions": "full"}
    visit["attendees"][0]["sessions"] = [1]
    r = on_behalf(visit)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {
        "attendees.0.sessions": "not_a_choice"}
    assert admin.sql("SELECT count(*) FROM registrations") == [(before[0][0] + 1,)]

def test_the_dashboard_follows_registrations_check_ins_and_sign_ups(admin):
    def dash():
        r = admin.olle.get(admin.url + "/api/v1/admin/dashboard", timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    before = dash()
    assert before["event_id"] == 1 and before["confirmed"] == 0
    assert [t["confirmed"] for t in before["ticket_types"]] == [0, 0, 0, 0]
    body = registration(2)
    body["attendees"][0]["dietary"] = "Vegetarisk"
    body["attendees"][1]["dietary"] = "vegetarisk"
    body["attendees"][0]["sessions"] = [9]
    reg = admin.register(body).json()
    admin.set_limits(ticket_type=1, quota=2, waitlist=True)
    admin.olle = admin.login("olle")
    admin.anna = admin.login("anna")
    admin.register(registration(1))  # waitlisted
    admin.anna.post(admin.url + "/api/v1/checkins", json={
        "code": reg["attendees"][0]["pass_code"]}, timeout=10)
    deadline = time.time() + 2.5
    while True:  # the answer may be up to a second old
        d = dash()
        if (d["confirmed"] == 2 and d["checkins"] != before["checkins"]) or \
                time.time() > deadline:
            break
        time.sleep(0.1)
    member = d["ticket_types"][0]
    assert member["confirmed"] == 2 and member["waitlisted"] == 1 and member["quota"] == 2
    visit = [s for s in d["sessions"] if s["id"] == 9][0]
    assert visit["taken"] == 1
    assert d["dietary"] == [{"dietary": "vegetarisk", "attendees": 2}]
    # Two registrations today (the second waitlisted), in the event's zone.
    assert sum(day["registrations"] for day in d["registrations_per_day"]) == 2
    # The counters survive a restart, which recounts them.
    admin.restart()
    admin.olle = admin.login("olle")
    again = admin.olle.get(admin.url + "/api/v1/admin/dashboard", timeout=10).json()
    assert again["dietary"] == d["dietary"]
    assert again["registrations_per_day"] == d["registrations_per_day"]
    # A cancellation gives the dietary need back.
    admin.delete("/api/v1/registrations/" + reg["manage_token"])
    time.sleep(1.1)
    after = admin.olle.get(admin.url + "/api/v1/admin/dashboard", timeout=10).json()
    assert after["dietary"] == []
    assert json.dumps(d["checkins"]) != json.dumps(before["checkins"])
    admin.anna = admin.login("anna")
    assert admin.anna.get(admin.url + "/api/v1/admin/dashboard", timeout=10).status_code == 403
    assert admin.olle.get(admin.url + "/api/v1/admin/dashboard?event=99",
                          timeout=10).status_code == 404
