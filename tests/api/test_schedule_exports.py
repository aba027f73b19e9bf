"""The programme as files for calendars and conference apps: programme.ics
and each session's .ics read back by a real iCalendar parser
(python3-icalendar) and checked event by event against GET
/api/v1/programme, including the daylight-saving change of the last Sunday
of October and a session across midnight; schedule.xml validated with
xmllint against the c3voc XSD and schedule.json with python3-jsonschema
against its JSON schema (copies in tests/interop/c3voc-schedule/); stable
GUIDs, ETags and 304, hostile text, and fresh bytes for every client once
an organiser's edit has been published. The files are made of the latest
release, never of the draft."""
from concurrent.futures import ThreadPoolExecutor
import datetime
import json
import os
import subprocess
import threading
import xml.etree.ElementTree as ET
import zoneinfo

from dateutil import rrule
import icalendar
import jsonschema
import pytest
import requests

from test_admin import admin, make_event, url  # noqa: F401 (admin is a fixture)

SCHEMAS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "interop", "c3voc-schedule")
XSD = os.path.join(SCHEMAS, "schedule.xml.xsd")
JSON_SCHEMA = os.path.join(SCHEMAS, "schedule.schema.json")
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SUFFIX = "@techtank-conference"
HOSTILE = 'Heta <former> & kalla, ja; nej "citat" \\ snedstreck'
LONG = ("Å, ä; ö <b>&amp;</b> " * 500)[:10000]


def make(d, what, **body):
    r = d.olle.post(url(d, f"/events/{d.ev}/{what}"), json=body, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def publish(d):
    """Publish the draft as the next release; its number."""
    r = d.olle.post(url(d, f"/events/{d.ev}/releases"), json={}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["release"]["number"]


def session(d, title, starts, ends, room=0, who=(), **over):
    body = {"title": title, "starts_at": starts, "ends_at": ends,
            "room_id": d.rooms[room]["id"] if room is not None else None,
            "speakers": [d.speakers[i]["id"] for i in who]}
    body.update(over)
    return make(d, "sessions", **body)


@pytest.fixture
def prog(admin):
    """The current event: two days over the October change, five sessions."""
    ev = make_event(admin, slug="exportdagen", name="Exportdagen; presshärdning, 2027",
                    name_en="Export day 2027", starts_at="2027-10-30T08:00:00+02:00",
                    ends_at="2027-10-31T17:00:00+01:00")
    admin.ev = ev["id"]
    r = admin.olle.post(url(admin, f"/events/{admin.ev}/current"), timeout=10)
    assert r.status_code == 200, r.text
    admin.rooms = [make(admin, "rooms", name=n, seats=s, sort=i)
                   for i, (n, s) in enumerate([("Stora salen <A&B>", 100), ("Sal B, övre; plan", 30)])]
    admin.speakers = [make(admin, "speakers", name=n, company=c)
                      for n, c in (("Åsa Lindström-Öberg", "Nordpress AB"),
                                   ("Björn Håkansdotter", "Formverk; Olofström"),
                                   ("Zoë Ødegård-Łukasiewicz", ""))]
    admin.s = {
        "plain": session(admin, "Presshärdning i praktiken", "2027-10-30T09:00:00+02:00",
                         "2027-10-30T09:45:00+02:00", who=(0, 1), title_en="Press hardening in practice",
                         abstract=HOSTILE, abstract_en="Hot and cold, yes; no", language="sv"),
        "midnight": session(admin, "Nattpass", "2027-10-30T23:30:00+02:00",
                            "2027-10-31T00:30:00+02:00", kind="workshop", language="en"),
        # 01:30 summer time to 04:00 winter time: 3 h 30 min, across 03:00.
        "dst": session(admin, "Över omställningen", "2027-10-31T01:30:00+02:00",
                       "2027-10-31T04:00:00+01:00", room=1, who=(2,)),
        "long": session(admin, "Lång, sammanfattning; <här>", "2027-10-31T10:00:00+01:00",
                        "2027-10-31T11:00:00+01:00", kind="keynote", abstract=LONG, who=(1,)),
        "break": session(admin, "Kaffe & bulle", "2027-10-31T11:00:00+01:00",
                         "2027-10-31T11:30:00+01:00", room=None, kind="break"),
    }
    assert publish(admin) == 1
    return admin


def get(d, path, **kw):
    return requests.get(d.url + path, timeout=10, **kw)


def programme_sessions(d):
    p = get(d, "/api/v1/programme").json()
    return [s for day in p["days"] for s in day["sessions"]]


def calendar(body):
    return icalendar.Calendar.from_ical(body)


def unfold(text):
    return text.replace("\r\n ", "")


def check_lines(raw):
    assert raw.endswith(b"\r\n")
    for line in raw.split(b"\r\n")[:-1]:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")  # no character split at a fold


def test_programme_ics_event_by_event(prog):
    r = get(prog, "/api/v1/programme.ics")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert r.headers["Content-Disposition"].startswith("attachment; filename=\"")
    assert ".ics" in r.headers["Content-Disposition"]
    check_lines(r.content)
    cal = calendar(r.content)
    assert str(cal["VERSION"]) == "2.0" and str(cal["CALSCALE"]) == "GREGORIAN"
    assert "PRODID" in cal
    assert str(cal["X-WR-CALNAME"]) == "Exportdagen; presshärdning, 2027"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    sessions = programme_sessions(prog)
    assert len(events) == len(sessions) == 5
    published = datetime.datetime.fromisoformat(
        get(prog, "/api/v1/programme").json()["release"]["published_at"])
    for s in sessions:
        e = events[s["uid"] + SUFFIX]
        start = datetime.datetime.fromisoformat(s["starts_at"])
        end = datetime.datetime.fromisoformat(s["ends_at"])
        assert e["DTSTART"].dt == start and e["DTEND"].dt == end
        # The wall clock and offset Stockholm has at that instant.
        assert e["DTSTART"].dt.utcoffset() == start.astimezone(STOCKHOLM).utcoffset()
        assert e["DTEND"].dt.utcoffset() == end.astimezone(STOCKHOLM).utcoffset()
        assert e["DTSTART"].params.get("TZID") == "Europe/Stockholm"
        assert str(e["SUMMARY"]) == s["title"]
        if s["room"]:
            assert str(e["LOCATION"]) == s["room"]["name"]
        else:
            assert "LOCATION" not in e
        description = str(e.get("DESCRIPTION", ""))
        assert description.startswith(s["abstract"])
        for sp in s["speakers"]:
            assert sp["name"] in description
        assert e["SEQUENCE"] == 0 and str(e["STATUS"]) == "CONFIRMED"
        assert str(e["CATEGORIES"].cats[0] if hasattr(e["CATEGORIES"], "cats")
                   else e["CATEGORIES"]) == s["kind"]
        # The release's publication, the same in every copy of it.
        assert e["DTSTAMP"].dt == published


def test_ics_escapes_text(prog):
    raw = unfold(get(prog, "/api/v1/programme.ics").content.decode())
    assert ("DESCRIPTION:Heta <former> & kalla\\, ja\\; nej \"citat\" \\\\ snedstreck\\n\\n"
            "Åsa Lindström-Öberg (Nordpress AB)\\, Björn Håkansdotter (Formverk\\; Olofström)\r\n") in raw
    assert "SUMMARY:Lång\\, sammanfattning\\; <här>\r\n" in raw
    assert "LOCATION:Sal B\\, övre\\; plan\r\n" in raw
    assert "X-WR-CALNAME:Exportdagen\\; presshärdning\\, 2027\r\n" in raw


def test_ics_10000_character_abstract(prog):
    r = get(prog, "/api/v1/programme.ics")
    check_lines(r.content)
    e = [e for e in calendar(r.content).walk("VEVENT")
         if str(e["UID"]) == prog.s["long"]["uid"] + SUFFIX][0]
    assert str(e["DESCRIPTION"]) == LONG + "\n\nBjörn Håkansdotter (Formverk; Olofström)"


def test_dst_and_midnight(prog):
    events = {str(e["UID"]): e for e in calendar(get(prog, "/api/v1/programme.ics").content).walk("VEVENT")}
    dst = events[prog.s["dst"]["uid"] + SUFFIX]
    assert dst["DTSTART"].dt.astimezone(datetime.timezone.utc) == \
        datetime.datetime(2027, 10, 30, 23, 30, tzinfo=datetime.timezone.utc)
    assert dst["DTEND"].dt.astimezone(datetime.timezone.utc) == \
        datetime.datetime(2027, 10, 31, 3, 0, tzinfo=datetime.timezone.utc)
    assert dst["DTEND"].dt - dst["DTSTART"].dt == datetime.timedelta(hours=3, minutes=30)
    assert dst["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=2)
    assert dst["DTEND"].dt.utcoffset() == datetime.timedelta(hours=1)
    night = events[prog.s["midnight"]["uid"] + SUFFIX]
    assert night["DTSTART"].dt.date() == datetime.date(2027, 10, 30)
    assert night["DTEND"].dt.date() == datetime.date(2027, 10, 31)
    assert night["DTEND"].dt - night["DTSTART"].dt == datetime.timedelta(hours=1)


def test_vtimezone_right_in_summer_and_winter(prog):
    cal = calendar(get(prog, "/api/v1/programme.ics").content)
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Stockholm"
    parts = {p.name: p for p in tz.subcomponents}
    assert set(parts) == {"DAYLIGHT", "STANDARD"}
    # Expand each rule as a calendar would: the changes of 2027 and 2028.
    for name, month, hour, day27, day28 in (("DAYLIGHT", 3, 2, 28, 26), ("STANDARD", 10, 3, 31, 29)):
        p = parts[name]
        rule = rrule.rrulestr(p["RRULE"].to_ical().decode(), dtstart=p["DTSTART"].dt)
        got = [d for d in rule.between(datetime.datetime(2027, 1, 1), datetime.datetime(2029, 1, 1))]
        assert got == [datetime.datetime(2027, month, day27, hour), datetime.datetime(2028, month, day28, hour)]
    assert parts["DAYLIGHT"]["TZOFFSETTO"].td == datetime.timedelta(hours=2)
    assert parts["STANDARD"]["TZOFFSETTO"].td == datetime.timedelta(hours=1)
    assert str(parts["DAYLIGHT"]["TZNAME"]) == "CEST" and str(parts["STANDARD"]["TZNAME"]) == "CET"
    zone = tz.to_tz()
    for when, hours in ((datetime.datetime(2027, 7, 1, 12), 2), (datetime.datetime(2027, 1, 15, 12), 1),
                        (datetime.datetime(2027, 11, 30, 9), 1), (datetime.datetime(2028, 6, 1, 9), 2)):
        local = zone.localize(when) if hasattr(zone, "localize") else when.replace(tzinfo=zone)
        assert local.utcoffset() == datetime.timedelta(hours=hours)
        assert local.utcoffset() == when.replace(tzinfo=STOCKHOLM).utcoffset()


def test_ics_in_english(prog):
    events = {str(e["UID"]): e for e in calendar(get(prog, "/api/v1/programme.ics?lang=en").content)
              .walk("VEVENT")}
    plain = events[prog.s["plain"]["uid"] + SUFFIX]
    assert str(plain["SUMMARY"]) == "Press hardening in practice"
    assert str(plain["DESCRIPTION"]).startswith("Hot and cold, yes; no\n\n")
    # No English title: the Swedish one.
    assert str(events[prog.s["dst"]["uid"] + SUFFIX]["SUMMARY"]) == "Över omställningen"
    assert get(prog, "/api/v1/programme.ics?lang=sv").content == get(prog, "/api/v1/programme.ics").content
    for bad in ("de", "EN", "x" * 300, ""):
        r = get(prog, "/api/v1/programme.ics", params={"lang": bad})
        assert r.status_code == 422 and r.json()["error"]["fields"]["lang"] == "not_a_choice"


def test_one_session_ics(prog):
    uid = prog.s["dst"]["uid"]
    r = get(prog, f"/api/v1/sessions/{uid}.ics")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Over-omstallningen.ics" in r.headers["Content-Disposition"]
    check_lines(r.content)
    cal = calendar(r.content)
    (e,) = cal.walk("VEVENT")
    assert str(e["UID"]) == uid + SUFFIX and str(e["SUMMARY"]) == "Över omställningen"
    assert len(cal.walk("VTIMEZONE")) == 1
    en = calendar(get(prog, f"/api/v1/sessions/{prog.s['plain']['uid']}.ics?lang=en").content)
    assert str(en.walk("VEVENT")[0]["SUMMARY"]) == "Press hardening in practice"


@pytest.mark.parametrize("path", [
    "00000000-0000-4000-8000-000000000000.ics", "00000000-0000-4000-8000-000000000000",
    "x.ics", ".ics", "%2e%2e%2fetc%2fpasswd.ics", "00000000-0000-4000-8000-000000000000.ics.ics",
    "00000000-0000-4000-8000-00000000000Z.ics", "A" * 5000 + ".ics"])
def test_unknown_session_is_404(prog, path):
    r = get(prog, f"/api/v1/sessions/{path}")
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "not_found"


def test_uid_upper_case_is_404(prog):
    r = get(prog, f"/api/v1/sessions/{prog.s['plain']['uid'].upper()}.ics")
    assert r.status_code == 404


def xmllint(body, tmp_path):
    path = tmp_path / "schedule.xml"
    path.write_bytes(body)
    return subprocess.run(["xmllint", "--noout", "--schema", XSD, str(path)],
                          capture_output=True, text=True, timeout=60)


def test_schedule_xml_valid_and_matches(prog, tmp_path):
    r = get(prog, "/api/v1/schedule.xml")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/xml")
    assert 'filename="schedule.xml"' in r.headers["Content-Disposition"]
    v = xmllint(r.content, tmp_path)
    assert v.returncode == 0, v.stderr
    root = ET.fromstring(r.content)
    assert root.findtext("version") == "1"
    sessions = {s["uid"]: s for s in programme_sessions(prog)}
    events = root.findall("day/room/event")
    assert len(events) == len(sessions) == 5
    for e in events:
        s = sessions[e.get("guid")]
        assert e.get("id") == str(s["id"])
        assert e.findtext("title") == s["title"]
        assert e.findtext("date") == s["starts_at"]
        assert e.findtext("room") == (s["room"]["name"] if s["room"] else "")
        assert e.findtext("abstract") == s["abstract"]
        assert [p.text for p in e.findall("persons/person")] == [sp["name"] for sp in s["speakers"]]
    dst = root.find(f"day/room/event[@guid='{prog.s['dst']['uid']}']")
    assert dst.findtext("duration") == "03:30" and dst.findtext("start") == "01:30"
    days = root.findall("day")
    assert [d.get("date") for d in days] == ["2027-10-30", "2027-10-31"]
    assert days[0].get("start") == "2027-10-30T09:00:00+02:00"
    assert days[0].get("end") == "2027-10-31T00:30:00+02:00"
    assert days[1].get("end") == "2027-10-31T11:30:00+01:00"
    assert b"Heta &lt;former&gt; &amp; kalla" in r.content


def test_schedule_json_valid_and_matches(prog):
    r = get(prog, "/api/v1/schedule.json")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    doc = r.json()
    schema = json.load(open(JSON_SCHEMA))
    errors = [e.message for e in jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.FormatChecker()).iter_errors(doc)]
    assert errors == []
    assert doc["schedule"]["version"] == "1"
    conf = doc["schedule"]["conference"]
    assert conf["time_zone_name"] == "Europe/Stockholm" and conf["daysCount"] == 2
    assert [r["capacity"] for r in conf["rooms"][:2]] == [100, 30]
    sessions = {s["uid"]: s for s in programme_sessions(prog)}
    events = [e for d in conf["days"] for evs in d["rooms"].values() for e in evs]
    assert sorted(e["guid"] for e in events) == sorted(sessions)
    for e in events:
        s = sessions[e["guid"]]
        assert e["title"] == s["title"] and e["date"] == s["starts_at"]
        assert e["abstract"] == s["abstract"]
    dst = [e for e in events if e["guid"] == prog.s["dst"]["uid"]][0]
    assert dst["duration"] == "03:30"
    long = [e for e in events if e["guid"] == prog.s["long"]["uid"]][0]
    assert long["abstract"] == LONG


def guids(d):
    x = ET.fromstring(get(d, "/api/v1/schedule.xml").content)
    j = get(d, "/api/v1/schedule.json").json()["schedule"]["conference"]
    ics = calendar(get(d, "/api/v1/programme.ics").content)
    return ({e.get("id"): e.get("guid") for e in x.findall("day/room/event")},
            {e["id"]: e["guid"] for day in j["days"] for evs in day["rooms"].values() for e in evs},
            sorted(str(e["UID"]) for e in ics.walk("VEVENT")))


def test_guids_stable_across_requests_and_edits(prog):
    first = guids(prog)
    assert first == guids(prog)
    s = prog.s["plain"]
    r = prog.olle.patch(url(prog, f"/sessions/{s['id']}"),
                        json={"title": "Ny titel", "version": s["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    # The draft is no one's but the organisers' until it is published.
    xml = ET.fromstring(get(prog, "/api/v1/schedule.xml").content)
    assert xml.find(f"day/room/event[@guid='{s['uid']}']").findtext("title") == s["title"]
    assert xml.findtext("version") == "1"
    assert publish(prog) == 2
    assert guids(prog) == first
    xml = ET.fromstring(get(prog, "/api/v1/schedule.xml").content)
    assert xml.find(f"day/room/event[@guid='{s['uid']}']").findtext("title") == "Ny titel"
    assert xml.findtext("version") == "2"


@pytest.mark.parametrize("path", ["/api/v1/programme.ics", "/api/v1/schedule.xml",
                                  "/api/v1/schedule.json", "/api/v1/programme.ics?lang=en"])
def test_etag_and_304(prog, path):
    a, b = get(prog, path), get(prog, path)
    assert a.content == b.content and a.headers["ETag"] == b.headers["ETag"]
    assert a.headers["ETag"].startswith('"') and a.headers["Cache-Control"] == "no-cache"
    nm = get(prog, path, headers={"If-None-Match": a.headers["ETag"]})
    assert nm.status_code == 304 and nm.content == b"" and nm.headers["ETag"] == a.headers["ETag"]
    assert get(prog, path, headers={"If-None-Match": '"other"'}).status_code == 200
    s = prog.s["break"]
    r = prog.olle.patch(url(prog, f"/sessions/{s['id']}"),
                        json={"title": "Fika", "version": s["version"]}, timeout=10)
    assert r.status_code == 200, r.text
    assert get(prog, path, headers={"If-None-Match": a.headers["ETag"]}).status_code == 304
    publish(prog)
    after = get(prog, path, headers={"If-None-Match": a.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != a.headers["ETag"]
    assert b"Fika" in after.content


def test_head_and_methods(prog):
    h = requests.head(prog.url + "/api/v1/schedule.json", timeout=10)
    assert h.status_code == 200 and h.content == b""
    assert int(h.headers["Content-Length"]) == len(get(prog, "/api/v1/schedule.json").content)
    r = requests.post(prog.url + "/api/v1/programme.ics", data=b"x", timeout=10)
    assert r.status_code == 405


def test_bad_session_text_refused_exports_unchanged(prog):
    before = get(prog, "/api/v1/programme.ics").content
    for body in ({"title": "rad ett\nrad två"}, {"title": "x", "abstract": "a" * 10001},
                 {"title": "x\u2028y"}, {"title": "x", "abstract": "bell\u0007"}):
        body.update(starts_at="2027-10-30T12:00:00+02:00", ends_at="2027-10-30T13:00:00+02:00")
        r = prog.olle.post(url(prog, f"/events/{prog.ev}/sessions"), json=body, timeout=10)
        assert r.status_code == 422, r.text
    r = prog.olle.post(url(prog, f"/events/{prog.ev}/sessions"), timeout=10,
                       json={"title": "slut före start", "starts_at": "2027-10-30T12:00:00+02:00",
                             "ends_at": "2027-10-30T11:00:00+02:00"})
    assert r.status_code == 422, r.text
    assert get(prog, "/api/v1/programme.ics").content == before


def test_text_the_store_never_takes_still_escaped(prog, tmp_path):
    """Newlines and controls written into the file behind the API's back."""
    prog.stop()
    prog.sql("UPDATE sessions SET abstract = ?, title = ? WHERE id = ?",
             "rad ett\nrad två\r\nrad tre\x01; slut", "Titel\tmed <tab> & \x0bvt",
             prog.s["plain"]["id"])
    prog.start()
    assert publish(prog) == 2
    raw = get(prog, "/api/v1/programme.ics").content
    check_lines(raw)
    assert "DESCRIPTION:rad ett\\nrad två\\nrad tre\\; slut" in unfold(raw.decode())
    e = [e for e in calendar(raw).walk("VEVENT") if str(e["UID"]).startswith(prog.s["plain"]["uid"])][0]
    assert str(e["DESCRIPTION"]).startswith("rad ett\nrad två\nrad tre; slut\n\n")
    x = get(prog, "/api/v1/schedule.xml")
    v = xmllint(x.content, tmp_path)
    assert v.returncode == 0, v.stderr
    ev = ET.fromstring(x.content).find(f"day/room/event[@guid='{prog.s['plain']['uid']}']")
    assert ev.findtext("title") == "Titel\tmed <tab> & vt"
    assert get(prog, "/api/v1/schedule.json").json()["schedule"]["version"] == "2"


def test_no_event_is_404(daemon):
    daemon.stop()
    daemon.sql("DELETE FROM settings WHERE key = 'current_event'")
    daemon.start()
    for path in ("/api/v1/programme.ics", "/api/v1/schedule.xml", "/api/v1/schedule.json",
                 "/api/v1/sessions/00000000-0000-4000-8000-000000000000.ics"):
        r = get(daemon, path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_empty_programme_still_valid(admin, tmp_path):
    ev = make_event(admin, slug="tom", name="Tom dag")
    assert admin.olle.post(url(admin, f"/events/{ev['id']}/current"), timeout=10).status_code == 200
    v = xmllint(get(admin, "/api/v1/schedule.xml").content, tmp_path)
    assert v.returncode == 0, v.stderr
    doc = get(admin, "/api/v1/schedule.json").json()
    schema = json.load(open(JSON_SCHEMA))
    assert list(jsonschema.Draft6Validator(schema).iter_errors(doc)) == []
    cal = calendar(get(admin, "/api/v1/programme.ics").content)
    assert cal.walk("VEVENT") == []


def test_demo_programme_exports_valid(daemon, tmp_path):
    v = xmllint(get(daemon, "/api/v1/schedule.xml").content, tmp_path)
    assert v.returncode == 0, v.stderr
    doc = get(daemon, "/api/v1/schedule.json").json()
    schema = json.load(open(JSON_SCHEMA))
    assert list(jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())
                .iter_errors(doc)) == []
    n = sum(len(d["sessions"]) for d in get(daemon, "/api/v1/programme").json()["days"])
    assert len(calendar(get(daemon, "/api/v1/programme.ics").content).walk("VEVENT")) == n == 17


def test_fresh_bytes_for_every_client_after_an_edit(prog):
    """Clients fetch all the time while the organiser renames a session; once
    the rename has returned, no worker serves the old name any more."""
    paths = ["/api/v1/programme.ics", "/api/v1/schedule.xml", "/api/v1/schedule.json",
             f"/api/v1/sessions/{prog.s['dst']['uid']}.ics"]
    stop = threading.Event()
    failures = []

    def fetch(i):
        n = 0
        with requests.Session() as s:
            while not stop.is_set():
                path = paths[(i + n) % len(paths)]
                r = s.get(prog.url + path, timeout=10)
                n += 1
                if r.status_code != 200:
                    failures.append((path, r.status_code))
                elif path.endswith(".json"):
                    json.loads(r.content)
                elif path.endswith(".xml"):
                    ET.fromstring(r.content)
                else:
                    calendar(r.content)
        return n

    s = prog.s["dst"]
    version = s["version"]
    with ThreadPoolExecutor(8) as pool:
        fetchers = [pool.submit(fetch, i) for i in range(6)]
        try:
            for k in range(15):
                title = f"Omställning {k}"
                r = prog.olle.patch(url(prog, f"/sessions/{s['id']}"),
                                    json={"title": title, "version": version}, timeout=10)
                assert r.status_code == 200, r.text
                version = r.json()["version"]
                publish(prog)
                # New connections, so that every worker is asked.
                for path in paths * 2:
                    body = requests.get(prog.url + path, timeout=10,
                                        headers={"Connection": "close"}).content.decode()
                    assert title in unfold(body).replace("\\", ""), (path, k)
        finally:
            stop.set()
        counts = [f.result() for f in fetchers]
    assert failures == []
    assert sum(counts) > 50


def test_march_change_and_sequence_of_a_moved_session(prog, tmp_path):
    """01:30 winter time to 03:30 summer time on 2027-03-28 lasts one hour."""
    s = session(prog, "Vårnatt", "2027-03-28T01:30:00+01:00", "2027-03-28T03:30:00+02:00", room=1)
    publish(prog)
    events = {str(e["UID"]): e for e in calendar(get(prog, "/api/v1/programme.ics").content).walk("VEVENT")}
    e = events[s["uid"] + SUFFIX]
    assert e["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=1)
    assert e["DTEND"].dt.utcoffset() == datetime.timedelta(hours=2)
    assert e["DTEND"].dt - e["DTSTART"].dt == datetime.timedelta(hours=1)
    assert "DTEND;TZID=Europe/Stockholm:20270328T033000" in get(prog, "/api/v1/programme.ics").text
    x = get(prog, "/api/v1/schedule.xml")
    assert xmllint(x.content, tmp_path).returncode == 0
    ev = ET.fromstring(x.content).find(f"day/room/event[@guid='{s['uid']}']")
    assert ev.findtext("duration") == "01:00" and ev.findtext("date") == "2027-03-28T01:30:00+01:00"
    assert e["SEQUENCE"] == 0
    # Moved and published: calendars see the same UID with a higher SEQUENCE.
    r = prog.olle.patch(url(prog, f"/sessions/{s['id']}"), timeout=10,
                        json={"starts_at": "2027-03-28T04:00:00+02:00",
                              "ends_at": "2027-03-28T05:00:00+02:00", "version": s["version"]})
    assert r.status_code == 200, r.text
    publish(prog)
    one = calendar(get(prog, f"/api/v1/sessions/{s['uid']}.ics").content).walk("VEVENT")
    assert len(one) == 1 and str(one[0]["UID"]) == s["uid"] + SUFFIX
    assert one[0]["SEQUENCE"] == 1
    assert one[0]["DTSTART"].dt == datetime.datetime(2027, 3, 28, 4, 0, tzinfo=STOCKHOLM)


def read_responses(sock, n):
    """n pipelined HTTP/1.1 answers with Content-Length: (status, headers, body)."""
    buf, out = b"", []
    sock.settimeout(20)
    while len(out) < n:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            assert chunk, f"closed after {len(out)} answers"
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers["content-length"])
        while len(buf) < length:
            chunk = sock.recv(65536)
            assert chunk, "closed inside a body"
            buf += chunk
        out.append((int(lines[0].split()[1]), headers, buf[:length]))
        buf = buf[length:]
    return out


def test_slow_reader_keeps_whole_answers_across_a_change(prog):
    """A client that has asked for many copies and reads none while the
    programme changes and every worker makes its files again still gets
    each copy whole: its bytes hash to the ETag sent with them."""
    import hashlib
    import socket
    n = 300
    sock = socket.create_connection(("127.0.0.1", int(prog.url.rsplit(":", 1)[1])))
    try:
        req = b"GET /api/v1/programme.ics HTTP/1.1\r\nHost: x\r\n\r\n"
        sock.sendall(req * n)
        s = prog.s["long"]
        r = prog.olle.patch(url(prog, f"/sessions/{s['id']}"),
                            json={"title": "Ändrad", "version": s["version"]}, timeout=10)
        assert r.status_code == 200, r.text
        publish(prog)
        for _ in range(20):
            assert "Ändrad" in get(prog, "/api/v1/programme.ics", headers={"Connection": "close"}).text
        answers = read_responses(sock, n)
    finally:
        sock.close()
    etags = set()
    for status, headers, body in answers:
        assert status == 200
        assert headers["etag"] == '"%s"' % hashlib.blake2b(body, digest_size=16).hexdigest()
        assert body.endswith(b"END:VCALENDAR\r\n")
        etags.add(headers["etag"])
    assert len(etags) <= 2
