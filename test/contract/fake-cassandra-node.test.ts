import { CassandraUnavailableError } from "../../agent/errors.js";
import { FakeCassandraNode } from "../support/fakes/fake-cassandra-node.js";
import { cassandraNodeContract } from "./cassandra-node.contract.js";
import { cassandraNodeViewsContract } from "./cassandra-node-views.contract.js";

cassandraNodeContract("FakeCassandraNode", () => ({
  node: new FakeCassandraNode({ clusterName: "fake" }),
  unreachable: new FakeCassandraNode().failWith(new CassandraUnavailableError("Jolokia is not reachable")),
  expected: { clusterName: "fake", datacenter: "dc1", rack: "rack1" },
  drainable: async () => Object.assign(new FakeCassandraNode(), { drainDurationMs: 5 }),
}));

cassandraNodeViewsContract("FakeCassandraNode", () => ({
  node: new FakeCassandraNode({ clusterName: "fake" }),
  unreachable: new FakeCassandraNode().failWith(new CassandraUnavailableError("Jolokia is not reachable")),
  expected: { clusterName: "fake", datacenter: "dc1", rack: "rack1" },
}));
