"""Session seats: only confirmed attendees hold one; a waitlisted
attendee's sign-ups are wishes, honoured in order once confirmed, else
they join that session's own waitlist; a seat given back (a drop, an
attendee or a registration cancelled, a ticket moved) goes at once to the
first in the session's line; attendees sign up, change and drop from "my
registration" until the change deadline, never for two sessions at the
same time; 100 parallel sign-ups for 20 seats give exactly 20; the door's
session checkpoint admits seat holders only; hostile input changes
nothing."""
import concurrent.futures
import json
import sqlite3

import pytest
import requests

from techtank_test import migration_numbers, registration

JSON = {"Content-Type": "application/json"}
DAY = "2027-11-30"
# The demo's study visit (9) is 13:00-15:30 that day, its dinner (11)
# 19:00-22:00: the sessions made here are in between.


@pytest.fixture
def org(daemon):
    daemon.add_user("olle", "organiser")
    daemon.add_user("anna", "door")
    daemon.olle = daemon.login("olle")
    daemon.anna = daemon.login("anna")
    return daemon


def at(hm, day=DAY):
    return f"{day}T{hm}:00+01:00"


def make_session(d, start, end, seats=None, waitlist=False, event=1, title="Studiebesök"):
    """A session of event with a sign-up, no room (so no room clash),
    published: only the latest release's sessions take sign-ups."""
    r = d.olle.post(f"{d.url}/api/v1/admin/events/{event}/sessions", json={
        "title": title, "title_en": title + " (en)", "kind": "visit",
        "starts_at": at(start), "ends_at": at(end), "room_id": None,
        "seats": seats, "signup": True, "waitlist": waitlist}, timeout=10)
    assert r.status_code == 201, r.text
    p = d.olle.post(f"{d.url}/api/v1/admin/events/{event}/releases", json={}, timeout=10)
    assert p.status_code == 201, p.text
    return r.json()["id"]


def register(d, n=1, sessions=None, ticket_type=1):
    body = registration(n, ticket_type=ticket_type)
    for a in body["attendees"]:
        if sessions:
            a["sessions"] = sessions
    r = d.register(body)
    assert r.status_code == 201, r.text
    return r.json()


def sessions_url(d, token, attendee_id):
    return f"{d.url}/api/v1/registrations/{token}/attendees/{attendee_id}/sessions"


def choose(d, token, attendee_id, sessions):
    return requests.put(sessions_url(d, token, attendee_id), json={"sessions": sessions},
                        timeout=30)


def view(d, token):
    r = d.get("/api/v1/registrations/" + token)
    assert r.status_code == 200, r.text
    return r.json()


def mine(d, token, index=0):
    """An attendee's seats and places in line: ({seated ids}, {id: (state, position)})."""
    a = view(d, token)["attendees"][index]
    return ({s["id"] for s in a["sessions"]},
            {s["id"]: (s["state"], s["position"]) for s in a["sessions_waiting"]})


def taken(d, session):
    return d.sql("SELECT taken FROM sessions WHERE id = ?", session)[0][0]


def remaining(d, session):
    prog = d.get("/api/v1/programme").json()
    for day in prog["days"]:
        for s in day["sessions"]:
            if s["id"] == session:
                return s["remaining"]
    raise KeyError(session)


def assert_seats_right(d):
    """The counters agree with the rows; only the confirmed hold seats."""
    assert d.sql("SELECT id FROM sessions s WHERE taken <> (SELECT count(*)"
                 " FROM attendee_sessions x WHERE x.session_id = s.id)") == []
    assert d.sql("SELECT x.attendee_id FROM attendee_sessions x JOIN attendees a"
                 " ON a.id = x.attendee_id WHERE a.status <> 'confirmed'") == []
    assert d.sql("SELECT id FROM sessions WHERE seats IS NOT NULL AND taken > seats") == []
    assert d.sql("SELECT w.attendee_id FROM session_waits w JOIN attendees a"
                 " ON a.id = w.attendee_id WHERE (w.state = 'waiting'"
                 " AND a.status <> 'confirmed') OR (w.state = 'wanted'"
                 " AND a.status <> 'waitlisted')") == []
    assert d.sql("SELECT w.attendee_id FROM session_waits w JOIN attendee_sessions x"
                 " USING (attendee_id, session_id)") == []
    # No one waits beside a free seat.
    assert d.sql("SELECT w.id FROM session_waits w JOIN sessions s ON s.id = w.session_id"
                 " WHERE w.state = 'waiting' AND s.seats IS NOT NULL AND s.taken < s.seats") == []


def error(r, status, code):
    assert r.status_code == status, r.text
    e = r.json()["error"]
    assert e["code"] == code, r.text
    return e


def fill_type(d, quota):
    """Ticket type 1 with quota seats and a waitlist, 'quota' attendees on it."""
    d.set_limits(ticket_type=1, quota=quota, waitlist=True, capacity=None)
    d.olle = d.login("olle")
    d.anna = d.login("anna")


# ------------------------------------------------ the waitlisted hold no seat

def test_a_waitlisted_attendee_holds_no_session_seat(org):
    fill_type(org, 0)
    before = taken(org, 9), remaining(org, 9)
    reg = register(org, sessions=[9, 11])
    a = reg["attendees"][0]
    assert a["status"] == "waitlisted"
    assert a["sessions"] == []
    assert [(s["id"], s["state"], s["position"]) for s in a["sessions_waiting"]] == \
        [(9, "wanted", None), (11, "wanted", None)]
    assert (taken(org, 9), remaining(org, 9)) == before
    assert org.sql("SELECT count(*) FROM attendee_sessions WHERE attendee_id = ?", a["id"]) \
        == [(0,)]
    assert_seats_right(org)


def test_promotion_honours_wishes_while_seats_remain_else_the_session_waitlist(org):
    one = make_session(org, "16:00", "17:00", seats=1, waitlist=True, title="Pressbesök")
    roomy = make_session(org, "17:00", "18:00", seats=5, title="Verktygsbesök")
    tight = make_session(org, "18:00", "18:30", seats=1, title="Labbesök")
    fill_type(org, 2)
    x = register(org)
    y = register(org, sessions=[one])
    w = register(org, sessions=[tight, one, roomy])
    assert w["attendees"][0]["status"] == "waitlisted"
    assert mine(org, w["manage_token"]) == (set(), {
        one: ("wanted", None), roomy: ("wanted", None), tight: ("wanted", None)})
    # A wish holds no seat: y takes the last one of "tight".
    assert choose(org, y["manage_token"], y["attendees"][0]["id"], [one, tight]).status_code \
        == 200
    # x cancels: w is confirmed, and their wishes are honoured in order:
    # "tight" is full without a waitlist (lapses), "one" is full with one
    # (its line), "roomy" has seats.
    assert org.delete("/api/v1/registrations/" + x["manage_token"]).status_code == 200
    assert view(org, w["manage_token"])["attendees"][0]["status"] == "confirmed"
    assert mine(org, w["manage_token"]) == ({roomy}, {one: ("waiting", 1)})
    assert taken(org, roomy) == 1 and taken(org, one) == 1
    # y drops "one": w, first in its line, gets the seat at once.
    r = choose(org, y["manage_token"], y["attendees"][0]["id"], [tight])
    assert r.status_code == 200, r.text
    assert mine(org, w["manage_token"]) == ({roomy, one}, {})
    assert_seats_right(org)


def test_wishes_are_honoured_when_seats_remain(org):
    visit = make_session(org, "16:00", "17:00", seats=3)
    fill_type(org, 1)
    x = register(org)
    w = register(org, sessions=[visit])
    assert taken(org, visit) == 0
    r = requests.delete(f"{org.url}/api/v1/registrations/{x['manage_token']}/attendees/"
                        f"{x['attendees'][0]['id']}", timeout=10)
    assert r.status_code == 200, r.text
    assert mine(org, w["manage_token"]) == ({visit}, {})
    assert taken(org, visit) == 1 and remaining(org, visit) == 2
    assert_seats_right(org)


def test_an_organisers_promotion_honours_wishes(org):
    visit = make_session(org, "16:00", "17:00", seats=3)
    fill_type(org, 0)
    w = register(org, sessions=[visit])
    org.set_limits(ticket_type=1, quota=1, waitlist=True)
    org.olle = org.login("olle")
    # The restart's recount promotes into the new seat.
    assert view(org, w["manage_token"])["attendees"][0]["status"] == "confirmed"
    assert mine(org, w["manage_token"]) == ({visit}, {})
    assert_seats_right(org)


# ------------------------------------------------ a session's own waitlist

def test_a_full_session_with_a_waitlist_puts_sign_ups_in_line(org):
    visit = make_session(org, "16:00", "17:00", seats=1, waitlist=True)
    first = register(org, sessions=[visit])
    second = register(org, sessions=[visit])
    third = register(org, n=2, sessions=[visit])
    assert mine(org, first["manage_token"]) == ({visit}, {})
    assert mine(org, second["manage_token"]) == (set(), {visit: ("waiting", 1)})
    assert mine(org, third["manage_token"], 0) == (set(), {visit: ("waiting", 2)})
    assert mine(org, third["manage_token"], 1) == (set(), {visit: ("waiting", 3)})
    assert remaining(org, visit) == 0
    # The programme says it keeps a line, so the registration page offers it.
    listed = [s for day in org.get("/api/v1/programme").json()["days"]
              for s in day["sessions"] if s["id"] == visit]
    assert [(s["waitlist"], s["remaining"]) for s in listed] == [(True, 0)]
    # The organiser's page of the attendee shows the place in line too.
    page = org.olle.get(f"{org.url}/api/v1/admin/attendees/{second['attendees'][0]['id']}",
                        timeout=10).json()
    assert page["sessions"] == []
    assert page["sessions_waiting"] == [{"id": visit, "title": "Studiebesök", "state": "waiting",
                                         "position": 1}]
    # The dashboard counts the line.
    dash = org.olle.get(f"{org.url}/api/v1/admin/dashboard", timeout=10).json()
    got = [s for s in dash["sessions"] if s["id"] == visit][0]
    assert (got["seats"], got["taken"], got["waiting"]) == (1, 1, 3)
    # The first drops: the second is seated, the others move up.
    r = choose(org, first["manage_token"], first["attendees"][0]["id"], [])
    assert r.status_code == 200, r.text
    assert mine(org, first["manage_token"]) == (set(), {})
    assert mine(org, second["manage_token"]) == ({visit}, {})
    assert mine(org, third["manage_token"], 0) == (set(), {visit: ("waiting", 1)})
    assert remaining(org, visit) == 0
    assert_seats_right(org)


def test_a_full_session_without_a_waitlist_refuses(org):
    visit = make_session(org, "16:00", "17:00", seats=1)
    register(org, sessions=[visit])
    body = registration()
    body["attendees"][0]["sessions"] = [visit]
    e = error(org.register(body), 409, "session_full")
    assert e["params"]["session"] == visit
    late = register(org)
    e = error(choose(org, late["manage_token"], late["attendees"][0]["id"], [visit]),
              409, "session_full")
    assert e["params"] == {"session": visit, "title": "Studiebesök"}
    assert mine(org, late["manage_token"]) == (set(), {})
    assert_seats_right(org)


def test_a_cancelled_attendees_seat_is_passed_on(org):
    visit = make_session(org, "16:00", "17:00", seats=1, waitlist=True)
    holder = register(org, sessions=[visit])
    waiting = register(org, sessions=[visit])
    r = requests.delete(f"{org.url}/api/v1/registrations/{holder['manage_token']}/attendees/"
                        f"{holder['attendees'][0]['id']}", timeout=10)
    assert r.status_code == 200, r.text
    assert mine(org, waiting["manage_token"]) == ({visit}, {})
    # A whole registration cancelled passes its seats on too.
    third = register(org, sessions=[visit])
    assert mine(org, third["manage_token"]) == (set(), {visit: ("waiting", 1)})
    assert org.delete("/api/v1/registrations/" + waiting["manage_token"]).status_code == 200
    assert mine(org, third["manage_token"]) == ({visit}, {})
    assert org.sql("SELECT count(*) FROM session_waits") == [(0,)]
    assert_seats_right(org)


def test_a_ticket_moved_to_a_waitlist_passes_its_seat_on(org):
    visit = make_session(org, "16:00", "17:00", seats=1, waitlist=True)
    org.set_limits(ticket_type=2, quota=0, waitlist=True)
    org.olle = org.login("olle")
    holder = register(org, sessions=[visit])
    waiting = register(org, sessions=[visit])
    aid = holder["attendees"][0]["id"]
    version = org.olle.get(f"{org.url}/api/v1/admin/attendees/{aid}", timeout=10).json()["version"]
    r = org.olle.post(f"{org.url}/api/v1/admin/attendees/{aid}/move",
                      json={"ticket_type": 2, "waitlist": True, "version": version}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "waitlisted"
    assert mine(org, waiting["manage_token"]) == ({visit}, {})
    # The moved attendee keeps the session as a wish.
    assert mine(org, holder["manage_token"]) == (set(), {visit: ("wanted", None)})
    assert_seats_right(org)


def test_more_seats_from_the_organiser_go_to_the_line(org):
    visit = make_session(org, "16:00", "17:00", seats=1, waitlist=True)
    register(org, sessions=[visit])
    waiting = [register(org, sessions=[visit]) for _ in range(3)]
    got = org.olle.get(f"{org.url}/api/v1/admin/sessions/{visit}", timeout=10).json()
    r = org.olle.patch(f"{org.url}/api/v1/admin/sessions/{visit}",
                       json={"version": got["version"], "seats": 3}, timeout=10)
    assert r.status_code == 200, r.text
    assert [mine(org, w["manage_token"]) for w in waiting] == [
        ({visit}, {}), ({visit}, {}), (set(), {visit: ("waiting", 1)})]
    assert_seats_right(org)


# ------------------------------------------------ "my registration"

def test_sign_up_change_and_drop_from_my_registration(org):
    visit = make_session(org, "16:00", "17:00", seats=10)
    talk = make_session(org, "17:00", "18:00", seats=10, title="Workshop")
    reg = register(org, n=2)
    a, b = reg["attendees"]
    got = view(org, reg["manage_token"])
    offered = {s["id"]: s for s in got["signup_sessions"]}
    assert {9, 11, visit, talk} <= set(offered)
    assert offered[visit]["remaining"] == 10 and offered[visit]["waitlist"] is False
    assert offered[visit]["starts_at"] == at("16:00")
    r = choose(org, reg["manage_token"], a["id"], [visit, 11])
    assert r.status_code == 200, r.text
    assert {s["id"] for s in r.json()["attendees"][0]["sessions"]} == {visit, 11}
    assert remaining(org, visit) == 9
    # Change: the visit for the workshop, the dinner kept.
    r = choose(org, reg["manage_token"], a["id"], [11, talk])
    assert r.status_code == 200, r.text
    assert mine(org, reg["manage_token"]) == ({11, talk}, {})
    assert remaining(org, visit) == 10 and remaining(org, talk) == 9
    # A personal link chooses for its own attendee alone.
    mine_token = view(org, reg["manage_token"])["attendees"][1]["manage_token"]
    assert choose(org, mine_token, b["id"], [visit]).status_code == 200
    assert choose(org, mine_token, a["id"], []).status_code == 404
    # Drop them all.
    assert choose(org, reg["manage_token"], a["id"], []).status_code == 200
    assert mine(org, reg["manage_token"]) == (set(), {})
    assert taken(org, talk) == 0
    log = org.sql("SELECT detail FROM audit_log WHERE action = 'attendee.sessions'"
                  " ORDER BY id")
    assert [json.loads(x)["after"] for x, in log] == [[visit, 11], [11, talk], [visit], []]
    assert_seats_right(org)


def test_overlapping_sessions_are_refused(org):
    visit = make_session(org, "16:00", "17:00", seats=10, title="Pressbesök")
    talk = make_session(org, "16:30", "17:30", seats=10, title="Verkstad")
    after = make_session(org, "17:00", "17:30", seats=10, title="Efteråt")
    reg = register(org)
    aid = reg["attendees"][0]["id"]
    e = error(choose(org, reg["manage_token"], aid, [visit, talk]), 409, "session_overlap")
    assert e["params"] == {"session": talk, "title": "Verkstad", "other": visit,
                           "other_title": "Pressbesök"}
    assert mine(org, reg["manage_token"]) == (set(), {})
    # One ending as the next starts is no overlap.
    assert choose(org, reg["manage_token"], aid, [visit, after]).status_code == 200
    # Held, then the other asked for beside it: refused, nothing changes.
    error(choose(org, reg["manage_token"], aid, [visit, after, talk]), 409, "session_overlap")
    assert mine(org, reg["manage_token"]) == ({visit, after}, {})
    # At registration too.
    body = registration()
    body["attendees"][0]["sessions"] = [visit, talk]
    r = org.register(body)
    e = error(r, 409, "session_overlap")
    assert e["fields"] == {"attendees.0.sessions": "overlap"}
    assert_seats_right(org)


def test_after_the_deadline_the_attendee_cannot_choose(org):
    visit = make_session(org, "16:00", "17:00", seats=10)
    reg = register(org)
    ev = org.olle.get(org.url + "/api/v1/admin/events/1", timeout=10).json()
    r = org.olle.patch(org.url + "/api/v1/admin/events/1", json={
        "version": ev["version"], "changes_until": "2020-01-01T12:00:00+01:00"}, timeout=10)
    assert r.status_code == 200, r.text
    e = error(choose(org, reg["manage_token"], reg["attendees"][0]["id"], [visit]),
              409, "change_deadline_passed")
    assert e["fields"]["deadline"] == "2020-01-01T12:00:00+01:00"
    assert taken(org, visit) == 0


def test_a_cancelled_attendee_cannot_sign_up(org):
    visit = make_session(org, "16:00", "17:00", seats=10)
    reg = register(org, n=2)
    aid = reg["attendees"][0]["id"]
    requests.delete(f"{org.url}/api/v1/registrations/{reg['manage_token']}/attendees/{aid}",
                    timeout=10).raise_for_status()
    error(choose(org, reg["manage_token"], aid, [visit]), 409, "attendee_cancelled")
    assert taken(org, visit) == 0


def test_a_waitlisted_attendee_chooses_wishes(org):
    visit = make_session(org, "16:00", "17:00", seats=1, waitlist=True)
    fill_type(org, 0)
    w = register(org)
    r = choose(org, w["manage_token"], w["attendees"][0]["id"], [visit, 9])
    assert r.status_code == 200, r.text
    assert mine(org, w["manage_token"]) == (set(), {visit: ("wanted", None), 9: ("wanted", None)})
    assert taken(org, visit) == 0 and taken(org, 9) == 0
    assert_seats_right(org)


# ------------------------------------------------ the door

def test_the_door_admits_a_seat_holder_and_refuses_one_in_line(org):
    visit = make_session(org, "16:00", "17:00", seats=1, waitlist=True)
    holder = register(org, sessions=[visit])["attendees"][0]
    waiting = register(org, sessions=[visit])["attendees"][0]
    assert waiting["status"] == "confirmed" and waiting["sessions"] == []

    def scan(code):
        r = org.anna.post(org.url + "/api/v1/checkins",
                          json={"code": code, "checkpoint": f"session-{visit}"}, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()["result"]

    assert scan(holder["pass_code"]) == "ok"
    assert scan(waiting["pass_code"]) == "not_registered_here"


# ------------------------------------------------ concurrency

def test_100_parallel_sign_ups_for_20_seats(org):
    """The writer thread runs one change at a time: 20 seats, never 21,
    and the other 80 in the session's line in the order it served them."""
    visit = make_session(org, "16:00", "17:00", seats=20, waitlist=True)
    org.set_limits(ticket_type=1, quota=None, capacity=None)
    people = []
    for _ in range(10):
        reg = register(org, n=10)
        for a in view(org, reg["manage_token"])["attendees"]:
            people.append((a["manage_token"], a["id"]))
    assert len(people) == 100

    def go(p):
        return choose(org, p[0], p[1], [visit])

    with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(go, people))
    assert [r.status_code for r in results] == [200] * 100, [r.text for r in results if r.status_code != 200]
    assert taken(org, visit) == 20 and remaining(org, visit) == 0
    seated = org.sql("SELECT attendee_id FROM attendee_sessions WHERE session_id = ?", visit)
    assert len(seated) == 20
    # Each answer shows the state its change left: seats or a place in line.
    positions = []
    for r in results:
        a = r.json()["attendees"][0]
        in_line = [s for s in a["sessions_waiting"] if s["id"] == visit]
        if any(s["id"] == visit for s in a["sessions"]):
            assert in_line == []
        else:
            assert in_line[0]["state"] == "waiting"
            positions.append(in_line[0]["position"])
    assert sorted(positions) == list(range(1, 81))
    # The line's order is the order the writer served the sign-ups: the
    # 21st audited sign-up is first in line, and so on.
    served = [json.loads(x)["id"] for x, in org.sql(
        "SELECT detail FROM audit_log WHERE action = 'attendee.sessions' ORDER BY id")]
    line = [a for a, in org.sql("SELECT attendee_id FROM session_waits WHERE session_id = ?"
                                " AND state = 'waiting' ORDER BY id", visit)]
    assert served[:20] and set(served[:20]) == {a for a, in seated}
    assert line == served[20:]
    # A seat given back goes to the first in line, then the next.
    by_id = {p[1]: p for p in people}
    for k in range(3):
        gone = by_id[served[k]]
        assert choose(org, gone[0], gone[1], []).status_code == 200
        assert mine_of(org, by_id[line[k]]) == "seat"
        assert mine_of(org, by_id[line[k + 1]]) == ("waiting", 1)
    assert_seats_right(org)


def mine_of(d, p):
    """One attendee's state in the one session they chose, by personal link."""
    a = view(d, p[0])["attendees"][0]
    if a["sessions"]:
        return "seat"
    s = a["sessions_waiting"][0]
    return (s["state"], s["position"])


def test_parallel_drops_and_sign_ups_never_overbook(org):
    visit = make_session(org, "16:00", "17:00", seats=5, waitlist=True)
    org.set_limits(ticket_type=1, quota=None, capacity=None)
    people = []
    for _ in range(4):
        reg = register(org, n=10)
        for a in view(org, reg["manage_token"])["attendees"]:
            people.append((a["manage_token"], a["id"]))

    def go(p):
        # Each attendee in, out, in and out again, all 40 at once.
        return [choose(org, p[0], p[1], [visit] if k % 2 == 0 else []).status_code
                for k in range(4)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(go, people))
    assert {c for cs in codes for c in cs} == {200}
    assert taken(org, visit) == 0
    assert org.sql("SELECT count(*) FROM session_waits") == [(0,)]
    assert_seats_right(org)


# ------------------------------------------------ hostile input

BAD_BODIES = [
    ({"sessions": "9"}, "invalid"),
    ({"sessions": [9, 9]}, "invalid"),
    ({"sessions": [True]}, "invalid"),
    ({"sessions": [9.5]}, "invalid"),
    ({"sessions": [-1]}, "invalid"),
    ({"sessions": [0]}, "invalid"),
    ({"sessions": ["9"]}, "invalid"),
    ({"sessions": [[9]]}, "invalid"),
    ({"sessions": {"9": True}}, "invalid"),
    ({"sessions": None}, "invalid"),
    ({"sessions": list(range(1, 10))}, "invalid"),
    ({}, "required"),
]


@pytest.mark.parametrize("body,code", BAD_BODIES)
def test_bad_choices_are_422_and_change_nothing(org, body, code):
    reg = register(org, sessions=[9])
    r = requests.put(sessions_url(org, reg["manage_token"], reg["attendees"][0]["id"]),
                     data=json.dumps(body), headers=JSON, timeout=10)
    e = error(r, 422, "validation_failed")
    assert e["fields"] == {"sessions": code}, e
    assert mine(org, reg["manage_token"]) == ({9}, {})


def test_unknown_and_other_events_sessions_are_422(org):
    r = org.olle.post(f"{org.url}/api/v1/admin/events", json={
        "slug": "seminar", "name": "Seminar", "starts_at": "2027-11-30T09:00:00+01:00",
        "ends_at": "2027-11-30T16:00:00+01:00"}, timeout=10)
    assert r.status_code == 201, r.text
    other = make_session(org, "16:00", "17:00", seats=5, event=r.json()["id"])
    no_signup = 3  # the demo's keynote takes no sign-up
    reg = register(org, sessions=[9])
    aid = reg["attendees"][0]["id"]
    for sid in (99999, other, no_signup):
        e = error(choose(org, reg["manage_token"], aid, [11, sid]), 422, "validation_failed")
        assert e["fields"] == {"sessions": "not_a_choice"}
        assert e["params"] == {"session": sid}
    assert mine(org, reg["manage_token"]) == ({9}, {})
    assert taken(org, 11) == 0 and taken(org, other) == 0


def test_malformed_oversized_and_misrouted_requests(org):
    reg = register(org, sessions=[9])
    token, aid = reg["manage_token"], reg["attendees"][0]["id"]
    url = sessions_url(org, token, aid)
    for data in (b"{", b"[9]", b"\"sessions\"", b"\xff\xfe", b"null",
                 b'{"sessions": [9223372036854775808]}'):
        r = requests.put(url, data=data, headers=JSON, timeout=10)
        assert r.status_code in (400, 422), (data, r.text)
    r = requests.put(url, data="x", headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415, r.text
    huge = json.dumps({"sessions": list(range(1, 200000))})
    r = requests.put(url, data=huge, headers=JSON, timeout=30)
    assert r.status_code == 413, r.text
    # Another registration's attendee, a made-up token, a bad id: 404.
    other = register(org)
    assert choose(org, token, other["attendees"][0]["id"], [11]).status_code == 404
    assert choose(org, "x" * 32, aid, [11]).status_code == 404
    for bad in ("0", "-1", "abc", "1e3", "9" * 30):
        r = requests.put(f"{org.url}/api/v1/registrations/{token}/attendees/{bad}/sessions",
                         json={"sessions": [11]}, timeout=10)
        assert r.status_code == 404, (bad, r.text)
    # Only PUT.
    r = requests.post(url, json={"sessions": [11]}, timeout=10)
    assert r.status_code == 405, r.text
    assert mine(org, token) == ({9}, {})
    assert_seats_right(org)


# ------------------------------------------------ the migration

def test_an_older_database_gives_waitlisted_seats_back_as_wishes(org):
    fill_type(org, 1)
    held = register(org, sessions=[9])
    w = register(org)
    org.stop()
    # The schema as it was just before 0014-session-seats.sql.
    org.downgrade(migration_numbers().index(14))
    # As the older schema let it happen: a waitlisted attendee on a seat.
    org.sql("INSERT INTO attendee_sessions (attendee_id, session_id) VALUES (?, 9)",
            w["attendees"][0]["id"])
    org.sql("UPDATE sessions SET taken = 2 WHERE id = 9")
    org.start()
    assert mine(org, w["manage_token"]) == (set(), {9: ("wanted", None)})
    assert mine(org, held["manage_token"]) == ({9}, {})
    assert taken(org, 9) == 1
    con = sqlite3.connect(org.db)
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    assert_seats_right(org)
