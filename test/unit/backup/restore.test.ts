import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IntegrityError, ObjectStoreError, ValidationError } from "../../../agent/errors.js";
import { runBackup } from "../../../backup/backup-run.js";
import { manifestKey } from "../../../backup/layout.js";
import { readManifest, writeManifest } from "../../../backup/manifest.js";
import type { ObjectStore } from "../../../backup/object-store.js";
import { restoreBackup, STAGING_DIR, type RestoreOptions } from "../../../backup/restore.js";
import {
  BackupIncompleteError,
  BackupNotFoundError,
  SchemaConflictError,
} from "../../../backup/restore-errors.js";
import { capturedLogger } from "../../support/app-deps.js";
import { fakeNodeWithData, switchableStore } from "../../support/backup-fixtures.js";

const options: RestoreOptions = { concurrency: 2, retry: { attempts: 3, baseDelayMs: 1 } };
const { logger } = capturedLogger();
let root: string;
let fx: Awaited<ReturnType<typeof fakeNodeWithData>>;
let t2: string;

/** `t1-<32 hex>` → the table's UUID. */
function idOf(tableDir: string): string {
  const hex = tableDir.slice(tableDir.lastIndexOf("-") + 1);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function schemaOf(t1Id: string, t2Id: string): string {
  return [
    "CREATE KEYSPACE ks1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}  AND durable_writes = true;",
    `CREATE TABLE ks1.t1 (\n    id int PRIMARY KEY,\n    v text\n) WITH ID = ${t1Id}\n    AND comment = '';`,
    `CREATE TABLE ks1.t2 (\n    id int,\n    c int,\n    v text,\n    PRIMARY KEY (id, c)\n) WITH ID = ${t2Id}\n    AND comment = '';`,
    "CREATE INDEX t2_v ON ks1.t2 (v);",
  ].join("\n\n");
}

async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(dir)).filter((n) => !n.startsWith("snapshots")).sort()) {
    out.set(name, (await readFile(join(dir, name))).toString("base64"));
  }
  return out;
}

const run = (request: Parameters<typeof restoreBackup>[1], store: ObjectStore = fx.store) =>
  restoreBackup({ node: fx.node, store, logger }, request, options);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "restore-"));
  fx = await fakeNodeWithData(root);
  t2 = (await readdir(join(fx.dataDirs[1]!, "ks1"))).find((d) => d.startsWith("t2-"))!;
  fx.node.schemaCql = schemaOf(idOf(fx.t1), idOf(t2));
  await runBackup(
    { ...fx, logger },
    { name: "b1" },
    { concurrency: 2, retry: { attempts: 1, baseDelayMs: 1 } },
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("restoreBackup into a live node", () => {
  it("a dry run plans files, bytes and tables and touches nothing", async () => {
    const before = fx.node.calls.length;
    const result = await run({ backup: "b1", dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.plan.tables.map((t) => `${t.keyspace}.${t.table}`)).toEqual(["ks1.t1", "ks1.t2"]);
    expect(result.plan.files).toBe(21);
    expect(result.plan.bytes).toBeGreaterThan(12_000);
    expect(result.plan.schemaStatements).toEqual([]);
    expect(fx.node.calls.slice(before)).not.toContain("importSSTables");
    expect(fx.node.calls.slice(before)).not.toContain("applySchema");
  });

  it("brings truncated tables back byte for byte, reports progress, and removes its staging directory", async () => {
    const t1Dirs = fx.dataDirs.map((d) => join(d, "ks1", fx.t1));
    const original = [...(await files(t1Dirs[0]!)).values(), ...(await files(t1Dirs[1]!)).values()].sort();
    for (const dir of t1Dirs) {
      for (const name of await readdir(dir)) if (name.startsWith("nb-")) await rm(join(dir, name));
    }
    const seen: string[] = [];
    await restoreBackup(
      { node: fx.node, store: fx.store, logger },
      { backup: "b1", tables: ["ks1.t1"] },
      {
        ...options,
        onProgress: (p) => seen.push(p.phase),
      },
    );
    const restored = [...(await files(t1Dirs[0]!)).values(), ...(await files(t1Dirs[1]!)).values()].sort();
    expect(restored).toEqual(original);
    expect(seen).toEqual(expect.arrayContaining(["planning", "downloading", "schema", "importing", "done"]));
    expect(await readdir(fx.dataDirs[0]!)).not.toContain(STAGING_DIR);
  });

  it("recreates a dropped keyspace from the backup's schema before importing", async () => {
    fx.node.keyspaceList = fx.node.keyspaceList.filter((k) => k.name !== "ks1");
    fx.node.schemaCql = "";
    for (const dir of fx.dataDirs) await rm(join(dir, "ks1"), { recursive: true, force: true });
    const result = await run({ backup: "b1", keyspaces: ["ks1"] });
    expect(result.plan.schemaStatements.map((s) => s.split(/[ (]/).slice(0, 3).join(" "))).toEqual([
      "CREATE KEYSPACE ks1",
      "CREATE TABLE ks1.t1",
      "CREATE TABLE ks1.t2",
      "CREATE INDEX t2_v",
    ]);
    const t1 = await readdir(join(fx.dataDirs[0]!, "ks1", fx.t1));
    expect(t1.filter((f) => f.endsWith("-Data.db"))).toHaveLength(2);
  });

  it("fails a damaged object with IntegrityError before any schema change or import", async () => {
    const manifest = await readManifest(fx.store, manifestKey(await self(), "b1"));
    const victim = manifest.files.find((f) => f.keyspace === "ks1" && f.path.endsWith("Data.db"))!;
    await writeFile(join(root, "store", "data", victim.key), Buffer.alloc(victim.size, "x"));
    const before = fx.node.calls.length;
    await expect(run({ backup: "b1" })).rejects.toBeInstanceOf(IntegrityError);
    expect(fx.node.calls.slice(before)).not.toContain("importSSTables");
    expect(fx.node.calls.slice(before)).not.toContain("applySchema");
    expect(await readdir(fx.dataDirs[0]!)).not.toContain(STAGING_DIR);
  });

  it("retries a download that failed for a passing reason", async () => {
    let failures = 1;
    const flaky = switchableStore(fx.store, () => false);
    flaky.get = (key, o) => {
      if (failures-- > 0) return Promise.reject(new ObjectStoreError("reset", { retryable: true }));
      return fx.store.get(key, o);
    };
    await expect(run({ backup: "b1", keyspaces: ["ks1"] }, flaky)).resolves.toMatchObject({ dryRun: false });
  });

  it("refuses a missing manifest, an incomplete one, and an unknown table", async () => {
    await expect(run({ backup: "never" })).rejects.toBeInstanceOf(BackupNotFoundError);
    const key = manifestKey(await self(), "b1");
    const manifest = await readManifest(fx.store, key);
    await writeManifest(fx.store, key, { ...manifest, files: manifest.files.slice(1) });
    await expect(run({ backup: "b1" })).rejects.toBeInstanceOf(BackupIncompleteError);
    await writeManifest(fx.store, key, manifest);
    await expect(run({ backup: "b1", tables: ["ks1.nope"] })).rejects.toBeInstanceOf(ValidationError);
    await expect(run({ backup: "b1", keyspaces: ["system"] })).rejects.toBeInstanceOf(ValidationError);
  });

  it("refuses a table recreated with another ID, or with a column of another type", async () => {
    fx.node.schemaCql = schemaOf("11111111-2222-3333-4444-555555555555", idOf(t2));
    await expect(run({ backup: "b1", tables: ["ks1.t1"] })).rejects.toBeInstanceOf(SchemaConflictError);
    fx.node.schemaCql = schemaOf(idOf(fx.t1), idOf(t2)).replace("v text\n)", "v int\n)");
    await expect(run({ backup: "b1", tables: ["ks1.t1"] })).rejects.toThrow(/v text \(now int\)/);
    expect(fx.node.calls).not.toContain("importSSTables");
  });
});

async function self() {
  const status = await fx.node.status();
  return { clusterName: status.clusterName, datacenter: status.datacenter, hostId: status.hostId! };
}
