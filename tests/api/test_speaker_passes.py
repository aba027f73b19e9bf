"""Speakers' passes: a speaker put on the programme gets one attendee row of
their own on the event's speaker ticket type, confirmed with a pass code
the door takes, named from the speaker's one-field name and kept in step
when the speaker is edited; their seats are not the public's unless the
organiser says so; their name tag says SPEAKER and carries the pass."""
import os
import sys
import time

import pytest

from techtank_test import registration
from test_admin import admin, url  # noqa: F401 (admin is a fixture)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "badges"))
from badge_tools import pdf_text, qr_codes, run_badges  # noqa: E402

EVENT = 1  # the demo: a hidden speaker ticket type (4), capacity 120


def publish(d, expect=201, event=EVENT):
    """Publish the draft: the speakers of its sessions get their passes."""
    r = d.olle.post(url(d, f"/events/{event}/releases"), json={}, timeout=10)
    assert r.status_code == expect, r.text
    return r


def speaker(d, name, **over):
    r = d.olle.post(url(d, f"/events/{EVENT}/speakers"), json=dict(name=name, **over),
                    timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def on_programme(d, *speakers, start="13:00", end="13:30", published=True, **over):
    """A session on the demo's second day with these speakers, published."""
    body = {"title": "Presshärdning i praktiken", "room_id": 3,
            "starts_at": f"2027-12-01T{start}:00+01:00",
            "ends_at": f"2027-12-01T{end}:00+01:00",
            "speakers": [s["id"] for s in speakers]}
    body.update(over)
    r = d.olle.post(url(d, f"/events/{EVENT}/sessions"), json=body, timeout=10)
    assert r.status_code == 201, r.text
    if published:
        publish(d)
    return r.json()


def passes_of(d, speaker_id):
    return d.sql("SELECT a.id, a.first_name, a.last_name, a.company, a.job_title,"
                 " a.email, a.status, a.pass_code, t.role, r.status"
                 " FROM speaker_passes p JOIN attendees a ON a.id = p.attendee_id"
                 " JOIN ticket_types t ON t.id = a.ticket_type_id"
                 " JOIN registrations r ON r.id = a.registration_id"
                 " WHERE p.speaker_id = ?", speaker_id)


def scan(d, code):
    return d.anna.post(d.url + "/api/v1/checkins", json={"code": code}, timeout=30)


def test_a_pass_comes_with_the_release_not_the_draft(admin):
    sp = speaker(admin, "Karin Ängström", company="LTH")
    s = on_programme(admin, sp, published=False)
    assert passes_of(admin, sp["id"]) == []  # in the draft only
    # Cancelled before it was ever published: still nobody's pass.
    r = admin.olle.patch(url(admin, f"/sessions/{s['id']}"),
                         json={"cancelled": True, "version": s["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    publish(admin)
    assert passes_of(admin, sp["id"]) == []
    r = admin.olle.patch(url(admin, f"/sessions/{s['id']}"),
                         json={"cancelled": False, "version": r.json()["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    publish(admin)
    assert len(passes_of(admin, sp["id"])) == 1


def test_a_speaker_on_the_programme_gets_one_pass_the_door_takes(admin):
    sp = speaker(admin, "Anna Wiśniewska", company="Sydkustens Lättmetall AB",
                 title="Materialingenjör", email="anna.w@example.se")
    assert passes_of(admin, sp["id"]) == []  # no session yet: no pass
    on_programme(admin, sp)
    rows = passes_of(admin, sp["id"])
    assert len(rows) == 1
    aid, first, last, company, title, email, status, code, role, reg = rows[0]
    assert (first, last, company, title, email) == (
        "Anna", "Wiśniewska", "Sydkustens Lättmetall AB", "Materialingenjör",
        "anna.w@example.se")
    assert (status, role, reg) == ("confirmed", "speaker", "confirmed")
    assert code.startswith("TT-")
    r = scan(admin, code)
    assert r.status_code == 200 and r.json()["result"] == "ok", r.text
    assert scan(admin, code).json()["result"] == "already_checked_in"
    # The organiser finds them among the attendees, on the speaker type.
    got = admin.olle.get(url(admin, f"/attendees/{aid}"), timeout=10).json()
    assert got["ticket_type"] == 4 and got["status"] == "confirmed"


def test_saving_again_makes_no_second_pass(admin):
    sp = speaker(admin, "Björn Håkansdotter")
    s = on_programme(admin, sp)
    first = passes_of(admin, sp["id"])
    for title in ("Ny titel", "Presshärdning"):
        r = admin.olle.patch(url(admin, f"/sessions/{s['id']}"),
                             json={"title": title, "version": s["version"]}, timeout=10)
        assert r.status_code == 200, r.text
        s = r.json()
        publish(admin)
    on_programme(admin, sp, start="15:00", end="15:30")
    assert passes_of(admin, sp["id"]) == first
    assert admin.sql("SELECT count(*) FROM attendees a JOIN speaker_passes p"
                     " ON p.attendee_id = a.id WHERE p.speaker_id = ?", sp["id"]) == [(1,)]
    # Every speaker of the demo's sessions has exactly one pass too.
    assert admin.sql("SELECT count(*), count(DISTINCT attendee_id) FROM speaker_passes") == \
        [(9, 9)]


def test_a_renamed_speaker_is_renamed_on_the_pass(admin):
    sp = speaker(admin, "Erik Håkansson", company="Pressverk Olofström AB")
    on_programme(admin, sp)
    code = passes_of(admin, sp["id"])[0][7]
    r = admin.olle.patch(url(admin, f"/speakers/{sp['id']}"),
                         json={"name": "Erika Håkansson Berg", "company": "Nordpress AB",
                               "title": "VD", "version": sp["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    row = passes_of(admin, sp["id"])[0]
    assert row[1:5] == ("Erika", "Håkansson Berg", "Nordpress AB", "VD")
    assert row[7] == code  # the same pass
    # The attendee search finds the new name.
    found = admin.olle.get(url(admin, f"/events/{EVENT}/attendees?q=erika"), timeout=10).json()
    assert [a["id"] for a in found["items"]] == [row[0]]


def test_leaving_every_session_keeps_the_pass(admin):
    sp = speaker(admin, "Leila Haddad")
    s = on_programme(admin, sp)
    r = admin.olle.patch(url(admin, f"/sessions/{s['id']}"),
                         json={"speakers": [], "version": s["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    publish(admin)
    rows = passes_of(admin, sp["id"])
    assert len(rows) == 1 and rows[0][6] == "confirmed"


def test_speakers_do_not_take_public_seats_unless_the_organiser_says(admin):
    ev = admin.olle.get(url(admin, f"/events/{EVENT}"), timeout=10).json()
    r = admin.olle.patch(url(admin, f"/events/{EVENT}"),
                         json={"capacity": 30, "version": ev["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    ev = r.json()
    assert ev["speakers_in_capacity"] is False
    before = admin.remaining(1)
    assert before == 30
    sp = speaker(admin, "Tobias Grönberg")
    on_programme(admin, sp)
    speakers = admin.sql("SELECT count(*) FROM speaker_passes")[0][0]
    assert speakers == 9
    assert admin.remaining(1) == 30
    ev = admin.olle.get(url(admin, f"/events/{EVENT}"), timeout=10).json()
    assert ev["confirmed"] == 0
    # Counted: the same seats are gone from the public's at once.
    r = admin.olle.patch(url(admin, f"/events/{EVENT}"),
                         json={"speakers_in_capacity": True, "version": ev["version"]},
                         timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["confirmed"] == speakers
    assert admin.remaining(1) == 30 - speakers
    # A speaker put on the programme now takes a seat too.
    on_programme(admin, speaker(admin, "Sofia Nyström"), start="15:00", end="15:30")
    assert admin.remaining(1) == 30 - speakers - 1
    # The count survives a restart (store_recount at start-up).
    admin.restart()
    assert admin.remaining(1) == 30 - speakers - 1
    ev = admin.sql("SELECT version FROM events WHERE id = 1")[0][0]
    admin.olle = admin.login("olle")
    r = admin.olle.patch(url(admin, f"/events/{EVENT}"),
                         json={"speakers_in_capacity": False, "version": ev}, timeout=10)
    assert r.status_code == 200 and r.json()["confirmed"] == 0
    assert admin.remaining(1) == 30


def test_an_event_without_a_speaker_type_gets_a_hidden_one(admin):
    from test_admin import make_event
    ev = make_event(admin, starts_at="2027-03-01T08:00:00+01:00",
                    ends_at="2027-03-01T17:00:00+01:00")
    r = admin.olle.post(url(admin, f"/events/{ev['id']}/speakers"),
                        json={"name": "Zoë Ødegård-Łukasiewicz"}, timeout=10)
    sp = r.json()
    r = admin.olle.post(url(admin, f"/events/{ev['id']}/sessions"), json={
        "title": "Lättviktsmaterial", "starts_at": "2027-03-01T09:00:00+01:00",
        "ends_at": "2027-03-01T10:00:00+01:00", "speakers": [sp["id"]]}, timeout=10)
    assert r.status_code == 201, r.text
    publish(admin, event=ev["id"])
    types = admin.olle.get(url(admin, f"/events/{ev['id']}/ticket-types"), timeout=10).json()
    speaker_types = [t for t in types["items"] if t["role"] == "speaker"]
    assert len(speaker_types) == 1
    t = speaker_types[0]
    assert (t["name"], t["name_en"], t["hidden"], t["price_ore"], t["confirmed"]) == \
        ("Talare", "Speaker", True, 0, 1)
    row = passes_of(admin, sp["id"])[0]
    assert row[1:3] == ("Zoë", "Ødegård-Łukasiewicz") and row[8] == "speaker"


NAMES = [
    ("Nguyễn Văn An", "Nguyễn", "Văn An"),
    ("Madonna", "Madonna", ""),
    ("山田太郎", "山田太郎", ""),
    ("Jan van der Berg", "Jan", "van der Berg"),
    ("محمد بن سلمان", "محمد", "بن سلمان"),
    ("Ana\u00a0María López", "Ana\u00a0María", "López"),
    ("<script>alert(1)</script> & \"Ö'Brien\"", "<script>alert(1)</script>",
     "& \"Ö'Brien\""),
]


@pytest.mark.parametrize("name,first,last", NAMES)
def test_names_in_any_script_split_sensibly(admin, name, first, last):
    sp = speaker(admin, name)
    on_programme(admin, sp)
    row = passes_of(admin, sp["id"])[0]
    assert (row[1], row[2]) == (first, last)
    assert row[6] == "confirmed" and row[7]


@pytest.mark.parametrize("name", ["A\u202eB", "x" * 151, "", "   ", "Anna\x00B", "Anna\nB"])
def test_hostile_names_are_refused_and_make_no_pass(admin, name):
    before = admin.sql("SELECT count(*) FROM attendees")
    r = admin.olle.post(url(admin, f"/events/{EVENT}/speakers"), json={"name": name},
                        timeout=10)
    assert r.status_code == 422, r.text
    assert "name" in r.json()["error"]["fields"]
    assert admin.sql("SELECT count(*) FROM attendees") == before


def test_speakers_without_an_address_never_clash(admin):
    a, b = speaker(admin, "Karin Bergqvist"), speaker(admin, "Karin Bergqvist")
    on_programme(admin, a, b)
    ra, rb = passes_of(admin, a["id"]), passes_of(admin, b["id"])
    assert len(ra) == 1 and len(rb) == 1 and ra[0][0] != rb[0][0]
    assert ra[0][5] == "" and rb[0][5] == ""


def test_a_speaker_who_registered_keeps_their_one_pass(admin):
    reg = admin.register().json()
    mine = reg["attendees"][0]
    sp = speaker(admin, "Åsa Lindström-Öberg", email=mine["email"].upper())
    on_programme(admin, sp)
    rows = passes_of(admin, sp["id"])
    assert [r[0] for r in rows] == [mine["id"]]
    assert admin.sql("SELECT count(*) FROM attendees WHERE email_norm = lower(?)",
                     mine["email"]) == [(1,)]


def test_a_speakers_tag_says_speaker_and_carries_the_pass(admin, tmp_path):
    sp = speaker(admin, "Mikael Åhlén", company="Nordpress Formning AB")
    on_programme(admin, sp)
    aid, code = passes_of(admin, sp["id"])[0][0], passes_of(admin, sp["id"])[0][7]
    out = str(tmp_path / "tag.pdf")
    run_badges("tags", "--db", admin.db, "--attendee", str(aid), "-o", out)
    text = pdf_text(out)
    for expected in ("SPEAKER", "Mikael", "Mikael Åhlén", "Nordpress Formning AB"):
        assert expected in text, (expected, text)
    assert "ATTENDEE" not in text
    assert qr_codes(out, str(tmp_path)) == [code]


def test_a_hostile_name_on_a_tag_is_text(admin, tmp_path):
    sp = speaker(admin, "<b>Zoë</b> & Ødegård")
    on_programme(admin, sp)
    aid = passes_of(admin, sp["id"])[0][0]
    out = str(tmp_path / "tag.pdf")
    run_badges("tags", "--db", admin.db, "--attendee", str(aid), "-o", out)
    assert "<b>Zoë</b> & Ødegård" in pdf_text(out)


def test_speakers_are_fed_whether_or_not_they_take_seats(admin):
    import csv
    import io
    speaker_count = lambda: admin.sql("SELECT count(*) FROM speaker_passes")[0][0]  # noqa: E731
    on_programme(admin, speaker(admin, "Jonas Lindqvist"))
    r = admin.olle.get(url(admin, f"/events/{EVENT}/exports/catering.csv"), timeout=30)
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    lunch = [row for row in rows if row[0] == "Lunch" and row[2] == "Ingen specialkost"]
    assert lunch and all(row[3] == str(speaker_count()) for row in lunch), rows


def test_a_type_made_a_speaker_type_leaves_the_capacity(admin):
    reg = admin.register().json()
    assert admin.olle.get(url(admin, f"/events/{EVENT}"), timeout=10).json()["confirmed"] == 1
    t = admin.olle.get(url(admin, "/ticket-types/1"), timeout=10).json()
    r = admin.olle.patch(url(admin, "/ticket-types/1"),
                         json={"role": "speaker", "version": t["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    assert admin.olle.get(url(admin, f"/events/{EVENT}"), timeout=10).json()["confirmed"] == 0
    r = admin.olle.patch(url(admin, "/ticket-types/1"),
                         json={"role": "attendee", "version": r.json()["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    assert admin.olle.get(url(admin, f"/events/{EVENT}"), timeout=10).json()["confirmed"] == 1
    assert reg["attendees"][0]["status"] == "confirmed"


def test_a_speaker_deleted_leaves_the_pass_to_the_organiser(admin):
    sp = speaker(admin, "Sofia Nyström")
    s = on_programme(admin, sp)
    aid = passes_of(admin, sp["id"])[0][0]
    r = admin.olle.patch(url(admin, f"/sessions/{s['id']}"),
                         json={"speakers": [], "version": s["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    r = admin.olle.delete(url(admin, f"/speakers/{sp['id']}?version={sp['version']}"),
                          timeout=10)
    assert r.status_code in (200, 204), r.text
    assert admin.sql("SELECT status FROM attendees WHERE id = ?", aid) == [("confirmed",)]
    assert admin.sql("SELECT count(*) FROM speaker_passes WHERE speaker_id = ?", sp["id"]) == \
        [(0,)]


def test_a_speakers_pass_is_no_registration_on_the_dashboard(admin):
    """Passes made for speakers are counted at the door and on their ticket
    type, but the registrations per day are the public's, before and after
    the restart that recounts them."""
    def per_day():
        r = admin.olle.get(admin.url + "/api/v1/admin/dashboard", timeout=10)
        assert r.status_code == 200, r.text
        return sum(day["registrations"] for day in r.json()["registrations_per_day"])

    def settled(want):
        deadline = time.time() + 3     # the dashboard may be a second old
        while per_day() != want and time.time() < deadline:
            time.sleep(0.1)
        return per_day()

    before = per_day()
    on_programme(admin, speaker(admin, "Anna Wiśniewska"), speaker(admin, "Olle Berg"))
    assert admin.register(registration(1)).status_code == 201
    assert settled(before + 1) == before + 1
    time.sleep(1.2)                     # and no speaker counted after it
    assert per_day() == before + 1
    admin.restart()
    admin.olle = admin.login("olle")
    assert per_day() == before + 1
    # Yet the two are there, on the speaker type, for the door.
    assert len(passes_of(admin, admin.sql("SELECT id FROM speakers WHERE name = ?",
                                          "Olle Berg")[0][0])) == 1
