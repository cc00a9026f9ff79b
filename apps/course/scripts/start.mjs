/**
 * `pnpm start`: prepares the course data if missing (`pnpm prep`, see data-files.mjs), builds the site if
 * its sources changed (`astro build`), then serves it with COOP/COEP and prints its URL.
 * `--port N` (default 4321), `--host H` (default 127.0.0.1; 0.0.0.0 to open it to a phone on your network).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { APP, buildIsStale, buildSite } from "./build-state.mjs";
import { courseDataReady, prepareCourseData } from "./data-files.mjs";
import { serveStatic } from "./serve.mjs";

const { values } = parseArgs({
  // pnpm passes on the "--" of `pnpm start -- --host 0.0.0.0` (the README's form).
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  options: { port: { type: "string", default: "4321" }, host: { type: "string", default: "127.0.0.1" } },
});
if (!courseDataReady()) {
  console.log("Preparing the course data (pnpm prep)…");
  prepareCourseData();
}
if (buildIsStale()) {
  console.log("Building the course site (astro build)…");
  buildSite({ quiet: true });
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer from 0 to 65535. Got --port ${values.port}.`);
  process.exit(2);
}
try {
  const { url } = await serveStatic({ root: join(APP, "dist"), port, host: values.host });
  console.log(`\nThe @chunked course is at ${url}  (Ctrl+C stops it)\n`);
} catch (err) {
  if (err?.code !== "EADDRINUSE") throw err;
  console.error(
    `Port ${port} on ${values.host} is already in use (another \`pnpm start\`?). Stop it, or serve on another port: pnpm start -- --port ${port + 1}`,
  );
  process.exit(1);
}
