import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBackup, type BackupOptions } from "../../../backup/backup-run.js";
import { listClusterBackups, listNodeBackups } from "../../../backup/catalog.js";
import { manifestKey, nodePrefix, runKey } from "../../../backup/layout.js";
import { readManifest } from "../../../backup/manifest.js";
import { purgeBackups } from "../../../backup/purge.js";
import { writeRunRecord } from "../../../backup/run-record.js";
import { verifyBackup } from "../../../backup/verify.js";
import { capturedLogger } from "../../support/app-deps.js";
import { fakeNodeWithData } from "../../support/backup-fixtures.js";
import { writeFakeSSTable } from "../../support/fakes/fake-data-dirs.js";

const options: BackupOptions = { concurrency: 2, retry: { attempts: 1, baseDelayMs: 1 } };
const DAY = 86_400_000;
const { logger } = capturedLogger();
let root: string;
let fx: Awaited<ReturnType<typeof fakeNodeWithData>>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "purge-"));
  fx = await fakeNodeWithData(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const self = () => ({ clusterName: "unit", datacenter: "dc1", hostId: fx.node.state.hostId! });

async function allKeys(prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of fx.store.list(prefix)) keys.push(item.key);
  return keys;
}

/** Four backups, each after a new SSTable (and a compaction-like removal of the first one after b2). */
async function series(): Promise<void> {
  for (const [i, name] of ["b1", "b2", "b3", "b4"].entries()) {
    await writeFakeSSTable(fx.dataDirs[0]!, "ks1", fx.t1, 10 + i, 500 + i);
    if (i === 2) await rm(join(fx.dataDirs[0]!, "ks1", fx.t1, "nb-1-big-Data.db"));
    await runBackup({ ...fx, logger }, { name }, options);
  }
}

describe("purgeBackups", () => {
  it("keeps exactly the last N, deletes manifests and unreferenced objects, never a kept one's", async () => {
    await series();
    const later = new Date(Date.now() + DAY);
    const reports = await purgeBackups(
      fx.store,
      self(),
      new Set([self().hostId]),
      { keepLast: 2, graceMs: 3_600_000 },
      { now: later, logger },
    );
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ kept: ["b4", "b3"], dropped: ["b2", "b1"] });
    expect(reports[0]!.deletedObjects).toBeGreaterThan(0);
    const listed = await listNodeBackups(fx.store, self());
    expect(listed.map((b) => b.name)).toEqual(["b4", "b3"]);
    const referenced = new Set<string>();
    for (const name of ["b3", "b4"]) {
      const report = await verifyBackup(fx.store, self(), name, { deep: true });
      expect(report).toMatchObject({ ok: true, problems: [] });
      for (const f of (await readManifest(fx.store, manifestKey(self(), name))).files) referenced.add(f.key);
    }
    // Exactly the kept backups' objects remain under data/.
    expect((await allKeys(`${nodePrefix(self())}data/`)).sort()).toEqual([...referenced].sort());
  });

  it("deletes no object younger than the grace period, and none while a run is in flight", async () => {
    await series();
    const soon = new Date(Date.now() + 60_000);
    const before = await allKeys(`${nodePrefix(self())}data/`);
    const [graced] = await purgeBackups(
      fx.store,
      self(),
      new Set(),
      { keepLast: 1, graceMs: DAY },
      { now: soon, logger },
    );
    expect(graced!.dropped).toEqual(["b3", "b2", "b1"]);
    expect(graced!.deletedObjects).toBe(0);
    expect(await allKeys(`${nodePrefix(self())}data/`)).toEqual(before);

    const at = new Date().toISOString();
    await writeRunRecord(fx.store, runKey(self(), "in-flight"), {
      format: 1,
      name: "in-flight",
      hostId: self().hostId,
      state: "running",
      startedAt: at,
      updatedAt: at,
      keyspaces: [],
    });
    const [blocked] = await purgeBackups(
      fx.store,
      self(),
      new Set(),
      { keepLast: 1, graceMs: DAY },
      { now: new Date(Date.now() + DAY / 2), logger },
    );
    expect(blocked!.objectsLeft).toMatch(/in flight/);
    expect(await allKeys(`${nodePrefix(self())}data/`)).toEqual(before);
  });

  it("purges a node that left the ring by the same rules, and touches nothing outside the layout", async () => {
    await series();
    const departed = { ...self(), hostId: randomUUID() };
    const foreign = [
      `${nodePrefix(self())}data/notes.txt`,
      "unit/README",
      `${nodePrefix(departed)}data/x/y/z`,
    ];
    for (const key of foreign) await fx.store.putText(key, "x");
    // The departed node's backups: copies of this node's manifests under its host ID.
    for (const name of ["b1", "b2", "b3"]) {
      const manifest = await readManifest(fx.store, manifestKey(self(), name));
      await fx.store.putText(manifestKey(departed, name), JSON.stringify({ ...manifest, files: [] }));
    }
    const cluster = await listClusterBackups(fx.store, "unit", new Set([self().hostId]));
    expect(
      cluster
        .filter((b) => !b.inRing)
        .map((b) => b.name)
        .sort(),
    ).toEqual(["b1", "b2", "b3"]);
    const reports = await purgeBackups(
      fx.store,
      self(),
      new Set([self().hostId]),
      { keepLast: 1, graceMs: 0 },
      { now: new Date(Date.now() + DAY), logger },
    );
    expect(reports.find((r) => r.hostId === departed.hostId)).toMatchObject({ inRing: false, kept: ["b3"] });
    const keys = await allKeys();
    for (const key of foreign) expect(keys).toContain(key);
  });
});
