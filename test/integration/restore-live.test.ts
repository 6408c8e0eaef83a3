import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CqlSession } from "../../agent/cassandra/cql-session.js";
import type { JolokiaCassandraNode } from "../../agent/cassandra/jolokia-node.js";
import { IntegrityError } from "../../agent/errors.js";
import { runBackup } from "../../backup/backup-run.js";
import { FsObjectStore } from "../../backup/fs-object-store.js";
import { manifestKey, type NodeIdentity } from "../../backup/layout.js";
import { readManifest } from "../../backup/manifest.js";
import { restoreBackup, STAGING_DIR, type RestoreRequest } from "../../backup/restore.js";
import { BackupNotFoundError } from "../../backup/restore-errors.js";
import { startAgentProcess } from "../support/agent-process.js";
import { capturedLogger } from "../support/app-deps.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { cassandraNodeFor } from "../support/local-agent-node.js";
import { DRILL_TABLES, readDrillData, writeDrillData } from "../support/restore-drill.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

/** The drill's own keyspace on the shared node: nothing else reads or writes it. */
const KS = "rs_live";
const ROWS = 400;
const { logger } = capturedLogger();
let cassandra: CassandraProcess;
let node: JolokiaCassandraNode;
let cql: CqlSession;
let root: string;
let store: FsObjectStore;
let self: NodeIdentity;
let original: Record<string, string[]>;

const restore = (request: RestoreRequest) =>
  restoreBackup({ node, store, logger }, request, {
    concurrency: 4,
    retry: { attempts: 3, baseDelayMs: 100 },
  });

beforeAll(async () => {
  [cassandra] = (await sharedCluster("single")) as [CassandraProcess];
  node = cassandraNodeFor(cassandra.spec, 30_000);
  cql = new CqlSession({ host: cassandra.spec.address, port: cassandra.spec.nativePort, timeoutMs: 60_000 });
  await cql.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
  await writeDrillData(cql, KS, ROWS);
  original = await readDrillData(cql, KS);
  root = await mkdtemp(join(tmpdir(), "restore-live-"));
  store = new FsObjectStore(root);
  const status = await node.status();
  self = { clusterName: status.clusterName, datacenter: status.datacenter, hostId: status.hostId! };
  await runBackup(
    { node, store, logger },
    { name: "drill", keyspaces: [KS] },
    { concurrency: 2, retry: { attempts: 2, baseDelayMs: 100 } },
  );
}, 600_000);
afterAll(async () => {
  await cql?.execute(`DROP KEYSPACE IF EXISTS ${KS}`).catch(() => undefined);
  await cql?.close();
  await node?.close();
  if (root) await rm(root, { recursive: true, force: true });
});
printLogsOnFailure(() => (cassandra ? [cassandra] : []));

async function stagingLeft(): Promise<string[]> {
  return (await readdir(cassandra.spec.dataDirs[0]!)).filter((d) => d === STAGING_DIR);
}

describe("restore into a live node (drill)", () => {
  it("wrote what the drill reads back", () => {
    for (const table of Object.keys(DRILL_TABLES)) expect(original[table]).toHaveLength(ROWS);
  });

  it("plans a dry run without touching anything", async () => {
    const { plan } = await restore({ backup: "drill", dryRun: true });
    expect(plan.tables.map((t) => t.table).sort()).toEqual(["kv", "typed", "wide"]);
    expect(plan.schemaStatements).toEqual([]);
    expect(plan.files).toBeGreaterThan(0);
    expect(await readDrillData(cql, KS)).toEqual(original);
  });

  it("brings every row back, identical, after TRUNCATE", async () => {
    for (const table of Object.keys(DRILL_TABLES)) await cql.execute(`TRUNCATE ${KS}.${table}`);
    expect((await readDrillData(cql, KS)).kv).toEqual([]);
    const started = performance.now();
    await restore({ backup: "drill" });
    console.log(`restore after truncate: ${Math.round(performance.now() - started)} ms`);
    expect(await readDrillData(cql, KS)).toEqual(original);
    expect(await stagingLeft()).toEqual([]);
  });

  it("recreates the dropped keyspace with its table IDs and brings every row back", async () => {
    await cql.execute(`DROP KEYSPACE ${KS}`);
    const { plan } = await restore({ backup: "drill", keyspaces: [KS] });
    expect(plan.schemaStatements[0]).toMatch(new RegExp(`^CREATE KEYSPACE ${KS}`));
    expect(plan.schemaStatements.filter((s) => s.startsWith("CREATE TABLE"))).toHaveLength(3);
    expect(await readDrillData(cql, KS)).toEqual(original);
    const manifest = await readManifest(store, manifestKey(self, "drill"));
    const ids = await cql.execute("SELECT table_name, id FROM system_schema.tables WHERE keyspace_name = ?", [
      KS,
    ]);
    for (const row of ids) {
      const file = manifest.files.find((f) => f.table === row.get("table_name"));
      expect(String(row.get("id"))).toBe(file?.tableId);
    }
  });

  it("restores through the running agent's API as a job with file and byte progress", async () => {
    const agent = await startAgentProcess({
      AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
      AGENT_CQL_HOST: cassandra.spec.address,
      AGENT_BACKUP_TARGET: "fs",
      AGENT_BACKUP_DIR: root,
    });
    try {
      const post = (body: unknown) =>
        fetch(`${agent.url}/api/v1/restores`, {
          method: "POST",
          headers: { authorization: agent.authorization, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const dry = await post({ backup: "drill", tables: [`${KS}.kv`], dryRun: true });
      expect(dry.status).toBe(200);
      await cql.execute(`TRUNCATE ${KS}.kv`);
      const started = await post({ backup: "drill", tables: [`${KS}.kv`] });
      expect(started.status).toBe(202);
      const { location } = (await started.json()) as { location: string };
      let job: { state: string; progress?: { done?: number; total?: number; fraction?: number } };
      do {
        await new Promise((r) => setTimeout(r, 200));
        const res = await fetch(`${agent.url}${location}`, {
          headers: { authorization: agent.authorization },
        });
        job = (await res.json()) as typeof job;
      } while (job.state === "queued" || job.state === "running");
      expect(job.state, agent.output()).toBe("succeeded");
      expect(job.progress?.done).toBe(job.progress?.total);
      expect(job.progress?.fraction).toBe(1);
      expect(await readDrillData(cql, KS)).toEqual(original);
    } finally {
      await agent.stop();
    }
  });

  it("fails on a damaged object with IntegrityError and leaves the data as it was", async () => {
    await cql.execute(`INSERT INTO ${KS}.kv (id, v) VALUES (?, ?)`, [ROWS + 1, "written after the backup"]);
    await cql.execute(`DELETE FROM ${KS}.kv WHERE id = ?`, [0]);
    const before = await readDrillData(cql, KS);
    const manifest = await readManifest(store, manifestKey(self, "drill"));
    const victim = manifest.files.find((f) => f.table === "wide" && f.path.endsWith("-Data.db"))!;
    await writeFile(join(root, "data", victim.key), Buffer.alloc(victim.size, 0x55));
    await expect(restore({ backup: "drill" })).rejects.toBeInstanceOf(IntegrityError);
    expect(await readDrillData(cql, KS)).toEqual(before);
    expect(await stagingLeft()).toEqual([]);
  });

  it("fails clearly on a missing manifest", async () => {
    await expect(restore({ backup: "never-taken" })).rejects.toThrow(BackupNotFoundError);
    await expect(restore({ backup: "never-taken" })).rejects.toThrow(/no manifest for backup never-taken/);
  });
});
