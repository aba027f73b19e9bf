"""Fixtures for the badge tests: the real daemon fills a database through
its API; techtank-badges prints from it; poppler and zbar read the result."""
import pytest

from badge_tools import NAMES, Daemon, registration

@pytest.fixture
def filled(tmp_path):
    """A daemon whose database holds the people of NAMES, confirmed."""
    d = Daemon(str(tmp_path)).start()
    people = []
    try:
        for first, last, company in NAMES:
            body = registration()
            body["attendees"][0].update(first_name=first, last_name=last, company=company)
            body["contact"] = dict(body["attendees"][0])
            r = d.register(body)
            assert r.status_code == 201, r.text
            reg = r.json()
            people.append(dict(reg["attendees"][0], token=reg["manage_token"]))
        d.people = people
        yield d
    finally:
        d.stop()
