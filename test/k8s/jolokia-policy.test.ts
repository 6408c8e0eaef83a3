import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.js";
import { ensureK8sTools, REPO_ROOT } from "../support/k8s-tools.js";
import {
  OP,
  SNITCH_OP,
  TABLE_IMPORT_OP,
  WRITABLE_ATTRIBUTES,
} from "../../agent/cassandra/jolokia-operations.js";

/**
 * Starts a JVM with the exact -javaagent line the Cassandra image appends to jvm-server.options (only the
 * jar path, the port and the policy path are rewritten for this machine), registers MBeans under
 * Cassandra's names, and checks over HTTP what the access policy lets through.
 */

const OPTIONS = path.join(REPO_ROOT, "docker/cassandra/jvm-jolokia.options");
const POLICY = path.join(REPO_ROOT, "docker/cassandra/jolokia-access.xml");
const FAKE = path.join(REPO_ROOT, "test/k8s/fixtures/FakeCassandraMBeans.java");
const SS = "org.apache.cassandra.db:type=StorageService";
const TABLE = "org.apache.cassandra.db:type=Tables,keyspace=ks,table=t";

/**
 * The StorageService operations the agent calls: every one in the agent's own table of JMX operations
 * (so a new operation without a policy rule fails here), plus those the drain and the API call by name.
 */
const AGENT_OPERATIONS = [
  ...Object.values(OP).map((signature) => signature.slice(0, signature.indexOf("("))),
  "drain",
  "takeSnapshot",
  "clearSnapshot",
  "getSnapshotDetails",
  "forceKeyspaceCleanup",
  "forceKeyspaceFlush",
  "forceKeyspaceCompaction",
  "decommission",
  "repairAsync",
  "rebuild",
  "stopNativeTransport",
  "startNativeTransport",
  "stopGossiping",
  "upgradeSSTables",
  "scrub",
  "garbageCollect",
  "setCompactionThroughputMbPerSec",
  "getCompactionThroughputMbPerSec",
  "setStreamThroughputMbitPerSec",
  "getStreamThroughputMbitPerSec",
];

interface JolokiaAnswer {
  status: number;
  value?: unknown;
  error?: string;
}

let jvm: ChildProcess | undefined;
let url = "";
let output = "";

async function agentOptions(): Promise<{ jar: string; options: Map<string, string> }> {
  const line = (await readFile(OPTIONS, "utf8")).split("\n").find((l) => l.startsWith("-javaagent:"));
  if (!line) throw new Error(`${OPTIONS} has no -javaagent line`);
  const spec = line.slice("-javaagent:".length);
  const eq = spec.indexOf("=");
  const jar = eq < 0 ? spec : spec.slice(0, eq);
  const options = eq < 0 ? "" : spec.slice(eq + 1);
  return { jar, options: new Map(options.split(",").map((kv) => kv.split("=", 2) as [string, string])) };
}

async function jolokia(body: object): Promise<JolokiaAnswer> {
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  // Jolokia usually answers HTTP 200 and puts the outcome in `status`; some argument errors come back as
  // HTTP 400 with the same body. Only the body's status is asserted.
  const text = await response.text();
  try {
    return JSON.parse(text) as JolokiaAnswer;
  } catch {
    return { status: response.status, error: text };
  }
}

const exec = (mbean: string, operation: string, args: unknown[] = []) =>
  jolokia({ type: "exec", mbean, operation, arguments: args });

beforeAll(async () => {
  const tools = await ensureK8sTools();
  const { options } = await agentOptions();
  const port = await freePort();
  options.set("port", String(port));
  options.set("policyLocation", `file://${POLICY}`);
  const agentArg = [...options].map(([k, v]) => `${k}=${v}`).join(",");
  jvm = spawn("java", [`-javaagent:${tools.jolokiaJar}=${agentArg}`, "-Xmx64m", FAKE, "90"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  jvm.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  jvm.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  url = `http://127.0.0.1:${port}/jolokia`;
  const deadline = Date.now() + 60_000;
  while (!output.includes("fake Cassandra MBeans registered")) {
    if (jvm.exitCode !== null || Date.now() > deadline) throw new Error(`test JVM did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 600_000);

afterAll(() => {
  jvm?.kill("SIGKILL");
});

describe("Jolokia agent options in the Cassandra image", () => {
  it("bind to loopback with a fixed pool of four threads and the policy file", async () => {
    const { jar, options } = await agentOptions();
    expect(jar).toBe("/opt/jolokia/jolokia-agent-jvm-javaagent.jar");
    expect(options.get("host")).toBe("127.0.0.1");
    expect(options.get("port")).toBe("8778");
    expect(options.get("executor")).toBe("fixed");
    expect(options.get("threadNr")).toBe("4");
    expect(options.get("policyLocation")).toBe("file:///etc/cassandra/jolokia-access.xml");
  });

  it("load the policy restrictor (not the allow-all default)", () => {
    expect(output).toContain("Using policy access restrictor");
  });
});

describe("Jolokia access policy", () => {
  it("allows reading Cassandra and java.lang MBeans, one or by pattern", async () => {
    expect(await jolokia({ type: "read", mbean: SS, attribute: "OperationMode" })).toMatchObject({
      status: 200,
      value: "NORMAL",
    });
    expect((await jolokia({ type: "read", mbean: "java.lang:type=Memory" })).status).toBe(200);
    const pattern = await jolokia({
      type: "read",
      mbean: "org.apache.cassandra.metrics:type=Table,*",
      attribute: "LiveSSTableCount",
    });
    expect(pattern.value).toEqual({
      "org.apache.cassandra.metrics:type=Table,keyspace=ks,scope=t": { LiveSSTableCount: 3 },
    });
  });

  it("refuses reads outside those domains", async () => {
    const answer = await jolokia({ type: "read", mbean: "java.nio:type=BufferPool,name=direct" });
    expect(answer.status).toBe(403);
    const hotspot = "com.sun.management:type=HotSpotDiagnostic";
    expect((await jolokia({ type: "read", mbean: hotspot, attribute: "DiagnosticOptions" })).status).toBe(
      403,
    );
  });

  it("lets every StorageService operation of the agent through, with or without a signature", async () => {
    for (const operation of AGENT_OPERATIONS) {
      const plain = await exec(SS, operation);
      const signed = await exec(SS, `${operation}(java.lang.String)`, ["x"]);
      expect({ operation, status: plain.status }).not.toEqual({ operation, status: 403 });
      expect({ operation, status: signed.status }).not.toEqual({ operation, status: 403 });
    }
    const snapshot = "takeSnapshot(java.lang.String,java.util.Map,[Ljava.lang.String;)";
    expect((await exec(SS, snapshot, ["t", {}, []])).status).toBe(200);
    expect(await jolokia({ type: "read", mbean: SS, attribute: "OperationMode" })).toMatchObject({
      status: 200,
    });
  });

  it("lets the agent write the throughput caps and ask the snitch for an endpoint's DC and rack", async () => {
    for (const attribute of WRITABLE_ATTRIBUTES) {
      const write = await jolokia({ type: "write", mbean: SS, attribute, value: 64 });
      expect({ attribute, status: write.status }).not.toEqual({ attribute, status: 403 });
    }
    const snitch = "org.apache.cassandra.db:type=EndpointSnitchInfo";
    for (const operation of Object.values(SNITCH_OP)) {
      const answer = await exec(snitch, operation, ["127.0.0.1:7000"]);
      expect({ operation, status: answer.status }).not.toEqual({ operation, status: 403 });
    }
  });

  it("refuses other operations, writes and list", async () => {
    for (const operation of ["stopDaemon", "forceRemoveCompletion", "move", "drainX"]) {
      expect({ operation, status: (await exec(SS, operation)).status }).toEqual({ operation, status: 403 });
    }
    expect((await exec("java.lang:type=Memory", "gc")).status).toBe(403);
    const write = { type: "write", mbean: SS, attribute: "ExampleFlag", value: true };
    expect((await jolokia(write)).status).toBe(403);
    expect((await jolokia({ type: "list" })).status).toBe(403);
  });

  it("allows importNewSSTables on a table but no other table operation; any CompactionManager op", async () => {
    expect((await exec(TABLE, "importNewSSTables", [["/tmp/x"], false])).status).toBe(200);
    const signed = await exec(TABLE, TABLE_IMPORT_OP, [
      ["/tmp/x"],
      false,
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(signed.status).not.toBe(403);
    expect((await exec(TABLE, "forceMajorCompaction", [false])).status).toBe(403);
    const cm = "org.apache.cassandra.db:type=CompactionManager";
    expect((await exec(cm, "stopCompaction", ["COMPACTION"])).status).toBe(200);
  });

  it("allows version and search", async () => {
    expect((await jolokia({ type: "version" })).status).toBe(200);
    const search = await jolokia({ type: "search", mbean: "org.apache.cassandra.db:type=Tables,*" });
    expect(search.value).toEqual([TABLE]);
  });
});
