"""The public files answered from the request's head (daemon/quick.c): the
programme, programme.ics, schedule.xml and schedule.json. A plain GET from
a browser, a calendar or a conference app is answered without evhttp; any
other request (an unknown field, HEAD, If-None-Match, a body, several
requests in one packet) goes through evhttp as before. These tests hold
the two ways to the same bytes, and the quick way to what evhttp promises:
answers in order for a client that reads slowly or not at all, the end of
a connection that asked for it, the access log, a proxy's client address,
many clients at once while registrations change the programme, and bad
heads refused as before.

Raw sockets throughout, each read with a deadline and each loop bounded."""
from concurrent.futures import ThreadPoolExecutor
import json
import os
import re
import socket
import struct
import threading
import time

import pytest

from techtank_test import registration

TARGETS = [
    "/api/v1/programme",
    "/api/v1/programme.ics", "/api/v1/programme.ics?lang=sv",
    "/api/v1/programme.ics?lang=en",
    "/api/v1/schedule.xml", "/api/v1/schedule.xml?lang=en",
    "/api/v1/schedule.json", "/api/v1/schedule.json?lang=sv",
    "/api/v1/schedule.json?lang=en",
]
# What a browser sends: every field here leaves the answer as it is.
BROWSER = (b"Host: techtank.example\r\nUser-Agent: Mozilla/5.0\r\n"
           b"Accept: */*\r\nAccept-Encoding: gzip, deflate, br\r\n"
           b"Accept-Language: sv-SE,sv;q=0.9\r\nConnection: keep-alive\r\n"
           b"Sec-Fetch-Mode: cors\r\nReferer: https://techtank.example/\r\n")
DEADLINE = 10.0
N_STUCK = 500   # answers of schedule.json: some 7 MB, more than a socket holds


def connect(d, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf is not None:
        # Before connect, so that the window offered is this small.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(DEADLINE)
    s.connect(("127.0.0.1", d.port))
    return s


def get(target, fields=BROWSER, method=b"GET", version=b"HTTP/1.1"):
    return method + b" " + target.encode() + b" " + version + b"\r\n" + \
        fields + b"\r\n"


class Reader:
    """Answers read one after another from a socket, by Content-Length."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def fill(self):
        data = self.sock.recv(262144)
        if not data:
            self.eof = True
            raise EOFError("the server closed the connection")
        self.buf += data

    def answer(self, head_only=False):
        """(status, [(name, value)], body) of the next answer."""
        end = time.monotonic() + DEADLINE
        while b"\r\n\r\n" not in self.buf:
            assert time.monotonic() < end, "no answer in time"
            self.fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        fields = [tuple(x.strip() for x in line.split(":", 1))
                  for line in lines[1:]]
        length = 0 if head_only else int(
            dict((k.lower(), v) for k, v in fields).get("content-length", 0))
        while len(self.buf) < length:
            assert time.monotonic() < end, "the body did not arrive in time"
            self.fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, fields, body

    def closed(self):
        """Whether the server ends the connection (nothing more is sent)."""
        try:
            self.fill()
        except EOFError:
            return True
        except ConnectionResetError:
            return True
        return False


def one(d, request):
    with connect(d) as s:
        s.sendall(request)
        return Reader(s).answer(head_only=request.startswith(b"HEAD"))


def comparable(fields):
    """The fields without Date, in a fixed order (evhttp puts Date last)."""
    return sorted((k.lower(), v) for k, v in fields if k.lower() != "date")


@pytest.mark.parametrize("target", TARGETS)
def test_quick_answer_is_the_answer_evhttp_gives(daemon, target):
    quick = one(daemon, get(target))
    # One field outside the harmless list sends the request through evhttp.
    slow = one(daemon, get(target, BROWSER + b"X-Request-Id: 42\r\n"))
    assert quick[0] == slow[0] == 200
    assert comparable(quick[1]) == comparable(slow[1])
    assert quick[2] == slow[2]
    dates = [v for k, v in quick[1] if k.lower() == "date"]
    assert len(dates) == 1
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} "
                        r"\d\d:\d\d:\d\d GMT", dates[0]), dates[0]
    length = [v for k, v in quick[1] if k.lower() == "content-length"]
    assert length == [str(len(quick[2]))]


def test_english_and_swedish_files_differ_as_through_evhttp(daemon):
    sv = one(daemon, get("/api/v1/schedule.json?lang=sv"))[2]
    en = one(daemon, get("/api/v1/schedule.json?lang=en"))[2]
    assert sv == one(daemon, get("/api/v1/schedule.json"))[2]
    assert json.loads(sv) != json.loads(en)


def test_requests_evhttp_answers_are_answered_as_before(daemon):
    ics = "/api/v1/programme.ics"
    status, fields, body = one(daemon, get(ics, method=b"HEAD"))
    full = one(daemon, get(ics))
    assert status == 200 and body == b""
    assert dict(fields)["Content-Length"] == str(len(full[2]))
    etag = dict(full[1])["ETag"]
    assert one(daemon, get(ics, BROWSER + b"If-None-Match: " +
                           etag.encode() + b"\r\n"))[0] == 304
    # No Host, two Hosts: refused by the guard, as before.
    assert one(daemon, get(ics, b"Accept: */*\r\n"))[0] == 400
    assert one(daemon, get(ics, BROWSER + b"Host: other\r\n"))[0] == 400
    assert one(daemon, get(ics, b"Host: x\r\n", version=b"HTTP/1.0"))[0] \
        == 200
    # A query the file does not take is evhttp's to refuse.
    assert one(daemon, get("/api/v1/schedule.json?lang=de"))[0] == 422
    # A body on a GET, a folded field: not for the quick way either.
    assert one(daemon, get(ics, BROWSER + b"Content-Length: 2\r\n")[:-2] +
               b"\r\n{}")[0] == 200
    assert one(daemon, get(ics, BROWSER + b"Accept: a\r\n b\r\n"))[0] == 400


def test_requests_in_one_packet_are_answered_in_order(daemon):
    targets = ["/api/v1/programme", "/api/v1/schedule.xml",
               "/api/v1/programme", "/api/v1/programme.ics?lang=en"]
    want = [one(daemon, get(t))[2] for t in targets]
    with connect(daemon) as s:
        s.sendall(b"".join(get(t) for t in targets))
        r = Reader(s)
        assert [r.answer()[2] for _ in targets] == want


def test_connection_close_ends_the_connection_after_the_answer(daemon):
    with connect(daemon) as s:
        s.sendall(get("/api/v1/schedule.xml", BROWSER.replace(
            b"Connection: keep-alive", b"Connection: close")))
        r = Reader(s)
        status, _, body = r.answer()
        assert status == 200 and body.startswith(b"<?xml")
        assert r.closed()


def test_a_slow_reader_gets_every_answer_whole_and_in_order(daemon):
    """A client with a tiny window makes the socket refuse most of each
    answer: the rest is kept and sent before the next request is read."""
    targets = ["/api/v1/schedule.json", "/api/v1/programme",
               "/api/v1/programme.ics?lang=en"]
    want = {t: one(daemon, get(t))[2] for t in targets}
    n = 400     # some 4.5 MB: more than the server's socket takes
    with connect(daemon, rcvbuf=4096) as s:
        for i in range(n):
            s.sendall(get(targets[i % 3]))
            time.sleep(0.002)   # one request a read, as a browser sends
        time.sleep(0.5)         # the server is stuck on an answer by now
        r = Reader(s)
        for i in range(n):
            status, _, body = r.answer()
            assert status == 200
            assert body == want[targets[i % 3]], f"answer {i}"
    assert one(daemon, get("/api/v1/programme"))[0] == 200


def test_a_client_gone_with_an_answer_unsent_leaves_the_server_well(daemon):
    for _ in range(5):
        s = connect(daemon, rcvbuf=4096)
        for _ in range(40):
            s.sendall(get("/api/v1/schedule.json"))
            time.sleep(0.001)
        # Reset at once: the kept rest of an answer has nowhere to go.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        s.close()
    time.sleep(0.3)
    assert one(daemon, get("/healthz", b"Host: x\r\n"))[0] == 200
    assert daemon.proc.poll() is None


def test_a_client_that_never_reads_is_closed_after_the_timeout(make_daemon):
    d = make_daemon("--timeout", "2")
    s = connect(d, rcvbuf=4096)
    try:
        for _ in range(N_STUCK):
            s.sendall(get("/api/v1/schedule.json"))
            time.sleep(0.001)
        time.sleep(4.5)         # --timeout 2, and room for a busy machine
        r = Reader(s)
        end = time.monotonic() + DEADLINE
        while not r.eof and time.monotonic() < end:
            try:
                r.fill()
            except (EOFError, ConnectionResetError):
                break
        got = r.buf.count(b"HTTP/1.1 200 OK")
        assert got < N_STUCK, "every answer was sent to a client that never read"
        assert r.eof or got > 0
    finally:
        s.close()
    assert one(d, get("/api/v1/programme"))[0] == 200


def log_lines(d, marker, want=1):
    """The access log's lines with marker, once there are want of them
    (the daemon writes its log a second at a time)."""
    path = os.path.join(d.tmp, "access.log")
    end = time.monotonic() + 10
    lines = []
    while time.monotonic() < end:
        if os.path.exists(path):
            with open(path) as f:
                lines = [x for x in f.read().splitlines() if marker in x]
        if len(lines) >= want:
            break
        time.sleep(0.1)
    return lines


def test_quick_answers_are_logged_as_evhttp_logs_them(daemon):
    size = len(one(daemon, get("/api/v1/schedule.xml?lang=en"))[2])
    one(daemon, get("/api/v1/schedule.xml?lang=en", BROWSER +
                    b"X-Request-Id: 1\r\n"))
    lines = log_lines(daemon, " GET /api/v1/schedule.xml ", want=2)
    assert len(lines) == 2, lines
    for line in lines:
        words = line.split()
        assert words[1] == "127.0.0.1"
        assert words[2:6] == ["GET", "/api/v1/schedule.xml", "200",
                              str(size)], line


def test_the_client_behind_a_trusted_proxy_is_logged(make_daemon):
    d = make_daemon("--trusted-proxy", "127.0.0.1")
    one(d, get("/api/v1/programme.ics", BROWSER +
               b"X-Forwarded-For: 203.0.113.9\r\n"))
    lines = log_lines(d, " GET /api/v1/programme.ics ")
    assert lines and lines[-1].split()[1] == "203.0.113.9", lines


def test_many_clients_at_once_while_registrations_change_the_programme(daemon):
    """32 keep-alive clients read the files while registrations change the
    seats the programme shows: every answer whole, the programme always
    JSON, every file the bytes of the release."""
    files = {t: one(daemon, get(t))[2] for t in TARGETS[1:]}
    errors = []
    stop = threading.Event()

    def reader(k):
        with connect(daemon) as s:
            r = Reader(s)
            for i in range(60):
                t = TARGETS[(k + i) % len(TARGETS)]
                s.sendall(get(t))
                status, _, body = r.answer()
                if status != 200:
                    errors.append((t, status))
                elif t == "/api/v1/programme":
                    json.loads(body)
                elif body != files[t]:
                    errors.append((t, "changed bytes"))

    def registrar():
        n = 0
        while not stop.is_set() and n < 40:
            r = daemon.register(registration())
            assert r.status_code in (201, 202), r.text
            n += 1

    with ThreadPoolExecutor(max_workers=34) as pool:
        regs = [pool.submit(registrar) for _ in range(2)]
        readers = [pool.submit(reader, k) for k in range(32)]
        for f in readers:
            f.result(timeout=120)
        stop.set()
        for f in regs:
            f.result(timeout=120)
    assert errors == []
    # The programme read last is the one evhttp gives now.
    assert one(daemon, get("/api/v1/programme"))[2] == \
        one(daemon, get("/api/v1/programme", BROWSER + b"X-A: 1\r\n"))[2]
