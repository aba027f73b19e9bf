"""The configuration file (--config, --check-config): the order in which the
defaults, the file and the command line override each other in a real
start, and the messages a bad file stops the start with. Each kind of bad
line is in tests/unit/test-config.c; here the daemon itself reads them."""
import os
import socket
import subprocess

import pytest
import requests

from techtank_test import TECHTANKD, ROOT, free_port


def run(*args, timeout=10):
    return subprocess.run([TECHTANKD, *args], capture_output=True, text=True,
                          timeout=timeout)


def settings(out):
    """--check-config's output as a dict (comment lines left out)."""
    d = {}
    for line in out.splitlines():
        if line and not line.startswith("#"):
            k, v = line.split(" = ", 1)
            d[k] = v
    return d


def write(tmp_path, text, name="techtankd.conf"):
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(p)


def port_answers(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_file_then_command_line(make_daemon, tmp_path):
    """The file overrides the defaults, the command line the file: the
    daemon serves on the --listen of its command line, not the file's, and
    takes the file's max-body."""
    file_port = free_port()
    conf = write(tmp_path, f"# a site's settings\nlisten = 127.0.0.1:{file_port}\n"
                           "max-body = 2048\nthreads = 1\n")
    d = make_daemon("--config", conf)
    assert not port_answers(file_port)
    big = {"ticket_type": 1, "pad": "x" * 3000}
    assert d.post("/api/v1/registrations", big).status_code == 413
    small = {"ticket_type": 1, "pad": "x" * 1000}
    assert d.post("/api/v1/registrations", small).status_code == 422


def test_check_config_prints_what_wins(tmp_path):
    conf = write(tmp_path, "threads = 2\nno-demo = true\nmax-body = 4096\n"
                           "public-url = https://konferens.example.se\n")
    r = run("--config", conf, "--threads", "3", "--check-config")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"# techtankd: the defaults, {conf} and the command line\n")
    s = settings(r.stdout)
    assert s["threads"] == "3"                  # the command line
    assert s["max-body"] == "4096"              # the file
    assert s["no-demo"] == "true"
    assert s["public-url"] == "https://konferens.example.se"
    assert s["listen"] == "127.0.0.1:8080"      # the default
    assert s["timeout"] == "10"
    assert "# access-log is not set: standard error" in r.stdout
    # A flag the file sets is undone by =false on the command line.
    r = run("--config", conf, "--no-demo=false", "--check-config")
    assert settings(r.stdout)["no-demo"] == "false"
    # Every key of the file is printed, and the output reads back.
    again = write(tmp_path, r.stdout, "again.conf")
    r2 = run("--config", again, "--check-config")
    assert r2.returncode == 0, r2.stderr
    assert settings(r2.stdout) == settings(r.stdout)
    for key in ("listen", "db", "web-root", "no-demo", "threads", "max-connections",
                "max-body", "timeout", "header-timeout", "body-timeout",
                "secure-cookies"):
        assert key in settings(r.stdout), key


@pytest.mark.parametrize("text, message", [
    ("max-body = 2048\n\nthreads = lots\n",
     ':3: threads: expected a number from 1 to 8, not "lots"'),
    ("# comment\nlisen = 127.0.0.1:80\n",
     ':2: unknown key "lisen" (techtankd --help lists the keys)'),
    ("max-body 2048\n", ":1: expected KEY = VALUE"),
    ("no-demo = perhaps\n", ':1: no-demo: expected true or false, not "perhaps"'),
    ("timeout = 99999\n", ':1: timeout: expected a number from 1 to 3600, not "99999"'),
    ("no-demo = true\nno-demo = true\n", ':2: "no-demo" is set already, on line 1'),
    ("config = /etc/passwd\n", ':1: "config" is for the command line only'),
    (b"web-root = /srv/\xe5\n", ":1: the line is not valid UTF-8"),
    ("db = /x" + " " * 2000 + "\n", ":1: the line is longer than 1024 bytes"),
])
def test_a_bad_file_stops_a_real_start(tmp_path, text, message):
    """The start stops before it listens, with FILE:LINE: what was expected,
    and --check-config says the same."""
    conf = write(tmp_path, text)
    port = free_port()
    r = run("--config", conf, "--listen", f"127.0.0.1:{port}",
            "--db", str(tmp_path / "t.db"), "--web-root", os.path.join(ROOT, "web"))
    assert r.returncode == 1
    assert r.stderr == f"techtankd: {conf}{message}\n"
    assert not (tmp_path / "t.db").exists()
    r = run("--config", conf, "--check-config")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == f"techtankd: {conf}{message}\n"


def test_a_bad_file_stops_even_where_the_command_line_overrides_it(tmp_path):
    conf = write(tmp_path, "threads = 99\n")
    r = run("--config", conf, "--threads", "2", "--check-config")
    assert r.returncode == 1
    assert f'{conf}:1: threads: expected a number from 1 to 8, not "99"' in r.stderr


def test_bad_values_on_the_command_line(tmp_path):
    conf = write(tmp_path, "threads = 2\n")
    r = run("--config", conf, "--max-body", "12", "--check-config")
    assert r.returncode == 1
    assert r.stderr == ('techtankd: --max-body: expected a number from 1024 to '
                        '16777216, not "12"\n')
    r = run("--secure-cookies=maybe", "--check-config")
    assert r.returncode == 1
    assert "--secure-cookies: expected true or false" in r.stderr
    r = run("--check-config=later", "--threads", "2")
    assert r.returncode == 2 and "--check-config: expected true or false" in r.stderr


def test_a_missing_config_file_is_an_error(tmp_path):
    r = run("--config", str(tmp_path / "nope.conf"), "--check-config")
    assert r.returncode == 1
    assert r.stderr == (f"techtankd: cannot read the configuration file "
                        f"{tmp_path / 'nope.conf'}: No such file or directory\n")


def test_hostile_config_files(tmp_path):
    """A folder, a binary, a file larger than 1 MB: each a clear error."""
    r = run("--config", str(tmp_path), "--check-config")
    assert r.returncode == 1 and "Is a directory" in r.stderr
    elf = write(tmp_path, b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8, "a.out")
    r = run("--config", elf, "--check-config")
    assert r.returncode == 1
    assert r.stderr == f"techtankd: {elf}:1: a control character in the line\n"
    big = write(tmp_path, "# padding\n" * 110000, "big.conf")
    r = run("--config", big, "--check-config")
    assert r.returncode == 1
    assert r.stderr == f"techtankd: {big}: larger than 1048576 bytes\n"
    empty = write(tmp_path, "", "empty.conf")
    r = run("--config", empty, "--check-config")
    assert r.returncode == 0 and settings(r.stdout)["listen"] == "127.0.0.1:8080"


def test_help_names_the_file_and_every_key():
    r = run("--help")
    assert r.returncode == 0
    assert "/etc/techtank/techtankd.conf" in r.stdout
    for flag in ("--config FILE", "--check-config", "--listen ADDR:PORT", "--no-demo",
                 "--secure-cookies", "--access-log FILE"):
        assert flag in r.stdout, flag
    assert all(len(line) <= 79 for line in r.stdout.splitlines())


def test_user_commands_read_the_file_too(tmp_path):
    """techtankd user ... finds the database the file names."""
    db = tmp_path / "from-file.db"
    conf = write(tmp_path, f"db = {db}\nno-demo = true\n")
    r = subprocess.run([TECHTANKD, "--config", conf, "user", "add", "asa.lindstrom", "--role",
                        "organiser"], input="correct horse battery\n",
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert db.exists()
    r = run("--config", conf, "user", "list")
    assert r.returncode == 0 and "asa.lindstrom" in r.stdout


def test_the_example_configuration_is_valid():
    """The example make install puts in the docs reads back as it says."""
    r = run("--check-config", "--config", os.path.join(ROOT, "daemon", "techtankd.conf.example"))
    assert r.returncode == 0, r.stderr
    assert settings(r.stdout)["no-demo"] == "true"
