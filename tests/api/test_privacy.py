"""Personal data as the GDPR expects: an attendee downloads everything
stored about them through their link (the contact's: the registration; a
colleague's: only them) and erases it; an organiser erases an event's
personal data by hand after a dry run, or techtankd does once the event's
period after its end is over. After each erasure, the strings typed at
registration are searched for in the raw bytes of the database file
(after VACUUM, with no WAL left), and found there before it."""
import concurrent.futures
import json
import os
import sqlite3
import time
import uuid

import pytest
import requests

from techtank_test import person, registration

# Tables holding rows about a person, as the export names them.
PERSONAL_TABLES = ("registrations", "attendees", "attendee_sessions",
                   "session_waits", "checkins", "badge_prints")


@pytest.fixture
def org(daemon):
    daemon.add_user("olle", "organiser")
    daemon.add_user("anna", "door")
    daemon.olle = daemon.login("olle")
    daemon.anna = daemon.login("anna")
    return daemon


def marked(tag):
    """A person whose every text is a string found nowhere else."""
    m = f"Zyxw{tag}{uuid.uuid4().hex[:6]}"
    return person(first=f"{m}first", last=f"{m}last", email=f"{m.lower()}@q{m.lower()}.example",
                  company=f"{m}company AB", job_title=f"{m}title",
                  dietary=f"{m}dietary nötter"), m


def marked_group(d, tag, n=2, ticket_type=1, sessions=None):
    people = [marked(f"{tag}{i}") for i in range(n)]
    attendees = [p for p, _ in people]
    if sessions:
        attendees[0]["sessions"] = sessions
    body = {"ticket_type": ticket_type, "privacy_accepted": True,
            "contact": dict(attendees[0], phone="+46 70 918 273 645"),
            "attendees": attendees}
    r = d.register(body)
    assert r.status_code == 201, r.text
    strings = []
    for p, _ in people:
        strings += [p["first_name"], p["last_name"], p["email"], p["company"],
                    p["dietary"], p["job_title"]]
    return r.json(), strings


def file_bytes(d, vacuum=True):
    """The database file's bytes, the daemon stopped, vacuumed, no WAL."""
    d.stop()
    if vacuum:
        con = sqlite3.connect(d.db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("VACUUM")
        con.close()
    for extra in ("-wal", "-journal"):
        path = d.db + extra
        assert not os.path.exists(path) or os.path.getsize(path) == 0, path
    with open(d.db, "rb") as f:
        data = f.read().lower()
    d.start()
    return data


def found(data, strings):
    return [s for s in strings if s.lower().encode() in data]


def export(d, token):
    r = d.get(f"/api/v1/registrations/{token}/data")
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"] == "no-store"
    return r.json()


def erase(d, token):
    return requests.delete(f"{d.url}/api/v1/registrations/{token}/data", timeout=30)


def columns(d, table):
    return [row[1] for row in d.sql(f"PRAGMA table_info({table})")]


def row_counts(d):
    tables = [t for (t,) in d.sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: d.sql(f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}


def checkin(d, code):
    r = d.anna.post(d.url + "/api/v1/checkins", json={"code": code}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


# ------------------------------------------------------------------ export

def test_export_holds_every_column_of_every_personal_table(org):
    reg, strings = marked_group(org, "ex", sessions=[9])
    a = reg["attendees"][0]
    checkin(org, a["pass_code"])
    org.sql("INSERT INTO badge_prints (attendee_id, layout, printed_at) VALUES (?, 'a4-8', 1)",
            a["id"])
    # A waitlisted session place, so that session_waits has a row to show.
    org.sql("INSERT INTO session_waits (attendee_id, session_id, state, created_at)"
            " VALUES (?, 11, 'waiting', 1)", a["id"])
    doc = export(org, reg["manage_token"])
    text = json.dumps(doc, ensure_ascii=False)
    for s in strings + ["+46 70 918 273 645"]:
        assert s in text, s
    shown = {"registrations": [doc["registration"]], "attendees": doc["attendees"],
             "attendee_sessions": doc["attendee_sessions"], "session_waits": doc["session_waits"],
             "checkins": doc["checkins"], "badge_prints": doc["badge_prints"]}
    for table in PERSONAL_TABLES:
        rows = shown[table]
        assert rows, table
        for col in columns(org, table):
            assert all(col in row for row in rows), (table, col)
    assert len(doc["attendees"]) == 2
    assert [p["pass_code"] for p in doc["passes"]] == [x["pass_code"] for x in reg["attendees"]]
    assert doc["attendee_sessions"][0]["session_id"] == 9
    assert doc["event"]["id"] == 1
    assert any(e["action"] == "checkin" for e in doc["audit_log"])


def test_export_never_shows_another_registration(org):
    mine, _ = marked_group(org, "mine")
    theirs, their_strings = marked_group(org, "theirs")
    org.anna.post(org.url + "/api/v1/checkins",
                  json={"code": theirs["attendees"][0]["pass_code"]}, timeout=30)
    text = json.dumps(export(org, mine["manage_token"]), ensure_ascii=False)
    assert found(text.lower().encode(), their_strings) == []
    assert theirs["attendees"][0]["pass_code"] not in text
    assert theirs["manage_token"] not in text


def test_a_colleagues_link_exports_only_them(org):
    reg, _ = marked_group(org, "col", n=3)
    colleague = reg["attendees"][1]
    doc = export(org, colleague["manage_token"])
    assert doc["link"] == "attendee"
    assert [a["id"] for a in doc["attendees"]] == [colleague["id"]]
    text = json.dumps(doc, ensure_ascii=False)
    for other in (reg["attendees"][0], reg["attendees"][2]):
        assert other["first_name"] not in text and other["email"] not in text
        assert other["pass_code"] not in text
    assert "contact_email" not in doc["registration"]
    assert "manage_token" not in doc["registration"]
    assert reg["manage_token"] not in text


@pytest.mark.parametrize("token", [
    "a" * 26, "' OR 1=1 --", "%00", "A" * 5000, "zz%C3%28zz",
])
def test_export_and_erasure_of_links_that_open_nothing(org, token):
    assert org.get(f"/api/v1/registrations/{token}/data").status_code in (400, 404, 414)
    assert erase(org, token).status_code in (400, 404, 414)


# ----------------------------------------------------------- my deletion

def test_deleting_my_registration_frees_seats_and_promotes_the_waitlist(org):
    org.set_limits(ticket_type=1, quota=2, waitlist=True)
    reg, _ = marked_group(org, "del")
    waiting, _ = marked_group(org, "wait", n=1)
    assert waiting["attendees"][0]["status"] == "waitlisted"
    codes = [a["pass_code"] for a in reg["attendees"]]
    r = erase(org, reg["manage_token"])
    assert r.status_code == 200, r.text
    assert r.json() == {"erased": True, "link": "registration"}
    after = org.get("/api/v1/registrations/" + waiting["manage_token"]).json()
    assert after["attendees"][0]["status"] == "confirmed"
    assert org.remaining(1) == 1
    assert org.sql("SELECT confirmed_count FROM ticket_types WHERE id = 1") == [(1,)]
    # The link opens nothing any more; the old passes are unknown at the door.
    assert org.get("/api/v1/registrations/" + reg["manage_token"]).status_code == 404
    assert org.get(f"/api/v1/registrations/{reg['manage_token']}/data").status_code == 404
    assert erase(org, reg["manage_token"]).status_code == 404
    for code in codes:
        assert checkin(org, code)["result"] == "unknown"
    # The audit log keeps that it happened, not who.
    rows = org.sql("SELECT detail, address FROM audit_log WHERE action = 'registration.erase'")
    assert rows == [('{"attendees":2}', "")]


def test_a_colleague_deletes_only_themselves(org):
    reg, _ = marked_group(org, "one", n=3)
    colleague = reg["attendees"][1]
    assert erase(org, colleague["manage_token"]).json()["link"] == "attendee"
    view = org.get("/api/v1/registrations/" + reg["manage_token"]).json()
    status = {a["id"]: a["status"] for a in view["attendees"]}
    assert status[colleague["id"]] == "cancelled"
    assert [s for i, s in status.items() if i != colleague["id"]] == ["confirmed", "confirmed"]
    assert org.sql("SELECT first_name, email, pass_code FROM attendees WHERE id = ?",
                   colleague["id"]) == [("", "", None)]
    assert org.sql("SELECT contact_email <> '' FROM registrations WHERE id = ?",
                   reg["id"]) == [(1,)]


def test_deletion_leaves_nothing_in_the_database_file(org):
    reg, strings = marked_group(org, "file", sessions=[9])
    keep, keep_strings = marked_group(org, "keep")
    a = reg["attendees"][0]
    checkin(org, a["pass_code"])
    # Changes through the link and by an organiser leave names in the log.
    r = requests.patch(f"{org.url}/api/v1/registrations/{reg['manage_token']}/attendees/{a['id']}",
                       json={"version": a["version"], "job_title": a["job_title"] + " senior"},
                       timeout=10)
    assert r.status_code == 200, r.text
    b = reg["attendees"][1]
    r = org.olle.patch(f"{org.url}/api/v1/admin/attendees/{b['id']}",
                       json={"version": b["version"], "company": b["company"] + " Nord"}, timeout=10)
    assert r.status_code == 200, r.text
    assert org.sql("SELECT count(*) FROM audit_log WHERE action = 'attendee.update'"
                   " AND instr(detail, ?) > 0", b["company"]) == [(1,)]
    data = file_bytes(org)
    assert found(data, strings) == strings  # the search can fail
    assert erase(org, reg["manage_token"]).status_code == 200
    # Not even in the file's free pages before a VACUUM (secure_delete).
    assert found(file_bytes(org, vacuum=False), strings) == []
    data = file_bytes(org)
    assert found(data, strings) == []
    assert found(data, keep_strings) == keep_strings
    assert org.get("/api/v1/registrations/" + keep["manage_token"]).status_code == 200


# ------------------------------------------------------ the event's erasure

def dashboard(d):
    r = d.olle.get(d.url + "/api/v1/admin/dashboard?event=1", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def numbers(dash):
    """What the dashboard counts, without the words of dietary needs."""
    return (dash["confirmed"],
            [(t["id"], t["confirmed"], t["waitlisted"]) for t in dash["ticket_types"]],
            [(s["id"], s["taken"], s["waiting"]) for s in dash["sessions"]],
            json.dumps(dash["checkins"], sort_keys=True),
            dash["registrations_per_day"],
            sum(x["attendees"] for x in dash["dietary"]))


def test_manual_erasure_dry_run_confirmation_and_roles(org):
    regs = [marked_group(org, f"ev{i}", sessions=[9]) for i in range(3)]
    strings = [s for _, ss in regs for s in ss]
    checkin(org, regs[0][0]["attendees"][0]["pass_code"])
    before = numbers(dashboard(org))

    counts = row_counts(org)
    r = org.olle.get(org.url + "/api/v1/admin/events/1/erasure", timeout=10)
    assert r.status_code == 200, r.text
    dry = r.json()
    assert dry["dry_run"] is True and dry["confirm"] == "techtank-2027"
    assert dry["tables"]["attendees"] == 6 and dry["tables"]["registrations"] == 3
    assert dry["tables"]["audit_log"] >= 0
    assert row_counts(org) == counts  # the dry run changes nothing
    assert found(file_bytes(org), strings) == strings

    url = org.url + "/api/v1/admin/events/1/erasure"
    assert org.anna.post(url, json={"confirm": "techtank-2027"}, timeout=10).status_code == 403
    assert org.anna.get(url, timeout=10).status_code == 403
    assert requests.post(url, json={"confirm": "techtank-2027"}, timeout=10).status_code in (401, 403)
    for body, code in (({}, "required"), ({"confirm": "techtank-2026"}, "mismatch"),
                       ({"confirm": 1}, "invalid"), ({"confirm": "<b>x</b>"}, "mismatch")):
        r = org.olle.post(url, json=body, timeout=10)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["fields"] == {"confirm": code}
    assert org.olle.post(url, data="{", headers={"Content-Type": "application/json"},
                         timeout=10).status_code == 400
    assert row_counts(org) == counts

    r = org.olle.post(url, json={"confirm": "techtank-2027"}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["tables"]["attendees"] == 6
    assert numbers(dashboard(org)) == before
    # Again: idempotent, nothing more to erase.
    r = org.olle.post(url, json={"confirm": "techtank-2027"}, timeout=30)
    assert r.status_code == 200
    assert all(n == 0 for n in r.json()["tables"].values()), r.json()
    assert found(file_bytes(org), strings) == []
    # A restart counts the seats and the needs again: the same numbers.
    assert numbers(dashboard(org)) == before
    assert org.sql("SELECT count(*) FROM audit_log WHERE action = 'event.erase'") == [(2,)]


def test_automatic_erasure_once_the_period_is_over(org):
    reg, strings = marked_group(org, "auto")
    assert found(file_bytes(org), strings) == strings
    org.stop()
    # The event ended 10 days ago and is erased 3 days after its end.
    org.sql("UPDATE events SET starts_at = unixepoch() - 11 * 86400,"
            " ends_at = unixepoch() - 10 * 86400, changes_until = NULL,"
            " erase_after_days = 3 WHERE id = 1")
    org.start()
    # The daemon looks at start-up, on the writer, never in a request.
    for _ in range(100):
        if org.sql("SELECT erased_at IS NOT NULL FROM events WHERE id = 1") == [(1,)]:
            break
        time.sleep(0.1)
    assert org.sql("SELECT erased_at IS NOT NULL FROM events WHERE id = 1") == [(1,)]
    assert found(file_bytes(org), strings) == []
    assert org.get("/api/v1/registrations/" + reg["manage_token"]).status_code == 404
    assert org.sql("SELECT count(*) FROM audit_log WHERE action = 'event.erase'") == [(1,)]
    org.restart()
    assert org.sql("SELECT count(*) FROM audit_log WHERE action = 'event.erase'") == [(1,)]


def test_a_period_set_that_is_over_already_erases_without_a_restart(org):
    reg, strings = marked_group(org, "set")
    r = event_patch(org, {"starts_at": "2020-01-01T09:00:00+01:00",
                          "ends_at": "2020-01-02T17:00:00+01:00", "erase_after_days": 30})
    assert r.status_code == 200, r.text
    for _ in range(100):
        if org.get("/api/v1/registrations/" + reg["manage_token"]).status_code == 404:
            break
        time.sleep(0.1)
    assert org.get("/api/v1/registrations/" + reg["manage_token"]).status_code == 404
    ev = org.olle.get(org.url + "/api/v1/admin/events/1", timeout=10).json()
    assert ev["erased_at"] is not None
    assert found(file_bytes(org), strings) == []


def test_no_automatic_erasure_before_the_period_is_over(org):
    reg, strings = marked_group(org, "early")
    org.stop()
    org.sql("UPDATE events SET starts_at = unixepoch() - 11 * 86400,"
            " ends_at = unixepoch() - 10 * 86400, erase_after_days = 30 WHERE id = 1")
    org.start()
    assert org.sql("SELECT erased_at FROM events WHERE id = 1") == [(None,)]
    assert found(file_bytes(org), strings) == strings


def event_patch(d, body):
    ev = d.olle.get(d.url + "/api/v1/admin/events/1", timeout=10).json()
    return d.olle.patch(d.url + "/api/v1/admin/events/1",
                        json=dict(body, version=ev["version"]), timeout=10)


@pytest.mark.parametrize("bad", [-1, 0, 100000, "abc", 1.5, True, "30"])
def test_the_period_is_checked(org, bad):
    r = event_patch(org, {"erase_after_days": bad})
    assert r.status_code == 422, r.text
    assert "erase_after_days" in r.json()["error"]["fields"]


def test_the_period_and_the_organiser_are_shown_to_the_public(org):
    for days in (30, None, 3650):
        r = event_patch(org, {"erase_after_days": days})
        assert r.status_code == 200, r.text
        assert r.json()["erase_after_days"] == days
    name = "<script>alert(1)</script> Techtank & Co"
    r = event_patch(org, {"organiser_name": name, "contact_email": "gdpr@techtank.example"})
    assert r.status_code == 200, r.text
    ev = org.get("/api/v1/event").json()["privacy"]
    assert ev["organiser_name"] == name
    assert ev["contact_email"] == "gdpr@techtank.example"
    assert ev["erase_after_days"] == 3650
    page = org.get("/privacy.html")
    assert page.status_code == 200 and "js/privacy.js" in page.text


# ------------------------------------------------------------ many at once

def test_concurrent_deletions_and_registrations_keep_the_seats_right(org):
    org.set_limits(ticket_type=1, quota=10, waitlist=True)
    first = []
    for _ in range(10):
        r = org.register(registration(1))
        assert r.status_code == 201
        first.append(r.json())

    def work(i):
        if i % 2 == 0:
            return erase(org, first[i // 2]["manage_token"]).status_code
        return org.register(registration(1)).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(work, range(20)))
    assert sorted(set(codes)) == [200, 201], codes
    kept = org.sql("SELECT confirmed_count FROM ticket_types WHERE id = 1")[0][0]
    rows = org.sql("SELECT count(*) FROM attendees WHERE ticket_type_id = 1"
                   " AND status = 'confirmed'")[0][0]
    waiting = org.sql("SELECT count(*) FROM attendees WHERE ticket_type_id = 1"
                      " AND status = 'waitlisted'")[0][0]
    assert kept == rows == 10
    assert waiting == 0
    assert org.sql("SELECT count(*) FROM attendees WHERE erased_at IS NOT NULL") == [(10,)]
    ev = org.sql("SELECT confirmed_count FROM events WHERE id = 1")[0][0]
    assert ev == org.sql("SELECT count(*) FROM attendees a JOIN ticket_types t"
                         " ON t.id = a.ticket_type_id WHERE a.event_id = 1"
                         " AND a.status = 'confirmed' AND t.role <> 'speaker'")[0][0]


# Columns that say nothing about who a person is: kept by an erasure.
KEPT = {
    "attendees": {"id", "registration_id", "event_id", "ticket_type_id", "status",
                  "created_at", "confirmed_at", "cancelled_at", "version", "erased_at",
                  "listed", "email_norm", "search_key", "name_key", "company_key"},
    "registrations": {"id", "event_id", "ticket_type_id", "status", "manage_token",
                      "privacy_accepted_at", "created_at", "cancelled_at", "version",
                      "erased_at", "lang"},
    "outbox": {"id", "kind", "registration_id", "attendee_id", "lang", "message_id", "state",
               "attempts", "next_attempt_at", "sending_since", "last_error", "created_at",
               "sent_at"},
}


@pytest.mark.parametrize("how", ["link", "event"])
def test_every_other_column_is_blank_after_erasure(org, how):
    """A column added later is personal until it is named above."""
    reg, strings = marked_group(org, "cols")
    if how == "link":
        assert erase(org, reg["manage_token"]).status_code == 200
    else:
        r = org.olle.post(org.url + "/api/v1/admin/events/1/erasure",
                          json={"confirm": "techtank-2027"}, timeout=30)
        assert r.status_code == 200, r.text
    # The daemon has no --smtp-url: the confirmations wait in the outbox.
    assert org.sql("SELECT count(*) FROM outbox WHERE registration_id = ?", reg["id"])[0][0] > 0
    assert org.sql("SELECT count(*) FROM outbox WHERE registration_id = ? AND state = 'queued'",
                   reg["id"]) == [(0,)]  # one not sent yet never will be
    for table, where in (("attendees", "registration_id = ?"), ("registrations", "id = ?"),
                         ("outbox", "registration_id = ?")):
        cols = columns(org, table)
        for row in org.sql(f"SELECT * FROM {table} WHERE {where}", reg["id"]):
            for col, value in zip(cols, row):
                assert all(s.lower() not in str(value).lower() for s in strings), (table, col)
                if col not in KEPT[table]:
                    assert value in ("", None, 0, "{}") or value == "(erased)", (table, col, value)


@pytest.mark.parametrize("name, status", [
    ("Techtank\r\nX-Injected: 1", 422), ("Tech\u0000tank", 422), ("x" * 151, 422),
    ("'; DROP TABLE attendees; --", 200),
])
def test_the_organisers_name_is_checked(org, name, status):
    r = event_patch(org, {"organiser_name": name})
    assert r.status_code == status, r.text
    if status == 422:
        assert "organiser_name" in r.json()["error"]["fields"]
    assert org.sql("SELECT count(*) FROM attendees") == [(0,)]


def test_invalid_utf8_and_oversized_bodies_are_refused(org):
    ev = org.olle.get(org.url + "/api/v1/admin/events/1", timeout=10).json()
    bad = b'{"version": %d, "organiser_name": "\xff\xfe"}' % ev["version"]
    r = org.olle.patch(org.url + "/api/v1/admin/events/1", data=bad,
                       headers={"Content-Type": "application/json"}, timeout=10)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_utf8"), r.text
    url = org.url + "/api/v1/admin/events/1/erasure"
    r = org.olle.post(url, data=b'{"confirm": "techtank-\xff"}',
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_utf8"), r.text
    r = org.olle.post(url, data=b'{"confirm": "' + b"a" * 2_000_000 + b'"}',
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413, r.text
    assert org.sql("SELECT erased_at FROM events WHERE id = 1") == [(None,)]
