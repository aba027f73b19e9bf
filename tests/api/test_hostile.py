"""Malformed, oversized and hostile bodies: a clear error, nothing written;
hostile text is stored and returned exactly as sent."""
import json
import socket

import pytest
import requests

from techtank_test import registration

HOSTILE = [
    "Robert'); DROP TABLE attendees;--",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "&amp; \"quotes\" 'apos' \\backslash",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+SUM(1,2)",
    "@cmd|' /C calc'!A0",
    "Zoë Ødegård-Łukasiewicz",
    "Ömer Çelik Şahin Ğ İ ı",
    "Γιώργος Παπαδόπουλος",
    "Иван Петров",
    "محمد الأحمد",
    "李小龍",
    "🙂 emoji",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_stored_and_returned_verbatim(daemon, text):
    body = registration()
    a = body["attendees"][0]
    a["first_name"] = text[:100]
    a["company"] = text
    a["dietary"] = text
    r = daemon.register(body)
    assert r.status_code == 201, r.text
    token = r.json()["manage_token"]
    back = daemon.get("/api/v1/registrations/" + token).json()["attendees"][0]
    assert back["first_name"] == text[:100]
    assert back["company"] == text and back["dietary"] == text
    # The database is intact and holds the same text.
    rows = daemon.sql("SELECT company FROM attendees WHERE id = ?", back["id"])
    assert rows == [(text,)]
    assert daemon.sql("PRAGMA integrity_check") == [("ok",)]


@pytest.mark.parametrize("raw", [b"{bad", b"", b"[]", b"\"str\"", b"42",
                                 b"null", b"{\"a\":1,\"a\":2}", b"{\"a\":",
                                 b"{}}"])
def test_malformed_json_is_400(daemon, raw):
    before = daemon.remaining()
    r = daemon.post("/api/v1/registrations", raw)
    assert r.status_code == 400, (raw, r.text)
    assert r.json()["error"]["code"] == "bad_request"
    assert daemon.remaining() == before


def test_wrong_content_type_is_415(daemon):
    r = daemon.post("/api/v1/registrations", json.dumps(registration()),
                    headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    assert r.json()["error"]["code"] == "unsupported_media_type"
    r = requests.post(daemon.url + "/api/v1/registrations",
                      data=json.dumps(registration()))
    assert r.status_code == 415


def test_json_with_charset_is_fine(daemon):
    r = daemon.post("/api/v1/registrations", registration(),
                    headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 201


@pytest.mark.parametrize("bad", [b"\xff\xfe", b"\xc3(", b"\xed\xa0\x80",
                                 b"\xc0\xaf", b"\xf4\x90\x80\x80"])
def test_invalid_utf8_is_422(daemon, bad):
    before = daemon.remaining()
    raw = json.dumps(registration()).encode().replace(b"Pressverk", bad)
    r = daemon.post("/api/v1/registrations", raw)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_utf8"
    assert daemon.remaining() == before


def test_lone_surrogate_escape_is_refused(daemon):
    raw = json.dumps(registration()).replace("Pressverk", "\\ud800")
    r = daemon.post("/api/v1/registrations", raw)
    assert r.status_code in (400, 422)


def post_raw(daemon, head, body, timeout=10):
    """POST over a raw socket; the server may answer 413 and close before
    reading the whole body, so a broken pipe while sending is not an error.
    Returns (status, headers, body) of the answer."""
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=timeout)
    try:
        s.sendall(head)
        view = memoryview(body)
        try:
            while view:
                n = s.send(view[:65536])
                view = view[n:]
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = b""
        while b"\r\n\r\n" not in out:
            chunk = s.recv(65536)
            assert chunk, "closed without an answer"
            out += chunk
        head_bytes, rest = out.split(b"\r\n\r\n", 1)
        lines = head_bytes.decode("latin-1").split("\r\n")
        code = int(lines[0].split(" ")[1])
        headers = {k.strip().lower(): v.strip()
                   for k, v in (l.split(":", 1) for l in lines[1:])}
        length = int(headers.get("content-length", "0"))
        try:
            while len(rest) < length:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        return code, headers, rest
    finally:
        s.close()


def big_post(daemon, size, chunked=False):
    body = json.dumps(registration()).encode()
    body += b" " * (size - len(body))
    head = (b"POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nConnection: close\r\n")
    if chunked:
        head += b"Transfer-Encoding: chunked\r\n\r\n"
        framed = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 65536]), body[i:i + 65536])
                          for i in range(0, len(body), 65536)) + b"0\r\n\r\n"
        return post_raw(daemon, head, framed)
    head += b"Content-Length: %d\r\n\r\n" % len(body)
    return post_raw(daemon, head, body)


def assert_413(daemon, answer):
    code, headers, body = answer
    assert code == 413, body


def test_413_answer_is_the_json_error(daemon):
    """README: errors always look like {"error": {"code": ...}}; 413 is
    payload_too_large."""
    for answer in (big_post(daemon, 65537), big_post(daemon, 2 * 1024 * 1024, chunked=True)):
        code, headers, body = answer
        assert code == 413
        assert headers.get("content-type", "").startswith("application/json"), (headers, body)
        err = json.loads(body)["error"]
        assert err["code"] == "payload_too_large" and err["message"]


def test_two_megabyte_body_is_413(daemon):
    before = daemon.remaining()
    assert_413(daemon, big_post(daemon, 2 * 1024 * 1024))
    assert daemon.remaining() == before
    assert daemon.sql("SELECT count(*) FROM registrations") == [(0,)]
    assert daemon.get("/healthz").status_code == 200


def test_two_megabyte_chunked_body_is_413(daemon):
    assert_413(daemon, big_post(daemon, 2 * 1024 * 1024, chunked=True))
    assert daemon.sql("SELECT count(*) FROM registrations") == [(0,)]
    assert daemon.get("/healthz").status_code == 200


def test_max_body_default_is_65536(daemon):
    code, _, body = big_post(daemon, 65536)
    assert code == 201, body  # padded with spaces: still a valid registration
    assert_413(daemon, big_post(daemon, 65537))
    assert daemon.sql("SELECT count(*) FROM registrations") == [(1,)]


def test_max_body_flag(make_daemon):
    d = make_daemon("--max-body", "2000")
    code, _, body = big_post(d, 2000)
    assert code == 201, body
    assert_413(d, big_post(d, 2001))
    assert d.sql("SELECT count(*) FROM registrations") == [(1,)]


def test_deeply_nested_json(daemon):
    raw = "[" * 100000 + "]" * 100000
    r = daemon.post("/api/v1/registrations", raw[:60000])
    assert r.status_code in (400, 413)
    assert daemon.get("/healthz").status_code == 200


def test_idempotency_key_shape(daemon):
    for key in ("", "x" * 129, "has space", "ctl\x01"):
        try:
            r = daemon.register(headers={"Idempotency-Key": key})
        except ValueError:
            continue  # requests refuses to send some of them
        assert r.status_code == 400, key
