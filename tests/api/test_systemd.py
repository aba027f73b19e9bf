"""Running under systemd: the notify protocol (READY=1 once the port
answers, WATCHDOG=1 while the loops turn, STOPPING=1 on SIGTERM) on a unix
datagram socket of the test's own, log lines with their priority when
standard error is the journal's stream ($JOURNAL_STREAM), and the unit file
checked by systemd-analyze where it is installed."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

import requests

from techtank_test import TECHTANKD, ROOT, free_port


def daemon_args(tmp_path, port, *extra):
    return [TECHTANKD, "--listen", f"127.0.0.1:{port}", "--db", str(tmp_path / "t.db"),
            "--web-root", os.path.join(ROOT, "web"),
            "--access-log", str(tmp_path / "access.log"), *extra]


def wait_healthy(port, proc, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert proc.poll() is None, "techtankd exited"
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("techtankd did not answer")


def journal_env(path, **extra):
    """$JOURNAL_STREAM naming the file that is standard error, as systemd
    names its stream socket."""
    st = os.stat(path)
    env = dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
    env.update(extra)
    return env


def run_logged(tmp_path, env_for, args, wait=True):
    """Start techtankd with standard error in a file; stop it with SIGTERM
    once it answers. Its exit status and standard error."""
    log = tmp_path / "stderr.log"
    log.write_bytes(b"")
    with open(log, "ab") as err:
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err,
                             env=env_for(log))
        try:
            if wait:
                wait_healthy(int(args[2].rsplit(":", 1)[1]), p)
                p.send_signal(signal.SIGTERM)
            rc = p.wait(timeout=15)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
    return rc, log.read_text()


def test_priorities_in_the_journal(tmp_path):
    port = free_port()
    rc, log = run_logged(tmp_path, journal_env, daemon_args(tmp_path, port))
    assert rc == 0
    lines = log.splitlines()
    assert lines, log
    assert all(line.startswith("<6>") for line in lines), log
    assert f"<6>serving {os.path.join(ROOT, 'web')} on http://127.0.0.1:{port}/" in log
    assert "<6>stopped" in lines
    assert "techtankd:" not in log   # the journal names the program itself


def test_fatal_errors_are_priority_3(tmp_path):
    rc, log = run_logged(tmp_path, journal_env,
                         daemon_args(tmp_path, free_port(), "--web-root",
                                     str(tmp_path / "nope")), wait=False)
    assert rc == 1
    assert log.startswith("<3>") and "web root" in log, log


def test_a_journal_stream_that_is_not_standard_error_is_ignored(tmp_path):
    """Inherited by a process whose standard error is somewhere else: no
    priorities, the program's name as on a terminal."""
    other = tmp_path / "other"
    other.write_text("")

    def env_for(_):
        return journal_env(other)

    rc, log = run_logged(tmp_path, env_for, daemon_args(tmp_path, free_port()))
    assert rc == 0
    assert log.startswith("techtankd: ") and "<6>" not in log, log
    for junk in ("", "x", "1:", ":1", "1:2:3", "18446744073709551616:1", "-1:-1"):
        rc, log = run_logged(tmp_path, lambda _: dict(os.environ, JOURNAL_STREAM=junk),
                             daemon_args(tmp_path, free_port()))
        assert rc == 0
        assert log.startswith("techtankd: "), (junk, log)


class Notified:
    """A unix datagram socket standing in for systemd's, and a daemon told
    of it through $NOTIFY_SOCKET."""

    def __init__(self, tmp_path, abstract=False, **env):
        self.dir = tempfile.TemporaryDirectory(prefix="ttn-")  # a short path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = "@techtank-test-" + os.path.basename(self.dir.name)
            self.sock.bind("\0" + name[1:])
        else:
            name = os.path.join(self.dir.name, "notify")
            self.sock.bind(name)
        self.port = free_port()
        self.stderr = open(tmp_path / "stderr.log", "wb")
        self.tmp = tmp_path
        e = dict(os.environ, NOTIFY_SOCKET=name)
        e.pop("WATCHDOG_USEC", None)
        e.pop("WATCHDOG_PID", None)
        e.update(env)
        self.proc = subprocess.Popen(daemon_args(tmp_path, self.port),
                                     stdout=subprocess.DEVNULL, stderr=self.stderr, env=e)

    def recv(self, timeout):
        """The next message, or None after timeout seconds."""
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(4096).decode()
        except socket.timeout:
            return None

    def wait_for(self, line, timeout=10):
        deadline = time.time() + timeout
        seen = []
        while time.time() < deadline:
            m = self.recv(max(0.01, deadline - time.time()))
            if m is None:
                break
            seen.append(m)
            if line in m.split("\n"):
                return m, seen
        raise AssertionError(f"no {line} in {seen}; stderr: " + self.log())

    def count(self, line, seconds):
        n, deadline = 0, time.time() + seconds
        while time.time() < deadline:
            m = self.recv(max(0.01, deadline - time.time()))
            if m is not None and line in m.split("\n"):
                n += 1
        return n

    def log(self):
        return (self.tmp / "stderr.log").read_text()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()
        self.sock.close()
        self.dir.cleanup()


@pytest.fixture
def notified(tmp_path):
    made = []

    def make(**kw):
        made.append(Notified(tmp_path, **kw))
        return made[-1]

    yield make
    for n in made:
        n.close()


def test_ready_once_the_port_answers_then_watchdog_then_stopping(notified):
    n = notified(WATCHDOG_USEC="400000")
    ready, seen = n.wait_for("READY=1")
    # READY=1 is the first word, and by then the port takes connections.
    assert seen == [ready]
    with socket.create_connection(("127.0.0.1", n.port), timeout=2):
        pass
    assert requests.get(f"http://127.0.0.1:{n.port}/healthz", timeout=5).ok
    assert f"STATUS=serving on port {n.port}, database {n.tmp / 't.db'}" in ready
    # Pings at half the interval systemd was given: ~7 in 1.5 s.
    assert n.count("WATCHDOG=1", 1.5) >= 4
    n.proc.send_signal(signal.SIGTERM)
    n.wait_for("STOPPING=1")
    assert n.proc.wait(timeout=15) == 0
    assert "WATCHDOG_USEC" not in n.log()


def test_an_abstract_notify_socket(notified):
    n = notified(abstract=True)
    n.wait_for("READY=1")
    # No watchdog asked for: no pings.
    assert n.count("WATCHDOG=1", 0.5) == 0
    n.proc.send_signal(signal.SIGTERM)
    n.wait_for("STOPPING=1")
    assert n.proc.wait(timeout=15) == 0


def test_a_watchdog_meant_for_another_process_is_not_fed(notified):
    n = notified(WATCHDOG_USEC="200000", WATCHDOG_PID="1")
    n.wait_for("READY=1")
    assert n.count("WATCHDOG=1", 0.6) == 0


@pytest.mark.parametrize("env, warning", [
    ({"NOTIFY_SOCKET": "relative/notify"}, "NOTIFY_SOCKET=relative/notify is no unix socket"),
    ({"NOTIFY_SOCKET": "/" + "x" * 200}, "is no unix socket"),
    ({"NOTIFY_SOCKET": "@"}, "NOTIFY_SOCKET=@ is no unix socket"),
    ({"NOTIFY_SOCKET": "/nonexistent/notify"}, 'telling systemd "READY=1'),
    ({"WATCHDOG_USEC": "soon"}, "WATCHDOG_USEC=soon is no number of microseconds"),
    ({"WATCHDOG_USEC": "-5"}, "WATCHDOG_USEC=-5 is no number"),
    ({"WATCHDOG_USEC": "99999999999999999999999"}, "is no number of microseconds"),
])
def test_a_bad_notify_environment_is_warned_about_and_served_through(tmp_path, env, warning):
    """Whatever $NOTIFY_SOCKET and $WATCHDOG_USEC hold, the daemon serves
    and says what it could not use, as a warning."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    d = tempfile.TemporaryDirectory(prefix="ttn-")
    path = os.path.join(d.name, "notify")
    sock.bind(path)
    full = {"NOTIFY_SOCKET": path}
    full.update(env)
    try:
        rc, log = run_logged(tmp_path, lambda f: journal_env(f, **full),
                             daemon_args(tmp_path, free_port()))
    finally:
        sock.close()
        d.cleanup()
    assert rc == 0
    assert re.search("^<4>.*" + re.escape(warning), log, re.M), log


UNIT_IN = os.path.join(ROOT, "daemon", "techtankd.service.in")


def unit_file(tmp_path):
    """The unit with @sbindir@ the folder of the techtankd under test (by
    that name: the ASan build is techtankd-asan)."""
    sbin = tmp_path / "sbin"
    sbin.mkdir()
    os.symlink(TECHTANKD, sbin / "techtankd")
    with open(UNIT_IN) as f:
        text = f.read().replace("@sbindir@", str(sbin))
    assert not re.search(r"@[a-z]+@", text), text
    unit = tmp_path / "techtankd.service"
    unit.write_text(text)
    return unit


def systemd_analyze():
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd): "
                    "the unit file is not checked")
    return tool


def test_the_unit_file_verifies(tmp_path):
    tool = systemd_analyze()
    unit = unit_file(tmp_path)
    # --man=no: the man page is not installed from the build folder.
    r = subprocess.run([tool, "verify", "--man=no", str(unit)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "techtankd.service" not in r.stdout + r.stderr, r.stdout + r.stderr


def test_the_unit_file_is_hardened(tmp_path):
    """systemd-analyze security scores it OK or better (exposure below 5)."""
    tool = systemd_analyze()
    unit = unit_file(tmp_path)
    r = subprocess.run([tool, "security", "--offline=yes", str(unit)],
                       capture_output=True, text=True, timeout=60)
    if "--offline" in r.stderr and r.returncode != 0:
        pytest.skip("this systemd-analyze has no --offline: " + r.stderr.strip())
    m = re.search(r"Overall exposure level for techtankd.service: ([0-9.]+) (\w+)",
                  r.stdout)
    assert m, r.stdout + r.stderr
    assert m.group(2) in ("SAFE", "OK"), m.group(0)
    assert float(m.group(1)) < 2.0, m.group(0)


def test_the_unit_runs_the_daemon_as_its_own_user():
    with open(UNIT_IN) as f:
        keys = dict(line.split("=", 1) for line in f.read().splitlines()
                    if "=" in line and not line.startswith("#"))
    assert keys["Type"] == "notify"
    assert keys["DynamicUser"] == "yes"
    assert keys["StateDirectory"] == "techtank"
    assert keys["ExecStart"] == "@sbindir@/techtankd --db /var/lib/techtank/techtank.db"
    assert int(keys["WatchdogSec"].rstrip("s")) >= 10
