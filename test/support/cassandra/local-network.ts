import { spawn } from "node:child_process";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import path from "node:path";
import { processAlive } from "../process-alive.js";
import { cacheDir } from "./distribution.js";

export { freePort } from "../free-port.js";

/**
 * Claims a loopback /24 (127.0.X.0) for one cluster, so that several clusters, test runs and `npm start`
 * can use Cassandra's fixed storage and native ports side by side. A claim is a directory in the cache
 * holding its owner's pid; one whose owner is dead is taken over. Claims are made one at a time (a chain
 * within this process, a lock directory across processes), so two runs never take the same stale claim.
 */
export function claimSubnet(preferred?: number): Promise<{ octet: number; release: () => Promise<void> }> {
  const claim = claims.then(() => withClaimLock(() => claimUnlocked(preferred)));
  claims = claim.catch(() => undefined);
  return claim;
}

let claims: Promise<unknown> = Promise.resolve();

async function claimUnlocked(preferred?: number): Promise<{ octet: number; release: () => Promise<void> }> {
  const root = path.join(cacheDir(), "subnets");
  const candidates = preferred !== undefined ? [preferred] : Array.from({ length: 250 }, (_, i) => i + 2);
  for (const octet of candidates) {
    const dir = path.join(root, String(octet));
    const owner = Number(await readFile(path.join(dir, "owner"), "utf8").catch(() => "0"));
    if (owner > 0 && processAlive(owner)) continue;
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "owner"), String(process.pid));
    return { octet, release: () => rm(dir, { recursive: true, force: true }) };
  }
  throw new Error(
    preferred !== undefined ? `127.0.${preferred}.0/24 is in use by another run` : "no free loopback subnet",
  );
}

/** Runs `action` holding the claims lock: a directory made atomically, with its holder's pid inside. */
async function withClaimLock<T>(action: () => Promise<T>): Promise<T> {
  const root = path.join(cacheDir(), "subnets");
  await mkdir(root, { recursive: true });
  const lock = path.join(root, ".lock");
  for (let attempt = 0; ; attempt++) {
    if (
      await mkdir(lock).then(
        () => true,
        () => false,
      )
    )
      break;
    const holder = Number(await readFile(path.join(lock, "owner"), "utf8").catch(() => "0"));
    const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
    // A holder that died, or a lock left without an owner for seconds, is taken over.
    if ((holder > 0 && !processAlive(holder)) || (holder === 0 && age > 5_000)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (attempt > 1_500) throw new Error(`the subnet claims lock ${lock} is held by pid ${holder}`);
    await sleep(20);
  }
  try {
    await writeFile(path.join(lock, "owner"), String(process.pid));
    return await action();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
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
