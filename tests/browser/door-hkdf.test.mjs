// The door page's HKDF-SHA256 (web/js/door-hkdf.js), which derives a pass
// code's lookup hash and entry key without WebCrypto's round trips: the
// same bytes as crypto.subtle's HKDF and the server's (db/door-crypto.c,
// the vector of tests/unit/test-door-sync.c), for codes of every length
// around SHA-256's block edges, and another salt or info, other bytes.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { hkdf, hkdfSalt } from '../../web/js/door-hkdf.js';

const enc = new TextEncoder();
const LOOKUP = enc.encode('techtank door lookup v1');
const KEY = enc.encode('techtank door key v1');

async function subtle(salt, code, info, bits) {
  const k = await crypto.subtle.importKey('raw', code, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, k, bits));
}

test('the server\'s vector', () => {
  const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
  const [lookup, key] = hkdf(hkdfSalt(salt), enc.encode('TT-AAAABBX7KQ2M4N5P6R7S2T3V4W5'), [LOOKUP, KEY], [16, 32]);
  assert.equal(Buffer.from(lookup).toString('hex'), 'ad4c11740e926a27e7d04c99f90cca3a');
  assert.equal(Buffer.from(key).toString('hex'),
    'b8978f2360969cfa38cc2b3cf79e168afa56e055415894c3ae0e9e8796b9c520');
});

test('as crypto.subtle derives it, for codes of any length', async () => {
  const salt = crypto.randomBytes(32);
  const state = hkdfSalt(salt);
  for (const n of [0, 1, 29, 30, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300]) {
    const code = enc.encode('Å'.repeat(n).slice(0, n) + 'x'.repeat(n % 3));
    const [lookup, key] = hkdf(state, code, [LOOKUP, KEY], [16, 32]);
    assert.deepEqual(lookup, await subtle(salt, code, LOOKUP, 128), `lookup of ${code.length} bytes`);
    assert.deepEqual(key, await subtle(salt, code, KEY, 256), `key of ${code.length} bytes`);
  }
  // The salt's state is used again, never changed.
  const code = enc.encode('TT-AAAABBX7KQ2M4N5P6R7S2T3V4W5');
  assert.deepEqual(hkdf(state, code, [LOOKUP], [16])[0], hkdf(state, code, [LOOKUP], [16])[0]);
});

test('another salt, code or info gives other bytes', () => {
  const salt = crypto.randomBytes(32);
  const code = enc.encode('TT-AAAABBX7KQ2M4N5P6R7S2T3V4W5');
  const [a, b] = hkdf(hkdfSalt(salt), code, [LOOKUP, KEY], [16, 16]);
  assert.notDeepEqual(a, b);
  const other = Uint8Array.from(salt);
  other[0] ^= 1;
  assert.notDeepEqual(hkdf(hkdfSalt(other), code, [LOOKUP], [16])[0], a);
  assert.notDeepEqual(hkdf(hkdfSalt(salt), enc.encode('TT-AAAABBX7KQ2M4N5P6R7S2T3V4W4'), [LOOKUP], [16])[0], a);
});
