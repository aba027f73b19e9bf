"""Never lose a confirmed registration: kill -9 in the middle of a stream."""
import signal
import threading
import time

import requests

from techtank_test import registration


def stream(daemon, acked, stop):
    s = requests.Session()
    while not stop.is_set():
        try:
            r = s.post(daemon.url + "/api/v1/registrations",
                       json=registration(), timeout=5)
        except requests.RequestException:
            return
        if r.status_code == 201:
            acked.append(r.json()["manage_token"])


def test_every_acknowledged_registration_survives_kill_9(daemon):
    daemon.set_limits(ticket_type=1, quota=None, waitlist=True, capacity=None)
    acked, stop = [], threading.Event()
    threads = [threading.Thread(target=stream, args=(daemon, acked, stop))
               for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    daemon.kill()  # kill -9 mid-stream
    stop.set()
    for t in threads:
        t.join()
    assert len(acked) > 100, "the stream should have run"
    daemon.start()
    rows = daemon.sql("SELECT count(*) FROM registrations")[0][0]
    assert rows >= len(acked)
    missing = [t for t in acked
               if daemon.get("/api/v1/registrations/" + t).status_code != 200]
    assert missing == []
    assert daemon.sql("PRAGMA integrity_check") == [("ok",)]


def test_sigterm_finishes_requests_in_flight(daemon):
    daemon.set_limits(ticket_type=1, quota=None, waitlist=True, capacity=None)
    acked, stop = [], threading.Event()
    threads = [threading.Thread(target=stream, args=(daemon, acked, stop))
               for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    start = time.time()
    rc = daemon.stop(signal.SIGTERM)
    stop.set()
    for t in threads:
        t.join()
    assert rc == 0
    assert time.time() - start < 5
    daemon.start()
    missing = [t for t in acked
               if daemon.get("/api/v1/registrations/" + t).status_code != 200]
    assert missing == []
    # A clean stop checkpoints the WAL into the database.
    assert "stopped" in daemon.log()
