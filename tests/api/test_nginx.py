"""The example nginx configuration (daemon/nginx-techtank.conf), started for
real in front of techtankd: TLS with a certificate made here, HTTP/2, the
web pages cached, and the client's address reaching the access log and the
audit log through X-Forwarded-For (--trusted-proxy 127.0.0.1). The client
connects from 127.0.0.3, so its address is not the proxy's. Only the ports,
the certificate's paths and the cache's folder are changed in the file."""
import json
import os
import shutil
import socket
import subprocess
import time

import pytest

from test_proxy import logged_address
from techtank_test import ROOT, free_port, registration

EXAMPLE = os.path.join(ROOT, "daemon", "nginx-techtank.conf")
NAME = "conference.example.se"
CLIENT = "127.0.0.3"

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None or shutil.which("openssl") is None
    or shutil.which("curl") is None,
    reason="nginx, openssl or curl is not installed (sh .ci/install-deps test)")


def substitute(text, pairs):
    for old, new in pairs:
        assert text.count(old) == 1, f"the example no longer has {old!r}"
        text = text.replace(old, new)
    return text


class Nginx:
    def __init__(self, tmp, upstream_port):
        self.tmp = tmp
        self.https = free_port()
        self.http = free_port()
        self.cert = os.path.join(tmp, "cert.pem")
        key = os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                        "-subj", "/CN=" + NAME, "-addext", "subjectAltName=DNS:" + NAME,
                        "-keyout", key, "-out", self.cert],
                       check=True, capture_output=True, timeout=30)
        with open(EXAMPLE, encoding="utf-8") as f:
            site = substitute(f.read(), [
                ("/var/cache/nginx/techtank", os.path.join(tmp, "cache")),
                ("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};"),
                ("listen 80;", f"listen 127.0.0.1:{self.http};"),
                ("\tlisten [::]:80;\n", ""),
                ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https} ssl http2;"),
                ("\tlisten [::]:443 ssl http2;\n", ""),
                (f"/etc/letsencrypt/live/{NAME}/fullchain.pem", self.cert),
                (f"/etc/letsencrypt/live/{NAME}/privkey.pem", key),
            ])
        with open(os.path.join(tmp, "site.conf"), "w", encoding="utf-8") as f:
            f.write(site)
        user = "user root;" if os.geteuid() == 0 else ""
        main = f"""{user}
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
	access_log {tmp}/access.log;
	client_body_temp_path {tmp}/body;
	proxy_temp_path {tmp}/proxy;
	fastcgi_temp_path {tmp}/fastcgi;
	uwsgi_temp_path {tmp}/uwsgi;
	scgi_temp_path {tmp}/scgi;
	include {tmp}/site.conf;
}}
"""
        self.conf = os.path.join(tmp, "nginx.conf")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(main)
        test = subprocess.run(["nginx", "-t", "-p", tmp, "-e", tmp + "/error.log",
                               "-c", self.conf], capture_output=True, text=True, timeout=30)
        assert test.returncode == 0, test.stderr
        self.proc = subprocess.Popen(["nginx", "-p", tmp, "-e", tmp + "/error.log",
                                      "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.https), timeout=1).close()
                return
            except OSError:
                assert self.proc.poll() is None, self.errors()
                time.sleep(0.05)
        raise AssertionError("nginx did not listen: " + self.errors())

    def errors(self):
        try:
            with open(os.path.join(self.tmp, "error.log"), encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def curl(self, path, method="GET", body=None, headers=(), tls=True):
        """A request from CLIENT with the certificate checked: (HTTP
        version, status, headers in lower case, body)."""
        port = self.https if tls else self.http
        url = f"{'https' if tls else 'http'}://{NAME}:{port}{path}"
        out = os.path.join(self.tmp, "body.out")
        cmd = ["curl", "-sS", "--interface", CLIENT, "--resolve", f"{NAME}:{port}:127.0.0.1",
               "--cacert", self.cert, "-X", method, "-D", "-", "-o", out,
               "-w", "%{http_version}", "--max-time", "20"]
        if tls:
            cmd.append("--http2")
        for h in headers:
            cmd += ["-H", h]
        if body is not None:
            cmd += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
        r = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        head, version = r.stdout.rsplit("\n", 1) if "\n" in r.stdout else ("", r.stdout)
        blocks = [b for b in head.replace("\r", "").split("\n\n") if b.strip()]
        lines = blocks[-1].split("\n")
        status = int(lines[0].split()[1])
        hdrs = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        with open(out, "rb") as f:
            return version, status, hdrs, f.read()


@pytest.fixture
def proxy(make_daemon):
    d = make_daemon("--trusted-proxy", "127.0.0.1", "--secure-cookies")
    n = Nginx(d.tmp, d.port)
    try:
        yield d, n
    finally:
        n.stop()


def daemon_lines(d, path):
    time.sleep(1.2)     # the access log is written once a second
    with open(os.path.join(d.tmp, "access.log"), encoding="utf-8") as f:
        return [line for line in f if line.split()[3:4] == [path]]


def test_a_registration_through_nginx_records_the_clients_address(proxy):
    d, n = proxy
    # A spoofed header from the client is replaced by nginx.
    version, status, hdrs, body = n.curl("/api/v1/registrations", "POST", registration(),
                                         headers=["X-Forwarded-For: 198.51.100.99"])
    assert (version, status) == ("2", 201), body
    assert hdrs["strict-transport-security"].startswith("max-age=")
    reg = json.loads(body)
    assert logged_address(d, "/api/v1/registrations") == CLIENT
    version, status, _, body = n.curl("/api/v1/registrations/" + reg["manage_token"])
    assert (version, status) == ("2", 200) and json.loads(body)["id"] == reg["id"]
    assert d.sql("SELECT count(*) FROM registrations WHERE id = ?", reg["id"]) == [(1,)]


def test_a_login_through_nginx_is_audited_with_the_clients_address(proxy):
    d, n = proxy
    d.add_user("olle", "organiser")
    _, status, hdrs, _ = n.curl("/api/v1/session", "POST",
                                {"username": "olle", "password": "correct horse battery"})
    assert status == 200
    assert "secure" in hdrs["set-cookie"].lower()
    assert d.sql("SELECT action, address FROM audit_log") == [("login", CLIENT)]


def test_pages_are_cached_and_the_api_is_not(proxy):
    d, n = proxy
    answers = [n.curl("/index.html") for _ in range(3)]
    assert [a[1] for a in answers] == [200] * 3
    assert [a[2]["x-cache-status"] for a in answers] == ["MISS", "HIT", "HIT"]
    assert answers[0][3] == answers[2][3] and b"<html" in answers[0][3].lower()
    # The daemon's own headers are kept in the copy.
    assert "default-src 'self'" in answers[2][2]["content-security-policy"]
    assert len(daemon_lines(d, "/index.html")) == 1
    for _ in range(2):
        _, status, hdrs, _ = n.curl("/api/v1/event")
        assert status == 200 and "x-cache-status" not in hdrs
    assert len(daemon_lines(d, "/api/v1/event")) == 2
    # While techtankd is down, the pages are still served.
    d.stop()
    _, status, hdrs, _ = n.curl("/index.html")
    assert status == 200 and hdrs["x-cache-status"] in ("HIT", "STALE")
    _, status, _, _ = n.curl("/api/v1/event")
    assert status == 502


def test_plain_http_is_sent_to_https(proxy):
    _, n = proxy
    version, status, hdrs, _ = n.curl("/register.html", tls=False)
    assert status == 301
    assert hdrs["location"] == f"https://{NAME}/register.html"
