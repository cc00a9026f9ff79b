/**
 * One prep at a time per data directory: `pnpm start` and `pnpm test` in one clone both prepare
 * `datasets/`, and two writers of one `*.partial` would interleave blocks and rename a mix.
 * The lock is a file created exclusively, holding the owner's pid; a lock whose owner is gone
 * (killed with SIGKILL) is taken over.
 * @module
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Locks this process holds now, so a signal handler can release them before exiting. */
const held = new Set<string>();

/** Removes the locks this process holds (for signal handlers; `withPrepLock` releases its own). */
export function releaseHeldLocks(): void {
  for (const path of held) rmSync(path, { force: true });
  held.clear();
}

/** The lock file of a data directory. */
export function lockPath(root: string): string {
  return join(root, ".prep.lock");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock, or says why not: a live owner's pid, or "retry" (a stale or vanishing lock, cleared). */
function tryTake(path: string): "taken" | "retry" | number {
  try {
    writeFileSync(path, String(process.pid), { flag: "wx" });
    return "taken";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  let owner: number;
  try {
    owner = Number(readFileSync(path, "utf8"));
  } catch {
    return "retry"; // removed between our two calls
  }
  if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
    rmSync(path, { force: true });
    return "retry";
  }
  return owner;
}

/**
 * Runs `fn` holding the data directory's lock, waiting (and saying so once through `log`) while
 * another live process holds it. What the other process finished is then found complete and kept.
 */
export async function withPrepLock<T>(
  root: string,
  log: (line: string) => void,
  fn: () => Promise<T>,
): Promise<T> {
  const path = lockPath(root);
  let told = false;
  for (;;) {
    const owner = tryTake(path);
    if (owner === "taken") break;
    if (owner === "retry") continue;
    if (!told) log(`waiting for another prep (pid ${owner}) writing in ${root}`);
    told = true;
    await new Promise((r) => setTimeout(r, 200));
  }
  held.add(path);
  try {
    return await fn();
  } finally {
    held.delete(path);
    rmSync(path, { force: true });
  }
}
