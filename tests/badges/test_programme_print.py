"""The printed programme in Swedish and English: each session's kind, the
sign-ups and their seats, cancelled sessions, the release line (the latest
release's; "Utkast" or "Draft" before the first), titles and abstracts in the chosen
language, read from the programme document; hostile text and long
abstracts do not break it."""
import json

import pytest
import requests

from badge_tools import Daemon, pdf_fonts, pdf_pages, pdf_text, run_badges


@pytest.fixture
def demo(tmp_path):
    d = Daemon(str(tmp_path)).start()
    try:
        yield d
    finally:
        d.stop()


def printed(d, tmp_path, *args, name="p.pdf"):
    out = str(tmp_path / name)
    run_badges("programme", "--db", d.db, *args, "-o", out)
    for line in pdf_fonts(out):
        assert line.split()[-5] == "yes", line  # every font embedded
    return pdf_text(out), out


def flat(text):
    return " ".join(text.split())


WORDS = {
    "sv": ["Tisdag 30 november 2027", "Onsdag 1 december 2027", "30 november – 1 december 2027",
           "Huvudtalare", "Föredrag", "Paneldiskussion", "Paus", "Måltid",
           "Studiebesök · anmälan krävs, 30 platser", "Måltid · anmälan krävs, 100 platser",
           "Version 1, "],
    "en": ["Tuesday 30 November 2027", "Wednesday 1 December 2027",
           "30 November – 1 December 2027", "Keynote", "Talk", "Panel discussion", "Break",
           "Meal", "Study visit · sign-up required, 30 seats",
           "Meal · sign-up required, 100 seats", "Release 1, "],
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_kinds_signups_and_draft_in_each_language(demo, tmp_path, lang):
    text, _ = printed(demo, tmp_path, "--lang", lang)
    text = flat(text)
    for expected in WORDS[lang]:
        assert expected in text, expected
    other = WORDS["en" if lang == "sv" else "sv"]
    for word in other:
        if word not in WORDS[lang]:
            assert word not in text, word
    # The talk without a sign-up is not marked as one.
    assert ("Varmformning av 7xxx-aluminium" if lang == "sv" else "Hot forming of 7xxx aluminium") in text


def test_the_default_is_english(demo, tmp_path):
    text, _ = printed(demo, tmp_path)
    assert "Release 1, " in flat(text) and "Page 1 of" in flat(text)


def document(d):
    return requests.get(d.url + "/api/v1/programme", timeout=10).json()


def edited(d, tmp_path, change):
    doc = document(d)
    change(doc)
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_a_release_cancelled_sessions_and_english_titles(demo, tmp_path):
    def change(doc):
        doc["release"] = {"number": 3, "published_at": "2026-12-01T10:00:00+01:00"}
        first = doc["days"][0]["sessions"][2]
        first["title"] = "Presshärdning i stor skala"
        first["title_en"] = "Press hardening, the English title"
        first["abstract"] = "Svensk sammanfattning."
        first["abstract_en"] = "The abstract in English."
        doc["days"][1]["sessions"][0]["cancelled"] = True
    doc = edited(demo, tmp_path, change)
    sv, _ = printed(demo, tmp_path, "--lang", "sv", "--from", doc, name="sv.pdf")
    en, _ = printed(demo, tmp_path, "--lang", "en", "--from", doc, name="en.pdf")
    sv, en = flat(sv), flat(en)
    assert "Version 3, 1 december 2026 · Sida 1 av" in sv
    assert "Release 3, 1 December 2026 · Page 1 of" in en
    assert "Utkast" not in sv and "Draft" not in en
    assert "Presshärdning i stor skala" in sv and "Svensk sammanfattning." in sv
    assert "Press hardening, the English title" not in sv
    assert "Press hardening, the English title" in en and "The abstract in English." in en
    assert "INSTÄLLT · Huvudtalare" in sv and "CANCELLED · Keynote" in en
    # An English title left empty falls back to the Swedish one.
    assert "Hot forming of 7xxx aluminium" in en


def test_the_release_is_printed_and_the_draft_before_the_first(demo, tmp_path):
    """What is printed is what the public sees: the latest release, not
    the organisers' edits since; before any release, the draft, marked."""
    demo.stop()
    demo.sql("UPDATE sessions SET title_en = 'Welcome, in English' WHERE id = 2")
    demo.start()
    text = flat(printed(demo, tmp_path, "--lang", "en")[0])
    assert "Welcome, in English" not in text and "Release 1, " in text
    demo.stop()
    demo.sql("DELETE FROM releases")
    demo.sql("UPDATE sessions SET published = 0")
    demo.start()
    text = flat(printed(demo, tmp_path, "--lang", "en")[0])
    assert "Welcome, in English" in text and "Draft · Page 1 of" in text
    assert "Utkast · Sida 1 av" in flat(printed(demo, tmp_path, "--lang", "sv")[0])


def test_hostile_titles_and_a_long_abstract(demo, tmp_path):
    def change(doc):
        s = doc["days"][0]["sessions"][1]
        s["title"] = s["title_en"] = "<b>Pressar & verktyg</b> \"; DROP TABLE sessions;-- \u202eabc"
        s["abstract"] = "Lång text " * 1000
        s["abstract_en"] = "x" * 10000
        s["kind"] = "<unknown>"
        doc["days"][0]["sessions"][3]["speakers"] = [{"name": "<i>Zoë</i> & Ødegård",
                                                     "company": "A&B <AB>"}]
    doc = edited(demo, tmp_path, change)
    for lang in ("sv", "en"):
        text, out = printed(demo, tmp_path, "--lang", lang, "--from", doc, name=f"{lang}.pdf")
        text = flat(text)
        assert "<b>Pressar & verktyg</b>" in text
        assert "<i>Zoë</i> & Ødegård (A&B <AB>)" in text
        assert "…" in text  # the abstract is cut short
        assert len(text) < 20000
        assert pdf_pages(out) <= 3


@pytest.mark.parametrize("content,message", [
    ("not json", "not a programme document"),
    ("[1, 2]", "not a programme document"),
    ('{"days": 3}', "no \"days\" list"),
    ('{"days": [], "days": []}', "not a programme document"),
])
def test_a_bad_document_is_a_clear_error_and_writes_nothing(demo, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    r = run_badges("programme", "--db", demo.db, "--from", str(bad), "-o",
                   str(tmp_path / "a.pdf"), check=False)
    assert r.returncode != 0 and message in r.stderr, r.stderr
    assert not (tmp_path / "a.pdf").exists()


def test_odd_documents_still_print(demo, tmp_path):
    doc = tmp_path / "odd.json"
    doc.write_text(json.dumps({"days": [
        {"date": "2027-11-30", "sessions": [
            {"title": 5, "kind": None, "starts_at": "x", "speakers": "no", "room": 7},
            "not a session", {}]},
        {"no date": True}, 5],
        "release": {"number": "three"}}))
    text, _ = printed(demo, tmp_path, "--from", str(doc))
    assert "Tuesday 30 November 2027" in text and "Draft" in text


def test_a_bad_language_is_refused(demo, tmp_path):
    r = run_badges("programme", "--db", demo.db, "--lang", "de", "-o", str(tmp_path / "a.pdf"),
                   check=False)
    assert r.returncode != 0 and "--lang: sv or en" in r.stderr
    assert not (tmp_path / "a.pdf").exists()


def test_a_day_heading_is_never_left_alone_at_the_foot_of_a_page(demo, tmp_path):
    """The heading of a day stays on the page of its first session: with
    the first day growing a session at a time, the second day's heading
    comes to every height of the page once, the foot included."""
    def session(n, title):
        return {"uid": f"u{n}", "title": title, "kind": "talk",
                "starts_at": "2027-11-30T09:00:00+01:00",
                "ends_at": "2027-11-30T09:45:00+01:00",
                "abstract": "Ett stycke om presshärdning och verktyg. " * 6,
                "speakers": [], "room": {"name": "Sal A"}}

    checked = 0
    for n in range(4, 22):
        doc = {"event": {"name": "Techtank 2027"}, "release": {"number": 2},
               "days": [{"date": "2027-11-30",
                         "sessions": [session(i, f"Pass {i}") for i in range(n)]},
                        {"date": "2027-12-01",
                         "sessions": [session(100, "Andra dagens första pass"),
                                      session(101, "Andra dagens andra pass")]}]}
        path = tmp_path / f"d{n}.json"
        path.write_text(json.dumps(doc))
        text, out = printed(demo, tmp_path, "--lang", "sv", "--from", str(path),
                            name=f"d{n}.pdf")
        pages = [flat(p) for p in text.split("\f")]
        with_heading = [i for i, p in enumerate(pages) if "Onsdag 1 december 2027" in p]
        assert len(with_heading) == 1, (n, with_heading)
        assert "Andra dagens första pass" in pages[with_heading[0]], (n, pages[with_heading[0]])
        checked += pdf_pages(out) > 1 and with_heading[0] > 0
    assert checked > 0  # the second day did begin on a later page at least once
