"""Passes, tag sheets and the programme: printed by techtank-badges and by
the daemon, read back with zbarimg, pdftotext, pdffonts and pdfinfo."""
import math
import os

import pytest
import requests

from badge_tools import (NAMES, pdf_fonts, pdf_pages, pdf_text, qr_codes,
                      registration, run_badges)


def test_tag_sheet_codes_names_and_fonts(filled, tmp_path):
    out = str(tmp_path / "tags.pdf")
    run_badges("tags", "--db", filled.db, "-o", out)
    codes = qr_codes(out, str(tmp_path))
    assert sorted(codes) == sorted(p["pass_code"] for p in filled.people)
    text = pdf_text(out)
    for first, last, company in NAMES:
        if first == "محمد":
            continue  # pdftotext reorders right-to-left text; see the next test
        assert f"{first} {last}" in text, first
        assert company in text
    fonts = pdf_fonts(out)
    assert fonts, "no fonts listed"
    for line in fonts:
        assert line.split()[-5] == "yes", f"not embedded: {line}"


def test_arabic_is_shaped_not_boxes(filled, tmp_path):
    out = str(tmp_path / "tags.pdf")
    run_badges("tags", "--db", filled.db, "-o", out)
    text = pdf_text(out)
    # Shaped glyphs that map back to the letters; pdftotext splits the
    # lam-alef ligature of the family name, so the given name and company
    # are checked word for word.
    assert "محمد" in text
    assert "شركة" in text
    assert "\ufffd" not in text


@pytest.mark.parametrize("layout,per_page", [("durable-1445-02", 10), ("herma-4412", 10),
                                             ("a6x4", 4), ("4x3", 1)])
def test_pages_per_layout(filled, tmp_path, layout, per_page):
    out = str(tmp_path / f"{layout}.pdf")
    r = run_badges("tags", "--db", filled.db, "--layout", layout, "-o", out)
    n = len(filled.people)
    assert pdf_pages(out) == math.ceil(n / per_page)
    assert f"{n} tags" in r.stdout
    assert sorted(qr_codes(out, str(tmp_path))) == sorted(p["pass_code"] for p in filled.people)


def test_only_new_prints_only_those_added_since(filled, tmp_path):
    first = str(tmp_path / "first.pdf")
    run_badges("tags", "--db", filled.db, "--only-new", "-o", first)
    assert len(qr_codes(first, str(tmp_path))) == len(NAMES)
    again = run_badges("tags", "--db", filled.db, "--only-new", "-o", str(tmp_path / "none.pdf"),
                       check=False)
    assert again.returncode != 0 and "no new attendees" in again.stderr
    assert not os.path.exists(tmp_path / "none.pdf")
    new = [filled.register(registration()).json()["attendees"][0]["pass_code"] for _ in range(3)]
    later = str(tmp_path / "later.pdf")
    run_badges("tags", "--db", filled.db, "--only-new", "-o", later)
    assert sorted(qr_codes(later, str(tmp_path))) == sorted(new)


def test_chosen_attendees_only(filled, tmp_path):
    out = str(tmp_path / "two.pdf")
    ids = [str(p["id"]) for p in filled.people[:2]]
    run_badges("tags", "--db", filled.db, "--attendee", ids[0], "--attendee", ids[1], "-o", out)
    assert sorted(qr_codes(out, str(tmp_path))) == sorted(p["pass_code"] for p in filled.people[:2])


def test_pass_pdf_and_png_from_the_cli(filled, tmp_path):
    p = filled.people[0]
    for ext in ("pdf", "png"):
        out = str(tmp_path / f"pass.{ext}")
        run_badges("pass", "--db", filled.db, "--attendee", str(p["id"]), "-o", out)
        assert qr_codes(out, str(tmp_path)) == [p["pass_code"]]
    text = pdf_text(str(tmp_path / "pass.pdf"))
    assert "Åsa Lindström-Öberg" in text and "Pressverk AB" in text
    assert "Member" in text and "Techtank Conference 2027" in text
    # In the language of the registration: Swedish here.
    assert "30 november – 1 december 2027" in text


def test_a_pass_is_in_the_language_of_its_registration(filled, tmp_path):
    """The event's and the ticket's names as the organiser gave them in
    English, and the dates in English words, for a registration made in
    English; the Swedish ones for one made in Swedish."""
    p = filled.people[0]
    filled.sql("UPDATE events SET name = 'Techtankkonferensen 2027',"
               " name_en = 'Techtank Conference 2027' WHERE id = 1")
    filled.sql("UPDATE ticket_types SET name = 'Medlem', name_en = 'Member' WHERE id = 1")
    out = str(tmp_path / "sv.pdf")
    run_badges("pass", "--db", filled.db, "--attendee", str(p["id"]), "-o", out)
    sv = pdf_text(out)
    assert "Techtankkonferensen 2027" in sv and "Medlem" in sv
    assert "30 november – 1 december 2027" in sv
    filled.sql("UPDATE registrations SET lang = 'en' WHERE id ="
               " (SELECT registration_id FROM attendees WHERE id = ?)", p["id"])
    out = str(tmp_path / "en.pdf")
    run_badges("pass", "--db", filled.db, "--attendee", str(p["id"]), "-o", out)
    en = pdf_text(out)
    assert "Techtank Conference 2027" in en and "Member" in en
    assert "30 November – 1 December 2027" in en
    assert "Medlem" not in en and "Techtankkonferensen" not in en
    assert qr_codes(out, str(tmp_path)) == [p["pass_code"]]


def test_pass_repeat_writes_numbered_passes(filled, tmp_path):
    """--repeat (the invoice benchmark's reference): the same pass, each
    file whole, shared among --jobs processes."""
    p = filled.people[0]
    d = tmp_path / "r"
    d.mkdir()
    run_badges("pass", "--db", filled.db, "--attendee", str(p["id"]), "--repeat", "3",
               "--jobs", "2", "-o", str(d / "pass.png"))
    assert sorted(os.listdir(d)) == ["pass-1.png", "pass-2.png", "pass-3.png"]
    for i in (1, 2, 3):
        assert qr_codes(str(d / f"pass-{i}.png"), str(tmp_path)) == [p["pass_code"]]


def test_pass_over_http(filled, tmp_path):
    p, other = filled.people[0], filled.people[1]
    base = f"{filled.url}/api/v1/registrations/{p['token']}/attendees"
    r = requests.get(f"{base}/{p['id']}/pass.pdf", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    (tmp_path / "http.pdf").write_bytes(r.content)
    assert qr_codes(str(tmp_path / "http.pdf"), str(tmp_path)) == [p["pass_code"]]
    r = requests.get(f"{base}/{p['id']}/pass.png", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    (tmp_path / "http.png").write_bytes(r.content)
    assert qr_codes(str(tmp_path / "http.png"), str(tmp_path)) == [p["pass_code"]]
    # Another registration's attendee, a bad token, a bad id: not found.
    assert requests.get(f"{base}/{other['id']}/pass.pdf", timeout=10).status_code == 404
    assert requests.get(f"{filled.url}/api/v1/registrations/{'a' * 32}/attendees/{p['id']}/pass.pdf",
                        timeout=10).status_code == 404
    assert requests.get(f"{base}/x/pass.pdf", timeout=10).status_code == 404
    assert requests.get(f"{base}/{p['id']}/pass.gif", timeout=10).status_code == 404


def test_waitlisted_and_cancelled_have_no_pass(filled, tmp_path):
    filled.set_limits(ticket_type=1, quota=0, waitlist=True)
    reg = filled.register(registration()).json()
    a = reg["attendees"][0]
    assert a["status"] == "waitlisted"
    url = f"{filled.url}/api/v1/registrations/{reg['manage_token']}/attendees/{a['id']}/pass.pdf"
    assert requests.get(url, timeout=10).status_code == 409
    r = run_badges("pass", "--db", filled.db, "--attendee", str(a["id"]), "-o",
                   str(tmp_path / "w.pdf"), check=False)
    assert r.returncode != 0 and "waitlisted" in r.stderr
    assert not os.path.exists(tmp_path / "w.pdf")


def test_reissue_forgets_the_old_code(filled, tmp_path):
    p = filled.people[0]
    r = run_badges("reissue", "--db", filled.db, "--attendee", str(p["id"]))
    new = r.stdout.strip().split()[-1]
    assert new.startswith("TT-") and new != p["pass_code"]
    assert filled.sql("SELECT count(*) FROM attendees WHERE pass_code = ?", p["pass_code"]) == [(0,)]
    got = requests.get(f"{filled.url}/api/v1/registrations/{p['token']}", timeout=10).json()
    assert got["attendees"][0]["pass_code"] == new
    out = str(tmp_path / "pass.png")
    run_badges("pass", "--db", filled.db, "--attendee", str(p["id"]), "-o", out)
    assert qr_codes(out, str(tmp_path)) == [new]


def test_programme_pdf(filled, tmp_path):
    out = str(tmp_path / "programme.pdf")
    run_badges("programme", "--db", filled.db, "-o", out)
    text = pdf_text(out)
    for expected in ("Techtank Conference 2027", "Tuesday 30 November 2027",
                     "Wednesday 1 December 2027", "08:30–09:00", "Stora salen",
                     "Press hardening at scale", "Mikael Åhlén (Nordpress Formning AB)",
                     "Lunch", "Conference dinner", "Page 1 of"):
        assert expected in text, expected
    for line in pdf_fonts(out):
        assert line.split()[-5] == "yes"


def test_clear_errors_and_no_partial_files(tmp_path, filled):
    empty_db = tmp_path / "empty"
    empty_db.mkdir()
    cases = [
        (["tags", "--db", str(tmp_path / "missing.db"), "-o", str(tmp_path / "a.pdf")], "no database"),
        (["tags", "--db", filled.db, "--layout", "nope", "-o", str(tmp_path / "a.pdf")], "unknown layout"),
        (["tags", "--db", filled.db, "--attendee", "99999", "-o", str(tmp_path / "a.pdf")], "no attendee 99999"),
        (["tags", "--db", filled.db, "-o", "/nonexistent-dir/a.pdf"], "cannot write"),
        (["tags", "--db", filled.db, "-o", str(tmp_path / "a.txt")], ".pdf"),
        (["pass", "--db", filled.db, "-o", str(tmp_path / "a.pdf")], "--attendee"),
        (["frobnicate", "--db", filled.db], "unknown command"),
    ]
    for args, message in cases:
        r = run_badges(*args, check=False)
        assert r.returncode != 0, args
        assert message in r.stderr, (args, r.stderr)
    assert not any(p.name.startswith("a.") for p in tmp_path.iterdir())


def test_zero_attendees_is_a_clear_message(tmp_path):
    from techtank_test import Daemon
    d = Daemon(str(tmp_path)).start()
    try:
        r = run_badges("tags", "--db", d.db, "-o", str(tmp_path / "tags.pdf"), check=False)
        assert r.returncode != 0 and "no confirmed attendees" in r.stderr
        assert not (tmp_path / "tags.pdf").exists()
    finally:
        d.stop()


def test_help_and_layouts():
    r = run_badges("--help")
    assert "tags" in r.stdout and "programme" in r.stdout and "pass" in r.stdout
    r = run_badges("layouts")
    for name in ("durable-1445-02", "herma-4412", "a6x4", "4x3"):
        assert name in r.stdout


def _gray_page(pdf, tmp_path, dpi=72):
    """Page 1 as (width, height, bytes) of 8-bit grey, through pdftoppm."""
    prefix = str(tmp_path / "gray")
    import subprocess
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1",
                    "-singlefile", pdf, prefix], check=True)
    with open(prefix + ".pgm", "rb") as f:
        data = f.read()
    magic, w, h, maxval, rest = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return int(w), int(h), rest


def test_a6_sheet_keeps_clear_of_the_paper_edge_and_marks_the_cuts(filled, tmp_path):
    out = str(tmp_path / "a6.pdf")
    run_badges("tags", "--db", filled.db, "--layout", "a6x4", "-o", out)
    dpi = 72
    w, h, px = _gray_page(out, tmp_path, dpi)
    mm = dpi / 25.4
    edge = int(4.5 * mm)
    at = lambda x, y: px[y * w + x]
    # Office printers leave the outer 4-5 mm blank: nothing may be there.
    for y in range(h):
        for x in range(w):
            if x < edge or y < edge or x >= w - edge or y >= h - edge:
                assert at(x, y) > 200, f"ink at the edge, ({x / mm:.1f}, {y / mm:.1f}) mm"
    # Marks at both ends of the cuts through the middle, in the printable area.
    darkest = lambda x0, x1, y0, y1: min(at(x, y) for x in range(x0, x1) for y in range(y0, y1))
    cx, cy = round(105 * mm), round(148.5 * mm)
    assert darkest(cx - 1, cx + 2, int(6 * mm), int(11 * mm)) < 160, "no mark at the top"
    assert darkest(cx - 1, cx + 2, h - int(11 * mm), h - int(6 * mm)) < 160, "no mark at the foot"
    assert darkest(int(6 * mm), int(11 * mm), cy - 1, cy + 2) < 160, "no mark at the left"
    assert darkest(w - int(11 * mm), w - int(6 * mm), cy - 1, cy + 2) < 160, "no mark at the right"


def test_offsets_move_the_whole_sheet(filled, tmp_path):
    """--offset-x/-y (printer calibration) move every tag by that many mm."""
    dpi = 100
    mm = dpi / 25.4
    boxes = []
    for name, args in (("plain", []), ("moved", ["--offset-x", "10", "--offset-y", "-5"])):
        out = str(tmp_path / f"{name}.pdf")
        run_badges("tags", "--db", filled.db, "--attendee", str(filled.people[0]["id"]),
                   *args, "-o", out)
        w, h, px = _gray_page(out, tmp_path, dpi)
        ink = [(i % w, i // w) for i, v in enumerate(px) if v < 200]
        boxes.append((min(x for x, _ in ink), min(y for _, y in ink)))
    (x0, y0), (x1, y1) = boxes
    assert abs((x1 - x0) - 10 * mm) <= 2 and abs((y1 - y0) + 5 * mm) <= 2, boxes
    r = run_badges("tags", "--db", filled.db, "--offset-x", "50", "-o", str(tmp_path / "x.pdf"),
                   check=False)
    assert r.returncode != 0 and "--offset-x" in r.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_an_older_schema_is_refused_and_left_alone(tmp_path):
    """techtank-badges never migrates: only the daemon upgrades a database."""
    import hashlib
    import shutil
    import sqlite3
    from techtank_test import Daemon
    d = Daemon(str(tmp_path)).start()
    d.stop()
    want = d.sql("PRAGMA user_version")[0][0]
    old = str(tmp_path / "old.db")
    shutil.copy(d.db, old)
    con = sqlite3.connect(old)
    con.execute(f"PRAGMA user_version = {want - 1}")
    con.commit()
    con.close()
    with open(old, "rb") as f:
        before = hashlib.sha256(f.read()).hexdigest()
    for args in (["tags", "-o", str(tmp_path / "tags.pdf")], ["programme", "-o",
                 str(tmp_path / "programme.pdf")], ["reissue", "--attendee", "1"]):
        r = run_badges(args[0], "--db", old, *args[1:], check=False)
        assert r.returncode == 1, (args, r.stderr)
        assert (f"{old} has schema version {want - 1}, this techtank-badges needs {want}: "
                "start techtankd once to upgrade it") in r.stderr, r.stderr
    with open(old, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == before
    assert not os.path.exists(old + "-wal")
    assert not any(p.name.endswith(".pdf") for p in tmp_path.iterdir())
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA user_version").fetchone()[0] == want - 1
    con.close()
