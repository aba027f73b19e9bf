"""Printing from the console (/api/v1/admin/events/{id}/print, .../print-jobs,
/api/v1/admin/print-jobs/{id}[/pdf]): who may print, every kind of job (name
tags for all, not yet printed or chosen ids, in every layout; a walk-in's
tag; a pass; the programme), progress, tags recorded as printed when the PDF
is fetched, the audit log, bad input, and many jobs at once. PDFs are read
back with pdftotext and pdffonts, QR codes with zbarimg after pdftoppm."""
from concurrent.futures import ThreadPoolExecutor
import json
import os
import sys
import time

import pytest
import requests

from techtank_test import registration

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "badges"))
from badge_tools import pdf_fonts, pdf_pages, pdf_text, qr_codes  # noqa: E402

LAYOUTS = {"durable-1445-02": 10, "herma-4412": 10, "a6x4": 4, "4x3": 1}
ACTIVE_MAX = 4      # PRINT_JOBS_ACTIVE
IDS_MAX = 1000      # PRINT_IDS_MAX


def room(d, path, field):
    """Room for the hundreds some tests register, through the API."""
    url = f"{d.url}/api/v1/admin{path}"
    version = d.olle.get(url, timeout=10).json()["version"]
    r = d.olle.patch(url, json={field: 2000, "version": version}, timeout=10)
    assert r.status_code == 200, r.text


@pytest.fixture
def org(daemon):
    daemon.add_user("anna", "door")
    daemon.add_user("olle", "organiser")
    daemon.anna = daemon.login("anna")
    daemon.olle = daemon.login("olle")
    room(daemon, "/events/1", "capacity")
    room(daemon, "/ticket-types/1", "quota")
    daemon.people = []
    for n in (2, 1, 3):
        r = daemon.register(registration(n))
        assert r.status_code == 201, r.text
        daemon.people += r.json()["attendees"]
    return daemon


def create(d, body, who=None, event=1):
    return (who or d.olle).post(f"{d.url}/api/v1/admin/events/{event}/print-jobs",
                                json=body, timeout=30)


def wait(d, job, who=None):
    """Poll a job until it is done; the progress it showed on the way."""
    seen = []
    deadline = time.time() + 60
    while time.time() < deadline:
        r = (who or d.olle).get(f"{d.url}/api/v1/admin/print-jobs/{job}", timeout=10)
        assert r.status_code == 200, r.text
        st = r.json()
        seen.append(st)
        if st["state"] in ("done", "failed"):
            return seen
        time.sleep(0.02)
    raise AssertionError(f"job {job} did not finish: {seen[-1]}")


def printed(d, body, tmp_path, who=None, name="out.pdf"):
    """Make a job, wait for it, fetch its PDF into tmp_path."""
    r = create(d, body, who)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["state"] in ("queued", "running", "done") and job["done"] <= job["total"]
    seen = wait(d, job["id"], who)
    assert seen[-1]["state"] == "done", seen[-1]
    r = (who or d.olle).get(f"{d.url}/api/v1/admin/print-jobs/{job['id']}/pdf", timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.content.startswith(b"%PDF-")
    path = str(tmp_path / name)
    with open(path, "wb") as f:
        f.write(r.content)
    return path, job, seen


def info(d, who=None, event=1):
    r = (who or d.olle).get(f"{d.url}/api/v1/admin/events/{event}/print", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def codes_of(people):
    return sorted(p["pass_code"] for p in people)


# ------------------------------------------------------------ who may print

ROUTES = [("GET", "/api/v1/admin/events/1/print"),
          ("POST", "/api/v1/admin/events/1/print-jobs"),
          ("GET", "/api/v1/admin/print-jobs/1"),
          ("GET", "/api/v1/admin/print-jobs/1/pdf")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_anonymous_and_door_staff_may_not_print(org, method, path):
    body = json.dumps({"kind": "programme"})
    headers = {"Content-Type": "application/json"}
    r = requests.request(method, org.url + path, data=body, headers=headers, timeout=10)
    assert r.status_code == 401, r.text
    r = org.anna.request(method, org.url + path, data=body, headers=headers, timeout=10)
    assert r.status_code == 403, r.text


def test_a_job_is_its_makers_only(org, tmp_path):
    org.add_user("eva", "organiser")
    eva = org.login("eva")
    path, job, _ = printed(org, {"kind": "programme"}, tmp_path)
    for suffix in ("", "/pdf"):
        r = eva.get(f"{org.url}/api/v1/admin/print-jobs/{job['id']}{suffix}", timeout=10)
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "not_found"


def test_a_job_needs_the_csrf_token(org):
    s = requests.Session()
    s.cookies = org.olle.cookies
    r = s.post(f"{org.url}/api/v1/admin/events/1/print-jobs", json={"kind": "programme"},
               timeout=10)
    assert r.status_code == 403, r.text


# ------------------------------------------------------------ tags

def test_info_lists_layouts_roles_and_counts(org):
    i = info(org)
    assert {l["name"]: l["per_page"] for l in i["layouts"]} == LAYOUTS
    assert set(i["roles"]) == {"attendee", "speaker", "staff", "organiser", "exhibitor"}
    assert i["confirmed"] == 6 and i["not_printed"] == 6
    assert i["max_ids"] == IDS_MAX


def test_not_yet_printed_then_none_left(org, tmp_path):
    path, job, seen = printed(org, {"kind": "tags", "select": "not_printed"}, tmp_path)
    assert job["total"] == 6 and seen[-1]["done"] == 6 == seen[-1]["total"]
    assert sorted(qr_codes(path, str(tmp_path))) == codes_of(org.people)
    text = pdf_text(path)
    assert text.count("Åsa Lindström-Öberg") == 6
    assert all(line.split()[-5] == "yes" for line in pdf_fonts(path))
    assert info(org)["not_printed"] == 0
    rows = org.sql("SELECT attendee_id, layout FROM badge_prints ORDER BY attendee_id")
    assert rows == [(p["id"], "durable-1445-02") for p in sorted(org.people, key=lambda p: p["id"])]
    r = create(org, {"kind": "tags", "select": "not_printed"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_to_print"
    # A new registration is the one not yet printed.
    new = org.register(registration()).json()["attendees"]
    assert info(org)["not_printed"] == 1
    path, _, _ = printed(org, {"kind": "tags", "select": "not_printed"}, tmp_path, name="new.pdf")
    assert qr_codes(path, str(tmp_path)) == [new[0]["pass_code"]]


def test_the_tags_are_recorded_only_when_fetched(org, tmp_path):
    r = create(org, {"kind": "tags", "select": "all"})
    assert r.status_code == 202
    job = r.json()["id"]
    assert wait(org, job)[-1]["state"] == "done"
    assert info(org)["not_printed"] == 6
    # HEAD is no fetch: the headers, nothing recorded.
    h = org.olle.head(f"{org.url}/api/v1/admin/print-jobs/{job}/pdf", timeout=10)
    assert h.status_code == 200 and h.headers["Content-Type"] == "application/pdf"
    assert int(h.headers["Content-Length"]) > 1000 and h.content == b""
    assert org.sql("SELECT count(*) FROM badge_prints") == [(0,)]
    assert info(org)["not_printed"] == 6
    # Fetched twice, the tags are recorded twice (two prints), counted once.
    for _ in range(2):
        assert org.olle.get(f"{org.url}/api/v1/admin/print-jobs/{job}/pdf", timeout=10).status_code == 200
    assert org.sql("SELECT count(*) FROM badge_prints") == [(12,)]
    assert info(org)["not_printed"] == 0


def test_progress_counts_up_to_the_total(org, tmp_path):
    for _ in range(12):
        assert org.register(registration(10)).status_code == 201
    path, job, seen = printed(org, {"kind": "tags", "select": "all", "layout": "herma-4412"},
                              tmp_path)
    assert job["total"] == 126
    dones = [s["done"] for s in seen]
    assert dones == sorted(dones) and dones[-1] == 126
    assert all(s["total"] == 126 for s in seen if s["state"] != "queued")
    assert pdf_pages(path) == 13


def test_chosen_ids_only(org, tmp_path):
    chosen = [org.people[0], org.people[4]]
    path, job, _ = printed(org, {"kind": "tags", "select": "ids",
                                 "ids": [p["id"] for p in chosen]}, tmp_path)
    assert job["total"] == 2
    assert sorted(qr_codes(path, str(tmp_path))) == codes_of(chosen)
    assert info(org)["not_printed"] == 4


@pytest.mark.parametrize("layout,per_page", sorted(LAYOUTS.items()))
def test_every_layout(org, tmp_path, layout, per_page):
    path, job, _ = printed(org, {"kind": "tags", "select": "all", "layout": layout}, tmp_path)
    assert job["layout"] == layout
    assert pdf_pages(path) == -(-6 // per_page)
    assert sorted(qr_codes(path, str(tmp_path))) == codes_of(org.people)
    assert org.sql("SELECT DISTINCT layout FROM badge_prints") == [(layout,)]


def test_the_pdf_before_it_is_done_is_409_not_ready(org):
    for _ in range(20):
        assert org.register(registration(10)).status_code == 201
    job = create(org, {"kind": "tags", "select": "all", "layout": "a6x4"}).json()
    r = org.olle.get(f"{org.url}/api/v1/admin/print-jobs/{job['id']}/pdf", timeout=10)
    if r.status_code == 409:    # it may be quicker than the request
        assert r.json()["error"]["code"] == "not_ready"
        assert r.headers["Retry-After"] == "1"
    else:
        assert r.status_code == 200
    assert wait(org, job["id"])[-1]["state"] == "done"


def test_an_unknown_event_or_job_is_404(org):
    for path in ("/api/v1/admin/events/99/print", "/api/v1/admin/events/0/print",
                 "/api/v1/admin/events/abc/print", "/api/v1/admin/print-jobs/99",
                 "/api/v1/admin/print-jobs/01", "/api/v1/admin/print-jobs/-1/pdf",
                 "/api/v1/admin/print-jobs/99999999999999999999999"):
        r = org.olle.get(org.url + path, timeout=10)
        assert r.status_code == 404, (path, r.text)
    assert create(org, {"kind": "programme"}, event=99).status_code == 404


# ------------------------------------------------------------ bad input

@pytest.mark.parametrize("body,field,code", [
    ({}, "kind", "required"),
    ({"kind": "badges"}, "kind", "not_a_choice"),
    ({"kind": 7}, "kind", "required"),
    ({"kind": "tags"}, "select", "required"),
    ({"kind": "tags", "select": "some"}, "select", "not_a_choice"),
    ({"kind": "tags", "select": "all", "layout": "avery-5395"}, "layout", "unknown_layout"),
    ({"kind": "tags", "select": "all", "layout": "../../etc/passwd"}, "layout", "unknown_layout"),
    ({"kind": "tags", "select": "all", "layout": 3}, "layout", "not_text"),
    ({"kind": "tags", "select": "ids"}, "ids", "required"),
    ({"kind": "tags", "select": "ids", "ids": []}, "ids", "required"),
    ({"kind": "tags", "select": "ids", "ids": "1,2"}, "ids", "not_a_list"),
    ({"kind": "tags", "select": "ids", "ids": [0]}, "ids", "not_an_id"),
    ({"kind": "tags", "select": "ids", "ids": [-3]}, "ids", "not_an_id"),
    ({"kind": "tags", "select": "ids", "ids": ["1"]}, "ids", "not_an_id"),
    ({"kind": "tags", "select": "ids", "ids": [1.5]}, "ids", "not_an_id"),
    ({"kind": "tags", "select": "ids", "ids": [None]}, "ids", "not_an_id"),
    ({"kind": "tags", "select": "ids", "ids": [1, 1]}, "ids", "duplicate"),
    ({"kind": "tags", "select": "ids", "ids": list(range(1, IDS_MAX + 2))}, "ids", "too_many"),
    ({"kind": "tags", "select": "ids", "ids": [99999]}, "ids", "unknown_attendee"),
    ({"kind": "tags", "select": "ids", "ids": [2 ** 62]}, "ids", "unknown_attendee"),
    ({"kind": "pass"}, "attendee_id", "required"),
    ({"kind": "pass", "attendee_id": "1"}, "attendee_id", "not_an_id"),
    ({"kind": "pass", "attendee_id": 99999}, "attendee_id", "unknown_attendee"),
    ({"kind": "walk_in"}, "first_name", "required"),
    ({"kind": "walk_in", "first_name": "   "}, "first_name", "required"),
    ({"kind": "walk_in", "first_name": "G" * 101}, "first_name", "too_long"),
    ({"kind": "walk_in", "first_name": "Gäst\u0000"}, "first_name", "invalid_text"),
    ({"kind": "walk_in", "first_name": "Gäst\u202e"}, "first_name", "invalid_text"),
    ({"kind": "walk_in", "first_name": "Two\nlines"}, "first_name", "invalid_text"),
    ({"kind": "walk_in", "first_name": ["Gäst"]}, "first_name", "not_text"),
    ({"kind": "walk_in", "first_name": "Gäst", "company": "C" * 201}, "company", "too_long"),
    ({"kind": "walk_in", "first_name": "Gäst", "last_name": "\u200b"}, "last_name",
     "invalid_text"),
    ({"kind": "walk_in", "first_name": "Gäst", "role": "vip"}, "role", "not_a_choice"),
    ({"kind": "walk_in", "first_name": "Gäst", "layout": "nope"}, "layout", "unknown_layout"),
])
def test_bad_orders_are_422_and_make_no_job(org, body, field, code):
    r = create(org, body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "validation_failed"
    assert err["fields"][field] == code, err
    assert not [a for a in audit(org) if a["action"] == "print.create"]


def test_an_attendee_of_another_event_is_refused(org):
    other = org.olle.post(org.url + "/api/v1/admin/events", json={
        "slug": "seminar-2028", "name": "Seminarium", "starts_at": "2028-03-01T09:00:00+01:00",
        "ends_at": "2028-03-01T16:00:00+01:00"}, timeout=10).json()
    mine = org.people[0]["id"]
    for event, body, field in ((other["id"], {"kind": "tags", "select": "ids", "ids": [mine]}, "ids"),
                               (other["id"], {"kind": "pass", "attendee_id": mine}, "attendee_id")):
        r = create(org, body, event=event)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["fields"] == {field: "unknown_attendee"}
    r = create(org, {"kind": "tags", "select": "all"}, event=other["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_to_print"


def test_cancelled_attendees_get_no_tag_or_pass(org):
    reg = org.register(registration(2)).json()
    org.delete("/api/v1/registrations/" + reg["manage_token"])
    gone = reg["attendees"][0]["id"]
    for body, field in (({"kind": "tags", "select": "ids", "ids": [org.people[0]["id"], gone]}, "ids"),
                        ({"kind": "pass", "attendee_id": gone}, "attendee_id")):
        r = create(org, body)
        assert r.status_code == 422 and r.json()["error"]["fields"] == {field: "not_confirmed"}
    assert info(org)["confirmed"] == 6


@pytest.mark.parametrize("data,ctype,status,code", [
    (b"{", "application/json", 400, "bad_request"),
    (b"[1, 2]", "application/json", 400, "bad_request"),
    (b'"tags"', "application/json", 400, "bad_request"),
    (b'{"kind": "programme", "kind": "tags"}', "application/json", 400, "bad_request"),
    (b'{"kind": "walk_in", "first_name": "\xff"}', "application/json", 422, "invalid_utf8"),
    (b'{"kind": "programme"}', "text/plain", 415, "unsupported_media_type"),
    (b'{"kind": "tags", "select": "ids", "ids": [' + b"1," * 40000 + b'1]}', "application/json",
     413, "payload_too_large"),
])
def test_malformed_and_oversized_bodies(org, data, ctype, status, code):
    r = org.olle.post(f"{org.url}/api/v1/admin/events/1/print-jobs", data=data,
                      headers={"Content-Type": ctype}, timeout=10)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


# ------------------------------------------------------------ walk-in, pass, programme

def test_a_walk_in_tag_without_registration(org, tmp_path):
    path, job, _ = printed(org, {"kind": "walk_in", "layout": "a6x4", "first_name": "Zoë",
                                 "last_name": "Ødegård-Łukasiewicz",
                                 "company": "Sydkustens Lättmetall AB", "role": "speaker"},
                           tmp_path)
    assert job["total"] == 1 and job["layout"] == "a6x4"
    text = pdf_text(path)
    assert "Zoë Ødegård-Łukasiewicz" in text and "Sydkustens Lättmetall AB" in text
    assert "SPEAKER" in text
    assert qr_codes(path, str(tmp_path)) == []  # no pass behind it
    assert pdf_pages(path) == 1
    assert org.sql("SELECT count(*) FROM badge_prints") == [(0,)]
    assert org.sql("SELECT count(*) FROM attendees") == [(6,)]


def test_a_walk_in_name_is_text_not_markup(org, tmp_path):
    path, _, _ = printed(org, {"kind": "walk_in", "first_name": "<b>Åsa</b>",
                               "last_name": "&amp; %s %n", "company": "=HYPERLINK(\"x\")"},
                         tmp_path)
    text = "".join(pdf_text(path).split())
    assert "<b>Åsa</b>" in text and "&amp;%s%n" in text and '=HYPERLINK("x")' in text


def test_the_pass_of_one_attendee(org, tmp_path):
    who = org.people[3]
    path, job, _ = printed(org, {"kind": "pass", "attendee_id": who["id"]}, tmp_path)
    assert job["kind"] == "pass" and job["layout"] is None
    assert qr_codes(path, str(tmp_path)) == [who["pass_code"]]
    assert who["pass_code"] in pdf_text(path).replace(" ", "")


def test_the_programme(org, tmp_path):
    path, job, _ = printed(org, {"kind": "programme"}, tmp_path)
    text = pdf_text(path)
    assert "Techtank Conference" in text and "Olofström" in text
    assert pdf_pages(path) >= 1
    assert all(line.split()[-5] == "yes" for line in pdf_fonts(path))


def audit(d):
    r = d.olle.get(d.url + "/api/v1/admin/audit?action=print.", timeout=10)
    assert r.status_code == 200
    return r.json()["items"]


def test_making_and_fetching_are_audited(org, tmp_path):
    _, job, _ = printed(org, {"kind": "tags", "select": "ids", "layout": "4x3",
                              "ids": [org.people[1]["id"]]}, tmp_path)
    items = audit(org)
    assert [a["action"] for a in items] == ["print.download", "print.create"]
    assert all(a["user"] == "olle" for a in items)
    assert items[1]["detail"] == {"event_id": 1, "kind": "tags", "tags": 1, "layout": "4x3",
                                  "attendees": 1}
    assert items[0]["detail"] == {"job": job["id"], "event_id": 1, "kind": "tags", "tags": 1}


# ------------------------------------------------------------ many at once

def test_many_jobs_from_many_clients_at_once(org, tmp_path):
    """Organisers printing at once: every job is either taken (202) and
    ends with the right PDF, or refused for now (429, Retry-After) beyond
    the cap; never a crash or a mixed-up PDF. Run against techtankd-asan by
    make check-api-asan."""
    for _ in range(5):
        assert org.register(registration(10)).status_code == 201
    everyone = org.olle.get(org.url + "/api/v1/admin/events/1/print", timeout=10).json()
    assert everyone["confirmed"] == 56
    clients = []
    for i in range(10):
        org.add_user(f"org{i}", "organiser")
        clients.append(org.login(f"org{i}"))
    layouts = sorted(LAYOUTS)
    bodies = [{"kind": "tags", "select": "all", "layout": layouts[i % 4]} if i % 3 else
              {"kind": "programme"} for i in range(10)]

    def one(i):
        who = clients[i]
        r = create(org, bodies[i], who)
        if r.status_code == 429:
            assert r.headers["Retry-After"] == "5"
            assert r.json()["error"]["code"] == "busy"
            return i, None
        assert r.status_code == 202, r.text
        seen = wait(org, r.json()["id"], who)
        assert seen[-1]["state"] == "done", seen[-1]
        pdf = who.get(f"{org.url}/api/v1/admin/print-jobs/{r.json()['id']}/pdf", timeout=60)
        assert pdf.status_code == 200, pdf.text
        return i, pdf.content

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(one, range(10)))
    taken = [(i, pdf) for i, pdf in results if pdf is not None]
    assert len(taken) >= ACTIVE_MAX
    for i, pdf in taken:
        path = str(tmp_path / f"job{i}.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
        if bodies[i]["kind"] == "programme":
            assert "Techtank Conference" in pdf_text(path)
        else:
            assert pdf_pages(path) == -(-56 // LAYOUTS[bodies[i]["layout"]])
    # Every job's cap is released: more can be made now.
    r = create(org, {"kind": "programme"})
    assert r.status_code == 202
    assert wait(org, r.json()["id"])[-1]["state"] == "done"
    assert requests.get(org.url + "/healthz", timeout=5).status_code == 200


def test_the_cap_on_jobs_at_once(org):
    """With the slow thread busy on big jobs, the fifth one waiting is
    refused with 429 until one of them is finished."""
    for _ in range(30):
        assert org.register(registration(10)).status_code == 201
    answers = [create(org, {"kind": "tags", "select": "all", "layout": "a6x4"})
               for _ in range(ACTIVE_MAX + 2)]
    codes = [r.status_code for r in answers]
    assert codes == [202] * ACTIVE_MAX + [429] * 2, codes
    for r in answers:
        if r.status_code == 202:
            assert wait(org, r.json()["id"])[-1]["state"] == "done"
    assert create(org, {"kind": "programme"}).status_code == 202


@pytest.mark.parametrize("lang,words", [
    ("sv", ("Tisdag 30 november 2027", "Studiebesök · anmälan krävs, 30 platser", "Version 1, ")),
    ("en", ("Tuesday 30 November 2027", "Study visit · sign-up required, 30 seats", "Release 1, ")),
])
def test_the_programme_in_each_language(org, tmp_path, lang, words):
    path, job, _ = printed(org, {"kind": "programme", "lang": lang}, tmp_path)
    text = " ".join(pdf_text(path).split())
    for word in words:
        assert word in text, word


def test_the_programme_is_swedish_by_default(org, tmp_path):
    path, _, _ = printed(org, {"kind": "programme"}, tmp_path)
    assert "Tisdag 30 november 2027" in pdf_text(path)


@pytest.mark.parametrize("lang,code", [("de", "not_a_choice"), ("", "not_a_choice"),
                                       (5, "not_text"), (["sv"], "not_text"),
                                       ("sv" * 1000, "not_a_choice")])
def test_a_programme_in_an_unknown_language_is_refused(org, lang, code):
    r = create(org, {"kind": "programme", "lang": lang})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {"lang": code}
