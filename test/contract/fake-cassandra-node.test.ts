import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { CassandraUnavailableError } from "../../agent/errors.js";
import { tableDirName, writeFakeSSTable } from "../support/fakes/fake-data-dirs.js";
import { FakeCassandraNode } from "../support/fakes/fake-cassandra-node.js";
import { cassandraNodeContract } from "./cassandra-node.contract.js";
import { cassandraNodeViewsContract } from "./cassandra-node-views.contract.js";

const root = await mkdtemp(join(tmpdir(), "fake-node-"));
const dataDirs = [join(root, "data1"), join(root, "data2")];
const node = Object.assign(new FakeCassandraNode({ clusterName: "fake" }), { dataDirs });
afterAll(() => rm(root, { recursive: true, force: true }));

cassandraNodeContract("FakeCassandraNode", () => ({
  node,
  unreachable: new FakeCassandraNode().failWith(new CassandraUnavailableError("Jolokia is not reachable")),
  expected: { clusterName: "fake", datacenter: "dc1", rack: "rack1", dataDirs },
  withData: async () => {
    const keyspace = `ks_${randomUUID().slice(0, 8)}`;
    const id = randomUUID();
    await writeFakeSSTable(dataDirs[1]!, keyspace, tableDirName("t1", id), 1);
    node.keyspaceList.push({ name: keyspace, replication: {}, tables: ["t1"] });
    node.schemaCql =
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'};\n\n` +
      `CREATE TABLE ${keyspace}.t1 (\n    id int PRIMARY KEY\n) WITH ID = ${id};\n`;
    return { keyspace, table: "t1" };
  },
  drainable: async () => Object.assign(new FakeCassandraNode(), { drainDurationMs: 5 }),
}));

cassandraNodeViewsContract("FakeCassandraNode", () => ({
  node: new FakeCassandraNode({ clusterName: "fake" }),
  unreachable: new FakeCassandraNode().failWith(new CassandraUnavailableError("Jolokia is not reachable")),
  expected: { clusterName: "fake", datacenter: "dc1", rack: "rack1" },
}));
