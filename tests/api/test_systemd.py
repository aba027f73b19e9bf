"""Running under systemd: log lines with their priority when standard error
is the journal's stream ($JOURNAL_STREAM)."""
import os
import signal
import subprocess
import time

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
