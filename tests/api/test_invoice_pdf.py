"""Invoices and credit notes as PDF (`techtank-badges invoice`): documents
written here as the store issues them, printed in Swedish and English, and
read back with pdftotext -layout for every item mervärdesskattelagen
17 kap. 24 § asks (date, number, the seller's VAT number, names and
addresses, what was sold and when, net and VAT per rate, the rate, the
total; reverse charge with the buyer's VAT number; a credit note's invoice)
and the payment box (due date, bankgiro, OCR reference, amount); pdffonts
for embedded fonts; hostile text and bad documents."""
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "badges"))
from badge_tools import pdf_fonts, pdf_pages, run_badges  # noqa: E402


def luhn(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def ocr(number):
    """Bankgirot's OCR reference: the number, a length digit, a Luhn digit."""
    n = str(number)
    n += str((len(n) + 2) % 10)
    return n + luhn(n)


def line(desc, desc_en, qty, unit, rate=25):
    net = qty * unit
    return {"description": desc, "description_en": desc_en, "quantity": qty,
            "unit_ore": unit, "vat_rate": rate, "net_ore": net,
            "vat_ore": net * rate // 100}


def totals(doc):
    """The VAT rows and the sums, from the lines, as the store adds them."""
    rates = {}
    for ln in doc["lines"]:
        r = rates.setdefault(ln["vat_rate"], {"rate": ln["vat_rate"], "net_ore": 0, "vat_ore": 0})
        r["net_ore"] += ln["net_ore"]
        r["vat_ore"] += ln["vat_ore"]
    doc["vat"] = [rates[k] for k in sorted(rates, reverse=True)]
    doc["net_ore"] = sum(r["net_ore"] for r in doc["vat"])
    doc["vat_ore"] = sum(r["vat_ore"] for r in doc["vat"])
    doc["total_ore"] = doc["net_ore"] + doc["vat_ore"]
    return doc


def invoice(**changes):
    doc = {
        "kind": "invoice", "number": 1001, "credits": None,
        "issued": "2027-10-01", "due": "2027-10-31", "currency": "SEK",
        "event": {"name": "Techtank-konferensen 2027", "name_en": "Techtank Conference 2027",
                  "starts": "2027-11-30", "ends": "2027-12-01",
                  "venue": "Ronneby Brunn, Ronneby"},
        "seller": {"name": "Techtank Ekonomisk Förening", "org_number": "556677-8899",
                   "vat_number": "SE556677889901", "address": "Box 123\n372 25 Ronneby",
                   "bankgiro": "5050-1055", "email": "faktura@techtank.se",
                   "payment_terms_days": 30},
        "buyer": {"name": "Pressverk Öberg AB", "org_number": "556016-0680",
                  "vat_number": "", "address": "Industrigatan 4\n371 34 Karlskrona",
                  "email": "ekonomi@pressverk.se", "reference": "PO-4711"},
        "reverse_charge": False,
        "lines": [line("Konferensbiljett medlem", "Conference ticket member", 2, 450000),
                  line("Konferensmiddag", "Conference dinner", 2, 50000),
                  line("Konferensbok", "Conference book", 3, 20000, rate=6)],
        "ocr": ocr(1001),
    }
    doc.update(changes)
    return totals(doc)


def credit_note(**changes):
    doc = invoice(kind="credit", number=1002, credits=1001, due=None, ocr=None)
    for ln in doc["lines"]:
        for k in ("unit_ore", "net_ore", "vat_ore"):
            ln[k] = -ln[k]
    doc.update(changes)
    return totals(doc)


def reverse_charge(doc):
    doc["reverse_charge"] = True
    doc["buyer"].update(name="Pressenwerk GmbH", org_number="", vat_number="DE123456789",
                        address="Hauptstraße 1\n10115 Berlin\nDeutschland")
    for ln in doc["lines"]:
        ln["vat_rate"] = 0
        ln["vat_ore"] = 0
    return totals(doc)


def render(tmp_path, doc, lang, name="out.pdf", check=True):
    src = tmp_path / (name + ".json")
    src.write_text(json.dumps(doc, ensure_ascii=False))
    out = tmp_path / name
    r = run_badges("invoice", "--lang", lang, str(src), str(out), check=check)
    return r, str(out)


def text_of(path, page=None, layout=True):
    """The text pdftotext reads; -layout keeps the columns apart, but its
    grid may swallow the space of a short right-aligned "6 %": rates are
    looked for in the text as it flows (layout=False)."""
    args = ["pdftotext", "-layout" if layout else "-raw"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(args + [path, "-"], capture_output=True, text=True,
                          check=True).stdout


def assert_fonts_embedded(path):
    fonts = pdf_fonts(path)
    assert fonts, "no fonts"
    for f in fonts:
        # name type [type2] encoding emb sub uni object ID
        assert f.split()[-5] == "yes", f"not embedded: {f}"


def assert_in(text, *items):
    missing = [i for i in items if i not in text]
    assert not missing, f"missing {missing} in:\n{text}"


def test_swedish_invoice_carries_every_required_item(tmp_path):
    _, pdf = render(tmp_path, invoice(), "sv")
    t = text_of(pdf)
    assert_in(t,
              "Faktura 1001", "Fakturanummer", "Fakturadatum", "2027-10-01",
              # the seller: name, address, VAT registration number
              "Techtank Ekonomisk Förening", "Box 123", "372 25 Ronneby",
              "Momsreg.nr SE556677889901",
              # the buyer: name and address
              "Pressverk Öberg AB", "Industrigatan 4", "371 34 Karlskrona", "PO-4711",
              # what was sold, how many, and when
              "Konferensbiljett medlem", "Konferensmiddag", "Konferensbok",
              "Leveransdatum", "30 november – 1 december 2027",
              "Techtank-konferensen 2027",
              # each line: unit price and net
              "4 500,00 kr", "9 000,00 kr", "1 000,00 kr", "600,00 kr",
              # net and VAT per rate, the rates, the totals
              "Momssats", "Underlag",
              "10 000,00 kr", "2 500,00 kr", "36,00 kr",
              "Summa exkl. moms", "10 600,00 kr", "Summa moms", "2 536,00 kr",
              "13 136,00 kr",
              # the payment box
              "Förfallodatum", "2027-10-31", "Bankgiro", "5050-1055",
              "OCR-nummer", "100164", "Att betala", "Sida 1 av 1")
    assert "Omvänd" not in t
    assert "F-skatt" not in t
    raw = text_of(pdf, layout=False)
    assert_in(raw, "Konferensbiljett medlem 2 4 500,00 kr 25 % 9 000,00 kr",
              "Konferensbok 3 200,00 kr 6 % 600,00 kr",
              "25 % 10 000,00 kr 2 500,00 kr", "6 % 600,00 kr 36,00 kr")
    assert_fonts_embedded(pdf)
    assert pdf_pages(pdf) == 1


def test_english_invoice(tmp_path):
    _, pdf = render(tmp_path, invoice(), "en")
    t = text_of(pdf)
    assert_in(t, "Invoice 1001", "Invoice number", "Invoice date", "2027-10-01",
              "VAT reg. no. SE556677889901", "Techtank Ekonomisk Förening",
              "Pressverk Öberg AB", "Industrigatan 4",
              "Conference ticket member", "Conference dinner", "Conference book",
              "Date of supply", "30 November – 1 December 2027", "Techtank Conference 2027",
              "SEK 4,500.00", "VAT rate", "Net amount",
              "SEK 10,000.00", "SEK 2,500.00", "SEK 36.00", "SEK 10,600.00",
              "SEK 13,136.00", "Due date", "2027-10-31", "Bankgiro", "5050-1055",
              "OCR reference", "100164", "Amount to pay", "Page 1 of 1")
    assert "Konferensbiljett" not in t
    assert "Reverse charge" not in t
    assert_in(text_of(pdf, layout=False), "25% SEK 10,000.00 SEK 2,500.00",
              "6% SEK 600.00 SEK 36.00")
    assert_fonts_embedded(pdf)


def test_reverse_charge_names_the_buyers_vat_number(tmp_path):
    doc = reverse_charge(invoice())
    _, pdf = render(tmp_path, doc, "sv", "sv.pdf")
    t = text_of(pdf)
    assert_in(t, "Omvänd betalningsskyldighet", "Köparens momsreg.nr DE123456789",
              "Momsreg.nr DE123456789", "Pressenwerk GmbH", "Hauptstraße 1", "10115 Berlin",
              "Momsreg.nr SE556677889901", "0,00 kr", "10 600,00 kr")
    assert "0 % 10 600,00 kr 0,00 kr" in text_of(pdf, layout=False)
    _, pdf = render(tmp_path, doc, "en", "en.pdf")
    t = text_of(pdf)
    assert_in(t, "Reverse charge", "Omvänd betalningsskyldighet",
              "Buyer's VAT reg. no. DE123456789", "SEK 0.00", "SEK 10,600.00")
    assert_fonts_embedded(pdf)


def test_reverse_charge_with_vat_or_without_the_buyers_number_is_refused(tmp_path):
    doc = invoice(reverse_charge=True)
    doc["buyer"]["vat_number"] = "DE123456789"
    r, pdf = render(tmp_path, doc, "sv", check=False)
    assert r.returncode == 1 and "reverse charge" in r.stderr
    doc = reverse_charge(invoice())
    doc["buyer"]["vat_number"] = ""
    r, pdf = render(tmp_path, doc, "sv", check=False)
    assert r.returncode == 1 and "reverse charge" in r.stderr
    assert not os.path.exists(pdf)


def test_credit_note_refers_to_its_invoice(tmp_path):
    _, pdf = render(tmp_path, credit_note(), "sv", "sv.pdf")
    t = text_of(pdf)
    assert_in(t, "Kreditfaktura 1002", "Avser faktura 1001", "Kreditfakturanummer",
              "Fakturadatum", "2027-10-01",
              "Momsreg.nr SE556677889901", "Pressverk Öberg AB", "Industrigatan 4",
              "-4 500,00 kr", "-9 000,00 kr", "-2 500,00 kr", "-36,00 kr",
              "-10 600,00 kr", "-13 136,00 kr", "Att kreditera",
              "Leveransdatum", "30 november – 1 december 2027")
    assert "OCR" not in t and "Förfallodatum" not in t
    assert "Fakturanummer" not in t.replace("Kreditfakturanummer", "")
    _, pdf = render(tmp_path, credit_note(), "en", "en.pdf")
    t = text_of(pdf)
    assert_in(t, "Credit note 1002", "Credits invoice 1001", "Credit note number",
              "SEK -13,136.00", "Total credited")
    assert "Invoice number" not in t
    assert_fonts_embedded(pdf)


def test_credit_note_needs_the_invoice_it_credits(tmp_path):
    r, _ = render(tmp_path, credit_note(credits=None), "sv", check=False)
    assert r.returncode == 1 and "credits" in r.stderr


def test_f_tax_only_when_the_document_says_so(tmp_path):
    _, pdf = render(tmp_path, invoice(f_tax=True), "sv", "sv.pdf")
    assert "Godkänd för F-skatt" in text_of(pdf)
    _, pdf = render(tmp_path, invoice(f_tax=True), "en", "en.pdf")
    assert "Approved for F-tax" in text_of(pdf)


def test_many_lines_flow_onto_pages_with_the_head_repeated(tmp_path):
    doc = invoice()
    doc["lines"] = [line(f"Deltagare nummer {i}", f"Attendee number {i}", 1, 50000)
                    for i in range(1, 81)]
    doc = totals(doc)
    _, pdf = render(tmp_path, doc, "sv")
    pages = pdf_pages(pdf)
    assert pages >= 3
    seen = ""
    for p in range(1, pages + 1):
        t = text_of(pdf, p)
        assert_in(t, "Faktura 1001", f"Sida {p} av {pages}", "Techtank Ekonomisk Förening",
                  "Momsreg.nr SE556677889901")
        if p < pages:
            assert "Beskrivning" in t and "Belopp" in t, f"page {p} has no column heads"
        seen += t
    for i in range(1, 81):
        assert f"Deltagare nummer {i} " in seen or f"Deltagare nummer {i}\n" in seen
    # The totals and the payment box come once, after the last line.
    last = text_of(pdf, pages)
    assert_in(last, "40 000,00 kr", "10 000,00 kr", "50 000,00 kr", "100164")
    assert "OCR-nummer" not in text_of(pdf, 1)
    assert_fonts_embedded(pdf)


def test_hostile_text_is_printed_as_text(tmp_path):
    doc = invoice()
    doc["buyer"]["name"] = "<script>alert('x')</script> & <b>Zoë</b> AB"
    doc["buyer"]["reference"] = "%s%n%x \\x00 {{7*7}}"
    doc["lines"][0]["description"] = "<img src=x onerror=alert(1)> Biljett"
    _, pdf = render(tmp_path, doc, "sv")
    t = text_of(pdf)
    assert_in(t, "<script>alert('x')</script>", "<b>Zoë</b>", "%s%n%x", "{{7*7}}",
              "<img src=x onerror=alert(1)>")


def test_very_long_text_stays_on_the_page(tmp_path):
    doc = invoice()
    doc["buyer"]["name"] = "Aktiebolaget " + "Presshärdningskonsult " * 60
    doc["buyer"]["address"] = "\n".join(f"Rad {i} " + "x" * 300 for i in range(40))
    doc["seller"]["name"] = "S" * 5000
    doc["lines"][0]["description"] = "Lättviktskonstruktion" * 400
    doc["buyer"]["reference"] = "R" * 10000
    _, pdf = render(tmp_path, doc, "sv")
    t = text_of(pdf)
    assert_in(t, "Aktiebolaget Presshärdningskonsult", "Faktura 1001", "13 136,00 kr",
              "100164", "Bankgiro")
    # Nothing drawn outside the A4 page.
    bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout
    for word in bbox.splitlines():
        if word.strip().startswith("<word "):
            attrs = dict(a.split("=") for a in word.strip()[6:].split(">")[0].split())
            assert float(attrs["xMax"].strip('"')) <= 595.3 - 40, word
            assert float(attrs["yMax"].strip('"')) <= 841.9, word
    assert_fonts_embedded(pdf)


def test_right_to_left_buyer_is_aligned_right(tmp_path):
    doc = invoice()
    doc["buyer"]["name"] = "شركة الضغط الساخن"
    doc["buyer"]["address"] = "רחוב הרצל 1\nתל אביב"
    _, pdf = render(tmp_path, doc, "sv")
    bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout
    rtl = [w for w in bbox.splitlines() if "<word " in w and
           any("\u0590" <= c <= "\u06ff" for c in w)]
    assert rtl, bbox
    # The buyer's column ends 18 + 83 mm from the page's left: 286 points.
    right = max(float(w.split('xMax="')[1].split('"')[0]) for w in rtl)
    left = min(float(w.split('xMin="')[1].split('"')[0]) for w in rtl)
    assert right > 270 and left > 120, rtl
    assert_fonts_embedded(pdf)


BAD = [
    ("not an object", lambda d: [d]),
    ("number is missing", lambda d: d.pop("number")),
    ("number has the wrong type", lambda d: d.update(number="1001")),
    ("buyer.name", lambda d: d["buyer"].update(name=None)),
    ("buyer.address", lambda d: d["buyer"].update(address=["Box 1"])),
    ("seller.vat_number", lambda d: d["seller"].pop("vat_number")),
    ("seller", lambda d: d.update(seller="Techtank")),
    ("lines[1].quantity", lambda d: d["lines"][1].update(quantity=1.5)),
    ("lines[0]", lambda d: d["lines"].__setitem__(0, "a line")),
    ("lines must hold", lambda d: d.update(lines=[])),
    ("issued", lambda d: d.update(issued="2027-13-01")),
    ("kind", lambda d: d.update(kind="receipt")),
    ("currency", lambda d: d.update(currency="kronor")),
    ("a row per VAT rate", lambda d: d.update(vat=[])),
    ("a row per VAT rate", lambda d: d["vat"].extend([{"rate": 0, "net_ore": 0, "vat_ore": 0}] * 8)),
    ("total_ore", lambda d: d.update(total_ore=d["total_ore"] + 1)),
    ("add up", lambda d: d["vat"][0].update(vat_ore=1)),
    ("ocr", lambda d: d.update(ocr="100163")),
    ("due date", lambda d: d.update(due=None)),
    ("reverse_charge", lambda d: d.update(reverse_charge="no")),
    ("too large", lambda d: d["lines"][0].update(net_ore=2**63 - 1)),
    # Text as the store takes it: what would read otherwise than it is.
    ("buyer.name must not contain text direction controls",
     lambda d: d["buyer"].update(name="Pressverk \u202eBA kerevsserP")),
    ("lines[0].description must not contain control characters",
     lambda d: d["lines"][0].update(description="Biljett\u0007\u001b[31m")),
    ("seller.address must not contain text direction controls",
     lambda d: d["seller"].update(address="Box 123\n\u2067372 25 Ronneby")),
]


@pytest.mark.parametrize("names,spoil", BAD, ids=[b[0] for b in BAD])
def test_bad_documents_are_refused_and_leave_no_file(tmp_path, names, spoil):
    doc = invoice()
    got = spoil(doc)
    if isinstance(got, list):
        doc = got
    r, pdf = render(tmp_path, doc, "sv", check=False)
    assert r.returncode == 1, r.stdout
    assert names in r.stderr, r.stderr
    assert not os.path.exists(pdf)
    assert [p for p in os.listdir(tmp_path) if ".tmp" in p] == []


def test_not_json_and_bad_arguments(tmp_path):
    src = tmp_path / "in.json"
    src.write_text('{"kind": "invoice", "kind": "credit"}')
    r = run_badges("invoice", str(src), str(tmp_path / "o.pdf"), check=False)
    assert r.returncode == 1 and "not JSON" in r.stderr and "duplicate" in r.stderr
    src.write_text("{")
    r = run_badges("invoice", str(src), str(tmp_path / "o.pdf"), check=False)
    assert r.returncode == 1 and "not JSON" in r.stderr
    r = run_badges("invoice", str(src), check=False)
    assert r.returncode == 1 and "IN.json and OUT.pdf" in r.stderr
    r = run_badges("invoice", str(src), str(tmp_path / "o.txt"), check=False)
    assert r.returncode == 1 and ".pdf" in r.stderr
    r = run_badges("invoice", "--lang", "de", str(src), str(tmp_path / "o.pdf"), check=False)
    assert r.returncode == 1 and "--lang" in r.stderr
    r = run_badges("invoice", "--repeat", "0", str(src), str(tmp_path / "o.pdf"), check=False)
    assert r.returncode == 1 and "--repeat" in r.stderr
    r = run_badges("tags", str(src), check=False)
    assert r.returncode == 2
    r = run_badges("tags", "--repeat", "2", "--db", str(src), "-o", str(tmp_path / "t.pdf"),
                   check=False)
    assert r.returncode == 1 and "--repeat goes with pass or invoice" in r.stderr
    assert not os.path.exists(tmp_path / "o.pdf")


def test_repeat_writes_numbered_files(tmp_path):
    src = tmp_path / "in.json"
    src.write_text(json.dumps(invoice()))
    r = run_badges("invoice", "--repeat", "3", "--lang", "sv", str(src), str(tmp_path / "x.pdf"))
    assert "3 times" in r.stdout
    for i in (1, 2, 3):
        assert "Faktura 1001" in text_of(str(tmp_path / f"x-{i}.pdf"))
    assert not os.path.exists(tmp_path / "x.pdf")
    assert not os.path.exists(tmp_path / "x-4.pdf")
    # Shared among processes: every file once, each whole.
    r = run_badges("invoice", "--repeat", "7", "--jobs", "3", str(src), str(tmp_path / "j.pdf"))
    for i in range(1, 8):
        assert "Invoice 1001" in text_of(str(tmp_path / f"j-{i}.pdf"))
    assert not os.path.exists(tmp_path / "j-8.pdf")
    assert [p for p in os.listdir(tmp_path) if ".tmp" in p] == []
    r = run_badges("invoice", "--jobs", "2", str(src), str(tmp_path / "k.pdf"), check=False)
    assert r.returncode == 1 and "--repeat" in r.stderr


def test_a_failing_job_fails_the_run(tmp_path):
    src = tmp_path / "in.json"
    src.write_text(json.dumps(invoice(ocr="12")))
    r = run_badges("invoice", "--repeat", "4", "--jobs", "2", str(src), str(tmp_path / "x.pdf"),
                   check=False)
    assert r.returncode == 1 and "ocr" in r.stderr
    assert os.listdir(tmp_path) == ["in.json"]
