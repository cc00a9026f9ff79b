/**
 * Several hosts, simulated with network namespaces (test/netns/several-hosts.sh): the store, two
 * workers and the driver each in their own, joined by a bridge in another; worker 1 is cut off and
 * healed, worker 2 is killed, during a compute that must still succeed. The script removes every
 * namespace and process it made (EXIT trap). Needs root (`ip netns add`); skipped elsewhere.
 */
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("./netns/several-hosts.sh", import.meta.url));

function netnsPermitted(): boolean {
  const probe = `chprobe${process.pid}`;
  try {
    execFileSync("ip", ["netns", "add", probe], { stdio: "ignore" });
    execFileSync("ip", ["netns", "del", probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const permitted = netnsPermitted();
if (!permitted) {
  console.warn(
    "several-hosts test skipped: `ip netns add` is not permitted here (it needs root, or CAP_SYS_ADMIN and CAP_NET_ADMIN).",
  );
}

it.skipIf(!permitted)(
  permitted
    ? "a worker cut off (link down, then up) and a worker killed, on separate network namespaces: the compute succeeds"
    : "several hosts on network namespaces (skipped: `ip netns add` is not permitted here)",
  { timeout: 420_000 },
  async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile("bash", [SCRIPT], { timeout: 400_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === "number" ? code : 1, output: `${stdout}\n${stderr}` });
      });
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/partition healed; killing worker 2/);
    expect(output).toMatch(/RESULT OK in [\d.]+ s/);
    // Nothing of the script's is left behind (another run of this test may have its own meanwhile).
    const id = /namespaces: ch\*(\d+)/.exec(output)?.[1];
    expect(id, output).toBeDefined();
    const left = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
    expect(left).not.toMatch(new RegExp(`^ch(?:b|s|d|w1|w2)${id}\\b`, "m"));
  },
);
