import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, ValidationError } from "../../../agent/errors.js";
import { BackupService } from "../../../backup/backup-service.js";
import { manifestKey } from "../../../backup/layout.js";
import { capturedLogger } from "../../support/app-deps.js";
import { fakeNodeWithData } from "../../support/backup-fixtures.js";

let root: string;
let fx: Awaited<ReturnType<typeof fakeNodeWithData>>;
const { logger } = capturedLogger();

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "backup-service-"));
  fx = await fakeNodeWithData(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

function service(extra: Partial<ConstructorParameters<typeof BackupService>[1]> = {}) {
  const options = {
    concurrency: 2,
    retry: { attempts: 1, baseDelayMs: 1 },
    lockFile: join(root, "lock"),
    ...extra,
  };
  return new BackupService({ node: fx.node, store: fx.store, logger }, options);
}

describe("BackupService", () => {
  it("starts a backup in the background, refuses a second meanwhile, and records the outcome", async () => {
    const backups = service();
    const view = await backups.start({ name: "b1" }, "api");
    expect(view.state).toBe("running");
    await expect(backups.start({ name: "b2" }, "api")).rejects.toBeInstanceOf(ConflictError);
    await expect(backups.run({ name: "b3" }, "cli")).rejects.toBeInstanceOf(ConflictError);
    while (backups.busy) await new Promise((r) => setTimeout(r, 5));
    expect(backups.get("b1")).toMatchObject({ state: "complete", result: { totals: { files: 28 } } });
    expect(backups.get("b1")?.progress).toMatchObject({ phase: "done", filesDone: 28 });
  });

  it("rejects a request whose checks fail instead of recording a failed run", async () => {
    const backups = service();
    await expect(backups.start({ name: "b1", keyspaces: ["nope"] }, "api")).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(backups.list()).toEqual([]);
    expect(backups.busy).toBe(false);
  });

  it("refuses to run while another live process holds the node's lock, and takes over a dead one's", async () => {
    await writeFile(join(root, "lock"), `${process.ppid}\nbackup other\n`);
    await expect(service().run({ name: "b1" }, "cli")).rejects.toBeInstanceOf(ConflictError);
    await writeFile(join(root, "lock"), "999999999\nbackup crashed\n");
    await expect(service().run({ name: "b1" }, "cli")).resolves.toMatchObject({ name: "b1" });
    await expect(readFile(join(root, "lock"))).rejects.toThrow();
  });

  it("runs the purge hook after a scheduled backup only", async () => {
    let purges = 0;
    const backups = service({ afterScheduled: async () => void purges++ });
    await backups.run({ name: "manual" }, "api");
    await backups.startScheduled("scheduled-20261126T1700Z");
    while (backups.busy) await new Promise((r) => setTimeout(r, 5));
    expect(purges).toBe(1);
  });

  it("cancels the running backup on stop, leaving no manifest", async () => {
    const backups = service();
    await backups.start({ name: "b1" }, "api");
    await backups.stop();
    expect(backups.get("b1")).toMatchObject({ state: "cancelled", error: { code: "backup-cancelled" } });
    const identity = { clusterName: "unit", datacenter: "dc1", hostId: fx.node.state.hostId! };
    expect(await fx.store.head(manifestKey(identity, "b1"))).toBeUndefined();
    expect(backups.busy).toBe(false);
  });
});
