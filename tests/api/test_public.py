"""The public side as a visitor meets it: errors as codes with parameters
for the pages to word, the seats a visitor can book, the English texts,
the price of a registration, the pass's QR code and the name a download
is saved under, and the public attendee list the "list me" consent
promises (only the confirmed who consented, name and company, in Swedish
order, paged)."""
import re
import urllib.parse

import pytest

from techtank_test import person, registration


def error(r, status, code):
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code, err
    assert isinstance(err["message"], str) and err["message"]  # the fallback
    return err


def stopped(daemon, *statements):
    """Run SQL with the daemon stopped, so that it reads the change afresh."""
    daemon.stop()
    for s in statements:
        daemon.sql(*s) if isinstance(s, tuple) else daemon.sql(s)
    daemon.start()


# --- codes and parameters -----------------------------------------------------

def test_public_field_errors_are_codes(daemon):
    bad = registration(2)
    bad["privacy_accepted"] = False
    bad["attendees"][0].update(first_name="  ", email="not an address", company="x" * 151)
    bad["attendees"][1]["email"] = bad["attendees"][0]["email"] = "same@example.se"
    bad["contact"]["phone"] = "call me"
    err = error(daemon.register(bad), 422, "validation_failed")
    assert err["fields"] == {
        "privacy_accepted": "required", "attendees.0.first_name": "required",
        "attendees.0.company": "too_long", "attendees.1.email": "taken",
        "contact.phone": "invalid"}
    bad = registration(1, ticket_type=999)
    assert error(daemon.register(bad), 422, "validation_failed")["fields"] == {
        "ticket_type": "not_a_choice"}
    bad = registration(1)
    bad["attendees"] = [person() for _ in range(11)]
    assert error(daemon.register(bad), 422, "validation_failed")["fields"] == {
        "attendees": "out_of_range"}
    # No sentence anywhere among the field errors.
    for v in err["fields"].values():
        assert re.fullmatch(r"[a-z_]+", v), v


def test_already_registered_is_a_code(daemon):
    first = registration(1)
    assert daemon.register(first).status_code == 201
    again = registration(1)
    again["attendees"][0]["email"] = first["attendees"][0]["email"].upper()
    err = error(daemon.register(again), 422, "validation_failed")
    assert err["fields"] == {"attendees.0.email": "taken"}


def test_full_says_how_many_seats_are_left(daemon):
    daemon.set_limits(ticket_type=1, quota=2, waitlist=False)
    err = error(daemon.register(registration(3)), 409, "full")
    assert err["params"] == {"left": 2, "wanted": 3}
    assert daemon.register(registration(1)).status_code == 201
    err = error(daemon.register(registration(2)), 409, "full")
    assert err["params"] == {"left": 1, "wanted": 2}
    assert daemon.register(registration(1)).status_code == 201
    err = error(daemon.register(registration(1)), 409, "full")
    assert err["params"] == {"left": 0, "wanted": 1}
    assert daemon.sql("SELECT count(*) FROM attendees") == [(2,)]


def test_a_full_session_is_named_by_its_id(daemon):
    prog = daemon.get("/api/v1/programme").json()
    visit = next(s for d in prog["days"] for s in d["sessions"]
                 if s.get("signup") and s.get("remaining") is not None)
    stopped(daemon, ("UPDATE sessions SET seats = taken WHERE id = ?", visit["id"]))
    body = registration(1)
    body["attendees"][0]["sessions"] = [visit["id"]]
    err = error(daemon.register(body), 409, "session_full")
    assert err["params"] == {"session": visit["id"], "title": visit["title"]}
    assert err["fields"] == {"attendees.0.sessions": "full"}


def test_closed_registration_is_a_code(daemon):
    stopped(daemon, "UPDATE events SET registration_closes_at = unixepoch() - 60")
    err = error(daemon.register(registration(1)), 409, "registration_closed")
    assert "params" not in err


@pytest.mark.parametrize("body, status, code", [
    (b"{", 400, "bad_request"),
    (b"[]", 400, "bad_request"),
    (b"{\"a\": \"\xff\"}", 422, "invalid_utf8"),
])
def test_malformed_bodies_have_codes(daemon, body, status, code):
    error(daemon.post("/api/v1/registrations", body), status, code)


# --- the event as the public pages show it ------------------------------------

def test_the_home_page_counts_only_seats_a_visitor_can_book(daemon):
    ev = daemon.get("/api/v1/event").json()
    offered = sum(t["remaining"] for t in ev["ticket_types"])
    assert ev["bookable"] == min(offered, ev["remaining"]) == 110
    assert ev["remaining"] == 120  # the capacity left counts every type
    stopped(daemon,
            "INSERT INTO ticket_types (event_id, name, role, quota, hidden, invitation_code)"
            " VALUES (1, 'Talare', 'speaker', 30, 1, 'hiddenhiddenhiddenhidden')")
    ev = daemon.get("/api/v1/event").json()
    assert "Talare" not in [t["name"] for t in ev["ticket_types"]]
    assert ev["bookable"] == 110
    # A type no longer on sale offers nothing either.
    stopped(daemon, "UPDATE ticket_types SET sale_ends_at = unixepoch() - 1 WHERE id = 2")
    assert daemon.get("/api/v1/event").json()["bookable"] == 70
    # Each seat taken is one fewer to book.
    assert daemon.register(registration(2)).status_code == 201
    assert daemon.get("/api/v1/event").json()["bookable"] == 68


def test_the_bookable_seats_stop_at_the_event_capacity(daemon):
    stopped(daemon, "UPDATE events SET capacity = 50")
    ev = daemon.get("/api/v1/event").json()
    assert ev["bookable"] == 50
    stopped(daemon, "UPDATE events SET capacity = NULL", "UPDATE ticket_types SET quota = NULL WHERE id = 3")
    assert daemon.get("/api/v1/event").json()["bookable"] is None  # no limit


def test_english_names_of_the_event_and_ticket_types(daemon):
    stopped(daemon,
            "UPDATE events SET name = 'Techtankkonferensen 2027', name_en = 'Techtank Conference 2027',"
            " description = 'Två dagar om presshärdning', description_en = 'Two days of press hardening'",
            "UPDATE ticket_types SET name = 'Medlem', name_en = 'Member',"
            " description = 'Anställda hos medlemsföretag', description_en = 'Employees of members'"
            " WHERE id = 1")
    ev = daemon.get("/api/v1/event").json()
    assert (ev["name"], ev["name_en"]) == ("Techtankkonferensen 2027", "Techtank Conference 2027")
    assert ev["description_en"] == "Two days of press hardening"
    tt = ev["ticket_types"][0]
    assert (tt["name"], tt["name_en"], tt["description_en"]) == ("Medlem", "Member", "Employees of members")
    assert tt["vat_rate"] == 25
    reg = daemon.register(registration(1)).json()
    assert reg["event_en"] == "Techtank Conference 2027"
    assert reg["ticket_type"] == {"id": 1, "name": "Medlem", "name_en": "Member"}


# --- price --------------------------------------------------------------------

def test_the_registration_has_its_price_and_total(daemon):
    reg = daemon.register(registration(2)).json()
    tt = reg["ticket_type"]
    assert reg["price"] == {
        "currency": "SEK", "unit_ore": 250000, "vat_rate": 25, "vat_included": False,
        "attendees": 2, "subtotal_ore": 500000, "vat_ore": 125000, "total_ore": 625000,
        "lines": [{"ticket_type": tt, "unit_ore": 250000, "vat_rate": 25, "attendees": 2,
                   "subtotal_ore": 500000, "vat_ore": 125000}]}
    again = daemon.get("/api/v1/registrations/" + reg["manage_token"]).json()
    assert again["price"] == reg["price"]
    # Cancelled: nothing to pay.
    gone = daemon.delete("/api/v1/registrations/" + reg["manage_token"]).json()
    assert gone["price"]["attendees"] == 0 and gone["price"]["total_ore"] == 0


def test_the_price_follows_the_ticket_each_attendee_holds_now(daemon):
    """An organiser moves one of two attendees to a cheaper ticket: the
    price has a line per ticket, each with its own VAT, and no one unit
    price any more."""
    stopped(daemon, "UPDATE ticket_types SET price_ore = 100000, vat_rate = 6 WHERE id = 2")
    reg = daemon.register(registration(2)).json()
    daemon.add_user("olle", "organiser")
    olle = daemon.login("olle")
    aid = reg["attendees"][1]["id"]
    url = f"{daemon.url}/api/v1/admin/attendees/{aid}"
    cur = olle.get(url, timeout=10).json()
    r = olle.post(url + "/move", json={"ticket_type": 2, "version": cur["version"]}, timeout=30)
    assert r.status_code == 200, r.text
    p = daemon.get("/api/v1/registrations/" + reg["manage_token"]).json()["price"]
    assert [(x["ticket_type"]["id"], x["unit_ore"], x["vat_rate"], x["attendees"],
             x["subtotal_ore"], x["vat_ore"]) for x in p["lines"]] == \
        [(1, 250000, 25, 1, 250000, 62500), (2, 100000, 6, 1, 100000, 6000)]
    assert (p["attendees"], p["subtotal_ore"], p["vat_ore"], p["total_ore"]) == \
        (2, 350000, 68500, 418500)
    assert p["unit_ore"] is None and p["vat_rate"] is None


def test_vat_is_rounded_to_the_ore_and_free_has_none(daemon):
    stopped(daemon, "UPDATE ticket_types SET price_ore = 12345, vat_rate = 6 WHERE id = 1",
            "UPDATE ticket_types SET price_ore = 0 WHERE id = 3")
    p = daemon.register(registration(1)).json()["price"]
    assert (p["subtotal_ore"], p["vat_ore"], p["total_ore"]) == (12345, 741, 13086)  # 740.7 -> 741
    p = daemon.register(registration(1, ticket_type=3)).json()["price"]
    assert (p["unit_ore"], p["vat_ore"], p["total_ore"]) == (0, 0, 0)


def test_the_waitlisted_pay_nothing_yet(daemon):
    daemon.set_limits(ticket_type=1, quota=1, waitlist=True)
    reg = daemon.register(registration(3)).json()
    assert [a["status"] for a in reg["attendees"]] == ["confirmed", "waitlisted", "waitlisted"]
    assert reg["price"]["attendees"] == 1 and reg["price"]["total_ore"] == 312500


# --- the pass's QR code and download names ------------------------------------

def pass_path(reg, i=0, what="qr.svg"):
    return f"/api/v1/registrations/{reg['manage_token']}/attendees/{reg['attendees'][i]['id']}/{what}"


def test_the_qr_code_is_an_svg_for_the_holder_of_the_link_only(daemon):
    reg = daemon.register(registration(1)).json()
    other = daemon.register(registration(1)).json()
    r = daemon.get(pass_path(reg))
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/svg+xml"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.text.startswith("<svg ") and "<path " in r.text and "script" not in r.text
    # Another registration's attendee, a forged token, a bad id.
    mixed = f"/api/v1/registrations/{reg['manage_token']}/attendees/{other['attendees'][0]['id']}/qr.svg"
    error(daemon.get(mixed), 404, "not_found")
    error(daemon.get(pass_path(dict(reg, manage_token="a" * 32))), 404, "not_found")
    for bad in ("0", "-1", "1x", "99999999999999999999"):
        error(daemon.get(f"/api/v1/registrations/{reg['manage_token']}/attendees/{bad}/qr.svg"),
              404, "not_found")


def test_a_waitlisted_attendee_has_no_qr_code(daemon):
    daemon.set_limits(ticket_type=1, quota=0, waitlist=True)
    reg = daemon.register(registration(1)).json()
    assert reg["attendees"][0]["status"] == "waitlisted"
    error(daemon.get(pass_path(reg)), 409, "no_pass")


def disposition(r):
    """(filename, filename*) of a Content-Disposition, checked for shape."""
    value = r.headers["Content-Disposition"]
    assert value.isascii() and "\r" not in value and "\n" not in value, value
    m = re.fullmatch(r'inline; filename="([A-Za-z0-9-]+\.(pdf|png))"; '
                     r"filename\*=UTF-8''([A-Za-z0-9%._~-]+)", value)
    assert m, value
    return m.group(1), urllib.parse.unquote(m.group(3), errors="strict")


def test_downloads_are_named_after_the_person(daemon):
    reg = daemon.register(registration(1)).json()
    r = daemon.get(pass_path(reg, what="pass.pdf"))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert disposition(r) == ("pass-Asa-Lindstrom-Oberg.pdf", "pass-Åsa-Lindström-Öberg.pdf")
    r = daemon.get(pass_path(reg, what="pass.png"))
    assert disposition(r) == ("pass-Asa-Lindstrom-Oberg.png", "pass-Åsa-Lindström-Öberg.png")


@pytest.mark.parametrize("first, last, ascii_name, utf8_name", [
    ('Zoë "Zed"', "Ødegård-Łukasiewicz", "pass-Zoe-Zed-Odegard-Lukasiewicz.pdf",
     "pass-Zoë-Zed-Ødegård-Łukasiewicz.pdf"),
    ("Eve\r\nSet-Cookie: x=1", "Evil", "pass-Eve-Set-Cookie-x-1-Evil.pdf",
     "pass-Eve-Set-Cookie-x-1-Evil.pdf"),
    ("../../etc", "passwd/..\\boot", "pass-etc-passwd-boot.pdf", "pass-etc-passwd-boot.pdf"),
    ("Ali\u202egnp.exe", "Hassan", "pass-Ali-gnp-exe-Hassan.pdf", "pass-Ali-gnp-exe-Hassan.pdf"),
    ("علي", "حسن", "pass.pdf", "pass-علي-حسن.pdf"),
    ("Björn 😀", "Straße", "pass-Bjorn-Strasse.pdf", "pass-Björn-😀-Straße.pdf"),
    ("%41", "100%", "pass-41-100.pdf", "pass-41-100.pdf"),
    ("Æsa", "x" * 300, None, None),
])
def test_hostile_names_make_safe_file_names(daemon, first, last, ascii_name, utf8_name):
    reg = daemon.register(registration(1)).json()
    # Straight into the file: some of these the registration form refuses.
    stopped(daemon, ("UPDATE attendees SET first_name = ?, last_name = ? WHERE id = ?",
                     first, last, reg["attendees"][0]["id"]))
    r = daemon.get(pass_path(reg, what="pass.pdf"))
    assert r.status_code == 200, r.text
    got = disposition(r)
    if ascii_name is None:  # a long name is cut, never past the limit
        assert got[0].startswith("pass-AEsa-xxx") and len(got[0]) <= 124
        assert got[1].startswith("pass-Æsa-xxx") and len(got[1].encode()) <= 124
    else:
        assert got == (ascii_name, utf8_name)
    for name in got:
        assert "/" not in name and "\\" not in name and ".." not in name and '"' not in name
        assert not any(0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069 for c in name)


# --- the public attendee list --------------------------------------------------

NAMES = [("Örjan", "Öst"), ("Åsa", "Åberg"), ("Ärla", "Ärlig"), ("Zoë", "Zetterlund"),
         ("Émile", "Eriksson"), ("anna", "ek"), ("Björn", "Ødegård"), ("Ulf", "Über"),
         ("Adam", "Andersson")]
SWEDISH_ORDER = ["Andersson", "ek", "Eriksson", "Über", "Zetterlund", "Åberg", "Ärlig",
                 "Ødegård", "Öst"]


def listed(daemon, query=""):
    r = daemon.get("/api/v1/attendees" + query)
    assert r.status_code == 200, r.text
    return r


def test_the_list_has_only_the_confirmed_who_consented(daemon):
    regs = []
    for first, last in NAMES:
        body = registration(1)
        body["attendees"][0].update(first_name=first, last_name=last, listed=True,
                                    company=f"{last} AB", job_title="Secret title",
                                    dietary="Secret diet")
        r = daemon.register(body)
        assert r.status_code == 201, r.text
        regs.append(body)
    quiet = registration(1)
    quiet["attendees"][0].update(first_name="Hemlig", last_name="Person", listed=False)
    assert daemon.register(quiet).status_code == 201
    cancelled = registration(1)
    cancelled["attendees"][0].update(first_name="Avbokad", last_name="Person", listed=True)
    token = daemon.register(cancelled).json()["manage_token"]
    assert daemon.delete("/api/v1/registrations/" + token).status_code == 200

    r = listed(daemon)
    body = r.json()
    assert [a["last_name"] for a in body["attendees"]] == SWEDISH_ORDER
    assert body["total"] == len(NAMES) and body["offset"] == 0 and body["limit"] == 50
    for a in body["attendees"]:
        assert set(a) == {"first_name", "last_name", "company"}
        assert a["company"] == f"{a['last_name']} AB"
    # Nothing else leaks: no address, title, diet, pass code or token.
    assert "@" not in r.text and "Secret" not in r.text and "Hemlig" not in r.text
    assert "Avbokad" not in r.text and "TT-" not in r.text
    for b in regs:
        assert b["attendees"][0]["email"] not in r.text


def test_the_waitlisted_are_not_listed(daemon):
    daemon.set_limits(ticket_type=1, quota=1, waitlist=True)
    body = registration(2)
    for a, name in zip(body["attendees"], ("Först", "Sedan")):
        a.update(first_name=name, listed=True)
    daemon.register(body)
    assert [a["first_name"] for a in listed(daemon).json()["attendees"]] == ["Först"]


def test_the_list_pages(daemon):
    for first, last in NAMES:
        body = registration(1)
        body["attendees"][0].update(first_name=first, last_name=last, listed=True)
        daemon.register(body)
    got = []
    for offset in range(0, 12, 4):
        page = listed(daemon, f"?offset={offset}&limit=4").json()
        assert page["total"] == len(NAMES) and page["limit"] == 4
        got += [a["last_name"] for a in page["attendees"]]
    assert got == SWEDISH_ORDER
    assert listed(daemon, "?offset=100").json()["attendees"] == []


@pytest.mark.parametrize("query, field", [
    ("?limit=0", "limit"), ("?limit=201", "limit"), ("?limit=-1", "limit"),
    ("?limit=abc", "limit"), ("?limit=", "limit"), ("?limit=1e3", "limit"),
    ("?offset=-1", "offset"), ("?offset=99999999999999999999", "offset"),
    ("?offset=%00", "offset"), ("?offset=" + "9" * 5000, "offset"),
], ids=lambda v: v[:24] if isinstance(v, str) else None)
def test_bad_paging_is_refused(daemon, query, field):
    err = error(daemon.get("/api/v1/attendees" + query), 422, "validation_failed")
    assert err["fields"] == {field: "out_of_range"}


def test_the_list_is_the_published_events_only(daemon):
    body = registration(1)
    body["attendees"][0].update(first_name="Nu", listed=True)
    daemon.register(body)
    stopped(daemon,
            "INSERT INTO events (id, slug, name, starts_at, ends_at) VALUES"
            " (2, 'next', 'Nästa', unixepoch('2028-11-30'), unixepoch('2028-12-01'))",
            "INSERT INTO ticket_types (id, event_id, name, invitation_code) VALUES"
            " (20, 2, 'Medlem', 'nextnextnextnextnextnext')",
            "INSERT INTO registrations (id, event_id, ticket_type_id, status, manage_token,"
            " contact_first_name, contact_last_name, contact_email, privacy_accepted_at, created_at)"
            " VALUES (99, 2, 20, 'confirmed', 'x', 'Sen', 'Are', 's@example.se', 0, 0)",
            "INSERT INTO attendees (registration_id, event_id, ticket_type_id, first_name,"
            " last_name, email, email_norm, listed, status, created_at) VALUES"
            " (99, 2, 20, 'Sen', 'Are', 's@example.se', 's@example.se', 1, 'confirmed', 0)")
    assert [a["first_name"] for a in listed(daemon).json()["attendees"]] == ["Nu"]
    stopped(daemon, "UPDATE settings SET value = 2 WHERE key = 'current_event'")
    assert [a["first_name"] for a in listed(daemon).json()["attendees"]] == ["Sen"]
    stopped(daemon, "DELETE FROM settings WHERE key = 'current_event'")
    error(daemon.get("/api/v1/attendees"), 404, "not_found")
