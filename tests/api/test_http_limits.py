"""The HTTP guards, exercised with raw sockets: header size, methods,
framing, paths, time-outs and the connection cap."""
import socket
import time

import requests


def raw(daemon, data, timeout=5):
    """Send bytes, return everything the server answers until it closes."""
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
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
    assert answer == b"" or 400 <= status(answer) < 500
    assert daemon.get("/healthz").status_code == 200


def test_unknown_and_unsupported_methods(daemon):
    for method in (b"BREW", b"PUT", b"PATCH", b"TRACE", b"CONNECT"):
        answer = raw(daemon, method + b" /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert 400 <= status(answer) < 600 and status(answer) != 500, method


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
    # A fifth keep-alive connection is not served while four are open.
    extra = socket.create_connection(("127.0.0.1", d.port), timeout=2)
    extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        answer = extra.recv(4096)
    except (socket.timeout, ConnectionResetError):
        answer = b""
    assert b" 200 " not in answer
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
