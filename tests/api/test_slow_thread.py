"""The slow thread under load: pass downloads (PNG and PDF) and logins that
all wait for argon2id or the PNG encoder at once. Three concurrent pass
downloads once freed jobs still queued on the slow thread (a heap
use-after-free, seen under ASan), and a login queued behind them was
answered bad_login; this runs against the ASan build in CI too."""
from concurrent.futures import ThreadPoolExecutor

import requests

from techtank_test import registration


def test_twenty_pass_downloads_and_logins_at_once(daemon):
    daemon.add_user("anna", "door")
    reg = daemon.register(registration(3)).json()
    token = reg["manage_token"]
    passes = [f"{daemon.url}/api/v1/registrations/{token}/attendees/{a['id']}/pass.{fmt}"
              for a in reg["attendees"] for fmt in ("png", "pdf")]

    def download(i):
        r = requests.get(passes[i % len(passes)], timeout=60)
        return ("pass", passes[i % len(passes)], r.status_code, r.headers.get("content-type"),
                r.content[:4])

    def login(i):
        good = i % 2 == 0
        r = requests.post(daemon.url + "/api/v1/session", timeout=60, json={
            "username": "anna", "password": "correct horse battery" if good else "wrong"})
        return ("login", good, r.status_code, None, None)

    # Five logins: as many as one address may have in flight (the rest
    # would rightly be 429), so each must get its true answer.
    work = [download] * 15 + [login] * 5
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda p: p[1](p[0]), enumerate(work)))

    for kind, what, status, ctype, head in answers:
        if kind == "pass":
            assert status == 200, what
            if what.endswith(".png"):
                assert ctype == "image/png" and head == b"\x89PNG"
            else:
                assert ctype == "application/pdf" and head == b"%PDF"
        else:
            assert status == (200 if what else 401), (what, status)
    # The daemon survived it all and still answers.
    assert daemon.get("/healthz").status_code == 200
    assert daemon.proc.poll() is None


def test_slow_work_from_many_clients_twice_over(daemon):
    """Sixty downloads of the same pass from sixty clients: every answer is
    the full, same image."""
    reg = daemon.register(registration(1)).json()
    url = (f"{daemon.url}/api/v1/registrations/{reg['manage_token']}"
           f"/attendees/{reg['attendees'][0]['id']}/pass.png")
    with ThreadPoolExecutor(max_workers=30) as pool:
        bodies = list(pool.map(lambda _: requests.get(url, timeout=60), range(60)))
    assert all(b.status_code == 200 for b in bodies)
    assert len({b.content for b in bodies}) == 1
    assert daemon.proc.poll() is None
