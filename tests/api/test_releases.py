"""Releases of the programme: organisers edit the draft (the live tables),
publishing makes a numbered release, and the public sees only releases.
Change kinds, sequences, the attendees to tell, who may publish, nothing to
publish, concurrent publishes, the public change list and its Atom feed
(checked by xmllint and parsed back), and times across the end of summer
time in Europe/Stockholm."""
from concurrent.futures import ThreadPoolExecutor
import subprocess
import xml.etree.ElementTree as ET

import pytest
import requests

from techtank_test import person, registration
from test_admin import admin, make_event, url  # noqa: F401 (admin is a fixture)

ATOM = "{http://www.w3.org/2005/Atom}"
VISIT = 9       # the demo's study visit: sign-up, 30 seats
DINNER = 11     # the dinner: sign-up, 100 seats


def sessions_of(doc):
    return {s["id"]: s for d in doc["days"] for s in d["sessions"]}


def public(d):
    r = d.get("/api/v1/programme")
    assert r.status_code == 200, r.text
    return r.json()


def edit(d, sid, **body):
    cur = d.olle.get(url(d, f"/sessions/{sid}"), timeout=10).json()
    r = d.olle.patch(url(d, f"/sessions/{sid}"), json=dict(body, version=cur["version"]),
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def publish(d, event=1):
    return d.olle.post(url(d, f"/events/{event}/releases"), timeout=10)


def draft_changes(d, event=1):
    r = d.olle.get(url(d, f"/events/{event}/schedule/draft-changes"), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def kinds_by_session(changes):
    return {c["session"]["id"]: c["kinds"] for c in changes}


def test_the_demo_is_release_1_and_the_public_sees_it(daemon):
    p = public(daemon)
    assert p["release"]["number"] == 1
    assert p["release"]["published_at"].startswith("20")
    assert len(sessions_of(p)) == 17
    for s in sessions_of(p).values():
        assert s["sequence"] == 0 and s["cancelled"] is False
    assert sessions_of(p)[VISIT]["remaining"] == 30
    ch = daemon.get("/api/v1/programme/changes").json()
    assert ch["release"]["number"] == 1 and len(ch["releases"]) == 1
    assert ch["releases"][0]["counts"]["new"] == 17
    assert daemon.sql("SELECT count(*) FROM sessions WHERE published = 1") == [(17,)]


def test_publish_lists_each_kind_and_the_draft_stays_private(admin):
    before = public(admin)
    edit(admin, 5, starts_at="2027-11-30T13:30:00+01:00", ends_at="2027-11-30T14:00:00+01:00")
    edit(admin, 6, room_id=1, starts_at="2027-11-30T11:40:00+01:00",
         ends_at="2027-11-30T11:55:00+01:00")
    edit(admin, 7, title="Digitala tvillingar & <pressen>")
    edit(admin, 14, cancelled=True)
    r = admin.olle.delete(url(admin, "/sessions/13?version=1"), timeout=10)
    assert r.status_code in (200, 204), r.text
    r = admin.olle.post(url(admin, "/events/1/sessions"), timeout=10, json={
        "title": "Nytt pass", "starts_at": "2027-12-01T13:00:00+01:00",
        "ends_at": "2027-12-01T13:30:00+01:00", "room_id": 2})
    assert r.status_code == 201, r.text
    new = r.json()["id"]

    # Not one of these edits reaches the public before publishing.
    assert public(admin) == before
    dc = draft_changes(admin)
    assert dc["release"] == 1 and dc["nothing_changed"] is False
    kinds = kinds_by_session(dc["changes"])
    assert kinds[5] == ["moved"]
    assert kinds[6] == ["moved", "room_changed"]
    assert kinds[7] == ["changed"]
    assert kinds[14] == ["cancelled"]
    assert kinds[13] == ["cancelled"]
    assert kinds[new] == ["new"]
    assert len(kinds) == 6
    gone = next(c for c in dc["changes"] if c["session"]["id"] == 13)
    assert gone["gone"] is True and gone["after"] is None
    moved = next(c for c in dc["changes"] if c["session"]["id"] == 5)
    assert moved["before"]["starts_at"] == "2027-11-30T10:30:00+01:00"
    assert moved["after"]["starts_at"] == "2027-11-30T13:30:00+01:00"

    r = publish(admin)
    assert r.status_code == 201, r.text
    rel = r.json()
    assert rel["release"]["number"] == 2 and rel["who"] == "olle"
    assert rel["counts"] == {"new": 1, "cancelled": 2, "moved": 2, "room_changed": 1,
                             "changed": 1, "sessions": 6}
    p = public(admin)
    assert p["release"] == rel["release"]
    s = sessions_of(p)
    assert s[5]["starts_at"] == "2027-11-30T13:30:00+01:00" and s[5]["sequence"] == 1
    assert s[6]["room"]["id"] == 1 and s[6]["sequence"] == 1
    assert s[7]["title"] == "Digitala tvillingar & <pressen>" and s[7]["sequence"] == 0
    assert s[14]["cancelled"] is True       # stays, shown as cancelled
    assert 13 not in s and new in s and s[new]["sequence"] == 0
    assert admin.sql("SELECT sequence, published FROM sessions WHERE id IN (5, 14)"
                     " ORDER BY id") == [(1, 1), (0, 0)]

    # The list and one release, for the organiser.
    lst = admin.olle.get(url(admin, "/events/1/releases"), timeout=10).json()["releases"]
    assert [x["number"] for x in lst] == [2, 1]
    assert lst[0]["counts"]["cancelled"] == 2 and lst[0]["who"] == "olle"
    one = admin.olle.get(url(admin, "/events/1/releases/2"), timeout=10).json()
    assert kinds_by_session(one["changes"]) == kinds and one["affected"] == []
    assert admin.olle.get(url(admin, "/events/1/releases/3"), timeout=10).status_code == 404
    assert admin.olle.get(url(admin, "/events/1/releases/x"), timeout=10).status_code == 404
    assert admin.olle.get(url(admin, "/events/99/releases"), timeout=10).status_code == 404
    # The public change list: the latest release's changes, and each one's.
    ch = admin.get("/api/v1/programme/changes").json()
    assert ch["release"]["number"] == 2 and kinds_by_session(ch["changes"]) == kinds
    assert [x["number"] for x in ch["releases"]] == [2, 1]
    assert "affected" not in ch and "email" not in admin.get(
        "/api/v1/programme/changes").text
    # Audited.
    audit = admin.sql("SELECT action, detail FROM audit_log WHERE action = 'release.publish'")
    assert audit == [("release.publish", '{"event":1,"number":2}')]


def test_a_moved_session_raises_its_sequence_once_per_release(admin):
    for n, start in enumerate(("11:00", "11:10", "11:20"), start=2):
        edit(admin, 16, starts_at=f"2027-12-01T{start}:00+01:00",
             ends_at=f"2027-12-01T{start[:2]}:50:00+01:00")
        assert publish(admin).json()["release"]["number"] == n
        assert sessions_of(public(admin))[16]["sequence"] == n - 1
    edit(admin, 16, title="Avslutning")
    publish(admin)
    assert sessions_of(public(admin))[16]["sequence"] == 3


def test_nothing_to_publish_is_409(admin):
    r = publish(admin)
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_changed"
    assert r.json()["error"]["params"] == {"release": 1}
    assert draft_changes(admin)["nothing_changed"] is True
    # Seats taken between releases are no change to publish.
    assert admin.register(registration(1)).status_code == 201
    body = registration(1)
    body["attendees"][0]["sessions"] = [VISIT]
    assert admin.register(body).status_code == 201
    assert publish(admin).status_code == 409
    assert sessions_of(public(admin))[VISIT]["remaining"] == 29
    # An abstract is no change of a kind, but it is a change to publish.
    edit(admin, 3, abstract="Ny sammanfattning")
    dc = draft_changes(admin)
    assert dc["changes"] == [] and dc["nothing_changed"] is False
    r = publish(admin)
    assert r.status_code == 201 and r.json()["changes"] == []
    assert admin.sql("SELECT count(*) FROM releases") == [(2,)]


def test_attendees_of_moved_or_cancelled_sessions_are_listed(admin):
    body = registration(2)
    body["attendees"][0].update(first_name="Åsa", last_name="Lindström-Öberg",
                                email="asa@example.se", sessions=[VISIT, DINNER])
    body["attendees"][1].update(first_name="Björn", last_name="Håkansdotter",
                                email="bjorn@example.se", sessions=[DINNER])
    assert admin.register(body).status_code == 201
    other = registration(1)
    other["attendees"][0].update(email="zoe@example.se", sessions=[VISIT])
    assert admin.register(other).status_code == 201
    edit(admin, VISIT, starts_at="2027-11-30T13:30:00+01:00", ends_at="2027-11-30T16:30:00+01:00")
    edit(admin, DINNER, cancelled=True)
    edit(admin, 3, title="Ny titel")        # changed only: nobody to tell
    assert publish(admin).status_code == 201
    rel = admin.olle.get(url(admin, "/events/1/releases/2"), timeout=10).json()
    got = sorted((a["email"], a["session"]["id"], tuple(a["kinds"])) for a in rel["affected"])
    assert got == [("asa@example.se", VISIT, ("moved",)),
                   ("asa@example.se", DINNER, ("cancelled",)),
                   ("bjorn@example.se", DINNER, ("cancelled",)),
                   ("zoe@example.se", VISIT, ("moved",))]
    asa = next(a for a in rel["affected"] if a["email"] == "asa@example.se")
    assert asa["first_name"] == "Åsa" and asa["last_name"] == "Lindström-Öberg"
    assert asa["session"]["title"].startswith("Studiebesök")
    assert {a["place"] for a in rel["affected"]} == {"seat"}
    # A cancelled attendee is nobody to tell any more.
    bjorn = admin.sql("SELECT id FROM attendees WHERE email = 'bjorn@example.se'")[0][0]
    assert admin.olle.post(url(admin, f"/attendees/{bjorn}/cancel"), timeout=10).status_code == 200
    rel = admin.olle.get(url(admin, "/events/1/releases/2"), timeout=10).json()
    assert "bjorn@example.se" not in {a["email"] for a in rel["affected"]}


def test_those_in_line_for_a_moved_session_are_listed_as_the_outbox_tells_them(admin):
    """The release lists whom the outbox writes to: the seated and those in
    the session's line alike, each with their place."""
    edit(admin, VISIT, seats=1, waitlist=True)
    for email in ("seat@example.se", "line@example.se"):
        body = registration(1)
        body["attendees"][0].update(email=email, sessions=[VISIT])
        assert admin.register(body).status_code == 201
    edit(admin, VISIT, starts_at="2027-11-30T13:30:00+01:00", ends_at="2027-11-30T16:30:00+01:00")
    assert publish(admin).status_code == 201
    rel = admin.olle.get(url(admin, "/events/1/releases/2"), timeout=10).json()
    assert sorted((a["email"], a["place"]) for a in rel["affected"]) == [
        ("line@example.se", "waiting"), ("seat@example.se", "seat")]
    told = admin.sql("SELECT recipient FROM outbox WHERE kind = 'session_moved' ORDER BY 1")
    assert told == [("line@example.se",), ("seat@example.se",)]


ENDPOINTS = [("POST", "/events/1/releases"), ("GET", "/events/1/releases"),
             ("GET", "/events/1/releases/1"), ("GET", "/events/1/schedule/draft-changes")]


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_only_organisers_publish_or_read_releases(admin, method, path):
    edit(admin, 3, title="Utkast")
    anonymous = requests.request(method, url(admin, path), timeout=10)
    assert anonymous.status_code == 401
    door = admin.anna.request(method, url(admin, path), timeout=10)
    assert door.status_code == 403 and door.json()["error"]["code"] == "forbidden"
    if method == "POST":
        no_csrf = requests.post(url(admin, path), timeout=10, cookies=admin.olle.cookies)
        assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "csrf"
    assert admin.sql("SELECT count(*) FROM releases") == [(1,)]
    assert sessions_of(public(admin))[3]["title"] != "Utkast"


def test_concurrent_publishes_number_without_gaps_or_twins(admin):
    def one(i):
        sid = 2 + i % 15
        if sid == 13:
            sid = 17
        for _ in range(5):
            cur = admin.olle.get(url(admin, f"/sessions/{sid}"), timeout=30).json()
            r = admin.olle.patch(url(admin, f"/sessions/{sid}"), timeout=30, json={
                "version": cur["version"], "title": f"Pass {i}"})
            if r.status_code == 200:
                break
        r = publish(admin)
        assert r.status_code in (201, 409), r.text
        return r.json()["release"]["number"] if r.status_code == 201 else None

    with ThreadPoolExecutor(24) as pool:
        got = [n for n in pool.map(one, range(48)) if n is not None]
    assert len(got) == len(set(got)) and got
    numbers = [n for n, in admin.sql("SELECT number FROM releases WHERE event_id = 1"
                                     " ORDER BY number")]
    assert numbers == list(range(1, len(numbers) + 1))
    assert sorted(got) == numbers[1:]
    assert public(admin)["release"]["number"] == numbers[-1]
    # The last release holds every edit: nothing is left to publish.
    assert draft_changes(admin)["nothing_changed"] is True


def xmllint_ok(text, tmp):
    path = tmp + "/feed.xml"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    r = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_atom_feed_is_valid_escaped_and_stable(admin):
    hostile = "Pressar < verktyg & \"formar\" ]]> <script>"
    edit(admin, 5, title=hostile, title_en=hostile, starts_at="2027-11-30T13:30:00+01:00",
         ends_at="2027-11-30T14:00:00+01:00")
    r = admin.olle.post(url(admin, "/events/1/sessions"), timeout=10, json={
        "title": "Rad ett\nrad två", "title_en": "Line one & <two>",
        "starts_at": "2027-12-01T13:00:00+01:00", "ends_at": "2027-12-01T13:30:00+01:00"})
    newline_ok = r.status_code == 201
    if not newline_ok:  # a title may refuse a newline; never break the feed
        assert r.status_code == 422, r.text
    assert publish(admin).status_code == 201
    feeds = {}
    for lang in ("sv", "en"):
        r = admin.get(f"/api/v1/programme/changes.atom?lang={lang}")
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("application/atom+xml")
        xmllint_ok(r.text, admin.tmp)
        root = ET.fromstring(r.content)
        assert root.tag == ATOM + "feed"
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert root.find(ATOM + "id").text and root.find(ATOM + "updated").text
        assert root.find(ATOM + "author/" + ATOM + "name").text == "Techtank Conference 2027"
        entries = root.findall(ATOM + "entry")
        assert len(entries) == 2
        for e in entries:
            assert e.find(ATOM + "id").text.startswith("urn:uuid:")
            assert e.find(ATOM + "updated").text and e.find(ATOM + "title").text
        content = entries[0].find(ATOM + "content").text
        assert hostile in content
        assert "&lt;" in r.text and "<script>" not in r.text
        feeds[lang] = ([e.find(ATOM + "id").text for e in entries], content)
    sv_ids, sv = feeds["sv"]
    en_ids, en = feeds["en"]
    assert sv_ids == en_ids and len(set(sv_ids)) == 2
    assert "Flyttat: " + hostile in sv and "Moved: " + hostile in en
    if newline_ok:
        assert "Nytt: Rad ett\nrad två" in sv and "New: Line one & <two>" in en
    # Ids stay what they were when a later release comes.
    edit(admin, 3, title="Ännu en")
    publish(admin)
    root = ET.fromstring(admin.get("/api/v1/programme/changes.atom").content)
    ids = [e.find(ATOM + "id").text for e in root.findall(ATOM + "entry")]
    assert ids[1:] == sv_ids
    # Only sv and en.
    for bad in ("de", "", "x" * 50, "sv'"):
        r = admin.get("/api/v1/programme/changes.atom?lang=" + bad)
        assert r.status_code == 422 and r.json()["error"]["fields"] == {"lang": "not_a_choice"}


def test_a_move_across_the_end_of_summer_time_shows_both_offsets(admin):
    # 2027-10-31 is the last Sunday of October: 03:00 CEST becomes 02:00 CET.
    edit(admin, 15, starts_at="2027-10-30T10:00:00+02:00", ends_at="2027-10-30T10:45:00+02:00")
    assert publish(admin).status_code == 201
    s = sessions_of(public(admin))[15]
    assert s["starts_at"] == "2027-10-30T10:00:00+02:00"
    edit(admin, 15, starts_at="2027-10-31T01:30:00Z", ends_at="2027-10-31T02:30:00Z")
    dc = draft_changes(admin)
    c = next(c for c in dc["changes"] if c["session"]["id"] == 15)
    assert c["kinds"] == ["moved"]
    assert c["before"]["starts_at"] == "2027-10-30T10:00:00+02:00"
    assert c["after"]["starts_at"] == "2027-10-31T02:30:00+01:00"
    assert c["after"]["ends_at"] == "2027-10-31T03:30:00+01:00"
    assert publish(admin).status_code == 201
    p = public(admin)
    s = sessions_of(p)[15]
    assert s["starts_at"] == "2027-10-31T02:30:00+01:00" and s["sequence"] == 2
    day = next(d for d in p["days"] if any(x["id"] == 15 for x in d["sessions"]))
    assert day["date"] == "2027-10-31"
    # And back into summer time: an hour that happened twice is no problem.
    edit(admin, 15, starts_at="2027-10-31T00:30:00Z", ends_at="2027-10-31T01:00:00Z")
    publish(admin)
    assert sessions_of(public(admin))[15]["starts_at"] == "2027-10-31T02:30:00+02:00"


def test_sign_up_only_to_published_sessions_not_cancelled(admin):
    r = admin.olle.post(url(admin, "/events/1/sessions"), timeout=10, json={
        "title": "Workshop", "kind": "workshop", "signup": True, "seats": 10,
        "starts_at": "2027-12-01T13:00:00+01:00", "ends_at": "2027-12-01T14:00:00+01:00",
        "room_id": 3})
    assert r.status_code == 201
    draft = r.json()["id"]

    def sign_up(sid):
        body = registration(1)
        body["attendees"][0]["sessions"] = [sid]
        return admin.register(body)

    r = sign_up(draft)
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"attendees.0.sessions": "not_a_choice"}
    assert publish(admin).status_code == 201
    assert sign_up(draft).status_code == 201
    # Cancelled in the draft: no more sign-ups, even before publishing.
    edit(admin, VISIT, cancelled=True)
    assert sign_up(VISIT).status_code == 422
    assert publish(admin).status_code == 201
    assert sign_up(VISIT).status_code == 422
    edit(admin, VISIT, cancelled=False)
    assert sign_up(VISIT).status_code == 422   # until it is published again
    assert publish(admin).status_code == 201
    assert sign_up(VISIT).status_code == 201


def test_a_cancelled_session_frees_its_room_and_speakers(admin):
    edit(admin, 5, cancelled=True)
    # Session 7 is in Sal Ronneby right after 5; it may now take 5's time.
    s = edit(admin, 7, starts_at="2027-11-30T10:30:00+01:00",
             ends_at="2027-11-30T11:00:00+01:00")
    assert s["starts_at"] == "2027-11-30T10:30:00+01:00"
    cur = admin.olle.get(url(admin, "/sessions/5"), timeout=10).json()
    r = admin.olle.patch(url(admin, "/sessions/5"), timeout=10,
                         json={"version": cur["version"], "cancelled": False})
    assert r.status_code == 409 and r.json()["error"]["code"] == "clash"
    r = admin.olle.patch(url(admin, "/sessions/5"), timeout=10,
                         json={"version": cur["version"], "cancelled": "yes"})
    assert r.status_code == 422


def test_an_event_with_nothing_published(admin):
    ev = make_event(admin)
    r = admin.olle.post(url(admin, f"/events/{ev['id']}/rooms"), json={"name": "Sal A"},
                        timeout=10)
    assert r.status_code == 201
    r = admin.olle.post(url(admin, f"/events/{ev['id']}/sessions"), timeout=10, json={
        "title": "Utkast", "starts_at": "2027-03-01T10:00:00+01:00",
        "ends_at": "2027-03-01T11:00:00+01:00"})
    assert r.status_code == 201
    assert admin.olle.post(url(admin, f"/events/{ev['id']}/current"),
                           timeout=10).status_code == 200
    p = public(admin)
    assert p["release"] is None and p["days"] == [] and p["rooms"] == []
    assert p["event"]["id"] == ev["id"]
    ch = admin.get("/api/v1/programme/changes").json()
    assert ch["release"] is None and ch["releases"] == [] and ch["changes"] == []
    feed = admin.get("/api/v1/programme/changes.atom")
    xmllint_ok(feed.text, admin.tmp)
    assert ET.fromstring(feed.content).findall(ATOM + "entry") == []
    dc = draft_changes(admin, ev["id"])
    assert dc["release"] is None and [c["kinds"] for c in dc["changes"]] == [["new"]]
    # A restart publishes nothing by itself.
    admin.stop()
    admin.start()
    assert public(admin)["release"] is None
    olle = admin.login("olle")
    r = olle.post(url(admin, f"/events/{ev['id']}/releases"), timeout=10)
    assert r.status_code == 201 and r.json()["release"]["number"] == 1
    p = public(admin)
    assert p["release"]["number"] == 1 and [s["title"] for s in sessions_of(p).values()] == [
        "Utkast"]
    assert admin.olle.post(url(admin, "/events/99/releases"), timeout=10).status_code in (
        401, 403, 404)


def test_an_older_database_keeps_its_programme_as_release_1(daemon):
    before = daemon.get("/api/v1/programme").json()
    daemon.stop()
    daemon.downgrade(12)
    daemon.start()
    p = daemon.get("/api/v1/programme").json()
    assert p["release"]["number"] == 1
    assert [s["title"] for s in sessions_of(p).values()] == [
        s["title"] for s in sessions_of(before).values()]
    assert daemon.sql("SELECT count(*) FROM releases WHERE snapshot IS NULL") == [(0,)]
    body = registration(1)
    body["attendees"][0]["sessions"] = [VISIT]
    assert daemon.register(body).status_code == 201


def test_seats_left_follow_sign_ups_between_releases(daemon):
    # Each worker keeps the release parsed; a seat taken must still show
    # at once, on every worker, and a registration without a session
    # sign-up leaves the answer as it was.
    for _ in range(4):
        assert sessions_of(public(daemon))[VISIT]["remaining"] == 30
    before = daemon.get("/api/v1/programme").content
    assert daemon.register(registration(1)).status_code == 201
    for _ in range(4):
        assert daemon.get("/api/v1/programme").content == before
    for n in (29, 28):
        body = registration(1)
        body["attendees"][0]["sessions"] = [VISIT, DINNER]
        assert daemon.register(body).status_code == 201
        for _ in range(4):
            s = sessions_of(public(daemon))
            assert s[VISIT]["remaining"] == n and s[DINNER]["remaining"] == n + 70
    assert public(daemon)["release"]["number"] == 1


def test_atom_holds_what_sql_wrote_newlines_and_control_characters(admin):
    # The API refuses control characters in a title; SQL (an organiser's,
    # a copied event) may still write them. The feed stays well-formed.
    r = edit(admin, 3, title="Ordinär")
    assert r["title"] == "Ordinär"
    admin.sql("UPDATE sessions SET title = ?1, title_en = ?1,"
              " starts_at = starts_at + 600, ends_at = ends_at + 600 WHERE id = 3",
              "Rad ett\nrad två <&> \x01\x1f slut")
    assert publish(admin).status_code == 201
    for lang in ("sv", "en"):
        r = admin.get(f"/api/v1/programme/changes.atom?lang={lang}")
        xmllint_ok(r.text, admin.tmp)
        content = ET.fromstring(r.content).find(ATOM + "entry/" + ATOM + "content").text
        assert "Rad ett\nrad två <&>  slut" in content
        assert "\x01" not in r.text and "\x1f" not in r.text
    # The JSON keeps what was written, escaped as JSON.
    ch = admin.get("/api/v1/programme/changes").json()
    assert ch["changes"][0]["session"]["title"] == "Rad ett\nrad två <&> \x01\x1f slut"


def test_a_move_across_the_start_of_summer_time(admin):
    # 2027-03-28 is the last Sunday of March: 02:00 CET becomes 03:00 CEST.
    edit(admin, 15, starts_at="2027-03-27T10:00:00+01:00", ends_at="2027-03-27T11:00:00+01:00")
    publish(admin)
    edit(admin, 15, starts_at="2027-03-28T00:30:00Z", ends_at="2027-03-28T01:30:00Z")
    c = next(c for c in draft_changes(admin)["changes"] if c["session"]["id"] == 15)
    assert c["before"]["starts_at"] == "2027-03-27T10:00:00+01:00"
    assert c["after"]["starts_at"] == "2027-03-28T01:30:00+01:00"
    assert c["after"]["ends_at"] == "2027-03-28T03:30:00+02:00"
    publish(admin)
    s = sessions_of(public(admin))[15]
    assert (s["starts_at"], s["ends_at"]) == ("2027-03-28T01:30:00+01:00",
                                              "2027-03-28T03:30:00+02:00")


@pytest.mark.parametrize("path,status", [
    ("/events/1/releases/0", 404), ("/events/1/releases/-1", 404),
    ("/events/1/releases/99999999999999999999", 404), ("/events/1/releases/1x", 404),
    ("/events/0/releases", 404), ("/events/x/releases", 404),
    ("/events/99999999999999999999/schedule/draft-changes", 404),
    ("/events/1/releases/%00", 400)])
def test_hostile_release_paths_are_refused(admin, path, status):
    r = admin.olle.get(url(admin, path), timeout=10)
    assert r.status_code == status
    assert r.json()["error"]["code"] == ("not_found" if status == 404 else "bad_request")


def test_a_publish_reads_no_body_and_a_bad_one_changes_nothing(admin):
    edit(admin, 3, title="Ny")
    r = admin.olle.post(url(admin, "/events/99/releases"), timeout=10)
    assert r.status_code == 404
    r = admin.olle.post(url(admin, "/events/1/releases"), data=b"\xff\xfe{", timeout=10,
                        headers={"Content-Type": "application/json"})
    assert r.status_code in (201, 400, 422), r.text
    if r.status_code != 201:
        assert admin.sql("SELECT count(*) FROM releases") == [(1,)]
    r = admin.olle.post(url(admin, "/events/1/releases"), json={"number": 7, "force": True},
                        timeout=10)
    assert r.status_code in (201, 409)
    numbers = [n for n, in admin.sql("SELECT number FROM releases ORDER BY number")]
    assert numbers == list(range(1, len(numbers) + 1)) and 7 not in numbers[:2]
