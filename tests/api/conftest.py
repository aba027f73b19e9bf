"""Fixtures for the black-box API tests (see tests/lib/techtank_test.py)."""
import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))

from techtank_test import Daemon, person, registration  # noqa: E402,F401


@pytest.fixture
def daemon():
    with tempfile.TemporaryDirectory(prefix="techtank-api-") as tmp:
        d = Daemon(tmp).start()
        try:
            yield d
        finally:
            d.stop()


@pytest.fixture
def make_daemon():
    """A factory for daemons with extra flags."""
    made = []
    tmps = []

    def make(*extra):
        tmp = tempfile.TemporaryDirectory(prefix="techtank-api-")
        tmps.append(tmp)
        d = Daemon(tmp.name, extra).start()
        made.append(d)
        return d

    yield make
    for d in made:
        d.stop()
    for t in tmps:
        t.cleanup()
