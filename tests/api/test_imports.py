"""The organisers' imports (POST /api/v1/admin/events/{id}/imports/attendees
and .../speakers): who may import, the preview (?dry_run=1) with every
problem as a code on its row and column, hostile files that write nothing,
files in Windows-1252 with semicolons that keep every letter, seats taken
as online (confirmed, waitlisted, or the whole import refused), and imports
beside a rush of online registrations."""
from concurrent.futures import ThreadPoolExecutor
import csv
import io

import pytest
import requests

from techtank_test import registration

HEAD = "Förnamn;Efternamn;E-post;Företag;Biljettyp;Sessioner"
CSV = {"Content-Type": "text/csv; charset=utf-8"}


@pytest.fixture
def org(daemon):
    daemon.add_user("anna", "door")
    daemon.add_user("olle", "organiser")
    daemon.anna = daemon.login("anna")
    daemon.olle = daemon.login("olle")
    return daemon


def url(d, kind="attendees", event=1, dry=False):
    u = f"{d.url}/api/v1/admin/events/{event}/imports/{kind}"
    return u + "?dry_run=1" if dry else u


def send(d, body, kind="attendees", dry=False, who=None, headers=CSV, event=1):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return (who or d.olle).post(url(d, kind, event, dry), data=body, headers=headers,
                                timeout=60)


def rows_csv(n, ticket="Member", start=0, head=HEAD, sep=";"):
    lines = [head.replace(";", sep)]
    for i in range(start, start + n):
        lines.append(sep.join([f"Namn{i}", "Efternamnsson", f"imp{i}@example.se",
                               "Pressverk AB", ticket, ""]))
    return "\r\n".join(lines) + "\r\n"


def count(d, table="attendees"):
    return d.sql(f"SELECT count(*) FROM {table}")[0][0]


def counts(d):
    return {t: count(d, t) for t in ("attendees", "registrations", "speakers",
                                     "attendee_sessions", "audit_log")}


def row_errors(r):
    """{line: {column: code}} of a refused import or a preview."""
    body = r.json()
    rows = body["error"]["fields"]["rows"] if "error" in body else body["rows"]
    return {row["line"]: {c: e["code"] for c, e in row["errors"].items()}
            for row in rows if row["errors"]}


def test_organisers_only(org):
    body = rows_csv(1).encode()
    for kind in ("attendees", "speakers"):
        anonymous = requests.post(url(org, kind), data=body, headers=CSV, timeout=10)
        assert anonymous.status_code == 401
        door = send(org, body, kind, who=org.anna)
        assert door.status_code == 403 and door.json()["error"]["code"] == "forbidden"
        door = send(org, body, kind, dry=True, who=org.anna)
        assert door.status_code == 403
    # Without the CSRF header a logged-in organiser's browser is refused too.
    bare = requests.Session()
    bare.cookies.update(org.olle.cookies)
    assert bare.post(url(org), data=body, headers=CSV, timeout=10).status_code == 403
    assert count(org) == 0


def test_preview_writes_nothing_and_says_what_each_row_gets(org):
    before = counts(org)
    r = send(org, rows_csv(3) + "Åsa;Lindström-Öberg;asa@example.se;;Student;"
             "Studiebesök: presslinjen hos Pressverk Olofström\r\n", dry=True)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["valid"] is True and p["total"] == 4 and p["invalid"] == 0
    assert p["separator"] == ";" and p["encoding"] == "utf-8"
    assert [c["column"] for c in p["columns"]] == [
        "first_name", "last_name", "email", "company", "ticket_type", "sessions"]
    assert [row["status"] for row in p["rows"]] == ["confirmed"] * 4
    assert p["rows"][3]["values"]["last_name"] == "Lindström-Öberg"
    assert p["rows"][3]["line"] == 5
    assert counts(org) == before


def test_headers_in_english_any_case_and_unknown_ones_reported(org):
    body = ("FIRST_NAME,last name,E-Mail,Company,Ticket type,Shoe size\n"
            "Zoë,Ødegård-Łukasiewicz,zoe@example.se,KTH,2,44\n")
    p = send(org, body, dry=True).json()
    assert p["separator"] == ","
    assert p["unknown_columns"] == ["Shoe size"]
    assert p["valid"] is True
    assert p["rows"][0]["values"] == {"first_name": "Zoë", "last_name": "Ødegård-Łukasiewicz",
                                      "email": "zoe@example.se", "company": "KTH",
                                      "ticket_type": "2"}
    # Tabs as well, and accents left out of the Swedish names.
    p = send(org, "fornamn\tefternamn\tepost\tbiljett\nA\tB\tab@example.se\tmember\n",
             dry=True).json()
    assert p["separator"] == "\t" and p["valid"] is True


def test_missing_and_repeated_columns_refuse_the_file(org):
    r = send(org, "Förnamn;Efternamn;Förnamn\nA;B;C\n", dry=True)
    assert r.status_code == 200
    errors = [(e["code"], e["params"]["column"]) for e in r.json()["errors"]]
    assert ("duplicate_column", "first_name") in errors
    assert ("missing_column", "email") in errors
    assert ("missing_column", "ticket_type") in errors
    assert r.json()["valid"] is False
    r = send(org, "Förnamn;Efternamn;Förnamn\nA;B;C\n")
    assert r.status_code == 422 and r.json()["error"]["code"] == "import_invalid"
    assert count(org) == 0


def test_hostile_file_gets_clear_row_errors_and_writes_nothing(org):
    before = counts(org)
    big = "x" * (1024 * 1024)
    lines = [
        HEAD.encode(),
        "=HYPERLINK(\"http://evil\");@SUM(A1);formula@example.se;+46 70;Member;".encode(),
        "<script>alert(1)</script>;<b>Öberg</b>;html@example.se;<img src=x>;Member;".encode(),
        b"Nul\x00l;Person;nul@example.se;;Member;",
        b"Bad\x81byte;Person;bytes@example.se;;Member;",
        f"\"{big}\";Person;big@example.se;;Member;".encode(),
        b"Only;two",
        b"One;Two;three@example.se;;Member;;extra",
        "\"Say \"\"hi\"\"\";\"Two\nlines\";quotes@example.se;\"A;B\";Member;".encode(),
        b"Fine;Person;not-an-address;;Member;",
        b"\"Never closed;Person;open@example.se;;Member;",
    ]
    body = b"\r\n".join(lines) + b"\r\n"
    r = send(org, body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "import_invalid"
    errors = row_errors(r)
    assert errors[4] == {"first_name": "nul"}
    assert errors[5] == {"first_name": "encoding"}
    assert errors[6] == {"first_name": "too_long"}
    assert errors[7] == {"row": "ragged"}
    assert errors[8] == {"row": "ragged"}
    assert errors[11]["email"] == "invalid"
    assert errors[12] == {"row": "unclosed_quote"}
    # Quotes inside quotes and a newline in a cell are read as RFC 4180
    # has them (line 9 holds a line break, so the next row starts on line
    # 11); a line break in a name is then refused, as online.
    assert errors[9] == {"last_name": "invalid"}
    assert 2 not in errors and 3 not in errors and 10 not in errors
    p = send(org, body, dry=True).json()
    by_line = {row["line"]: row for row in p["rows"]}
    assert by_line[9]["values"]["first_name"] == 'Say "hi"'
    assert by_line[9]["values"]["last_name"] == "Two\nlines"
    assert by_line[9]["values"]["company"] == "A;B"
    # Formulas and HTML are names like any other: text, kept as typed.
    assert by_line[2]["values"]["first_name"] == '=HYPERLINK("http://evil")'
    assert by_line[3]["values"]["company"] == "<img src=x>"
    assert by_line[6]["errors"]["first_name"]["params"] == {"max": 4096}
    assert by_line[7]["errors"]["row"]["params"] == {"cells": 2, "expected": 6}
    # A stray byte in a UTF-8 file is that cell's: the rest stays UTF-8.
    assert p["encoding"] == "utf-8"
    assert by_line[3]["values"]["last_name"] == "<b>Öberg</b>"
    assert counts(org) == before


def test_formulas_imported_stay_text_in_the_export(org):
    body = HEAD + "\n=1+1;@SUM(A1);formula@example.se;-2;Member;\n"
    assert send(org, body).status_code == 201
    assert org.sql("SELECT first_name, last_name, company FROM attendees") == [
        ("=1+1", "@SUM(A1)", "-2")]
    r = org.olle.get(f"{org.url}/api/v1/admin/events/1/exports/attendees.csv", timeout=30)
    rows = list(csv.reader(io.StringIO(r.content[3:].decode(), newline=""), delimiter=";"))
    assert rows[1][2] == "'=1+1" and rows[1][3] == "'@SUM(A1)"


def test_failing_last_row_writes_nothing(org):
    before = counts(org)
    body = rows_csv(199) + "Sist;Raden;imp0@example.se;;Member;\r\n"
    r = send(org, body)
    assert r.status_code == 422
    assert row_errors(r) == {201: {"email": "duplicate"}}
    assert r.json()["error"]["fields"]["rows"][0]["errors"]["email"]["params"] == {"line": 2}
    assert counts(org) == before
    # Its last row's ticket type unknown: the same.
    r = send(org, rows_csv(50) + "Sist;Raden;sist@example.se;;Gold;\r\n")
    assert r.status_code == 422 and row_errors(r) == {52: {"ticket_type": "not_a_choice"}}
    assert counts(org) == before


def test_address_registered_online_is_taken(org):
    body = registration()
    body["attendees"][0]["email"] = "imp1@example.se"
    assert org.register(body).status_code == 201
    before = counts(org)
    r = send(org, rows_csv(3))
    assert r.status_code == 422 and row_errors(r) == {3: {"email": "taken"}}
    assert counts(org) == before


def test_windows_1252_with_semicolons_round_trips(org):
    names = [("Åsa", "Lindström-Öberg", "Pressverk i Olofström AB"),
             ("Björn", "Håkansdotter", "Gjuteri & Smide"),
             ("Zoë", "Ødegård", "Société Générale – “Träfabriken”")]
    text = "Förnamn;Efternamn;E-post;Företag;Biljettyp;Specialkost\r\n" + "".join(
        f"{f};{l};p{i}@example.se;{c};Member;Glutenfri, laktosfri\r\n"
        for i, (f, l, c) in enumerate(names))
    body = text.encode("cp1252")
    assert b"\xc5sa" in body and b"\x96" in body and b"\x93" in body
    p = send(org, body, dry=True).json()
    assert p["encoding"] == "windows-1252" and p["valid"] is True
    r = send(org, body)
    assert r.status_code == 201, r.text
    assert r.json() == {"kind": "attendees", "event": 1, "imported": 3,
                        "confirmed": 3, "waitlisted": 0}
    got = org.sql("SELECT first_name, last_name, company, dietary FROM attendees ORDER BY id")
    assert got == [(f, l, c, "Glutenfri, laktosfri") for f, l, c in names]
    # Each is a registration of its own with a pass, as online.
    regs = org.sql("SELECT contact_first_name, contact_last_name, status FROM registrations"
                   " ORDER BY id")
    assert regs == [(f, l, "confirmed") for f, l, _ in names]
    assert org.sql("SELECT count(*) FROM attendees WHERE pass_code IS NOT NULL")[0][0] == 3
    # And the search finds them unaccented.
    found = org.olle.get(f"{org.url}/api/v1/admin/events/1/attendees",
                         params={"q": "lindstrom oberg"}, timeout=10).json()
    assert [a["last_name"] for a in found["items"]] == ["Lindström-Öberg"]


def test_utf8_with_bom_and_comma(org):
    body = b"\xef\xbb\xbf" + rows_csv(2, sep=",").encode()
    p = send(org, body, dry=True).json()
    assert p["encoding"] == "utf-8-bom" and p["separator"] == ","
    assert p["columns"][0]["header"] == "Förnamn"
    assert send(org, body).status_code == 201
    assert count(org) == 2


def test_audited_once_with_counts(org):
    org.set_limits(ticket_type=1, quota=3, waitlist=True)
    org.olle = org.login("olle")
    assert send(org, rows_csv(5)).status_code == 201
    log = org.sql("SELECT action, detail FROM audit_log WHERE action LIKE 'import.%'")
    assert log == [("import.attendees",
                    '{"confirmed":3,"event":1,"rows":5,"waitlisted":2}')]


def test_past_a_quota_without_waitlist_fails_whole(org):
    # Student: 10 seats, no waitlist.
    before = counts(org)
    r = send(org, rows_csv(11, ticket="Student"))
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "full"
    assert row_errors(r) == {12: {"ticket_type": "full"}}
    assert counts(org) == before
    p = send(org, rows_csv(11, ticket="Student"), dry=True).json()
    assert [row.get("status") for row in p["rows"]] == ["confirmed"] * 10 + [None]
    assert send(org, rows_csv(10, ticket="Student")).status_code == 201
    assert org.sql("SELECT confirmed_count FROM ticket_types WHERE id = 3") == [(10,)]


def test_with_a_waitlist_the_rest_wait(org):
    org.set_limits(ticket_type=1, quota=5, waitlist=True)
    org.olle = org.login("olle")
    p = send(org, rows_csv(8), dry=True).json()
    assert [row["status"] for row in p["rows"]] == ["confirmed"] * 5 + ["waitlisted"] * 3
    r = send(org, rows_csv(8))
    assert r.status_code == 201, r.text
    assert r.json()["confirmed"] == 5 and r.json()["waitlisted"] == 3
    assert org.sql("SELECT status, count(*), count(pass_code) FROM attendees"
                   " GROUP BY status ORDER BY status") == [("confirmed", 5, 5),
                                                           ("waitlisted", 3, 0)]
    assert org.remaining(1) == 0


def test_sessions_by_id_or_title_and_their_seats(org):
    org.stop()
    org.sql("UPDATE sessions SET seats = 2 WHERE id = 11")
    org.start()
    org.olle = org.login("olle")
    body = (HEAD + "\n"
            "A;One;a1@example.se;;Member;9\n"
            "B;Two;b2@example.se;;Member;konferensmiddag, 9\n"
            "C;Three;c3@example.se;;Member;KONFERENSMIDDAG\n"
            "D;Four;d4@example.se;;Member;Konferensmiddag\n"
            "E;Five;e5@example.se;;Member;Bowling\n")
    r = send(org, body)
    assert r.status_code == 422
    assert row_errors(r) == {5: {"sessions": "full"}, 6: {"sessions": "not_a_choice"}}
    lines = body.splitlines()
    r = send(org, "\n".join(lines[:4]) + "\n")
    assert r.status_code == 201, r.text
    assert org.sql("SELECT session_id, count(*) FROM attendee_sessions GROUP BY session_id"
                   " ORDER BY session_id") == [(9, 2), (11, 2)]
    assert org.sql("SELECT taken FROM sessions WHERE id = 11") == [(2,)]


def test_speakers(org):
    before = count(org, "speakers")
    body = ("Namn;Företag;Titel;Biografi\n"
            "Zoë Ødegård-Łukasiewicz;KTH;Professor;\"Forskar om \"\"press hardening\"\".\"\n"
            ";Nobody;;\n"
            "Zoë Ødegård-Łukasiewicz;KTH;;\n")
    r = send(org, body, kind="speakers")
    assert r.status_code == 422
    assert row_errors(r) == {3: {"name": "required"}, 4: {"name": "duplicate"}}
    assert count(org, "speakers") == before
    r = send(org, body.splitlines()[0] + "\n" + body.splitlines()[1] + "\n", kind="speakers")
    assert r.status_code == 201, r.text
    assert r.json() == {"kind": "speakers", "event": 1, "imported": 1}
    assert org.sql("SELECT name, company, title, bio FROM speakers ORDER BY id DESC LIMIT 1") \
        == [("Zoë Ødegård-Łukasiewicz", "KTH", "Professor", 'Forskar om "press hardening".')]
    # Once there, the same name again is taken.
    r = send(org, "name\nzoe odegard-lukasiewicz\n", kind="speakers", dry=True)
    assert row_errors(r) == {2: {"name": "taken"}}
    assert org.sql("SELECT action, detail FROM audit_log WHERE action = 'import.speakers'") \
        == [("import.speakers", '{"event":1,"rows":1}')]


def test_bad_requests(org):
    r = send(org, rows_csv(1), headers={"Content-Type": "application/json"})
    assert r.status_code == 415
    assert send(org, b"").status_code == 422
    assert send(org, b"").json()["error"]["code"] == "empty"
    assert send(org, "\xff\xfeF\x00".encode("latin-1")).json()["error"]["code"] \
        == "unsupported_encoding"
    r = send(org, HEAD + "\n")
    assert r.status_code == 422
    assert [e["code"] for e in r.json()["error"]["fields"]["file"]] == ["no_rows"]
    assert send(org, rows_csv(1), event=99).status_code == 404
    r = org.olle.post(url(org) + "?dry_run=maybe", data=rows_csv(1), headers=CSV, timeout=10)
    assert r.status_code == 422
    assert count(org) == 0


def test_too_large_and_too_many_rows(org):
    # Over 5 MB: 413 before it is read, and the connection still works after.
    r = send(org, b"a" * (5 * 1024 * 1024 + 1))
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"
    # Other paths keep the small limit.
    big = org.olle.post(f"{org.url}/api/v1/admin/registrations", data=b"{" + b" " * 200000 + b"}",
                        headers={"Content-Type": "application/json"}, timeout=10)
    assert big.status_code == 413
    r = send(org, rows_csv(10001), dry=True)
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_rows"
    # Exactly 5 MB is read.
    body = rows_csv(2).encode()
    body += b" " * (5 * 1024 * 1024 - len(body))
    assert send(org, body, dry=True).status_code == 200
    assert count(org) == 0


def test_concurrent_imports_and_online_registrations(org):
    """Imports and a rush online at once on a type of 40 seats without a
    waitlist: never more than 40 confirmed, every refused import whole,
    and the counters as the rows are."""
    org.set_limits(ticket_type=2, quota=40, waitlist=False, capacity=None)
    org.olle = org.login("olle")

    def one_import(i):
        s = org.login("olle")
        return send(org, rows_csv(15, ticket="Non-member", start=1000 * (i + 1)), who=s)

    def one_online(_):
        return org.register(registration(2, ticket_type=2))

    with ThreadPoolExecutor(16) as pool:
        imports = [pool.submit(one_import, i) for i in range(4)]
        online = [pool.submit(one_online, i) for i in range(24)]
        imported = [f.result() for f in imports]
        registered = [f.result() for f in online]
    assert all(r.status_code in (201, 409) for r in imported), [r.text for r in imported]
    assert all(r.status_code in (201, 409) for r in registered)
    ok_imports = sum(r.status_code == 201 for r in imported)
    ok_online = sum(r.status_code == 201 for r in registered)
    confirmed = org.sql("SELECT count(*) FROM attendees WHERE ticket_type_id = 2"
                        " AND status = 'confirmed'")[0][0]
    assert confirmed == 15 * ok_imports + 2 * ok_online <= 40
    assert org.sql("SELECT confirmed_count FROM ticket_types WHERE id = 2") == [(confirmed,)]
    # A refused import left no row: every attendee is in a whole import.
    emails = {e for e, in org.sql("SELECT email FROM attendees")}
    for i in range(4):
        mine = {f"imp{n}@example.se" for n in range(1000 * (i + 1), 1000 * (i + 1) + 15)}
        assert len(mine & emails) == (15 if imported[i].status_code == 201 else 0)
    assert org.sql("SELECT count(*) FROM attendees WHERE status = 'waitlisted'") == [(0,)]
