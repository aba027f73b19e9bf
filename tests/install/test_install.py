"""make install, make uninstall and the source tarball.

The tarball's files are built in a folder of their own with
--prefix=<tmp>/opt/techtank and installed with DESTDIR=<tmp>/stage, as a
package is made. The staged tree is then moved to the prefix, as the
package would be unpacked, and the installed daemon is started from an
empty folder with no --web-root: it must find its pages where make install
put them. Moved back, make uninstall DESTDIR=... must leave nothing but
empty folders."""
import os
import re
import shutil
import subprocess
import time

import pytest
import requests

from conftest import ROOT, files_under, git_files, make
from techtank_test import free_port

# What autoreconf makes and the tarball ships besides the tracked files.
GENERATED = {"configure", "Makefile.in", "aclocal.m4", "config.h.in"}
NOT_SHIPPED = {".gitignore"}


def installed(staged):
    """The prefix's files inside the stage: {relative path}."""
    return files_under(str(staged["stage"]) + str(staged["prefix"]))


def test_install_puts_each_file_in_its_place(staged):
    got = installed(staged)
    web = {"share/techtank/web/" + f for f in files_under(os.path.join(ROOT, "web"))}
    want = {"sbin/techtankd", "bin/techtank-badges", "share/man/man8/techtankd.8",
            "share/man/man1/techtank-badges.1", "lib/systemd/system/techtankd.service",
            "lib/systemd/system/techtank-backup.service",
            "lib/systemd/system/techtank-backup.timer",
            "share/doc/techtank/examples/techtankd.conf.example",
            "share/doc/techtank/examples/nginx-techtank.conf"} | web
    assert got == want, (f"missing: {sorted(want - got)}; "
                         f"not expected: {sorted(got - want)}")
    stage_prefix = str(staged["stage"]) + str(staged["prefix"])
    with open(os.path.join(stage_prefix, "lib/systemd/system/techtankd.service")) as f:
        unit = f.read()
    assert f"ExecStart={staged['prefix']}/sbin/techtankd " in unit and "@sbindir@" not in unit
    for prog in ("sbin/techtankd", "bin/techtank-badges"):
        assert os.access(os.path.join(stage_prefix, prog), os.X_OK), prog
    # Every web file arrives as it is in the source folder.
    for f in web:
        with open(os.path.join(stage_prefix, f), "rb") as a, \
                open(os.path.join(ROOT, f[len("share/techtank/"):]), "rb") as b:
            assert a.read() == b.read(), f
    # The man page names the installed web root, not a placeholder.
    with open(os.path.join(stage_prefix, "share/man/man8/techtankd.8")) as f:
        page = f.read()
    assert str(staged["prefix"]) + "/share/techtank/web" in page
    assert str(staged["prefix"]) + "/sbin/techtankd" in page
    assert not re.search(r"@[A-Z]+@", page), re.search(r".*@[A-Z]+@.*", page)[0]


def start(daemon, cwd, db, *extra):
    """Start a techtankd on a free port; (process, url)."""
    port = free_port()
    p = subprocess.Popen([daemon, "--listen", f"127.0.0.1:{port}", "--db", db,
                          "--access-log", "/dev/null", *extra],
                         cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 10
    while time.time() < deadline:
        if p.poll() is not None:
            raise AssertionError("techtankd exited: " + p.stderr.read().decode())
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return p, url
        except requests.ConnectionError:
            time.sleep(0.05)
    p.kill()
    raise AssertionError("techtankd did not answer: " + p.communicate()[1].decode())


def stop(p):
    p.terminate()
    _out, err = p.communicate(timeout=15)
    assert p.returncode == 0, err.decode()
    return err.decode()


@pytest.fixture
def unpacked(staged):
    """The staged tree moved to its prefix for one test, and back after."""
    inside = str(staged["stage"]) + str(staged["prefix"])
    os.makedirs(os.path.dirname(staged["prefix"]), exist_ok=True)
    shutil.move(inside, staged["prefix"])
    try:
        yield staged["prefix"]
    finally:
        shutil.move(str(staged["prefix"]), inside)


def test_installed_daemon_serves_its_pages_without_web_root(unpacked, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    p, url = start(str(unpacked / "sbin/techtankd"), empty, str(tmp_path / "t.db"))
    try:
        for path, source in (("/", "web/index.html"),
                             ("/console/", "web/console/index.html"),
                             ("/js/api.js", "web/js/api.js"),
                             ("/console/main.js", "web/console/main.js"),
                             ("/i18n/sv.json", "web/i18n/sv.json")):
            r = requests.get(url + path, timeout=10)
            assert r.status_code == 200, (path, r.status_code)
            with open(os.path.join(ROOT, source), "rb") as f:
                assert r.content == f.read(), path
        assert requests.get(url + "/js/api.js", timeout=10).headers[
            "Content-Type"].startswith("text/javascript")
        assert requests.get(url + "/api/v1/event", timeout=10).ok
    finally:
        log = stop(p)
    assert f"serving {unpacked}/share/techtank/web " in log, log
    assert os.listdir(empty) == []


def test_installed_daemon_prefers_a_web_folder_with_index_html(unpacked, tmp_path):
    """Run from a folder with web/index.html (a source folder), it serves that."""
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "index.html").write_text("<!doctype html><title>here</title>")
    p, url = start(str(unpacked / "sbin/techtankd"), tmp_path, str(tmp_path / "t.db"))
    try:
        assert "<title>here</title>" in requests.get(url + "/", timeout=10).text
        assert requests.get(url + "/js/api.js", timeout=10).status_code == 404
    finally:
        stop(p)


def test_a_web_folder_without_index_html_is_not_taken(unpacked, tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "notes.txt").write_text("not a web root")
    p, url = start(str(unpacked / "sbin/techtankd"), tmp_path, str(tmp_path / "t.db"))
    try:
        assert requests.get(url + "/console/", timeout=10).status_code == 200
        assert requests.get(url + "/notes.txt", timeout=10).status_code == 404
    finally:
        stop(p)


def test_installed_badge_generator_runs(unpacked, tmp_path):
    r = subprocess.run([str(unpacked / "bin/techtank-badges"), "layouts"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "durable-1445-02" in r.stdout, r.stderr
    r = subprocess.run([str(unpacked / "sbin/techtankd"), "--version"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.startswith("techtankd ")


def test_installed_web_root_missing_is_a_clear_error(unpacked, tmp_path):
    """Without its pages (removed after install) the daemon says where it
    looked instead of serving nothing."""
    web = unpacked / "share/techtank/web"
    aside = tmp_path / "aside"
    shutil.move(str(web), aside)
    try:
        r = subprocess.run([str(unpacked / "sbin/techtankd"), "--listen", "127.0.0.1:0",
                            "--db", str(tmp_path / "t.db")], cwd=tmp_path,
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 1
        assert f"web root {web}" in r.stderr, r.stderr
    finally:
        shutil.move(str(aside), web)


def test_uninstall_leaves_only_empty_folders(staged, tmp_path):
    """make install into a DESTDIR of its own (the build is there), then
    make uninstall: every file goes, folders may stay."""
    dest = tmp_path / "dest"
    make("install", f"DESTDIR={dest}", cwd=staged["build"])
    assert "sbin/techtankd" in files_under(str(dest) + str(staged["prefix"]))
    make("uninstall", f"DESTDIR={dest}", cwd=staged["build"])
    left = files_under(dest)
    assert left == set(), sorted(left)


def test_tarball_holds_the_tracked_files_and_no_build_products(distdir):
    tracked = git_files()
    if tracked is None:
        pytest.skip("the source folder is not a git checkout: nothing to compare with")
    shipped = files_under(distdir)
    missing = tracked - NOT_SHIPPED - shipped
    assert not missing, f"tracked but not in the tarball (add to Makefile.am): {sorted(missing)}"
    # Anything else shipped is a build product git ignores (an object, a
    # test log, a grown fuzz corpus), or a file git has never seen.
    extra = {f for f in shipped - git_files(untracked=True)
             if f not in GENERATED and not f.startswith("build-aux/")}
    assert not extra, f"in the tarball but not in git: {sorted(extra)}"
