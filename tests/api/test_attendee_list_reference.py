"""The organisers' attendee list against a plain reference: 2,600
attendees with names in many scripts (Swedish, Polish, Turkish, Greek,
Cyrillic, Vietnamese), companies spelt in several cases, every status,
ticket type, check-ins (some undone), printed tags and session sign-ups,
written straight into the file. For many searches, filters, orders and
pages, each answer is compared with what Python finds and orders from the
rows and their keys: the same people in the same order (ties broken by
id), the same total (exact, or the count's limit of 1,000 when it says
it is not), and the last page. The list's many ways to a page (a search
of uncommon words read from their ranges, of common words read in
order, the ids of a filter, an index's order) must all agree with it."""
import itertools
import random
import sqlite3
import tempfile

import pytest

from techtank_test import Daemon, person, registration

N = 2600
FIRSTS = ["Åsa", "Zoë", "Björn", "Anna", "Olof", "Karin", "Łucja", "İsmail", "Γιώργος",
          "Иван", "Ngọc Ánh", "Ёжик", "Asa", "ÅSA", "Lars", "Olof"]
LASTS = ["Lindström-Öberg", "Lindström", "Lindberg", "Ødegård-Łukasiewicz", "Håkansdotter",
         "Zander", "Åberg", "Ängström", "Öberg", "Müller", "Wiśniewska", "Işık",
         "Παπαδόπουλος", "Ёжиков", "Nguyễn", "Andersson", "Andersson"]
COMPANIES = ["Pressverk AB", "pressverk ab", "PRESSVERK AB", "SSAB", "Volvo Cars", "",
             "ΕΛΒΑΛ", "Северсталь", "Đông Á", "Företag 1 AB", "Ford Otosan"]

# What is typed, and its words as the search folds them (the fold itself
# is tested in test_attendees.py and the unit tests).
SEARCHES = {
    "lindstrom": ["lindstrom"], "Lindström": ["lindstrom"], "lind": ["lind"],
    "asa lind": ["asa", "lind"], "Åsa Lindström": ["asa", "lindstrom"],
    "zoe": ["zoe"], "odegard zoe": ["odegard", "zoe"], "Łucja": ["lucja"],
    "wisniewska": ["wisniewska"], "IŞIK": ["isik"], "nguyen": ["nguyen"],
    "ngoc anh": ["ngoc", "anh"], "Γιώργος": ["γιωργοσ"], "ΠΑΠΑΔΟΠΟΥΛΟΣ": ["παπαδοπουλοσ"],
    "ёжиков": ["ежиков"], "Иван": ["иван"], "pressverk": ["pressverk"],
    "pressverk olof": ["pressverk", "olof"], "example": ["example"],
    "example lind": ["example", "lind"], "a": ["a"], "a lind": ["a", "lind"],
    "an": ["an"], "andersson anna": ["andersson", "anna"], "zz": ["zz"],
    "a12": ["a12"], "ab": ["ab"], "example se": ["example", "se"], "se a12": ["se", "a12"],
}
FILTERS = [{}, {"status": "waitlisted"}, {"status": "cancelled"}, {"status": "confirmed"},
           {"ticket_type": 2}, {"checked_in": "true"}, {"checked_in": "false"},
           {"printed": "true"}, {"printed": "false"}, {"company": "PRESSVERK ab"},
           {"company": ""}, {"session": 1}, {"ticket_type": 3, "checked_in": "false"}]
SORTS = ["name", "company", "ticket_type", "registered_at", "status"]


def fill(d):
    """N attendees in registrations of ten, straight into the file."""
    body = registration(1)
    body["attendees"] = [person("Först", "Kontakt")]
    body["contact"] = dict(body["attendees"][0])
    assert d.register(body).status_code == 201
    d.stop()
    rows = []
    for i in range(N):
        status = "cancelled" if i % 17 == 3 else "waitlisted" if i % 11 == 5 else "confirmed"
        rows.append((1000 + i // 10, 1 + (i // 10) % 3, FIRSTS[i % len(FIRSTS)],
                     LASTS[(i // 3) % len(LASTS)], f"a{i}@example.se",
                     COMPANIES[(i // 7) % len(COMPANIES)], status,
                     1790000000 + i if status == "cancelled" else None))
    d.sql("INSERT INTO registrations (id, event_id, ticket_type_id, status, manage_token,"
          " contact_first_name, contact_last_name, contact_email, privacy_accepted_at,"
          " created_at) WITH RECURSIVE r(n) AS (SELECT 1000 UNION ALL SELECT n + 1 FROM r"
          f" WHERE n < {1000 + N // 10 - 1}) SELECT n, 1, 1 + n % 3, 'confirmed',"
          " printf('ref%027d', n), 'Ref', 'Kontakt', printf('r%d@example.se', n), 1, 1 FROM r")
    con = sqlite3.connect(d.db)
    con.executemany("INSERT INTO attendees (registration_id, event_id, ticket_type_id,"
                    " first_name, last_name, email, email_norm, company, status, created_at,"
                    " cancelled_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 1790000000, ?)",
                    [(r, t, f, l, e, e, c, s, x) for r, t, f, l, e, c, s, x in rows])
    user = con.execute("SELECT min(id) FROM users").fetchone()[0]
    ids = [a for (a,) in con.execute("SELECT id FROM attendees WHERE email LIKE 'a%@example.se'"
                                     " ORDER BY id")]
    for k, a in enumerate(ids):
        if k % 5 == 1:
            con.execute("INSERT INTO checkins (attendee_id, checkpoint, at, user_id, undone_at)"
                        " VALUES (?, 'main', ?, ?, ?)", (a, 1790000000 + k, user,
                                                         1790000100 + k if k % 15 == 1 else None))
        if k % 7 == 2:
            con.execute("INSERT INTO checkins (attendee_id, checkpoint, at, user_id)"
                        " VALUES (?, 'session:1', 1790000000, ?)", (a, user))
        if k % 4 == 0:
            con.execute("INSERT INTO badge_prints (attendee_id, layout, printed_at)"
                        " VALUES (?, 'a4-8', ?)", (a, 1790000000 + k))
        if k % 9 == 4:
            con.execute("INSERT INTO attendee_sessions (attendee_id, session_id) VALUES (?, 1)",
                        (a,))
    con.commit()
    con.close()
    d.start()
    d.olle = d.login("olle")


def reference_rows(d):
    """Every attendee of event 1 with what the reference filters and orders on."""
    return [dict(zip(("id", "first_name", "last_name", "company", "status", "ticket_type",
                      "type_sort", "name_key", "company_key", "search_key", "checked_in",
                      "printed", "session1"), r)) for r in d.sql(
        "SELECT a.id, a.first_name, a.last_name, a.company, a.status, a.ticket_type_id,"
        " t.sort, a.name_key, a.company_key, a.search_key,"
        " EXISTS (SELECT 1 FROM checkins c WHERE c.attendee_id = a.id"
        "  AND c.checkpoint = 'main' AND c.undone_at IS NULL),"
        " EXISTS (SELECT 1 FROM badge_prints p WHERE p.attendee_id = a.id),"
        " EXISTS (SELECT 1 FROM attendee_sessions x WHERE x.attendee_id = a.id"
        "  AND x.session_id = 1)"
        " FROM attendees a JOIN ticket_types t ON t.id = a.ticket_type_id"
        " WHERE a.event_id = 1")]


def company_key(d, company):
    return {c: k for c, k in d.sql("SELECT company, company_key FROM attendees")}[company]


def kept(row, words, filters, keys):
    """Whether the reference keeps a row: every word starts a word of its key."""
    key_words = row["search_key"].split(" ")
    if not all(any(k.startswith(w) for k in key_words) for w in words):
        return False
    for name, value in filters.items():
        if name == "status" and row["status"] != value:
            return False
        if name == "ticket_type" and row["ticket_type"] != value:
            return False
        if name in ("checked_in", "printed") and row[name] != (value == "true"):
            return False
        if name == "company" and row["company_key"] != keys[value]:
            return False
        if name == "session" and not row["session1"]:
            return False
    return True


def order_key(sort):
    return {
        "name": lambda r: (r["name_key"], r["id"]),
        "company": lambda r: (r["company_key"], r["name_key"], r["id"]),
        "ticket_type": lambda r: (r["type_sort"], r["ticket_type"], r["name_key"], r["id"]),
        "registered_at": lambda r: (r["id"],),
        "status": lambda r: (r["status"], r["name_key"], r["id"]),
    }[sort]


def check(d, rows, keys, q, filters, sort, desc):
    words = SEARCHES[q] if q else []
    expect = sorted((r for r in rows if kept(r, words, filters, keys)),
                    key=order_key(sort), reverse=desc)
    n = len(expect)
    params = dict(filters, sort=sort, order="desc" if desc else "asc")
    if q:
        params["q"] = q
    where = f"{params}"
    for offset, limit in ((0, 50), (max(n - 7, 0), 50), (n, 10), (max(n // 2 - 3, 0), 13)):
        r = d.olle.get(f"{d.url}/api/v1/admin/events/1/attendees",
                       params=dict(params, offset=offset, limit=limit), timeout=30)
        assert r.status_code == 200, (where, r.text)
        page = r.json()
        want = expect[offset:offset + limit]
        assert [a["id"] for a in page["items"]] == [a["id"] for a in want], (where, offset)
        for a, w in zip(page["items"], want):
            assert (a["first_name"], a["last_name"], a["company"], a["status"],
                    a["ticket_type"]) == (w["first_name"], w["last_name"], w["company"],
                                          w["status"], w["ticket_type"]), where
            assert (a["checked_in_at"] is not None) == bool(w["checked_in"]), where
            assert (a["printed_at"] is not None) == bool(w["printed"]), where
        if page["total_exact"]:
            assert page["total"] == n, (where, page["total"], n)
        else:
            assert page["total"] == 1000 and n > 1000, (where, page["total"], n)
        # A count below the limit is always exact.
        assert n > 1000 or page["total_exact"], where
        assert (page["offset"], page["limit"]) == (offset, limit)
    return n


@pytest.fixture(scope="module")
def ref():
    """One daemon and its 2,600 attendees for every test here (filled once)."""
    with tempfile.TemporaryDirectory(prefix="techtank-api-") as tmp:
        d = Daemon(tmp)
        d.start()
        try:
            d.add_user("olle", "organiser")
            fill(d)
            keys = {"PRESSVERK ab": company_key(d, "Pressverk AB"), "": company_key(d, "")}
            yield d, reference_rows(d), keys
        finally:
            d.stop()


def test_every_search_as_the_reference(ref):
    d, rows, keys = ref
    found = {q: check(d, rows, keys, q, {}, "name", False) for q in SEARCHES}
    for q in SEARCHES:
        check(d, rows, keys, q, {}, "name", True)
    # The searches reach every way to a page: none found, a few, more
    # than a list counts (1,000) but few enough to start from, more than
    # a search starts from (2,000: everyone, with the contact).
    assert found["zz"] == 0 and 0 < found["asa lind"] < 1000
    assert 1000 < found["ab"] < 2000
    assert found["example"] == found["a"] == found["example se"] == N + 1
    for q in ("Γιώργος", "ΠΑΠΑΔΟΠΟΥΛΟΣ", "ёжиков", "Иван", "IŞIK", "Łucja", "nguyen",
              "ngoc anh", "odegard zoe", "Åsa Lindström"):
        assert found[q] > 0, q


def test_every_filter_and_order_as_the_reference(ref):
    d, rows, keys = ref
    for filters, sort, desc in itertools.product(FILTERS, SORTS, (False, True)):
        check(d, rows, keys, None, filters, sort, desc)


def test_searches_filtered_and_ordered_as_the_reference(ref):
    d, rows, keys = ref
    pick = random.Random(10)
    for _ in range(150):
        check(d, rows, keys, pick.choice(list(SEARCHES)), pick.choice(FILTERS),
              pick.choice(SORTS), pick.random() < 0.5)


def test_door_search_as_the_reference(ref):
    """The door's search shares the list's: its first 20 in name order."""
    d, rows, keys = ref
    door = d.login("olle")
    for q, words in SEARCHES.items():
        if len(q) < 2:
            continue  # the door asks for two characters at least
        expect = sorted((r for r in rows if kept(r, words, {}, keys)), key=order_key("name"))
        r = door.get(d.url + "/api/v1/attendees/search", params={"q": q}, timeout=30)
        assert r.status_code == 200, r.text
        assert [a["id"] for a in r.json()["attendees"]] == [a["id"] for a in expect[:20]], q
