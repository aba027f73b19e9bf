"""Mail over STARTTLS to a server whose certificate is signed by a private
CA (--smtp-ca-file): a throwaway CA and server certificate made with
openssl in the test's directory, an aiosmtpd sink that requires STARTTLS
on 127.0.0.1, and the daemon sending to it. With the right CA the mail
arrives over TLS (with AUTH inside it); with another CA nothing is sent,
the message stays in the outbox and the console's outbox shows why."""
import os
import ssl
import subprocess
import time

import pytest
from aiosmtpd.controller import Controller

import techtank_test
from techtank_test import registration
from test_mail import Sink, authenticator, started, outbox, wait_state  # noqa: F401

MAIL_FROM = "Techtank <konferens@techtank.example>"
PASSWORD = "s3cret p\u00e4ss"


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True,
                   timeout=60)


def make_ca(tmp, name):
    """A CA's key and certificate: (key, cert) paths."""
    key, cert = os.path.join(tmp, f"{name}.key"), os.path.join(tmp, f"{name}.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
            "-days", "2", "-subj", f"/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=tmp)
    return key, cert


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """The CA that signs the server's certificate, another CA that does not,
    and the server's key and certificate (for 127.0.0.1 and localhost)."""
    tmp = str(tmp_path_factory.mktemp("smtp-tls"))
    ca_key, ca = make_ca(tmp, "Techtank Test CA")
    _, other = make_ca(tmp, "Somebody Else CA")
    key, csr, cert = (os.path.join(tmp, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(tmp, "server.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
            "-subj", "/CN=127.0.0.1", cwd=tmp)
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext, cwd=tmp)
    return {"ca": ca, "other": other, "key": key, "cert": cert, "dir": tmp}


class TlsSink(Sink):
    """The sink, noting whether each message came over TLS and how AUTH went."""

    def __init__(self):
        super().__init__()
        self.tls = []

    async def handle_DATA(self, server, session, envelope):
        self.tls.append(session.ssl is not None)
        return await super().handle_DATA(server, session, envelope)


def tls_sink(certs, auth):
    s = TlsSink()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certs["cert"], certs["key"])
    port = techtank_test.free_port()
    kw = dict(authenticator=authenticator(s), auth_required=True,
              auth_require_tls=True) if auth else {}
    c = Controller(s, hostname="127.0.0.1", port=port, tls_context=ctx,
                   require_starttls=True, **kw)
    c.start()
    s.port = port
    s.controller = c
    return s


@pytest.fixture
def sink(certs):
    s = tls_sink(certs, auth=False)
    try:
        yield s
    finally:
        s.controller.stop()


@pytest.fixture
def auth_sink(certs):
    s = tls_sink(certs, auth=True)
    try:
        yield s
    finally:
        s.controller.stop()


def flags(sink, ca, *extra):
    return ("--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--smtp-ca-file", ca,
            "--mail-from", MAIL_FROM, "--mail-retry", "1", "--smtp-timeout", "3") + extra


def test_mail_is_delivered_over_starttls_to_a_server_of_the_ca(sink, started, certs):
    d = started(*flags(sink, certs["ca"]))
    r = d.register(registration())
    assert r.status_code == 201, r.text
    msg = sink.wait(1)[0]
    assert msg["Subject"].startswith("Bekräftelse: ")
    assert sink.tls == [True]
    (row,) = wait_state(d, "sent")
    assert row[1] == "confirmation"


def test_auth_goes_inside_starttls(auth_sink, started, certs):
    d = started(*flags(auth_sink, certs["ca"], "--smtp-user", "konferens"),
                env={"TECHTANK_SMTP_PASSWORD": PASSWORD})
    assert d.register(registration()).status_code == 201
    auth_sink.wait(1)
    assert auth_sink.auth == [("konferens", PASSWORD)]
    assert auth_sink.tls == [True]
    wait_state(d, "sent")


def test_a_server_the_ca_did_not_sign_gets_nothing(sink, started, certs):
    d = started(*flags(sink, certs["other"]))
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
    assert "certificate" in row[5].lower() or "ssl" in row[5].lower(), row[5]
    assert sink.raw == [] and sink.attempts == 0
    listed = org.get(d.url + "/api/v1/admin/outbox", timeout=10)
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert item["state"] == "queued" and item["attempts"] >= 2
    assert item["last_error"] == row[5]


def test_the_ca_file_is_read_at_start(tmp_path, sink):
    d = techtank_test.Daemon(str(tmp_path), flags(sink, str(tmp_path / "missing.pem")))
    with pytest.raises(RuntimeError) as e:
        d.start()
    assert "--smtp-ca-file" in str(e.value) and "missing.pem" in str(e.value), e.value
