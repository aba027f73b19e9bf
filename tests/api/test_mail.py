"""The mail outbox end to end: a real SMTP sink (aiosmtpd) on 127.0.0.1, the
daemon sending to it with --smtp-url, and every message read back with
Python's email package as a mail client would read it."""
import asyncio
import email
import email.policy
import io
import os
import signal
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

import techtank_test
from techtank_test import person, registration


class Daemon(techtank_test.Daemon):
    """Not conftest's: "conftest" names the badges' one too when both
    suites are collected in one run."""
    def kill(self):
        return self.stop(signal.SIGKILL)


NAME_FIRST, NAME_LAST = "Åsa", "Lindström-Öberg"


class Sink:
    """What the SMTP server does with DATA: mode "ok" takes it, "451" and
    "554" refuse it, "timeout" never answers in time, "drop" closes the
    connection before answering."""

    def __init__(self):
        self.mode = "ok"
        self.lock = threading.RLock()
        self.raw = []           # bytes of each message taken
        self.envelopes = []     # (mail_from, rcpt_tos)
        self.attempts = 0
        self.auth = []
        self.delay = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            mode = self.mode
        if mode == "451":
            return "451 4.3.0 mailbox busy, try again later"
        if mode == "554":
            return "554 5.7.1 message refused"
        if mode == "timeout":
            await asyncio.sleep(6)
            return "451 4.4.2 too late"
        if mode == "drop":
            server.transport.abort()
            return "250 OK"
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.raw.append(envelope.original_content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def messages(self):
        with self.lock:
            raw = list(self.raw)
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]

    def wait(self, n, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.raw) >= n:
                    return self.messages()
            time.sleep(0.05)
        raise AssertionError(f"{len(self.raw)} messages arrived, {n} expected")


def authenticator(sink):
    def check(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            sink.auth.append((auth_data.login.decode(), auth_data.password.decode()))
            ok = auth_data.password == b"s3cret p\xc3\xa4ss"
            return AuthResult(success=ok)
        return AuthResult(success=False)
    return check


@pytest.fixture
def sink():
    s = Sink()
    port = techtank_test.free_port()
    c = Controller(s, hostname="127.0.0.1", port=port)
    c.start()
    s.port = port
    try:
        yield s
    finally:
        c.stop()


@pytest.fixture
def auth_sink():
    s = Sink()
    port = techtank_test.free_port()
    c = Controller(s, hostname="127.0.0.1", port=port, authenticator=authenticator(s),
                   auth_require_tls=False, auth_required=True)
    c.start()
    s.port = port
    try:
        yield s
    finally:
        c.stop()


MAIL_FROM = "Techtank <konferens@techtank.example>"


def mail_flags(sink, *extra):
    return ("--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--mail-from", MAIL_FROM,
            "--mail-retry", "1", "--smtp-timeout", "3") + extra


@pytest.fixture
def started():
    """A factory of daemons on fresh databases, stopped after the test."""
    made, tmps = [], []

    def make(*extra, env=None):
        tmp = tempfile.TemporaryDirectory(prefix="techtank-mail-")
        tmps.append(tmp)
        d = Daemon(tmp.name, extra)
        made.append(d)
        if env is not None:
            old = dict(os.environ)
            os.environ.update(env)
            try:
                d.start()
            finally:
                os.environ.clear()
                os.environ.update(old)
        else:
            d.start()
        return d

    yield make
    for d in made:
        d.stop()
    for t in tmps:
        t.cleanup()


def outbox(d):
    return d.sql("SELECT id, kind, recipient, state, attempts, last_error, message_id,"
                 " lang FROM outbox ORDER BY id")


def wait_state(d, state, n=1, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        rows = [r for r in outbox(d) if r[3] == state]
        if len(rows) >= n:
            return rows
        time.sleep(0.05)
    raise AssertionError(f"not {n} {state}: {outbox(d)}")


def raw_lines(raw):
    assert b"\n" not in raw.replace(b"\r\n", b""), "a bare LF"
    assert b"\r" not in raw.replace(b"\r\n", b""), "a bare CR"
    return raw.split(b"\r\n")


def parts(msg):
    """(text, html, [(filename, type, bytes)]) of a message."""
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    files = [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
             for p in msg.iter_attachments()]
    return text, html, files


def qr_codes(pdf):
    """The QR codes zbarimg reads in a PDF's first page."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", path,
                        os.path.join(tmp, "page")], check=True, timeout=60)
        pngs = [os.path.join(tmp, n) for n in os.listdir(tmp) if n.endswith(".png")]
        r = subprocess.run(["zbarimg", "--quiet", "--raw"] + pngs, capture_output=True,
                           text=True, timeout=60)
        return r.stdout.split()


# The confirmation, read as a mail client reads it.

def test_confirmation_headers_body_pass_and_calendar(sink, started):
    d = started(*mail_flags(sink))
    me = person(NAME_FIRST, NAME_LAST)
    r = d.register(registration(attendees=[me], contact=dict(me), lang="sv"))
    assert r.status_code == 201, r.text
    reg = r.json()
    msg = sink.wait(1)[0]
    raw = sink.raw[0]
    for line in raw_lines(raw):
        assert len(line) <= 78, line
    assert msg["Subject"].startswith(f"Bekräftelse: {NAME_FIRST} {NAME_LAST}")
    assert "Techtank" in msg["Subject"]
    assert msg["To"].addresses[0].addr_spec == me["email"]
    assert msg["To"].addresses[0].display_name == f"{NAME_FIRST} {NAME_LAST}"
    assert msg["From"].addresses[0].addr_spec == "konferens@techtank.example"
    assert msg["Content-Language"] == "sv"
    assert msg["MIME-Version"] == "1.0"
    assert msg["Date"].datetime is not None
    assert abs(msg["Date"].datetime.timestamp() - time.time()) < 120
    (row,) = wait_state(d, "sent")
    assert msg["Message-ID"] == row[6]
    assert row[1] == "confirmation" and row[7] == "sv"
    assert msg.get_content_type() == "multipart/mixed"
    assert msg.get_payload()[0].get_content_type() == "multipart/alternative"
    # Subject and names are RFC 2047 words of at most 75 characters.
    for word in raw.split(b"=?UTF-8?B?")[1:]:
        assert len(b"=?UTF-8?B?" + word.split(b"?=")[0] + b"?=") <= 75
    text, html, files = parts(msg)
    assert f"Hej {NAME_FIRST}!" in text
    assert f"{NAME_FIRST} {NAME_LAST} (bekräftad)" in text
    assert reg["manage_url"] in text
    assert f'href="{reg["manage_url"]}"' in html
    assert "Pris:" in text
    names = [f[0] for f in files]
    assert any(n.endswith(".pdf") for n in names), names
    assert any(n.endswith(".ics") for n in names), names
    pdf = next(f[2] for f in files if f[1] == "application/pdf")
    assert pdf.startswith(b"%PDF")
    code = reg["attendees"][0]["pass_code"]
    assert code in qr_codes(pdf)
    import icalendar
    ics = next(f[2] for f in files if f[1] == "text/calendar")
    cal = icalendar.Calendar.from_ical(ics)
    assert len([c for c in cal.walk("VEVENT")]) > 0
    # Attachments are base64 in lines of 76.
    body = raw.split(b"Content-Transfer-Encoding: base64\r\n\r\n", 1)[1]
    first = body.split(b"\r\n")[0]
    assert len(first) == 76


def test_the_price_in_the_mail_follows_a_moved_attendee(sink, started):
    """The confirmation is written when it is sent: an attendee moved to
    another ticket before then is priced on that ticket, a line each."""
    d = started()                       # no --smtp-url: the mail waits
    reg = d.register(registration(2, lang="sv")).json()
    d.add_user("olle", "organiser")
    olle = d.login("olle")
    url = f"{d.url}/api/v1/admin/attendees/{reg['attendees'][1]['id']}"
    cur = olle.get(url, timeout=10).json()
    r = olle.post(url + "/move", json={"ticket_type": 3, "version": cur["version"]},
                  timeout=30)
    assert r.status_code == 200, r.text
    d.stop()
    d.extra = list(d.extra) + list(mail_flags(sink))
    d.start()
    msg = next(m for m in sink.wait(1) if m["Subject"].startswith("Bekräftelse"))
    text, html, _ = parts(msg)
    price = d.get("/api/v1/registrations/" + reg["manage_token"]).json()["price"]
    names = [x["ticket_type"]["name"] for x in price["lines"]]
    assert len(names) == 2
    assert f"{names[0]} (1 × 2 500,00 kr): 2 500,00 kr exkl. moms" in text, text
    assert f"{names[1]} (1 × 500,00 kr): 500,00 kr exkl. moms" in text, text
    assert "Moms (25 %): 750,00 kr" in text and "Att betala: 3 750,00 kr" in text
    assert "Pris: " not in text          # no one price a head
    assert "Att betala: 3 750,00 kr" in html


def test_english_registration_gets_english_mail(sink, started):
    d = started(*mail_flags(sink))
    r = d.register(registration(lang="en"))
    assert r.status_code == 201, r.text
    msg = sink.wait(1)[0]
    assert msg["Subject"].startswith("Confirmation: ")
    assert msg["Content-Language"] == "en"
    text, _, files = parts(msg)
    assert "Thank you for registering" in text
    assert d.sql("SELECT lang FROM registrations") == [("en",)]


def test_language_must_be_sv_or_en(daemon):
    for bad in ("de", 7, "sv\r\n", ""):
        r = daemon.register(registration(lang=bad))
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["error"]["fields"]["lang"] == "not_a_choice"
    assert daemon.sql("SELECT count(*) FROM outbox") == [(0,)]


def test_colleagues_get_their_own_pass_and_link(sink, started):
    d = started(*mail_flags(sink))
    contact = person("Björn", "Håkansdotter")
    colleagues = [person("Zoë", "Ødegård-Łukasiewicz"), person("Åsa", "Lindström-Öberg")]
    r = d.register(registration(attendees=[dict(contact)] + colleagues, contact=contact))
    assert r.status_code == 201, r.text
    reg = r.json()
    msgs = sink.wait(3)
    by_to = {m["To"].addresses[0].addr_spec: m for m in msgs}
    assert set(by_to) == {contact["email"]} | {c["email"] for c in colleagues}
    # The contact: every attendee, every pass, the registration's link.
    text, _, files = parts(by_to[contact["email"]])
    assert reg["manage_url"] in text
    assert "Zoë Ødegård-Łukasiewicz (bekräftad)" in text
    assert len([f for f in files if f[1] == "application/pdf"]) == 3
    # A colleague: their own pass and their personal link.
    att = {a["email"]: a for a in reg["attendees"]}
    for c in colleagues:
        m = by_to[c["email"]]
        assert m["Subject"].startswith(f"Bekräftelse: {c['first_name']} {c['last_name']}")
        text, _, files = parts(m)
        assert att[c["email"]]["manage_url"] in text
        assert reg["manage_url"] not in text
        pdfs = [f[2] for f in files if f[1] == "application/pdf"]
        assert len(pdfs) == 1
        assert qr_codes(pdfs[0]) == [att[c["email"]]["pass_code"]]
    ids = [m["Message-ID"] for m in msgs]
    assert len(set(ids)) == 3


# Messages follow the transaction that causes them.

def test_refused_registration_writes_no_message(sink, started):
    d = started(*mail_flags(sink))
    me = person()
    assert d.register(registration(attendees=[me], contact=dict(me))).status_code == 201
    sink.wait(1)
    again = person(email=me["email"])
    r = d.register(registration(attendees=[again], contact=dict(again)))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"]["attendees.0.email"] == "taken"
    # A session that does not exist fails the job after the attendee rows.
    r = d.register(registration(attendees=[person(sessions=[999999])]))
    assert r.status_code == 422, r.text
    time.sleep(1.5)
    assert len(outbox(d)) == 1
    assert len(sink.raw) == 1


def test_waitlisted_then_promoted_then_cancelled(sink, started):
    d = started(*mail_flags(sink))
    d.set_limits(ticket_type=1, quota=1, waitlist=True)
    first = d.register(registration()).json()
    waiting_person = person("Zoë", "Ødegård-Łukasiewicz")
    r = d.register(registration(attendees=[waiting_person], contact=dict(waiting_person)))
    assert r.status_code == 201, r.text
    assert r.json()["attendees"][0]["status"] == "waitlisted"
    msgs = sink.wait(2)
    waiting = [m for m in msgs if m["To"].addresses[0].addr_spec == waiting_person["email"]]
    assert len(waiting) == 1
    assert waiting[0]["Subject"].startswith("Väntelista: Zoë Ødegård-Łukasiewicz")
    text, _, files = parts(waiting[0])
    assert "väntelistan" in text
    assert [f for f in files if f[1] == "application/pdf"] == []
    # The first cancels: a receipt to them, and the waiting one gets the seat.
    assert d.delete(f"/api/v1/registrations/{first['manage_token']}").status_code in (200, 204)
    msgs = sink.wait(4)
    kinds = {(r[1], r[2]) for r in outbox(d)}
    assert ("cancelled", first["contact"]["email"]) in kinds
    assert ("promoted", waiting_person["email"]) in kinds
    receipt = next(m for m in msgs if m["Subject"].startswith("Avbokad: "))
    assert receipt["To"].addresses[0].addr_spec == first["contact"]["email"]
    assert "avbokad" in parts(receipt)[0]
    promoted = next(m for m in msgs if m["Subject"].startswith("Du har fått en plats: "))
    assert promoted["To"].addresses[0].addr_spec == waiting_person["email"]
    _, _, files = parts(promoted)
    pdfs = [f[2] for f in files if f[1] == "application/pdf"]
    code = d.sql("SELECT pass_code FROM attendees WHERE email = ?", waiting_person["email"])[0][0]
    assert qr_codes(pdfs[0]) == [code]


# The SMTP server failing: retried, shown, delivered once when it recovers.

@pytest.mark.parametrize("mode", ["451", "554", "timeout", "drop"])
def test_server_failure_is_retried_and_shown(sink, started, mode):
    sink.mode = mode
    d = started(*mail_flags(sink))
    d.add_user("olle", "organiser")
    org = d.login("olle")
    assert d.register(registration()).status_code == 201
    deadline = time.time() + 30
    while time.time() < deadline:
        (row,) = outbox(d)
        if row[4] >= 2 and row[3] == "queued":
            break
        time.sleep(0.1)
    (row,) = outbox(d)
    assert row[3] == "queued" and row[4] >= 2, row
    assert row[5] != ""
    if mode in ("451", "554"):
        assert mode in row[5]
    listed = org.get(d.url + "/api/v1/admin/outbox", timeout=10)
    assert listed.status_code == 200, listed.text
    item = listed.json()["items"][0]
    assert item["state"] == "queued" and item["attempts"] >= 2
    assert item["last_error"] == row[5]
    assert item["next_attempt_at"]
    sink.mode = "ok"
    wait_state(d, "sent", timeout=30)
    time.sleep(1)
    assert len(sink.raw) == 1
    ids = {m["Message-ID"] for m in sink.messages()}
    assert ids == {row[6]}


def test_given_up_message_is_retried_by_an_organiser(sink, started):
    d = started(*mail_flags(sink))
    d.add_user("olle", "organiser")
    org = d.login("olle")
    d.stop()
    # A message that has used its attempts, as after a long outage.
    d.start()
    sink.mode = "554"
    assert d.register(registration()).status_code == 201
    wait_state(d, "queued")
    time.sleep(0.5)
    d.stop()
    d.sql("UPDATE outbox SET state = 'failed', attempts = 12")
    d.start()
    org = d.login("olle")
    (row,) = outbox(d)
    assert row[3] == "failed"
    sink.mode = "ok"
    time.sleep(1)
    assert sink.raw == []
    # Only organisers; then it goes at once.
    door_pw = d.add_user("anna", "door")
    door = d.login("anna", door_pw)
    assert door.post(d.url + f"/api/v1/admin/outbox/{row[0]}/retry", timeout=10).status_code == 403
    anon = d.post(f"/api/v1/admin/outbox/{row[0]}/retry", {})
    assert anon.status_code in (401, 403)
    assert org.post(d.url + "/api/v1/admin/outbox/999999/retry", timeout=10).status_code == 404
    r = org.post(d.url + f"/api/v1/admin/outbox/{row[0]}/retry", timeout=10)
    assert r.status_code == 200, r.text
    wait_state(d, "sent")
    r = org.post(d.url + f"/api/v1/admin/outbox/{row[0]}/retry", timeout=10)
    assert r.status_code == 409, r.text
    assert len(sink.raw) == 1


def test_without_smtp_url_mail_stays_queued(started):
    d = started()
    d.add_user("olle", "organiser")
    org = d.login("olle")
    assert d.register(registration()).status_code == 201
    time.sleep(1)
    (row,) = outbox(d)
    assert row[3] == "queued" and row[4] == 0
    items = org.get(d.url + "/api/v1/admin/outbox", timeout=10).json()["items"]
    assert [i["state"] for i in items] == ["queued"]
    assert "no --smtp-url" in d.log()


# Crashes and concurrency.

def test_kill_during_burst_loses_nothing(sink, started):
    """kill -9 in the middle of a burst, 10 rounds: the sink is slow, so
    mail is being sent when the daemon dies."""
    sink.delay = 0.01
    d = started(*mail_flags(sink))
    answered = set()

    def one(_):
        p = person()
        try:
            r = d.register(registration(attendees=[p], contact=dict(p)))
        except Exception:
            return None
        return p["email"] if r.status_code == 201 else None

    for round_ in range(10):
        with ThreadPoolExecutor(8) as ex:
            futures = [ex.submit(one, i) for i in range(50)]
            time.sleep(0.2 + 0.05 * (round_ % 4))
            d.proc.send_signal(signal.SIGKILL)
            answered |= {f.result() for f in futures} - {None}
        d.stop(signal.SIGKILL)
        d.start()
    sink.delay = 0
    # Every registration answered 201 has its message, delivered at last.
    committed = {r[0] for r in d.sql("SELECT email FROM attendees")}
    assert answered <= committed and len(answered) >= 50
    wait_state(d, "sent", n=len(committed), timeout=90)
    got = {}
    for m in sink.messages():
        got.setdefault(m["To"].addresses[0].addr_spec, set()).add(m["Message-ID"])
    assert set(got) == committed
    # Duplicates only as the same message: one Message-ID per address.
    assert all(len(ids) == 1 for ids in got.values()), got
    assert d.sql("SELECT count(*) FROM outbox WHERE state <> 'sent'") == [(0,)]
    assert d.sql("SELECT count(*) FROM outbox") == [(len(committed),)]
    # A message left "sending" by a dead daemon goes again, the same mail.
    before = len(sink.raw)
    d.kill()
    d.sql("UPDATE outbox SET state = 'sending', sending_since = 1 WHERE id = 1")
    d.start()
    wait_state(d, "sent", n=len(committed))
    again = sink.wait(before + 1)[-1]
    assert again["Message-ID"] == d.sql("SELECT message_id FROM outbox WHERE id = 1")[0][0]


def test_concurrent_registrations_while_sending(sink, started):
    d = started(*mail_flags(sink))

    def one(_):
        return d.register(registration()).status_code

    with ThreadPoolExecutor(16) as ex:
        codes = list(ex.map(one, range(60)))
    assert codes == [201] * 60
    wait_state(d, "sent", n=60, timeout=90)
    ids = [m["Message-ID"] for m in sink.wait(60)]
    assert len(ids) == len(set(ids)) == 60
    d.stop()  # a clean stop: the sanitizer builds check for leaks here


# Hostile input.

def test_header_injection_is_refused_or_harmless(sink, started):
    d = started(*mail_flags(sink))
    for bad in ({"email": "x@example.se\r\nBcc: victim@example.se"},
                {"first_name": "Eve\r\nBcc: victim@example.se"},
                {"last_name": "X\nSubject: hi"}):
        p = person(**bad)
        r = d.register(registration(attendees=[p], contact=dict(p)))
        assert r.status_code == 422, r.text
    # What validation lets through is only text in the headers.
    sly = person('"Eve" <eve@evil.example>, Bcc:', "=?UTF-8?B?QmNjOg==?= <x@y>")
    r = d.register(registration(attendees=[sly], contact=dict(sly)))
    assert r.status_code == 201, r.text
    msg = sink.wait(1)[0]
    raw = sink.raw[0]
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc" not in head and b"\r\nbcc" not in head.lower()
    assert [a.addr_spec for a in msg["To"].addresses] == [sly["email"]]
    assert sink.envelopes[0][1] == [sly["email"]]
    text, html, _ = parts(msg)
    assert "&lt;eve@evil.example&gt;" in html and "<eve@" not in html
    # A row written with control characters (by hand, say) cannot add
    # headers either: the name's become spaces, the address is refused.
    d.stop()
    d.sql("UPDATE outbox SET state = 'queued', recipient_name = 'A\r\nBcc: v@example.se'"
          " WHERE id = 1")
    d.sql("INSERT INTO outbox (kind, registration_id, recipient, message_id, next_attempt_at,"
          " created_at) VALUES ('confirmation', 1, 'v@example.se\r\nBcc: w@example.se',"
          " '<x@y>', 0, 0)")
    d.start()
    rows = wait_state(d, "failed")
    assert "address" in rows[0][5]
    wait_state(d, "sent")
    deadline = time.time() + 10
    while len(sink.raw) < 2 and time.time() < deadline:
        time.sleep(0.05)
    head = sink.raw[1].split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc" not in head
    assert [e[1] for e in sink.envelopes] == [[sly["email"]], [sly["email"]]]


# Options.

def test_password_never_on_the_command_line(sink):
    for arg in (["--smtp-password", "hunter2"], ["--smtp-password=hunter2"]):
        r = subprocess.run([techtank_test.TECHTANKD, "--config", os.devnull] + arg +
                           ["--check-config"], capture_output=True, text=True, timeout=30)
        assert r.returncode != 0
        assert "never taken on the command line" in r.stderr
        assert "hunter2" not in r.stderr + r.stdout


def test_password_file_and_auth(auth_sink, started, tmp_path):
    pw = tmp_path / "smtp-password"
    pw.write_bytes("s3cret päss\n".encode())
    d = started(*mail_flags(auth_sink, "--smtp-user", "mailer", "--smtp-password-file", str(pw)))
    assert d.register(registration()).status_code == 201
    auth_sink.wait(1)
    assert auth_sink.auth[-1] == ("mailer", "s3cret päss")
    r = subprocess.run([techtank_test.TECHTANKD, "--config", os.devnull,
                        "--smtp-password-file", str(pw), "--check-config"],
                       capture_output=True, text=True, timeout=30)
    assert "s3cret" not in r.stdout + r.stderr


def test_password_from_environment(auth_sink, started):
    d = started(*mail_flags(auth_sink, "--smtp-user", "mailer"),
                env={"TECHTANK_SMTP_PASSWORD": "s3cret päss"})
    assert d.register(registration()).status_code == 201
    auth_sink.wait(1)
    assert auth_sink.auth[-1] == ("mailer", "s3cret päss")


def test_bad_mail_options_stop_the_start(sink, tmp_path):
    cases = [
        (["--smtp-url", f"smtp://127.0.0.1:{sink.port}"], "--mail-from"),
        (["--smtp-url", "http://127.0.0.1/", "--mail-from", "a@b.se"], "--smtp-url"),
        (["--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--mail-from", "a b@c"], "--mail-from"),
        (["--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--mail-from", "a@b.se",
          "--smtp-password-file", str(tmp_path / "none")], "--smtp-password-file"),
    ]
    for args, word in cases:
        r = subprocess.run([techtank_test.TECHTANKD, "--config", os.devnull, "--listen",
                            "127.0.0.1:0", "--db", str(tmp_path / "t.db")] + args,
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0, args
        assert word in r.stderr, (args, r.stderr)


def test_rate_limit_holds_the_rest_back(sink, started):
    d = started(*mail_flags(sink, "--mail-rate", "2"))
    for _ in range(4):
        assert d.register(registration()).status_code == 201
    sink.wait(2)
    time.sleep(2)
    assert len(sink.raw) == 2
    states = sorted(r[3] for r in outbox(d))
    assert states == ["queued", "queued", "sent", "sent"]


def test_back_off_doubles(sink, started):
    sink.mode = "451"
    d = started(*mail_flags(sink))
    assert d.register(registration()).status_code == 201
    seen = {}
    deadline = time.time() + 20
    while time.time() < deadline and len(seen) < 3:
        (attempts, due), = d.sql("SELECT attempts, next_attempt_at FROM outbox"
                                 " WHERE state = 'queued'") or [(0, 0)]
        if attempts:
            seen.setdefault(attempts, due)
        time.sleep(0.05)
    created = d.sql("SELECT created_at FROM outbox")[0][0]
    # Due 1, 2, 4 s after each attempt: the gaps grow.
    assert seen[2] - seen[1] >= 2 and seen[3] - seen[2] >= 3, (created, seen)


def test_outbox_listing_is_for_organisers_and_checks_its_query(daemon):
    daemon.add_user("olle", "organiser")
    daemon.add_user("anna", "door")
    org = daemon.login("olle")
    door = daemon.login("anna")
    assert daemon.register(registration()).status_code == 201
    assert daemon.get("/api/v1/admin/outbox").status_code == 401
    assert door.get(daemon.url + "/api/v1/admin/outbox", timeout=10).status_code == 403
    for q in ("state=bogus", "state=queued'--", "limit=0", "limit=201", "offset=-1",
              "limit=abc", "state=" + "x" * 5000):
        r = org.get(daemon.url + "/api/v1/admin/outbox?" + q, timeout=10)
        assert r.status_code in (414, 422), (q, r.status_code, r.text)
    r = org.get(daemon.url + "/api/v1/admin/outbox?state=queued&limit=1", timeout=10)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 1 and len(body["items"]) == 1
    assert body["items"][0]["kind"] == "confirmation"
    assert org.get(daemon.url + "/api/v1/admin/outbox?state=sent", timeout=10).json()["items"] == []
    for bad in ("0", "-1", "abc", "1x", "99999999999999999999"):
        r = org.post(daemon.url + f"/api/v1/admin/outbox/{bad}/retry", timeout=10)
        assert r.status_code == 404, (bad, r.text)
    # Without the CSRF token a change is refused.
    s = __import__("requests").Session()
    s.cookies.update(org.cookies)
    assert s.post(daemon.url + "/api/v1/admin/outbox/1/retry", timeout=10).status_code == 403


def test_one_colleague_cancelled_gets_a_receipt(sink, started):
    d = started(*mail_flags(sink))
    contact = person("Björn", "Håkansdotter")
    colleague = person("Zoë", "Ødegård-Łukasiewicz")
    reg = d.register(registration(attendees=[dict(contact), colleague], contact=contact)).json()
    sink.wait(2)
    aid = next(a["id"] for a in reg["attendees"] if a["email"] == colleague["email"])
    r = d.delete(f"/api/v1/registrations/{reg['manage_token']}/attendees/{aid}")
    assert r.status_code in (200, 204), r.text
    msgs = sink.wait(4)[2:]
    assert sorted(m["To"].addresses[0].addr_spec for m in msgs) == \
        sorted([contact["email"], colleague["email"]])
    for m in msgs:
        assert m["Subject"].startswith("Avbokad: Zoë Ødegård-Łukasiewicz – ")
        assert "Zoë Ødegård-Łukasiewicz (avbokad)" in parts(m)[0]
    # The contact is told one attendee went, the others stay, and keeps
    # the link of the registration still running.
    to_contact = next(m for m in msgs if m["To"].addresses[0].addr_spec == contact["email"])
    text = parts(to_contact)[0]
    assert "En deltagare i din anmälan till " in text and "andra behåller" in text
    assert "är avbokad." not in text.split("\n")[2]
    assert "/manage.html#t=" in text
