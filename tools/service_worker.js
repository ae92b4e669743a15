// The handbook's service worker. tools/offline.py fills in BUILD, SHELL and NAMES (the cache,
// message and meta names of engine/contract.py) and writes it to site/sw.js.
// One build = one set of caches: the shell (precached on install, every file checked against its
// hash), pages and large optional files (cached on first use). A new build waits until the reader
// clicks «新版本可用，点此刷新», so a page never runs with scripts of another build.
const BUILD = "__BUILD__";
const SHELL = { "__SHELL__": "" };
const NAMES = { "__NAMES__": "" };
const SHELL_CACHE = NAMES.caches.shell + BUILD;
const PAGE_CACHE = NAMES.caches.pages + BUILD;
const FILE_CACHE = NAMES.caches.files + BUILD;
const OURS = [SHELL_CACHE, PAGE_CACHE, FILE_CACHE];
const scope = new URL(self.registration.scope);
const FALLBACK = new URL("offline.html", scope).href;

async function sha256(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// A file whose bytes differ from the hash this build expects means the server holds another
// build (a deploy in progress): the install fails and the current version stays in charge.
async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  await Promise.all(Object.entries(SHELL).map(async ([path, revision]) => {
    const url = new URL(path, scope).href;
    const response = await fetch(url, { cache: "no-cache" });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    const body = await response.clone().arrayBuffer();
    if (!(await sha256(body)).startsWith(revision)) throw new Error(`${path}: not from build ${BUILD}`);
    await cache.put(url, response);
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith(NAMES.caches.prefix) && !OURS.includes(n));
    // Pages and files the reader had kept come back from this build, so old and new never mix.
    const kept = [];
    for (const name of names.filter((n) => !n.startsWith(NAMES.caches.shell))) {
      kept.push(...(await (await caches.open(name)).keys()).map((r) => r.url));
    }
    await Promise.all(names.map((n) => caches.delete(n)));
    // Earlier versions of the handbook precached the whole site with Workbox.
    await Promise.all((await caches.keys()).filter((n) => n.startsWith("workbox-")).map((n) => caches.delete(n)));
    await self.clients.claim();
    await Promise.all(kept.map((url) => respond(new Request(url)).catch(() => null)));
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === NAMES.swMessages.skip_waiting) self.skipWaiting();
  else if (event.data === NAMES.swMessages.which_build && event.ports[0]) event.ports[0].postMessage(BUILD);
});

function isPage(url) {
  return url.pathname.endsWith(".html") || url.pathname.endsWith("/");
}

// A page from the network is kept only if it belongs to this build. A page of another build is never
// shown while this build's scripts run (its stylesheets and scripts would come from this build's
// cache): a new version is out, the reader is offered it through the waiting worker, and the page
// opens once the reader has clicked «新版本可用，点此刷新». Until then the fallback page of this build
// says so (a full load; a script's fetch, as in instant navigation, fails and the theme then loads
// the page in full).
async function fetchPage(request, cache) {
  const response = await fetch(request, { cache: "no-cache" });
  if (response.ok && response.type === "basic") {
    const text = await response.clone().text();
    if (text.includes(`<meta name="${NAMES.meta.build}" content="${BUILD}">`)) {
      await cache.put(cacheKey(new URL(request.url)), response.clone());
    } else if (text.includes(`<meta name="${NAMES.meta.build}" content="`)) {
      self.registration.update().catch(() => null);
      if (request.mode !== "navigate") return Response.error();
      return Response.redirect(`${FALLBACK}?from=${encodeURIComponent(fromPath(new URL(request.url)))}&newer=1`, 302);
    }
  }
  return response;
}

// The page's address under the site's root, as the fallback page's «重新打开» link takes it.
function fromPath(url) {
  return url.pathname.slice(scope.pathname.length) + url.search + url.hash;
}

// Cached entries are keyed without query (Material adds ?h= for search highlights) and a folder
// URL stands for its index.html.
function cacheKey(url) {
  return url.origin + url.pathname + (url.pathname.endsWith("/") ? "index.html" : "");
}

async function respond(request) {
  const url = new URL(request.url);
  const key = cacheKey(url);
  const hit = await caches.match(key, { cacheName: SHELL_CACHE })
    || await caches.match(key, { cacheName: PAGE_CACHE })
    || (url.search ? null : await caches.match(key, { cacheName: FILE_CACHE }));
  if (hit) return hit;
  if (isPage(url)) {
    try {
      return await fetchPage(request, await caches.open(PAGE_CACHE));
    } catch {
      if (request.mode === "navigate") return Response.redirect(`${FALLBACK}?from=${encodeURIComponent(fromPath(url))}`, 302);
      throw new Error("offline");
    }
  }
  // Large optional files (the Pyodide build, images) are kept once something needs them.
  const response = await fetch(request);
  if (response.ok && response.type === "basic" && !url.search) {
    await (await caches.open(FILE_CACHE)).put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (url.pathname === new URL("sw.js", scope).pathname) return;
  event.respondWith(respond(event.request));
});
