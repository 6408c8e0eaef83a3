import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, IntegrityError } from "../../../agent/errors.js";
import { runBackup } from "../../../backup/backup-run.js";
import { manifestKey } from "../../../backup/layout.js";
import { readManifest } from "../../../backup/manifest.js";
import { BackupNotFoundError } from "../../../backup/restore-errors.js";
import { restoreWholeNode } from "../../../backup/restore-node.js";
import { capturedLogger } from "../../support/app-deps.js";
import { fakeNodeWithData } from "../../support/backup-fixtures.js";

const { logger } = capturedLogger();
const options = { concurrency: 3, retry: { attempts: 2, baseDelayMs: 1 } };
let root: string;
let fx: Awaited<ReturnType<typeof fakeNodeWithData>>;
let hostId: string;

async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path.slice(dir.length), (await readFile(path)).toString("base64"));
  }
  return out;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "restore-node-"));
  fx = await fakeNodeWithData(root);
  hostId = fx.node.state.hostId!;
  await runBackup({ ...fx, logger }, { name: "b1" }, options);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("restoreWholeNode", () => {
  it("fills empty data directories with every backed-up file, system keyspaces included, mtimes set back", async () => {
    const targets = [join(root, "new1"), join(root, "new2")];
    const result = await restoreWholeNode(
      { store: fx.store, logger },
      { backup: "b1", hostId, dataDirs: targets },
      options,
    );
    expect(result).toMatchObject({ backup: "b1", files: 28, node: { hostId } });
    for (const [i, dir] of targets.entries()) {
      const restored = await tree(dir);
      const originalTree = await tree(fx.dataDirs[i]!);
      originalTree.forEach((_v, k) => k.includes("system_traces") && originalTree.delete(k));
      expect(restored).toEqual(originalTree);
    }
    const manifest = await readManifest(
      fx.store,
      manifestKey({ clusterName: "unit", datacenter: "dc1", hostId }, "b1"),
    );
    const file = manifest.files[0]!;
    const info = await stat(join(targets[file.dataDir]!, file.keyspace, file.tableDir, file.path));
    expect(Math.trunc(info.mtimeMs)).toBe(Math.trunc(file.mtimeMs));
  });

  it("refuses a data directory that is not empty, and an unknown backup or host", async () => {
    const used = join(root, "used");
    await mkdir(used);
    await writeFile(join(used, "x"), "x");
    await expect(
      restoreWholeNode({ store: fx.store, logger }, { backup: "b1", hostId, dataDirs: [used] }, options),
    ).rejects.toBeInstanceOf(ConflictError);
    const empty = [join(root, "empty")];
    await expect(
      restoreWholeNode({ store: fx.store, logger }, { backup: "nope", hostId, dataDirs: empty }, options),
    ).rejects.toBeInstanceOf(BackupNotFoundError);
  });

  it("fails on a damaged object, leaving no file under its name", async () => {
    const manifest = await readManifest(
      fx.store,
      manifestKey({ clusterName: "unit", datacenter: "dc1", hostId }, "b1"),
    );
    const victim = manifest.files[0]!;
    await writeFile(join(root, "store", "data", victim.key), Buffer.alloc(victim.size, 1));
    const target = join(root, "new");
    await expect(
      restoreWholeNode(
        { store: fx.store, logger },
        { backup: "b1", hostId, dataDirs: [target] },
        { ...options, concurrency: 1 },
      ),
    ).rejects.toBeInstanceOf(IntegrityError);
    const left = await readdir(join(target, victim.keyspace, victim.tableDir)).catch(() => []);
    expect(left).not.toContain(victim.path);
  });
});
