"""The HTTP guards, exercised with raw sockets: header size, methods,
framing, paths, time-outs and the connection cap."""
import socket
import time

import pytest
import requests


class Hung(AssertionError):
    pass


def raw(daemon, data, timeout=5):
    """Send bytes, return everything the server answers until it closes.
    A server that neither closes nor resets within `timeout` seconds fails
    the test (Hung): an answer is not enough, the connection must end."""
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may refuse before reading everything
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                raise Hung(f"connection still open after {timeout} s; got {out[:300]!r}")
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def status(answer):
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else None


def test_oversized_headers_refused(daemon):
    big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    answer = raw(daemon, big)
    assert answer == b"" or status(answer) in (400, 413, 431), answer[:200]
    assert daemon.get("/healthz").status_code == 200


def test_many_headers_refused(daemon):
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 40) for i in range(600))  # ~30 KB
    answer = raw(daemon, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert answer == b"" or status(answer) in (400, 413, 431), answer[:200]
    assert daemon.get("/healthz").status_code == 200


def test_oversized_request_line_refused(daemon):
    answer = raw(daemon, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer == b"" or status(answer) in (400, 414, 431), answer[:200]
    assert daemon.get("/healthz").status_code == 200


@pytest.mark.parametrize("request_line", [
    b"BREW /healthz HTTP/1.1", b"PUT /healthz HTTP/1.1", b"PATCH /healthz HTTP/1.1",
    b"TRACE /healthz HTTP/1.1", b"CONNECT /healthz HTTP/1.1",
    b"CONNECT 127.0.0.1:443 HTTP/1.1", b"PROPFIND / HTTP/1.1"])
def test_unknown_and_unsupported_methods(daemon, request_line):
    """Refused with 400, 405 or 501, and the connection is closed as the
    answer's Connection: close says (no waiting for --timeout)."""
    answer = raw(daemon, request_line + b"\r\nHost: x\r\nConnection: close\r\n\r\n",
                 timeout=3)
    assert status(answer) in (400, 405, 501), answer[:200]
    assert daemon.get("/healthz").status_code == 200


def test_known_method_on_wrong_path_is_405_json(daemon):
    answer = raw(daemon, b"DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status(answer) == 405
    assert b'"method_not_allowed"' in answer


def test_path_traversal_never_leaves_the_web_root(daemon):
    for path in (b"/../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd",
                 b"/css/../../etc/passwd", b"/..%2f..%2fetc%2fpasswd",
                 b"/.hidden", b"//etc/passwd", b"/%00index.html",
                 b"/index.html%00.css"):
        answer = raw(daemon, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status(answer) in (400, 403, 404), path
        assert b"root:" not in answer


def test_conflicting_framing_refused(daemon):
    body = b'{"a": 1}'
    two_lengths = (b"POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Type: application/json\r\nContent-Length: 8\r\n"
                   b"Content-Length: 8\r\n\r\n" + body)
    assert status(raw(daemon, two_lengths)) == 400
    both = (b"POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 8\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n8\r\n" + body + b"\r\n0\r\n\r\n")
    answer = raw(daemon, both)
    assert status(answer) == 400 or answer == b""
    assert daemon.sql("SELECT count(*) FROM registrations") == [(0,)]


def test_malformed_request_line(daemon):
    for line in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                 b"\x00\x01\x02\r\n\r\n"):
        answer = raw(daemon, line)
        assert answer == b"" or 400 <= status(answer) < 600
    assert daemon.get("/healthz").status_code == 200


def test_stalled_request_is_closed(make_daemon):
    d = make_daemon("--timeout", "2")
    s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
    start = time.time()
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    elapsed = time.time() - start
    s.close()
    assert 1 <= elapsed < 8
    assert d.get("/healthz").status_code == 200


def test_connection_cap(make_daemon):
    d = make_daemon("--max-connections", "4", "--threads", "1")
    held = []
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b" 200 " in s.recv(4096)
        held.append(s)
    # A fifth is not served while four are open and in use ...
    extra = socket.create_connection(("127.0.0.1", d.port), timeout=0.3)
    extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        answer = extra.recv(4096)
    except (socket.timeout, ConnectionResetError):
        answer = b""
    assert b" 200 " not in answer
    # ... but once they have idled for a while, room is made for it: the
    # idle ones are closed, never more than four are open at once.
    extra.settimeout(5)
    assert b" 200 " in extra.recv(4096)
    closed = 0
    for s in held:
        s.settimeout(1)
        try:
            closed += s.recv(4096) == b""
        except (socket.timeout, ConnectionResetError):
            closed += 1
    assert closed >= 1
    extra.close()
    for s in held:
        s.close()
    time.sleep(0.3)
    assert requests.get(d.url + "/healthz", timeout=5).status_code == 200


def test_pipelined_requests_answered_in_order(daemon):
    answer = raw(daemon, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /api/v1/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.count(b"HTTP/1.1 ") == 2
    assert answer.index(b" 200 ") < answer.index(b" 404 ")
