import { spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { processAlive } from "../process-alive.js";
import { cacheDir } from "./distribution.js";

export { freePort } from "../free-port.js";

/**
 * Claims a loopback /24 (127.0.X.0) for one cluster, so that several clusters, test runs and `npm start`
 * can use Cassandra's fixed storage and native ports side by side. Claims are directories in the cache
 * holding the owner's pid; a claim whose owner is dead is taken over.
 */
export async function claimSubnet(
  preferred?: number,
): Promise<{ octet: number; release: () => Promise<void> }> {
  const root = path.join(cacheDir(), "subnets");
  await mkdir(root, { recursive: true });
  const candidates = preferred !== undefined ? [preferred] : Array.from({ length: 250 }, (_, i) => i + 2);
  for (const octet of candidates) {
    const dir = path.join(root, String(octet));
    try {
      await mkdir(dir);
    } catch {
      const owner = Number(await readFile(path.join(dir, "owner"), "utf8").catch(() => "0"));
      if (owner > 0 && processAlive(owner)) continue;
      await rm(dir, { recursive: true, force: true });
      try {
        await mkdir(dir);
      } catch {
        continue;
      }
    }
    await writeFile(path.join(dir, "owner"), String(process.pid));
    return { octet, release: () => rm(dir, { recursive: true, force: true }) };
  }
  throw new Error(
    preferred !== undefined ? `127.0.${preferred}.0/24 is in use by another run` : "no free loopback subnet",
  );
}

/**
 * Starts a detached watchdog that SIGKILLs every JVM whose pid file is in `runDir` once `ownerPid` is
 * gone, so that an interrupted or crashed test run never leaves Cassandra running.
 */
export function startWatchdog(ownerPid: number, runDir: string): () => void {
  const script = `while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done
for f in "${runDir}"/*.pid; do [ -f "$f" ] && kill -CONT $(cat "$f") 2>/dev/null; [ -f "$f" ] && kill -9 $(cat "$f") 2>/dev/null; done
rm -rf "${runDir}"`;
  const watchdog = spawn("bash", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
  return () => {
    if (watchdog.pid) {
      try {
        process.kill(watchdog.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
}
