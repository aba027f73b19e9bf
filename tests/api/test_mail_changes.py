"""The "changed" and "session_moved" messages, sent to a real SMTP sink
(aiosmtpd, test_mail.py's) and read back as a mail client reads them: a
change to an attendee's name, ticket type or sessions, by an organiser or
through the manage link, is told to the attendee (and their contact) in
the registration's language; a release of the programme that moves or
cancels a session, or brings a cancelled one back, is told to those
signed up to it. Nothing is told for
an edit that changes nothing they see, a refused change, a change rolled
back, or a draft not yet published."""
import time

import pytest
import requests

from techtank_test import registration
from test_mail import mail_flags, parts, qr_codes, raw_lines, sink, started  # noqa: F401 (fixtures)

VISIT = 9       # the demo's study visit: sign-up
DINNER = 11     # the dinner: sign-up


@pytest.fixture
def d(sink, started):  # noqa: F811
    daemon = started(*mail_flags(sink))
    daemon.add_user("olle", "organiser")
    daemon.olle = daemon.login("olle")
    daemon.sink = sink
    return daemon


def admin(d, path):
    return d.url + "/api/v1/admin" + path


def register(d, first="Åsa", last="Lindström-Öberg", email="asa@example.se", lang="sv",
             sessions=None, contact=None):
    body = registration(1, lang=lang)
    body["attendees"][0].update(first_name=first, last_name=last, email=email)
    if sessions:
        body["attendees"][0]["sessions"] = sessions
    body["contact"] = dict(body["attendees"][0], phone="+46701234567") if contact is None \
        else contact
    body["contact"].pop("sessions", None)
    r = d.register(body)
    assert r.status_code == 201, r.text
    return r.json()


def rows(d, kind):
    return d.sql("SELECT recipient, lang, params FROM outbox WHERE kind = ? ORDER BY id", kind)


def settle(d, n):
    """The first n messages delivered; what arrives after is new."""
    d.sink.wait(n)
    return n


def new_mail(d, seen, n=1):
    msgs = d.sink.wait(seen + n)
    return msgs[seen:seen + n]


def attendee_page(d, aid):
    r = d.olle.get(admin(d, f"/attendees/{aid}"), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def org_edit(d, aid, **body):
    cur = attendee_page(d, aid)
    return d.olle.patch(admin(d, f"/attendees/{aid}"), json=dict(body, version=cur["version"]),
                        timeout=10)


def edit_session(d, sid, **body):
    cur = d.olle.get(admin(d, f"/sessions/{sid}"), timeout=10).json()
    r = d.olle.patch(admin(d, f"/sessions/{sid}"), json=dict(body, version=cur["version"]),
                     timeout=10)
    assert r.status_code == 200, r.text


def personal_url(d, aid):
    """The link a message about one attendee gives them: their own."""
    token = d.sql("SELECT manage_token FROM attendees WHERE id = ?", aid)[0][0]
    return f"{d.url}/manage.html#t={token}"


def publish(d):
    return d.olle.post(admin(d, "/events/1/releases"), timeout=10)


def test_an_organisers_name_change_is_told_in_swedish(d):
    reg = register(d)
    aid = reg["attendees"][0]["id"]
    seen = settle(d, 1)
    r = org_edit(d, aid, first_name="Åsa-Karin")
    assert r.status_code == 200, r.text
    (msg,) = new_mail(d, seen)
    raw = d.sink.raw[seen]
    for line in raw_lines(raw):
        assert len(line) <= 78, line
    assert msg["Subject"].startswith("Ändrad anmälan: Åsa-Karin Lindström-Öberg – ")
    assert msg["To"].addresses[0].addr_spec == "asa@example.se"
    assert msg["Content-Language"] == "sv"
    assert msg.get_content_type() == "multipart/mixed"
    assert msg.get_payload()[0].get_content_type() == "multipart/alternative"
    text, html, files = parts(msg)
    assert "Hej Åsa-Karin!" in text
    assert "har ändrats." in text
    assert "Det som har ändrats: namn." in text
    assert personal_url(d, aid) in text
    assert f'href="{personal_url(d, aid)}"' in html
    assert "Det som har ändrats: namn." in html
    # The pass again, with the new name; no programme.
    assert [(f[0], f[1]) for f in files] == [("pass-Asa-Karin-Lindstrom-Oberg.pdf", "application/pdf")]
    assert reg["attendees"][0]["pass_code"] in qr_codes(files[0][2])
    assert "Ditt passerkort är bifogat som PDF." in text
    assert rows(d, "changed") == [("asa@example.se", "sv", '{"changed":["name"]}')]


def test_edits_that_change_nothing_told_send_nothing(d):
    reg = register(d)
    aid = reg["attendees"][0]["id"]
    # The same name again, a new company, a new address: not a change told.
    assert org_edit(d, aid, first_name="Åsa").status_code == 200
    assert org_edit(d, aid, company="Annat AB", dietary="Vegan").status_code == 200
    r = requests.patch(f"{d.url}/api/v1/registrations/{reg['manage_token']}/attendees/{aid}",
                       json={"version": attendee_page(d, aid)["version"], "last_name": "Lindström-Öberg"},
                       timeout=10)
    assert r.status_code == 200, r.text
    # Choosing the sessions one has already.
    r = requests.put(f"{d.url}/api/v1/registrations/{reg['manage_token']}/attendees/{aid}/sessions",
                     json={"sessions": []}, timeout=10)
    assert r.status_code == 200, r.text
    assert rows(d, "changed") == []
    assert d.sql("SELECT kind FROM outbox") == [("confirmation",)]


def test_refused_changes_send_nothing(d):
    reg = register(d)
    aid = reg["attendees"][0]["id"]
    other = register(d, first="Björn", last="Håkansdotter", email="bjorn@example.se")
    cur = attendee_page(d, aid)
    # A stale version, a bad field, an address taken, the same ticket type.
    r = d.olle.patch(admin(d, f"/attendees/{aid}"), json={"version": cur["version"] + 5,
                                                          "first_name": "X"}, timeout=10)
    assert r.status_code == 409, r.text
    assert org_edit(d, aid, first_name="").status_code == 422
    assert org_edit(d, aid, first_name="Y" * 500).status_code == 422
    assert org_edit(d, aid, first_name="Z", email="bjorn@example.se").status_code == 422
    r = d.olle.post(admin(d, f"/attendees/{aid}/move"),
                    json={"version": cur["version"], "ticket_type": 1}, timeout=10)
    assert r.status_code == 409, r.text
    # A session that does not exist, through the manage link.
    r = requests.put(f"{d.url}/api/v1/registrations/{reg['manage_token']}/attendees/{aid}/sessions",
                     json={"sessions": [99999]}, timeout=10)
    assert r.status_code in (404, 409, 422), r.text
    assert rows(d, "changed") == []
    assert attendee_page(d, aid)["first_name"] == "Åsa"
    assert other["attendees"][0]["email"] == "bjorn@example.se"


def test_a_change_rolled_back_leaves_no_message_and_no_change(d):
    """The message is written in the change's transaction: when it cannot
    be written, the change is undone with it."""
    reg = register(d)
    aid = reg["attendees"][0]["id"]
    d.sql("CREATE TRIGGER refuse_changed BEFORE INSERT ON outbox"
          " WHEN NEW.kind = 'changed' BEGIN SELECT RAISE(ABORT, 'refused'); END")
    r = org_edit(d, aid, first_name="Åsa-Karin")
    assert r.status_code == 500, r.text
    r = d.olle.post(admin(d, f"/attendees/{aid}/move"),
                    json={"version": attendee_page(d, aid)["version"], "ticket_type": 2}, timeout=10)
    assert r.status_code == 500, r.text
    page = attendee_page(d, aid)
    assert page["first_name"] == "Åsa" and page["ticket_type"] == 1
    assert d.sql("SELECT count(*) FROM audit_log WHERE action IN"
                 " ('attendee.update', 'attendee.move')") == [(0,)]
    assert rows(d, "changed") == []
    d.sql("DROP TRIGGER refuse_changed")
    assert org_edit(d, aid, first_name="Åsa-Karin").status_code == 200
    assert len(rows(d, "changed")) == 1


def test_a_move_to_another_ticket_type_is_told(d):
    reg = register(d)
    aid = reg["attendees"][0]["id"]
    seen = settle(d, 1)
    r = d.olle.post(admin(d, f"/attendees/{aid}/move"),
                    json={"version": attendee_page(d, aid)["version"], "ticket_type": 2}, timeout=10)
    assert r.status_code == 200, r.text
    (msg,) = new_mail(d, seen)
    text, _, _ = parts(msg)
    assert "Det som har ändrats: biljett." in text
    assert rows(d, "changed")[0][2] == '{"changed":["ticket_type"]}'


def test_a_substitute_is_told_at_their_own_address(d):
    reg = register(d, contact={"first_name": "Carl", "last_name": "Chef",
                               "email": "chef@example.se", "company": "Pressverk AB",
                               "phone": "+46701234567"})
    aid = reg["attendees"][0]["id"]
    seen = settle(d, 2)     # the contact's confirmation and Åsa's own
    r = d.olle.post(admin(d, f"/attendees/{aid}/substitute"), json={
        "version": attendee_page(d, aid)["version"], "first_name": "Öjvind",
        "last_name": "Ärlig", "email": "ojvind@example.se"}, timeout=10)
    assert r.status_code == 200, r.text
    msgs = new_mail(d, seen, 2)
    to = sorted(m["To"].addresses[0].addr_spec for m in msgs)
    assert to == ["chef@example.se", "ojvind@example.se"]
    code = d.sql("SELECT pass_code FROM attendees WHERE id = ?", aid)[0][0]
    assert code != reg["attendees"][0]["pass_code"]
    for m in msgs:
        assert m["Subject"].startswith("Ändrad anmälan: ")
        text, _, files = parts(m)
        assert "Öjvind Ärlig" in text
        assert "Det som har ändrats: namn." in text
        # The new person's pass, with its new code.
        (pdf,) = [f[2] for f in files if f[1] == "application/pdf"]
        assert qr_codes(pdf) == [code]
    assert "asa@example.se" not in {r[0] for r in rows(d, "changed")}


def test_sessions_chosen_through_the_link_are_told_in_english(d):
    reg = register(d, lang="en", email="zoe@example.se", first="Zoë", last="Ng")
    aid = reg["attendees"][0]["id"]
    seen = settle(d, 1)
    r = requests.put(f"{d.url}/api/v1/registrations/{reg['manage_token']}/attendees/{aid}/sessions",
                     json={"sessions": [VISIT]}, timeout=10)
    assert r.status_code == 200, r.text
    (msg,) = new_mail(d, seen)
    assert msg["Subject"].startswith("Registration changed: Zoë Ng – ")
    assert msg["Content-Language"] == "en"
    text, html, _ = parts(msg)
    assert "Hello Zoë," in text
    assert "What changed: sessions." in text
    assert "Signed up to:" in text
    visit = d.sql("SELECT title FROM sessions WHERE id = ?", VISIT)[0][0]
    assert f"- {visit}" in text
    assert personal_url(d, aid) in text
    # And dropping it again is a change too; choosing it twice is not.
    r = requests.put(f"{d.url}/api/v1/registrations/{reg['manage_token']}/attendees/{aid}/sessions",
                     json={"sessions": []}, timeout=10)
    assert r.status_code == 200, r.text
    (msg,) = new_mail(d, seen + 1)
    assert "Not signed up to any session." in parts(msg)[0]
    assert len(rows(d, "changed")) == 2


def test_a_published_move_or_cancellation_is_told_to_those_signed_up(d):
    asa = register(d, sessions=[VISIT, DINNER])
    zoe = register(d, lang="en", email="zoe@example.se", first="Zoë", last="Ng",
                   sessions=[VISIT])
    register(d, first="Björn", last="Håkansdotter", email="bjorn@example.se")
    seen = settle(d, 3)
    edit_session(d, VISIT, starts_at="2027-11-30T13:30:00+01:00",
                 ends_at="2027-11-30T16:30:00+01:00")
    edit_session(d, DINNER, cancelled=True)
    edit_session(d, 3, title="Ny titel")    # not a move: nobody is told
    # The draft is nobody's business yet.
    time.sleep(0.3)
    assert rows(d, "session_moved") == []
    r = publish(d)
    assert r.status_code == 201, r.text
    msgs = new_mail(d, seen, 2)
    by = {m["To"].addresses[0].addr_spec: m for m in msgs}
    assert set(by) == {"asa@example.se", "zoe@example.se"}
    visit, visit_en = d.sql("SELECT title, title_en FROM sessions WHERE id = ?", VISIT)[0]
    dinner = d.sql("SELECT title FROM sessions WHERE id = ?", DINNER)[0][0]

    sv = by["asa@example.se"]
    assert sv["Subject"].startswith("Ändring i programmet: Åsa Lindström-Öberg – ")
    assert sv["Content-Language"] == "sv"
    text, html, files = parts(sv)
    assert "Programmet för" in text
    assert f"- {visit}: nu 2027-11-30 13:30–16:30" in text
    assert "(förut 2027-11-30 " in text
    assert f"- {dinner}: inställd" in text
    assert personal_url(d, asa["attendees"][0]["id"]) in text
    assert files == []
    assert "inställd" in html

    en = by["zoe@example.se"]
    assert en["Subject"].startswith("Programme change: Zoë Ng – ")
    text, _, _ = parts(en)
    assert f"- {visit_en or visit}: now 2027-11-30 13:30–16:30" in text
    assert "(was 2027-11-30 " in text
    assert dinner not in text
    assert personal_url(d, zoe["attendees"][0]["id"]) in text
    # One message each, however many of their sessions changed.
    assert sorted(r[0] for r in rows(d, "session_moved")) == ["asa@example.se", "zoe@example.se"]

    # Publishing a title alone tells no one.
    edit_session(d, 4, title="Annan titel")
    assert publish(d).status_code == 201
    assert len(rows(d, "session_moved")) == 2


def test_a_session_back_from_cancelled_is_told_to_those_still_signed_up(d):
    register(d, sessions=[DINNER])
    register(d, lang="en", email="zoe@example.se", first="Zoë", last="Ng", sessions=[DINNER])
    register(d, first="Björn", last="Håkansdotter", email="bjorn@example.se")
    seen = settle(d, 3)
    edit_session(d, DINNER, cancelled=True)
    assert publish(d).status_code == 201
    seen += len(new_mail(d, seen, 2))
    edit_session(d, DINNER, cancelled=False)
    assert publish(d).status_code == 201
    msgs = new_mail(d, seen, 2)
    by = {m["To"].addresses[0].addr_spec: m for m in msgs}
    assert set(by) == {"asa@example.se", "zoe@example.se"}
    dinner, dinner_en = d.sql("SELECT title, title_en FROM sessions WHERE id = ?", DINNER)[0]
    text, html, _ = parts(by["asa@example.se"])
    assert f"- {dinner}: åter på programmet, 2027-" in text
    assert "inställd" not in text
    assert "åter på programmet" in html
    text, _, _ = parts(by["zoe@example.se"])
    assert f"- {dinner_en or dinner}: back on the programme, 2027-" in text
    assert len(rows(d, "session_moved")) == 4


def test_a_release_rolled_back_tells_no_one(d):
    register(d, sessions=[VISIT])
    edit_session(d, VISIT, starts_at="2027-11-30T13:30:00+01:00",
                 ends_at="2027-11-30T16:30:00+01:00")
    d.sql("CREATE TRIGGER refuse_moved BEFORE INSERT ON outbox"
          " WHEN NEW.kind = 'session_moved' BEGIN SELECT RAISE(ABORT, 'refused'); END")
    assert publish(d).status_code == 500
    assert d.sql("SELECT max(number) FROM releases WHERE event_id = 1") == [(1,)]
    d.sql("DROP TRIGGER refuse_moved")
    assert publish(d).status_code == 201
    assert [r[0] for r in rows(d, "session_moved")] == ["asa@example.se"]
