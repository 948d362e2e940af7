/* Noticed service worker {{ version }}: pages network-first with the cached copy or the offline
   page as fallback; hashed assets cache-first; queued reports are sent by Background Sync too.
   Queued reports live in IndexedDB, never in these caches, so an update cannot lose them. */
'use strict';
const VERSION = {{ version|tojson }};
const PRECACHE = {{ precache|tojson }};
const API_URL = {{ api_url|tojson }};
const ASSETS = 'noticed-assets-' + VERSION;
const PAGES = 'noticed-pages-' + VERSION;
importScripts({{ queue_script|tojson }});

async function languagesAlreadyKept() {
  const langs = new Set();
  for (const name of await caches.keys()) {
    if (!name.startsWith('noticed-pages-')) continue;
    for (const request of await (await caches.open(name)).keys()) {
      const lang = new URL(request.url).pathname.split('/')[1];
      if (PRECACHE.pages[lang]) langs.add(lang);
    }
  }
  return langs;
}

async function keepLanguage(lang) {
  const urls = PRECACHE.pages[lang];
  if (!urls) return;
  const cache = await caches.open(PAGES);
  await Promise.all(urls.map(async (url) => {
    const response = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
    if (response.ok) await cache.put(url, response);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    await (await caches.open(ASSETS)).addAll(PRECACHE.assets);
    for (const lang of await languagesAlreadyKept()) await keepLanguage(lang);
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('noticed-') && name !== ASSETS && name !== PAGES) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'skip-waiting') self.skipWaiting();
  if (data.type === 'keep-language') event.waitUntil(keepLanguage(data.lang));
  if (data.type === 'flush') event.waitUntil(self.NoticedQueue.flush(API_URL, { force: true }));
});

self.addEventListener('sync', (event) => {
  if (event.tag !== 'noticed-send') return;
  // Failing the sync while reports still wait makes the browser schedule another one later.
  event.waitUntil(self.NoticedQueue.flush(API_URL, { force: true }).then((waiting) => {
    if (waiting) throw new Error(waiting + ' reports still waiting');
  }));
});

// Never kept in the caches: the staff side, the API, and a reporter's own status page (shown at
// /<lang>/status/reply after an answer), which holds the receipt code and the messages.
function isPrivate(url) {
  return url.pathname.startsWith('/staff') || url.pathname.startsWith('/api/') || url.pathname === '/sw.js' ||
    /^\/[^/]+\/status\/reply$/.test(url.pathname);
}

async function fromNetworkThenCache(request, url) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic' && !response.redirected) {
      await cache.put(url.pathname, response.clone());
    }
    return response;
  } catch (networkError) {
    const cached = await cache.match(url.pathname);
    if (cached) return cached;
    const lang = PRECACHE.pages[url.pathname.split('/')[1]] ? url.pathname.split('/')[1] : 'en';
    const offline = await caches.match('/' + lang + '/offline');
    if (offline) return offline;
    throw networkError;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isPrivate(url)) return;
  if (request.mode === 'navigate') {
    event.respondWith(fromNetworkThenCache(request, url));
  } else if (PRECACHE.assets.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});
