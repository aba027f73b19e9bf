"""Never overbook: 300 parallel registrations for 50 seats."""
from concurrent.futures import ThreadPoolExecutor
import threading

import pytest
import requests

from techtank_test import registration

_local = threading.local()


def post(daemon, body):
    if not hasattr(_local, "s"):
        _local.s = requests.Session()
    return _local.s.post(daemon.url + "/api/v1/registrations", json=body, timeout=60)


@pytest.mark.parametrize("waitlist", [True, False])
def test_300_parallel_for_50_seats(daemon, waitlist):
    daemon.set_limits(ticket_type=2, quota=50, waitlist=waitlist)
    bodies = [registration(ticket_type=2) for _ in range(300)]
    with ThreadPoolExecutor(64) as pool:
        rs = list(pool.map(lambda b: post(daemon, b), bodies))
    codes = [r.status_code for r in rs]
    assert not [c for c in codes if c >= 500]
    statuses = [r.json()["status"] for r in rs if r.status_code == 201]
    if waitlist:
        assert codes.count(201) == 300
        assert statuses.count("confirmed") == 50
        assert statuses.count("waitlisted") == 250
        positions = sorted(r.json()["attendees"][0]["waitlist_position"]
                           for r in rs if r.json()["status"] == "waitlisted")
        assert positions == list(range(1, 251))
    else:
        assert codes.count(201) == 50 and codes.count(409) == 250
        assert statuses == ["confirmed"] * 50
    daemon.stop()
    assert daemon.sql("PRAGMA integrity_check") == [("ok",)]
    assert daemon.sql("SELECT count(*) FROM attendees WHERE ticket_type_id = 2"
                      " AND status = 'confirmed'") == [(50,)]
    assert daemon.sql("SELECT confirmed_count FROM ticket_types WHERE id = 2") == [(50,)]
    daemon.start()


def test_parallel_cancel_and_register_keep_counts(daemon):
    daemon.set_limits(ticket_type=1, quota=20, waitlist=True)
    first = [daemon.register().json() for _ in range(30)]
    more = [registration() for _ in range(30)]
    jobs = [("del", r["manage_token"]) for r in first[:15]] + [("reg", b) for b in more]

    def run(job):
        kind, arg = job
        if kind == "del":
            return requests.delete(daemon.url + "/api/v1/registrations/" + arg, timeout=60)
        return post(daemon, arg)

    with ThreadPoolExecutor(32) as pool:
        rs = list(pool.map(run, jobs))
    assert all(r.status_code in (200, 201) for r in rs)
    daemon.stop()
    confirmed = daemon.sql("SELECT count(*) FROM attendees WHERE ticket_type_id = 1"
                           " AND status = 'confirmed'")[0][0]
    waiting = daemon.sql("SELECT count(*) FROM attendees WHERE ticket_type_id = 1"
                         " AND status = 'waitlisted'")[0][0]
    assert confirmed == 20 and waiting == 25
    daemon.start()


def test_same_email_in_parallel_registers_once(daemon):
    body = registration()
    with ThreadPoolExecutor(16) as pool:
        rs = list(pool.map(lambda _: post(daemon, body), range(16)))
    codes = sorted(r.status_code for r in rs)
    assert codes.count(201) == 1 and codes.count(422) == 15
