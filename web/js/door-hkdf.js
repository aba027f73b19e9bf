// HKDF-SHA256 (RFC 5869) of a pass code with the copy's salt, as
// db/door-crypto.c derives it: the lookup hash and the entry key of a
// pass. Done here rather than with crypto.subtle because each WebCrypto
// call is a round trip to another thread and back, a few milliseconds on
// a slow phone, while the ten SHA-256 blocks of a code take microseconds;
// the entry is still opened with WebCrypto's AES-GCM. The salt's keyed
// HMAC state is made once per copy, as the server does. The tests check
// it against crypto.subtle.

const K = Uint32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
const IV = Uint32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
const W = new Uint32Array(64);

function ror(x, n) {
  return (x >>> n) | (x << (32 - n));
}

/** One 64-byte block of b (at offset at) into the state h. */
function block(h, b, at) {
  for (let i = 0; i < 16; i++) {
    const j = at + 4 * i;
    W[i] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15];
    const y = W[i - 2];
    W[i] = W[i - 16] + (ror(x, 7) ^ ror(x, 18) ^ (x >>> 3)) + W[i - 7]
      + (ror(y, 17) ^ ror(y, 19) ^ (y >>> 10));
  }
  let [a, b2, c, d, e, f, g, hh] = h;
  for (let i = 0; i < 64; i++) {
    const t1 = (hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b2) ^ (a & c) ^ (b2 & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b2;
    b2 = a;
    a = (t1 + t2) | 0;
  }
  h[0] += a;
  h[1] += b2;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

/** SHA-256 as a state that takes bytes and can be copied part way. */
class Sha256 {
  constructor() {
    this.h = IV.slice();
    this.buf = new Uint8Array(64);
    this.n = 0;
    this.len = 0;
  }

  copy() {
    const c = new Sha256();
    c.h.set(this.h);
    c.buf.set(this.buf);
    c.n = this.n;
    c.len = this.len;
    return c;
  }

  update(bytes) {
    let i = 0;
    this.len += bytes.length;
    if (this.n === 0) {
      for (; i + 64 <= bytes.length; i += 64) block(this.h, bytes, i);
    }
    for (; i < bytes.length; i++) {
      this.buf[this.n++] = bytes[i];
      if (this.n === 64) {
        block(this.h, this.buf, 0);
        this.n = 0;
      }
    }
    return this;
  }

  digest() {
    const bits = this.len * 8;
    const pad = new Uint8Array(((this.n < 56 ? 56 : 120) - this.n) + 8);
    pad[0] = 0x80;
    for (let i = 0; i < 8; i++) pad[pad.length - 1 - i] = Math.floor(bits / 2 ** (8 * i)) & 0xff;
    this.update(pad);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      out[4 * i] = this.h[i] >>> 24;
      out[4 * i + 1] = this.h[i] >>> 16;
      out[4 * i + 2] = this.h[i] >>> 8;
      out[4 * i + 3] = this.h[i];
    }
    return out;
  }
}

/** HMAC-SHA256 keyed with key (at most 64 bytes): its inner and outer states. */
function keyed(key) {
  const ipad = new Uint8Array(64).fill(0x36);
  const opad = new Uint8Array(64).fill(0x5c);
  for (let i = 0; i < key.length; i++) {
    ipad[i] ^= key[i];
    opad[i] ^= key[i];
  }
  return { inner: new Sha256().update(ipad), outer: new Sha256().update(opad) };
}

function hmac(k, ...parts) {
  const inner = k.inner.copy();
  for (const p of parts) inner.update(p);
  return k.outer.copy().update(inner.digest()).digest();
}

/** The salt's keyed state, made once for all the codes of a copy. */
export function hkdfSalt(salt) {
  return keyed(salt);
}

/**
 * HKDF-SHA256 of ikm (bytes) with the salt's state: for each info
 * (bytes), its first bytes[i] bytes (at most 32: one block of Expand).
 */
export function hkdf(saltState, ikm, infos, bytes) {
  const prk = keyed(hmac(saltState, ikm));
  return infos.map((info, i) => hmac(prk, info, Uint8Array.of(1)).slice(0, bytes[i]));
}
