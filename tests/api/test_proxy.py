"""The client's address behind a reverse proxy (--trusted-proxy): only from
a trusted peer is X-Forwarded-For believed, read from the right, and then it
is the address of the access log, the audit log and login throttling. Every
header that cannot be read falls back to the peer's own address."""
import http.client
import os
import socket
import subprocess
import time

import pytest
import requests

from techtank_test import TECHTANKD

PASSWORD = "correct horse battery"


def get(d, path, headers=(), source="127.0.0.1"):
    """GET path with headers (a list of pairs: a name may repeat) from the
    loopback address source; the status."""
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10,
                                   source_address=(source, 0))
    try:
        c.putrequest("GET", path)
        for name, value in headers:
            c.putheader(name, value)
        c.endheaders()
        return c.getresponse().status
    finally:
        c.close()


def logged_address(d, path, timeout=5):
    """The client address of the access log's line for path (written within
    a second of the answer)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(os.path.join(d.tmp, "access.log"), encoding="utf-8") as f:
            for line in f:
                words = line.split()
                if len(words) > 3 and words[3] == path:
                    return words[1]
        time.sleep(0.1)
    raise AssertionError(f"no access log line for {path}")


_probe = iter(range(1, 10**6))


def address_seen(d, headers, source="127.0.0.1"):
    path = f"/probe-{next(_probe)}.txt"
    assert get(d, path, headers, source) == 404
    return logged_address(d, path)


def xff(*values):
    return [("X-Forwarded-For", v) for v in values]


@pytest.fixture
def proxied(make_daemon):
    return make_daemon("--trusted-proxy", "127.0.0.1")


def test_forwarded_address_believed_only_from_the_trusted_proxy(make_daemon):
    trusting = make_daemon("--trusted-proxy", "127.0.0.1")
    plain = make_daemon()
    assert address_seen(trusting, xff("203.0.113.7")) == "203.0.113.7"
    # Another peer than the proxy: its header is ignored.
    assert address_seen(trusting, xff("203.0.113.7"), source="127.0.0.2") == "127.0.0.2"
    # Without --trusted-proxy no one is believed.
    assert address_seen(plain, xff("203.0.113.7")) == "127.0.0.1"
    # No header from the proxy: the proxy's own address.
    assert address_seen(trusting, []) == "127.0.0.1"


def test_a_range_and_ipv6_ranges_of_proxies(make_daemon):
    d = make_daemon("--trusted-proxy", "127.0.0.0/30", "--trusted-proxy", "2001:db8::/32")
    assert address_seen(d, xff("198.51.100.4"), source="127.0.0.2") == "198.51.100.4"
    assert address_seen(d, xff("198.51.100.4"), source="127.0.0.4") == "127.0.0.4"
    # 2001:db8::9 is a trusted proxy too: the one before it is the client.
    assert address_seen(d, xff("2001:DB8:0:0::1:0:1", "2001:db8::9")) == "2001:db8::1:0:1"


def test_the_right_most_untrusted_address_is_the_client(make_daemon):
    d = make_daemon("--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.0.0.0/8")
    # What the client wrote itself (left) is never believed over what the
    # proxies appended.
    assert address_seen(d, xff("192.0.2.66, 203.0.113.7")) == "203.0.113.7"
    assert address_seen(d, xff("192.0.2.66, 203.0.113.7, 10.1.2.3, 10.9.9.9")) == "203.0.113.7"
    # Every hop a trusted proxy: the left-most.
    assert address_seen(d, xff("10.0.0.5, 10.1.2.3")) == "10.0.0.5"
    # Blanks around the commas, an IPv4-mapped IPv6 address, IPv6 in its
    # one written form.
    assert address_seen(d, xff("  203.0.113.8\t ,\t10.0.0.1 ")) == "203.0.113.8"
    assert address_seen(d, xff("::ffff:203.0.113.9")) == "203.0.113.9"
    assert address_seen(d, xff("2001:0DB8:0000::0001")) == "2001:db8::1"


def test_repeated_headers_are_one_list_in_their_order(proxied):
    assert address_seen(proxied, xff("192.0.2.66", "203.0.113.7")) == "203.0.113.7"
    assert address_seen(proxied, xff("203.0.113.7", "127.0.0.1")) == "203.0.113.7"
    # The last header is read first: garbage there makes it worthless.
    assert address_seen(proxied, xff("203.0.113.7", "garbage")) == "127.0.0.1"
    # Sixteen fields are read, more are not.
    assert address_seen(proxied, xff(*["127.0.0.1"] * 15 + ["203.0.113.7"])) == "203.0.113.7"
    assert address_seen(proxied, xff(*["127.0.0.1"] * 16 + ["203.0.113.7"])) == "127.0.0.1"


@pytest.mark.parametrize("value", [
    "garbage", "unknown", "", " ", ",", "203.0.113.7,", "203.0.113.7 ,  ",
    "[2001:db8::1]", "[2001:db8::1]:443", "203.0.113.7:8080", "203.0.113.7/32",
    "203.0.113.256", "203.0.113", "0203.0.113.7", "203.0.113.7 203.0.113.8",
    "fe80::1%eth0", "2001:db8:::1", "1" * 60, "é.é.é.é", "_hidden",
    "203.0.113.7;for=1.2.3.4", "for=203.0.113.7",
])
def test_a_malformed_header_falls_back_to_the_peer(proxied, value):
    assert address_seen(proxied, xff(value)) == "127.0.0.1"
    assert proxied.get("/healthz").status_code == 200


def test_huge_headers_and_many_addresses(proxied):
    # Many addresses: only the right part is read, the rest is never looked at.
    many = ", ".join(f"198.51.{i // 250}.{i % 250}" for i in range(400))
    assert len(many) > 5000
    assert address_seen(proxied, xff(many + ", 203.0.113.7")) == "203.0.113.7"
    assert address_seen(proxied, xff("x" * 6000 + ", 203.0.113.7")) == "203.0.113.7"
    # Garbage at the right end of a huge one: the peer.
    assert address_seen(proxied, xff(many + ", " + "y" * 1000)) == "127.0.0.1"
    # More trusted hops than PROXY_HOPS_MAX (16) to read: the peer.
    assert address_seen(proxied, xff(", ".join(["203.0.113.7"] + ["127.0.0.1"] * 15))) \
        == "203.0.113.7"
    assert address_seen(proxied, xff(", ".join(["203.0.113.7"] + ["127.0.0.1"] * 16))) \
        == "127.0.0.1"
    # A head beyond 8 KB is refused as before, and the daemon goes on.
    assert get(proxied, "/healthz", xff("z" * 9000)) == 400
    assert proxied.get("/healthz").status_code == 200


def test_hostile_bytes_in_the_header(proxied):
    # Control characters are refused with the request's framing (guard.c);
    # high bytes are an address that does not parse.
    with socket.create_connection(("127.0.0.1", proxied.port), timeout=10) as s:
        s.sendall(b"GET /probe-bytes.txt HTTP/1.1\r\nHost: x\r\n"
                  b"X-Forwarded-For: 203.0.113.7\xff\xfe\r\nConnection: close\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 404")
    assert logged_address(proxied, "/probe-bytes.txt") == "127.0.0.1"
    with socket.create_connection(("127.0.0.1", proxied.port), timeout=10) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                  b"X-Forwarded-For: 203.0.113.7\x00\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 400")
    assert proxied.get("/healthz").status_code == 200


def login(d, address, name, password):
    return requests.post(d.url + "/api/v1/session", json={"username": name, "password": password},
                         headers={"X-Forwarded-For": address}, timeout=60)


def test_login_throttling_is_keyed_on_the_forwarded_address(proxied):
    proxied.add_user("olle", "organiser")
    codes = [login(proxied, "203.0.113.5", "olle", "wrong").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    # The guesser is stopped, the colleague behind the same proxy is not.
    assert login(proxied, "203.0.113.5", "olle", PASSWORD).status_code == 429
    assert login(proxied, "203.0.113.6", "olle", PASSWORD).status_code == 200
    assert proxied.sql("SELECT DISTINCT address FROM audit_log WHERE action = 'login_failed'") \
        == [("203.0.113.5",)]
    assert proxied.sql("SELECT address FROM audit_log WHERE action = 'login'") \
        == [("203.0.113.6",)]


def test_without_trust_the_header_cannot_dodge_the_throttling(make_daemon):
    d = make_daemon()
    d.add_user("olle", "organiser")
    codes = [login(d, f"203.0.113.{i}", "olle", "wrong").status_code for i in range(6)]
    assert codes == [401] * 5 + [429]
    assert d.sql("SELECT DISTINCT address FROM audit_log WHERE action = 'login_failed'") \
        == [("127.0.0.1",)]


def test_the_audit_log_of_staff_actions_has_the_forwarded_address(proxied):
    proxied.add_user("olle", "organiser")
    s = requests.Session()
    s.headers["X-Forwarded-For"] = "198.51.100.23"
    r = s.post(proxied.url + "/api/v1/session", json={"username": "olle", "password": PASSWORD},
               timeout=30)
    assert r.status_code == 200
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    assert s.delete(proxied.url + "/api/v1/session", timeout=10).status_code in (200, 204)
    assert proxied.sql("SELECT action, address FROM audit_log ORDER BY id") == [
        ("login", "198.51.100.23"), ("logout", "198.51.100.23")]


@pytest.mark.parametrize("spec", [
    "localhost", "10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8",
    "10.0.0.0/8/8", "::1/129", "[::1]", "::ffff:10.0.0.0/104", "", "10.0.0.0 /8",
    "1.2.3.4:80",
])
def test_a_bad_trusted_proxy_stops_the_start(spec, tmp_path):
    r = subprocess.run([TECHTANKD, "--db", str(tmp_path / "t.db"), "--listen", "127.0.0.1:0",
                        "--trusted-proxy", spec], capture_output=True, text=True, timeout=10)
    assert r.returncode != 0
    assert "--trusted-proxy" in r.stderr
    assert not (tmp_path / "t.db").exists()
