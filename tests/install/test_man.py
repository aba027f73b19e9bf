"""The man pages: clean under mandoc -T lint -W warning, and holding every
option and command each program's --help prints (and none it does not),
so that the pages and the programs cannot drift apart."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILDDIR, ROOT, TECHTANK_BADGES, TECHTANKD, make

# Option names in --help text: -o, --db, --offset-x (not the "-tag" of
# "name-tag", not a lone "-").
OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)")


@pytest.fixture(scope="module")
def mandoc():
    path = shutil.which("mandoc")
    if path is None:
        pytest.fail("mandoc not found: install it (apt-get install mandoc, "
                    "or sh .ci/install-deps test)")
    return path


@pytest.fixture(scope="module")
def pages(builddir):
    """{program: (page path, its help)}; techtankd.8 is made by the build."""
    make("daemon/techtankd.8", cwd=builddir)
    return {"techtankd": (os.path.join(BUILDDIR, "daemon/techtankd.8"), TECHTANKD),
            "techtank-badges": (os.path.join(ROOT, "badges/techtank-badges.1"),
                                TECHTANK_BADGES)}


def help_text(program):
    r = subprocess.run([program, "--help"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def documented_options(source):
    """The options the page describes, one .It Fl entry each."""
    out = set()
    for line in source.splitlines():
        if line.startswith(".It Fl "):
            for name in re.findall(r"\bFl (\S+)", line):
                out.add("-" + name.replace("\\-", "-"))
    return out


@pytest.mark.parametrize("name", ["techtankd", "techtank-badges"])
def test_page_is_clean_under_mandoc_lint(mandoc, pages, name):
    page, _prog = pages[name]
    r = subprocess.run([mandoc, "-T", "lint", "-W", "warning", page],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stdout + r.stderr


def test_lint_finds_a_broken_page(mandoc, tmp_path):
    """The lint above can fail: a page with a warning is refused."""
    bad = tmp_path / "bad.1"
    bad.write_text(".Dd December 1, 2026\n.Dt BAD 1\n.Os\n.Sh NAME\n.Nm bad\n"
                   ".Nd a page\n.Sh DESCRIPTION\n.Bl -tag\n.It x\ny\n")
    r = subprocess.run([mandoc, "-T", "lint", "-W", "warning", str(bad)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "WARNING" in r.stdout + r.stderr


@pytest.mark.parametrize("name", ["techtankd", "techtank-badges"])
def test_every_help_option_is_in_the_page(mandoc, pages, name):
    page, prog = pages[name]
    with open(page, encoding="utf-8") as f:
        source = f.read()
    in_help = set(OPTION.findall(help_text(prog)))
    assert "--help" in in_help and "--db" in in_help, in_help
    documented = documented_options(source)
    assert in_help - documented == set(), \
        f"{name} --help prints options its man page does not describe"
    # -h is accepted by both without being printed; anything else the page
    # describes must be one the program says it has.
    assert documented - in_help - {"-h"} == set(), \
        f"the {name} man page describes options --help does not print"
    rendered = subprocess.run([mandoc, "-T", "utf8", page], capture_output=True,
                              text=True, timeout=30).stdout
    rendered = re.sub(r".\x08", "", rendered)
    for opt in in_help:
        assert re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", rendered), \
            f"{opt} is not rendered as typed (ASCII hyphens) in the {name} page"


def test_every_command_is_in_the_pages(pages):
    with open(pages["techtankd"][0], encoding="utf-8") as f:
        daemon_page = f.read()
    verbs = set(re.findall(r"(?<![\w-])user (\w+)", help_text(TECHTANKD)))
    assert verbs == {"add", "list", "disable"}, verbs
    for verb in verbs:
        assert f".It Cm user {verb}" in daemon_page, verb
    with open(pages["techtank-badges"][0], encoding="utf-8") as f:
        badges_page = f.read()
    commands = set(re.findall(r"^  ([a-z]+)  ", help_text(TECHTANK_BADGES), re.M))
    assert commands == {"tags", "programme", "pass", "reissue", "invoice", "layouts"}, commands
    for command in commands:
        assert f".It Cm {command}\n" in badges_page, command
    page_commands = set(re.findall(r"^\.It Cm (\w+)$", badges_page, re.M))
    assert page_commands == commands, page_commands


@pytest.mark.parametrize("name,section", [("techtankd", "8"), ("techtank-badges", "1")])
def test_page_has_the_sections_of_a_manual(pages, name, section):
    with open(pages[name][0], encoding="utf-8") as f:
        source = f.read()
    assert f".Dt {name.upper()} {section}\n" in source
    wanted = ["NAME", "SYNOPSIS", "DESCRIPTION", "FILES", "EXIT STATUS",
              "EXAMPLES", "SEE ALSO"]
    if name == "techtankd":
        wanted.insert(4, "SIGNALS")
    found = re.findall(r"^\.Sh (.+)$", source, re.M)
    assert [s for s in found if s in wanted] == wanted, found
