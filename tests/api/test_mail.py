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

from conftest import Daemon, person, registration
import techtank_test

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
    (row,) = outbox(d)
    assert msg["Message-ID"] == row[6]
    assert row[3] == "sent" and row[1] == "confirmation" and row[7] == "sv"
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
