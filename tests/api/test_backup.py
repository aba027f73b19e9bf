"""Backups you can trust: `techtankd backup` of a running daemon under a
registration load, `techtankd restore` of that copy into a new folder that a
new daemon then serves, and every refusal: a newer schema, a damaged file,
a daemon still running, a place that cannot be written, an existing file."""
import os
import re
import shutil
import resource
import signal
import sqlite3
import subprocess
import threading
import time

import pytest
import requests

from conftest import Daemon
from techtank_test import TECHTANKD, registration


def techtankd(*args, preexec_fn=None):
    return subprocess.run([TECHTANKD, *args], capture_output=True, text=True,
                          timeout=120, preexec_fn=preexec_fn)


def backup(db, to, *more, **kw):
    return techtankd("backup", "--db", str(db), "--to", str(to), *more, **kw)


def restore(db, frm, *more):
    return techtankd("restore", "--db", str(db), "--from", str(frm), *more)


def integrity(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()


def rows(path, sql):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def schema_version():
    """How many migrations this techtankd has."""
    here = os.path.dirname(os.path.abspath(__file__))
    return len(os.listdir(os.path.join(here, "..", "..", "db", "migrations")))


def load(d, acked, stop):
    """Registrations in a loop; each acknowledged one as (time of the
    answer, id, manage token)."""
    s = requests.Session()
    while not stop.is_set():
        try:
            r = s.post(d.url + "/api/v1/registrations", json=registration(), timeout=10)
        except requests.RequestException:
            return
        if r.status_code == 201:
            acked.append((time.monotonic(), r.json()["id"], r.json()["manage_token"]))


@pytest.fixture
def loaded(daemon, tmp_path):
    """A backup taken while eight threads register: the daemon, the backup's
    path, the registrations acknowledged before it began and all of them."""
    daemon.set_limits(ticket_type=1, quota=None, waitlist=True, capacity=None)
    acked, stop = [], threading.Event()
    threads = [threading.Thread(target=load, args=(daemon, acked, stop)) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)
        began = time.monotonic()
        before = list(acked)
        r = backup(daemon.db, tmp_path / "copy.db")
        ended = time.monotonic()
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert r.returncode == 0, r.stderr
    assert len(before) > 50, "the load should have run before the backup"
    assert any(t > ended for t, _, _ in acked), "and went on during and after it"
    return daemon, tmp_path / "copy.db", before, acked, (began, ended)


def test_a_backup_under_load_is_whole_and_holds_every_acknowledged_registration(loaded):
    d, copy, before, acked, _ = loaded
    assert integrity(copy) == [("ok",)]
    assert rows(copy, "PRAGMA user_version") == [(schema_version(),)]
    # One file: no journal or WAL beside it, and none left over.
    assert rows(copy, "PRAGMA journal_mode") == [("delete",)]
    assert sorted(os.listdir(copy.parent)) == ["copy.db"]
    have = {r[0] for r in rows(copy, "SELECT id FROM registrations")}
    assert {i for _, i, _ in before} <= have
    # A consistent moment: every attendee's registration is there too.
    assert rows(copy, "SELECT count(*) FROM attendees WHERE registration_id NOT IN"
                      " (SELECT id FROM registrations)") == [(0,)]
    assert len(have) < len(acked) + 200   # not some other database
    assert os.stat(copy).st_mode & 0o077 == 0, "personal data: the owner's alone"


def test_the_restored_copy_is_served_by_a_new_daemon(loaded, tmp_path):
    _, copy, before, _, _ = loaded
    folder = tmp_path / "elsewhere" / "var"
    r = restore(folder / "t.db", copy)
    assert r.returncode == 0, r.stderr
    assert "restored" in r.stdout
    d = Daemon(str(folder))
    d.start()
    try:
        missing = [(i, tok) for _, i, tok in before
                   if d.get("/api/v1/registrations/" + tok).status_code != 200]
        assert missing == []
        _, i, tok = before[-1]
        assert d.get("/api/v1/registrations/" + tok).json()["id"] == i
        # And it takes new ones.
        assert d.register().status_code == 201
    finally:
        d.stop()
    assert integrity(folder / "t.db") == [("ok",)]


def test_restore_refuses_a_running_daemon(daemon, tmp_path):
    r = backup(daemon.db, tmp_path / "b.db")
    assert r.returncode == 0, r.stderr
    tok = daemon.register().json()["manage_token"]
    r = restore(daemon.db, tmp_path / "b.db", "--force")
    assert r.returncode == 1
    assert "in use" in r.stderr and "stop techtankd" in r.stderr
    # Nothing changed: the registration made after the backup is served.
    assert daemon.get("/api/v1/registrations/" + tok).status_code == 200
    assert daemon.register().status_code == 201


def test_restore_over_a_database_needs_force_and_then_replaces_it(daemon, tmp_path):
    r = backup(daemon.db, tmp_path / "b.db")
    assert r.returncode == 0, r.stderr
    later = daemon.register().json()["manage_token"]
    daemon.kill()           # as after a crash: a WAL with the last writes
    r = restore(daemon.db, tmp_path / "b.db")
    assert r.returncode == 1 and "--force" in r.stderr
    r = restore(daemon.db, tmp_path / "b.db", "--force")
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(daemon.db + "-wal")
    daemon.start()
    assert daemon.get("/api/v1/registrations/" + later).status_code == 404
    assert daemon.get("/api/v1/event").status_code == 200


def test_restore_refuses_a_newer_schema(daemon, tmp_path):
    r = backup(daemon.db, tmp_path / "b.db")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(tmp_path / "b.db")
    con.execute(f"PRAGMA user_version = {schema_version() + 1}")
    con.commit()
    con.close()
    target = tmp_path / "new" / "t.db"
    r = restore(target, tmp_path / "b.db")
    assert r.returncode == 1
    assert f"schema version {schema_version() + 1}, newer" in r.stderr
    assert not target.exists()


def corrupt(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


@pytest.mark.parametrize("damage", ["pages", "truncated", "not_sqlite", "empty_db", "missing"])
def test_restore_refuses_a_damaged_or_foreign_file(daemon, tmp_path, damage):
    b = tmp_path / "b.db"
    r = backup(daemon.db, b)
    assert r.returncode == 0, r.stderr
    size = os.path.getsize(b)
    if damage == "pages":
        # Garbage over the b-tree pages past the first few: the file opens,
        # the integrity check finds it.
        for page in range(3, size // 4096, 3):
            corrupt(b, page * 4096 + 8, os.urandom(200))
    elif damage == "truncated":
        os.truncate(b, size // 2)
    elif damage == "not_sqlite":
        b.write_text("Åsa Lindström-Öberg,asa@example.se\n" * 200)
    elif damage == "empty_db":
        b.unlink()
        sqlite3.connect(b).close()
    elif damage == "missing":
        b.unlink()
    target = tmp_path / "new" / "t.db"
    r = restore(target, b)
    assert r.returncode == 1, r.stdout
    assert r.stderr.startswith("techtankd: restore: ") and str(b) in r.stderr
    assert not target.exists()
    # And onto an existing database with --force: it is left as it was.
    daemon.stop()
    before = rows(daemon.db, "SELECT count(*) FROM ticket_types")
    r = restore(daemon.db, b, "--force")
    assert r.returncode == 1
    assert rows(daemon.db, "SELECT count(*) FROM ticket_types") == before
    assert integrity(daemon.db) == [("ok",)]


def test_backup_never_replaces_a_file_without_force(daemon, tmp_path):
    b = tmp_path / "b.db"
    b.write_bytes(b"an earlier backup")
    r = backup(daemon.db, b)
    assert r.returncode == 1 and "exists" in r.stderr and "--force" in r.stderr
    assert b.read_bytes() == b"an earlier backup"
    r = backup(daemon.db, b, "--force")
    assert r.returncode == 0, r.stderr
    assert integrity(b) == [("ok",)]
    assert sorted(os.listdir(tmp_path)) == ["b.db"]


def test_backup_and_restore_never_take_the_database_for_a_copy(daemon, tmp_path):
    os.link(daemon.db, tmp_path / "hard-link.db")
    for to in (daemon.db, daemon.db + "-wal", tmp_path / "hard-link.db"):
        r = backup(daemon.db, to, "--force")
        assert r.returncode == 1 and "itself" in r.stderr, to
    assert daemon.register().status_code == 201
    daemon.stop()
    r = restore(daemon.db, daemon.db, "--force")
    assert r.returncode == 1 and "itself" in r.stderr
    daemon.start()
    assert daemon.sql("PRAGMA integrity_check") == [("ok",)]
    assert daemon.register().status_code == 201


def no_file_size_beyond(limit):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # write() gets EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def test_backup_to_an_unwritable_place_fails_cleanly(daemon, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "a-file").write_text("x")
    # (A folder not yet there is made: see the test below.)
    for to in (tmp_path / "a-file" / "b.db", tmp_path / "a-file" / "more" / "b.db",
               "/proc/b.db"):
        r = backup(daemon.db, to)
        assert r.returncode == 1, to
        assert r.stderr.startswith("techtankd: backup: ") and "\n" == r.stderr[-1]
        assert not os.path.exists(to)
    # The disk fills up half-way through the copy: nothing is left behind,
    # and the backup there before is untouched.
    (out / "b.db").write_bytes(b"the last good backup")
    r = backup(daemon.db, out / "b.db", "--force", preexec_fn=no_file_size_beyond(64 * 1024))
    assert r.returncode == 1
    assert sorted(os.listdir(out)) == ["b.db"]
    assert (out / "b.db").read_bytes() == b"the last good backup"
    if os.geteuid() != 0:   # root writes through permissions
        os.chmod(out, 0o555)
        r = backup(daemon.db, out / "c.db")
        assert r.returncode == 1 and "cannot write" in r.stderr
        os.chmod(out, 0o755)
    # The daemon never noticed.
    assert daemon.register().status_code == 201


def test_backup_of_a_missing_database_creates_nothing(tmp_path):
    r = backup(tmp_path / "none.db", tmp_path / "b.db")
    assert r.returncode == 1 and "cannot open" in r.stderr
    assert os.listdir(tmp_path) == []


def test_named_backups_in_a_folder_and_keep(daemon, tmp_path):
    out = tmp_path / "backups"
    out.mkdir()
    old = ["techtank-20200101T000000Z.db", "techtank-20200102T000000Z.db",
           "techtank-20200103T000000Z.db"]
    others = ["notes.txt", "techtank-2020.db", "techtank-20200101T000000Z.db.gz",
              "Techtank-20200101T000000Z.db", ".techtank-20200101T000000Z.db"]
    for n in old + others:
        (out / n).write_text("not ours to remove")
    r = backup(daemon.db, str(out) + "/", "--keep", "2")
    assert r.returncode == 0, r.stderr
    made = re.match(r"^(\S+): schema version \d+, \d+ bytes, integrity ok$",
                    r.stdout.splitlines()[0]).group(1)
    name = os.path.basename(made)
    assert re.fullmatch(r"techtank-\d{8}T\d{6}Z\.db", name)
    assert integrity(made) == [("ok",)]
    assert sorted(os.listdir(out)) == sorted(others + [old[2], name])
    assert "removed " + str(out / old[0]) in r.stdout
    # Without the slash too, the folder is seen.
    time.sleep(1.1)
    r = backup(daemon.db, out, "--keep", "1")
    assert r.returncode == 0, r.stderr
    assert sorted(n for n in os.listdir(out) if n not in others) == \
        [os.path.basename(r.stdout.split(":")[0])]
    # One from a clock ahead of ours sorts later, yet the new one stays.
    (out / "techtank-29991231T235959Z.db").write_text("from the future")
    time.sleep(1.1)
    r = backup(daemon.db, out, "--keep", "1")
    assert r.returncode == 0, r.stderr
    assert sorted(n for n in os.listdir(out) if n not in others) == \
        [os.path.basename(r.stdout.split(":")[0])]


@pytest.mark.parametrize("args", [
    ["backup", "--to", "x.db"],
    ["backup", "--db", "t.db"],
    ["backup", "--db", "t.db", "--to", "x.db", "--keep", "3"],
    ["backup", "--db", "t.db", "--to", "./", "--keep", "0"],
    ["backup", "--db", "t.db", "--to", "./", "--keep", "many"],
    ["backup", "--db", "t.db", "--to", "x.db", "extra"],
    ["backup", "--db", "t.db", "--from", "x.db"],
    ["restore", "--db", "t.db"],
    ["restore", "--db", "t.db", "--from", "x.db", "--to", "y.db"],
    ["restore", "--db", "t.db", "--from", "x.db", "--bogus"],
])
def test_usage_errors(args, tmp_path):
    r = subprocess.run([TECHTANKD, *args], capture_output=True, text=True, timeout=10,
                       cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "usage: techtankd backup" in r.stderr
    assert os.listdir(tmp_path) == []


UNITS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "daemon")


def unit_text(name, tmp_path):
    """A unit of daemon/ with the installed paths moved into tmp_path."""
    with open(os.path.join(UNITS, name), encoding="utf-8") as f:
        text = f.read()
    assert len(re.findall(r"/[^\s=]*sbin/techtankd", text)) <= 1
    return re.sub(r"/[^\s=]*sbin/techtankd", TECHTANKD, text).replace("/var/lib/", f"{tmp_path}/")


def test_the_backup_units_pass_systemd_analyze_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed: the units are not checked")
    for name in ("techtank-backup.service", "techtank-backup.timer"):
        (tmp_path / name).write_text(unit_text(name, tmp_path))
    # --man=no: the man pages are not installed in the build folder.
    r = subprocess.run(["systemd-analyze", "verify", "--man=no",
                        str(tmp_path / "techtank-backup.timer"),
                        str(tmp_path / "techtank-backup.service")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_the_units_backup_command_runs_as_written(make_daemon, tmp_path):
    """ExecStart= of the service, its paths in a temporary folder, against a
    running daemon whose database is where the service looks for it."""
    line = [w for w in unit_text("techtank-backup.service", tmp_path).splitlines()
            if w.startswith("ExecStart=")]
    assert len(line) == 1
    argv = line[0][len("ExecStart="):].split()
    db = argv[argv.index("--db") + 1]
    out = argv[argv.index("--to") + 1]
    keep = int(argv[argv.index("--keep") + 1])
    d = make_daemon()
    d.stop()
    os.makedirs(os.path.dirname(db))
    os.makedirs(out)
    shutil.copy(d.db, db)
    d.db = db
    d.start()
    # Older backups, one an hour, more than it keeps.
    for i in range(keep + 5):
        name = time.strftime("techtank-%Y%m%dT%H%M%SZ.db", time.gmtime(1.6e9 + 3600 * i))
        shutil.copy(db, os.path.join(out, name))
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    made = os.path.basename(r.stdout.split(":")[0])
    assert len(os.listdir(out)) == keep and made in os.listdir(out)
    assert r.stdout.count("removed ") == 6
    assert integrity(os.path.join(out, made)) == [("ok",)]


def test_the_folders_for_the_copies_and_the_restored_database_are_made(daemon, tmp_path):
    """A first backup into a folder not yet there, and a restore on a new
    machine's empty disk, make their folders as --db does."""
    r = backup(daemon.db, str(tmp_path / "backups" / "hourly") + "/")
    assert r.returncode == 0, r.stderr
    made = os.listdir(tmp_path / "backups" / "hourly")
    assert len(made) == 1 and re.fullmatch(r"techtank-\d{8}T\d{6}Z\.db", made[0])
    assert oct(os.stat(tmp_path / "backups").st_mode & 0o777) == "0o750"
    target = tmp_path / "new-machine" / "var" / "techtank.db"
    r = restore(str(target), str(tmp_path / "backups" / "hourly" / made[0]))
    assert r.returncode == 0, r.stderr
    assert integrity(str(target)) == [("ok",)]
