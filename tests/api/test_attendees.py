"""The organisers' attendee list (GET /api/v1/admin/events/{id}/attendees),
its company view and each attendee's page: who may see them, the search
that folds case and accents in every script (and the door's search,
which shares it), every filter, every order (names in Swedish order),
paging and its limits, and every kind of bad or hostile parameter."""
import os
import subprocess
import urllib.parse

import pytest
import requests

from techtank_test import ROOT, person, registration

BADGES = os.environ.get("TECHTANK_BADGES", os.path.join(ROOT, "techtank-badges"))

# Family name, given name, company: every script the folding must handle.
PEOPLE = [
    ("Åsa", "Lindström-Öberg", "Pressverk AB"),
    ("Zoë", "Ødegård-Łukasiewicz", "SSAB"),
    ("Björn", "Håkansdotter", "pressverk ab"),
    ("Anna", "Zander", "Volvo Cars"),
    ("Olof", "Åberg", ""),
    ("Karin", "Ängström", "SSAB"),
    ("Lena", "Öberg", "Gestamp HardTech"),
    ("Jürgen", "Müller", "Schuler AG"),
    ("Łucja", "Wiśniewska", "Politechnika Wrocławska"),
    ("İsmail", "Işık", "Ford Otosan"),
    ("Γιώργος", "Παπαδόπουλος", "ΕΛΒΑΛ"),
    ("Иван", "Ёжиков", "Северсталь"),
    ("Ngọc Ánh", "Nguyễn", "Đông Á"),
    ("أحمد", "إبراهيم", "سابك"),
]


@pytest.fixture
def org(daemon):
    daemon.add_user("anna", "door")
    daemon.add_user("olle", "organiser")
    daemon.anna = daemon.login("anna")
    daemon.olle = daemon.login("olle")
    return daemon


def register(d, people, ticket_type=1, sessions=None):
    """One registration of people [(first, last, company)]; its JSON."""
    body = registration(len(people), ticket_type=ticket_type)
    body["attendees"] = [person(first, last, company=company) for first, last, company in people]
    if sessions:
        for a in body["attendees"]:
            a["sessions"] = sessions
    body["contact"] = dict(body["attendees"][0])
    r = d.register(body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def people(org):
    """Each of PEOPLE registered alone, in that order."""
    org.regs = [register(org, [p]) for p in PEOPLE]
    return org


def listing(d, query="", event=1, path="", who=None):
    r = (who or d.olle).get(f"{d.url}/api/v1/admin/events/{event}/attendees{path}",
                            params=query, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def last_names(d, query="", **kw):
    return [a["last_name"] for a in listing(d, query, **kw)["items"]]


def door_names(d, q):
    r = d.anna.get(d.url + "/api/v1/attendees/search", params={"q": q}, timeout=10)
    assert r.status_code == 200, r.text
    return {a["name"] for a in r.json()["attendees"]}


def bad(d, query, path="", event=1):
    r = d.olle.get(f"{d.url}/api/v1/admin/events/{event}/attendees{path}?{query}", timeout=10)
    assert r.status_code == 422, (query, r.status_code, r.text)
    body = r.json()["error"]
    assert body["code"] == "validation_failed"
    return body["fields"]


# ------------------------------------------------------------ who may look

ENDPOINTS = ["/api/v1/admin/events/1/attendees", "/api/v1/admin/events/1/attendees/companies",
             "/api/v1/admin/events/1/attendees?q=asa", "/api/v1/admin/attendees/1"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_only_organisers_see_attendees(people, path):
    anonymous = requests.get(people.url + path, timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "login_required"
    door = people.anna.get(people.url + path, timeout=10)
    assert door.status_code == 403 and door.json()["error"]["code"] == "forbidden"
    assert "Lindström" not in anonymous.text + door.text
    assert people.olle.get(people.url + path, timeout=10).status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_list_is_read_only(people, method):
    r = people.olle.request(method, people.url + "/api/v1/admin/events/1/attendees", json={},
                            timeout=10)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


# ------------------------------------------------------------------ search

FINDS = [
    ("lindstrom", {"Lindström-Öberg"}),
    ("Lindström Åsa", {"Lindström-Öberg"}),
    ("Asa Lind", {"Lindström-Öberg"}),
    ("ÅSA", {"Lindström-Öberg"}),
    ("oberg", {"Lindström-Öberg", "Öberg"}),
    ("zoe", {"Ødegård-Łukasiewicz"}),
    ("lukasiewicz", {"Ødegård-Łukasiewicz"}),
    ("odegard zoe", {"Ødegård-Łukasiewicz"}),
    ("Bjorn", {"Håkansdotter"}),
    ("HAKANSDOTTER", {"Håkansdotter"}),
    ("A\u030asa", {"Lindström-Öberg"}),
    ("muller jurgen", {"Müller"}),
    ("wisniewska", {"Wiśniewska"}),
    ("lucja", {"Wiśniewska"}),
    ("isik", {"Işık"}),
    ("ISMAIL", {"Işık"}),
    ("γιωργος", {"Παπαδόπουλος"}),
    ("ΠΑΠΑΔΟΠΟΥΛΟΣ", {"Παπαδόπουλος"}),
    ("ежиков", {"Ёжиков"}),
    ("ИВАН", {"Ёжиков"}),
    ("nguyen anh", {"Nguyễn"}),
    ("dong a", {"Nguyễn"}),
    ("احمد", {"إبراهيم"}),
    ("ابراهيم", {"إبراهيم"}),
]


@pytest.mark.parametrize("q,whom", FINDS)
def test_search_folds_case_and_accents(people, q, whom):
    assert set(last_names(people, {"q": q})) == whom, q


def test_the_door_search_folds_alike(people):
    full = {last: f"{first} {last}" for first, last, _ in PEOPLE}
    for q, whom in FINDS:
        assert door_names(people, q) == {full[w] for w in whom}, q


def test_search_by_email_and_company_every_word_in_any_order(people):
    email = people.regs[0]["attendees"][0]["email"]
    assert last_names(people, {"q": email}) == ["Lindström-Öberg"]
    assert last_names(people, {"q": email.split("@")[0].upper()}) == ["Lindström-Öberg"]
    # Companies however they were typed; a name and a company together.
    assert set(last_names(people, {"q": "Pressverk"})) == {"Lindström-Öberg", "Håkansdotter"}
    assert last_names(people, {"q": "pressverk bjorn"}) == ["Håkansdotter"]
    assert last_names(people, {"q": "ssab karin"}) == ["Ängström"]
    assert door_names(people, "ssab karin") == {"Karin Ängström"}
    # Every word must be found: a name with another's company finds no one.
    assert last_names(people, {"q": "asa volvo"}) == []
    assert last_names(people, {"q": "asa zander"}) == []
    # Words are found from their start.
    assert last_names(people, {"q": "strom"}) == []


def test_many_found_are_paged_in_order_and_counted_to_a_limit(org):
    """2,100 people of one name: more than a search starts from (it reads
    the list in order instead), and more than a list counts (1,000)."""
    reg = register(org, [("Åsa", "Lindström-Öberg", "Pressverk AB")])
    org.stop()
    org.sql("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2099)"
            " INSERT INTO attendees (registration_id, event_id, ticket_type_id, first_name,"
            " last_name, email, email_norm, company, status, created_at)"
            " SELECT ?, 1, 2, 'Anna', printf('Andersson %05d', i), printf('a%d@example.se', i),"
            " printf('a%d@example.se', i), printf('Företag %d', i % 7), 'confirmed',"
            " 1790000000 + i FROM n", reg["id"])
    org.start()
    org.olle, org.anna = org.login("olle"), org.login("anna")
    page = listing(org, {"q": "andersson", "limit": 7, "offset": 7})
    assert page["total"] == 1000 and page["total_exact"] is False
    assert [a["last_name"] for a in page["items"]] == [f"Andersson {k:05d}" for k in range(7, 14)]
    last = listing(org, {"q": "anna andersson", "order": "desc", "limit": 2})
    assert [a["last_name"] for a in last["items"]] == ["Andersson 02099", "Andersson 02098"]
    few = listing(org, {"q": "andersson 0001"})
    assert few["total"] == 10 and few["total_exact"] is True
    # The list's own total is kept by the store: exact, however many.
    assert listing(org)["total"] == 2101 and listing(org)["total_exact"] is True
    assert listing(org, {"ticket_type": 2})["total"] == 2100
    assert listing(org, {"checked_in": "false"})["total_exact"] is False
    assert listing(org, {"q": "lindstrom"})["total"] == 1
    assert len(door_names(org, "andersson")) == 20
    assert door_names(org, "asa lind") == {"Åsa Lindström-Öberg"}
    groups = listing(org, path="/companies")
    assert groups["total"] == 8 and groups["total_exact"] is True
    assert [g["company"] for g in groups["items"]][:2] == ["Företag 0", "Företag 1"]
    assert sum(g["attendees"] for g in groups["items"]) == 2101


def test_search_keys_of_rows_written_by_other_programs(org):
    """Rows the sqlite3 shell wrote have no keys: techtankd makes them at start."""
    reg = register(org, [("Åsa", "Lindström-Öberg", "Pressverk AB")])
    org.stop()
    org.sql("INSERT INTO attendees (registration_id, event_id, ticket_type_id, first_name,"
            " last_name, email, email_norm, company, status, created_at) VALUES"
            " (?, 1, 1, 'Zoë', 'Ødegård', 'zoe@example.no', 'zoe@example.no', 'SSAB',"
            " 'waitlisted', 1790000000)", reg["id"])
    assert org.sql("SELECT search_key FROM attendees WHERE first_name = 'Zoë'") == [(None,)]
    org.start()
    org.olle = org.login("olle")
    assert last_names(org, {"q": "odegard zoe"}) == ["Ødegård"]
    assert org.sql("SELECT search_key FROM attendees WHERE first_name = 'Zoë'") == \
        [("zoe odegard zoe example no ssab",)]


# ------------------------------------------------------------ hostile q

def test_hostile_searches_find_nothing_they_should_not(people):
    everyone = listing(people)["total"]
    assert everyone == len(PEOPLE)
    for q in ("%", "_", "%%", "' OR 1=1 --", "' OR ''='", "\\", "*", "[a-z]*", "%' --",
              "   ", "\u200b"):
        got = last_names(people, {"q": q})
        assert len(got) < everyone and "Lindström-Öberg" not in got, q
    # Wildcards are not letters: "Lind%" is the word "lind".
    assert last_names(people, {"q": "Lind%"}) == ["Lindström-Öberg"]
    assert last_names(people, {"q": "Lind_str"}) == []
    assert door_names(people, "%%") == set()
    # SQL in the search is only text, and the table is still there.
    assert last_names(people, {"q": "x'); DROP TABLE attendees; --"}) == []
    assert listing(people)["total"] == everyone


def test_oversized_and_invalid_searches_are_422(people):
    fine = "å" * 100  # 200 bytes
    assert listing(people, {"q": fine})["total"] == 0
    assert bad(people, "q=" + urllib.parse.quote("å" * 100 + "a")) == {"q": "too_long"}
    assert bad(people, "q=" + "a" * 5000) == {"q": "too_long"}
    # Past the 8 KB a request's head may have: the HTTP layer's 400.
    r = people.olle.get(people.url + "/api/v1/admin/events/1/attendees?q=" + "a" * 100000,
                        timeout=10)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    assert bad(people, "q=a+b+c+d+e+f+g+h+i") == {"q": "too_long"}
    assert listing(people, {"q": "a b c d e f g h"})["total"] == 0
    assert bad(people, "q=%FF") == {"q": "invalid"}
    assert bad(people, "q=%C3") == {"q": "invalid"}
    assert bad(people, "q=%C0%AF") == {"q": "invalid"}
    assert bad(people, "q=%ED%A0%80") == {"q": "invalid"}
    assert bad(people, "q=asa%00lind") == {"q": "invalid"}
    assert bad(people, "q=asa&q=lind") == {"q": "invalid"}
    # The door: the same folding, its own limits.
    for q in ("%FF", "a", "x" * 101):
        r = people.anna.get(people.url + "/api/v1/attendees/search?q=" + q, timeout=10)
        assert r.status_code == 422, q


# ----------------------------------------------------------------- filters

def test_every_filter(org):
    a = register(org, [("Åsa", "Lindström-Öberg", "Pressverk AB"),
                       ("Björn", "Håkansdotter", "PRESSVERK AB")], sessions=[9])
    b = register(org, [("Zoë", "Ødegård", "SSAB")], ticket_type=2, sessions=[11])
    c = register(org, [("Olof", "Åberg", "")], ticket_type=2)
    gone = register(org, [("Lena", "Öberg", "Gestamp")])
    assert org.delete("/api/v1/registrations/" + gone["manage_token"]).status_code == 200
    # Member is full now: the next one waits.
    org.set_limits(ticket_type=1, quota=2)
    org.olle, org.anna = org.login("olle"), org.login("anna")
    waiting = register(org, [("Karin", "Ängström", "SSAB")], ticket_type=1)
    assert waiting["attendees"][0]["status"] == "waitlisted"
    asa = a["attendees"][0]
    r = org.anna.post(org.url + "/api/v1/checkins", json={"code": asa["pass_code"]}, timeout=10)
    assert r.json()["result"] == "ok"
    zoe = b["attendees"][0]
    r = org.anna.post(org.url + "/api/v1/checkins", json={"code": zoe["pass_code"]}, timeout=10)
    assert r.json()["result"] == "ok"
    # Zoë's check-in was a mistake: undone, so not checked in.
    undo = org.olle.delete(org.url + f"/api/v1/checkins/{r.json()['checkin_id']}", timeout=10)
    assert undo.status_code == 200, undo.text
    out = subprocess.run([BADGES, "tags", "--db", org.db, "--attendee",
                          str(c["attendees"][0]["id"]), "-o", os.path.join(org.tmp, "t.pdf")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr

    def names(**q):
        return set(last_names(org, q))

    everyone = {"Lindström-Öberg", "Håkansdotter", "Ødegård", "Åberg", "Öberg", "Ängström"}
    assert names() == everyone
    assert names(ticket_type=2) == {"Ødegård", "Åberg"}
    assert names(ticket_type=1) == {"Lindström-Öberg", "Håkansdotter", "Öberg", "Ängström"}
    assert names(status="cancelled") == {"Öberg"}
    assert names(status="waitlisted") == {"Ängström"}
    assert names(status="confirmed") == {"Lindström-Öberg", "Håkansdotter", "Ødegård", "Åberg"}
    # One company however its case was typed; "" is those without one.
    assert names(company="pressverk ab") == {"Lindström-Öberg", "Håkansdotter"}
    assert names(company="Pressverk AB") == {"Lindström-Öberg", "Håkansdotter"}
    assert names(company="SSAB") == {"Ødegård", "Ängström"}
    assert names(company="") == {"Åberg"}
    assert names(company="Pressverk") == set()
    assert names(checked_in="true") == {"Lindström-Öberg"}
    assert names(checked_in="false") == everyone - {"Lindström-Öberg"}
    assert names(session=9) == {"Lindström-Öberg", "Håkansdotter"}
    assert names(session=11) == {"Ødegård"}
    assert names(printed="true") == {"Åberg"}
    assert names(printed="false") == everyone - {"Åberg"}
    # Filters together, and with a search.
    assert names(ticket_type=1, status="confirmed", company="PRESSVERK AB",
                 checked_in="false") == {"Håkansdotter"}
    assert names(q="pressverk", session=9, checked_in="true") == {"Lindström-Öberg"}
    assert names(q="ssab", status="waitlisted") == {"Ängström"}
    # What a row of the list says.
    row = next(i for i in listing(org, {"q": "asa"})["items"])
    assert row["checked_in_at"] is not None and row["printed_at"] is None
    assert row["ticket_type"] == 1 and row["ticket_type_name"] == "Member"
    assert row["status"] == "confirmed" and row["registration"] == a["id"]
    assert row["registered_at"].endswith(("+01:00", "+02:00"))
    assert "pass_code" not in row and "search_key" not in row and "name_key" not in row
    olof = listing(org, {"q": "olof"})["items"][0]
    assert olof["printed_at"] is not None


def test_filters_must_be_right(people):
    assert bad(people, "ticket_type=abc") == {"ticket_type": "invalid"}
    assert bad(people, "ticket_type=0") == {"ticket_type": "invalid"}
    assert bad(people, "ticket_type=-1") == {"ticket_type": "invalid"}
    assert bad(people, "ticket_type=1.5") == {"ticket_type": "invalid"}
    assert bad(people, "ticket_type=99999999999999999999") == {"ticket_type": "invalid"}
    assert bad(people, "ticket_type=999") == {"ticket_type": "not_a_choice"}
    assert bad(people, "session=999") == {"session": "not_a_choice"}
    assert listing(people, {"session": 1})["items"] == []  # no sign-ups there
    assert bad(people, "status=CONFIRMED") == {"status": "not_a_choice"}
    assert bad(people, "status=") == {"status": "not_a_choice"}
    assert bad(people, "checked_in=yes") == {"checked_in": "invalid"}
    assert bad(people, "printed=1") == {"printed": "invalid"}
    assert bad(people, "company=" + "x" * 601) == {"company": "too_long"}
    assert bad(people, "company=a%0Ab") == {"company": "invalid"}
    assert bad(people, "sort=surname") == {"sort": "not_a_choice"}
    assert bad(people, "order=up") == {"order": "not_a_choice"}
    assert bad(people, "colour=blue") == {"colour": "unknown_field"}
    assert bad(people, "%FF=1") == {"query": "invalid"}
    # Every bad parameter is named at once.
    assert bad(people, "status=x&sort=y&limit=0&offset=-1&checked_in=z") == {
        "status": "not_a_choice", "sort": "not_a_choice", "limit": "out_of_range",
        "offset": "out_of_range", "checked_in": "invalid"}


def test_filters_of_another_event_are_refused(org):
    ev = org.olle.post(org.url + "/api/v1/admin/events", json={
        "slug": "seminar", "name": "Seminarium", "starts_at": "2027-03-01T09:00:00+01:00",
        "ends_at": "2027-03-01T16:00:00+01:00"}, timeout=10).json()
    tt = org.olle.post(org.url + f"/api/v1/admin/events/{ev['id']}/ticket-types",
                       json={"name": "Gäst"}, timeout=10).json()
    assert bad(org, f"ticket_type={tt['id']}") == {"ticket_type": "not_a_choice"}
    assert bad(org, "ticket_type=1", event=ev["id"]) == {"ticket_type": "not_a_choice"}
    assert bad(org, "session=9", event=ev["id"]) == {"session": "not_a_choice"}
    register(org, [("Åsa", "Lindström-Öberg", "Pressverk AB")])
    assert listing(org, event=ev["id"])["items"] == []
    assert listing(org, {"q": "asa"}, event=ev["id"])["total"] == 0
    for path in ("/api/v1/admin/events/999/attendees", "/api/v1/admin/events/abc/attendees",
                 "/api/v1/admin/events/0/attendees/companies"):
        r = org.olle.get(org.url + path, timeout=10)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", path


# ------------------------------------------------------------------- order

SWEDISH = ["Håkansdotter", "Işık", "Lindström-Öberg", "Müller", "Nguyễn", "Wiśniewska",
           "Zander", "Åberg", "Ängström", "Öberg", "Ødegård-Łukasiewicz", "Παπαδόπουλος",
           "Ёжиков", "إبراهيم"]


def test_names_in_swedish_order(people):
    assert last_names(people, {"sort": "name"}) == SWEDISH
    assert last_names(people) == SWEDISH
    assert last_names(people, {"sort": "name", "order": "desc"}) == SWEDISH[::-1]
    assert last_names(people, {"order": "asc"}) == SWEDISH


def test_other_orders(org):
    ids = {}
    for first, last, company, tt in (("Åsa", "Öberg", "SSAB", 2), ("Bo", "Ek", "ABB", 1),
                                     ("Cia", "Zander", "Ångpanneföreningen", 2),
                                     ("Dan", "Berg", "SSAB", 1), ("Eva", "Åberg", "", 1)):
        ids[last] = register(org, [(first, last, company)], ticket_type=tt)
    assert org.delete("/api/v1/registrations/" + ids["Berg"]["manage_token"]).status_code == 200
    assert last_names(org, {"sort": "registered_at"}) == ["Öberg", "Ek", "Zander", "Berg", "Åberg"]
    assert last_names(org, {"sort": "registered_at", "order": "desc"}) == \
        ["Åberg", "Berg", "Zander", "Ek", "Öberg"]
    # Companies in Swedish order, names within; no company first.
    assert last_names(org, {"sort": "company"}) == ["Åberg", "Ek", "Berg", "Öberg", "Zander"]
    assert last_names(org, {"sort": "company", "order": "desc"}) == \
        ["Zander", "Öberg", "Berg", "Ek", "Åberg"]
    # Ticket types in their own order (Member 1, Non-member 2), then by name.
    assert last_names(org, {"sort": "ticket_type"}) == ["Berg", "Ek", "Åberg", "Zander", "Öberg"]
    tt2 = org.olle.get(org.url + "/api/v1/admin/ticket-types/2", timeout=10).json()
    r = org.olle.patch(org.url + "/api/v1/admin/ticket-types/2",
                       json={"version": tt2["version"], "sort": -5}, timeout=10)
    assert r.status_code == 200, r.text
    assert last_names(org, {"sort": "ticket_type"}) == ["Zander", "Öberg", "Berg", "Ek", "Åberg"]
    assert last_names(org, {"sort": "ticket_type", "order": "desc"}) == \
        ["Åberg", "Ek", "Berg", "Öberg", "Zander"]
    # Statuses by their codes (cancelled, confirmed), then names.
    assert last_names(org, {"sort": "status"}) == ["Berg", "Ek", "Zander", "Åberg", "Öberg"]
    # An order and a search together: from the few it found.
    assert last_names(org, {"q": "ssab", "sort": "ticket_type"}) == ["Öberg", "Berg"]


# ------------------------------------------------------------------ paging

def test_paging_and_its_limits(people):
    n = len(PEOPLE)
    first = listing(people, {"limit": 5})
    assert first["total"] == n and first["total_exact"] is True
    assert first["limit"] == 5 and first["offset"] == 0
    pages = [a["last_name"] for o in range(0, n, 5)
             for a in listing(people, {"limit": 5, "offset": o})["items"]]
    assert pages == SWEDISH
    assert listing(people, {"offset": n})["items"] == []
    assert listing(people, {"offset": 2147483647})["items"] == []
    assert listing(people)["limit"] == 50
    assert len(listing(people, {"limit": 200})["items"]) == n
    for v in ("0", "201", "-1", "abc", "1e3", " 5", "5 ", "0x10", ""):
        assert bad(people, "limit=" + urllib.parse.quote(v)) == {"limit": "out_of_range"}, v
    for v in ("-1", "2147483648", "x", ""):
        assert bad(people, "offset=" + urllib.parse.quote(v)) == {"offset": "out_of_range"}, v
    assert bad(people, "limit=5&limit=6") == {"limit": "invalid"}


# ----------------------------------------------------------- company view

def test_companies_grouped_with_counts(org):
    register(org, [("Åsa", "Lindström-Öberg", "Pressverk AB"), ("Björn", "Håkansdotter",
                                                                 "PRESSVERK AB")])
    register(org, [("Zoë", "Ødegård", "SSAB")])
    register(org, [("Olof", "Åberg", "")])
    register(org, [("Ingrid", "Ek", "Åkerströms Björbo")])
    gone = register(org, [("Lena", "Öberg", "SSAB")])
    assert org.delete("/api/v1/registrations/" + gone["manage_token"]).status_code == 200
    r = org.olle.get(org.url + "/api/v1/admin/events/1/attendees/companies", timeout=10)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 4 and page["total_exact"] is True and page["offset"] == 0
    got = [(c["company"].lower(), c["attendees"], c["confirmed"], c["waitlisted"], c["cancelled"],
            c["registrations"]) for c in page["items"]]
    # SSAB: two people in two registrations; Pressverk: two in one.
    assert got == [("", 1, 1, 0, 0, 1), ("pressverk ab", 2, 2, 0, 0, 1), ("ssab", 2, 1, 0, 1, 2),
                   ("åkerströms björbo", 1, 1, 0, 0, 1)]
    largest = listing(org, {"sort": "count", "order": "desc", "limit": 2}, path="/companies")
    assert [c["attendees"] for c in largest["items"]] == [2, 2]
    assert largest["total"] == 4
    # The filters of the list apply.
    only = listing(org, {"status": "cancelled"}, path="/companies")
    assert [(c["company"], c["attendees"]) for c in only["items"]] == [("SSAB", 1)]
    found = listing(org, {"q": "bjorn"}, path="/companies")
    assert [c["company"].lower() for c in found["items"]] == ["pressverk ab"]
    assert listing(org, {"q": "%"}, path="/companies")["total"] == 0
    second = listing(org, {"limit": 1, "offset": 1}, path="/companies")
    assert [c["company"].lower() for c in second["items"]] == ["pressverk ab"]
    assert bad(org, "sort=name", path="/companies") == {"sort": "not_a_choice"}
    assert bad(org, "limit=201", path="/companies") == {"limit": "out_of_range"}
    assert bad(org, "q=%FF&group=x", path="/companies") == {"q": "invalid", "group": "unknown_field"}


# ---------------------------------------------------------- attendee page

def test_an_attendees_page(org):
    body = registration(3)
    body["attendees"] = [person("Åsa", "Lindström-Öberg", sessions=[9]),
                         person("Björn", "Håkansdotter"), person("Zoë", "Ødegård")]
    body["contact"] = dict(body["attendees"][0], phone="+46 70 123 45 67")
    r = org.olle.post(org.url + "/api/v1/admin/registrations", json=body, timeout=10)
    assert r.status_code == 201, r.text
    reg = r.json()
    asa = reg["attendees"][0]
    scan = org.anna.post(org.url + "/api/v1/checkins", json={"code": asa["pass_code"]},
                         timeout=10).json()
    assert scan["result"] == "ok"
    org.anna.post(org.url + "/api/v1/checkins", json={"code": asa["pass_code"]}, timeout=10)
    assert org.olle.delete(org.url + f"/api/v1/checkins/{scan['checkin_id']}",
                           timeout=10).status_code == 200
    org.anna.post(org.url + "/api/v1/checkins", json={"code": asa["pass_code"],
                                                       "checkpoint": "session-9"}, timeout=10)

    r = org.olle.get(org.url + f"/api/v1/admin/attendees/{asa['id']}", timeout=10)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["first_name"] == "Åsa" and a["last_name"] == "Lindström-Öberg"
    assert a["pass_code"] == asa["pass_code"] and a["status"] == "confirmed"
    assert a["ticket_type_name"] == "Member" and a["event_id"] == 1
    assert a["checked_in_at"] is None  # the entrance's was undone
    assert a["registration"]["id"] == reg["id"]
    assert a["registration"]["contact"]["phone"] == "+46 70 123 45 67"
    assert a["registration"]["manage_url"] == reg_url(org, reg)
    assert [(o["first_name"], o["status"]) for o in a["registration"]["attendees"]] == \
        [("Björn", "confirmed"), ("Zoë", "confirmed")]
    assert [s["id"] for s in a["sessions"]] == [9]
    assert [(c["checkpoint"], c["by"], c["undone_at"] is not None, c["undone_by"])
            for c in a["checkins"]] == [("main", "anna", True, "olle"),
                                        ("session-9", "anna", False, None)]
    actions = [h["action"] for h in a["history"]]
    assert actions == ["checkin", "checkin_undo", "checkin", "checkin", "registration.on_behalf"]
    assert all(h["user"] in ("anna", "olle") for h in a["history"])
    assert a["history"][-1]["detail"] == {"id": reg["id"]}
    pdf = requests.get(a["pass_url"], timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Björn's page shows none of Åsa's scans.
    bjorn = org.olle.get(org.url + f"/api/v1/admin/attendees/{reg['attendees'][1]['id']}",
                         timeout=10).json()
    assert [h["action"] for h in bjorn["history"]] == ["registration.on_behalf"]
    assert bjorn["checkins"] == [] and bjorn["sessions"] == []
    assert [o["first_name"] for o in bjorn["registration"]["attendees"]] == ["Åsa", "Zoë"]


def reg_url(d, reg):
    return d.url + "/manage.html#t=" + reg["manage_token"]


def test_a_cancelled_attendee_has_no_pass(org):
    reg = register(org, [("Åsa", "Lindström-Öberg", "Pressverk AB")])
    assert org.delete("/api/v1/registrations/" + reg["manage_token"]).status_code == 200
    a = org.olle.get(org.url + f"/api/v1/admin/attendees/{reg['attendees'][0]['id']}",
                     timeout=10).json()
    assert a["status"] == "cancelled" and a["pass_code"] is None and a["pass_url"] is None
    assert a["registration"]["status"] == "cancelled"


@pytest.mark.parametrize("path", ["999999", "0", "-1", "abc", "1x", "1.0", "01",
                                  "99999999999999999999"])
def test_unknown_attendees_are_404(org, path):
    r = org.olle.get(org.url + "/api/v1/admin/attendees/" + path, timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", path
