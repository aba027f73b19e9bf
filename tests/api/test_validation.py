"""Every invalid field: 422 with its own message, and nothing written."""
import pytest

from techtank_test import person, registration


def assert_refused(daemon, body, field, status=422, code="validation_failed"):
    before = daemon.remaining()
    r = daemon.register(body)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code
    assert field in err["fields"], err
    assert isinstance(err["fields"][field], str) and err["fields"][field]
    assert daemon.remaining() == before
    return err


@pytest.mark.parametrize("who", ["contact", "attendee"])
@pytest.mark.parametrize("name", ["first_name", "last_name"])
@pytest.mark.parametrize("value", [None, "", "   ", "x" * 101, 42, "Tab\tName",
                                   "Line\nBreak", "nul\u0000"])
def test_bad_names(daemon, who, name, value):
    body = registration()
    target = body["contact"] if who == "contact" else body["attendees"][0]
    if value is None:
        del target[name]
    else:
        target[name] = value
    field = f"contact.{name}" if who == "contact" else f"attendees.0.{name}"
    assert_refused(daemon, body, field)


def test_hundred_characters_is_fine(daemon):
    body = registration()
    body["attendees"][0]["last_name"] = "Ö" * 100
    assert daemon.register(body).status_code == 201


@pytest.mark.parametrize("email", ["", "plain", "no-at.example.se", "a@b",
                                   "a b@example.se", "a@@example.se",
                                   "a@example..se", ".a@example.se",
                                   "a" * 65 + "@example.se",
                                   "a@" + "b" * 250 + ".se", "<a>@example.se"])
def test_bad_emails(daemon, email):
    body = registration()
    body["attendees"][0]["email"] = email
    assert_refused(daemon, body, "attendees.0.email")


def test_bad_contact_email(daemon):
    body = registration()
    body["contact"]["email"] = "nope"
    assert_refused(daemon, body, "contact.email")


@pytest.mark.parametrize("n", [0, 11])
def test_attendee_count(daemon, n):
    body = registration()
    body["attendees"] = [person() for _ in range(n)]
    assert_refused(daemon, body, "attendees")


def test_ten_attendees_is_fine(daemon):
    assert daemon.register(registration(10)).status_code == 201
    assert daemon.remaining() == 50


@pytest.mark.parametrize("value", [False, None, "true", 1])
def test_privacy_must_be_accepted(daemon, value):
    body = registration()
    if value is None:
        del body["privacy_accepted"]
    else:
        body["privacy_accepted"] = value
    assert_refused(daemon, body, "privacy_accepted")


@pytest.mark.parametrize("tt", [99, 4, 0, -1, "1", None])
def test_ticket_type_must_be_on_sale(daemon, tt):
    # 4 is the hidden speaker type.
    body = registration(ticket_type=tt)
    assert_refused(daemon, body, "ticket_type")


def test_duplicate_email_in_request(daemon):
    body = registration(2)
    body["attendees"][1]["email"] = body["attendees"][0]["email"].upper()
    assert_refused(daemon, body, "attendees.1.email")


def test_email_already_registered(daemon):
    first = registration()
    assert daemon.register(first).status_code == 201
    again = registration(2)
    again["attendees"][1]["email"] = first["attendees"][0]["email"]
    assert_refused(daemon, again, "attendees.1.email")


@pytest.mark.parametrize("phone", ["call me", "070-CALL", "1" * 41, "12"])
def test_bad_phone(daemon, phone):
    body = registration()
    body["contact"]["phone"] = phone
    assert_refused(daemon, body, "contact.phone")


@pytest.mark.parametrize("field,limit", [("company", 150), ("job_title", 150),
                                         ("dietary", 500)])
def test_optional_lengths(daemon, field, limit):
    body = registration()
    body["attendees"][0][field] = "ä" * limit
    assert daemon.register(body).status_code == 201
    body = registration()
    body["attendees"][0][field] = "ä" * (limit + 1)
    assert_refused(daemon, body, f"attendees.0.{field}")


@pytest.mark.parametrize("sessions", [[3], [999], "9", [9, 9], [0], list(range(1, 10))])
def test_bad_session_sign_ups(daemon, sessions):
    body = registration()
    body["attendees"][0]["sessions"] = sessions
    assert_refused(daemon, body, "attendees.0.sessions")


def test_several_errors_at_once(daemon):
    body = registration(2)
    body["contact"]["email"] = "x"
    body["attendees"][1]["first_name"] = ""
    body["privacy_accepted"] = False
    err = assert_refused(daemon, body, "contact.email")
    assert {"attendees.1.first_name", "privacy_accepted"} <= set(err["fields"])


def long_email(total):
    """A well-formed address of `total` bytes: 64-byte local part, labels of
    at most 63 bytes."""
    local = "a" * 64
    rest = total - len(local) - 1 - len(".se")  # bytes for the labels and dots
    labels = []
    while rest > 0:
        n = min(63, rest)
        if rest - n == 1:  # never leave a lone dot
            n -= 1
        labels.append("b" * n)
        rest -= n + 1
    email = local + "@" + ".".join(labels) + ".se"
    assert len(email.encode()) == total, len(email)
    return email


def test_email_of_254_bytes_is_fine_255_is_not(daemon):
    body = registration()
    body["attendees"][0]["email"] = long_email(254)
    r = daemon.register(body)
    assert r.status_code == 201, r.text
    assert r.json()["attendees"][0]["email"] == long_email(254)
    body = registration()
    body["attendees"][0]["email"] = long_email(255)
    assert_refused(daemon, body, "attendees.0.email")


@pytest.mark.parametrize("ch", ["李", "🙂", "Ł"])
def test_name_length_counts_characters_not_bytes(daemon, ch):
    body = registration()
    body["attendees"][0]["first_name"] = ch * 100
    r = daemon.register(body)
    assert r.status_code == 201, r.text
    assert r.json()["attendees"][0]["first_name"] == ch * 100
    body = registration()
    body["attendees"][0]["first_name"] = ch * 101
    assert_refused(daemon, body, "attendees.0.first_name")


@pytest.mark.parametrize("field", ["company", "job_title", "dietary"])
def test_control_characters_in_optional_fields(daemon, field):
    body = registration()
    body["attendees"][0][field] = "Press\u0007verk"
    assert_refused(daemon, body, f"attendees.0.{field}")


@pytest.mark.parametrize("body_change,field", [
    (lambda b: b.pop("attendees"), "attendees"),
    (lambda b: b.update(attendees="Åsa"), "attendees"),
    (lambda b: b.pop("contact"), "contact"),
    (lambda b: b.pop("ticket_type"), "ticket_type"),
])
def test_missing_parts(daemon, body_change, field):
    body = registration()
    body_change(body)
    err = assert_refused(daemon, body, field)
    assert err["message"]
