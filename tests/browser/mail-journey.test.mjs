// Browser test of the mail as an attendee meets it: Åsa registers in
// Swedish on her phone against a daemon that sends to a local SMTP sink
// (tests/lib/smtp_sink.py, aiosmtpd, started here); the confirmation
// arrives in Swedish with her pass attached; its link, opened in a fresh
// browser as from a mail client, shows her registration; she downloads
// "my data" and deletes the registration.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  repoRoot, startDaemon, launch, newPage, apiCall, axeViolations, real, setLang,
} from './harness.mjs';

let d = null;
let browser = null;
let sink = null;

/** The sink: a folder that fills with NNNN.json, one per message. */
async function startSink() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'techtank-sink-'));
  const proc = spawn('/usr/bin/python3', [path.join(repoRoot, 'tests', 'lib', 'smtp_sink.py'), dir],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (chunk) => { out += chunk; });
  const deadline = Date.now() + 10000;
  while (!/listening (\d+)/.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`the SMTP sink did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir,
    port: Number(/listening (\d+)/.exec(out)[1]),
    async stop() {
      const exited = once(proc, 'exit');
      proc.stdin.end();
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
    /** The first message to rcpt, waiting for it up to 30 s. */
    async mailTo(rcpt) {
      const until = Date.now() + 30000;
      while (Date.now() < until) {
        for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
          const m = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
          if (m.rcpt_tos.includes(rcpt)) return m;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no mail to ${rcpt} in 30 s`);
    },
  };
}

before(async () => {
  sink = await startSink();
  d = await startDaemon({
    args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--mail-from', 'Techtank <noreply@techtank.example>'],
  });
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    try {
      if (d) await d.stop();
    } finally {
      if (sink) await sink.stop();
    }
  }
});

test('register in Swedish, read the confirmation in the sink, open its link, download my data, delete', async () => {
  const email = `asa.${crypto.randomBytes(5).toString('hex')}@example.se`;
  const visitor = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  let token = null;
  let passCode = null;
  try {
    const page = visitor.page;
    await page.goto('/register.html');
    await setLang(page, 'sv');
    const ticket = page.locator('#ticket-list input[type="radio"]:not([disabled])').first();
    await ticket.waitFor();
    await ticket.check();
    await page.fill('#contact-first_name', 'Åsa');
    await page.fill('#contact-last_name', 'Lindström-Öberg');
    await page.fill('#contact-email', email);
    await page.fill('#contact-company', 'Pressverk AB');
    const att = page.locator('#attendee-list .attendee').first();
    await att.locator('[data-name="first_name"]').fill('Åsa');
    await att.locator('[data-name="last_name"]').fill('Lindström-Öberg');
    await att.locator('[data-name="email"]').fill(email);
    await att.locator('[data-name="company"]').fill('Pressverk AB');
    await att.locator('[data-name="dietary"]').fill('Vegetarisk');
    await page.check('#privacy_accepted');
    await Promise.all([page.waitForURL(/\/manage\.html\?lang=(sv|en)#t=/), page.click('#submit-button')]);
    passCode = (await page.locator('#attendee-list .pass-code').first().textContent()).trim();
    assert.deepEqual(real(visitor.problems), []);
  } finally {
    await visitor.context.close();
  }

  // The confirmation, as a mail client reads it: Swedish, her name in the
  // subject, her pass and the programme attached, her link in the text.
  const mail = await sink.mailTo(email);
  assert.match(mail.subject, /^Bekräftelse: /);
  assert.match(mail.subject, /Åsa Lindström-Öberg/);
  assert.match(mail.text, /Åsa Lindström-Öberg/);
  const files = mail.attachments.map((a) => [a.content_type, a.size > 1000]);
  assert.ok(files.some(([type, big]) => type === 'application/pdf' && big), JSON.stringify(mail.attachments));
  assert.ok(files.some(([type]) => type === 'text/calendar'), JSON.stringify(mail.attachments));
  const links = mail.text.match(/https?:\/\/[^\s<>"]+\/manage\.html#t=[A-Za-z0-9_-]+/g);
  assert.ok(links && links.length >= 1, mail.text);
  const link = links[0];
  assert.equal(new URL(link).origin, d.baseURL, 'the link points at this daemon');
  token = /#t=([A-Za-z0-9_-]+)/.exec(link)[1];
  assert.ok(mail.html.includes(link), 'the HTML part links the same page');

  // Opened from the mail in a browser that has never seen the site.
  const reader = await newPage(browser, d.baseURL, { locale: 'sv-SE', acceptDownloads: true });
  try {
    const page = reader.page;
    await page.goto(link);
    await page.locator('#privacy-panel').waitFor();
    await setLang(page, 'sv');
    assert.match(await page.locator('#attendee-list').textContent(), /Åsa Lindström-Öberg/);
    assert.deepEqual(await axeViolations(page), []);

    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#privacy-download')]);
    const doc = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
    assert.deepEqual(doc.attendees.map((a) => [a.first_name, a.last_name, a.email, a.dietary]),
      [['Åsa', 'Lindström-Öberg', email, 'Vegetarisk']]);
    assert.equal(doc.registration.contact_email, email);
    assert.deepEqual(doc.passes.map((p) => p.pass_code), [passCode]);
    // The mail sent to her is part of what is stored about her.
    assert.ok(JSON.stringify(doc).includes(mail.message_id.replace(/[<>]/g, '')), 'the outbox row is in the export');

    await page.click('#erase-open');
    await page.locator('#erase-dialog[open]').waitFor();
    await page.click('#erase-confirm');
    await page.locator('#page-title', { hasText: 'Dina uppgifter är raderade' }).waitFor();
    assert.equal((await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${token}`)).status, 404);
    assert.deepEqual(real(reader.problems, 404), []);
  } finally {
    await reader.context.close();
  }
});
