"""An organiser's message to a segment of an event's attendees, end to
end: previewed (who, how many, how the first reads it), sent through the
outbox to a real SMTP sink (aiosmtpd on 127.0.0.1), each in the language
the attendee registered in, to the right people only; an Idempotency-Key
makes a repeated send send nothing; bad input, hostile text and the wrong
role are refused."""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from techtank_test import person, registration
from test_mail import Sink, mail_flags, parts, raw_lines, sink, started  # noqa: F401

DAY = "2027-11-30"
SV = {"subject": "Välkommen, snart är det dags", "body": "Hej hej!\n\nDörrarna öppnar 08:00.\nTa med passet."}
EN = {"subject_en": "Welcome, it is nearly time", "body_en": "Hi!\n\nThe doors open at 08:00.\nBring your pass."}


def at(hm, day=DAY):
    return f"{day}T{hm}:00+01:00"


@pytest.fixture
def conf(sink, started):
    """A daemon mailing the sink, with: Åsa (sv, Member, signed up for the
    visit), Bob (en, Member, checked in), Cleo (en, Non-member), and Dan
    (sv, Member, cancelled). Their confirmations are delivered and put
    aside."""
    d = started(*mail_flags(sink))
    d.add_user("olle", "organiser")
    d.add_user("anna", "door")
    d.olle = d.login("olle")
    d.anna = d.login("anna")
    r = d.olle.post(f"{d.url}/api/v1/admin/events/1/sessions", json={
        "title": "Studiebesök", "title_en": "Study visit", "kind": "visit",
        "starts_at": at("16:00"), "ends_at": at("17:00"), "room_id": None,
        "seats": 10, "signup": True}, timeout=10)
    assert r.status_code == 201, r.text
    d.session = r.json()["id"]
    r = d.olle.post(f"{d.url}/api/v1/admin/events/1/sessions", json={
        "title": "Tomt", "title_en": "Empty", "kind": "visit",
        "starts_at": at("17:30"), "ends_at": at("18:00"), "room_id": None,
        "seats": 10, "signup": True}, timeout=10)
    assert r.status_code == 201, r.text
    d.empty_session = r.json()["id"]
    assert d.olle.post(f"{d.url}/api/v1/admin/events/1/releases", json={},
                       timeout=10).status_code == 201
    d.people = {}
    for key, first, lang, tt, sessions in (("asa", "Åsa", "sv", 1, [d.session]),
                                           ("bob", "Bob", "en", 1, None),
                                           ("cleo", "Cleo", "en", 2, None),
                                           ("dan", "Dan", "sv", 1, None)):
        p = person(first, "Lindström-Öberg" if key == "asa" else "Smith",
                   email=f"{key}.{uuid.uuid4().hex[:6]}@example.se")
        if sessions:
            p["sessions"] = sessions
        body = registration(ticket_type=tt, lang=lang, contact=dict(p), attendees=[p])
        r = d.register(body)
        assert r.status_code == 201, r.text
        d.people[key] = dict(r.json(), email=p["email"])
    dan = d.people["dan"]
    r = d.delete("/api/v1/registrations/" + dan["manage_url"].split("#t=")[1])
    assert r.status_code == 200, r.text
    assert d.sql("SELECT status FROM attendees WHERE email = ?", dan["email"]) == [("cancelled",)]
    r = d.anna.post(d.url + "/api/v1/checkins",
                    json={"code": d.people["bob"]["attendees"][0]["pass_code"]}, timeout=10)
    assert r.status_code in (200, 201), r.text
    deadline = time.time() + 30
    while time.time() < deadline and d.sql(
            "SELECT count(*) FROM outbox WHERE state <> 'sent'") != [(0,)]:
        time.sleep(0.05)
    assert d.sql("SELECT count(*) FROM outbox WHERE state <> 'sent'") == [(0,)]
    with sink.lock:
        sink.raw.clear()
        sink.envelopes.clear()
    return d


def url(d, path="/messages", event=1):
    return f"{d.url}/api/v1/admin/events/{event}{path}"


def send(d, body, key=None, who=None):
    headers = {"Idempotency-Key": key} if key else {}
    return (who or d.olle).post(url(d), json=body, headers=headers, timeout=30)


def organiser_rows(d):
    return d.sql("SELECT recipient, lang, state FROM outbox WHERE kind = 'organiser' ORDER BY id")


def delivered(sink, n):
    """The n messages the sink got, by recipient; none more a moment later."""
    msgs = sink.wait(n)
    time.sleep(1)
    assert len(sink.raw) == n, [m["To"] for m in sink.messages()]
    return {m["To"].addresses[0].addr_spec: m for m in msgs}


def test_preview_names_the_recipients_and_renders_the_first(conf):
    d = conf
    r = d.olle.post(url(d, "/messages/preview"), json=dict(SV, **EN, segment="everyone"),
                    timeout=10)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["count"] == 3
    emails = [x["email"] for x in p["recipients"]]
    assert emails == [d.people[k]["email"] for k in ("asa", "bob", "cleo")]
    assert [x["lang"] for x in p["recipients"]] == ["sv", "en", "en"]
    s = p["sample"]
    assert s["to"]["email"] == d.people["asa"]["email"] and s["lang"] == "sv"
    assert s["subject"] == SV["subject"]
    assert s["text"].startswith("Hej Åsa!\n\nHej hej!\n\nDörrarna öppnar 08:00.\nTa med passet.")
    assert d.people["asa"]["manage_url"] in s["text"]
    assert "<p>Dörrarna öppnar 08:00.<br>\nTa med passet.</p>" in s["html"]
    # A preview stores and sends nothing.
    assert organiser_rows(d) == []
    assert d.sql("SELECT count(*) FROM organiser_messages") == [(0,)]
    r = d.olle.post(url(d, "/messages/preview"), json=dict(SV, segment="not_checked_in"),
                    timeout=10)
    assert r.json()["count"] == 2
    assert [x["email"] for x in r.json()["recipients"]] == [
        d.people["asa"]["email"], d.people["cleo"]["email"]]


@pytest.mark.parametrize("segment,extra,who", [
    ("everyone", {}, ("asa", "bob", "cleo")),
    ("ticket_type", {"ticket_type_id": 1}, ("asa", "bob")),
    ("ticket_type", {"ticket_type_id": 2}, ("cleo",)),
    ("session", None, ("asa",)),
    ("not_checked_in", {}, ("asa", "cleo")),
])
def test_each_segment_reaches_its_people_in_their_language(conf, sink, segment, extra, who):
    d = conf
    if extra is None:
        extra = {"session_id": d.session}
    r = send(d, dict(SV, **EN, segment=segment, **extra), key=str(uuid.uuid4()))
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["recipients"] == len(who) and m["replayed"] is False
    assert m["segment"] == segment and m["body"] == SV["body"]
    got = delivered(sink, len(who))
    assert set(got) == {d.people[k]["email"] for k in who}
    for k in who:
        msg = got[d.people[k]["email"]]
        text, html, files = parts(msg)
        assert files == []
        for line in raw_lines(sink.raw[[m["To"].addresses[0].addr_spec for m in sink.messages()]
                                       .index(d.people[k]["email"])]):
            assert len(line) <= 78, line
        if k == "asa":
            assert msg["Subject"] == SV["subject"] and msg["Content-Language"] == "sv"
            assert text.startswith("Hej Åsa!") and "Dörrarna öppnar 08:00." in text
        else:
            assert msg["Subject"] == EN["subject_en"] and msg["Content-Language"] == "en"
            assert "The doors open at 08:00." in text and "Dörrarna" not in text
        assert d.people[k]["manage_url"] in text
    assert all(row[2] == "sent" for row in organiser_rows(d))


def test_english_falls_back_to_swedish_when_not_written(conf, sink):
    d = conf
    r = send(d, dict(SV, segment="ticket_type", ticket_type_id=2))
    assert r.status_code == 201, r.text
    (msg,) = delivered(sink, 1).values()
    assert msg["Subject"] == SV["subject"] and msg["Content-Language"] == "en"
    text, _, _ = parts(msg)
    assert text.startswith("Hello Cleo,") and "Dörrarna" in text


def test_a_repeated_send_with_the_same_key_sends_nothing_new(conf, sink):
    d = conf
    body = dict(SV, **EN, segment="everyone")
    key = str(uuid.uuid4())
    first = send(d, body, key)
    assert first.status_code == 201, first.text
    delivered(sink, 3)
    again = send(d, body, key)
    assert again.status_code == 200, again.text
    assert again.json()["replayed"] is True
    assert again.json()["id"] == first.json()["id"]
    assert len(organiser_rows(d)) == 3
    assert d.sql("SELECT count(*) FROM organiser_messages") == [(1,)]
    # Another request under the key is refused, and sends nothing either.
    other = send(d, dict(body, subject="Något annat"), key)
    assert other.status_code == 409, other.text
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    # The same key for another event is another key.
    time.sleep(1)
    assert len(sink.raw) == 3 and len(organiser_rows(d)) == 3
    # Without a key each send is a send.
    assert send(d, body).status_code == 201
    assert send(d, body).status_code == 201
    assert len(organiser_rows(d)) == 9
    listed = d.olle.get(url(d), timeout=10).json()
    assert listed["total"] == 3
    assert [m["recipients"] for m in listed["items"]] == [3, 3, 3]
    assert "body" not in listed["items"][0]
    one = d.olle.get(f"{d.url}/api/v1/admin/messages/{first.json()['id']}", timeout=10)
    assert one.status_code == 200 and one.json()["body_en"] == EN["body_en"]
    assert "idempotency_key" not in one.json() and "request_hash" not in one.json()
    # Sending is audited.
    assert d.sql("SELECT count(*) FROM audit_log WHERE action = 'message.create'") == [(3,)]


def test_the_same_key_sent_from_many_clients_at_once_sends_once(conf, sink):
    d = conf
    body = dict(SV, **EN, segment="everyone")
    key = str(uuid.uuid4())
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: send(d, body, key), range(20)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] * 19 + [201], [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert all(r.json()["replayed"] is True for r in answers if r.status_code == 200)
    assert d.sql("SELECT count(*) FROM organiser_messages") == [(1,)]
    assert len(organiser_rows(d)) == 3
    assert len(delivered(sink, 3)) == 3


def test_html_in_the_organisers_words_is_text(conf, sink):
    d = conf
    hostile = "<script>alert(1)</script> & <a href=\"x\">klick</a> 'q'"
    r = send(d, {"subject": "<b>Viktigt</b> & \"mer\"", "body": hostile,
                 "segment": "session", "session_id": d.session})
    assert r.status_code == 201, r.text
    (msg,) = delivered(sink, 1).values()
    text, html, _ = parts(msg)
    assert hostile in text
    assert "<script>" not in html and "<a href=\"x\">" not in html and "<b>" not in html
    assert ("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;a href=&quot;x&quot;&gt;klick"
            "&lt;/a&gt; &#39;q&#39;") in html
    assert msg["Subject"] == "<b>Viktigt</b> & \"mer\""
    assert "<title>&lt;b&gt;Viktigt&lt;/b&gt; &amp; &quot;mer&quot;</title>" in html


def test_a_long_unicode_subject_is_encoded_and_folded(conf, sink):
    d = conf
    subject = "Bekräftelse: Åsa Lindström-Öberg – " + "ändrade tider på torsdag " * 4
    r = send(d, {"subject": subject, "body": "Text", "segment": "session",
                 "session_id": d.session})
    assert r.status_code == 201, r.text
    (msg,) = delivered(sink, 1).values()
    assert msg["Subject"] == subject.strip()
    for line in raw_lines(sink.raw[0]):
        assert len(line) <= 78, line


@pytest.mark.parametrize("change,field,code", [
    ({"subject": ""}, "subject", "required"),
    ({"subject": "   "}, "subject", "required"),
    ({"subject": "Hej\r\nBcc: evil@example.com"}, "subject", "invalid"),
    ({"subject": "Hej\nBcc: evil@example.com"}, "subject", "invalid"),
    ({"subject": "Hej\u2028där"}, "subject", "invalid"),
    ({"subject": "x" * 151}, "subject", "too_long"),
    ({"subject": 7}, "subject", "invalid"),
    ({"body": ""}, "body", "required"),
    ({"body": "\n\n  \n"}, "body", "required"),
    ({"body": "a" * 20001}, "body", "too_long"),
    ({"body": "rad\u0000två"}, "body", "invalid"),
    ({"body": "rad\u001bett"}, "body", "invalid"),
    ({"body": "\u202eevil"}, "body", "invalid"),
    ({"body_en": "a" * 20001}, "body_en", "too_long"),
    ({"segment": "vips"}, "segment", "not_a_choice"),
    ({"segment": None}, "segment", "required"),
    ({"segment": "ticket_type"}, "ticket_type_id", "required"),
    ({"segment": "ticket_type", "ticket_type_id": 999}, "ticket_type_id", "unknown"),
    ({"segment": "ticket_type", "ticket_type_id": "1"}, "ticket_type_id", "invalid"),
    ({"segment": "session"}, "session_id", "required"),
    ({"segment": "session", "session_id": 99999}, "session_id", "unknown"),
    ({"segment": "everyone", "session_id": 1}, "session_id", "not_allowed"),
    ({"segment": "everyone", "ticket_type_id": 1}, "ticket_type_id", "not_allowed"),
    ({"recipients": 5}, "recipients", "read_only"),
    ({"idempotency_key": "x"}, "idempotency_key", "read_only"),
    ({"bcc": "evil@example.com"}, "bcc", "unknown_field"),
])
def test_bad_input_is_refused_and_sends_nothing(conf, change, field, code):
    d = conf
    body = dict(SV, **EN, segment="everyone")
    body.update(change)
    for path in ("/messages/preview", "/messages"):
        r = d.olle.post(url(d, path), json=body, timeout=30)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["error"]["fields"].get(field) == code, (path, r.text)
    assert organiser_rows(d) == []
    assert d.sql("SELECT count(*) FROM organiser_messages") == [(0,)]


def test_missing_segment_and_empty_segment(conf):
    d = conf
    r = send(d, dict(SV))
    assert r.status_code == 422 and r.json()["error"]["fields"]["segment"] == "required"
    r = send(d, dict(SV, segment="session", session_id=conf.empty_session), key="k-empty")
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {"segment": "no_recipients"}
    preview = d.olle.post(url(d, "/messages/preview"),
                          json=dict(SV, segment="session", session_id=conf.empty_session),
                          timeout=10)
    assert preview.status_code == 200
    assert preview.json() == {"count": 0, "recipients": [], "sample": None}
    assert organiser_rows(d) == []
    # Nothing was kept under the key: once someone signs up, it sends.
    assert d.sql("SELECT count(*) FROM organiser_messages") == [(0,)]


def test_the_body_keeps_its_lines_and_only_its_lines(conf, sink):
    d = conf
    r = send(d, {"subject": "Rader", "body": "\r\n  Första\r\nAndra\tmed tabb   \r\rTredje\n\n\n",
                 "segment": "session", "session_id": d.session})
    assert r.status_code == 201, r.text
    assert r.json()["body"] == "Första\nAndra med tabb\n\nTredje"


def test_idempotency_key_must_be_printable_and_short(conf):
    d = conf
    for key in ("x" * 129, "mellan rum", "å"):
        r = d.olle.post(url(d), json=dict(SV, segment="everyone"),
                        headers={"Idempotency-Key": key.encode("utf-8")}, timeout=10)
        assert r.status_code == 400, (key, r.text)
    assert organiser_rows(d) == []


def test_only_organisers_preview_and_send(conf):
    d = conf
    body = dict(SV, segment="everyone")
    for path in ("/messages/preview", "/messages"):
        assert d.anna.post(url(d, path), json=body, timeout=10).status_code == 403
        anon = d.post(f"/api/v1/admin/events/1{path}", body)
        assert anon.status_code in (401, 403)
    assert d.anna.get(url(d), timeout=10).status_code == 403
    assert organiser_rows(d) == []
    assert d.olle.post(url(d, "/messages", event=999), json=body, timeout=10).status_code == 404
    assert d.olle.post(url(d, "/messages/preview", event=999), json=body,
                       timeout=10).status_code == 404
    assert d.olle.get(f"{d.url}/api/v1/admin/messages/999", timeout=10).status_code == 404


def test_a_body_longer_in_nfc_than_typed_is_kept_whole(conf):
    """U+0958 is two characters in NFC: the cleaned body outgrows what was
    typed, and is still kept whole."""
    d = conf
    r = d.olle.post(url(d, "/messages/preview"),
                    json={"subject": "NFC", "body": "\u0958\n" * 3000, "segment": "everyone"},
                    timeout=30)
    assert r.status_code == 200, r.text
    assert "\u0915\u093c\n" * 5 in r.json()["sample"]["text"]
