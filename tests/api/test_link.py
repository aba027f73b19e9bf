""""Send me my link" (POST /api/v1/link): the private link mailed again to
whoever registered with an address, through the outbox and a real SMTP
sink; the same answer for known and unknown addresses; limits per address
and per client; hostile input refused."""
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from techtank_test import person, registration
from test_mail import mail_flags, parts, sink, started, raw_lines  # noqa: F401

FIRST, LAST = "Åsa", "Lindström-Öberg"


def ask(d, email, **kw):
    return d.post("/api/v1/link", {"email": email}, **kw)


def outbox_links(d):
    return d.sql("SELECT recipient, lang, attendee_id FROM outbox WHERE kind = 'link'"
                 " ORDER BY id")


def test_known_address_gets_its_link_in_its_language(sink, started):
    d = started(*mail_flags(sink))
    me = person(FIRST, LAST)
    r = d.register(registration(attendees=[me], contact=dict(me), lang="en"))
    assert r.status_code == 201, r.text
    url = r.json()["manage_url"]
    sink.wait(1)
    a = ask(d, me["email"].upper())
    assert a.status_code == 202, a.text
    assert a.json() == {"queued": True}
    msg = sink.wait(2)[1]
    assert msg["Subject"].startswith(f"Your link: {FIRST} {LAST}")
    assert msg["To"].addresses[0].addr_spec == me["email"]
    for line in raw_lines(sink.raw[1]):
        assert len(line) <= 78, line
    text, html, _ = parts(msg)
    assert f"Hello {FIRST}," in text and "Someone, hopefully you" in text
    assert url in text and url in html
    token = url.split("#t=")[1]
    g = d.get(f"/api/v1/registrations/{token}")
    assert g.status_code == 200, g.text
    assert g.json()["contact"]["first_name"] == FIRST


def test_a_contact_is_found_by_the_address_as_compared(sink, started):
    """A contact who is no attendee, found by their address in another case;
    and one whose address another program wrote (the sqlite3 shell: no key)
    once techtankd has started again."""
    d = started(*mail_flags(sink))
    me = person(FIRST, LAST)
    contact = person("Olof", "Ek")
    contact["email"] = "Olof.Ek@Pressverk.example"
    r = d.register(registration(attendees=[me], contact=contact))
    assert r.status_code == 201, r.text
    sink.wait(2)
    assert ask(d, "olof.ek@PRESSVERK.EXAMPLE").status_code == 202
    assert sink.wait(3)[2]["To"].addresses[0].addr_spec == "Olof.Ek@Pressverk.example"
    assert d.sql("SELECT contact_email_norm FROM registrations") == [("olof.ek@pressverk.example",)]
    d.stop()
    d.sql("UPDATE registrations SET contact_email = 'Karin.Ny@Pressverk.example',"
          " contact_email_norm = NULL")
    d.start()
    assert ask(d, "KARIN.NY@pressverk.example").status_code == 202
    assert sink.wait(4)[3]["To"].addresses[0].addr_spec == "Karin.Ny@Pressverk.example"
    assert [r[0] for r in outbox_links(d)] == ["Olof.Ek@Pressverk.example",
                                               "Karin.Ny@Pressverk.example"]


def test_swedish_colleague_gets_personal_link(sink, started):
    d = started(*mail_flags(sink))
    contact = person("Björn", "Håkansdotter")
    colleague = person("Zoë", "Ødegård-Łukasiewicz")
    r = d.register(registration(attendees=[contact, colleague], contact=dict(contact),
                                lang="sv"))
    assert r.status_code == 201, r.text
    n = len(sink.wait(2))
    assert ask(d, colleague["email"]).status_code == 202
    msg = sink.wait(n + 1)[n]
    assert msg["Subject"].startswith("Din länk: Zoë Ødegård-Łukasiewicz")
    text, _, _ = parts(msg)
    assert "Hej Zoë!" in text and "förhoppningsvis du" in text
    (row,) = outbox_links(d)
    assert row[0] == colleague["email"] and row[1] == "sv" and row[2] is not None
    personal = [a["manage_token"] for a in
                d.get(f"/api/v1/registrations/{r.json()['manage_url'].split('#t=')[1]}")
                .json()["attendees"] if a["first_name"] == "Zoë"][0]
    assert f"#t={personal}" in text


def test_same_answer_for_known_and_unknown(started):
    d = started()
    me = person(FIRST, LAST)
    assert d.register(registration(attendees=[me], contact=dict(me))).status_code == 201
    k = ask(d, me["email"])
    u = ask(d, "nobody.at.all@example.org")
    assert (k.status_code, k.content) == (u.status_code, u.content) == (202, b'{"queued":true}')
    assert [r[0] for r in outbox_links(d)] == [me["email"]]


def test_cancelled_registration_gets_nothing(started):
    d = started()
    me = person(FIRST, LAST)
    r = d.register(registration(attendees=[me], contact=dict(me)))
    token = r.json()["manage_url"].split("#t=")[1]
    assert d.delete(f"/api/v1/registrations/{token}").status_code in (200, 204)
    assert ask(d, me["email"]).status_code == 202
    assert outbox_links(d) == []


def test_throttled_per_address(started):
    d = started()
    codes = [ask(d, "same.person@example.org").status_code for _ in range(5)]
    assert codes[:3] == [202] * 3 and codes[3:] == [429, 429]
    r = ask(d, "same.person@example.org")
    assert r.json()["error"]["code"] == "too_many_requests"
    assert 0 < int(r.headers["Retry-After"]) <= 900
    assert ask(d, "other.person@example.org").status_code == 202


def test_throttled_per_client(started):
    d = started()
    codes = [ask(d, f"p{i}@example.org").status_code for i in range(25)]
    assert codes[:20] == [202] * 20 and set(codes[20:]) == {429}


def test_hostile_inputs_refused(started):
    d = started()
    cases = [
        ({"email": "a" * 300 + "@example.org"}, "validation_failed"),
        ({"email": "not an address"}, "validation_failed"),
        ({"email": "x@example.org' OR 1=1 --"}, "validation_failed"),
        ({"email": "x@example.org\r\nBcc: all@example.org"}, "header_injection"),
        ({"email": "x@example.org\nSubject: hi"}, "header_injection"),
        ({"email": "x@exa\u0000mple.org"}, "header_injection"),
        ({"email": 5}, "validation_failed"),
        ({}, "validation_failed"),
    ]
    for body, code in cases:
        r = d.post("/api/v1/link", body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == code, (body, r.text)
    r = requests.post(d.url + "/api/v1/link", data=b'{"email": "\xff\xfe@x.se"}',
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_utf8"
    r = requests.post(d.url + "/api/v1/link", data=b'{"email": "a@b.se", "x": "' +
                      b"y" * 70000 + b'"}', headers={"Content-Type": "application/json"},
                      timeout=10)
    assert r.status_code == 413
    assert outbox_links(d) == []


def test_many_clients_at_once(started):
    d = started("--trusted-proxy", "127.0.0.1")
    me = person(FIRST, LAST)
    assert d.register(registration(attendees=[me], contact=dict(me))).status_code == 201

    def one(i):
        return d.post("/api/v1/link", {"email": me["email"] if i % 10 == 0 else
                                       f"u{i}@example.org"},
                      headers={"X-Forwarded-For": f"192.0.2.{i % 250 + 1}"}).status_code

    with ThreadPoolExecutor(32) as pool:
        codes = list(pool.map(one, range(200)))
    assert set(codes) <= {202, 429}
    # The known address: asked 20 times from 20 clients, mailed 3 times.
    assert codes.count(429) == 17
    assert len(outbox_links(d)) == 3
    assert d.get("/healthz").status_code == 200
