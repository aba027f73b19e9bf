"""Fixtures for the black-box API tests.

The daemon helper itself lives in tests/lib/techtank_test.py (shared with
tests/badges): `Daemon(tmp, extra_flags)` starts the binary named by
$TECHTANKD (default: <repo>/techtankd) as

    techtankd --listen 127.0.0.1:PORT --db TMP/t.db --web-root <repo>/web
              --access-log TMP/access.log [extra flags]

on a free loopback port, waits for GET /healthz = 200 (10 s; the daemon's
standard error in the failure when it dies), stops it with SIGTERM (killed
when it does not stop), restarts it on the same database, and changes seats
in the SQLite file while it is stopped (`set_limits`, `sql`).

Here it gains `kill()` (kill -9, for the durability tests), and the fixtures
make sure no daemon outlives its test, even one that never became ready.
"""
import os
import signal
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))

import techtank_test  # noqa: E402
from techtank_test import person, registration  # noqa: E402,F401


class Daemon(techtank_test.Daemon):
    def kill(self):
        """kill -9: no clean shutdown, no WAL checkpoint."""
        return self.stop(signal.SIGKILL)


def _started(tmp, extra=()):
    d = Daemon(tmp, extra)
    try:
        d.start()
    except BaseException:
        d.stop()  # a daemon that never answered must not be left running
        raise
    return d


@pytest.fixture
def daemon():
    """A fresh daemon on a fresh database (with the demo event)."""
    with tempfile.TemporaryDirectory(prefix="techtank-api-") as tmp:
        d = _started(tmp)
        try:
            yield d
        finally:
            d.stop()


@pytest.fixture
def make_daemon():
    """A factory for fresh daemons with extra flags: make_daemon("--timeout", "2")."""
    made = []
    tmps = []

    def make(*extra):
        tmp = tempfile.TemporaryDirectory(prefix="techtank-api-")
        tmps.append(tmp)
        d = _started(tmp.name, extra)
        made.append(d)
        return d

    yield make
    for d in made:
        d.stop()
    for t in tmps:
        t.cleanup()
