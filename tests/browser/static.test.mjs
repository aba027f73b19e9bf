// Static checks of web/ (no browser): the two catalogues have the same keys,
// every key the pages use exists, and nothing in the pages needs a CSP
// exception or inserts HTML.
//
//   node --test tests/browser/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const read = (p) => fs.readFileSync(path.join(web, p), 'utf8');
const listed = (dir, ext) => fs.readdirSync(path.join(web, dir)).filter((f) => f.endsWith(ext)).map((f) => (dir === '.' ? f : `${dir}/${f}`));
const htmlFiles = [...listed('.', '.html'), ...listed('console', '.html')];
const jsFiles = [...listed('js', '.js'), ...listed('console', '.js')];
const sv = JSON.parse(read('i18n/sv.json'));
const en = JSON.parse(read('i18n/en.json'));

test('sv.json and en.json have the same keys and no empty messages', () => {
  assert.deepEqual(Object.keys(sv).sort(), Object.keys(en).sort());
  for (const [lang, cat] of [['sv', sv], ['en', en]]) {
    for (const [k, v] of Object.entries(cat)) assert.ok(typeof v === 'string' && v.trim(), `${lang}: ${k}`);
  }
});

test('every message key used by the pages exists', async () => {
  const used = new Set();
  for (const f of htmlFiles) {
    for (const m of read(f).matchAll(/data-i18n="([^"]+)"/g)) used.add(m[1]);
    for (const m of read(f).matchAll(/data-i18n-attr="([^"]+)"/g)) {
      for (const pair of m[1].split(';')) used.add(pair.split(':')[1].trim());
    }
  }
  for (const f of jsFiles) {
    const src = read(f);
    for (const m of src.matchAll(/'data-i18n': '([^']+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/'((?:common|programme|register|manage|field|kind|status)\.[a-z0-9_]+)'/g)) used.add(m[1]);
    // Console keys have more levels; a string that only starts keys
    // ('console.event' + '.name') is a prefix, not a key.
    for (const m of src.matchAll(/'((?:console|door)\.[a-z0-9_.]+)'/g)) {
      if (!Object.keys(en).some((k) => k.startsWith(`${m[1]}.`))) used.add(m[1]);
    }
  }
  // Built with template strings: every kind and status of the API contract.
  for (const k of ['talk', 'keynote', 'panel', 'workshop', 'break', 'meal', 'visit']) used.add(`kind.${k}`);
  for (const k of ['confirmed', 'waitlisted', 'partial', 'cancelled']) used.add(`status.${k}`);
  for (const f of ['html', 'js', 'json', 'css']) for (const k of [...used]) if (k.endsWith(`.${f}`)) used.delete(k);
  // The words for the server's codes (web/js/errors.js).
  const errors = await import(new URL(`file://${path.join(web, 'js', 'errors.js')}`).href);
  for (const c of errors.ERROR_CODES) used.add(`error.code.${c}`);
  for (const c of errors.FIELD_CODES) used.add(`error.field.${c}`);
  for (const w of errors.FIELD_WORDS) used.add(`error.field.${w}`);
  // A key worded by number is there as "key.one" and "key.other".
  const missing = [...used].filter((k) => !(k in en) && !(`${k}.other` in en && `${k}.one` in en));
  assert.deepEqual(missing, []);
});

test('every word the console builds from its field tables and codes exists', async () => {
  const url = (f) => new URL(`file://${path.join(web, 'console', f)}`).href;
  const form = await import(url('form.js'));
  const used = [];
  for (const code of form.ERROR_CODES) used.push(`console.error.${code}`);
  for (const code of form.API_CODES) used.push(`console.api.${code}`);
  for (const f of ['events.js', 'ticket-types.js', 'team.js', 'audit.js', 'registrations.js', 'attendees.js',
    'attendee-ops.js', 'programme.js', 'mail.js']) {
    const section = await import(url(f));
    if (section.section) used.push(section.section.navKey);
    for (const { prefix, fields, groups = [] } of section.forms || []) {
      for (const g of groups) used.push(`${prefix}.group.${g}`);
      for (const field of fields) {
        used.push(`${prefix}.${field.name}`);
        if (field.hint) used.push(`${prefix}.${field.name}_hint`);
        if (field.group) assert.ok(groups.includes(field.group), `${prefix}.${field.name}: group ${field.group}`);
        for (const c of field.choices || []) used.push(field.choiceKey(c));
      }
    }
  }
  const attendees = await import(url('attendees.js'));
  for (const c of attendees.COLUMNS) used.push(`console.attendees.col.${c.id}`);
  for (const c of attendees.COMPANY_COLUMNS) used.push(`console.attendees.companies.${c}`);
  for (const st of attendees.STATUSES) used.push(`status.${st}`);
  for (const r of [...attendees.SCAN_RESULTS, 'other']) used.push(`console.attendees.scan.${r}`);
  for (const k of ['count', 'companies.count']) {
    for (const end of ['', '_found', '_more', '_more_found']) used.push(`console.attendees.${k}${end}`);
  }
  const print = await import(url('print.js'));
  used.push(print.section.navKey);
  for (const code of print.PRINT_ERRORS) used.push(`console.print.error.${code}`);
  for (const l of ['durable-1445-02', 'herma-4412', 'a6x4', '4x3']) used.push(`console.print.layout.${l}`);
  const ops = await import(url('attendee-ops.js'));
  for (const k of ops.OPS) {
    for (const end of ['button', 'heading', 'text', 'confirm', 'done']) used.push(`console.attendee_ops.${k}.${end}`);
  }
  for (const c of ops.OP_CODES) used.push(`console.attendee_ops.error.${c}`);
  for (const w of ['type', 'event']) for (const end of ['', '_waitlist']) used.push(`console.attendee_ops.full_${w}${end}`);
  for (const k of ops.OPS) used.push(`console.audit.action.attendee.${k}`);
  const programme = await import(url('programme.js'));
  for (const c of programme.ISSUES) used.push(`console.programme.issue.${c}`);
  for (const name of ['room_id', 'speakers']) for (const c of ['unknown', 'duplicate', 'too_many', 'invalid']) used.push(`console.session.${name}.${c}`);
  const mail = await import(url('mail.js'));
  for (const s of mail.STATES) used.push(`console.mail.state.${s}`);
  for (const k of mail.KINDS) used.push(`console.mail.kind.${k}`);
  const invoices = await import(url('invoices.js'));
  used.push(invoices.section.navKey);
  for (const s of invoices.STATES) used.push(`console.invoices.state.${s}`);
  for (const c of invoices.BANK_ERRORS) used.push(`console.invoices.bank.error.${c}`);
  const audit = await import(url('audit.js'));
  for (const a of audit.ACTIONS) used.push(`console.audit.action.${a}`);
  for (const k of audit.KINDS) used.push(audit.kindKey(k));
  for (const a of audit.ACTION_CHOICES) assert.ok(audit.ACTIONS.includes(a) || audit.KINDS.includes(a), `audit choice ${a}`);
  assert.deepEqual(used.filter((k) => !(k in en)), []);
  // Words for one field's error must name a field and a code that exist.
  for (const k of Object.keys(en).filter((x) => /^console\.(event|ticket_type|user|attendee|room|speaker|session)\.[a-z_]+\.[a-z_]+$/.test(x) && !x.includes('.group.'))) {
    assert.ok(form.ERROR_CODES.includes(k.split('.').pop()), `${k}: no such error code`);
  }
});

test('pages need no CSP exception: no inline script, style or handlers', () => {
  for (const f of htmlFiles) {
    const src = read(f);
    assert.doesNotMatch(src, /<script(?![^>]*\bsrc=)[^>]*>/i, `${f}: inline <script>`);
    assert.doesNotMatch(src, /\sstyle\s*=/i, `${f}: style attribute`);
    assert.doesNotMatch(src, /<style/i, `${f}: <style> element`);
    assert.doesNotMatch(src, /\son[a-z]+\s*=/i, `${f}: on* handler attribute`);
    assert.doesNotMatch(src, /(src|href)="(https?:)?\/\//i, `${f}: external resource`);
  }
  for (const f of jsFiles) {
    const src = read(f);
    assert.doesNotMatch(src, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/, `${f}`);
    assert.doesNotMatch(src, /\.style\.|setAttribute\(\s*['"]style/, `${f}: inline style`);
  }
});
