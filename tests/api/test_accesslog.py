"""SIGHUP reopens the access log, as logrotate expects: it moves the file
away and sends SIGHUP; the lines before go to the old file, those after to
a new file at the old path, and none is lost or written twice."""
import os
import re
import signal
import threading
import time

import requests

LINE = re.compile(r" GET /api/v1/nope-(\d+) 404 ")


def ids(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [int(m.group(1)) for m in map(LINE.search, f) if m]


class Load(threading.Thread):
    """GET /api/v1/nope-N, N counting up, until stopped; remembers the N
    answered and the first N sent after mark()."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.n = 0
        self.answered = []
        self.marked = None
        self.halt = threading.Event()
        self.session = requests.Session()

    def run(self):
        while not self.halt.is_set():
            n = self.n
            self.n += 1
            r = self.session.get(f"{self.url}/api/v1/nope-{n}", timeout=10)
            assert r.status_code == 404
            self.answered.append(n)

    def mark(self):
        self.marked = self.n

    def stop(self):
        self.halt.set()
        self.join(timeout=30)


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_sighup_after_a_rename_starts_a_new_file_and_loses_nothing(make_daemon):
    d = make_daemon("--threads", "2")
    log = os.path.join(d.tmp, "access.log")
    load = Load(d.url)
    load.start()
    assert wait_for(lambda: len(ids(log)) > 50)
    os.rename(log, log + ".1")
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "SIGHUP: reopening the access log" in d.log())
    load.mark()
    assert wait_for(lambda: len(ids(log)) > 50), "no new file at the old path"
    for _ in range(5):          # logrotate run again and again: still fine
        d.proc.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    load.stop()
    d.stop()                    # writes what is left
    old, new = ids(log + ".1"), ids(log)
    assert old and new
    assert sorted(old + new) == sorted(load.answered), "lines lost or written twice"
    assert max(old) < load.marked, "a line from after SIGHUP went to the old file"
    assert all(n in new for n in load.answered if n >= load.marked)


def test_a_log_that_cannot_be_reopened_is_written_on(make_daemon):
    """Nothing can be made at the old path (a folder is there now): the
    daemon says so and goes on writing to the old file."""
    d = make_daemon()
    log = os.path.join(d.tmp, "access.log")
    for n in range(10):
        assert d.get(f"/api/v1/nope-{n}").status_code == 404
    os.rename(log, log + ".1")
    os.mkdir(log)
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "cannot reopen the access log" in d.log())
    for n in range(10, 20):
        assert d.get(f"/api/v1/nope-{n}").status_code == 404
    d.stop()
    assert sorted(ids(log + ".1")) == list(range(20))
    assert f"cannot reopen the access log {log}, writing on to the old file: " \
           "Is a directory" in d.log()


def test_sighup_with_the_log_on_standard_output(make_daemon):
    d = make_daemon("--access-log", "-")
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "SIGHUP: reopening the access log" in d.log())
    assert d.get("/healthz").status_code == 200
    d.stop()
