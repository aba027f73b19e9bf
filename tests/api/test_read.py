"""The public read-only resources: health, event, programme, pages."""
import re

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def test_healthz(daemon):
    r = daemon.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert r.headers["Content-Type"].startswith("application/json")


def test_event_lists_public_ticket_types_with_seats(daemon):
    ev = daemon.get("/api/v1/event").json()
    assert ev["name"] == "Techtank Conference 2027"
    assert ev["timezone"] == "Europe/Stockholm"
    assert ISO.match(ev["starts_at"]) and ev["starts_at"].endswith("+01:00")
    assert ev["venue"]["city"] == "Olofström"
    names = [t["name"] for t in ev["ticket_types"]]
    assert names == ["Member", "Non-member", "Student"]  # Speaker is hidden
    member = ev["ticket_types"][0]
    assert member["price_ore"] == 250000 and member["currency"] == "SEK"
    assert member["remaining"] == 60
    assert member["waitlist"] is True and member["waitlist_open"] is False


def test_programme_days_rooms_sessions_speakers(daemon):
    p = daemon.get("/api/v1/programme").json()
    assert [d["date"] for d in p["days"]] == ["2027-11-30", "2027-12-01"]
    assert len(p["rooms"]) == 3
    assert len(p["speakers"]) == 8
    sessions = [s for d in p["days"] for s in d["sessions"]]
    assert len(sessions) >= 12
    for s in sessions:
        assert ISO.match(s["starts_at"]) and ISO.match(s["ends_at"])
        assert s["starts_at"] < s["ends_at"]
        assert s["kind"] in {"talk", "keynote", "panel", "break", "meal", "visit"}
    keynote = next(s for s in sessions if s["kind"] == "keynote")
    assert keynote["speakers"][0]["company"]
    assert keynote["room"]["name"] == "Stora salen"
    first = p["days"][0]["sessions"][0]
    assert first["starts_at"] == "2027-11-30T08:30:00+01:00"
    visit = next(s for s in sessions if s["kind"] == "visit")
    assert visit["signup"] is True and visit["seats"] == 30 and visit["remaining"] == 30


def test_pages_are_served_with_csp(daemon):
    for path in ("/", "/register.html", "/manage.html"):
        r = daemon.get(path)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"].startswith("text/html")
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_paths(daemon):
    assert daemon.get("/nope.html").status_code == 404
    r = daemon.get("/api/v1/nope")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_wrong_method_on_api_is_405(daemon):
    r = daemon.post("/api/v1/event", {})
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in r.headers["Allow"]


def test_head_has_no_body(daemon):
    h = __import__("requests").head(daemon.url + "/api/v1/programme")
    assert h.status_code == 200 and h.content == b""
    assert h.headers["Content-Type"].startswith("application/json")


def test_access_log_masks_tokens(daemon):
    r = daemon.register()
    token = r.json()["manage_token"]
    daemon.get("/api/v1/registrations/" + token)
    daemon.stop()
    with open(daemon.tmp + "/access.log") as f:
        log = f.read()
    assert token not in log
    line = next(l for l in log.splitlines() if "POST /api/v1/registrations " in l)
    fields = line.split()
    assert fields[-3] == "201" and int(fields[-2]) > 0 and fields[-1].endswith("us")
    daemon.start()


def test_every_listed_ticket_type_has_the_contract_fields(daemon):
    ev = daemon.get("/api/v1/event").json()
    assert ev["id"] == 1
    for key in ("capacity", "remaining"):
        assert ev[key] is None or isinstance(ev[key], int), key
    assert ISO.match(ev["ends_at"]) and ev["ends_at"].endswith("+01:00")
    assert ev["ticket_types"], "the demo event sells tickets"
    for t in ev["ticket_types"]:
        assert isinstance(t["id"], int) and t["name"]
        assert isinstance(t["price_ore"], int) and t["currency"] == "SEK"
        assert t["remaining"] is None or isinstance(t["remaining"], int)
        assert isinstance(t["waitlist"], bool) and isinstance(t["waitlist_open"], bool)
        assert t["waitlist_open"] == (t["remaining"] == 0 and t["waitlist"])
    # The speaker type exists in the database but is hidden.
    hidden = daemon.sql("SELECT id, name FROM ticket_types WHERE hidden = 1")
    assert hidden, "the demo has a hidden (speaker) ticket type"
    listed = {t["id"] for t in ev["ticket_types"]}
    assert not listed & {h[0] for h in hidden}
    assert "Speaker" not in {t["name"] for t in ev["ticket_types"]}


def test_programme_times_carry_the_stockholm_winter_offset(daemon):
    p = daemon.get("/api/v1/programme").json()
    assert p["event"]["timezone"] == "Europe/Stockholm"
    sessions = [s for d in p["days"] for s in d["sessions"]]
    assert 12 <= len(sessions) <= 24
    for d in p["days"]:
        for s in d["sessions"]:
            assert s["starts_at"].startswith(d["date"] + "T")
            assert s["starts_at"].endswith("+01:00") and s["ends_at"].endswith("+01:00")
            assert s["room"] is None or {"id", "name"} <= set(s["room"])
            for sp in s["speakers"]:
                assert isinstance(sp["id"], int) and sp["name"]
    rooms = {r["id"] for r in p["rooms"]}
    assert {s["room"]["id"] for s in sessions if s["room"]} <= rooms
    speakers = {sp["id"] for sp in p["speakers"]}
    used = {sp["id"] for s in sessions for sp in s["speakers"]}
    assert used and used <= speakers


def test_the_door_app_files_are_served_with_their_types(daemon):
    """The door page's manifest and service worker, as a browser takes them."""
    r = daemon.get("/door.webmanifest")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/manifest+json; charset=utf-8"
    assert r.json()["start_url"] == "door.html"
    r = daemon.get("/door-sw.js")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-cache"
    # The page's policy lets it load both from its own origin.
    csp = daemon.get("/door.html").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    for path in ("/door.webmanifest%00.js", "/.webmanifest", "/door.webmanifest/"):
        assert daemon.get(path).status_code in (400, 404), path
