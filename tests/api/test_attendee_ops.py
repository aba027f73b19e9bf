"""An organiser's operations on one attendee (POST
/api/v1/admin/attendees/{id}/promote, /move, /reissue, /substitute): who
may use them, every refusal (bad ids, another event's ticket type, stale
versions, full types, cancelled attendees, hostile bodies), the old pass
code unknown at the door after a reissue and a substitution, the tag to
be printed again, the audit rows, and seat counts that stay right under
many concurrent moves and promotions."""
from concurrent.futures import ThreadPoolExecutor
import json
import os
import subprocess

import pytest
import requests

from techtank_test import ROOT, person, registration

BADGES = os.environ.get("TECHTANK_BADGES", os.path.join(ROOT, "techtank-badges"))
OPS = ("promote", "move", "reissue", "substitute")
# A body each operation takes (with the version read).
GOOD = {"promote": {}, "move": {"ticket_type": 2}, "reissue": {},
        "substitute": {"first_name": "A", "last_name": "B", "email": "a@example.se"}}


@pytest.fixture
def org(daemon):
    daemon.add_user("anna", "door")
    daemon.add_user("olle", "organiser")
    daemon.anna = daemon.login("anna")
    daemon.olle = daemon.login("olle")
    return daemon


def register(d, n=1, ticket_type=1, **fields):
    body = registration(n, ticket_type=ticket_type)
    for a in body["attendees"]:
        a.update(fields)
    r = d.register(body)
    assert r.status_code == 201, r.text
    return r.json()


def page(d, aid):
    r = d.olle.get(f"{d.url}/api/v1/admin/attendees/{aid}", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def op(d, aid, name, body=None, who=None, version=None):
    if body is None:
        body = {}
    if version is not None:
        body = dict(body, version=version)
    elif "version" not in body:
        body = dict(body, version=page(d, aid)["version"])
    return (who or d.olle).post(f"{d.url}/api/v1/admin/attendees/{aid}/{name}",
                                json=body, timeout=30)


def error(r, status, code):
    assert r.status_code == status, r.text
    e = r.json()["error"]
    assert e["code"] == code, r.text
    return e


def scan(d, code):
    r = d.anna.post(d.url + "/api/v1/checkins", json={"code": code}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["result"]


def counts(d):
    """Each ticket type's confirmed_count against its confirmed rows, and
    the event's; session seats against their sign-ups."""
    types = d.sql("SELECT t.id, t.confirmed_count, (SELECT count(*) FROM attendees a"
                  " WHERE a.ticket_type_id = t.id AND a.status = 'confirmed'), t.quota"
                  " FROM ticket_types t ORDER BY t.id")
    # The event counts speakers only when it says so (speakers_in_capacity).
    event = d.sql("SELECT confirmed_count, (SELECT count(*) FROM attendees a JOIN ticket_types t"
                  " ON t.id = a.ticket_type_id WHERE a.status = 'confirmed' AND a.event_id = 1"
                  " AND (t.role <> 'speaker' OR events.speakers_in_capacity = 1)), capacity"
                  " FROM events WHERE id = 1")
    return types, event[0]


def assert_counts_right(d):
    types, (ev_kept, ev_rows, capacity) = counts(d)
    for tid, kept, rows, quota in types:
        assert kept == rows, (tid, kept, rows)
        assert quota is None or rows <= quota, (tid, rows, quota)
    assert ev_kept == ev_rows
    assert capacity is None or ev_rows <= capacity


def fill(d, ticket_type, quota, waitlisted=1):
    """The type's quota filled, and some on its waitlist; the last ones."""
    d.set_limits(ticket_type=ticket_type, quota=quota, waitlist=True)
    confirmed = [register(d, ticket_type=ticket_type)["attendees"][0] for _ in range(quota)]
    waiting = [register(d, ticket_type=ticket_type)["attendees"][0] for _ in range(waitlisted)]
    assert all(a["status"] == "waitlisted" for a in waiting)
    return confirmed, waiting


# ------------------------------------------------------------ who may do it


def test_anonymous_and_door_are_refused(org):
    a = register(org)["attendees"][0]
    for name in OPS:
        r = requests.post(f"{org.url}/api/v1/admin/attendees/{a['id']}/{name}",
                          json={"version": 1}, timeout=10)
        error(r, 401, "login_required")
        error(op(org, a["id"], name, who=org.anna, version=1), 403, "forbidden")
    assert page(org, a["id"])["pass_code"] == a["pass_code"]


def test_without_csrf_token_is_403(org):
    a = register(org)["attendees"][0]
    token = org.olle.headers.pop("X-CSRF-Token")
    try:
        for name in OPS:
            error(op(org, a["id"], name, version=1), 403, "csrf")
    finally:
        org.olle.headers["X-CSRF-Token"] = token
    assert scan(org, a["pass_code"]) == "ok"


def test_only_post(org):
    a = register(org)["attendees"][0]
    r = org.olle.get(f"{org.url}/api/v1/admin/attendees/{a['id']}/reissue", timeout=10)
    assert r.status_code == 405
    assert "POST" in r.headers["Allow"]


# ------------------------------------------------------------ bad requests


@pytest.mark.parametrize("name", OPS)
def test_bad_ids_are_404(org, name):
    for aid, status in (("0", 404), ("-1", 404), ("abc", 404), ("1e3", 404), ("99999", 404),
                        ("01", 404), ("9" * 30, 404), ("%00", 400)):
        r = org.olle.post(f"{org.url}/api/v1/admin/attendees/{aid}/{name}",
                          json=dict(GOOD[name], version=1), timeout=10)
        assert r.status_code == status, (aid, r.text)


@pytest.mark.parametrize("name", OPS)
def test_version_required_and_unknown_fields_refused(org, name):
    a = register(org)["attendees"][0]
    url = f"{org.url}/api/v1/admin/attendees/{a['id']}/{name}"
    for body, field, code in (({}, "version", "required"),
                              ({"version": "1"}, "version", "invalid"),
                              ({"version": 0}, "version", "invalid"),
                              ({"version": 1, "pass_code": "TT-X"}, "pass_code", "unknown_field"),
                              ({"version": 1, "status": "confirmed"}, "status", "unknown_field")):
        r = org.olle.post(url, json=body, timeout=10)
        e = error(r, 422, "validation_failed")
        assert e["fields"][field] == code, (body, e)
    for data, status in ((b"{", 400), (b"[1]", 400), (b"\xff\xfe", 422),
                         (b'{"version": 1, "x": "' + b"a" * 70000 + b'"}', 413)):
        r = org.olle.post(url, data=data, headers={"Content-Type": "application/json"},
                          timeout=10)
        assert r.status_code == status, (data[:20], r.text)
    r = org.olle.post(url, data="version=1", headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415
    assert page(org, a["id"])["version"] == 1


def test_stale_version_is_409_with_the_current_copy(org):
    a = register(org)["attendees"][0]
    assert op(org, a["id"], "reissue").status_code == 200
    for name, body in (("reissue", {}), ("move", {"ticket_type": 2}),
                       ("substitute", dict(person(), version=1)), ("promote", {})):
        e = error(op(org, a["id"], name, dict(body, version=1)), 409, "conflict")
        assert e["current"]["version"] == 2
        assert e["current"]["id"] == a["id"]
    assert page(org, a["id"])["ticket_type"] == 1


def test_cancelled_attendee_is_409_cancelled(org):
    reg = register(org)
    a = reg["attendees"][0]
    assert org.delete(f"/api/v1/registrations/{reg['manage_token']}").status_code == 200
    for name, body in (("promote", {}), ("move", {"ticket_type": 2}), ("reissue", {}),
                       ("substitute", person())):
        error(op(org, a["id"], name, body), 409, "cancelled")
    assert scan(org, a["pass_code"]) == "cancelled"


# ------------------------------------------------------------ promote


def test_promote_needs_a_waitlisted_attendee(org):
    a = register(org)["attendees"][0]
    error(op(org, a["id"], "promote"), 409, "not_waitlisted")


def test_promote_full_then_beyond_quota(org):
    confirmed, (w,) = fill(org, 3, 2)
    e = error(op(org, w["id"], "promote"), 409, "full")
    assert e["fields"]["ticket_type_left"] == 0
    assert e["fields"]["event_left"] is None or e["fields"]["event_left"] > 0
    assert page(org, w["id"])["status"] == "waitlisted"

    r = op(org, w["id"], "promote", {"beyond_quota": True})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "confirmed" and got["pass_code"].startswith("TT-")
    assert got["version"] == 2
    assert org.sql("SELECT quota, confirmed_count FROM ticket_types WHERE id = 3") == [(3, 3)]
    assert scan(org, got["pass_code"]) == "ok"
    assert got["registration"]["status"] == "confirmed"
    actions = [h["action"] for h in got["history"]]
    assert "attendee.promote" in actions
    audit = org.sql("SELECT detail FROM audit_log WHERE action = 'ticket_type.quota'")
    detail = json.loads(audit[0][0])
    assert detail["before"] == {"quota": 2} and detail["after"] == {"quota": 3}
    assert_counts_right(org)


def test_promote_never_beyond_the_event_capacity(org):
    org.set_limits(ticket_type=2, quota=5, waitlist=True, capacity=1)
    register(org, ticket_type=1)
    w = register(org, ticket_type=2)["attendees"][0]
    assert w["status"] == "waitlisted"
    for body in ({}, {"beyond_quota": True}):
        e = error(op(org, w["id"], "promote", body), 409, "full")
        assert e["fields"]["event_left"] == 0
    assert_counts_right(org)


def test_promote_flag_must_be_a_boolean(org):
    _, (w,) = fill(org, 3, 1)
    e = error(op(org, w["id"], "promote", {"beyond_quota": "yes"}), 422, "validation_failed")
    assert e["fields"] == {"beyond_quota": "invalid"}


# ------------------------------------------------------------ move


def test_move_a_confirmed_attendee(org):
    a = register(org, ticket_type=1)["attendees"][0]
    before = org.sql("SELECT confirmed_count FROM ticket_types WHERE id IN (1, 2) ORDER BY id")
    r = op(org, a["id"], "move", {"ticket_type": 2})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["ticket_type"] == 2 and got["status"] == "confirmed"
    assert got["pass_code"] == a["pass_code"]  # the same pass: only the type changed
    after = org.sql("SELECT confirmed_count FROM ticket_types WHERE id IN (1, 2) ORDER BY id")
    assert after == [(before[0][0] - 1,), (before[1][0] + 1,)]
    # A registration of one follows its attendee.
    assert org.sql("SELECT ticket_type_id FROM registrations WHERE id = ?",
                   got["registration"]["id"]) == [(2,)]
    assert scan(org, a["pass_code"]) == "ok"
    assert_counts_right(org)


def test_move_validation(org):
    a = register(org)["attendees"][0]
    org.olle.post(f"{org.url}/api/v1/admin/events",
                  json={"slug": "seminar", "name": "Seminar",
                        "starts_at": "2028-03-01T09:00:00+01:00",
                        "ends_at": "2028-03-01T16:00:00+01:00"}, timeout=10).raise_for_status()
    other = org.olle.post(f"{org.url}/api/v1/admin/events/2/ticket-types",
                          json={"name": "Seminar seat"}, timeout=10).json()["id"]
    for body, field, code in (({"ticket_type": other}, "ticket_type", "other_event"),
                              ({"ticket_type": 9999}, "ticket_type", "not_a_choice"),
                              ({}, "ticket_type", "required"),
                              ({"ticket_type": "2"}, "ticket_type", "invalid"),
                              ({"ticket_type": -2}, "ticket_type", "invalid"),
                              ({"ticket_type": 2, "waitlist": 1}, "waitlist", "invalid")):
        e = error(op(org, a["id"], "move", body), 422, "validation_failed")
        assert e["fields"][field] == code, (body, e)
    error(op(org, a["id"], "move", {"ticket_type": 1}), 409, "same_ticket_type")
    assert page(org, a["id"])["version"] == 1
    assert_counts_right(org)


def test_move_to_a_full_type(org):
    (a,), (w,) = fill(org, 1, 1)
    fill(org, 2, 1, waitlisted=0)
    e = error(op(org, a["id"], "move", {"ticket_type": 2}), 409, "full")
    assert e["fields"]["ticket_type_left"] == 0 and e["fields"]["waitlist"] is True
    assert page(org, a["id"])["ticket_type"] == 1
    # Asked for: onto the full type's waitlist; the seat left goes on.
    r = op(org, a["id"], "move", {"ticket_type": 2, "waitlist": True})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "waitlisted" and r.json()["ticket_type"] == 2
    assert r.json()["pass_code"] is None
    assert scan(org, a["pass_code"]) == "waitlisted"
    assert page(org, w["id"])["status"] == "confirmed"
    assert_counts_right(org)


def test_move_to_a_full_type_without_waitlist(org):
    fill(org, 3, 1, waitlisted=0)
    org.set_limits(ticket_type=3, quota=1, waitlist=False)
    a = register(org, ticket_type=1)["attendees"][0]
    e = error(op(org, a["id"], "move", {"ticket_type": 3, "waitlist": True}), 409, "full")
    assert e["fields"]["waitlist"] is False
    assert page(org, a["id"])["ticket_type"] == 1


def test_move_a_waitlisted_attendee_to_a_type_with_seats(org):
    _, (w,) = fill(org, 3, 1)
    r = op(org, w["id"], "move", {"ticket_type": 1})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "confirmed" and r.json()["ticket_type"] == 1
    assert scan(org, r.json()["pass_code"]) == "ok"
    assert_counts_right(org)


def test_move_a_waitlisted_attendee_when_the_event_is_full(org):
    org.set_limits(ticket_type=2, quota=5, waitlist=True, capacity=1)
    register(org, ticket_type=1)
    w = register(org, ticket_type=2)["attendees"][0]
    e = error(op(org, w["id"], "move", {"ticket_type": 3}), 409, "full")
    assert e["fields"]["event_left"] == 0 and e["fields"]["ticket_type_left"] > 0
    # Type 3 keeps no waitlist; 1 does: there they wait on.
    error(op(org, w["id"], "move", {"ticket_type": 3, "waitlist": True}), 409, "full")
    r = op(org, w["id"], "move", {"ticket_type": 1, "waitlist": True})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "waitlisted" and r.json()["ticket_type"] == 1
    assert_counts_right(org)


def test_move_to_a_hidden_type(org):
    a = register(org)["attendees"][0]
    r = op(org, a["id"], "move", {"ticket_type": 4})
    assert r.status_code == 200, r.text
    assert r.json()["ticket_type_name"] == "Speaker"
    assert_counts_right(org)
    # On the speaker type the seat is no longer the public's.
    assert org.sql("SELECT confirmed_count FROM events WHERE id = 1") == [(0,)]


def test_a_freed_seat_goes_to_the_waitlist(org):
    (c,), (w,) = fill(org, 3, 1)
    r = op(org, c["id"], "move", {"ticket_type": 1})
    assert r.status_code == 200, r.text
    assert page(org, w["id"])["status"] == "confirmed"
    assert_counts_right(org)


def test_one_of_a_group_moves_the_registration_stays(org):
    reg = register(org, n=3)
    a = reg["attendees"][1]
    assert op(org, a["id"], "move", {"ticket_type": 2}).status_code == 200
    assert org.sql("SELECT ticket_type_id FROM registrations WHERE id = ?", reg["id"]) == [(1,)]
    others = org.sql("SELECT ticket_type_id FROM attendees WHERE registration_id = ? AND id <> ?",
                     reg["id"], a["id"])
    assert others == [(1,), (1,)]


# ------------------------------------------------------------ reissue


def test_reissue_makes_the_old_code_unknown_and_the_tag_unprinted(org):
    a = register(org)["attendees"][0]
    r = subprocess.run([BADGES, "tags", "--db", org.db, "--attendee", str(a["id"]),
                        "-o", os.path.join(org.tmp, "tag.pdf")], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert page(org, a["id"])["printed_at"] is not None
    r = op(org, a["id"], "reissue")
    assert r.status_code == 200, r.text
    new = r.json()["pass_code"]
    assert new != a["pass_code"] and new.startswith("TT-")
    assert r.json()["printed_at"] is None
    assert scan(org, a["pass_code"]) == "unknown"
    assert scan(org, new) == "ok"
    rows = org.olle.get(f"{org.url}/api/v1/admin/events/1/attendees",
                        params={"printed": "false"}, timeout=10).json()["items"]
    assert a["id"] in [x["id"] for x in rows]
    history = [h for h in page(org, a["id"])["history"] if h["action"] == "attendee.reissue"]
    assert history and history[0]["user"] == "olle"
    assert history[0]["detail"]["before"]["printed_at"] is not None
    assert history[0]["detail"]["after"]["printed_at"] is None


def test_reissue_needs_a_pass(org):
    _, (w,) = fill(org, 3, 1)
    error(op(org, w["id"], "reissue"), 409, "no_pass")


def test_badges_reissue_also_unprints(org):
    a = register(org)["attendees"][0]
    org.sql("INSERT INTO badge_prints (attendee_id, layout, printed_at) VALUES (?, 'a6x4', 1)",
            a["id"])
    r = subprocess.run([BADGES, "reissue", "--db", org.db, "--attendee", str(a["id"])],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert org.sql("SELECT count(*) FROM badge_prints WHERE attendee_id = ?", a["id"]) == [(0,)]
    assert scan(org, a["pass_code"]) == "unknown"


# ------------------------------------------------------------ substitute


def test_substitute_hands_the_ticket_on(org):
    reg = register(org, dietary="vegan", sessions=[9], listed=True)
    a = reg["attendees"][0]
    org.sql("INSERT INTO badge_prints (attendee_id, layout, printed_at) VALUES (?, 'a6x4', 1)",
            a["id"])
    assert scan(org, a["pass_code"]) == "ok"  # the old person came on the first day
    new = person("Zoë", "Ødegård-Łukasiewicz", company="SSAB", job_title="Metallurg",
                 dietary="Gluten")
    r = op(org, a["id"], "substitute", new)
    assert r.status_code == 200, r.text
    got = r.json()
    for k in ("first_name", "last_name", "email", "company", "job_title", "dietary"):
        assert got[k] == new[k], k
    assert got["listed"] is False
    assert got["status"] == "confirmed" and got["pass_code"] != a["pass_code"]
    assert got["printed_at"] is None
    assert [s["id"] for s in got["sessions"]] == [9]
    assert scan(org, a["pass_code"]) == "unknown"
    # Their check-in is closed, kept in the history: the new person is let in as new.
    assert [(c["checkpoint"], c["undone_by"]) for c in got["checkins"]] == [("main", "olle")]
    assert scan(org, got["pass_code"]) == "ok"
    # The search and the dashboard's dietary counts follow the new person.
    rows = org.olle.get(f"{org.url}/api/v1/admin/events/1/attendees",
                        params={"q": "lukasiewicz"}, timeout=10).json()["items"]
    assert [x["id"] for x in rows] == [a["id"]]
    assert org.olle.get(f"{org.url}/api/v1/admin/events/1/attendees",
                        params={"q": "Lindström"}, timeout=10).json()["items"] == []
    diet = dict(org.sql("SELECT dietary, attendees FROM event_dietary_counts"))
    assert diet.get("vegan", 0) == 0 and diet["gluten"] == 1
    h = [x for x in got["history"] if x["action"] == "attendee.substitute"][0]
    assert h["detail"]["before"]["last_name"] == "Lindström-Öberg"
    # The old person's personal link went with the ticket; the contact's stays.
    old_link = a["manage_token"]
    assert requests.get(f"{org.url}/api/v1/registrations/{old_link}", timeout=10).status_code == 404
    r = requests.get(f"{org.url}/api/v1/registrations/{reg['manage_token']}", timeout=10)
    mine = [x for x in r.json()["attendees"] if x["id"] == a["id"]][0]
    assert mine["last_name"] == "Ødegård-Łukasiewicz" and mine["manage_token"] != old_link
    assert requests.get(f"{org.url}/api/v1/registrations/{mine['manage_token']}",
                        timeout=10).status_code == 200
    assert h["detail"]["after"]["last_name"] == "Ødegård-Łukasiewicz"


def test_substitute_email_must_be_free_in_the_event(org):
    a, b = register(org, n=2)["attendees"]
    e = error(op(org, a["id"], "substitute", person(email=b["email"].upper())), 422,
              "validation_failed")
    assert e["fields"] == {"email": "taken"}
    # Their own address may stay (the same person under a corrected name).
    assert op(org, a["id"], "substitute", person("Åsa", "Berg", email=a["email"])).status_code == 200


def test_substitute_validation_and_hostile_names(org):
    a = register(org)["attendees"][0]
    cases = [({"first_name": "", "last_name": "B", "email": "x@example.se"}, "first_name", "required"),
             ({"first_name": "A", "last_name": "B"}, "email", "required"),
             ({"first_name": "A", "last_name": "B", "email": "not an address"}, "email", "invalid"),
             ({"first_name": "A" * 101, "last_name": "B", "email": "x@example.se"},
              "first_name", "too_long"),
             ({"first_name": "A\u0000B", "last_name": "B", "email": "x@example.se"},
              "first_name", "invalid"),
             ({"first_name": "A\u202eB", "last_name": "B", "email": "x@example.se"},
              "first_name", "invalid"),
             ({"first_name": 5, "last_name": "B", "email": "x@example.se"}, "first_name", "invalid"),
             ({"first_name": "A", "last_name": "B", "email": "x@example.se", "dietary": "d" * 501},
              "dietary", "too_long")]
    for body, field, code in cases:
        e = error(op(org, a["id"], "substitute", body), 422, "validation_failed")
        assert e["fields"].get(field) == code, (body, e)
    hostile = {"first_name": "<script>alert(1)</script>", "last_name": "'); DROP TABLE attendees;--",
               "email": "x@example.se", "company": "=HYPERLINK(\"http://evil\")"}
    r = op(org, a["id"], "substitute", hostile)
    assert r.status_code == 200, r.text
    got = page(org, a["id"])
    assert got["first_name"] == hostile["first_name"]
    assert got["last_name"] == hostile["last_name"]
    assert org.sql("SELECT count(*) FROM attendees") == [(1,)]


def test_substitute_a_waitlisted_attendee_keeps_their_place(org):
    _, (w1, w2) = fill(org, 3, 1, waitlisted=2)
    r = op(org, w1["id"], "substitute", person("Karin", "Ängström"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "waitlisted" and r.json()["pass_code"] is None
    assert org.sql("SELECT id FROM attendees WHERE ticket_type_id = 3 AND status = 'waitlisted'"
                   " ORDER BY id") == [(w1["id"],), (w2["id"],)]


# ------------------------------------------------------------ many at once


def concurrent_ops(d, n_clients=12, rounds=6):
    """Many organisers moving and promoting the same attendees at once:
    every answer 200 or a clean 409, and the counters right after."""
    d.set_limits(ticket_type=1, quota=6, waitlist=True)
    d.set_limits(ticket_type=2, quota=4, waitlist=True, capacity=12)
    people = [register(d, ticket_type=1 + i % 2)["attendees"][0] for i in range(14)]
    sessions = []
    for i in range(n_clients):
        name = f"org{i}"
        d.add_user(name, "organiser")
        sessions.append(d.login(name))

    def worker(i):
        s = sessions[i]
        got = []
        for r in range(rounds):
            a = people[(i + r) % len(people)]
            cur = s.get(f"{d.url}/api/v1/admin/attendees/{a['id']}", timeout=30).json()
            if cur["status"] == "waitlisted" and r % 2:
                res = s.post(f"{d.url}/api/v1/admin/attendees/{a['id']}/promote",
                             json={"version": cur["version"], "beyond_quota": r % 3 == 0},
                             timeout=30)
            else:
                res = s.post(f"{d.url}/api/v1/admin/attendees/{a['id']}/move",
                             json={"version": cur["version"],
                                   "ticket_type": 2 if cur["ticket_type"] == 1 else 1,
                                   "waitlist": bool(r % 2)}, timeout=30)
            got.append((res.status_code, res.json().get("error", {}).get("code")))
        return got

    with ThreadPoolExecutor(n_clients) as pool:
        results = [x for part in pool.map(worker, range(n_clients)) for x in part]
    for status, code in results:
        assert status == 200 or (status == 409 and code in
                                 ("conflict", "full", "not_waitlisted", "same_ticket_type")), \
            (status, code)
    assert any(status == 200 for status, _ in results)
    assert_counts_right(d)
    # The counters also equal what a recount from the rows gives.
    before = counts(d)
    d.restart()
    assert counts(d) == before


def test_concurrent_moves_and_promotions_keep_the_counts(org):
    concurrent_ops(org)
