/**
 * A static server for the built site (dist/), with or without the cross-origin isolation headers:
 * `node scripts/serve.mjs [--port N] [--no-isolation]`. The tests use it to check the site works
 * in both modes (SharedArrayBuffer, or transfer when the host sets no headers).
 */
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { serveFile } from "./data-files.mjs";
import { ISOLATION_HEADERS } from "./headers.mjs";

/** Serves `root` on `port` (0: any free port); resolves with the server and its URL, rejects if it cannot listen (EADDRINUSE). */
export function serveStatic({ root, port = 0, isolation = true, host = "127.0.0.1" }) {
  const headers = isolation ? ISOLATION_HEADERS : {};
  const server = createServer((req, res) => {
    if (!serveFile(req, res, root, req.url ?? "/", headers)) {
      res.writeHead(404, { "Content-Type": "text/plain", ...headers });
      res.end("not found");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const { port: p } = server.address();
      resolve({ server, url: `http://${host}:${p}/` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "4321" }, "no-isolation": { type: "boolean" } },
  });
  const root = fileURLToPath(new URL("../dist/", import.meta.url));
  const { url } = await serveStatic({ root, port: Number(values.port), isolation: !values["no-isolation"] });
  console.log(
    `course (static build) at ${url}${values["no-isolation"] ? " (no COOP/COEP: transfer mode)" : ""}`,
  );
}
