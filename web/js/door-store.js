// The door page's local store (IndexedDB): what door-offline.js keeps of
// a checkpoint so that the door works when the server cannot be reached.
// It holds only what the server's sync sends, which names no one in the
// clear: each pass under the lookup hash of its code, sealed under a key
// derived from the code; the check-ins made (by hash); the names list
// only when the organiser enabled it; and the queue of check-ins made
// offline (by hash or attendee id, with nonce and time).
//
//   copies  {cp, event, cursor, synced_at, crypto, checkpoint, ticket_types, names_enabled}
//   passes  {cp, h, e} (sealed entry) or {cp, h, s} (why not: cancelled, replaced, ...)
//   seen    {cp, k, at, device}: k a hash, or "#id" for a check-in by name
//   names   {cp, id, name}
//   queue   {nonce, cp, at, hash} or {nonce, cp, at, attendee_id}

const DB_NAME = 'techtank-door';
const DB_VERSION = 1;
const STORES = {
  copies: { keyPath: 'cp' },
  passes: { keyPath: ['cp', 'h'] },
  seen: { keyPath: ['cp', 'k'] },
  names: { keyPath: ['cp', 'id'] },
  queue: { keyPath: 'nonce' },
};

let opening = null;

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('aborted'));
  });
}

/** The database, made on first use. */
export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        for (const [name, opts] of Object.entries(STORES)) {
          if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name, opts);
        }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => { opening = null; reject(req.error); };
    });
  }
  return opening;
}

/** The keys [cp, …] of one checkpoint in a store keyed [cp, x]. */
function ofCheckpoint(cp) {
  return IDBKeyRange.bound([cp], [cp, []]);
}

export async function getCopy(cp) {
  const db = await open();
  return done(db.transaction('copies').objectStore('copies').get(cp));
}

/** Everything of a checkpoint: {copy, passes, seen, names}, or null. */
export async function loadCheckpoint(cp) {
  const db = await open();
  const tx = db.transaction(['copies', 'passes', 'seen', 'names']);
  const [copy, passes, seen, names] = await Promise.all([
    done(tx.objectStore('copies').get(cp)),
    done(tx.objectStore('passes').getAll(ofCheckpoint(cp))),
    done(tx.objectStore('seen').getAll(ofCheckpoint(cp))),
    done(tx.objectStore('names').getAll(ofCheckpoint(cp))),
  ]);
  return copy ? { copy, passes, seen, names } : null;
}

/**
 * Write a sync's answer in one transaction: a whole copy replaces what
 * was kept of the checkpoint (but the check-ins by name made here), a
 * delta changes what it names. changes: {copy, whole, passes, seen,
 * unseen (keys), names, namesGone (ids)}.
 */
export async function writeSync(cp, changes) {
  const db = await open();
  const tx = db.transaction(['copies', 'passes', 'seen', 'names'], 'readwrite');
  const passes = tx.objectStore('passes');
  const seen = tx.objectStore('seen');
  const names = tx.objectStore('names');
  if (changes.whole) {
    passes.delete(ofCheckpoint(cp));
    names.delete(ofCheckpoint(cp));
    // Check-ins by hash come again whole; those by name ("#id") are only
    // here. "#…" sorts before "$", every character of base64 after it.
    seen.delete(IDBKeyRange.bound([cp, '$'], [cp, []]));
  }
  for (const p of changes.passes) passes.put({ ...p, cp });
  for (const k of changes.unseen) seen.delete([cp, k]);
  for (const v of changes.seen) seen.put({ ...v, cp });
  for (const id of changes.namesGone) names.delete([cp, id]);
  for (const n of changes.names) names.put({ cp, id: n.id, name: n.name });
  tx.objectStore('copies').put({ ...changes.copy, cp });
  return finished(tx);
}

/** A check-in made here while offline: seen at once, queued for the server. */
export async function addOffline(cp, item, seenKeys) {
  const db = await open();
  // Strict: on disk when it completes, not only handed to the system.
  const tx = db.transaction(['seen', 'queue'], 'readwrite', { durability: 'strict' });
  tx.objectStore('queue').put({ ...item, cp });
  for (const k of seenKeys) tx.objectStore('seen').put({ cp, k, at: item.at, device: item.device });
  return finished(tx);
}

/** A check-in the server made: seen here before the next sync brings it. */
export async function addSeen(cp, seenKeys, at) {
  const db = await open();
  const tx = db.transaction('seen', 'readwrite');
  for (const k of seenKeys) tx.objectStore('seen').put({ cp, k, at, device: null });
  return finished(tx);
}

export async function queued() {
  const db = await open();
  return done(db.transaction('queue').objectStore('queue').getAll());
}

export async function queuedCount() {
  const db = await open();
  return done(db.transaction('queue').objectStore('queue').count());
}

export async function unqueue(nonces) {
  const db = await open();
  const tx = db.transaction('queue', 'readwrite');
  for (const n of nonces) tx.objectStore('queue').delete(n);
  return finished(tx);
}

/** All but the queue (what was scanned offline is never lost). */
export async function forgetCopies() {
  const db = await open();
  const tx = db.transaction(['copies', 'passes', 'seen', 'names'], 'readwrite');
  for (const name of ['copies', 'passes', 'seen', 'names']) tx.objectStore(name).clear();
  return finished(tx);
}
