/**
 * Backup throughput, the time of an unchanged second backup, and the agent's peak memory during a
 * multi-GB backup. Figures only; nothing is asserted.
 * Run: `npm run build && npx tsx bench/backup-throughput.ts [GiB]` (default 2). Starts and stops its own
 * Cassandra node and S3Mock.
 *
 * What is measured, on a real node holding `GiB` of real SSTables (1 MiB random blobs, compression off so
 * the bytes on disk are the bytes written), auto-compaction off so nothing changes between runs:
 * - Layout "flushed": the SSTables as flushed (many files of tens of MB).
 *   - The agent as it ships: `node dist/agent/cli.js backup create` in its own process, configured by
 *     environment like a pod and with the image's NODE_OPTIONS (read from docker/agent.Dockerfile; a
 *     `kubectl exec` into the container gets them too), talking to the node over Jolokia and to S3Mock
 *     over loopback. Wall time includes the snapshot and the manifest; RSS is read from /proc every 50 ms.
 *     Once with the defaults (SHA-256 per part, verified by the server), once with
 *     `AGENT_S3_CHECKSUM_WHEN_REQUIRED=true` (no server-side verification), once with Node's default
 *     heap flags, once with twice the files at once (as many requests in flight as the ceiling), and an
 *     unchanged second backup.
 *   - The agent as deployed: `serve` with the image's flags, a backup through `POST /api/v1/backups`; its
 *     RSS idle before the backup and its peak during it.
 * - Layout "compacted": after a major compaction, one Data.db of about `GiB`: memory must not follow the
 *   file size.
 * - The ceilings, per layout: the same snapshot files uploaded by this script with plain
 *   `@aws-sdk/lib-storage` `Upload`s, same part size and files at once, 2 parts in flight per file
 *   (lib-storage's buffering), no hashing of our own; once with the SDK's default checksums and once
 *   asking for SHA-256 (the server's work the agent asks for).
 * S3Mock, Cassandra and the agent share the machine's 2 cores: absolute rates are this machine's; the
 * ratios to the ceilings are the point.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Upload } from "@aws-sdk/lib-storage";
import { CqlSession } from "../agent/cassandra/cql-session.js";
import { createS3Client } from "../backup/s3-client.js";
import { listSnapshotFiles } from "../backup/snapshot-files.js";
import { LocalCluster } from "../test/support/cassandra/local-cluster.js";
import { startAgentProcess } from "../test/support/agent-process.js";
import { S3TestServer } from "../test/support/s3-server.js";
import { rssMb } from "./support.js";

const MIB = 1024 * 1024;
const CLI = fileURLToPath(new URL("../dist/agent/cli.js", import.meta.url));
const totalGiB = Number(process.argv[2] ?? 2);
const concurrency = 2;
const partSize = 16 * MIB;
/** The flags the image sets, so the figure is the deployed agent's. */
const deployedNodeOptions = /NODE_OPTIONS="([^"]*)"/.exec(
  readFileSync(new URL("../docker/agent.Dockerfile", import.meta.url), "utf8"),
)?.[1];
if (deployedNodeOptions === undefined) throw new Error("no NODE_OPTIONS in docker/agent.Dockerfile");

/** Samples a process's RSS every 50 ms until stopped; returns the peak in MB. */
function rssSampler(pid: number): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // exited between samples
    }
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

async function writeBlobs(cql: CqlSession): Promise<void> {
  const rows = totalGiB * 1024;
  for (let id = 0; id < rows; id += 4) {
    await Promise.all(
      [0, 1, 2, 3].map((j) =>
        cql.execute("INSERT INTO bench.blobs (id, v) VALUES (?, ?)", [id + j, randomBytes(MIB)]),
      ),
    );
  }
}

/** Runs the agent's CLI in its own process; returns its answer, wall time and peak RSS. */
async function agentBackup(env: Record<string, string>, name: string) {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, "backup", "create", "--name", name, "--keyspaces", "bench"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const sampler = rssSampler(child.pid!);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const peak = sampler.stop();
  if (code !== 0) throw new Error(`backup ${name} exited ${code}: ${out}`);
  const result = JSON.parse(out) as {
    totals: { uploadedBytes: number; uploadedFiles: number; files: number };
  };
  return { seconds: (performance.now() - started) / 1000, peakMb: peak, totals: result.totals };
}

/** The agent as deployed: `serve` with the image's flags, a backup through the API; RSS idle and at peak. */
async function serveBackup(env: Record<string, string>, name: string) {
  const agent = await startAgentProcess({ ...env, NODE_OPTIONS: deployedNodeOptions! });
  try {
    await new Promise((r) => setTimeout(r, 5_000)); // settle: first probe polls, metrics directory
    const idleMb = rssMb(agent.child.pid!);
    const sampler = rssSampler(agent.child.pid!);
    const started = performance.now();
    const headers = { authorization: agent.authorization, "content-type": "application/json" };
    const accepted = await fetch(`${agent.url}/api/v1/backups`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name, keyspaces: ["bench"] }),
    });
    if (accepted.status !== 202) throw new Error(`backup refused: ${await accepted.text()}`);
    const { id } = (await accepted.json()) as { id: string };
    let job: { state: string; result?: unknown; error?: unknown };
    do {
      await new Promise((r) => setTimeout(r, 500));
      job = (await (await fetch(`${agent.url}/api/v1/jobs/${id}`, { headers })).json()) as typeof job;
    } while (job.state === "queued" || job.state === "running");
    const peakMb = sampler.stop();
    if (job.state !== "succeeded") throw new Error(`backup job ${job.state}: ${JSON.stringify(job.error)}`);
    return { seconds: (performance.now() - started) / 1000, idleMb, peakMb };
  } finally {
    await agent.stop();
  }
}

async function plainUpload(
  client: ReturnType<typeof createS3Client>,
  files: { absolutePath: string }[],
  sha256: boolean,
) {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const params = {
        Bucket: "bench",
        Key: `plain/${randomUUID()}`,
        Body: createReadStream(file.absolutePath),
        ...(sha256 ? { ChecksumAlgorithm: "SHA256" as const } : {}),
      };
      await new Upload({ client, params, partSize, queueSize: 2 }).done();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  return (performance.now() - started) / 1000;
}

const state = await mkdtemp(join(tmpdir(), "bench-backup-state-"));
const server = await S3TestServer.start("bench");
const cluster = await LocalCluster.start({ size: 1, name: "bench-backup" });
try {
  const [cassandra] = cluster.nodes;
  if (!cassandra) throw new Error("no node");
  const cql = new CqlSession({
    host: cassandra.spec.address,
    port: cassandra.spec.nativePort,
    timeoutMs: 60_000,
  });
  const started = performance.now();
  // A stable data set: without this, STCS compacts the flushed SSTables while the backups run.
  await cql.execute(
    "CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await cql.execute(
    "CREATE TABLE bench.blobs (id int PRIMARY KEY, v blob) WITH compression = {'enabled': false}",
  );
  await cassandra.nodetool("disableautocompaction", "bench");
  await writeBlobs(cql);
  await cassandra.nodetool("flush", "bench");
  await cql.close();
  console.log(
    `wrote and flushed ${totalGiB} GiB of SSTables in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const env = {
    AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
    AGENT_CQL_HOST: cassandra.spec.address,
    AGENT_STATE_DIR: state,
    AGENT_LOG_LEVEL: "warn",
    AGENT_BACKUP_TARGET: "s3",
    AGENT_S3_BUCKET: "bench",
    AGENT_S3_ENDPOINT: server.endpoint,
    AGENT_S3_FORCE_PATH_STYLE: "true",
    AGENT_BACKUP_CONCURRENCY: String(concurrency),
    AGENT_S3_PART_SIZE: String(partSize),
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    NODE_OPTIONS: deployedNodeOptions,
  };
  const ceilings = async (layout: string) => {
    await cassandra.nodetool("snapshot", "-t", `plain-${layout}`, "bench");
    const files = await listSnapshotFiles(cassandra.spec.dataDirs, `plain-${layout}`, ["bench"]);
    const client = createS3Client(server.clientOptions());
    const sdkDefault = await plainUpload(client, files, false);
    const sha256 = await plainUpload(client, files, true);
    client.destroy();
    await cassandra.nodetool("clearsnapshot", "-t", `plain-${layout}`, "--", "bench");
    const largest = Math.max(...files.map((f) => f.size)) / MIB;
    return { sdkDefault, sha256, files: files.length, largest };
  };

  const flushed = {
    first: await agentBackup({ ...env, AGENT_S3_PREFIX: "agent" }, "first"),
    second: await agentBackup({ ...env, AGENT_S3_PREFIX: "agent" }, "second"),
    noCheck: await agentBackup(
      { ...env, AGENT_S3_PREFIX: "nocheck", AGENT_S3_CHECKSUM_WHEN_REQUIRED: "true" },
      "nocheck",
    ),
    nodeDefaults: await agentBackup({ ...env, AGENT_S3_PREFIX: "defaults", NODE_OPTIONS: "" }, "defaults"),
    // As many requests in flight as the ceiling has (2 files × 2 parts).
    fourFiles: await agentBackup(
      { ...env, AGENT_S3_PREFIX: "four", AGENT_BACKUP_CONCURRENCY: String(2 * concurrency) },
      "four",
    ),
    served: await serveBackup({ ...env, AGENT_S3_PREFIX: "served" }, "served"),
    ceiling: await ceilings("flushed"),
  };
  await cassandra.nodetool("compact", "bench");
  const compacted = {
    first: await agentBackup({ ...env, AGENT_S3_PREFIX: "compacted" }, "compacted"),
    ceiling: await ceilings("compacted"),
  };

  const mib = flushed.first.totals.uploadedBytes / MIB;
  const rate = (seconds: number) => `${(mib / seconds).toFixed(0)} MiB/s`;
  const line = (label: string, run: { seconds: number; peakMb: number }) =>
    console.log(
      `${label.padEnd(44)} ${run.seconds.toFixed(1).padStart(6)} s = ${rate(run.seconds).padStart(9)}, peak RSS ${run.peakMb.toFixed(0)} MB`,
    );
  const ceilingLines = (c: { sdkDefault: number; sha256: number }, agent: number) => {
    console.log(
      `${"plain lib-storage, SDK default checksums".padEnd(44)} ${c.sdkDefault.toFixed(1).padStart(6)} s = ${rate(c.sdkDefault).padStart(9)}`,
    );
    console.log(
      `${"plain lib-storage, SHA-256 checksums".padEnd(44)} ${c.sha256.toFixed(1).padStart(6)} s = ${rate(c.sha256).padStart(9)}`,
    );
    console.log(
      `ratio agent / ceiling: ${(c.sha256 / agent).toFixed(2)} (same checksum), ${(c.sdkDefault / agent).toFixed(2)} (SDK default)`,
    );
  };
  console.log(
    `${mib.toFixed(0)} MiB; ${concurrency} files at once, parts of ${partSize / MIB} MiB; agent NODE_OPTIONS "${deployedNodeOptions}" unless said`,
  );
  console.log(`\nflushed: ${flushed.ceiling.files} files, largest ${flushed.ceiling.largest.toFixed(0)} MiB`);
  line("agent CLI backup", flushed.first);
  line("agent CLI, no server-side checksums", flushed.noCheck);
  line("agent CLI, Node's default heap flags", flushed.nodeDefaults);
  line(`agent CLI, ${2 * concurrency} files at once`, flushed.fourFiles);
  console.log(
    `${"agent serve, backup through the API".padEnd(44)} ${flushed.served.seconds.toFixed(1).padStart(6)} s = ${rate(flushed.served.seconds).padStart(9)}, RSS ${flushed.served.idleMb.toFixed(0)} MB idle before, peak ${flushed.served.peakMb.toFixed(0)} MB`,
  );
  ceilingLines(flushed.ceiling, flushed.first.seconds);
  console.log(
    `ratio agent with ${2 * concurrency} files at once / same-checksum ceiling: ${(flushed.ceiling.sha256 / flushed.fourFiles.seconds).toFixed(2)}`,
  );
  console.log(
    `no-checksum agent / SDK-default ceiling: ${(flushed.ceiling.sdkDefault / flushed.noCheck.seconds).toFixed(2)}`,
  );
  console.log(
    `second, unchanged backup: ${flushed.second.seconds.toFixed(1)} s, ${flushed.second.totals.uploadedFiles} files / ${flushed.second.totals.uploadedBytes} bytes uploaded, peak RSS ${flushed.second.peakMb.toFixed(0)} MB`,
  );
  console.log(
    `\ncompacted: ${compacted.ceiling.files} files, largest ${compacted.ceiling.largest.toFixed(0)} MiB`,
  );
  line("agent CLI backup", compacted.first);
  ceilingLines(compacted.ceiling, compacted.first.seconds);
} finally {
  await cluster.destroy();
  await server.dispose();
  await rm(state, { recursive: true, force: true });
}
