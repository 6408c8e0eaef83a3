import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyspaceInfo } from "../../agent/cassandra/node.js";
import { AgentCallError, AgentClient } from "../../agent/client/agent-client.js";
import { clusterSnapshot, replicationProblems, rollingRestartPlan } from "../../agent/client/cluster-ops.js";
import { clusterStatus, formatStatus, ringProblems } from "../../agent/client/cluster-status.js";
import { CLIENT_OPERATIONS, CLIENT_ROUTES } from "../../agent/client/routes.js";
import { testApi, type TestApi } from "../support/api-app.js";
import { FakeCassandraNode } from "../support/fakes/fake-cassandra-node.js";

let api: TestApi;
let server: Server;
let client: AgentClient;

beforeAll(async () => {
  api = testApi({ token: "client-token" });
  server = await new Promise<Server>((resolve) => {
    const s = api.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  client = new AgentClient({ url: `http://127.0.0.1:${port}`, token: "client-token" });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("AgentClient", () => {
  it("calls only routes that the OpenAPI document has", async () => {
    const doc = (await client.openApi()) as { paths: Record<string, Record<string, unknown>> };
    for (const [name, [method, path]] of Object.entries(CLIENT_ROUTES)) {
      if (path.includes("{operation}")) continue;
      expect(doc.paths[path]?.[method], `${name}: ${method} ${path}`).toBeDefined();
    }
    for (const op of CLIENT_OPERATIONS) {
      expect(doc.paths[`/api/v1/node/${op}`]?.post, op).toBeDefined();
    }
  });

  it("starts an operation, waits for its job and reads views", async () => {
    const accepted = await client.start("flush", { keyspace: "system" }, "client-flush-1");
    const job = await client.waitForJob(accepted.id, { intervalMs: 10 });
    expect(job).toMatchObject({ state: "succeeded", type: "flush" });
    expect((await client.start("flush", { keyspace: "system" }, "client-flush-1")).id).toBe(accepted.id);
    expect((await client.ring()).endpoints).toHaveLength(1);
    expect((await client.schemaVersions()).agreement).toBe(true);
    expect((await client.jobs({ type: "flush" })).map((j) => j.id)).toContain(accepted.id);
  });

  it("throws AgentCallError with the problem's status and code", async () => {
    const anonymous = new AgentClient({ url: client.url });
    await expect(anonymous.node()).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    const failure = await client.start("decommission", {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AgentCallError);
    expect(failure).toMatchObject({ status: 400, code: "validation-failed" });
    const nowhere = new AgentClient({ url: "http://127.0.0.1:1", timeoutMs: 1000 });
    await expect(nowhere.node()).rejects.toMatchObject({ status: 0, code: "unreachable" });
  });
});

describe("cluster coordination", () => {
  it("reports a healthy cluster and names what is not", async () => {
    const status = await clusterStatus([
      client,
      new AgentClient({ url: "http://127.0.0.1:1", timeoutMs: 500 }),
    ]);
    expect(status.schemaAgreement).toBe(true);
    expect(status.problems).toEqual([expect.stringMatching(/^agent http:\/\/127\.0\.0\.1:1: /)]);
    expect(formatStatus(status)).toMatch(/up {6}normal/);
    const node = new FakeCassandraNode();
    node.set({ leavingEndpoints: [node.state.endpoint ?? ""] });
    const ring = await node.ring();
    expect(ringProblems(ring, false)).toEqual([
      `${node.state.endpoint} is up/leaving`,
      "schema versions disagree",
    ]);
  });

  it("plans a rolling restart node by node and snapshots every node with one tag", async () => {
    expect(rollingRestartPlan([client, client])).toHaveLength(6);
    const jobs = await clusterSnapshot([client], "cluster-tag-1", {}, { pollMs: 10 });
    expect(jobs[0]).toMatchObject({ state: "succeeded", result: { tag: "cluster-tag-1" } });
    expect((await client.snapshots()).some((s) => s.tag === "cluster-tag-1")).toBe(true);
  });
});

describe("replicationProblems", () => {
  it("names keyspaces whose RF in the leaving node's DC exceeds the nodes that would remain", async () => {
    const node = new FakeCassandraNode();
    const endpoint = node.state.endpoint ?? "";
    node.set({ hostIdToEndpoint: { ...node.state.hostIdToEndpoint, other: "127.0.0.2:7000" } });
    const ring = await node.ring();
    const keyspaces: KeyspaceInfo[] = [
      {
        name: "simple",
        replication: { class: "org.apache.cassandra.locator.SimpleStrategy", replication_factor: "2" },
        tables: [],
      },
      {
        name: "nts",
        replication: { class: "org.apache.cassandra.locator.NetworkTopologyStrategy", dc1: "1" },
        tables: [],
      },
      { name: "local", replication: { class: "org.apache.cassandra.locator.LocalStrategy" }, tables: [] },
    ];
    expect(replicationProblems(keyspaces, ring, endpoint)).toEqual([
      "simple has RF 2 in dc1 but 1 nodes would remain",
    ]);
  });
});
