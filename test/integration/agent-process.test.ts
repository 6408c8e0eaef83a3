import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { CLI, startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

const run = promisify(execFile);
let cassandra: CassandraProcess;
let agent: AgentProcess;
const stateDir = mkdtempSync(path.join(tmpdir(), "cpa-agent-"));
const tokenFile = path.join(stateDir, "token");
const auth = { authorization: "Bearer agent-process-token" };
writeFileSync(tokenFile, "agent-process-token\n");

beforeAll(async () => {
  [cassandra] = (await sharedCluster("single")) as [CassandraProcess];
  agent = await startAgentProcess({
    AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
    AGENT_CQL_HOST: cassandra.spec.address,
    AGENT_STATE_DIR: stateDir,
    AGENT_API_TOKEN_FILE: tokenFile,
  });
});
afterAll(async () => {
  await agent?.stop("SIGKILL");
});
printLogsOnFailure(() => [cassandra]);

describe("the agent process beside a real node", () => {
  it("answers /healthz and reads the node's status through the port", async () => {
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${agent.url}/api/v1/node`, { headers: auth });
    expect(res.status).toBe(200);
    const status = (await res.json()) as { operationMode: string; hostId: string; clusterName: string };
    expect(status.operationMode).toBe("NORMAL");
    expect(status.clusterName).toBe(cassandra.spec.clusterName);
  });

  it("lists keyspaces over CQL", async () => {
    const keyspaces = (await (await fetch(`${agent.url}/api/v1/keyspaces`, { headers: auth })).json()) as {
      name: string;
    }[];
    expect(keyspaces.map((k) => k.name)).toContain("system_schema");
  });

  it("logs one JSON line per request, with a request ID", async () => {
    await fetch(`${agent.url}/api/v1/node`, { headers: { "x-request-id": "trace-me-1", ...auth } });
    // The line is written when the response finishes, which may be just after the client has it.
    const line = await vi.waitFor(() => {
      const found = agent
        .output()
        .split("\n")
        .find((l) => l.includes("trace-me-1"));
      expect(found).toBeDefined();
      return found;
    });
    expect(JSON.parse(line ?? "{}")).toMatchObject({ path: "/api/v1/node", status: 200, level: "info" });
  });

  it("exits 0 within the shutdown bound on SIGTERM", async () => {
    const other = await startAgentProcess({
      AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
      AGENT_SHUTDOWN_TIMEOUT_MS: "2000",
      AGENT_STATE_DIR: stateDir,
    });
    const started = Date.now();
    expect(await other.stop("SIGTERM")).toBe(0);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(other.output()).toContain("agent stopped");
  });
});

describe("the agent's own metrics beside a real node", () => {
  it("records the probe verdicts it serves", async () => {
    await vi.waitFor(async () => {
      const metrics = await (await fetch(`${agent.url}/metrics`)).text();
      expect(metrics).toMatch(/^cassandra_pod_agent_probe_ok\{probe="readiness"\} 1$/m);
      expect(metrics).toMatch(/^cassandra_pod_agent_probe_ok\{probe="liveness"\} 1$/m);
    });
  });
});

describe("start-up with bad configuration", () => {
  it("exits 78 with one message naming every bad option", async () => {
    const failure = await run(process.execPath, [CLI, "serve"], {
      env: { ...process.env, AGENT_PORT: "x", AGENT_BACKUP_TARGET: "tape", AGENT_JOLOKIA_URL: "nope" },
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(78);
    expect(failure?.stderr).toMatch(/AGENT_PORT/);
    expect(failure?.stderr).toMatch(/AGENT_BACKUP_TARGET/);
    expect(failure?.stderr).toMatch(/AGENT_JOLOKIA_URL/);
  });
});
