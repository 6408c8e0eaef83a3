import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CqlSession } from "../../agent/cassandra/cql-session.js";
import type { JolokiaCassandraNode } from "../../agent/cassandra/jolokia-node.js";
import type { NodeStatus } from "../../agent/cassandra/node.js";
import { runBackup } from "../../backup/backup-run.js";
import { FsObjectStore } from "../../backup/fs-object-store.js";
import { CLI } from "../support/agent-process.js";
import { capturedLogger } from "../support/app-deps.js";
import { LocalCluster } from "../support/cassandra/local-cluster.js";
import { commitlogDir } from "../support/cassandra/node-spec.js";
import { cassandraNodeFor } from "../support/local-agent-node.js";
import { readDrillData, writeDrillData } from "../support/restore-drill.js";
import { printLogsOnFailure } from "../support/shared-nodes.js";

const run = promisify(execFile);
const KS = "rs_node";
const { logger } = capturedLogger();
let cluster: LocalCluster | undefined;
let node: JolokiaCassandraNode;
let root: string;
let before: NodeStatus;
let original: Record<string, string[]>;

async function cqlSession(): Promise<CqlSession> {
  const spec = cluster!.nodes[0]!.spec;
  return new CqlSession({ host: spec.address, port: spec.nativePort, timeoutMs: 60_000 });
}

// A throwaway node of its own: the drill wipes it.
beforeAll(async () => {
  cluster = await LocalCluster.start({ size: 1, name: "restore-node" });
  node = cassandraNodeFor(cluster.nodes[0]!.spec, 30_000);
  const cql = await cqlSession();
  await writeDrillData(cql, KS, 300);
  original = await readDrillData(cql, KS);
  await cql.close();
  before = await node.status();
  root = await mkdtemp(join(tmpdir(), "restore-node-"));
  await runBackup(
    { node, store: new FsObjectStore(root), logger },
    { name: "whole" },
    { concurrency: 2, retry: { attempts: 2, baseDelayMs: 100 } },
  );
}, 600_000);
afterAll(async () => {
  await node?.close();
  await cluster?.destroy();
  if (root) await rm(root, { recursive: true, force: true });
});
printLogsOnFailure(() => cluster?.nodes ?? []);

describe("whole-node restore before Cassandra starts (drill)", () => {
  it("brings a wiped node back as the same node, with every row", async () => {
    const cassandra = cluster!.nodes[0]!;
    const { spec } = cassandra;
    await node.close();
    await cassandra.stop();
    for (const dir of [
      ...spec.dataDirs,
      commitlogDir(spec),
      join(spec.home, "saved_caches"),
      join(spec.home, "hints"),
    ]) {
      await rm(dir, { recursive: true, force: true });
    }
    const env = {
      ...process.env,
      AGENT_BACKUP_TARGET: "fs",
      AGENT_BACKUP_DIR: root,
      AGENT_LOG_LEVEL: "warn",
    };
    const args = [
      CLI,
      "restore-node",
      "--backup",
      "whole",
      "--host-id",
      before.hostId!,
      "--data-dir",
      ...spec.dataDirs,
    ];
    const started = performance.now();
    const { stdout } = await run(process.execPath, args, { env });
    console.log(`restore-node: ${Math.round(performance.now() - started)} ms`);
    expect(JSON.parse(stdout)).toMatchObject({ backup: "whole", node: { hostId: before.hostId } });
    expect(await readdir(spec.dataDirs[0]!)).toEqual(expect.arrayContaining(["system", "system_schema", KS]));

    // A second run refuses: the directories are no longer empty.
    await expect(run(process.execPath, args, { env })).rejects.toMatchObject({
      stderr: expect.stringMatching(/not empty/),
    });

    await cassandra.start();
    node = cassandraNodeFor(spec, 30_000);
    const after = await node.status();
    expect(after.hostId).toBe(before.hostId);
    expect(after.tokens).toEqual(before.tokens);
    expect(after.operationMode).toBe("NORMAL");
    expect(after.clusterName).toBe(before.clusterName);
    const cql = await cqlSession();
    try {
      expect(await readDrillData(cql, KS)).toEqual(original);
    } finally {
      await cql.close();
    }
  });
});
