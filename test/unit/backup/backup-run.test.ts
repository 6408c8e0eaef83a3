import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, ValidationError } from "../../../agent/errors.js";
import { BackupCancelledError } from "../../../backup/backup-errors.js";
import { runBackup, SNAPSHOT_TAG_PREFIX, type BackupOptions } from "../../../backup/backup-run.js";
import { manifestKey, runKey } from "../../../backup/layout.js";
import { readManifest } from "../../../backup/manifest.js";
import type { BackupProgress } from "../../../backup/progress.js";
import { readRunRecord } from "../../../backup/run-record.js";
import { listSnapshotFiles } from "../../../backup/snapshot-files.js";
import { capturedLogger } from "../../support/app-deps.js";
import { fakeNodeWithData, switchableStore } from "../../support/backup-fixtures.js";
import { writeFakeSSTable } from "../../support/fakes/fake-data-dirs.js";

const options: BackupOptions = { concurrency: 2, retry: { attempts: 2, baseDelayMs: 1 } };
let root: string;
let fx: Awaited<ReturnType<typeof fakeNodeWithData>>;
const { logger } = capturedLogger();

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "backup-run-"));
  fx = await fakeNodeWithData(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

function identity() {
  return { clusterName: "unit", datacenter: "dc1", hostId: fx.node.state.hostId! };
}

async function snapshotDirs(): Promise<string[]> {
  const all = await Promise.all(fx.dataDirs.map((d) => readdir(d, { recursive: true })));
  return all.flat().filter((p) => /snapshots\/[^/]+$/.test(p));
}

describe("runBackup", () => {
  it("uploads every snapshot file of the selected keyspaces, writes the manifest and clears the snapshot", async () => {
    const progress: BackupProgress[] = [];
    const result = await runBackup({ ...fx, logger }, { name: "b1" }, options, {
      onProgress: (p) => progress.push(p),
    });
    const manifest = await readManifest(fx.store, manifestKey(identity(), "b1"));
    expect(manifest.keyspaces).toEqual(
      fx.node.keyspaceList
        .map((k) => k.name)
        .filter((k) => k !== "system_traces")
        .sort(),
    );
    expect(manifest.keyspaces).toEqual(expect.arrayContaining(["ks1", "system", "system_schema"]));
    // 4 SSTables of 7 components each; system_traces is left out.
    expect(manifest.files).toHaveLength(28);
    expect(manifest.files.some((f) => f.keyspace === "system_traces")).toBe(false);
    expect(new Set(manifest.files.map((f) => f.dataDir))).toEqual(new Set([0, 1]));
    expect(manifest.dataDirectories).toEqual(fx.dataDirs);
    expect(manifest.node).toMatchObject({ hostId: identity().hostId, datacenter: "dc1", rack: "rack1" });
    expect(manifest.schema.cql).toContain("CREATE KEYSPACE");
    for (const file of manifest.files) {
      const info = await fx.store.head(file.key);
      expect(info).toMatchObject({ size: file.size, sha256: file.sha256 });
    }
    expect(result.totals).toMatchObject({ files: 28, uploadedFiles: 28, skippedFiles: 0 });
    expect(result.totals.bytes).toBe(manifest.files.reduce((s, f) => s + f.size, 0));
    expect(progress.at(-1)).toMatchObject({ phase: "done", filesDone: 28, bytesDone: result.totals.bytes });
    expect(await snapshotDirs()).toEqual([]);
    expect(await readRunRecord(fx.store, runKey(identity(), "b1"))).toMatchObject({ state: "complete" });
  });

  it("uploads only new files the second time, and refuses a name already used", async () => {
    await runBackup({ ...fx, logger }, { name: "b1" }, options);
    await writeFakeSSTable(fx.dataDirs[0]!, "ks1", fx.t1, 3, 900);
    const second = await runBackup({ ...fx, logger }, { name: "b2" }, options);
    expect(second.totals).toMatchObject({ files: 35, uploadedFiles: 7, skippedFiles: 28 });
    expect(second.totals.uploadedBytes).toBe(900 + 6 * 19);
    await expect(runBackup({ ...fx, logger }, { name: "b2" }, options)).rejects.toBeInstanceOf(ConflictError);
  });

  it("backs up only the keyspaces asked for, and rejects unknown ones", async () => {
    const result = await runBackup({ ...fx, logger }, { name: "only-ks1", keyspaces: ["ks1"] }, options);
    expect(result.totals.files).toBe(21);
    await expect(
      runBackup({ ...fx, logger }, { name: "x", keyspaces: ["nope"] }, options),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("leaves no manifest when the store fails, records why, clears the snapshot; the next run succeeds", async () => {
    let puts = 0;
    const flaky = switchableStore(fx.store, () => ++puts > 6);
    await expect(runBackup({ node: fx.node, store: flaky, logger }, { name: "b1" }, options)).rejects.toThrow(
      /store is down/,
    );
    expect(await fx.store.head(manifestKey(identity(), "b1"))).toBeUndefined();
    expect(await readRunRecord(fx.store, runKey(identity(), "b1"))).toMatchObject({
      state: "failed",
      error: "store is down",
    });
    expect(await snapshotDirs()).toEqual([]);
    const retried = await runBackup({ ...fx, logger }, { name: "b1" }, options);
    // What the failed run stored is reused: the store vouches for those objects' checksums.
    expect(retried.totals.skippedFiles).toBeGreaterThan(0);
    expect(retried.totals.files).toBe(28);
  });

  it("clears a snapshot left by an interrupted run before it starts", async () => {
    const leftover = `${SNAPSHOT_TAG_PREFIX}1-abcdef`;
    await fx.node.takeSnapshot(leftover, [], { skipFlush: false });
    expect((await listSnapshotFiles(fx.dataDirs, leftover)).length).toBeGreaterThan(0);
    await runBackup({ ...fx, logger }, { name: "b1" }, options);
    expect(await listSnapshotFiles(fx.dataDirs, leftover)).toEqual([]);
  });

  it("stops when cancelled, with no manifest", async () => {
    const controller = new AbortController();
    const run = runBackup({ ...fx, logger }, { name: "b1" }, options, {
      signal: controller.signal,
      onProgress: (p) => p.phase === "uploading" && controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(BackupCancelledError);
    expect(await fx.store.head(manifestKey(identity(), "b1"))).toBeUndefined();
    expect(await snapshotDirs()).toEqual([]);
  });
});
