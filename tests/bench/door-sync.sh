#!/usr/bin/env bash
# tests/bench/door-sync.sh: the door's offline copy of the main entrance
# (GET /api/v1/checkpoints/main/sync) with 10,000 registered attendees, of
# varied names, companies, dietary needs and sign-ups. Prints the time the
# server takes to build the whole copy (its Server-Timing, sealed and
# compressed; median and worst of 20, with its parts and the processor
# time they took, which a busy host does not inflate as much), the first
# copy after the start (nothing of it kept yet) and a whole copy after the
# changes below (the parts they fall in made anew), its size on the wire
# (gzip), and
# the size of a delta after 100 changes (40 check-ins, 30 registrations,
# 30 cancellations). Targets: built in <= 100 ms, <= 1.5 MB on the wire;
# a delta after 100 changes <= 20 KB. Part of make bench.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_begin door-sync python3 sqlite3 curl
bench_start
kill -TERM "$PID"; wait "$PID" || true; PID=
sqlite3 "$TMP/t.db" "UPDATE events SET capacity = NULL; UPDATE ticket_types SET quota = NULL, sale_ends_at = NULL; UPDATE sessions SET seats = NULL;"
echo "bench password" | "$TECHTANKD" --db "$TMP/t.db" user add bench --role door >/dev/null
bench_start

python3 - "$BASE" <<'PY'
import gzip, json, os, random, statistics, sys, urllib.request

base = sys.argv[1]
rnd = random.Random(12)
FIRST = ["Åsa", "Björn", "Zoë", "Karl-Johan", "Ingrid", "Mohammed", "Işık", "Lars", "Märta",
         "Sven", "Anna-Karin", "Per", "Ødegard", "Li", "Fatima", "Nils", "Ebba", "Jönsson"]
LAST = ["Lindström-Öberg", "Håkansdotter", "Ødegård-Łukasiewicz", "Andersson", "Karlsson",
        "Nilsson", "Bergqvist", "Yılmaz", "Johansson", "Svensson-Åkesson", "Persson", "Ek"]
COMPANIES = ["Pressverk AB", "Blekinge Stansteknik AB", "Olofström Hot Forming",
             "Lättmetall Småland AB", "RISE", "Blekinge Tekniska Högskola", "Volvo Cars Body",
             "Gestamp HardTech", "Verktygsmakarna i Älmhult"]
DIETS = ["", "", "", "", "vegetarian", "vegan", "glutenfri", "laktosfri, inga nötter"]


def call(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data, method=method,
                                 headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    return urllib.request.urlopen(req)


def people(n, tag):
    return [{"first_name": rnd.choice(FIRST), "last_name": rnd.choice(LAST),
             "email": f"{tag}.{i}@example.se", "company": rnd.choice(COMPANIES),
             "dietary": rnd.choice(DIETS), **({"sessions": [11]} if rnd.random() < 0.6 else {})}
            for i in range(n)]


def register(ps):
    body = {"ticket_type": 1, "privacy_accepted": True, "contact": ps[0], "attendees": ps}
    return json.load(call("POST", "/api/v1/registrations", body))


codes = []
for r in range(1000):
    codes += [a["pass_code"] for a in register(people(10, f"b{r}"))["attendees"]]
singles = [register(people(1, f"s{r}")) for r in range(30)]
res = call("POST", "/api/v1/session", {"username": "bench", "password": "bench password"})
auth = {"Cookie": "tt_session=" + res.headers["Set-Cookie"].split(";")[0].split("=", 1)[1],
        "X-CSRF-Token": json.load(res)["csrf_token"]}


def sync(since=None):
    q = "" if since is None else f"?since={since}"
    r = call("GET", "/api/v1/checkpoints/main/sync" + q,
             headers=dict(auth, **{"Accept-Encoding": "gzip"}))
    wire = r.read()
    assert r.headers["Content-Encoding"] == "gzip"
    timing = {k: float(v) for k, v in (t.strip().split(";dur=")
                                       for t in r.headers["Server-Timing"].split(","))}
    return timing, wire, json.loads(gzip.decompress(wire))


# The first copy after the start: nothing kept yet, every part sealed and
# compressed (it also warms the page cache). The 20 after it take the
# parts kept of it, as the doors syncing one after another in the morning.
cold, _, _ = sync()
runs = [sync() for _ in range(20)]
times = sorted(t["build"] for t, _, _ in runs)
reads = statistics.median(t["read"] for t, _, _ in runs)
seals = statistics.median(t["seal"] for t, _, _ in runs)
cpus = statistics.median(t["cpu"] for t, _, _ in runs)
_, wire, doc = runs[-1]
raw = len(json.dumps(doc, ensure_ascii=False).encode())
cursor = doc["cursor"]
for code in rnd.sample(codes, 40):
    assert json.load(call("POST", "/api/v1/checkins", {"code": code}, auth))["result"] == "ok"
for r in range(30):
    register(people(1, f"n{r}"))
for s in singles:
    call("DELETE", "/api/v1/registrations/" + s["manage_token"])
_, delta_wire, delta = sync(cursor)
# A whole copy again: the parts with a changed pass are made anew.
changed, _, _ = sync()
assert len(delta["passes"]) == 60 and len(delta["checkins"]) == 40, \
    (len(delta["passes"]), len(delta["checkins"]))


def verdict(ok):
    return "PASS" if ok else "MISS"


print(f"== door-sync benchmark: {len(doc['passes'])} passes in the copy of the main entrance")
print(f"  {'measure':34} {'value':>14}   result")
median = statistics.median(times)
print(f"  {'whole copy built, median of 20':34} {median:>11.1f} ms   "
      f"{verdict(median <= 100)} (<= 100 ms)")
print(f"  {'whole copy built, worst of 20':34} {times[-1]:>11.1f} ms")
print(f"  {'first after start (nothing kept)':34} {cold['build']:>11.1f} ms   "
      f"{verdict(cold['build'] <= 100)} (cpu {cold['cpu']:.1f} ms)")
print(f"  {'whole again after the 100 changes':34} {changed['build']:>11.1f} ms   "
      f"{verdict(changed['build'] <= 100)} (cpu {changed['cpu']:.1f} ms)")
print(f"  {'  of which reading (median)':34} {reads:>11.1f} ms")
print(f"  {'  of which sealing, gzip (median)':34} {seals:>11.1f} ms")
print(f"  {'  processor time of both (median)':34} {cpus:>11.1f} ms")
print(f"  (load average while measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
print(f"  {'whole copy on the wire (gzip)':34} {len(wire) / 1e6:>11.2f} MB   "
      f"{verdict(len(wire) <= 1.5e6)} (<= 1.5 MB; {raw / 1e6:.2f} MB as JSON)")
print(f"  {'delta after 100 changes (gzip)':34} {len(delta_wire) / 1024:>11.1f} KB   "
      f"{verdict(len(delta_wire) <= 20 * 1024)} (<= 20 KB)")
PY
kill -TERM "$PID"; wait "$PID" || true; PID=
