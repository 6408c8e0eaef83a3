import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IntegrityError, NotFoundError } from "../../../agent/errors.js";
import { runBackup } from "../../../backup/backup-run.js";
import { manifestKey } from "../../../backup/layout.js";
import { readManifest } from "../../../backup/manifest.js";
import { verifyBackup } from "../../../backup/verify.js";
import { capturedLogger } from "../../support/app-deps.js";
import { fakeNodeWithData } from "../../support/backup-fixtures.js";

const { logger } = capturedLogger();
let root: string;
let fx: Awaited<ReturnType<typeof fakeNodeWithData>>;
const self = () => ({ clusterName: "unit", datacenter: "dc1", hostId: fx.node.state.hostId! });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "verify-"));
  fx = await fakeNodeWithData(root);
  await runBackup(
    { ...fx, logger },
    { name: "b1" },
    { concurrency: 2, retry: { attempts: 1, baseDelayMs: 1 } },
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("verifyBackup", () => {
  it("passes an intact backup, shallow and deep", async () => {
    for (const deep of [false, true]) {
      const report = await verifyBackup(fx.store, self(), "b1", { deep });
      expect(report).toMatchObject({ ok: true, deep, checkedFiles: 28, problems: [] });
    }
  });

  it("names each damaged or missing object", async () => {
    const { files } = await readManifest(fx.store, manifestKey(self(), "b1"));
    const [damaged, missing] = [files[0]!, files[1]!];
    const file = await open(join(root, "store", "data", ...damaged.key.split("/")), "r+");
    await file.write(Buffer.from("XX"), 0, 2, 3);
    await file.close();
    await fx.store.delete([missing.key]);
    const report = await verifyBackup(fx.store, self(), "b1", { deep: true });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.key).sort()).toEqual([damaged.key, missing.key].sort());
    expect(report.problems.find((p) => p.key === missing.key)?.problem).toMatch(/missing/);
  });

  it("refuses a backup without a manifest, or with one that does not parse", async () => {
    await expect(verifyBackup(fx.store, self(), "nope")).rejects.toBeInstanceOf(NotFoundError);
    await fx.store.putText(manifestKey(self(), "broken"), '{"format": 1}');
    await expect(verifyBackup(fx.store, self(), "broken")).rejects.toBeInstanceOf(IntegrityError);
  });
});
