// The door page's service worker (served from the web root, so that its
// scope holds /door.html): it keeps the page's own files, so that the
// page loads with no network at all. Each file is asked of the server
// first, so that a new version arrives at once, and taken from the cache
// when the server does not answer. The API is never cached: the page
// keeps the checkpoint's copy itself (js/door-offline.js).
const CACHE = 'techtank-door-v1';
const NETWORK_WAIT_MS = 3000; // a server that does not answer is as good as gone
const FILES = [
  'door.html', 'door.webmanifest', 'css/site.css', 'vendor/jsqr/jsQR.js',
  'js/door.js', 'js/door-scan.js', 'js/door-offline.js', 'js/door-store.js', 'js/door-hkdf.js',
  'js/api.js', 'js/errors.js', 'js/i18n.js', 'js/dom.js', 'js/format.js',
  'i18n/en.json', 'i18n/sv.json', 'icons/door.svg',
];
const kept = new Set(FILES.map((f) => new URL(f, self.registration.scope).pathname));

self.addEventListener('install', (ev) => {
  ev.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(FILES.map((f) => new Request(f, { cache: 'no-cache' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

async function fromNetwork(request, key) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), NETWORK_WAIT_MS);
  try {
    const response = await fetch(request, { signal: timeout.signal });
    if (response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(key, response.clone());
    }
    return response;
  } finally {
    clearTimeout(timer);
  }
}

async function answer(request, key) {
  try {
    return await fromNetwork(request, key);
  } catch {
    const cached = await caches.match(key);
    if (cached) return cached;
    throw new TypeError('offline and not kept');
  }
}

self.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== 'GET' || url.origin !== self.location.origin || !kept.has(url.pathname)) return;
  // door.html?lang=sv is door.html.
  ev.respondWith(answer(ev.request, url.pathname));
});
