import fs from "node:fs";
import nodePath from "node:path";
import { IoError } from "./errors.js";

/**
 * Throws a `write` IoError unless files can be created at `path` (Node). It tests the nearest
 * existing directory, so a read-only mount is reported as `EROFS` (Node's recursive mkdir says
 * `ENOENT` there) before any work is done.
 */
export function assertWritable(path: string, what: string): void {
  let dir = nodePath.resolve(path);
  while (!fs.existsSync(dir)) {
    const parent = nodePath.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    const why = code === "EROFS" ? "read-only file system" : code === "EACCES" ? "permission denied" : code;
    throw new IoError(
      "write",
      `Cannot write ${what} ${JSON.stringify(path)}: ${code}: ${why} (${JSON.stringify(dir)}).`,
      { file: path, cause: err },
    );
  }
}
