"""Fixtures for the installation tests: the source folder, the configured
build folder, and a fresh build from the source tarball's files installed
with make install DESTDIR=... .

The build folder is $TECHTANK_BUILDDIR, else the folder of $TECHTANKD
(default: the source folder, for an in-tree build); it must hold a
configured Makefile. The programs whose --help the man pages are held to
are $TECHTANKD and $TECHTANK_BADGES (default: those of the build folder).
"""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))

from techtank_test import ROOT, TECHTANKD  # noqa: E402

BUILDDIR = os.environ.get("TECHTANK_BUILDDIR", os.path.dirname(os.path.abspath(TECHTANKD)))
TECHTANK_BADGES = os.environ.get("TECHTANK_BADGES", os.path.join(BUILDDIR, "techtank-badges"))
PREFIX = "opt/techtank"  # under the test's folder: <tmp>/opt/techtank


def make(*args, cwd=BUILDDIR, timeout=900):
    """Run make quietly; its output in the failure when it fails."""
    r = subprocess.run(["make", "-s", *args], cwd=cwd, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, f"make {' '.join(args)} in {cwd}:\n{r.stdout[-3000:]}{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="session")
def builddir():
    if not os.path.exists(os.path.join(BUILDDIR, "Makefile")):
        pytest.fail(f"{BUILDDIR} holds no Makefile: configure it, or set "
                    "TECHTANK_BUILDDIR to a configured build folder")
    return BUILDDIR


@pytest.fixture(scope="session")
def distdir(builddir, tmp_path_factory):
    """The files of the source tarball (make distdir), unpacked."""
    d = tmp_path_factory.mktemp("dist") / "techtank"
    make("distdir", f"distdir={d}", cwd=builddir)
    return d


@pytest.fixture(scope="session")
def staged(distdir, tmp_path_factory):
    """A build of the tarball's files in a folder of its own (a VPATH
    build: srcdir != builddir), configured with --prefix=<tmp>/opt/techtank
    and installed with make install DESTDIR=<tmp>/stage. Yields a dict:
    top (the tmp folder), prefix, stage (DESTDIR), build."""
    top = tmp_path_factory.mktemp("install")
    build = top / "build"
    build.mkdir()
    prefix = top / PREFIX
    r = subprocess.run([str(distdir / "configure"), "-q", f"--prefix={prefix}"],
                       cwd=build, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    stage = top / "stage"
    make("-j2", "install", f"DESTDIR={stage}", cwd=build)
    return {"top": top, "prefix": prefix, "stage": stage, "build": build}


def files_under(d):
    """Every file (or link) below d, as paths relative to d."""
    out = set()
    for parent, _dirs, files in os.walk(d):
        for f in files:
            out.add(os.path.relpath(os.path.join(parent, f), d))
    return out


def git_files(untracked=False):
    """The files git tracks in the source folder (with untracked=True also
    those it does not track but does not ignore either: new files not yet
    added), or None outside a checkout."""
    more = ["--others", "--exclude-standard"] if untracked else []
    try:
        r = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", *more],
                           capture_output=True, timeout=30)
    except FileNotFoundError:
        return None
    if r.returncode != 0:
        return None
    return {f for f in r.stdout.decode().split("\0") if f}
