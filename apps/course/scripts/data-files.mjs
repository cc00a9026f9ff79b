/**
 * The course's data, served under /data/ from the repository's datasets/: a static file handler
 * with HEAD and Range support (h5wasm's lazy HTTP file needs `Accept-Ranges: bytes` on HEAD, or it
 * silently downloads the whole file), and how the files are made.
 */
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's datasets/ folder. */
export const DATASETS = fileURLToPath(new URL("../../../datasets/", import.meta.url));

/**
 * What the lessons read, by the name it is served under (/data/NAME) → its path in datasets/, all
 * made by `pnpm prep --course`: lessons 1–2 the float32 HDF5 file; lesson 3 the 31 days of weather
 * as float32 Zarr at 360 × 720 (19 MB, two 360 × 360 chunks a day: sized for a browser), and at
 * 180 × 360 (5 MB) for phones (the runner's `data.url` picks it on a small device).
 */
export const COURSE_DATA = {
  "random.hdf5": "random.hdf5",
  "weather.zarr": "course/weather-big.zarr",
  "weather-small.zarr": "course/weather-small.zarr",
};

/**
 * True when every course file has been prepared, the weather in blosc (19 MB; a checkout prepared
 * before it has zstd, 26 MB: `pnpm prep --course` rewrites just that).
 */
export function courseDataReady(root = DATASETS) {
  if (!Object.values(COURSE_DATA).every((f) => existsSync(join(root, f)))) return false;
  const weather = join(root, COURSE_DATA["weather.zarr"]);
  const day = readdirSync(weather).find((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  const array = day && join(weather, day, "t2m", "zarr.json");
  if (!array || !existsSync(array)) return false;
  return JSON.parse(readFileSync(array, "utf8")).codecs?.some((c) => c.name === "blosc") ?? false;
}

/** Makes the course's data under the repository's datasets/ (`pnpm prep --course`), keeping what is there. */
export function prepareCourseData({ quiet = false } = {}) {
  execFileSync("pnpm", ["prep", "--course", ...(quiet ? ["-q"] : [])], {
    cwd: join(DATASETS, ".."),
    stdio: "inherit",
  });
}

/** The datasets/ path of a request path under /data/ (`/weather.zarr/x/c/0/0` → `course/weather-big.zarr/x/c/0/0`). */
export function dataPath(path) {
  const [first, ...rest] = path.replace(/^\/+/, "").split("/");
  const target = COURSE_DATA[decodeURIComponent(first)];
  return target === undefined ? undefined : [target, ...rest].join("/");
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
