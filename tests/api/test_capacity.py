"""Quotas, event capacity, the waitlist and its promotion in order."""
from techtank_test import registration


def tokens_statuses(daemon, tokens):
    out = []
    for t in tokens:
        a = daemon.get("/api/v1/registrations/" + t).json()["attendees"][0]
        out.append((a["status"], a["waitlist_position"], a["pass_code"] is not None))
    return out


def test_waitlist_positions_and_promotion_in_order(daemon):
    daemon.set_limits(ticket_type=1, quota=2, waitlist=True)
    regs = [daemon.register().json() for _ in range(5)]
    assert [r["status"] for r in regs] == ["confirmed"] * 2 + ["waitlisted"] * 3
    tokens = [r["manage_token"] for r in regs]
    assert tokens_statuses(daemon, tokens[2:]) == [
        ("waitlisted", 1, False), ("waitlisted", 2, False), ("waitlisted", 3, False)]
    ev = daemon.get("/api/v1/event").json()["ticket_types"][0]
    assert ev["remaining"] == 0 and ev["waitlist_open"] is True

    daemon.delete("/api/v1/registrations/" + tokens[0])
    assert tokens_statuses(daemon, tokens[2:]) == [
        ("confirmed", None, True), ("waitlisted", 1, False), ("waitlisted", 2, False)]
    promoted = daemon.get("/api/v1/registrations/" + tokens[2]).json()
    assert promoted["status"] == "confirmed"
    assert promoted["attendees"][0]["pass_code"].startswith("TT-")

    # Cancelling a waitlisted one moves those behind it up.
    daemon.delete("/api/v1/registrations/" + tokens[3])
    assert tokens_statuses(daemon, tokens[4:]) == [("waitlisted", 1, False)]


def test_partial_registration(daemon):
    daemon.set_limits(ticket_type=1, quota=1, waitlist=True)
    reg = daemon.register(registration(3)).json()
    assert reg["status"] == "partial"
    assert [a["status"] for a in reg["attendees"]] == ["confirmed", "waitlisted", "waitlisted"]
    assert [a["waitlist_position"] for a in reg["attendees"]] == [None, 1, 2]


def test_full_without_waitlist_is_409_and_writes_nothing(daemon):
    daemon.set_limits(ticket_type=3, quota=2, waitlist=False)
    assert daemon.register(registration(ticket_type=3)).status_code == 201
    r = daemon.register(registration(2, ticket_type=3))
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "full" and err["message"]
    assert daemon.sql("SELECT count(*) FROM attendees") == [(1,)]
    assert daemon.register(registration(ticket_type=3)).status_code == 201
    assert daemon.register(registration(ticket_type=3)).status_code == 409
    ev = daemon.get("/api/v1/event").json()["ticket_types"][2]
    assert ev["remaining"] == 0 and ev["waitlist_open"] is False


def test_event_capacity_binds_across_types(daemon):
    daemon.stop()
    daemon.sql("UPDATE ticket_types SET quota = NULL, waitlist = 0")
    daemon.sql("UPDATE events SET capacity = 3")
    daemon.start()
    assert daemon.register(registration(2, ticket_type=1)).status_code == 201
    assert daemon.register(registration(1, ticket_type=2)).status_code == 201
    r = daemon.register(registration(1, ticket_type=3))
    assert r.status_code == 409
    ev = daemon.get("/api/v1/event").json()
    assert ev["remaining"] == 0
    assert all(t["remaining"] == 0 for t in ev["ticket_types"])


def test_raised_quota_promotes_at_start(daemon):
    daemon.set_limits(ticket_type=1, quota=1, waitlist=True)
    daemon.register()
    waiting = daemon.register().json()
    assert waiting["status"] == "waitlisted"
    daemon.set_limits(ticket_type=1, quota=5)
    again = daemon.get("/api/v1/registrations/" + waiting["manage_token"]).json()
    assert again["status"] == "confirmed"


def test_event_capacity_waitlists_across_types(daemon):
    """capacity 3 for the event, no quotas: the fourth person, of another
    ticket type, is waitlisted, and a cancellation promotes them."""
    daemon.stop()
    daemon.sql("UPDATE ticket_types SET quota = NULL, waitlist = 1")
    daemon.sql("UPDATE events SET capacity = 3")
    daemon.start()
    first = daemon.register(registration(2, ticket_type=1)).json()
    assert first["status"] == "confirmed"
    assert daemon.get("/api/v1/event").json()["remaining"] == 1
    second = daemon.register(registration(2, ticket_type=2)).json()
    assert second["status"] == "partial"
    assert [a["status"] for a in second["attendees"]] == ["confirmed", "waitlisted"]
    ev = daemon.get("/api/v1/event").json()
    assert ev["remaining"] == 0
    assert all(t["remaining"] == 0 and t["waitlist_open"] for t in ev["ticket_types"])
    daemon.delete("/api/v1/registrations/" + first["manage_token"])
    again = daemon.get("/api/v1/registrations/" + second["manage_token"]).json()
    assert again["status"] == "confirmed"
    assert all(a["pass_code"].startswith("TT-") for a in again["attendees"])
    daemon.stop()
    assert daemon.sql("SELECT count(*) FROM attendees WHERE status = 'confirmed'") == [(2,)]
    daemon.start()


def test_remaining_is_the_smaller_of_quota_and_capacity(daemon):
    daemon.stop()
    daemon.sql("UPDATE ticket_types SET quota = 10 WHERE id = 1")
    daemon.sql("UPDATE ticket_types SET quota = NULL WHERE id = 2")
    daemon.sql("UPDATE events SET capacity = 4")
    daemon.start()
    types = {t["id"]: t for t in daemon.get("/api/v1/event").json()["ticket_types"]}
    assert types[1]["remaining"] == 4 and types[2]["remaining"] == 4
    daemon.stop()
    daemon.sql("UPDATE events SET capacity = NULL")
    daemon.start()
    types = {t["id"]: t for t in daemon.get("/api/v1/event").json()["ticket_types"]}
    assert types[1]["remaining"] == 10 and types[2]["remaining"] is None
    assert daemon.get("/api/v1/event").json()["remaining"] is None
