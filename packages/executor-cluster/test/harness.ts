/**
 * Starts and stops what the cluster tests need: a redis-server on a free loopback port and
 * `chunked-worker` processes (run from the TypeScript sources with tsx).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";

export const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
export const TEST_KERNELS = fileURLToPath(new URL("./fixtures/kernels.ts", import.meta.url));

const children = new Set<ChildProcess>();
// A test run that dies half-way must not leave servers or workers behind.
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface RedisServer {
  readonly url: string;
  readonly process: ChildProcess;
  readonly client: Redis;
  stop(): Promise<void>;
}

/** A redis-server as the issue specifies: no persistence, 512 MB, noeviction. */
export async function startRedis(maxmemory = "512mb"): Promise<RedisServer> {
  const port = await freePort();
  const proc = spawn(
    REDIS_SERVER,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--maxmemory",
      maxmemory,
      "--maxmemory-policy",
      "noeviction",
      "--loglevel",
      "warning",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  children.add(proc);
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; !(await accepts(port)); i++) {
    if (i > 400 || proc.exitCode !== null) {
      await stopProcess(proc);
      throw new Error(`redis-server did not listen on port ${port} in 20 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const client = new Redis(url, { maxRetriesPerRequest: null });
  await client.ping();
  return {
    url,
    process: proc,
    client,
    async stop() {
      client.disconnect();
      await stopProcess(proc);
    },
  };
}

export interface WorkerProcess {
  readonly process: ChildProcess;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `chunked-worker` and waits until it has registered. */
export async function startWorker(
  redisUrl: string,
  options: { threads?: number; modules?: string[]; prefix?: string } = {},
): Promise<WorkerProcess> {
  const args = [
    "--conditions=source",
    "--import",
    "tsx",
    CLI,
    "--redis",
    redisUrl,
    "--threads",
    String(options.threads ?? 1),
  ];
  for (const m of options.modules ?? [TEST_KERNELS]) args.push("--module", m);
  if (options.prefix) args.push("--prefix", options.prefix);
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "pipe"] });
  children.add(proc);
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`chunked-worker did not start in 60 s:\n${log}`)),
      60_000,
    );
    proc.stderr!.on("data", (d: Buffer) => {
      log += d.toString();
      if (process.env.CLUSTER_TEST_LOG) process.stderr.write(d);
      if (log.includes("kernel registry")) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`chunked-worker exited with ${code}:\n${log}`));
    });
  });
  return { process: proc, pid: proc.pid!, stop: () => stopProcess(proc) };
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      children.delete(proc);
      resolve();
      return;
    }
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    proc.once("exit", () => {
      clearTimeout(timer);
      children.delete(proc);
      resolve();
    });
    proc.kill("SIGCONT");
    proc.kill("SIGTERM");
  });
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** All keys of a Redis, sorted. */
export async function allKeys(client: Redis): Promise<string[]> {
  return (await client.keys("*")).sort();
}
