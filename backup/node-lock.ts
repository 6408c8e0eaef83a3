import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConflictError } from "../agent/errors.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A lock file holding the owner's pid, so that one backup or purge touches a node at a time even across
 * processes: the agent and a `cassandra-pod-agent backup …` command run with `kubectl exec` in the same
 * container share its state directory. A lock whose owner is gone (a killed agent) is taken over, so a
 * crash never blocks backups for good. Returns the release function.
 */
export async function acquireNodeLock(path: string, what: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n${what}\n`, { flag: "wx" });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const [pid, holder] = (await readFile(path, "utf8").catch(() => "")).split("\n");
    // Our own pid in the file is a previous incarnation's (a restarted container often gets the same pid):
    // within one process, the caller already serialises runs.
    if (Number(pid) > 0 && Number(pid) !== process.pid && alive(Number(pid))) {
      throw new ConflictError(`another ${holder || "backup operation"} is running on this node (pid ${pid})`);
    }
    await rm(path, { force: true });
  }
  throw new ConflictError("could not take the backup lock; try again");
}
