"""Starting techtankd: flags, defaults and start-up errors."""
import os
import sqlite3
import subprocess
import time

import requests

from techtank_test import TECHTANKD, free_port, ROOT


def run(*args, cwd=None, timeout=10):
    return subprocess.run([TECHTANKD, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def test_help_and_version():
    r = run("--help")
    assert r.returncode == 0
    for flag in ("--listen", "--db", "--web-root", "--max-body", "--timeout"):
        assert flag in r.stdout
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("techtankd ")


def test_bad_flags_are_refused_clearly():
    for args, text in ((["--listen", "nope"], "ADDR:PORT"),
                       (["--listen", "127.0.0.1:99999"], "port"),
                       (["--threads", "0"], "--threads"),
                       (["--bogus"], "usage"),
                       (["extra"], "unexpected argument")):
        r = run(*args)
        assert r.returncode != 0, args
        assert text in r.stderr, (args, r.stderr)


def test_database_path_without_a_folder(tmp_path):
    """A --db naming a file in the current folder used to crash."""
    port = free_port()
    p = subprocess.Popen([TECHTANKD, "--db", "plain.db", "--listen", f"127.0.0.1:{port}",
                          "--web-root", os.path.join(ROOT, "web"), "--access-log", "/dev/null"],
                         cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert requests.get(f"http://127.0.0.1:{port}/api/v1/event", timeout=5).ok
        assert (tmp_path / "plain.db").exists()
    finally:
        p.terminate()
        p.wait(timeout=10)


def test_database_folder_is_created(tmp_path):
    port = free_port()
    db = tmp_path / "a" / "b" / "t.db"
    p = subprocess.Popen([TECHTANKD, "--db", str(db), "--listen", f"127.0.0.1:{port}",
                          "--web-root", os.path.join(ROOT, "web"), "--access-log", "/dev/null"],
                         stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if db.exists():
                break
            time.sleep(0.05)
        assert db.exists()
    finally:
        p.terminate()
        p.wait(timeout=10)


def test_unusable_database_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    r = run("--db", str(tmp_path / "file" / "t.db"), "--listen", "127.0.0.1:0",
            "--web-root", os.path.join(ROOT, "web"))
    assert r.returncode == 1
    assert "t.db" in r.stderr
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    r = run("--db", str(tmp_path / "junk.db"), "--listen", "127.0.0.1:0",
            "--web-root", os.path.join(ROOT, "web"))
    assert r.returncode == 1 and "junk.db" in r.stderr


def test_missing_web_root_is_a_clear_error(tmp_path):
    r = run("--db", str(tmp_path / "t.db"), "--listen", "127.0.0.1:0",
            "--web-root", str(tmp_path / "nope"))
    assert r.returncode == 1 and "web root" in r.stderr


def test_port_in_use_is_a_clear_error(daemon):
    """A second techtankd on the same port must not share it silently."""
    r = run("--db", daemon.tmp + "/other.db", "--listen", f"127.0.0.1:{daemon.port}",
            "--web-root", os.path.join(ROOT, "web"))
    assert r.returncode == 1
    assert "cannot listen" in r.stderr and "in use" in r.stderr



def test_the_test_daemon_binds_a_port_of_its_own_choosing(tmp_path):
    """Two test runs share the machine: the test daemon lets techtankd pick
    its port (--listen 127.0.0.1:0) and reads it off the "serving" line, so
    no other process can take it between a choice and the bind."""
    import techtank_test
    d = techtank_test.Daemon(str(tmp_path))
    try:
        d.start()
        assert 0 < d.port < 65536
        assert f"on http://127.0.0.1:{d.port}/" in d.log()
        assert requests.get(d.url + "/healthz", timeout=5).status_code == 200
        first = d.port
        d.restart()
        assert requests.get(d.url + "/healthz", timeout=5).status_code == 200
        assert d.log().count("serving ") == 2 and first > 0
    finally:
        d.stop()


def test_the_test_daemon_reports_a_failed_start_with_its_cause(tmp_path):
    import techtank_test
    d = techtank_test.Daemon(str(tmp_path), ["--web-root", str(tmp_path / "nope")])
    try:
        d.start()
        raise AssertionError("started without a web root")
    except RuntimeError as e:
        assert "techtankd exited" in str(e) and "web root" in str(e), str(e)
    assert d.proc is None and d.port is None


def test_the_first_user_command_makes_the_database_with_or_without_the_demo(tmp_path):
    """README: the first command that touches a new database creates it;
    the demo comes with it unless that command says --no-demo."""
    for flags, events in (([], 1), (["--no-demo"], 0)):
        db = str(tmp_path / f"t{len(flags)}.db")
        r = subprocess.run([TECHTANKD, "--config", os.devnull, "--db", db, *flags,
                            "user", "add", "olle", "--role", "organiser"],
                           input="correct horse battery\n", capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        with sqlite3.connect(db) as c:
            assert c.execute("SELECT count(*) FROM events").fetchone() == (events,), flags
        assert ("loaded the demo" in r.stderr + r.stdout) == bool(events), r.stderr
