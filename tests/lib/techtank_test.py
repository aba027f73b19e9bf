"""The real techtankd for black-box tests: started on a free loopback port
with a temporary SQLite database, driven over HTTP. Shared by tests/api and
tests/badges."""
import itertools
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TECHTANKD = os.environ.get("TECHTANKD", os.path.join(ROOT, "techtankd"))
_seq = itertools.count(1)
# The line techtankd writes once it listens, with the port it bound.
SERVING = re.compile(r"serving .+? on http://127\.0\.0\.1:([0-9]+)/")


def free_port():
    """A loopback port nobody holds. It is chosen below the kernel's
    ephemeral range (32768 and up), where the port of an outgoing connection,
    ours or another test run's on the same machine, can never take it between
    the choice and the daemon's bind."""
    for _ in range(500):
        port = random.randrange(20000, 32768)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port between 20000 and 32767")


def migration_numbers():
    """The number of each migration file, in the order they are applied."""
    names = sorted(n for n in os.listdir(os.path.join(ROOT, "db", "migrations"))
                   if n.endswith(".sql"))
    return [int(n.split("-", 1)[0]) for n in names]


class Daemon:
    """One techtankd process; restartable on the same database."""

    def __init__(self, tmp, extra=()):
        self.tmp = tmp
        self.db = os.path.join(tmp, "t.db")
        self.extra = list(extra)
        self.proc = None
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        """Start on a port the daemon picks itself (--listen 127.0.0.1:0)
        and read it off its "serving" line: a port chosen here could be
        taken, by another test run on the machine, before the daemon binds
        it, and the test would then talk to someone else's daemon."""
        # The machine's own configuration file is no part of a test.
        config = [] if "--config" in self.extra else ["--config", os.devnull]
        self.stderr = open(os.path.join(self.tmp, "stderr.log"), "ab")
        logged = len(self.log())
        self.port = None
        self.proc = subprocess.Popen(
            [TECHTANKD, "--listen", "127.0.0.1:0", "--db", self.db,
             "--web-root", os.path.join(ROOT, "web"),
             "--access-log", os.path.join(self.tmp, "access.log")] + config + self.extra,
            stdout=subprocess.DEVNULL, stderr=self.stderr)
        # A ceiling, not a wait: a database of 100,000 rows written by
        # another program gets its search keys before the daemon answers,
        # which takes long on a machine busy with other tests.
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.proc = None
                self.stderr.close()
                raise RuntimeError("techtankd exited: " + self.log()[logged:])
            if self.port is None:
                serving = SERVING.search(self.log()[logged:])
                if serving is None:
                    time.sleep(0.02)
                    continue
                self.port = int(serving.group(1))
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("techtankd did not answer: " + self.log()[logged:])

    def log(self):
        with open(os.path.join(self.tmp, "stderr.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                         "runtime error:", "WARNING: ThreadSanitizer")

    def stop(self, sig=signal.SIGTERM):
        """Stop the daemon. A SIGTERM must end it cleanly (exit 0, which
        the sanitizer builds deny after a leak or a memory error), and no
        sanitizer report may be in its standard error, whatever the signal."""
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        hung = False
        try:
            rc = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            hung = True
        self.proc = None
        self.stderr.close()
        log = self.log()
        reports = [r for r in self.SANITIZER_REPORTS if r in log]
        if reports:
            at = log.find(reports[0])
            raise AssertionError("techtankd: " + log[max(0, at - 200):at + 3000])
        if sig == signal.SIGTERM and (hung or rc != 0):
            raise AssertionError(f"techtankd did not stop cleanly (exit {rc}, "
                                 f"{'killed after 15 s' if hung else 'on its own'}): "
                                 + log[-2000:])
        return rc

    def restart(self):
        self.stop()
        return self.start()

    # What each migration added, undone in reverse, for tests of upgrades
    # from an older schema.
    # Keyed by the number in the migration's file name (0012-programme.sql:
    # 12), which is its schema version once every earlier one is in.
    MIGRATION_UNDO = {
        25: ("DROP INDEX attendees_by_company",
             "CREATE INDEX attendees_by_company ON attendees(event_id, company_key, status)"),
        24: ("DELETE FROM outbox WHERE kind = 'reminder'", "DROP INDEX invoices_credits",
             "DROP TABLE payments",
             "DROP TABLE bank_files", "ALTER TABLE events DROP COLUMN reverse_charge_eu"),
        23: ("DROP TRIGGER invoices_never_changed",
             "DROP TRIGGER invoices_never_deleted",
             "DROP TRIGGER invoice_lines_never_changed",
             "DROP TRIGGER invoice_lines_never_deleted",
             "DROP TABLE invoice_state",
             "DROP TABLE invoice_lines",
             "DROP TABLE invoices",
             "DROP TABLE invoice_series",
             "ALTER TABLE events DROP COLUMN seller_name",
             "ALTER TABLE events DROP COLUMN seller_org_number",
             "ALTER TABLE events DROP COLUMN seller_vat_number",
             "ALTER TABLE events DROP COLUMN seller_address",
             "ALTER TABLE events DROP COLUMN seller_bankgiro",
             "ALTER TABLE events DROP COLUMN seller_email",
             "ALTER TABLE events DROP COLUMN seller_f_tax",
             "ALTER TABLE events DROP COLUMN payment_terms_days",
             "ALTER TABLE events DROP COLUMN cancel_free_until",
             "ALTER TABLE events DROP COLUMN cancel_fee_percent",
             "ALTER TABLE events DROP COLUMN account_receivable",
             "ALTER TABLE events DROP COLUMN account_revenue",
             "ALTER TABLE events DROP COLUMN account_vat",
             "ALTER TABLE events DROP COLUMN account_bank",
             "ALTER TABLE registrations DROP COLUMN billing_organisation",
             "ALTER TABLE registrations DROP COLUMN billing_org_number",
             "ALTER TABLE registrations DROP COLUMN billing_vat_number",
             "ALTER TABLE registrations DROP COLUMN billing_address",
             "ALTER TABLE registrations DROP COLUMN billing_email",
             "ALTER TABLE registrations DROP COLUMN billing_reference"),
        22: ("DROP INDEX registrations_contact_email",
             "ALTER TABLE registrations DROP COLUMN contact_email_norm"),
        21: ("DROP INDEX scan_nonces_nonce",),
        20: ("DELETE FROM outbox WHERE kind = 'organiser'",
             "DROP INDEX organiser_messages_key", "DROP INDEX organiser_messages_event",
             "DROP TABLE organiser_messages"),
        19: ("DELETE FROM outbox WHERE kind IN ('link', 'changed', 'session_moved')",),
        18: tuple(f"DROP TRIGGER {t}" for t in (
            "door_keys_made", "door_pass_made", "door_pass_changed", "door_pass_gone",
            "door_signup_made", "door_signup_gone",
            "door_checkin_made", "door_checkin_undone")) + (
            "DROP TABLE door_conflicts", "DROP TABLE offline_scans", "DROP TABLE door_hashes",
            "DROP TABLE door_changes", "DROP TABLE door_keys",
            "ALTER TABLE checkins DROP COLUMN recorded_at",
            "ALTER TABLE checkins DROP COLUMN device",
            "ALTER TABLE events DROP COLUMN door_offline_names"),
        17: ("ALTER TABLE attendees DROP COLUMN erased_at",
             "ALTER TABLE registrations DROP COLUMN erased_at",
             "ALTER TABLE events DROP COLUMN erased_at",
             "ALTER TABLE events DROP COLUMN erase_after_days",
             "ALTER TABLE events DROP COLUMN organiser_name"),
        16: ("DROP INDEX outbox_due", "DROP INDEX outbox_sending",
             "DROP INDEX outbox_registration", "DROP INDEX outbox_attendee",
             "DROP TABLE outbox", "ALTER TABLE registrations DROP COLUMN lang"),
        15: ("DROP INDEX speaker_passes_attendee", "DROP TABLE speaker_passes",
             "ALTER TABLE events DROP COLUMN speakers_in_capacity",
             "UPDATE events SET confirmed_count = (SELECT count(*) FROM attendees a"
             " WHERE a.event_id = events.id AND a.status = 'confirmed')"),
        13: ("DROP TABLE releases",
             "ALTER TABLE sessions DROP COLUMN published",
             "ALTER TABLE sessions DROP COLUMN sequence",
             "ALTER TABLE sessions DROP COLUMN cancelled"),
        14: ("INSERT OR IGNORE INTO attendee_sessions (attendee_id, session_id)"
             " SELECT attendee_id, session_id FROM session_waits WHERE state = 'wanted'",
             "DROP TABLE session_waits"),
        12: ("DROP INDEX session_speakers_speaker", "DROP INDEX sessions_room_time",
             "CREATE TABLE sessions_old (id INTEGER PRIMARY KEY,"
             " event_id INTEGER NOT NULL REFERENCES events(id),"
             " room_id INTEGER REFERENCES rooms(id),"
             " kind TEXT NOT NULL DEFAULT 'talk' CHECK (kind IN ('talk', 'keynote',"
             " 'panel', 'break', 'meal', 'visit')), title TEXT NOT NULL,"
             " abstract TEXT NOT NULL DEFAULT '', starts_at INTEGER NOT NULL,"
             " ends_at INTEGER NOT NULL, seats INTEGER CHECK (seats IS NULL OR seats >= 0),"
             " signup INTEGER NOT NULL DEFAULT 0 CHECK (signup IN (0, 1)),"
             " taken INTEGER NOT NULL DEFAULT 0, CHECK (ends_at > starts_at))",
             "INSERT INTO sessions_old SELECT id, event_id, room_id, kind, title, abstract,"
             " starts_at, ends_at, seats, signup, taken FROM sessions",
             "DROP TABLE sessions", "ALTER TABLE sessions_old RENAME TO sessions",
             "CREATE INDEX sessions_event ON sessions(event_id, starts_at)",
             "ALTER TABLE events DROP COLUMN changeover_minutes",
             "ALTER TABLE speakers DROP COLUMN version",
             "ALTER TABLE speakers DROP COLUMN photo_url",
             "ALTER TABLE speakers DROP COLUMN email",
             "ALTER TABLE speakers DROP COLUMN bio_en",
             "ALTER TABLE rooms DROP COLUMN version"),
        11: ("DROP INDEX attendees_manage_token",
             "ALTER TABLE events DROP COLUMN changes_until",
             "ALTER TABLE attendees DROP COLUMN manage_token",
             "ALTER TABLE attendees DROP COLUMN version",
             "ALTER TABLE registrations DROP COLUMN version"),
        10: ("DROP TRIGGER attendee_words_made", "DROP TRIGGER attendee_words_changed",
             "DROP TRIGGER attendee_words_gone", "DROP TABLE attendee_words",
             "DROP INDEX attendees_cancelled", "DROP INDEX attendees_by_name",
             "DROP INDEX attendees_by_company", "DROP INDEX attendees_by_status",
             "DROP INDEX attendees_by_ticket_type",
             "ALTER TABLE attendees DROP COLUMN search_key",
             "ALTER TABLE attendees DROP COLUMN name_key",
             "ALTER TABLE attendees DROP COLUMN company_key",
             "DELETE FROM settings WHERE key = 'search_fold_version'"),
        9: (),
        8: ("DROP INDEX ticket_types_invitation",
            "ALTER TABLE ticket_types DROP COLUMN invitation_code"),
    }

    def downgrade(self, version):
        """Take the stopped daemon's database back to schema version."""
        (current,), = self.sql("PRAGMA user_version")
        numbers = migration_numbers()
        for v in range(current, version, -1):
            for statement in self.MIGRATION_UNDO[numbers[v - 1]]:
                self.sql(statement)
        self.sql(f"PRAGMA user_version = {int(version)}")

    def sql(self, statement, *args):
        """Run SQL on the database file (for set-up while stopped, or reads)."""
        con = sqlite3.connect(self.db, timeout=10)
        try:
            cur = con.execute(statement, args)
            rows = cur.fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def set_limits(self, ticket_type=None, quota=None, waitlist=None,
                   capacity="keep"):
        """Change seats in the database, with the daemon stopped around it."""
        self.stop()
        if ticket_type is not None:
            self.sql("UPDATE ticket_types SET quota = ? WHERE id = ?", quota, ticket_type)
            if waitlist is not None:
                self.sql("UPDATE ticket_types SET waitlist = ? WHERE id = ?",
                         1 if waitlist else 0, ticket_type)
        if capacity != "keep":
            self.sql("UPDATE events SET capacity = ?", capacity)
        self.start()

    def add_user(self, name, role, password="correct horse battery"):
        """A staff account, through techtankd's own user command."""
        r = subprocess.run([TECHTANKD, "--db", self.db, "user", "add", name, "--role", role],
                           input=password + "\n", capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        return password

    def login(self, name, password="correct horse battery"):
        """A requests.Session logged in as name, with its CSRF header set."""
        s = requests.Session()
        r = s.post(self.url + "/api/v1/session", json={"username": name, "password": password},
                   timeout=30)
        assert r.status_code == 200, r.text
        s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        s.role = r.json()["role"]
        return s

    # API helpers
    def get(self, path, **kw):
        return requests.get(self.url + path, timeout=10, **kw)

    def post(self, path, body, **kw):
        headers = {"Content-Type": "application/json"}
        headers.update(kw.pop("headers", {}))
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return requests.post(self.url + path, data=data, headers=headers,
                             timeout=30, **kw)

    def delete(self, path, **kw):
        return requests.delete(self.url + path, timeout=10, **kw)

    def register(self, body=None, **kw):
        return self.post("/api/v1/registrations", body or registration(), **kw)

    def remaining(self, ticket_type=1):
        ev = self.get("/api/v1/event").json()
        for t in ev["ticket_types"]:
            if t["id"] == ticket_type:
                return t["remaining"]
        raise KeyError(ticket_type)


def person(first="Åsa", last="Lindström-Öberg", email=None, **extra):
    p = {"first_name": first, "last_name": last,
         "email": email or f"p{next(_seq)}.{uuid.uuid4().hex[:8]}@example.se",
         "company": "Pressverk AB"}
    p.update(extra)
    return p


def registration(n=1, ticket_type=1, **overrides):
    attendees = [person() for _ in range(n)]
    body = {"ticket_type": ticket_type, "privacy_accepted": True,
            "contact": dict(attendees[0], phone="+46 70 123 45 67"),
            "attendees": attendees}
    body.update(overrides)
    return body


