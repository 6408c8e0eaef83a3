import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CqlSession } from "../../agent/cassandra/cql-session.js";
import { JolokiaClient } from "../../agent/cassandra/jolokia-client.js";
import type { JolokiaCassandraNode } from "../../agent/cassandra/jolokia-node.js";
import { MBEAN } from "../../agent/cassandra/mbeans.js";
import {
  CassandraMBeanNotFoundError,
  CassandraOperationError,
  CassandraTimeoutError,
} from "../../agent/errors.js";
import { cassandraNodeViewsContract } from "../contract/cassandra-node-views.contract.js";
import { cassandraNodeContract } from "../contract/cassandra-node.contract.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { LocalCluster } from "../support/cassandra/local-cluster.js";
import { cassandraNodeFor, NOTHING_LISTENS } from "../support/local-agent-node.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

let cassandra: CassandraProcess;
let node: JolokiaCassandraNode;
let unreachable: JolokiaCassandraNode;
let throwaway: LocalCluster | undefined;
let cql: CqlSession;

beforeAll(async () => {
  [cassandra] = (await sharedCluster("single")) as [CassandraProcess];
  node = cassandraNodeFor(cassandra.spec);
  unreachable = cassandraNodeFor(NOTHING_LISTENS, 1_000);
  cql = new CqlSession({ host: cassandra.spec.address, port: cassandra.spec.nativePort, timeoutMs: 20_000 });
});
afterAll(async () => {
  await node?.close();
  await unreachable?.close();
  await cql?.close();
  await throwaway?.destroy();
});
printLogsOnFailure(() => [cassandra]);

cassandraNodeContract("JolokiaCassandraNode on a real Cassandra 5.0 node", () => ({
  node,
  unreachable,
  expected: {
    clusterName: cassandra.spec.clusterName,
    datacenter: cassandra.spec.dc,
    rack: cassandra.spec.rack,
    dataDirs: cassandra.spec.dataDirs,
  },
  withData: async () => {
    const keyspace = `contract_${randomUUID().slice(0, 8)}`;
    await cql.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await cql.execute(`CREATE TABLE ${keyspace}.t1 (id int PRIMARY KEY, v text)`);
    for (let id = 0; id < 10; id++)
      await cql.execute(`INSERT INTO ${keyspace}.t1 (id, v) VALUES (?, ?)`, [id, "x"]);
    return { keyspace, table: "t1" };
  },
  // Draining is for good: a node of its own, stopped after the file.
  drainable: async () => {
    throwaway = await LocalCluster.start({ size: 1, name: "drain-contract" });
    const [spec] = throwaway.info.specs;
    return cassandraNodeFor(spec ?? cassandra.spec, 10_000);
  },
}));

cassandraNodeViewsContract("JolokiaCassandraNode on a real Cassandra 5.0 node", () => ({
  node,
  unreachable,
  expected: {
    clusterName: cassandra.spec.clusterName,
    datacenter: cassandra.spec.dc,
    rack: cassandra.spec.rack,
  },
}));

describe("JolokiaCassandraNode on a real node", () => {
  it("sees the node's own address and token as the harness configured them", async () => {
    const status = await node.status();
    expect(status.endpoint).toBe(`${cassandra.spec.address}:${cassandra.spec.storagePort}`);
    expect(status.tokens).toEqual([cassandra.spec.initialToken]);
  });

  it("reports a hung JVM (SIGSTOP) as a timeout, and answers again after SIGCONT", async () => {
    const quick = cassandraNodeFor(cassandra.spec, 1_000);
    cassandra.pause();
    try {
      await expect(quick.status()).rejects.toBeInstanceOf(CassandraTimeoutError);
    } finally {
      cassandra.resume();
    }
    await expect(quick.status()).resolves.toMatchObject({ operationMode: "NORMAL" });
    await quick.close();
  });

  it("maps Jolokia's per-entry failures: a missing MBean and a failing operation", async () => {
    const client = new JolokiaClient({ url: cassandra.jolokiaUrl, timeoutMs: 3_000 });
    const [missing, failing, fine] = await client.bulk([
      { type: "read", mbean: "org.apache.cassandra.db:type=NoSuchThing", attribute: "X" },
      {
        type: "exec",
        mbean: MBEAN.storageService,
        operation: "forceKeyspaceFlush(java.lang.String,[Ljava.lang.String;)",
        arguments: ["no_such_keyspace", []],
      },
      { type: "read", mbean: MBEAN.storageService, attribute: "OperationMode" },
    ]);
    expect(missing).toMatchObject({ ok: false });
    expect(missing?.ok === false && missing.error).toBeInstanceOf(CassandraMBeanNotFoundError);
    expect(failing?.ok === false && failing.error).toBeInstanceOf(CassandraOperationError);
    expect(fine).toEqual({ ok: true, value: "NORMAL" });
  });
});
