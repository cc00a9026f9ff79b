/**
 * The course's data, served under /data/ from the repository's datasets/ (made by
 * `pnpm prep --course`): a static file handler with HEAD and Range support (h5wasm's lazy HTTP
 * file needs `Accept-Ranges: bytes` on HEAD, or it silently downloads the whole file).
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's datasets/ folder. */
export const DATASETS = fileURLToPath(new URL("../../../datasets/", import.meta.url));

/** What the lessons read: lesson 1–2 the HDF5 file, lesson 3 the Zarr copy of the weather. */
export const COURSE_FILES = ["random.hdf5", "weather-big.zarr"];

/** True when every course file has been prepared. */
export function courseDataReady(root = DATASETS) {
  return COURSE_FILES.every((f) => existsSync(join(root, f)));
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".webmanifest": "application/manifest+json",
};

/**
 * Serves `root/<path>` for a request whose URL path (after the mount prefix) is `path`. Returns
 * false when there is no such file (the caller falls through). Byte ranges get 206 replies.
 */
export function serveFile(req, res, root, path, headers = {}) {
  let rel;
  try {
    rel = normalize(decodeURIComponent(path.split("?")[0])).replace(/^([/\\])+/, "");
  } catch {
    return false;
  }
  if (rel.startsWith("..") || rel.includes(`${sep}..${sep}`)) return false;
  let file = join(root, rel);
  if (!existsSync(file)) return false;
  let st = statSync(file);
  if (st.isDirectory()) {
    file = join(file, "index.html");
    if (!existsSync(file)) return false;
    st = statSync(file);
  }
  const base = {
    ...headers,
    "Accept-Ranges": "bytes",
    "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
    "Cache-Control": "no-cache",
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
  if (range && (range[1] || range[2])) {
    let start = range[1] ? Number(range[1]) : Math.max(0, st.size - Number(range[2]));
    let end = range[1] && range[2] ? Math.min(Number(range[2]), st.size - 1) : st.size - 1;
    if (!range[1]) end = st.size - 1;
    if (start >= st.size || start > end) {
      res.writeHead(416, { ...base, "Content-Range": `bytes */${st.size}` });
      res.end();
      return true;
    }
    start = Math.max(0, start);
    res.writeHead(206, {
      ...base,
      "Content-Range": `bytes ${start}-${end}/${st.size}`,
      "Content-Length": end - start + 1,
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file, { start, end }).pipe(res);
    return true;
  }
  res.writeHead(200, { ...base, "Content-Length": st.size });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
  return true;
}
