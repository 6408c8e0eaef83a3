import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { processAlive } from "../process-alive.js";
import { cacheDir } from "./distribution.js";

export { freePort } from "../free-port.js";

/**
 * Claims a loopback /24 (127.0.X.0) for one cluster, so that several clusters, test runs and `npm start`
 * can use Cassandra's fixed storage and native ports side by side. A claim is a directory in the cache
 * holding its owner's pid. It is built privately and renamed into place (atomic, and a rename never
 * replaces a claim that exists), and a claim whose owner is dead is renamed away before it is removed, so
 * two runs reclaiming the same stale claim never both win.
 */
export async function claimSubnet(
  preferred?: number,
): Promise<{ octet: number; release: () => Promise<void> }> {
  const root = path.join(cacheDir(), "subnets");
  await mkdir(root, { recursive: true });
  const candidates = preferred !== undefined ? [preferred] : Array.from({ length: 250 }, (_, i) => i + 2);
  for (const octet of candidates) {
    const dir = path.join(root, String(octet));
    if (await takeClaim(dir)) return { octet, release: () => rm(dir, { recursive: true, force: true }) };
  }
  throw new Error(
    preferred !== undefined ? `127.0.${preferred}.0/24 is in use by another run` : "no free loopback subnet",
  );
}

async function takeClaim(dir: string): Promise<boolean> {
  const fresh = `${dir}.claim-${process.pid}-${randomUUID()}`;
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh);
  await writeFile(path.join(fresh, "owner"), String(process.pid));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await rename(fresh, dir);
      return true;
    } catch {
      const owner = Number(await readFile(path.join(dir, "owner"), "utf8").catch(() => "0"));
      if (owner > 0 && processAlive(owner)) break;
      const stale = `${dir}.stale-${process.pid}-${Date.now()}`;
      // Only one claimant can move the stale claim away; the others see it taken (or gone) and move on.
      if (
        !(await rename(dir, stale).then(
          () => true,
          () => false,
        ))
      )
        break;
      await rm(stale, { recursive: true, force: true });
    }
  }
  await rm(fresh, { recursive: true, force: true });
  return false;
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
