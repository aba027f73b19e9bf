"""Name tags that use their room: long family names, companies and compound
words printed whole (pdftotext) where they fit, on every layout, at 8 pt or
more (the heights of pdftotext -bbox), fonts embedded (pdffonts), Arabic and
Hebrew set at the right of the text column, and every QR code still read
by zbarimg."""
import re
import subprocess

import pytest

from badge_tools import Daemon, pdf_fonts, qr_codes, registration, run_badges

LAYOUTS = ["durable-1445-02", "herma-4412", "a6x4", "4x3"]
# The hyphen pango shows where it breaks a word comes out of pdftotext as
# the soft hyphen it stands for.
HYPHENS = "-\u00ad"

LONG = [
    ("Åsa", "Wolfeschlegelsteinhausen-Bergdorff", "Pressverk AB"),
    ("Maximiliane-Charlotte", "Lindström-Öberg Andersson",
     "Stiftelsen för strategisk forskning och innovation i Norrbotten AB"),
    ("Björn", "Ek", "Sjukvårdsinformationssystemutvecklare"),
    ("יוסף", "בן־דוד", "תעשיות מתכת"),
    ("محمد", "الأحمد", "شركة الخليج"),
    ("李", "小龍", "上海冲压有限公司"),
]

# DejaVu Sans: a word's box in pdftotext -bbox is its size times this.
DEJAVU_BOX = 0.928 + 0.236


@pytest.fixture(scope="module")
def long_names(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("long")
    d = Daemon(str(tmp)).start()
    try:
        for first, last, company in LONG:
            body = registration()
            body["attendees"][0].update(first_name=first, last_name=last, company=company)
            body["contact"] = dict(body["attendees"][0])
            r = d.register(body)
            assert r.status_code == 201, r.text
    finally:
        d.stop()
    return d


def words(pdf):
    """(text, x_min, x_max, height) of every word pdftotext finds."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True,
                         text=True, check=True).stdout
    found = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">([^<]*)</word>', out):
        x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
        found.append((m.group(5), x0, x1, y1 - y0))
    return found


def raw_lines(pdf):
    """The lines of text in the order they were drawn, tag after tag."""
    text = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def joined(pdf):
    """The text with a line that ends in a hyphen joined to the next, and
    every other break a space: a name wrapped at its hyphen reads whole."""
    text = "\n".join(raw_lines(pdf))
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", re.sub("\u00ad\n", "", text)))


def sheet(long_names, tmp_path, layout):
    db = tmp_path / "t.db"
    db.write_bytes(open(long_names.db, "rb").read())
    out = str(tmp_path / f"{layout}.pdf")
    run_badges("tags", "--db", str(db), "--layout", layout, "-o", out)
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_long_names_and_companies_are_whole(long_names, tmp_path, layout):
    out = sheet(long_names, tmp_path, layout)
    text = joined(out)
    for first, last, company in LONG[:2]:
        assert f"{first} {last}" in text, (layout, last)
        assert company in text, (layout, company)
    assert "…" not in text
    for line in pdf_fonts(out):
        assert line.split()[-5] == "yes", f"not embedded: {line}"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_compound_word_breaks_evenly_or_not_at_all(long_names, tmp_path, layout):
    word = "Sjukvårdsinformationssystemutvecklare"
    lines = raw_lines(sheet(long_names, tmp_path, layout))
    if word in lines:
        return
    # Too long for a line even at 8 pt: broken between syllables, with a
    # hyphen, in pieces of about even length, never a letter or two.
    i = next(i for i, line in enumerate(lines) if word.startswith(line.rstrip(HYPHENS)) and len(line) > 3)
    pieces = []
    while "".join(pieces) != word:
        assert lines[i].endswith(tuple(HYPHENS)) or "".join(pieces) + lines[i] == word, lines[i]
        pieces.append(lines[i].rstrip(HYPHENS))
        i += 1
        assert len("".join(pieces)) <= len(word), (layout, pieces)
    assert layout != "a6x4", f"{word} is broken on A6: {pieces}"
    assert min(len(p) for p in pieces) >= 8, (layout, pieces)
    # Every break is one the Swedish hyphenation patterns allow.
    for piece in pieces[:-1]:
        assert piece[-1] in "aeiouyåäö" or pieces[pieces.index(piece) + 1][0] not in "aeiouyåäö", pieces


@pytest.mark.parametrize("layout", LAYOUTS)
def test_nothing_is_below_8_pt(long_names, tmp_path, layout):
    out = sheet(long_names, tmp_path, layout)
    latin = [w for w in words(out) if re.fullmatch(r"[A-Za-zÅÄÖåäöØøŁł\-]+", w[0])]
    assert len(latin) > 20
    for word, _, _, height in latin:
        assert height / DEJAVU_BOX >= 8 - 0.05, f"{layout}: {word} at {height / DEJAVU_BOX:.1f} pt"
    # The first names are the largest words: on A6 large enough for a room.
    first = max(w[3] / DEJAVU_BOX for w in latin if w[0] == "Björn")
    assert first >= (30 if layout == "a6x4" else 16), first


@pytest.mark.parametrize("layout", LAYOUTS)
def test_right_to_left_names_end_at_the_right(long_names, tmp_path, layout):
    out = sheet(long_names, tmp_path, layout)
    # pdftotext gives Hebrew letter by letter: a line is the letters at
    # one height. Set right-aligned, the first name, the full name and
    # the company end at one x and start at different ones.
    lines = {}
    found = subprocess.run(["pdftotext", "-bbox", out, "-"], capture_output=True, text=True,
                           check=True).stdout
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="[\d.]+">([\u0590-\u05ff]+)</word>', found):
        x0, y0, x1 = float(m.group(1)), round(float(m.group(2))), float(m.group(3))
        lo, hi = lines.get(y0, (x0, x1))
        lines[y0] = (min(lo, x0), max(hi, x1))
    assert len(lines) == 3, lines
    rights = [hi for lo, hi in lines.values()]
    lefts = [lo for lo, hi in lines.values()]
    assert max(rights) - min(rights) < 1.5, f"{layout}: right ends {rights}"
    assert max(lefts) - min(lefts) > 5, f"{layout}: left ends {lefts}"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_codes_still_scan(long_names, tmp_path, layout):
    out = sheet(long_names, tmp_path, layout)
    assert len(qr_codes(out, str(tmp_path))) == len(LONG)
