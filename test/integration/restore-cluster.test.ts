import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import cassandra from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CqlSession } from "../../agent/cassandra/cql-session.js";
import type { NodeStatus } from "../../agent/cassandra/node.js";
import { runBackup } from "../../backup/backup-run.js";
import { FsObjectStore } from "../../backup/fs-object-store.js";
import { CLI } from "../support/agent-process.js";
import { capturedLogger } from "../support/app-deps.js";
import { LocalCluster } from "../support/cassandra/local-cluster.js";
import { cassandraNodeFor } from "../support/local-agent-node.js";
import { readDrillData, writeDrillData } from "../support/restore-drill.js";
import { printLogsOnFailure } from "../support/shared-nodes.js";

const run = promisify(execFile);
const KS = "rs_cluster";
const NAME = "rs-cluster";
const { logger } = capturedLogger();
let source: LocalCluster | undefined;
let target: LocalCluster | undefined;
let root: string;
let original: Record<string, string[]>;
const backedUp: NodeStatus[] = [];

const firstToken = (s: { tokens: string[] }) => BigInt(s.tokens[0] ?? "0");

/** A driver session over the whole target cluster whose reads and writes run at consistency ALL. */
function allSession(contactPoints: string[], dc: string) {
  const client = new cassandra.Client({
    contactPoints,
    localDataCenter: dc,
    queryOptions: { consistency: cassandra.types.consistencies.all },
  });
  return {
    client,
    execute: async (query: string, params: unknown[] = []) =>
      (await client.execute(query, params, { prepare: params.length > 0 })).rows,
  };
}

// A source cluster of its own, backed up as one cluster backup and then stopped (its addresses must be gone
// before the new cluster starts), and a fresh cluster of the same size and topology to restore into.
beforeAll(async () => {
  source = await LocalCluster.start({ size: 3, name: NAME });
  const seed = source.nodes[0]!.spec;
  const cql = new CqlSession({ host: seed.address, port: seed.nativePort, timeoutMs: 60_000 });
  await writeDrillData(cql, KS, 300, `{'class': 'NetworkTopologyStrategy', '${seed.dc}': 3}`);
  await cql.close();
  const reader = allSession(
    source.nodes.map((n) => n.spec.address),
    seed.dc,
  );
  original = await readDrillData(reader, KS);
  await reader.client.shutdown();
  root = await mkdtemp(join(tmpdir(), "restore-cluster-"));
  for (const member of source.nodes) {
    const node = cassandraNodeFor(member.spec, 30_000);
    backedUp.push(await node.status());
    await runBackup(
      { node, store: new FsObjectStore(root), logger },
      { name: "cluster-drill" },
      { concurrency: 2, retry: { attempts: 2, baseDelayMs: 100 } },
    );
    await node.close();
  }
  await source.destroy();
  source = undefined;
}, 900_000);
afterAll(async () => {
  await source?.destroy();
  await target?.destroy();
  if (root) await rm(root, { recursive: true, force: true });
});
printLogsOnFailure(() => target?.nodes ?? []);

describe("cluster restore into a new cluster of the same size and topology (drill)", () => {
  it(
    "maps old nodes to new ones by DC, rack and token order, restores each, and every row reads back at ALL",
    { timeout: 600_000 },
    async () => {
      target = await LocalCluster.create({ size: 3, name: NAME });
      const olds = [...backedUp].sort((a, b) => (firstToken(a) < firstToken(b) ? -1 : 1));
      const news = [...target.nodes].sort((a, b) =>
        BigInt(a.spec.initialToken) < BigInt(b.spec.initialToken) ? -1 : 1,
      );
      news.forEach((n, i) => {
        expect({ dc: olds[i]!.datacenter, rack: olds[i]!.rack }).toEqual({
          dc: n.spec.dc,
          rack: n.spec.rack,
        });
      });
      const env = {
        ...process.env,
        AGENT_BACKUP_TARGET: "fs",
        AGENT_BACKUP_DIR: root,
        AGENT_LOG_LEVEL: "warn",
      };
      // The procedure's first step: the CLI maps the backed-up nodes to the new pods (DC, rack, token order).
      const { stdout } = await run(
        process.execPath,
        [
          CLI,
          "backup",
          "host-id-map",
          "--backup",
          "cluster-drill",
          "--cluster-name",
          NAME,
          "--pods",
          news.map((n) => n.spec.name).join(","),
        ],
        { env },
      );
      const map = JSON.parse(stdout) as Record<string, string>;
      expect(map).toEqual(Object.fromEntries(news.map((n, i) => [n.spec.name, olds[i]!.hostId])));
      const mapFile = join(root, "host-ids.json");
      await writeFile(mapFile, JSON.stringify(map));
      for (const n of news) {
        const args = [
          CLI,
          "restore-node",
          "--backup",
          "cluster-drill",
          "--host-id-map",
          mapFile,
          "--pod-name",
          n.spec.name,
          "--data-dir",
          ...n.spec.dataDirs,
        ];
        await run(process.execPath, args, { env });
      }
      await target.startAll();

      const statuses = await Promise.all(
        news.map(async (n) => {
          const node = cassandraNodeFor(n.spec, 30_000);
          try {
            return await node.status();
          } finally {
            await node.close();
          }
        }),
      );
      statuses.forEach((status, i) => {
        expect(status.hostId).toBe(olds[i]!.hostId);
        expect(status.tokens).toEqual(olds[i]!.tokens);
        expect(status.operationMode).toBe("NORMAL");
      });
      const reader = allSession(
        news.map((n) => n.spec.address),
        news[0]!.spec.dc,
      );
      try {
        // Gossip needs a moment to learn that each host ID now has a new address.
        let restored: Record<string, string[]> | undefined;
        for (let attempt = 0; attempt < 30 && restored === undefined; attempt++) {
          restored = await readDrillData(reader, KS).catch(async () => {
            await sleep(2_000);
            return undefined;
          });
        }
        expect(restored).toEqual(original);
      } finally {
        await reader.client.shutdown();
      }
    },
  );
});
