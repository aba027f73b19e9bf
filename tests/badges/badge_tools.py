"""Helpers for the badge tests: run techtank-badges, and read what it
printed back with zbarimg and poppler's pdftotext, pdffonts and pdfinfo."""
import os
import subprocess
import sys


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

from techtank_test import Daemon, person, registration  # noqa: E402,F401

BADGES = os.environ.get("TECHTANK_BADGES", os.path.join(ROOT, "techtank-badges"))


def run_badges(*args, check=True):
    r = subprocess.run([BADGES, *args], capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"techtank-badges {' '.join(args)}: {r.stderr}")
    return r


def qr_codes(pdf_or_png, tmp_path, dpi=150):
    """Every QR code zbarimg finds, page by page."""
    if pdf_or_png.endswith(".pdf"):
        prefix = os.path.join(tmp_path, "page")
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", pdf_or_png, prefix], check=True)
        images = sorted(p for p in os.listdir(tmp_path) if p.startswith("page") and p.endswith(".png"))
        images = [os.path.join(tmp_path, p) for p in images]
    else:
        images = [pdf_or_png]
    codes = []
    for img in images:
        r = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", img],
                           capture_output=True, text=True)
        codes += [line for line in r.stdout.splitlines() if line]
    for img in images:
        if pdf_or_png.endswith(".pdf"):
            os.unlink(img)
    return codes


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(next(l for l in out.splitlines() if l.startswith("Pages:")).split()[1])


def pdf_fonts(path):
    out = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[2:]


NAMES = [
    ("Åsa", "Lindström-Öberg", "Pressverk AB"),
    ("Zoë", "Ødegård-Łukasiewicz", "Sydkustens Lättmetall AB"),
    ("Ömer", "Çelik", "İstanbul Pres Sanayi"),
    ("Γιώργος", "Παπαδόπουλος", "Ελληνική Μεταλλουργία"),
    ("李", "小龍", "上海冲压有限公司"),
    ("Иван", "Петров", "Уралмаш"),
    ("محمد", "الأحمد", "شركة الخليج"),
]


