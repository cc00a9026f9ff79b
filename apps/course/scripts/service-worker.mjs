/**
 * The offline service worker, written into a build by `astro:build:done`: it precaches every page
 * and the assets they need to run a cell (see `precacheAssets`), serves hashed assets from the cache
 * first and pages from the network first (so a new build is picked up), and keeps each data file
 * under /data/ the first time a lesson reads it (see `dataHandler`).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Lazily imported assets above this size are cached on first use instead of at install. */
const PRECACHE_MAX_BYTES = 500_000;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** A reference to a built asset: `from"./x.js"`, `import("./x.js")`, `new URL("/_astro/x.js", …)`, `src="/_astro/x.js"`. */
const ASSET_REF = /(import\(\s*)?["'`](?:\.\/|[^"'`\s]*\/_astro\/)([\w.-]+\.(?:js|mjs|css|wasm))["'`]/g;

/**
 * The assets to precache: everything the pages load, and everything those load in turn by static
 * import or as a worker script (the cell runner and the pool's workers, whatever their size), plus
 * lazily imported chunks when small. Big lazy chunks (h5wasm, Graphviz, Zarr codecs) are cached the
 * first time a lesson uses them.
 */
export function precacheAssets(dist) {
  const assets = join(dist, "_astro");
  const exists = new Set(readdirSync(assets));
  const wanted = new Set();
  const visit = (text) => {
    for (const [, dynamic, name] of text.matchAll(ASSET_REF)) {
      if (!exists.has(name) || wanted.has(name)) continue;
      if (dynamic && statSync(join(assets, name)).size > PRECACHE_MAX_BYTES) continue;
      wanted.add(name);
      visit(readFileSync(join(assets, name), "utf8"));
    }
  };
  for (const f of files(dist)) if (f.endsWith(".html")) visit(readFileSync(f, "utf8"));
  return [...wanted].sort();
}

/**
 * The service worker's handling of /data/ (inserted into sw.js as source). Lessons read data
 * three ways: whole small files (Zarr metadata and chunks, GET), and HDF5 by h5wasm's lazy file,
 * which asks `HEAD` for the size and `Accept-Ranges`, then reads 1 MB ranges (GET + `Range`, 206)
 * with synchronous XHR from a worker. The Cache API keeps only whole 200 answers to GET (a 206 or a
 * HEAD answer cannot be put), so each file is kept whole, under its URL: a plain GET's answer as it
 * comes, and for a HEAD or a range the whole file fetched once beside the lesson's own requests.
 * A kept file answers all three from the cache, ranges as 206 slices of its body with
 * `Content-Range`, so the same code reads it offline. Until a file is kept, requests go to the
 * network unchanged.
 */
export const dataHandler = `
const DATA_CACHE = CACHE + "-data";
/** Whole data files being fetched into the cache, by URL. */
const keeping = new Map();

function keepWhole(cache, url) {
  if (!keeping.has(url))
    keeping.set(
      url,
      fetch(url)
        .then((res) => (res.status === 200 ? cache.put(url, res) : undefined))
        .catch(() => {})
        .finally(() => keeping.delete(url)),
    );
  return keeping.get(url);
}

async function fromKept(request, kept) {
  const range = /^bytes=(\\d*)-(\\d*)$/.exec(request.headers.get("Range") ?? "");
  if (request.method === "GET" && !(range && (range[1] || range[2]))) return kept;
  const body = await kept.blob();
  const size = body.size;
  const headers = { "Content-Type": kept.headers.get("Content-Type") ?? "application/octet-stream", "Accept-Ranges": "bytes" };
  if (request.method === "HEAD")
    return new Response(null, { status: 200, headers: { ...headers, "Content-Length": String(size) } });
  let start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
  const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  if (start >= size || start > end)
    return new Response(null, { status: 416, headers: { ...headers, "Content-Range": "bytes */" + size } });
  start = Math.max(0, start);
  return new Response(body.slice(start, end + 1), {
    status: 206,
    headers: { ...headers, "Content-Range": "bytes " + start + "-" + end + "/" + size, "Content-Length": String(end - start + 1) },
  });
}

async function data(event) {
  const request = event.request;
  const url = request.url;
  const cache = await caches.open(DATA_CACHE);
  const kept = await cache.match(url);
  if (kept) return fromKept(request, kept);
  const res = await fetch(request);
  if (res.ok) {
    const whole = request.method === "GET" && res.status === 200 && !request.headers.has("Range");
    event.waitUntil(whole ? cache.put(url, res.clone()).catch(() => {}) : keepWhole(cache, url));
  }
  return res;
}
`;

/** Writes `<dist>/sw.js` precaching the build under `dist` (served at `base`). */
export function writeServiceWorker(dist, pages, base = "/") {
  const urls = [
    ...pages.map((p) => `${base}${p}`),
    ...precacheAssets(dist).map((name) => `${base}_astro/${name}`),
    `${base}favicon.svg`,
  ];
  const version = Date.now().toString(36);
  const sw = `// Generated by apps/course/scripts/service-worker.mjs at build time.
const CACHE = "chunked-course-${version}";
const PRECACHE = ${JSON.stringify(urls)};
${dataHandler}self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE && k !== DATA_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("${base}data/")) {
    if (event.request.method === "GET" || event.request.method === "HEAD") event.respondWith(data(event));
    return;
  }
  if (event.request.method !== "GET") return;
  if (url.pathname.startsWith("${base}_astro/")) {
    event.respondWith(
      caches.match(event.request).then(
        (hit) =>
          hit ||
          fetch(event.request).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              caches.open(CACHE).then((c) => c.put(event.request, copy));
            }
            return res;
          }),
      ),
    );
    return;
  }
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(event.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(event.request).then((hit) => hit || Response.error())),
  );
});
`;
  writeFileSync(join(dist, "sw.js"), sw);
  return urls.length;
}
