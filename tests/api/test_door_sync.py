"""The door's offline copy and the upload of offline scans: GET
/api/v1/checkpoints/{id}/sync (whole and as a delta), POST
/api/v1/checkins/batch, GET /api/v1/admin/door-conflicts, and the conflicts
in /api/v1/checkins/stats. The copy is opened here as the door page opens
it with WebCrypto: HKDF-SHA256 of the pass code with the copy's salt, then
AES-256-GCM."""
import base64
from concurrent.futures import ThreadPoolExecutor
import datetime
import gzip
import json
import os
import uuid

import pytest
import requests
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from techtank_test import person, registration

NAMES = [("Åsa", "Lindström-Öberg"), ("Björn", "Håkansdotter"),
         ("Zoë", "Ødegård-Łukasiewicz"), ("Işık", "Yılmaz"), ("Γιώργος", "Παπαδόπουλος")]


@pytest.fixture
def door(daemon):
    daemon.add_user("anna", "door")
    daemon.add_user("olle", "organiser")
    daemon.anna = daemon.login("anna")
    daemon.olle = daemon.login("olle")
    return daemon


def register(d, first="Åsa", last="Lindström-Öberg", sessions=None, **extra):
    body = registration(attendees=[person(first, last, **extra)])
    body["contact"] = dict(body["attendees"][0], phone="+46 70 123 45 67")
    if sessions:
        body["attendees"][0]["sessions"] = sessions
    r = d.register(body)
    assert r.status_code in (200, 201), r.text
    return r.json()


def sync(d, who, cp="main", since=None, **kw):
    params = {} if since is None else {"since": since}
    r = who.get(f"{d.url}/api/v1/checkpoints/{cp}/sync", params=params, timeout=30, **kw)
    assert r.status_code == 200, r.text
    return r.json()


def derive(copy, code, info_key, bits):
    c = copy["crypto"]
    return HKDF(algorithm=hashes.SHA256(), length=bits // 8,
                salt=base64.b64decode(c["salt"]), info=c[info_key].encode()).derive(code.encode())


def lookup(copy, code):
    return base64.b64encode(derive(copy, code, "lookup_info", copy["crypto"]["lookup_bits"])).decode()


def open_entry(copy, code, entry=None):
    """The person of a pass, as the door page finds and opens it."""
    if entry is None:
        entry = by_hash(copy)[lookup(copy, code)]
    raw = base64.b64decode(entry["e"])
    iv = raw[:copy["crypto"]["iv_bytes"]]
    plain = AESGCM(derive(copy, code, "key_info", 256)).decrypt(iv, raw[len(iv):], None)
    return json.loads(plain)


def by_hash(copy):
    return {p["h"]: p for p in copy["passes"]}


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.123Z")


def now():
    return int(datetime.datetime.now(datetime.timezone.utc).timestamp())


def nonce():
    return uuid.uuid4().hex


def upload(d, who, scans, device="Dörr 1 (iPad)", cp="main", **kw):
    return who.post(f"{d.url}/api/v1/checkins/batch", timeout=30,
                    json={"checkpoint": cp, "device": device, "scans": scans}, **kw)


def attendee_page(d, aid):
    return d.olle.get(f"{d.url}/api/v1/admin/attendees/{aid}", timeout=10).json()


def op(d, aid, name, body=None):
    body = dict(body or {}, version=attendee_page(d, aid)["version"])
    r = d.olle.post(f"{d.url}/api/v1/admin/attendees/{aid}/{name}", json=body, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def live_checkins(d, aid, cp="main"):
    return d.sql("SELECT at, device FROM checkins WHERE attendee_id = ? AND checkpoint = ?"
                 " AND undone_at IS NULL", aid, cp)


# ------------------------------------------------------------ the copy


def test_the_copy_holds_no_code_and_no_name_in_the_clear(door):
    people = [register(door, f, l, dietary="Vegan, inga nötter")["attendees"][0]
              for f, l in NAMES]
    cancelled = register(door, "Märta", "Ångström")
    door.delete("/api/v1/registrations/" + cancelled["manage_token"])
    old = people[0]["pass_code"]
    op(door, people[0]["id"], "reissue")
    r = door.anna.get(f"{door.url}/api/v1/checkpoints/main/sync", timeout=30,
                      headers={"Accept-Encoding": "identity"}, stream=True)
    assert r.status_code == 200 and "Content-Encoding" not in r.headers
    raw = r.raw.read()
    codes = [old] + [a["pass_code"] for a in people[1:]] + \
        [cancelled["attendees"][0]["pass_code"]] + \
        [x[0] for x in door.sql("SELECT pass_code FROM attendees WHERE pass_code IS NOT NULL")]
    words = []
    for f, l in NAMES + [("Märta", "Ångström")]:
        words += [f, l, f + " " + l] + l.split("-")
    words += ["Vegan, inga nötter", "nötter"]
    for w in codes + words:
        for form in (w, w.lower(), json.dumps(w)[1:-1], json.dumps(w, ensure_ascii=False)[1:-1]):
            assert form.encode() not in raw, form
        body = w.split("-", 1)[-1]
        if w in codes:
            assert body.encode() not in raw and body.lower().encode() not in raw
    copy = json.loads(raw)
    assert "names" not in copy and copy["names_enabled"] is False


def test_an_entry_opens_with_its_code_and_no_other(door):
    reg = register(door, "Zoë", "Ødegård-Łukasiewicz", sessions=[11], dietary="Glutenfri")
    a = reg["attendees"][0]
    copy = sync(door, door.anna)
    entry = open_entry(copy, a["pass_code"])
    assert entry["i"] == a["id"]
    assert entry["n"] == "Zoë Ødegård-Łukasiewicz"
    assert entry["c"] == "Pressverk AB"
    types = {t["id"]: t for t in copy["ticket_types"]}
    assert types[entry["t"]]["name"] == "Member" and types[entry["t"]]["role"] == "attendee"
    assert entry["d"] == "Glutenfri"
    assert 11 in entry["s"]
    titles = {s["id"]: s["title"] for s in copy["sessions"]}
    assert titles[11] == "Konferensmiddag"
    # One character off (the check character rejects it too): no entry,
    # and the real entry does not open with its key.
    code = a["pass_code"]
    wrong = code[:-3] + ("A" if code[-3] != "A" else "B") + code[-2:]
    assert lookup(copy, wrong) not in by_hash(copy)
    with pytest.raises(InvalidTag):
        open_entry(copy, wrong, by_hash(copy)[lookup(copy, code)])
    # A code of another salt (another event's copy) finds nothing.
    other = dict(copy, crypto=dict(copy["crypto"], salt=base64.b64encode(os.urandom(32)).decode()))
    assert lookup(other, code) not in by_hash(copy)


def test_cancelled_replaced_waitlisted_and_not_here(door):
    a = register(door, "Björn", "Håkansdotter")
    b = register(door, "Işık", "Yılmaz", sessions=[9])["attendees"][0]
    c = register(door)["attendees"][0]
    door.delete("/api/v1/registrations/" + a["manage_token"])
    new = op(door, c["id"], "reissue")["pass_code"]
    copy = sync(door, door.anna)
    h = by_hash(copy)
    assert h[lookup(copy, a["attendees"][0]["pass_code"])] == {
        "h": lookup(copy, a["attendees"][0]["pass_code"]), "s": "cancelled"}
    assert h[lookup(copy, c["pass_code"])]["s"] == "replaced"
    assert open_entry(copy, new)["i"] == c["id"]
    # At the study visit only those signed up may enter.
    visit = sync(door, door.anna, "session-9")
    assert visit["checkpoint"] == {"id": "session-9", "name": visit["checkpoint"]["name"],
                                   "kind": "visit"}
    hv = by_hash(visit)
    assert "e" in hv[lookup(visit, b["pass_code"])]
    assert hv[lookup(visit, new)]["s"] == "not_registered_here"
    for cp in ("session-09", "session-999", "nowhere", "Main", "%27%20OR%201%3D1"):
        assert door.anna.get(f"{door.url}/api/v1/checkpoints/{cp}/sync",
                             timeout=10).status_code == 404, cp
    # A NUL in the path is a malformed path.
    assert door.anna.get(f"{door.url}/api/v1/checkpoints/main%00/sync",
                         timeout=10).status_code == 400


def test_the_copy_goes_compressed_and_only_to_staff(door):
    register(door)
    r = door.anna.get(f"{door.url}/api/v1/checkpoints/main/sync", timeout=10,
                      headers={"Accept-Encoding": "gzip, br"}, stream=True)
    assert r.headers["Content-Encoding"] == "gzip" and r.headers["Vary"] == "Accept-Encoding"
    assert r.headers["Cache-Control"] == "no-store"
    assert json.loads(gzip.decompress(r.raw.read()))["version"] == 1
    for refuse in ("gzip;q=0", "identity", "gzip; q=0.000, identity", "br"):
        r = door.anna.get(f"{door.url}/api/v1/checkpoints/main/sync", timeout=10,
                          headers={"Accept-Encoding": refuse})
        assert "Content-Encoding" not in r.headers, refuse
    assert requests.get(f"{door.url}/api/v1/checkpoints/main/sync", timeout=10).status_code == 401
    assert requests.get(f"{door.url}/api/v1/admin/door-conflicts", timeout=10).status_code == 401
    assert door.anna.get(f"{door.url}/api/v1/admin/door-conflicts", timeout=10).status_code == 403


def test_the_names_list_comes_only_when_the_organiser_enables_it(door):
    a = register(door, "Björn", "Håkansdotter")["attendees"][0]
    assert "names" not in sync(door, door.anna)
    ev = door.olle.get(f"{door.url}/api/v1/admin/events/1", timeout=10).json()
    assert ev["door_offline_names"] is False
    r = door.olle.patch(f"{door.url}/api/v1/admin/events/1", timeout=10,
                        json={"version": ev["version"], "door_offline_names": True})
    assert r.status_code == 200, r.text
    copy = sync(door, door.anna)
    assert {"id": a["id"], "name": "Björn Håkansdotter"} in copy["names"]
    assert all(set(n) == {"id", "name"} for n in copy["names"])
    # The server's fold of each character of the names, and of ASCII, for
    # the page to fold names and what is typed as the server does.
    fold = copy["fold"]
    assert fold["ö"] == "o" and fold["å"] == "a" and fold["B"] == "b" and fold["-"] == " "
    assert fold["'"] == "" and fold["7"] == "7"
    assert set(fold) == {chr(c) for c in range(0x20, 0x7f)} | {"ö", "å"}
    register(door, "Guðrún", "Jónsdóttir")
    delta = sync(door, door.anna, since=copy["cursor"])
    assert delta["fold"]["ð"] == "d" and delta["fold"]["ó"] == "o" and "ö" not in delta["fold"]


# ------------------------------------------------------------ the delta


def test_the_delta_holds_exactly_the_changes(door):
    keep, cancel, reissue, substitute, checkin = (register(door, f, l) for f, l in NAMES)
    first = sync(door, door.anna)
    cursor = first["cursor"]
    empty = sync(door, door.anna, since=cursor)
    assert empty["delta"] is True and empty["passes"] == [] and empty["checkins"] == []
    door.delete("/api/v1/registrations/" + cancel["manage_token"])
    new_code = op(door, reissue["attendees"][0]["id"], "reissue")["pass_code"]
    sub = op(door, substitute["attendees"][0]["id"], "substitute",
             person("Märta", "Ångström"))["pass_code"]
    fresh = register(door, "Ny", "Gäst")["attendees"][0]
    r = door.anna.post(door.url + "/api/v1/checkins", timeout=10,
                       json={"code": checkin["attendees"][0]["pass_code"]})
    assert r.json()["result"] == "ok"
    delta = sync(door, door.anna, since=cursor)
    assert delta["cursor"] > cursor and delta["since"] == cursor
    c = lambda code: lookup(delta, code)  # noqa: E731
    want = {c(cancel["attendees"][0]["pass_code"]): "cancelled",
            c(reissue["attendees"][0]["pass_code"]): "replaced",
            c(new_code): None,
            c(substitute["attendees"][0]["pass_code"]): "replaced",
            c(sub): None,
            c(fresh["pass_code"]): None}
    got = {p["h"]: p.get("s") for p in delta["passes"]}
    assert got == want
    assert open_entry(delta, sub)["n"] == "Märta Ångström"
    assert [x["h"] for x in delta["checkins"]] == [c(checkin["attendees"][0]["pass_code"])]
    assert c(keep["attendees"][0]["pass_code"]) not in got
    # An undone check-in comes as undone.
    door.olle.delete(f"{door.url}/api/v1/checkins/{r.json()['checkin_id']}", timeout=10)
    again = sync(door, door.anna, since=delta["cursor"])
    assert again["passes"] == [] and again["checkins"] == [
        {"h": c(checkin["attendees"][0]["pass_code"]), "undone": True}]


def test_a_delta_after_100_changes_is_small(door):
    door.set_limits(ticket_type=1, quota=None, capacity=None)
    people = [register(door, "Åsa", f"Lindström-Öberg {i}")["attendees"][0] for i in range(100)]
    cursor = sync(door, door.anna)["cursor"]
    for a in people[:50]:
        door.anna.post(door.url + "/api/v1/checkins", json={"code": a["pass_code"]}, timeout=10)
    for _ in range(50):
        register(door, "Björn", "Håkansdotter")
    r = door.anna.get(f"{door.url}/api/v1/checkpoints/main/sync", params={"since": cursor},
                      headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True)
    wire = r.raw.read()
    copy = json.loads(gzip.decompress(wire))
    assert len(copy["passes"]) == 50 and len(copy["checkins"]) == 50
    assert len(wire) <= 20 * 1024, len(wire)


@pytest.mark.parametrize("since", ["-1", "abc", "1e3", " 1", "+1", "99999999", "1" * 30, ""])
def test_a_bad_cursor_is_refused(door, since):
    r = door.anna.get(f"{door.url}/api/v1/checkpoints/main/sync", params={"since": since},
                      timeout=10)
    assert r.status_code == 422, (since, r.text)
    assert r.json()["error"]["fields"] == {"since": "invalid"}


# ------------------------------------------------------------ uploads


def test_an_upload_is_applied_once_with_its_own_times(door):
    a, b, c = (register(door, f, l)["attendees"][0] for f, l in NAMES[:3])
    copy = sync(door, door.anna)
    t = now() - 3600
    scans = [{"nonce": nonce(), "at": iso(t), "code": a["pass_code"].lower()},
             {"nonce": nonce(), "at": iso(t + 60), "hash": lookup(copy, b["pass_code"])},
             {"nonce": nonce(), "at": iso(t + 120), "attendee_id": c["id"]},
             {"nonce": nonce(), "at": iso(t + 180), "code": "TT-AAAAAAAAAAAAAAAAAAAAAAAAAAA"},
             {"nonce": nonce(), "at": iso(t + 240), "hash": base64.b64encode(os.urandom(16)).decode()}]
    r = upload(door, door.anna, scans)
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["result"] for x in res] == ["ok", "ok", "ok", "unknown", "unknown"]
    assert [x["nonce"] for x in res] == [s["nonce"] for s in scans]
    assert r.json()["counts"] == {"ok": 3, "unknown": 2}
    assert live_checkins(door, a["id"]) == [(t, "Dörr 1 (iPad)")]
    assert live_checkins(door, b["id"]) == [(t + 60, "Dörr 1 (iPad)")]
    assert live_checkins(door, c["id"]) == [(t + 120, "Dörr 1 (iPad)")]
    before = door.sql("SELECT count(*) FROM checkins")
    again = upload(door, door.anna, scans).json()
    assert [x["result"] for x in again["results"]] == ["duplicate"] * 5
    assert [x["first"] for x in again["results"]] == ["ok", "ok", "ok", "unknown", "unknown"]
    # From another login (the phone logged in again) it is the same scan.
    assert {x["result"] for x in upload(door, door.login("anna"), scans).json()["results"]} == \
        {"duplicate"}
    assert door.sql("SELECT count(*) FROM checkins") == before
    # The copy shows them checked in, at their own times.
    seen = {x["h"]: x for x in sync(door, door.anna)["checkins"]}
    assert seen[lookup(copy, a["pass_code"])]["device"] == "Dörr 1 (iPad)"
    stamp = datetime.datetime.fromisoformat(seen[lookup(copy, a["pass_code"])]["at"])
    assert int(stamp.timestamp()) == t
    # An online scan of them now is "already checked in".
    r = door.anna.post(door.url + "/api/v1/checkins", json={"code": a["pass_code"]}, timeout=10)
    assert r.json()["result"] == "already_checked_in"


def test_cancelled_waitlisted_and_elsewhere(door):
    a = register(door)
    door.delete("/api/v1/registrations/" + a["manage_token"])
    b = register(door, "Björn", "Håkansdotter")["attendees"][0]
    t = now() - 60
    r = upload(door, door.anna, [
        {"nonce": nonce(), "at": iso(t), "code": a["attendees"][0]["pass_code"]},
        {"nonce": nonce(), "at": iso(t), "code": b["pass_code"]}], cp="session-9")
    assert [x["result"] for x in r.json()["results"]] == ["cancelled", "not_registered_here"]
    assert live_checkins(door, b["id"], "session-9") == []


def test_two_doors_offline_are_one_checkin_and_one_conflict(door):
    a = register(door, "Zoë", "Ødegård-Łukasiewicz")["attendees"][0]
    t = now() - 600
    late = [{"nonce": nonce(), "at": iso(t + 30), "code": a["pass_code"]}]
    early = [{"nonce": nonce(), "at": iso(t), "code": a["pass_code"]}]
    r1 = upload(door, door.anna, late, device="Entré norr").json()["results"][0]
    assert r1["result"] == "ok"
    r2 = upload(door, door.anna, early, device="Entré syd").json()["results"][0]
    assert r2["result"] == "conflict" and r2["kept"] == "this"
    # The earliest is kept; the other is undone and listed.
    assert live_checkins(door, a["id"]) == [(t, "Entré syd")]
    for batch, device in ((late, "Entré norr"), (early, "Entré syd")):
        assert upload(door, door.anna, batch, device=device).json()["results"][0]["result"] == \
            "duplicate"
    listed = door.olle.get(f"{door.url}/api/v1/admin/door-conflicts", timeout=10).json()
    assert listed["total"] == 1
    (k,) = listed["conflicts"]
    assert k["attendee"]["name"] == "Zoë Ødegård-Łukasiewicz" and k["checkpoint"] == "main"
    assert k["kept"]["device"] == "Entré syd" and k["other"]["device"] == "Entré norr"
    assert k["kept"]["by"] == "anna" and k["kept_undone"] is False
    stats = door.anna.get(f"{door.url}/api/v1/checkins/stats", timeout=10).json()
    main = next(c for c in stats["checkpoints"] if c["id"] == "main")
    assert main["conflicts"] == 1 and main["checked_in"] == 1
    # A later offline admission than an online check-in is the conflict.
    b = register(door, "Björn", "Håkansdotter")["attendees"][0]
    door.anna.post(door.url + "/api/v1/checkins", json={"code": b["pass_code"]}, timeout=10)
    r = upload(door, door.anna, [{"nonce": nonce(), "at": iso(now()), "code": b["pass_code"]}],
               device="Entré syd").json()["results"][0]
    assert r["result"] == "conflict" and r["kept"] == "other"
    assert door.olle.get(f"{door.url}/api/v1/admin/door-conflicts",
                         timeout=10).json()["total"] == 2
    # The same device letting the same person in twice is no conflict.
    c = register(door, "Işık", "Yılmaz")["attendees"][0]
    two = [{"nonce": nonce(), "at": iso(t + i), "code": c["pass_code"]} for i in range(2)]
    assert [x["result"] for x in upload(door, door.anna, two).json()["results"]] == \
        ["ok", "already_checked_in"]


def test_an_online_scan_that_timed_out_and_was_queued_is_no_conflict(door):
    """The page sends a scan online; the answer is lost (a time-out), so it
    decides the scan from its copy and queues it with the same nonce. The
    server had applied it: the upload is the same scan, not a conflict."""
    a = register(door, "Åsa", "Lindström-Öberg")["attendees"][0]
    n = nonce()
    r = door.anna.post(door.url + "/api/v1/checkins",
                       json={"code": a["pass_code"], "checkpoint": "main", "nonce": n}, timeout=10)
    assert r.json()["result"] == "ok", r.text
    first = live_checkins(door, a["id"])
    res = upload(door, door.anna, [{"nonce": n, "at": iso(now() + 2), "code": a["pass_code"]}],
                 device="Entré norr").json()["results"][0]
    assert res["result"] == "duplicate", res
    assert live_checkins(door, a["id"]) == first
    assert door.olle.get(f"{door.url}/api/v1/admin/door-conflicts",
                         timeout=10).json()["total"] == 0


def test_many_devices_upload_at_once(door):
    people = [register(door, "Åsa", f"Lindström {i}")["attendees"][0] for i in range(10)]
    t = now() - 1800
    devices = 16
    batches = {}
    for dev in range(devices):
        # Device dev let everyone in at t + dev (device 5 first for person 5).
        batches[dev] = [{"nonce": nonce(), "at": iso(t + (dev - i) % devices), "code": p["pass_code"]}
                        for i, p in enumerate(people)]
    logins = [door.login("anna") for _ in range(4)]

    def send(dev):
        return upload(door, logins[dev % 4], batches[dev], device=f"Telefon {dev}")

    with ThreadPoolExecutor(max_workers=devices) as pool:
        replies = list(pool.map(send, range(devices)))
    assert all(r.status_code == 200 for r in replies), [r.text for r in replies]
    with ThreadPoolExecutor(max_workers=devices) as pool:
        again = list(pool.map(send, range(devices)))
    assert all({x["result"] for x in r.json()["results"]} == {"duplicate"} for r in again)
    for i, p in enumerate(people):
        assert live_checkins(door, p["id"]) == [(t, f"Telefon {i}")]
    assert door.sql("SELECT count(*) FROM door_conflicts") == [(len(people) * (devices - 1),)]
    assert door.sql("SELECT count(*) FROM offline_scans") == [(len(people) * devices,)]


def test_a_large_copy_sealed_in_parts_many_doors_at_once(door):
    """A copy of 1,500 passes is sealed by several threads, a part each:
    six doors syncing at once each get every pass once, in one order, and
    each entry opens with its own code to its own person."""
    door.stop()
    door.sql("UPDATE events SET capacity = NULL")
    door.sql("UPDATE ticket_types SET quota = NULL, sale_ends_at = NULL")
    door.start()
    logins = [door.login("anna") for _ in range(6)]
    codes = {}
    for r in range(150):
        body = registration(attendees=[person("Åsa", f"Lindström-Öberg {r}-{i}",
                                              email=f"p{r}.{i}@example.se") for i in range(10)])
        got = door.register(body)
        assert got.status_code in (200, 201), got.text
        codes.update({a["pass_code"]: a["id"] for a in got.json()["attendees"]})

    with ThreadPoolExecutor(max_workers=6) as pool:
        copies = list(pool.map(lambda who: sync(door, who), logins))
    hashes = [[p["h"] for p in c["passes"]] for c in copies]
    mine = {lookup(copies[0], code) for code in codes}
    for c, h in zip(copies, hashes):
        assert len(h) == len(set(h)), "a pass is in the copy twice"
        assert mine <= set(h)
        assert sorted(h) == sorted(hashes[0])
        assert [p.get("e") is not None for p in c["passes"]] == \
            [p.get("e") is not None for p in copies[0]["passes"]]
    for k, (code, aid) in enumerate(sorted(codes.items())):
        if k % 25 == 0:
            for c in (copies[0], copies[5]):
                assert open_entry(c, code)["i"] == aid


def test_a_whole_copy_kept_in_parts_learns_every_change(door):
    """The server keeps a whole copy's parts, sealed and compressed, and
    sends a part again as it was while none of its passes changed: every
    kind of change still reaches the next whole copy, in whichever part it
    falls, for every checkpoint, and after a restart."""
    door.stop()
    door.sql("UPDATE events SET capacity = NULL")
    door.sql("UPDATE ticket_types SET quota = NULL, sale_ends_at = NULL")
    door.start()
    door.anna = door.login("anna")
    door.olle = door.login("olle")
    regs = []
    for r in range(130):
        body = registration(attendees=[person("Åsa", f"Lindström-Öberg {r}-{i}",
                                              email=f"k{r}.{i}@example.se") for i in range(10)])
        got = door.register(body)
        assert got.status_code in (200, 201), got.text
        regs.append(got.json())
    people = [a for reg in regs for a in reg["attendees"]]
    ids = [a["id"] for a in people]
    assert max(ids) // 256 - min(ids) // 256 >= 4, "the test needs five parts"
    first = sync(door, door.anna)
    again = sync(door, door.anna)
    # Nothing changed: the same sealed bytes, taken from what was kept.
    assert again["passes"] == first["passes"]

    def part(a):
        return a["id"] // 256
    by_part = {}
    for a in people:
        by_part.setdefault(part(a), []).append(a)
    parts = sorted(by_part)
    low, mid, high = by_part[parts[0]], by_part[parts[1]], by_part[parts[-1]]
    cancelled = regs[1]  # in the first part
    door.delete("/api/v1/registrations/" + cancelled["manage_token"])
    reissued = mid[3]
    new_code = op(door, reissued["id"], "reissue")["pass_code"]
    substituted = high[-2]
    sub_code = op(door, substituted["id"], "substitute", person("Märta", "Ångström"))["pass_code"]
    renamed = by_part[parts[2]][7]  # alone in its part
    r = door.olle.patch(f"{door.url}/api/v1/admin/attendees/{renamed['id']}", timeout=10,
                        json={"version": attendee_page(door, renamed["id"])["version"],
                              "first_name": "Zoë"})
    assert r.status_code == 200, r.text
    # Even a change the door's own change log never hears of.
    edited = low[-1]
    door.sql("UPDATE attendees SET dietary = 'laktosfri' WHERE id = ?", edited["id"])

    third = sync(door, door.anna)
    h = by_hash(third)
    for a in cancelled["attendees"]:
        assert h[lookup(third, a["pass_code"])]["s"] == "cancelled"
    assert h[lookup(third, reissued["pass_code"])]["s"] == "replaced"
    assert open_entry(third, new_code)["i"] == reissued["id"]
    assert h[lookup(third, substituted["pass_code"])]["s"] == "replaced"
    assert open_entry(third, sub_code)["n"] == "Märta Ångström"
    got = open_entry(third, renamed["pass_code"])
    assert got["n"].startswith("Zoë ")
    assert open_entry(third, edited["pass_code"])["d"] == "laktosfri"
    # Every other pass still opens to its own person.
    changed = {a["id"] for a in cancelled["attendees"]} | {
        reissued["id"], substituted["id"], renamed["id"], edited["id"]}
    for a in people:
        if a["id"] not in changed:
            assert open_entry(third, a["pass_code"])["i"] == a["id"]
    # The parts with no change came as they were, the others made anew.
    untouched = [p for p in parts if p not in {part(x) for x in (
        cancelled["attendees"][0], reissued, substituted, renamed, edited)}]
    assert untouched
    old = by_hash(first)
    for p in untouched:
        for a in by_part[p]:
            k = lookup(third, a["pass_code"])
            assert h[k] == old[k]
    k = lookup(third, mid[0]["pass_code"])
    assert h[k]["e"] != old[k]["e"] and open_entry(third, mid[0]["pass_code"])["i"] == mid[0]["id"]
    # The same passes at another checkpoint are other parts.
    visit = sync(door, door.anna, "session-9")
    hv = by_hash(visit)
    assert all(hv[lookup(visit, a["pass_code"])]["s"] == "not_registered_here"
               for a in people if a["id"] not in changed)
    assert by_hash(sync(door, door.anna))[k] == h[k]
    # The names list, once enabled, comes with the kept parts.
    ev = door.olle.get(f"{door.url}/api/v1/admin/events/1", timeout=10).json()
    r = door.olle.patch(f"{door.url}/api/v1/admin/events/1", timeout=10,
                        json={"version": ev["version"], "door_offline_names": True})
    assert r.status_code == 200, r.text
    named = sync(door, door.anna)
    assert {"id": renamed["id"], "name": got["n"]} in named["names"]
    assert not any(n["id"] == cancelled["attendees"][0]["id"] for n in named["names"])
    # Nothing kept survives a restart, and nothing needs to.
    door.stop()
    door.start()
    after = sync(door, door.login("anna"))
    assert open_entry(after, new_code)["i"] == reissued["id"]
    assert open_entry(after, mid[0]["pass_code"])["i"] == mid[0]["id"]


def test_a_copy_without_gzip_is_the_same_copy(door):
    """Written without a JSON library: quotes, backslashes and controls
    escaped, and the same copy whether compressed or not."""
    a = register(door, "Zoë", "Ødegård-Łukasiewicz")
    # What validation keeps out of a form, written as JSON all the same.
    door.sql("UPDATE attendees SET dietary = ? WHERE id = ?",
             'Tab\there, "citat" \\ och \u0001', a["attendees"][0]["id"])
    zipped = sync(door, door.anna)
    plain = sync(door, door.anna, headers={"Accept-Encoding": "identity"})
    for copy in (zipped, plain):
        entry = open_entry(copy, a["attendees"][0]["pass_code"])
        assert entry["d"] == 'Tab\there, "citat" \\ och \u0001'
    assert {k: v for k, v in zipped.items() if k != "passes"} == \
        {k: v for k, v in plain.items() if k != "passes"}
    assert [p["h"] for p in zipped["passes"]] == [p["h"] for p in plain["passes"]]


# ------------------------------------------------------------ hostile input


def test_hostile_uploads_change_nothing(door):
    a = register(door)["attendees"][0]
    good = {"nonce": nonce(), "at": iso(now() - 60), "code": a["pass_code"]}
    n = nonce()
    cases = [
        ({"nonce": "short", "at": good["at"], "code": a["pass_code"]}, "scans.0.nonce", "invalid"),
        ({"nonce": "ä" * 20, "at": good["at"], "code": a["pass_code"]}, "scans.0.nonce", "invalid"),
        ({"nonce": "x' OR '1'='1 --xxxxxx", "at": good["at"], "code": a["pass_code"]},
         "scans.0.nonce", "invalid"),
        ({"nonce": n + "\u0000", "at": good["at"], "code": a["pass_code"]}, "scans.0.nonce",
         "invalid"),
        ({"nonce": "a" * 65, "at": good["at"], "code": a["pass_code"]}, "scans.0.nonce", "invalid"),
        ({"nonce": 1234567890123456, "at": good["at"], "code": a["pass_code"]},
         "scans.0.nonce", "invalid"),
        ({"at": good["at"], "code": a["pass_code"]}, "scans.0.nonce", "required"),
        ({"nonce": n, "at": iso(now() + 3600), "code": a["pass_code"]}, "scans.0.at",
         "in_the_future"),
        ({"nonce": n, "at": iso(now() - 30 * 86400), "code": a["pass_code"]}, "scans.0.at",
         "too_old"),
        ({"nonce": n, "at": "1970-01-01T00:00:00Z", "code": a["pass_code"]}, "scans.0.at",
         "too_old"),
        ({"nonce": n, "at": "9999-12-31T23:59:59Z", "code": a["pass_code"]}, "scans.0.at",
         "in_the_future"),
        ({"nonce": n, "at": "yesterday", "code": a["pass_code"]}, "scans.0.at", "invalid"),
        ({"nonce": n, "at": "2026-12-02T10:00:00.Z", "code": a["pass_code"]}, "scans.0.at",
         "invalid"),
        ({"nonce": n, "at": 1764668400, "code": a["pass_code"]}, "scans.0.at", "invalid"),
        ({"nonce": n, "at": good["at"]}, "scans.0.code", "required"),
        ({"nonce": n, "at": good["at"], "code": a["pass_code"], "attendee_id": a["id"]},
         "scans.0.code", "required"),
        ({"nonce": n, "at": good["at"], "hash": "not base64!"}, "scans.0.hash", "invalid"),
        ({"nonce": n, "at": good["at"], "hash": base64.b64encode(os.urandom(32)).decode()},
         "scans.0.hash", "invalid"),
        ({"nonce": n, "at": good["at"], "code": "TT-\u0007ABC"}, "scans.0.code", "invalid"),
        ({"nonce": n, "at": good["at"], "code": "A" * 65}, "scans.0.code", "invalid"),
        ({"nonce": n, "at": good["at"], "attendee_id": -1}, "scans.0.attendee_id", "invalid"),
        ({"nonce": n, "at": good["at"], "attendee_id": "1"}, "scans.0.attendee_id", "invalid"),
        ("a string", "scans.0.scan", "invalid"),
    ]
    for scan, key, code in cases:
        # The good scan goes first: a bad one refuses the whole upload.
        r = upload(door, door.anna, [good, scan])
        assert r.status_code == 422, (scan, r.text)
        fields = r.json()["error"]["fields"]
        assert fields.get(key.replace("scans.0", "scans.1")) == code, (scan, fields)
    for body, field, code in (
            ({"device": "x", "scans": [good]}, "checkpoint", "required"),
            ({"checkpoint": "session-09", "device": "x", "scans": [good]}, "checkpoint",
             "not_a_choice"),
            ({"checkpoint": "main", "scans": [good]}, "device", "required"),
            ({"checkpoint": "main", "device": "   ", "scans": [good]}, "device", "required"),
            ({"checkpoint": "main", "device": "x" * 65, "scans": [good]}, "device", "too_long"),
            ({"checkpoint": "main", "device": "a\r\nX-Injected: 1", "scans": [good]}, "device",
             "invalid"),
            ({"checkpoint": "main", "device": "x", "scans": []}, "scans", "required"),
            ({"checkpoint": "main", "device": "x", "scans": {"0": good}}, "scans", "invalid")):
        r = door.anna.post(f"{door.url}/api/v1/checkins/batch", json=body, timeout=10)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["fields"].get(field) == code, (body, r.text)
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]
    assert door.sql("SELECT count(*) FROM offline_scans") == [(0,)]
    # HTML in the device's name is kept as text, and answered as JSON.
    r = upload(door, door.anna, [good], device="<script>alert(1)</script>")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert live_checkins(door, a["id"]) == [(now_of(good), "<script>alert(1)</script>")]


def test_a_long_device_name_is_audited_whole(door):
    a = register(door)["attendees"][0]
    device = "😀" * 64  # 64 characters, 256 bytes of UTF-8
    r = upload(door, door.anna, [{"nonce": nonce(), "at": iso(now()), "code": a["pass_code"]}],
               device=device)
    assert r.status_code == 200, r.text
    log = door.olle.get(f"{door.url}/api/v1/admin/audit", params={"action": "checkin_batch"},
                        timeout=10)
    assert log.status_code == 200, log.text
    (entry,) = log.json()["items"]
    assert entry["detail"] == f'1 offline scans from "{device}" at main'
    assert upload(door, door.anna, [{"nonce": nonce(), "at": iso(now()), "code": a["pass_code"]}],
                  device="😀" * 65).json()["error"]["fields"] == {"device": "too_long"}


def now_of(scan):
    return int(datetime.datetime.fromisoformat(scan["at"].replace(".123Z", "+00:00")).timestamp())


def test_oversized_and_malformed_bodies(door):
    a = register(door)["attendees"][0]
    scans = [{"nonce": nonce(), "at": iso(now() - 60), "code": a["pass_code"]} for _ in range(201)]
    r = upload(door, door.anna, scans)
    assert r.status_code == 413 and r.json()["error"]["code"] == "batch_too_large"
    big = [{"nonce": nonce(), "at": iso(now()), "code": "A" * 64, "pad": "x" * 70000}]
    assert upload(door, door.anna, big).status_code == 413
    h = {"Content-Type": "application/json", "X-CSRF-Token": door.anna.headers["X-CSRF-Token"]}
    url = f"{door.url}/api/v1/checkins/batch"
    r = door.anna.post(url, data=b'{"checkpoint": "main", "scans": [', headers=h, timeout=10)
    assert r.status_code == 400
    r = door.anna.post(url, data=b'{"checkpoint": "main", "device": "\xff\xfe", "scans": []}',
                       headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_utf8"
    r = door.anna.post(url, data=b'[1, 2]', headers=h, timeout=10)
    assert r.status_code == 400
    # Without the CSRF token, or logged out: refused.
    r = requests.post(url, json={"checkpoint": "main", "device": "x", "scans": scans[:1]},
                      cookies=door.anna.cookies, timeout=10)
    assert r.status_code == 403
    assert requests.post(url, json={}, timeout=10).status_code == 401
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]


def test_the_conflict_list_pages(door):
    r = door.olle.get(f"{door.url}/api/v1/admin/door-conflicts", timeout=10)
    assert r.status_code == 200 and r.json() == {"conflicts": [], "total": 0}
    for q in ("limit=0", "limit=201", "offset=-1", "limit=x", "offset=1e9"):
        r = door.olle.get(f"{door.url}/api/v1/admin/door-conflicts?{q}", timeout=10)
        assert r.status_code == 422, q


def test_another_events_hash_code_and_attendee_are_unknown(door):
    a = register(door)["attendees"][0]
    first = sync(door, door.anna)
    r = door.olle.post(f"{door.url}/api/v1/admin/events/1/copy", timeout=10)
    assert r.status_code == 201, r.text
    nxt = r.json()["id"]
    assert door.olle.post(f"{door.url}/api/v1/admin/events/{nxt}/current",
                          timeout=10).status_code == 200
    second = sync(door, door.anna)
    assert second["event"]["id"] == nxt and second["passes"] == []
    assert second["crypto"]["salt"] != first["crypto"]["salt"]
    scans = [{"nonce": nonce(), "at": iso(now()), "hash": lookup(first, a["pass_code"])},
             {"nonce": nonce(), "at": iso(now()), "code": a["pass_code"]},
             {"nonce": nonce(), "at": iso(now()), "attendee_id": a["id"]}]
    r = upload(door, door.anna, scans)
    assert [x["result"] for x in r.json()["results"]] == ["unknown"] * 3
    assert door.sql("SELECT count(*) FROM checkins") == [(0,)]
