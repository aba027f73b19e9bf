"""The programme in the organiser API: rooms, speakers and sessions as field
tables of the generic resource code, clashes refused (a speaker or a room
in two sessions at once), warnings with the saved row and in the issues
list, and the 0014 migration keeping what reads the programme working."""
from concurrent.futures import ThreadPoolExecutor
import itertools
import re
import threading

import pytest
import requests

from test_admin import admin, make_event, url  # noqa: F401 (admin is a fixture)

# A two-day event of its own, so that the demo's programme stays out of it.
DAY1 = "2027-03-01"
DAY2 = "2027-03-02"


def at(day, hm):
    return f"{day}T{hm}:00+01:00"


@pytest.fixture
def prog(admin):
    """An event with two rooms and three speakers."""
    ev = make_event(admin, starts_at=at(DAY1, "08:00"), ends_at=at(DAY2, "17:00"))
    admin.ev = ev["id"]
    admin.rooms = [make(admin, "rooms", name=n, seats=s, sort=i)
                   for i, (n, s) in enumerate([("Stora salen", 100), ("Sal B", 30)])]
    admin.speakers = [make(admin, "speakers", name=n, company="Nordpress AB")
                      for n in ("Åsa Lindström-Öberg", "Björn Håkansdotter",
                                "Zoë Ødegård-Łukasiewicz")]
    return admin


def make(d, what, event=None, **body):
    r = d.olle.post(url(d, f"/events/{event or d.ev}/{what}"), json=body, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def session(d, start, end, room=0, who=(), day=DAY1, **over):
    body = {"title": "Presshärdning i praktiken", "title_en": "Press hardening in practice",
            "starts_at": at(day, start), "ends_at": at(day, end),
            "room_id": d.rooms[room]["id"] if room is not None else None,
            "speakers": [d.speakers[i]["id"] for i in who]}
    body.update(over)
    return d.olle.post(url(d, f"/events/{d.ev}/sessions"), json=body, timeout=10)


def patch(d, path, body):
    return d.olle.patch(url(d, path), json=body, timeout=10)


ENDPOINTS = [("GET", "/events/1/rooms"), ("POST", "/events/1/rooms"),
             ("GET", "/rooms/1"), ("PATCH", "/rooms/1"), ("DELETE", "/rooms/1?version=1"),
             ("GET", "/events/1/speakers"), ("POST", "/events/1/speakers"),
             ("GET", "/speakers/1"), ("PATCH", "/speakers/1"),
             ("DELETE", "/speakers/1?version=1"),
             ("GET", "/events/1/sessions"), ("POST", "/events/1/sessions"),
             ("GET", "/sessions/1"), ("PATCH", "/sessions/1"),
             ("DELETE", "/sessions/1?version=1"), ("GET", "/events/1/schedule/issues")]


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_only_organisers_may_touch_the_programme(admin, method, path):
    body = {"name": "X", "title": "X", "version": 1}
    anonymous = requests.request(method, url(admin, path), json=body, timeout=10)
    assert anonymous.status_code == 401
    door = admin.anna.request(method, url(admin, path), json=body, timeout=10)
    assert door.status_code == 403 and door.json()["error"]["code"] == "forbidden"
    if method != "GET":
        no_csrf = requests.request(method, url(admin, path), json=body, timeout=10,
                                   cookies=admin.olle.cookies)
        assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "csrf"
    assert admin.sql("SELECT count(*), sum(version) FROM rooms") == [(3, 3)]
    assert admin.sql("SELECT count(*), sum(version) FROM speakers") == [(8, 8)]
    assert admin.sql("SELECT count(*), sum(version) FROM sessions") == [(17, 17)]
    assert admin.sql("SELECT count(*) FROM session_speakers") == [(14,)]


def test_the_demo_programme_reads_through_the_api(admin):
    rooms = admin.olle.get(url(admin, "/events/1/rooms"), timeout=10).json()
    assert [r["name"] for r in rooms["items"]] == ["Stora salen", "Sal Ronneby", "Sal Karlshamn"]
    assert rooms["items"][0]["seats"] == 150 and rooms["items"][0]["version"] == 1
    s = admin.olle.get(url(admin, "/sessions/10"), timeout=10).json()
    assert s["kind"] == "panel" and s["speakers"] == [7, 3, 2] and s["room_id"] == 1
    assert s["starts_at"] == "2027-11-30T15:45:00+01:00"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        s["uid"])
    uids = admin.sql("SELECT uid FROM sessions")
    assert len({u for u, in uids}) == 17
    # What read the programme before still does.
    assert admin.get("/api/v1/programme").status_code == 200
    issues = admin.olle.get(url(admin, "/events/1/schedule/issues"), timeout=10).json()
    assert issues == {"clashes": [], "warnings": []}


def test_rooms_are_created_changed_and_deleted_with_versions(prog):
    room = prog.rooms[1]
    assert room["name"] == "Sal B" and room["seats"] == 30 and room["version"] == 1
    r = patch(prog, f"/rooms/{room['id']}", {"version": 1, "seats": 35, "name": "Sal Bräkne"})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["seats"] == 35
    stale = patch(prog, f"/rooms/{room['id']}", {"version": 1, "seats": 10})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["current"]["seats"] == 35
    order = prog.olle.get(url(prog, f"/events/{prog.ev}/rooms"), timeout=10).json()
    assert [x["name"] for x in order["items"]] == ["Stora salen", "Sal Bräkne"]
    gone = prog.olle.delete(url(prog, f"/rooms/{room['id']}?version=1"), timeout=10)
    assert gone.status_code == 409 and gone.json()["error"]["code"] == "conflict"
    gone = prog.olle.delete(url(prog, f"/rooms/{room['id']}?version=2"), timeout=10)
    assert gone.status_code == 200
    assert prog.olle.get(url(prog, f"/rooms/{room['id']}"), timeout=10).status_code == 404


def test_a_room_or_speaker_in_use_is_not_deleted(prog):
    s = session(prog, "09:00", "10:00", room=0, who=[0])
    assert s.status_code == 201
    for path in (f"/rooms/{prog.rooms[0]['id']}", f"/speakers/{prog.speakers[0]['id']}"):
        r = prog.olle.delete(url(prog, path + "?version=1"), timeout=10)
        assert r.status_code == 409 and r.json()["error"]["code"] == "in_use", r.text
        assert prog.olle.get(url(prog, path), timeout=10).status_code == 200
    # Once the session is gone, so may they be.
    r = prog.olle.delete(url(prog, f"/sessions/{s.json()['id']}?version=1"), timeout=10)
    assert r.status_code == 200
    assert prog.sql("SELECT count(*) FROM session_speakers WHERE session_id = ?",
                    s.json()["id"]) == [(0,)]
    for path in (f"/rooms/{prog.rooms[0]['id']}", f"/speakers/{prog.speakers[0]['id']}"):
        assert prog.olle.delete(url(prog, path + "?version=1"), timeout=10).status_code == 200


def test_a_session_with_sign_ups_is_not_deleted(admin):
    r = admin.register()
    assert r.status_code == 201, r.text
    admin.sql("INSERT INTO attendee_sessions (attendee_id, session_id) "
              "SELECT id, 9 FROM attendees LIMIT 1")
    r = admin.olle.delete(url(admin, "/sessions/9?version=1"), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "in_use"
    # Nothing of it went, not even its speakers.
    assert admin.sql("SELECT count(*) FROM session_speakers WHERE session_id = 9") == [(1,)]


def test_speakers_with_bios_in_both_languages(prog):
    sp = make(prog, "speakers", name="Karin Bergqvist", company="Techtank",
              title="Klusterledare", bio="Leder klustret.", bio_en="Runs the cluster.",
              email="karin@techtank.example", photo_url="https://techtank.example/karin.jpg")
    assert sp["bio_en"] == "Runs the cluster." and sp["version"] == 1
    assert [w["code"] for w in sp["warnings"]] == ["speaker_unscheduled"]
    for field, value, code in [("email", "not-an-email", "invalid"),
                               ("photo_url", "javascript:alert(1)", "invalid"),
                               ("photo_url", "http://plain.example/x.jpg", "invalid"),
                               ("photo_url", 'https://x.example/"onerror=', "invalid"),
                               ("name", "x" * 151, "too_long"),
                               ("bio", "x" * 2001, "too_long"),
                               ("name", "", "required"),
                               ("name", "Åsa\u0000", "invalid"),
                               ("nickname", "Åsa", "unknown_field")]:
        r = patch(prog, f"/speakers/{sp['id']}", {"version": 1, field: value})
        assert r.status_code == 422, (field, value, r.text)
        assert r.json()["error"]["fields"] == {field: code}, (field, value)
    assert prog.olle.get(url(prog, f"/speakers/{sp['id']}"), timeout=10).json()["version"] == 1


HOSTILE = ["Robert'); DROP TABLE sessions;--", "<script>alert(1)</script> & <b>",
           "Komma, semikolon; och \\ snedstreck"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_as_given(prog, text):
    r = session(prog, "09:00", "10:00", title=text, abstract=text * 10)
    assert r.status_code == 201, r.text
    got = prog.olle.get(url(prog, f"/sessions/{r.json()['id']}"), timeout=10).json()
    assert got["title"] == text and got["abstract"] == text * 10
    assert prog.sql("SELECT count(*) FROM sessions") == [(18,)]


@pytest.mark.parametrize("text", ["Rad ett\nrad två", "tab\there", "bell\u0007", "nul\u0000"])
def test_control_characters_are_refused(prog, text):
    r = session(prog, "09:00", "10:00", title=text)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"title": "invalid"}
    assert prog.sql("SELECT count(*) FROM sessions WHERE event_id = ?", prog.ev) == [(0,)]


def test_malformed_and_oversized_bodies(prog):
    path = url(prog, f"/events/{prog.ev}/sessions")
    bad_utf8 = b'{"title": "\xff\xfe", "starts_at": "' + at(DAY1, "09:00").encode() + \
        b'", "ends_at": "' + at(DAY1, "10:00").encode() + b'"}'
    r = prog.olle.post(path, data=bad_utf8, headers={"Content-Type": "application/json"},
                       timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_utf8", r.text
    r = prog.olle.post(path, data=b'{"title": ', headers={"Content-Type": "application/json"},
                       timeout=10)
    assert r.status_code == 400
    r = prog.olle.post(path, data=b'{"title": "' + b"x" * 2_000_000 + b'"}',
                       headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413
    r = session(prog, "09:00", "10:00", abstract="x" * 10001)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"abstract": "too_long"}
    r = session(prog, "09:00", "10:00", abstract="Å" * 10000)
    assert r.status_code == 201
    assert prog.sql("SELECT count(*) FROM sessions WHERE event_id = ?", prog.ev) == [(1,)]


@pytest.mark.parametrize("over,fields", [
    ({"starts_at": "tomorrow"}, {"starts_at": "invalid_time"}),
    ({"starts_at": "2027-03-01T25:00:00+01:00"}, {"starts_at": "invalid_time"}),
    ({"ends_at": 1700000000}, {"ends_at": "invalid_time"}),
    ({"ends_at": at(DAY1, "08:59")}, {"ends_at": "before_start"}),
    ({"ends_at": at(DAY1, "09:00")}, {"ends_at": "before_start"}),
    ({"kind": "party"}, {"kind": "not_a_choice"}),
    ({"language": "de"}, {"language": "not_a_choice"}),
    ({"room_id": "1"}, {"room_id": "invalid"}),
    ({"room_id": 0}, {"room_id": "out_of_range"}),
    ({"room_id": 999}, {"room_id": "unknown"}),
    ({"speakers": 1}, {"speakers": "invalid"}),
    ({"speakers": ["1"]}, {"speakers": "invalid"}),
    ({"speakers": [999]}, {"speakers": "unknown"}),
    ({"speakers": list(range(1, 22))}, {"speakers": "too_many"}),
    ({"seats": -1}, {"seats": "out_of_range"}),
    ({"title": ""}, {"title": "required"}),
    ({"title": "x" * 201}, {"title": "too_long"}),
    ({"uid": "mine"}, {"uid": "read_only"}),
    ({"taken": 3}, {"taken": "read_only"}),
])
def test_a_bad_session_is_refused_by_field(prog, over, fields):
    r = session(prog, "09:00", "10:00", **over)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == fields
    assert prog.sql("SELECT count(*) FROM sessions WHERE event_id = ?", prog.ev) == [(0,)]


def test_rooms_and_speakers_of_another_event_are_unknown(prog):
    r = session(prog, "09:00", "10:00", room_id=1)     # the demo's Stora salen
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"room_id": "unknown"}
    r = session(prog, "09:00", "10:00", speakers=[prog.speakers[0]["id"], 1])
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"speakers": "unknown"}
    r = session(prog, "09:00", "10:00", speakers=[prog.speakers[0]["id"]] * 2)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"speakers": "duplicate"}
    # Nor can a demo session be moved into this event's room.
    demo = prog.olle.get(url(prog, "/sessions/5"), timeout=10).json()
    r = patch(prog, "/sessions/5", {"version": demo["version"], "room_id": prog.rooms[0]["id"]})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"room_id": "unknown"}


def test_a_session_with_everything(prog):
    r = session(prog, "13:00", "15:00", who=[2, 0], kind="workshop", language="en",
                abstract="Verktyg.", abstract_en="Tooling.", seats=20, signup=True,
                waitlist=True)
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["kind"] == "workshop" and s["language"] == "en" and s["seats"] == 20
    assert s["speakers"] == [prog.speakers[2]["id"], prog.speakers[0]["id"]]
    assert s["signup"] is True and s["waitlist"] is True and s["taken"] == 0
    assert s["starts_at"] == at(DAY1, "13:00") and s["warnings"] == []
    # The speakers' order is changed, and a room taken away.
    r = patch(prog, f"/sessions/{s['id']}", {"version": 1, "room_id": None,
                                             "speakers": [prog.speakers[0]["id"]]})
    assert r.status_code == 200 and r.json()["speakers"] == [prog.speakers[0]["id"]]
    assert r.json()["room_id"] is None and r.json()["uid"] == s["uid"]
    stale = patch(prog, f"/sessions/{s['id']}", {"version": 1, "title": "Gammal"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["current"]["speakers"] == [prog.speakers[0]["id"]]
    # A time in another offset is the same moment, shown in the event's zone.
    r = patch(prog, f"/sessions/{s['id']}", {"version": 2, "starts_at": "2027-03-01T11:00:00Z",
                                             "ends_at": "2027-03-01T12:00:00Z"})
    assert r.status_code == 200 and r.json()["starts_at"] == at(DAY1, "12:00")
    log = prog.olle.get(url(prog, "/audit?action=session.update"), timeout=10)
    assert log.status_code == 200 and len(log.json()["items"]) == 2


# --- clashes -----------------------------------------------------------------

def test_a_room_double_booked_is_refused(prog):
    first = session(prog, "09:00", "10:00", room=0, title="Första")
    assert first.status_code == 201
    r = session(prog, "09:30", "10:30", room=0, title="Andra")
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "clash" and err["params"]["with"] == "room"
    assert err["params"]["session"] == {"id": first.json()["id"], "title": "Första",
                                        "starts_at": at(DAY1, "09:00"),
                                        "ends_at": at(DAY1, "10:00")}
    assert err["params"]["room"] == {"id": prog.rooms[0]["id"], "name": "Stora salen"}
    # Inside it and around it alike.
    assert session(prog, "09:10", "09:20", room=0).status_code == 409
    assert session(prog, "08:00", "11:00", room=0).status_code == 409
    assert prog.sql("SELECT count(*) FROM sessions WHERE event_id = ?", prog.ev) == [(1,)]


def test_touching_sessions_do_not_clash(prog):
    assert session(prog, "09:00", "10:00", room=0, who=[0]).status_code == 201
    assert session(prog, "10:00", "11:00", room=0, who=[0]).status_code == 201
    assert session(prog, "08:00", "09:00", room=0, who=[0]).status_code == 201
    # Sessions without a room (a break for everyone) never clash by room.
    assert session(prog, "09:00", "10:00", room=None).status_code == 201
    assert session(prog, "09:00", "10:00", room=None).status_code == 201
    # Another room at the same time is fine.
    assert session(prog, "09:00", "10:00", room=1, who=[1]).status_code == 201


def test_a_speaker_double_booked_is_refused(prog):
    first = session(prog, "09:00", "10:00", room=0, who=[0, 1], title="Panel")
    assert first.status_code == 201
    r = session(prog, "09:45", "10:15", room=1, who=[2, 1], title="Krock")
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "clash" and err["params"]["with"] == "speaker"
    assert err["params"]["speaker"] == {"id": prog.speakers[1]["id"],
                                        "name": "Björn Håkansdotter"}
    assert err["params"]["session"]["id"] == first.json()["id"]
    assert err["params"]["session"]["title"] == "Panel"


def test_every_clash_of_a_refused_session_is_named(prog):
    """A session that takes a room already in use and two speakers already
    speaking elsewhere is refused with all three clashes listed, the
    room's first, so that they can be put right at once."""
    talk = session(prog, "09:00", "10:00", room=0, who=[0], title="Rummet").json()
    panel = session(prog, "09:30", "10:30", room=1, who=[1], title="Panelen").json()
    r = session(prog, "09:45", "10:15", room=0, who=[0, 1], title="Krock")
    assert r.status_code == 409, r.text
    p = r.json()["error"]["params"]
    assert p["with"] == "room" and p["session"]["id"] == talk["id"]
    assert [(c["with"], c["session"]["id"], (c.get("room") or c.get("speaker"))["name"])
            for c in p["clashes"]] == [
        ("room", talk["id"], "Stora salen"),
        ("speaker", talk["id"], prog.speakers[0]["name"]),
        ("speaker", panel["id"], prog.speakers[1]["name"])]
    assert p["clashes"][0] == {k: p[k] for k in ("with", "session", "room")}


def test_a_change_into_a_clash_is_refused_and_changes_nothing(prog):
    a = session(prog, "09:00", "10:00", room=0, who=[0]).json()
    b = session(prog, "10:00", "11:00", room=1, who=[1]).json()
    for change, what in [({"room_id": prog.rooms[0]["id"], "starts_at": at(DAY1, "09:30"),
                           "ends_at": at(DAY1, "10:30")}, "room"),
                         ({"speakers": [prog.speakers[0]["id"]], "starts_at": at(DAY1, "09:30")},
                          "speaker")]:
        r = patch(prog, f"/sessions/{b['id']}", dict(change, version=1))
        assert r.status_code == 409 and r.json()["error"]["params"]["with"] == what, r.text
    got = prog.olle.get(url(prog, f"/sessions/{b['id']}"), timeout=10).json()
    assert got["version"] == 1 and got["starts_at"] == at(DAY1, "10:00")
    assert got["speakers"] == [prog.speakers[1]["id"]]
    # Moving a session within its own time is no clash with itself.
    r = patch(prog, f"/sessions/{a['id']}", {"version": 1, "ends_at": at(DAY1, "09:50")})
    assert r.status_code == 200


def test_many_clients_booking_one_room_get_one_session_per_slot(prog):
    """24 organisers at once, three to each of eight slots in one room:
    exactly one wins each slot, the others are told of the clash."""
    local = threading.local()

    def client():
        if not hasattr(local, "s"):
            local.s = requests.Session()
            local.s.cookies.update(prog.olle.cookies)
            local.s.headers.update(prog.olle.headers)
        return local.s

    def book(n):
        slot = n % 8
        start = f"{9 + slot:02d}:00"
        end = f"{9 + slot:02d}:30"
        r = client().post(url(prog, f"/events/{prog.ev}/sessions"), timeout=30, json={
            "title": f"Bokning {n}", "room_id": prog.rooms[0]["id"],
            "starts_at": at(DAY1, start), "ends_at": at(DAY1, end)})
        return slot, r.status_code, r.json().get("error", {}).get("code")

    with ThreadPoolExecutor(24) as pool:
        results = list(pool.map(book, range(24)))
    wins = sorted(slot for slot, status, _ in results if status == 201)
    assert wins == list(range(8)), results
    assert all(code == "clash" for _, status, code in results if status != 201)
    rows = prog.sql("SELECT starts_at FROM sessions WHERE event_id = ? ORDER BY starts_at",
                    prog.ev)
    assert len(rows) == 8 and len(set(rows)) == 8
    assert prog.olle.get(url(prog, f"/events/{prog.ev}/schedule/issues"),
                         timeout=10).json()["clashes"] == []


# --- warnings and the issues list ----------------------------------------------

def codes(items):
    return sorted(w["code"] for w in items)


def test_warnings_come_with_the_saved_session(prog):
    r = session(prog, "18:00", "19:00", day="2027-03-03")
    assert r.status_code == 201 and codes(r.json()["warnings"]) == ["outside_event"]
    # And when it is read again, as the console does after adding it.
    again = prog.olle.get(url(prog, f"/sessions/{r.json()['id']}"), timeout=10).json()
    assert codes(again["warnings"]) == ["outside_event"]
    r = session(prog, "07:00", "07:30", day="2027-02-28")
    assert codes(r.json()["warnings"]) == ["outside_event"]
    # Early and late on the event's days is within them.
    r = session(prog, "06:00", "07:00", room=None)
    assert r.status_code == 201 and r.json()["warnings"] == []
    r = session(prog, "22:00", "23:59", room=None, day=DAY2)
    assert r.json()["warnings"] == []
    r = session(prog, "12:00", "13:00", room=1, seats=31)
    w = r.json()["warnings"]
    assert codes(w) == ["seats_above_room"]
    assert w[0]["room"] == {"id": prog.rooms[1]["id"], "name": "Sal B", "seats": 30,
                            "limit": 31}
    assert session(prog, "14:00", "15:00", room=1, seats=30).json()["warnings"] == []


def test_a_speaker_without_changeover_time_between_rooms(prog):
    assert session(prog, "09:00", "10:00", room=0, who=[0]).status_code == 201
    r = session(prog, "10:05", "11:00", room=1, who=[0], title="Snabbt byte")
    assert r.status_code == 201
    w = r.json()["warnings"]
    assert codes(w) == ["changeover"]
    assert w[0]["speaker"]["id"] == prog.speakers[0]["id"]
    assert w[0]["other"]["starts_at"] == at(DAY1, "09:00")
    # The same room needs no changeover; ten minutes between rooms is enough.
    assert session(prog, "11:00", "11:30", room=1, who=[0]).json()["warnings"] == []
    assert session(prog, "11:40", "12:00", room=0, who=[0]).json()["warnings"] == []
    # The time is the event's to set.
    ev = prog.olle.get(url(prog, f"/events/{prog.ev}"), timeout=10).json()
    assert ev["changeover_minutes"] == 10
    r = patch(prog, f"/events/{prog.ev}", {"version": ev["version"], "changeover_minutes": 30})
    assert r.status_code == 200
    r = session(prog, "12:20", "12:40", room=1, who=[0])
    assert codes(r.json()["warnings"]) == ["changeover"]
    r = patch(prog, f"/events/{prog.ev}", {"version": ev["version"] + 1,
                                           "changeover_minutes": 241})
    assert r.status_code == 422
    issues = prog.olle.get(url(prog, f"/events/{prog.ev}/schedule/issues"), timeout=10).json()
    # 9:00-10:00 and 10:05, 11:00-11:30 and 11:40, 11:40-12:00 and 12:20.
    assert codes(issues["warnings"]).count("changeover") == 3


def test_the_issues_list_has_every_clash_and_warning(prog):
    a = session(prog, "09:00", "10:00", room=0, who=[0]).json()
    b = session(prog, "11:00", "12:00", room=1, who=[1]).json()
    c = session(prog, "13:00", "14:00", room=1, who=[0]).json()
    # Clashes made behind the API's back, as SQL or an old import could.
    prog.sql("UPDATE sessions SET room_id = ?, starts_at = ?, ends_at = ? WHERE id = ?",
             prog.rooms[0]["id"], *prog.sql("SELECT starts_at + 1800, ends_at + 1800 FROM "
                                            "sessions WHERE id = ?", a["id"])[0], b["id"])
    prog.sql("UPDATE sessions SET starts_at = (SELECT starts_at FROM sessions WHERE id = ?),"
             " ends_at = (SELECT ends_at FROM sessions WHERE id = ?), room_id = ? WHERE id = ?",
             a["id"], a["id"], prog.rooms[1]["id"], c["id"])
    prog.sql("UPDATE sessions SET seats = 500 WHERE id = ?", c["id"])
    issues = prog.olle.get(url(prog, f"/events/{prog.ev}/schedule/issues"), timeout=10).json()
    clashes = {(i["code"], i["session"]["id"], i["other"]["id"]) for i in issues["clashes"]}
    assert clashes == {("room_clash", a["id"], b["id"]),
                       ("speaker_clash", a["id"], c["id"])}, issues
    speaker = [i for i in issues["clashes"] if i["code"] == "speaker_clash"][0]
    assert speaker["speaker"]["name"] == "Åsa Lindström-Öberg"
    assert codes(issues["warnings"]) == ["seats_above_room", "speaker_unscheduled"]
    unscheduled = [i for i in issues["warnings"] if i["code"] == "speaker_unscheduled"][0]
    assert unscheduled["speaker"]["id"] == prog.speakers[2]["id"]
    # A clash already there refuses a change until it is put right.
    r = patch(prog, f"/sessions/{b['id']}", {"version": 1, "title": "Ny titel"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "clash"
    r = patch(prog, f"/sessions/{b['id']}", {"version": 1, "starts_at": at(DAY1, "15:00"),
                                             "ends_at": at(DAY1, "16:00")})
    assert r.status_code == 200
    issues = prog.olle.get(url(prog, f"/events/{prog.ev}/schedule/issues"), timeout=10).json()
    assert [i["code"] for i in issues["clashes"]] == ["speaker_clash"]


def test_the_issues_of_an_unknown_event(admin):
    for path in ("/events/999/schedule/issues", "/events/x/schedule/issues",
                 "/events/999/sessions"):
        r = admin.olle.get(url(admin, path), timeout=10)
        assert r.status_code == 404, path


def test_an_unscheduled_speaker_is_warned_until_given_a_session(prog):
    sp = make(prog, "speakers", name="Ny talare")
    assert codes(sp["warnings"]) == ["speaker_unscheduled"]
    r = prog.olle.get(url(prog, f"/events/{prog.ev}/schedule/issues"), timeout=10).json()
    assert sp["id"] in [w["speaker"]["id"] for w in r["warnings"]]
    assert session(prog, "09:00", "10:00", speakers=[sp["id"]]).status_code == 201
    r = patch(prog, f"/speakers/{sp['id']}", {"version": 1, "company": "Nytt AB"})
    assert r.status_code == 200 and r.json()["warnings"] == []


# --- the migration -------------------------------------------------------------

def test_an_older_database_keeps_its_programme_when_upgraded(admin):
    r = admin.register()
    assert r.status_code == 201
    admin.sql("INSERT INTO attendee_sessions (attendee_id, session_id) "
              "SELECT id, 11 FROM attendees LIMIT 1")
    before = admin.sql("SELECT id, room_id, kind, title, starts_at, ends_at, seats, signup "
                       "FROM sessions ORDER BY id")
    links = admin.sql("SELECT * FROM session_speakers ORDER BY 1, 2")
    admin.stop()
    admin.downgrade(10)
    assert admin.sql("SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'uid'") \
        == [(0,)]
    admin.start()
    admin.olle = admin.login("olle")
    assert admin.sql("SELECT id, room_id, kind, title, starts_at, ends_at, seats, signup "
                     "FROM sessions ORDER BY id") == before
    assert admin.sql("SELECT * FROM session_speakers ORDER BY 1, 2") == links
    assert admin.sql("SELECT session_id FROM attendee_sessions") == [(11,)]
    assert admin.sql("PRAGMA foreign_key_check") == []
    uids = admin.sql("SELECT uid FROM sessions")
    assert len({u for u, in uids}) == len(before)
    # The uid is made once: a restart keeps it.
    admin.restart()
    assert admin.sql("SELECT uid FROM sessions") == uids
    # The database guards the kinds itself.
    with pytest.raises(Exception):
        admin.sql("UPDATE sessions SET kind = 'party' WHERE id = 1")
    admin.sql("UPDATE sessions SET kind = 'workshop' WHERE id = 2")
    assert admin.get("/api/v1/programme").status_code == 200


def test_many_sessions_page(prog):
    times = itertools.count()
    for _ in range(5):
        n = next(times)
        assert session(prog, f"{8 + n:02d}:00", f"{8 + n:02d}:45", room=n % 2).status_code == 201
    page = prog.olle.get(url(prog, f"/events/{prog.ev}/sessions?limit=2&offset=2"),
                         timeout=10).json()
    assert page["total"] == 5 and [s["starts_at"] for s in page["items"]] == [
        at(DAY1, "10:00"), at(DAY1, "11:00")]
    r = prog.olle.get(url(prog, f"/events/{prog.ev}/sessions?limit=201"), timeout=10)
    assert r.status_code == 422
