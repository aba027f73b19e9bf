"""Text that cannot spoof: names of invisible characters and text with bidi
controls are refused, text is stored in NFC, addresses compare case-folded
in the domain, a NUL in any string is a 422, and the door finds people by
name without their accents."""
import json
import tempfile
import unicodedata

import pytest
import requests

from techtank_test import Daemon, person, registration

INVISIBLE = ["\u200b", "\u200c\u200d", "\u2060", "\ufeff", "\u00a0",
             "\u3000", "\u00ad", "\u180e", "\u3164", "\u115f\u1160",
             "\u0301", " \u200b\u00a0 "]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
        "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
WORLD = [("Åsa", "Lindström-Öberg"), ("Björn", "Håkansdotter"),
         ("Zoë", "Ødegård-Łukasiewicz"), ("Ömer", "Çelik"), ("Işıl", "Ağaoğlu"),
         ("Γιώργος", "Παπαδόπουλος"), ("Дмитрий", "Шостакович"),
         ("محمد", "عبد الله"), ("小龍", "李"), ("太郎", "山田"), ("민준", "김"),
         ("Grzegorz", "Brzęczyszczykiewicz")]


@pytest.fixture(scope="module")
def shared():
    """One daemon for the tests that are refused or use fresh addresses."""
    with tempfile.TemporaryDirectory(prefix="techtank-api-") as tmp:
        d = Daemon(tmp).start()
        try:
            yield d
        finally:
            d.stop()


def refused(daemon, body, field):
    """422 with a message for field, nothing written."""
    before = daemon.remaining()
    data = json.dumps(body) if isinstance(body, dict) else body
    r = daemon.register(data)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "validation_failed"
    assert field in err["fields"], err
    assert daemon.remaining() == before
    return err["fields"][field]


@pytest.mark.parametrize("value", INVISIBLE)
@pytest.mark.parametrize("field", ["first_name", "last_name", "company", "job_title"])
def test_invisible_only_text_is_refused(shared, field, value):
    body = registration()
    body["attendees"][0][field] = value
    refused(shared, body, f"attendees.0.{field}")


@pytest.mark.parametrize("value", INVISIBLE[:3])
@pytest.mark.parametrize("field", ["first_name", "last_name", "company"])
def test_invisible_only_contact_is_refused(shared, field, value):
    body = registration()
    body["contact"][field] = value
    refused(shared, body, f"contact.{field}")


@pytest.mark.parametrize("control", BIDI)
@pytest.mark.parametrize("field", ["first_name", "last_name", "company", "job_title",
                                   "dietary", "email"])
def test_bidi_controls_are_refused(shared, field, control):
    body = registration()
    a = body["attendees"][0]
    if field == "email":
        a["email"] = a["email"].replace("@", control + "@")
    else:
        a[field] = "Åsa " + control + "grebÖ"
    refused(shared, body, f"attendees.0.{field}")


def test_bidi_override_in_the_contact_name(shared):
    body = registration()
    body["contact"]["last_name"] = "Lindström\u202egrebÖ"
    refused(shared, body, "contact.last_name")


@pytest.mark.parametrize("first,last", WORLD)
def test_names_in_every_script_are_welcome(shared, first, last):
    body = registration()
    body["attendees"][0].update(first_name=first, last_name=last, company=last + " AB")
    r = shared.register(json.dumps(body, ensure_ascii=False).encode())
    assert r.status_code == 201, r.text
    a = r.json()["attendees"][0]
    assert (a["first_name"], a["last_name"], a["company"]) == (first, last, last + " AB")


def test_invisible_characters_beside_letters_stay(shared):
    # A ZWNJ inside a Persian word, a no-break space inside a name.
    body = registration()
    body["attendees"][0].update(first_name="Anna\u00a0Maria", last_name="می\u200cشود")
    r = shared.register(body)
    assert r.status_code == 201, r.text
    assert r.json()["attendees"][0]["last_name"] == "می\u200cشود"


def test_decomposed_and_precomposed_are_one_name_and_one_address(daemon):
    nfd_first, nfd_email = "A\u030asa", "a\u030asa.lindstro\u0308m@pressverk.se"
    assert unicodedata.normalize("NFC", nfd_first) == "Åsa"
    first = registration()
    first["attendees"][0].update(first_name=nfd_first, last_name="Lindstro\u0308m-O\u0308berg",
                                 email=nfd_email)
    r = daemon.register(first)
    assert r.status_code == 201, r.text
    stored = daemon.get("/api/v1/registrations/" + r.json()["manage_token"]).json()
    a = stored["attendees"][0]
    assert a["first_name"] == "Åsa" and a["last_name"] == "Lindström-Öberg"
    assert a["email"] == "åsa.lindström@pressverk.se"
    for text in (a["first_name"], a["last_name"], a["email"]):
        assert unicodedata.is_normalized("NFC", text)
    assert daemon.sql("SELECT first_name, email FROM attendees") == \
        [("Åsa", "åsa.lindström@pressverk.se")]

    again = registration()
    again["attendees"][0].update(first_name="Åsa", email="åsa.lindström@pressverk.se")
    assert refused(daemon, again, "attendees.0.email") == "taken"


@pytest.mark.parametrize("typed,again", [
    ("asa@PRESSVERK.SE", "asa@pressverk.se"),
    ("Asa.Lindstrom@Pressverk.Se", "asa.lindstrom@PRESSVERK.se"),
    ("x@BÜCHER.de", "x@bücher.de"),
    ("x@BU\u0308CHER.de", "x@bücher.de"),
])
def test_addresses_compare_case_folded(daemon, typed, again):
    first = registration()
    first["attendees"][0]["email"] = typed
    r = daemon.register(first)
    assert r.status_code == 201, r.text
    # The address is shown as typed, in NFC.
    assert r.json()["attendees"][0]["email"] == unicodedata.normalize("NFC", typed)
    second = registration()
    second["attendees"][0]["email"] = again
    refused(daemon, second, "attendees.0.email")


@pytest.mark.parametrize("email", ["asa\u200b@pressverk.se", "asa@pressverk\u3002se",
                                   "asa@press\u00a0verk.se", "asa@\ufeffpressverk.se"])
def test_addresses_cannot_hide_characters(shared, email):
    body = registration()
    body["attendees"][0]["email"] = email
    refused(shared, body, "attendees.0.email")


@pytest.mark.parametrize("field", ["first_name", "last_name", "email", "company",
                                   "job_title", "dietary"])
def test_nul_in_any_field_is_a_422(shared, field):
    body = registration()
    body["attendees"][0][field] = body["attendees"][0].get(field, "x") + "\u0000x"
    refused(shared, body, f"attendees.0.{field}")


def test_nul_in_login_username_is_a_422(daemon):
    daemon.add_user("anna", "door")
    for name in ("anna\u0000", "anna\u0000x", "\u0000anna"):
        r = requests.post(daemon.url + "/api/v1/session",
                          json={"username": name, "password": "correct horse battery"},
                          timeout=30)
        assert r.status_code == 422, (name, r.text)
        assert "username" in r.json()["error"]["fields"]
    # The real name still logs in.
    daemon.login("anna")


def test_door_finds_people_without_their_accents(daemon):
    daemon.add_user("anna", "door")
    door = daemon.login("anna")
    people = [("Åsa", "Lindström-Öberg"), ("Zoë", "Ødegård-Łukasiewicz"),
              ("Björn", "Håkansdotter"), ("Γιώργος", "Παπαδόπουλος")]
    body = registration()
    body["attendees"] = [person(first, last) for first, last in people]
    body["contact"] = dict(body["attendees"][0])
    assert daemon.register(body).status_code == 201

    def names(q):
        r = door.get(daemon.url + "/api/v1/attendees/search", params={"q": q}, timeout=10)
        assert r.status_code == 200, r.text
        return {a["name"] for a in r.json()["attendees"]}

    for q, whom in (("lindstrom", "Åsa Lindström-Öberg"), ("oberg", "Åsa Lindström-Öberg"),
                    ("zoe", "Zoë Ødegård-Łukasiewicz"),
                    ("lukasiewicz", "Zoë Ødegård-Łukasiewicz"),
                    ("odegard", "Zoë Ødegård-Łukasiewicz"), ("ZOË", "Zoë Ødegård-Łukasiewicz"),
                    ("bjorn", "Björn Håkansdotter"), ("A\u030asa", "Åsa Lindström-Öberg"),
                    ("γιωργος", "Γιώργος Παπαδόπουλος")):
        assert names(q) == {whom}, q
