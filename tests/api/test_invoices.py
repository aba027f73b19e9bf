"""Invoices and credit notes as registrations change (store-invoice.c), on
the real daemon and its SQLite file: none until the seller is named, then
one invoice per registration with a line per attendee; VAT per rate, and
none for a buyer with an EU VAT number outside Sweden only when the
event turns reverse charge on (admission is taxed where the event is);
credit notes for a cancellation (all of it while cancelling is free, all
but the fee after) and for a cheaper ticket; a supplementary invoice for
a dearer one; one gapless series under 200 parallel registrations and a
kill -9; documents never changed; billing details checked (422 naming
the field)."""
import csv
import io
import json
import re
import signal
import subprocess
import time
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from techtank_test import person, registration
from test_mail import mail_flags, parts, sink, started  # noqa: F401

SELLER = {"seller_name": "Techtank Ideell Förening", "seller_org_number": "802456-1238",
          "seller_vat_number": "SE802456123801", "seller_address": "Box 12\n293 21 Olofström",
          "seller_bankgiro": "5050-1055", "seller_email": "faktura@techtank.example",
          "payment_terms_days": 30}
MEMBER, NON_MEMBER = 250000, 450000     # the demo's prices in öre, without VAT


def luhn_ok(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_digit(digits):
    return next(str(d) for d in range(10) if luhn_ok(digits + str(d)))


@pytest.fixture
def d(daemon):
    daemon.add_user("olle", "organiser")
    daemon.olle = daemon.login("olle")
    return daemon


def patch_event(d, **values):
    url = d.url + "/api/v1/admin/events/1"
    ev = d.olle.get(url, timeout=10).json()
    return d.olle.patch(url, json=dict(values, version=ev["version"]), timeout=10)


def sell(d, **extra):
    r = patch_event(d, **dict(SELLER, **extra))
    assert r.status_code == 200, r.text


def docs(d, reg_id=None):
    rows = d.sql("SELECT document FROM invoices" +
                 (" WHERE registration_id = ?" if reg_id else "") + " ORDER BY number",
                 *([reg_id] if reg_id else []))
    return [json.loads(r[0]) for r in rows]


PAYER = {"organisation": "Pressverk AB", "address": "Verkstadsgatan 4\n293 38 Olofström",
         "email": "faktura@pressverk.example"}


def register(d, n=1, ticket_type=1, billing=PAYER, **extra):
    """n attendees on ticket_type; who pays (PAYER, or None: nobody said)."""
    people = [person(f"Åsa{i}", "Lindström-Öberg") for i in range(n)]
    if billing is not None:
        extra["billing"] = billing
    body = registration(attendees=people, contact=dict(people[0]), ticket_type=ticket_type,
                        **extra)
    r = d.register(body)
    assert r.status_code == 201, r.text
    return r.json()


def owed(d):
    """What the registrations owe, as the documents add it up."""
    return d.sql("SELECT coalesce(sum(total_ore), 0) FROM invoices")[0][0]


def test_nothing_is_billed_until_the_seller_is_named_then_all_is(d):
    # Registered before invoicing began: nobody said who pays.
    reg = register(d, 2, billing=None)
    assert d.sql("SELECT count(*) FROM invoices") == [(0,)]
    sell(d)
    (doc,) = docs(d)
    assert doc["kind"] == "invoice" and doc["number"] == 1 and doc["registration"] == reg["id"]
    # Two attendees on one ticket type: one line of two.
    assert [(x["quantity"], x["unit_ore"], x["net_ore"]) for x in doc["lines"]] == \
        [(2, MEMBER, 2 * MEMBER)]
    assert doc["lines"][0]["description"] == "Konferensavgift: Member"
    assert doc["vat"] == [{"rate": 25, "net_ore": 2 * MEMBER, "vat_ore": 2 * MEMBER // 4}]
    assert doc["total_ore"] == 2 * MEMBER * 5 // 4
    assert doc["seller"]["org_number"] == "802456-1238"
    assert doc["seller"]["bankgiro"] == "5050-1055"
    assert doc["reverse_charge"] is False
    # The OCR reference: the number, a length digit and a Luhn digit.
    assert doc["ocr"] == "1" + "3" + luhn_digit("13") and luhn_ok(doc["ocr"])
    assert doc["due"] > doc["issued"]
    # No billing details (it was free to register without them then): the
    # contact's company pays, with the contact as its reference.
    assert doc["buyer"]["name"] == "Pressverk AB"
    assert doc["buyer"]["reference"] == "Åsa0 Lindström-Öberg"
    # The registration's page lists it.
    listed = d.get("/api/v1/registrations/" + reg["manage_token"]).json()["invoices"]
    assert listed == [{"number": 1, "kind": "invoice", "issued": doc["issued"], "due": doc["due"],
                       "ocr": doc["ocr"], "credits": None, "net_ore": 2 * MEMBER,
                       "vat_ore": 2 * MEMBER // 4, "total_ore": doc["total_ore"]}]
    # Naming the seller again bills nothing twice.
    sell(d, seller_name="Techtank ek. för.")
    assert len(docs(d)) == 1


def test_a_business_abroad_pays_swedish_vat_for_admission_unless_reverse_charge_is_on(d):
    """Admission to an event is taxed where it takes place (VAT Directive
    art. 53): Swedish VAT for an EU business too, unless the event turns
    reverse charge on (a service taxed where the buyer is)."""
    sell(d)
    abroad = {"organisation": "Presswerk GmbH", "vat_number": "de 123 456 789",
              "address": "Hauptstraße 1\n10115 Berlin", "reference": "PO 4711"}
    (doc,) = docs(d, register(d, billing=abroad)["id"])
    assert doc["reverse_charge"] is False and doc["total_ore"] == MEMBER * 5 // 4
    assert doc["buyer"]["vat_number"] == "DE123456789"
    sell(d, reverse_charge_eu=True)
    reg = register(d, billing=abroad)
    (doc,) = docs(d, reg["id"])
    assert doc["buyer"] == {"name": "Presswerk GmbH", "org_number": "", "vat_number": "DE123456789",
                            "address": "Hauptstraße 1\n10115 Berlin", "email": "",
                            "reference": "PO 4711"}
    assert doc["reverse_charge"] is True
    assert doc["vat"] == [{"rate": 0, "net_ore": MEMBER, "vat_ore": 0}]
    assert doc["total_ore"] == MEMBER
    # A Swedish company pays Swedish VAT.
    reg = register(d, billing={"organisation": "Pressverk AB", "org_number": "5560160680",
                                "email": "faktura@pressverk.example"})
    (doc,) = docs(d, reg["id"])
    assert doc["buyer"]["org_number"] == "556016-0680" and doc["reverse_charge"] is False
    assert doc["total_ore"] == MEMBER * 5 // 4


@pytest.mark.parametrize("billing, field", [
    ({"organisation": "X AB", "org_number": "556016-0681", "email": "a@b.se"},
     "billing.org_number"),
    ({"organisation": "X AB", "vat_number": "NO123456789MVA", "email": "a@b.se"},
     "billing.vat_number"),
    ({"organisation": "X AB", "vat_number": "DE12345", "email": "a@b.se"}, "billing.vat_number"),
    ({"org_number": "556016-0680", "email": "a@b.se"}, "billing.organisation"),
    ({"organisation": "X AB", "org_number": "556016-0680"}, "billing.address"),
    ({"organisation": "X AB", "email": "not an address"}, "billing.email"),
    ({"organisation": "X" * 151, "email": "a@b.se"}, "billing.organisation"),
    ({"organisation": 12, "email": "a@b.se"}, "billing.organisation"),
    ({"organisation": "X\u0000AB", "email": "a@b.se"}, "billing.organisation"),
    ("Pressverk AB", "billing"),
])
def test_bad_billing_details_are_refused_and_nothing_written(d, billing, field):
    sell(d)
    r = d.register(registration(billing=billing))
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["fields"], r.text
    assert d.sql("SELECT count(*) FROM registrations WHERE billing_organisation <> ''") == [(0,)]
    assert d.sql("SELECT count(*) FROM invoices") == [(0,)]


def test_an_invoiced_ticket_needs_who_pays(d):
    """Once the seller is named, a paid ticket needs the payer (the invoice's
    buyer and address); a free one, or an event that invoices nothing, not."""
    r = d.register(registration())
    assert r.status_code == 201, r.text         # no seller: no invoice
    sell(d)
    r = d.register(registration())
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {"billing.organisation": "required"}
    d.sql("UPDATE ticket_types SET price_ore = 0 WHERE id = 3")
    assert d.register(registration(ticket_type=3)).status_code == 201
    assert d.register(registration(billing=PAYER)).status_code == 201
    ev = d.get("/api/v1/event").json()
    assert ev["invoicing"] is True
    assert ev["cancellation"] == {"free_until": None, "fee_percent": 0}
    # The registration says what cancelling costs once it is invoiced.
    sell(d, cancel_free_until="2027-10-01T00:00:00+02:00", cancel_fee_percent=50)
    reg = register(d)
    got = d.get("/api/v1/registrations/" + reg["manage_token"]).json()
    assert got["cancellation"] == {"free_until": "2027-10-01T00:00:00+02:00", "fee_percent": 50}


def cancel_one(d, reg, i):
    aid = reg["attendees"][i]["id"]
    r = d.delete(f"/api/v1/registrations/{reg['manage_token']}/attendees/{aid}")
    assert r.status_code in (200, 204), r.text


def test_a_cancellation_while_free_is_credited_whole(d):
    sell(d)
    reg = register(d, 3)
    cancel_one(d, reg, 2)
    invoice, credit = docs(d)
    assert credit["kind"] == "credit" and credit["credits"] == invoice["number"]
    assert credit["number"] == invoice["number"] + 1
    assert [line["net_ore"] for line in credit["lines"]] == [-MEMBER]
    assert credit["lines"][0]["description"] == "Avbokning: Member"
    assert credit["total_ore"] == -MEMBER * 5 // 4
    assert credit["ocr"] is None and credit["due"] is None
    assert owed(d) == 2 * MEMBER * 5 // 4
    # Cancelling the rest credits the rest; nothing is owed.
    r = d.delete("/api/v1/registrations/" + reg["manage_token"])
    assert r.status_code in (200, 204), r.text
    assert owed(d) == 0
    assert [x["kind"] for x in docs(d)] == ["invoice", "credit", "credit"]


def test_a_cancellation_after_the_free_date_keeps_the_fee(d):
    sell(d, cancel_free_until="2020-01-01T00:00:00+01:00", cancel_fee_percent=50)
    reg = register(d, 2)
    cancel_one(d, reg, 1)
    credit = docs(d)[-1]
    assert [line["net_ore"] for line in credit["lines"]] == [-MEMBER // 2]
    assert owed(d) == (MEMBER + MEMBER // 2) * 5 // 4


def test_a_waitlisted_attendee_is_billed_when_promoted(d):
    sell(d)
    d.stop()
    d.sql("UPDATE events SET capacity = (SELECT confirmed_count FROM events WHERE id = 1) + 1")
    d.start()
    first = register(d)
    waiting = register(d)
    assert waiting["status"] == "waitlisted"
    assert len(docs(d, waiting["id"])) == 0
    d.delete("/api/v1/registrations/" + first["manage_token"])
    assert d.sql("SELECT status FROM registrations WHERE id = ?", waiting["id"]) == [("confirmed",)]
    (doc,) = docs(d, waiting["id"])
    assert doc["kind"] == "invoice" and doc["total_ore"] == MEMBER * 5 // 4


def move(d, aid, ticket_type):
    url = f"{d.url}/api/v1/admin/attendees/{aid}"
    cur = d.olle.get(url, timeout=10).json()
    r = d.olle.post(url + "/move", json={"ticket_type": ticket_type, "version": cur["version"]},
                    timeout=30)
    assert r.status_code == 200, r.text


def test_a_dearer_ticket_is_invoiced_and_a_cheaper_one_credited(d):
    sell(d)
    d.sql("UPDATE ticket_types SET quota = NULL")
    reg = register(d, 2)
    aid = reg["attendees"][0]["id"]
    move(d, aid, 2)
    up = docs(d)[-1]
    assert up["kind"] == "invoice" and [x["net_ore"] for x in up["lines"]] == [NON_MEMBER - MEMBER]
    assert up["lines"][0]["description"] == "Byte av biljett: Member → Non-member"
    move(d, aid, 1)
    down = docs(d)[-1]
    assert down["kind"] == "credit" and [x["net_ore"] for x in down["lines"]] == \
        [MEMBER - NON_MEMBER]
    assert down["credits"] == docs(d)[0]["number"]
    assert owed(d) == 2 * MEMBER * 5 // 4


def test_the_totals_equal_what_the_registrations_owe(d):
    sell(d, cancel_free_until="2020-01-01T00:00:00+01:00", cancel_fee_percent=25)
    d.sql("UPDATE ticket_types SET quota = NULL")
    regs = [register(d, n, ticket_type=1 + n % 2) for n in (1, 2, 3, 4)]
    cancel_one(d, regs[2], 0)
    cancel_one(d, regs[3], 1)
    d.delete("/api/v1/registrations/" + regs[1]["manage_token"])
    move(d, regs[3]["attendees"][0]["id"], 2)      # a dearer type: the difference
    net = d.sql("SELECT sum(net_ore) FROM invoices")[0][0]
    assert net == d.sql("SELECT sum(owed_ore) FROM invoice_state")[0][0]
    lines = d.sql("SELECT sum(net_ore) FROM invoice_lines")[0][0]
    assert lines == net
    for doc in docs(d):
        assert sum(x["net_ore"] for x in doc["lines"]) == doc["net_ore"]
        assert doc["net_ore"] + doc["vat_ore"] == doc["total_ore"]
    # By hand: the confirmed at their type's price, 25 % of each
    # cancelled one's price.
    prices = {1: MEMBER, 2: NON_MEMBER}
    by_hand = 0
    for a in d.sql("SELECT a.status, a.ticket_type_id, s.ticket_type_id FROM attendees a"
                   " JOIN invoice_state s ON s.attendee_id = a.id"):
        by_hand += prices[a[1]] if a[0] == "confirmed" else prices[a[2]] // 4
    assert net == by_hand


def test_one_gapless_series_under_parallel_registrations_and_a_kill(d):
    sell(d)
    d.sql("UPDATE ticket_types SET quota = NULL")
    d.stop()
    d.sql("UPDATE events SET capacity = NULL")
    d.start()
    killed = threading.Event()

    def one(i):
        try:
            r = d.register(registration(billing=PAYER))
            return r.status_code
        except Exception:
            return None

    with ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(one, i) for i in range(200)]
        for i, f in enumerate(futures):
            f.result()
            if i == 80 and not killed.is_set():
                d.proc.send_signal(signal.SIGKILL)
                killed.set()
    d.stop(signal.SIGKILL)
    d.start()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(50)))
    numbers = [r[0] for r in d.sql("SELECT number FROM invoices ORDER BY number")]
    assert numbers == list(range(1, len(numbers) + 1))
    # Exactly one invoice per confirmed registration, none for others.
    assert d.sql("SELECT count(*) FROM registrations r WHERE status = 'confirmed' AND"
                 " (SELECT count(*) FROM invoices i WHERE i.registration_id = r.id) <> 1") == [(0,)]
    assert d.sql("SELECT next_number FROM invoice_series") == [(len(numbers) + 1,)]
    assert len(numbers) >= 100


def test_an_issued_document_is_never_changed(d):
    sell(d)
    register(d)
    for statement in ("UPDATE invoices SET total_ore = 0", "DELETE FROM invoices",
                      "UPDATE invoice_lines SET net_ore = 0", "DELETE FROM invoice_lines"):
        with pytest.raises(Exception, match="never"):
            d.sql(statement)
    assert owed(d) == MEMBER * 5 // 4


def test_a_swedish_sellers_vat_number_is_its_organisation_number(d):
    r = patch_event(d, seller_org_number="802456-1238", seller_vat_number="SE556016068001")
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {"seller_vat_number": "not_the_org_number"}
    assert patch_event(d, seller_org_number="802456-1238",
                       seller_vat_number="se 802456 1238 01").status_code == 200


def test_seller_numbers_are_checked(d):
    for field, value in (("seller_org_number", "802456-1234"),
                         ("seller_vat_number", "SE802456123401"),
                         ("seller_bankgiro", "5050-1056")):
        r = patch_event(d, **{field: value})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["fields"] == {field: "invalid"}


def pdf_text(data):
    r = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                       check=True)
    return r.stdout.decode()


def test_the_pdf_for_the_contact_and_the_organiser_only(d):
    sell(d)
    reg = register(d, 2, billing={"organisation": "Pressverk AB", "org_number": "556016-0680",
                                   "address": "Verkstadsgatan 4\n293 38 Olofström",
                                   "reference": "PO 77"})
    other = register(d)
    (doc,) = docs(d, reg["id"])
    base = f"/api/v1/registrations/{reg['manage_token']}/invoices"
    r = d.get(f"{base}/{doc['number']}.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Cache-Control"] == "no-store"
    assert "faktura" in r.headers["Content-Disposition"]
    text = pdf_text(r.content)
    for needle in ("Faktura", "Pressverk AB", "556016-0680", "PO 77", "Techtank Ideell Förening",
                   "SE802456123801", "5050-1055", doc["ocr"], doc["issued"], doc["due"],
                   "6 250,00"):
        assert needle in text, (needle, text)
    assert "F-skatt" not in text
    en = pdf_text(d.get(f"{base}/{doc['number']}.pdf?lang=en").content)
    assert "Invoice" in en and "6,250.00" in en
    assert d.get(f"{base}/{doc['number']}.pdf?lang=fi").status_code == 422
    # Another registration's number, a colleague's link, a bad name: none.
    (theirs,) = docs(d, other["id"])
    assert d.get(f"{base}/{theirs['number']}.pdf").status_code == 404
    for bad in ("0.pdf", "1.png", "01.pdf", "1.pdf.pdf", "-1.pdf", "99999999999999999999.pdf"):
        assert d.get(f"{base}/{bad}").status_code == 404, bad
    colleague = d.sql("SELECT manage_token FROM attendees WHERE id = ?",
                      reg["attendees"][1]["id"])[0][0]
    assert "invoices" not in d.get(f"/api/v1/registrations/{colleague}").json()
    assert len(d.get(f"/api/v1/registrations/{reg['manage_token']}").json()["invoices"]) == 1
    assert d.get(f"/api/v1/registrations/{colleague}/invoices/{doc['number']}.pdf") \
        .status_code == 404
    # The organiser: the list, newest first, and any document.
    listed = d.olle.get(d.url + "/api/v1/admin/events/1/invoices", timeout=10).json()
    assert listed["total"] == 2
    assert [x["number"] for x in listed["items"]] == [theirs["number"], doc["number"]]
    assert listed["items"][1]["buyer"] == "Pressverk AB"
    assert listed["items"][1]["registration"] == reg["id"]
    r = d.olle.get(f"{d.url}/api/v1/admin/invoices/{theirs['number']}.pdf", timeout=30)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert d.olle.get(f"{d.url}/api/v1/admin/invoices/99.pdf", timeout=10).status_code == 404
    assert d.get("/api/v1/admin/invoices/1.pdf").status_code == 401
    assert d.get("/api/v1/admin/events/1/invoices").status_code == 401


def test_f_tax_is_printed_when_the_seller_has_it(d):
    sell(d, seller_f_tax=True)
    reg = register(d)
    (doc,) = docs(d, reg["id"])
    assert doc["f_tax"] is True
    r = d.get(f"/api/v1/registrations/{reg['manage_token']}/invoices/{doc['number']}.pdf")
    assert "Godkänd för F-skatt" in pdf_text(r.content)


def test_many_pdfs_at_once(d):
    """The slow thread draws them one after another; none is lost or mixed."""
    sell(d)
    regs = [register(d) for _ in range(6)]
    urls = [f"/api/v1/registrations/{r['manage_token']}/invoices/{docs(d, r['id'])[0]['number']}.pdf"
            for r in regs]
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda u: d.get(u), urls * 3))
    assert {a.status_code for a in answers} == {200}
    for u, a in zip(urls * 3, answers):
        number = u.rsplit("/", 1)[1].split(".")[0]
        assert f"{number}" in pdf_text(a.content)


def test_the_payer_gets_the_invoice_and_the_credit_note_by_mail(sink, started):  # noqa: F811
    d = started(*mail_flags(sink))
    d.add_user("olle", "organiser")
    d.olle = d.login("olle")
    sell(d)
    contact = person("Björn", "Håkansdotter")
    colleague = person("Zoë", "Ødegård-Łukasiewicz")
    reg = d.register(registration(attendees=[dict(contact), colleague], contact=contact,
                                  billing={"organisation": "Pressverk AB",
                                           "email": "faktura@pressverk.example"})).json()
    by = {m["To"].addresses[0].addr_spec: m for m in sink.wait(2)}
    _, _, files = parts(by[contact["email"]])
    names = [f[0] for f in files]
    assert "faktura-1.pdf" in names, names
    invoice = next(f[2] for f in files if f[0] == "faktura-1.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=invoice, capture_output=True,
                          check=True).stdout.decode()
    assert "Faktura" in text and "Pressverk AB" in text
    body = parts(by[contact["email"]])[0]
    assert "Fakturan är bifogad" in body
    # And says what to pay, by when and how, as the invoice does.
    doc = docs(d, reg["id"])[0]
    assert f"Faktura {doc['number']}: 6 250,00 kr att betala." in body, body
    assert f"Betala senast {doc['due']}." in body, body
    assert f"Betala till bankgiro 5050-1055 med OCR-nummer {doc['ocr']}." in body, body
    # The colleague's own mail carries their pass, not the company's bill.
    assert [f[0] for f in parts(by[colleague["email"]])[2] if "faktura" in f[0]] == []
    aid = next(a["id"] for a in reg["attendees"] if a["email"] == colleague["email"])
    d.delete(f"/api/v1/registrations/{reg['manage_token']}/attendees/{aid}")
    by = {m["To"].addresses[0].addr_spec: m for m in sink.wait(4)[2:]}
    text, _, files = parts(by[contact["email"]])
    assert [f[0] for f in files] == ["kreditfaktura-2.pdf"]
    assert "Kreditfakturan är bifogad" in text
    assert [f for f in parts(by[colleague["email"]])[2]] == []


# ------------------------------------------------------------ payments


def bgmax(payments, test=False, seventy=None, extra=(), timestamp="20271015120000000000"):
    """A BgMax file as Bankgirot writes it: 80-character records, Latin-1."""
    def rec(*fields):
        line = "".join(fields)
        assert len(line) <= 80, line
        return line.ljust(80)
    lines = [rec("01", "BGMAX".ljust(20), "01", timestamp, "T" if test else "P"),
             rec("05", "0050501055", " " * 10, "SEK")]
    for serial, (ref, amount, name) in enumerate(payments, 1):
        lines.append(rec("20", "0003783511", ref.rjust(25), f"{amount:018d}", "2", "1",
                         f"{serial:012d}", "0"))
        lines.append(rec("26", name.ljust(35)))
    lines += list(extra)
    total = sum(p[1] for p in payments)
    lines.append(rec("15", "0" * 35, "20271015", "00001", f"{total:018d}", "SEK",
                     f"{len(payments):08d}"))
    lines.append(rec("70", seventy or f"{len(payments):08d}{0:08d}{0:08d}{1:08d}"))
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def upload(d, data, content_type="text/plain"):
    return d.olle.post(d.url + "/api/v1/admin/bank-files", data=data,
                       headers={"Content-Type": content_type}, timeout=30)


def listing(d, state=None):
    r = d.olle.get(d.url + "/api/v1/admin/events/1/invoices", timeout=10,
                   params={"state": state} if state else {})
    assert r.status_code == 200, r.text
    return r.json()


def three_invoices(d):
    sell(d)
    regs = [register(d) for _ in range(3)]
    return [docs(d, r["id"])[0] for r in regs]


def test_a_bank_file_pays_the_invoices_by_their_ocr(d):
    a, b, c = three_invoices(d)
    some_ocr = "9" + "3" + luhn_digit("93")     # valid, of no invoice
    data = bgmax([(a["ocr"], a["total_ore"], "Pressverk AB Älmhult"),
                  (b["ocr"], b["total_ore"] - 100000, "Blekinge Stans AB"),
                  (c["ocr"], c["total_ore"] + 50, "Gestamp HardTech"),
                  (some_ocr, 12300, "Okänd Betalare"),
                  ("FAKTURA 12", 4500, "Någon")])
    r = upload(d, data)
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["duplicate"] is False and got["payments"] == 5 and got["matched"] == 3
    assert [u["reference"] for u in got["unmatched"]] == [some_ocr, "FAKTURA 12"]
    assert got["unmatched"][0]["payer"] == "Okänd Betalare"
    assert got["partial"] == [{"invoice": b["number"], "balance_ore": 100000}]
    assert got["overpaid"] == [{"invoice": c["number"], "balance_ore": -50}]
    assert [x["number"] for x in listing(d, "paid")["items"]] == [a["number"]]
    assert [x["number"] for x in listing(d, "unpaid")["items"]] == [b["number"]]
    assert [x["number"] for x in listing(d, "partly_paid")["items"]] == [b["number"]]
    assert [x["number"] for x in listing(d, "overpaid")["items"]] == [c["number"]]
    one = next(x for x in listing(d)["items"] if x["number"] == b["number"])
    assert one["paid_ore"] == b["total_ore"] - 100000 and one["balance_ore"] == 100000
    assert one["state"] == "partly_paid"
    assert listing(d, "partly_paid")["total"] == 1
    unmatched = d.olle.get(d.url + "/api/v1/admin/payments/unmatched", timeout=10).json()
    assert [u["amount_ore"] for u in unmatched["items"]] == [4500, 12300]
    # The same file again, even with other line ends, books nothing.
    before = d.sql("SELECT count(*), sum(amount_ore) FROM payments")
    again = upload(d, data.replace(b"\r\n", b"\n"))
    assert again.status_code == 200, again.text
    assert again.json() == {"duplicate": True, "file": got["file"]}
    assert d.sql("SELECT count(*), sum(amount_ore) FROM payments") == before
    assert d.sql("SELECT count(*) FROM audit_log WHERE action = 'bank_file.booked'") == [(1,)]


@pytest.mark.parametrize("mangle, code", [
    (lambda f: f.rsplit(b"70", 1)[0], "bgmax_truncated"),               # no end record
    (lambda f: f.replace(b"\r\n70000000010", b"\r\n70000000020"), None),  # wrong count
    (lambda f: f.replace(b"\r\n26", b"\r\n99", 1), None),                # unknown record
    (lambda f: f.replace(b"0000000125000", b"00000001250X0", 1), None),  # a letter
    (lambda f: f[:-2] + b"X" * 90 + b"\r\n", None),                    # too long
    (lambda f: b"", None),
])
def test_a_bad_bank_file_is_refused_whole(d, mangle, code):
    sell(d)
    inv = docs(d, register(d)["id"])[0]
    good = bgmax([(inv["ocr"], 125000, "Pressverk AB")])
    bad = mangle(good)
    assert bad != good
    r = upload(d, bad)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"].startswith("bgmax_"), err
    if code:
        assert err["code"] == code, err
    assert "line" in err["fields"]
    assert d.sql("SELECT count(*) FROM payments") == [(0,)]
    assert d.sql("SELECT count(*) FROM bank_files") == [(0,)]


def test_test_files_other_types_and_roles_are_refused(d):
    inv = three_invoices(d)[0]
    good = bgmax([(inv["ocr"], 10, "X")])
    r = upload(d, bgmax([(inv["ocr"], 10, "X")], test=True))
    assert r.status_code == 422 and r.json()["error"]["code"] == "bgmax_test_file", r.text
    assert upload(d, good, "application/json").status_code == 415
    assert upload(d, good, "application/octet-stream").status_code == 201
    assert d.post("/api/v1/admin/bank-files", {}).status_code == 401
    d.add_user("anna", "door")
    anna = d.login("anna")
    r = anna.post(d.url + "/api/v1/admin/bank-files", data=good,
                  headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 403
    assert d.sql("SELECT count(*) FROM payments") == [(1,)]


def test_an_invoice_marked_paid_by_hand(d):
    a, b, _ = three_invoices(d)
    url = f"{d.url}/api/v1/admin/invoices/{a['number']}/payments"
    r = d.olle.post(url, json={"amount_ore": 100, "paid_on": "2027-10-01"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"invoice": a["number"], "amount_ore": 100,
                        "balance_ore": a["total_ore"] - 100}
    r = d.olle.post(url, json={}, timeout=10)
    assert r.json()["balance_ore"] == 0
    assert d.olle.post(url, json={}, timeout=10).status_code == 409
    assert [x["number"] for x in listing(d, "paid")["items"]] == [a["number"]]
    for bad in ({"amount_ore": 0}, {"amount_ore": -5}, {"amount_ore": "100"},
                {"paid_on": "2027-02-30"}, {"paid_on": "igår"}, {"paid_on": 5}):
        r = d.olle.post(f"{d.url}/api/v1/admin/invoices/{b['number']}/payments", json=bad,
                        timeout=10)
        assert r.status_code == 422, (bad, r.text)
    assert d.olle.post(f"{d.url}/api/v1/admin/invoices/999/payments", json={},
                       timeout=10).status_code == 404
    assert d.sql("SELECT count(*) FROM payments") == [(2,)]
    assert d.sql("SELECT paid_on FROM payments ORDER BY id") == [("2027-10-01",),
                                                                 (d.sql("SELECT date('now')")[0][0],)]


def test_the_invoice_list_checks_its_query(d):
    three_invoices(d)
    url = d.url + "/api/v1/admin/events/1/invoices"
    for q, field, code in (("state=bogus", "state", "not_a_choice"),
                           ("state=paid'--", "state", "not_a_choice"),
                           ("limit=0", "limit", "out_of_range"),
                           ("limit=201", "limit", "out_of_range"),
                           ("offset=-1", "offset", "out_of_range"),
                           ("limit=abc", "limit", "out_of_range")):
        r = d.olle.get(f"{url}?{q}", timeout=10)
        assert r.status_code == 422, (q, r.text)
        assert r.json()["error"]["fields"] == {field: code}, (q, r.text)
    r = d.olle.get(f"{url}?state=bogus&limit=0", timeout=10)
    assert r.json()["error"]["fields"] == {"state": "not_a_choice", "limit": "out_of_range"}
    r = d.olle.get(f"{url}?state=unpaid&limit=2&offset=1", timeout=10)
    assert r.status_code == 200 and r.json()["total"] == 3 and len(r.json()["items"]) == 2
    assert d.olle.get(d.url + "/api/v1/admin/events/0/invoices", timeout=10).status_code == 404


def clone_session(d):
    """Olle's session for one thread: his cookie and CSRF header."""
    s = requests.Session()
    s.cookies.update(d.olle.cookies)
    s.headers.update(d.olle.headers)
    return s


def test_one_bank_file_from_many_clients_at_once_is_booked_once(d):
    """Twelve uploads of one file race through the writer: one books it,
    the other eleven are told it is a duplicate, and nothing is booked
    twice."""
    a, b, c = three_invoices(d)
    data = bgmax([(x["ocr"], x["total_ore"], "Pressverk AB") for x in (a, b, c)])
    sessions = [clone_session(d) for _ in range(12)]
    go = threading.Barrier(len(sessions))

    def send(s):
        go.wait(timeout=30)
        return s.post(d.url + "/api/v1/admin/bank-files", data=data,
                      headers={"Content-Type": "text/plain"}, timeout=60)

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        answers = list(pool.map(send, sessions))
    assert sorted(r.status_code for r in answers) == [200] * 11 + [201], \
        [r.text for r in answers]
    booked = next(r.json() for r in answers if r.status_code == 201)
    assert booked["matched"] == 3
    assert all(r.json() == {"duplicate": True, "file": booked["file"]}
               for r in answers if r.status_code == 200)
    assert d.sql("SELECT count(*), sum(amount_ore) FROM payments") == \
        [(3, a["total_ore"] + b["total_ore"] + c["total_ore"])]
    assert d.sql("SELECT count(*) FROM bank_files") == [(1,)]
    assert sorted(x["number"] for x in listing(d, "paid")["items"]) == \
        sorted(x["number"] for x in (a, b, c))


def test_an_invoice_marked_paid_by_many_at_once_is_paid_once(d):
    """Ten organisers mark one invoice paid in the same instant: one
    payment of its balance is booked, the other nine hear it is paid."""
    a = three_invoices(d)[0]
    url = f"{d.url}/api/v1/admin/invoices/{a['number']}/payments"
    sessions = [clone_session(d) for _ in range(10)]
    go = threading.Barrier(len(sessions))

    def mark(s):
        go.wait(timeout=30)
        return s.post(url, json={}, timeout=60)

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        answers = list(pool.map(mark, sessions))
    assert sorted(r.status_code for r in answers) == [200] + [409] * 9, \
        [r.text for r in answers]
    assert d.sql("SELECT count(*), sum(amount_ore) FROM payments") == \
        [(1, a["total_ore"])]
    assert [x["number"] for x in listing(d, "paid")["items"]] == [a["number"]]


def test_an_unpaid_invoice_past_its_due_date_is_overdue(d):
    sell(d, payment_terms_days=0)
    inv = docs(d, register(d)["id"])[0]
    time.sleep(1.1)
    assert [x["number"] for x in listing(d, "overdue")["items"]] == [inv["number"]]
    assert [x["number"] for x in listing(d, "unpaid")["items"]] == [inv["number"]]
    assert listing(d, "overdue")["total"] == 1
    r = d.olle.get(d.url + "/api/v1/admin/events/1/invoices?state=late", timeout=10)
    assert r.status_code == 422


# ------------------------------------------------------------ the accountant


def read_sie(data):
    """A small SIE 4 reader of its own: the header's tags and each #VER
    with its #TRANS rows, amounts in öre."""
    text = data.decode("cp437")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    tags, vers, cur = {}, [], None
    for line in text.split("\r\n"):
        line = line.strip()
        if not line:
            continue
        if line == "{":
            assert cur is not None
        elif line == "}":
            vers.append(cur)
            cur = None
        elif line.startswith("#VER "):
            m = re.match(r'#VER "(\w+)" (\d+) (\d{8}) "((?:[^"\\]|\\.)*)"$', line)
            assert m, line
            cur = {"series": m[1], "number": int(m[2]), "date": m[3], "text": m[4], "trans": []}
        elif line.startswith("#TRANS "):
            m = re.match(r"#TRANS (\d+) \{\} (-?\d+)\.(\d\d)$", line)
            assert m and cur is not None, line
            sign = -1 if m[2].startswith("-") else 1
            cur["trans"].append((m[1], sign * (abs(int(m[2])) * 100 + int(m[3]))))
        else:
            tag, _, rest = line.partition(" ")
            tags.setdefault(tag, []).append(rest)
    return tags, vers


def test_the_bookkeeping_file_balances_and_adds_up(d):
    sell(d, cancel_free_until="2020-01-01T00:00:00+01:00", cancel_fee_percent=50,
         reverse_charge_eu=True)
    a, b, c = (docs(d, register(d)["id"])[0] for _ in range(3))
    abroad = register(d, billing={"organisation": "Presswerk GmbH", "vat_number": "DE123456789",
                                  "email": "rechnung@presswerk.example"})
    group = register(d, 2)
    cancel_one(d, group, 1)
    upload(d, bgmax([(a["ocr"], a["total_ore"], "Pressverk AB"),
                     (b["ocr"], 1000, "Blekinge AB"), ("12345", 500, "Okänd")]))
    r = d.olle.get(d.url + "/api/v1/admin/events/1/exports/bookkeeping.se", timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/plain; charset=IBM437"
    tags, vers = read_sie(r.content)
    assert tags["#SIETYP"] == ["4"] and tags["#FORMAT"] == ["PC8"]
    assert tags["#FNAMN"] == ['"Techtank Ideell Förening"']
    assert tags["#ORGNR"] == ["802456-1238"]
    assert sorted(k.split()[0] for k in tags["#KONTO"]) == ["1510", "1930", "2611", "3001"]
    # Every verification balances.
    for v in vers:
        assert sum(amount for _, amount in v["trans"]) == 0, v
    # One per document and per matched payment; none for the unmatched.
    documents = docs(d)
    assert [(v["series"], v["number"]) for v in vers if v["series"] == "F"] == \
        [("F", x["number"]) for x in documents]
    assert len([v for v in vers if v["series"] == "B"]) == 2
    # The accounts add up to the documents and the payments.
    by = {}
    for v in vers:
        for account, amount in v["trans"]:
            by[account] = by.get(account, 0) + amount
    paid = d.sql("SELECT sum(amount_ore) FROM payments WHERE invoice_id IS NOT NULL")[0][0]
    assert by["3001"] == -sum(x["net_ore"] for x in documents)
    assert by["2611"] == -sum(x["vat_ore"] for x in documents)
    assert by["1930"] == paid == a["total_ore"] + 1000
    assert by["1510"] == sum(x["total_ore"] for x in documents) - paid
    # Reverse charge: no VAT row at all.
    (rc,) = [v for v in vers if v["series"] == "F" and
             v["number"] == docs(d, abroad["id"])[0]["number"]]
    assert [a for a, _ in rc["trans"]] == ["1510", "3001"]
    assert "Presswerk GmbH" in rc["text"]
    assert d.get("/api/v1/admin/events/1/exports/bookkeeping.se").status_code == 401
    assert d.olle.get(d.url + "/api/v1/admin/events/9/exports/bookkeeping.se",
                      timeout=10).status_code == 404


def test_the_invoice_list_as_csv_for_anyone_else(d):
    sell(d)
    inv = docs(d, register(d, billing={"organisation": "=HYPERLINK(\"x\")",
                                       "email": "a@b.se"})["id"])[0]
    r = d.olle.get(d.url + "/api/v1/admin/events/1/exports/invoices.csv", timeout=30)
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nummer", "Typ", "Avser faktura"]
    assert rows[1][0] == str(inv["number"]) and rows[1][1] == "faktura"
    assert rows[1][4].startswith("'=")        # neutralised against formulas
    assert rows[1][13] == "3125,00" and rows[1][15] == "3125,00"
    r = d.olle.get(d.url + "/api/v1/admin/events/1/exports/invoices.csv?sep=comma&lang=en",
                   timeout=30)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Number" and rows[1][13] == "3125.00"


def test_a_reminder_of_an_unpaid_invoice_goes_to_the_payer(sink, started):  # noqa: F811
    d = started(*mail_flags(sink))
    d.add_user("olle", "organiser")
    d.olle = d.login("olle")
    sell(d)
    payer = {"organisation": "Pressverk AB", "email": "ap@pressverk.example"}
    early = docs(d, d.register(registration(lang="en", billing=payer)).json()["id"])[0]
    # Not due for 30 days: no reminder.
    r = d.olle.post(f"{d.url}/api/v1/admin/invoices/{early['number']}/reminder", timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_due", r.text
    sell(d, payment_terms_days=0)
    reg = d.register(registration(lang="en", billing=payer)).json()
    (inv,) = docs(d, reg["id"])
    sink.wait(2)
    time.sleep(1.1)
    r = d.olle.post(f"{d.url}/api/v1/admin/invoices/{inv['number']}/reminder", timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"invoice": inv["number"], "to": "ap@pressverk.example",
                        "balance_ore": inv["total_ore"]}
    msg = sink.wait(3)[2]
    assert msg["To"].addresses[0].addr_spec == "ap@pressverk.example"
    assert msg["Subject"].startswith("Reminder, unpaid invoice: ")
    text, _, files = parts(msg)
    assert f"Invoice {inv['number']}: SEK 3,125.00 to pay." in text
    assert f"Pay to bankgiro 5050-1055 with the OCR number {inv['ocr']}." in text
    assert [f[0] for f in files] == [f"invoice-{inv['number']}.pdf"]
    assert text.rstrip().endswith("Kind regards\r\nTechtank")
    assert d.sql("SELECT count(*) FROM audit_log WHERE action = 'invoice.reminder'") == [(1,)]
    # Paid: nothing to remind of; a credit note or none: not found.
    d.olle.post(f"{d.url}/api/v1/admin/invoices/{inv['number']}/payments", json={}, timeout=10)
    r = d.olle.post(f"{d.url}/api/v1/admin/invoices/{inv['number']}/reminder", timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_to_pay"
    assert d.olle.post(f"{d.url}/api/v1/admin/invoices/77/reminder",
                       timeout=10).status_code == 404
    assert d.sql("SELECT count(*) FROM outbox WHERE kind = 'reminder'") == [(1,)]


def test_a_bank_file_larger_than_max_body_is_taken_and_one_too_large_is_not(d):
    sell(d)
    inv = docs(d, register(d)["id"])[0]
    # 400 payments: about 65 KB of records, beyond --max-body's 64 KB.
    payments = [(inv["ocr"] if i == 0 else "", 100, f"Betalare {i}") for i in range(400)]
    data = bgmax(payments)
    assert len(data) > 65536
    r = upload(d, data)
    assert r.status_code == 201, r.text
    assert r.json()["matched"] == 1 and len(r.json()["unmatched"]) == 399
    r = d.olle.post(d.url + "/api/v1/admin/bank-files", data=b"01" + b" " * (17 * 1024 * 1024),
                    headers={"Content-Type": "text/plain"}, timeout=60)
    assert r.status_code == 413
    # JSON bodies elsewhere keep --max-body.
    r = d.olle.post(f"{d.url}/api/v1/admin/invoices/{inv['number']}/payments",
                    data=b'{"x": "' + b"a" * 70000 + b'"}',
                    headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 413


def test_erasure_keeps_the_invoices_as_issued_and_the_payer_details_go(d):
    sell(d)
    reg = register(d, 2, billing={"organisation": "Pressverk AB", "org_number": "556016-0680",
                                   "email": "ap@pressverk.example", "reference": "PO 99"})
    before = docs(d, reg["id"])
    r = d.delete(f"/api/v1/registrations/{reg['manage_token']}/data")
    assert r.status_code == 200, r.text
    # The bookkeeping law's: the documents stay whole, and nothing new is
    # issued by the erasure beyond the credit for the seats freed.
    after = docs(d, reg["id"])
    assert after[:len(before)] == before
    assert sum(x["total_ore"] for x in after) == 0
    assert d.sql("SELECT billing_organisation, billing_org_number, billing_email,"
                 " billing_reference FROM registrations WHERE id = ?", reg["id"]) == [("", "", "", "")]
    # The attendees' names were never on an invoice.
    for doc in after:
        assert "Lindström" not in json.dumps(doc, ensure_ascii=False)


def test_a_cheaper_ticket_after_the_free_date_credits_all_but_the_fee(d):
    sell(d, cancel_free_until="2020-01-01T00:00:00+01:00", cancel_fee_percent=50)
    d.sql("UPDATE ticket_types SET quota = NULL")
    reg = register(d, ticket_type=2)
    move(d, reg["attendees"][0]["id"], 1)
    invoice, credit = docs(d)
    assert [x["net_ore"] for x in invoice["lines"]] == [NON_MEMBER]
    assert credit["kind"] == "credit" and credit["credits"] == invoice["number"]
    assert [x["net_ore"] for x in credit["lines"]] == [-(NON_MEMBER - MEMBER) // 2]
    assert credit["lines"][0]["description"] == "Byte av biljett: Non-member → Member"
    assert owed(d) == (MEMBER + (NON_MEMBER - MEMBER) // 2) * 5 // 4
    # Back to the dearer one: the difference to its price is invoiced again.
    move(d, reg["attendees"][0]["id"], 2)
    assert docs(d)[-1]["kind"] == "invoice"
    assert owed(d) == NON_MEMBER * 5 // 4
