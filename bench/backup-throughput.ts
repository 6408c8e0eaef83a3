/**
 * Backup throughput, the time of an unchanged second backup, and the agent's peak memory during a
 * multi-GB backup. Figures only; nothing is asserted.
 * Run: `npm run build && npx tsx bench/backup-throughput.ts [GiB]` (default 2). Starts and stops its own
 * Cassandra node and S3Mock.
 *
 * What is measured:
 * - A real node holding `GiB` of real SSTables (1 MiB random blobs, compression off so the bytes on disk
 *   are the bytes written), flushed.
 * - The agent as it ships: `node dist/agent/cli.js backup create` in its own process, configured by
 *   environment like a pod, talking to the node over Jolokia and to S3Mock over loopback. Its wall time
 *   includes the snapshot (flush of an empty memtable) and the manifest; its RSS is read from /proc every
 *   50 ms. Once with the defaults (SHA-256 sent per part and verified by the server), once with
 *   `AGENT_S3_CHECKSUM_WHEN_REQUIRED=true` (no server-side verification) to show what that costs.
 * - The same with 5 MiB parts and one part in flight per file, the memory knob (`AGENT_S3_PART_SIZE`,
 *   `AGENT_S3_QUEUE_SIZE`).
 * - Auto-compaction is off for the bench table, so the second backup really is of an unchanged node.
 * - The ceiling: the same snapshot files uploaded by this script with plain `@aws-sdk/lib-storage`
 *   `Upload`s, same part size and parallelism, SDK default checksums, no hashing of our own.
 * S3Mock, Cassandra and the agent share the machine's 2 cores: absolute rates are this machine's; the
 * ratio to the ceiling is the point.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Upload } from "@aws-sdk/lib-storage";
import { CqlSession } from "../agent/cassandra/cql-session.js";
import { createS3Client } from "../backup/s3-client.js";
import { listSnapshotFiles } from "../backup/snapshot-files.js";
import { LocalCluster } from "../test/support/cassandra/local-cluster.js";
import { S3TestServer } from "../test/support/s3-server.js";
import { rssMb } from "./support.js";

const MIB = 1024 * 1024;
const CLI = fileURLToPath(new URL("../dist/agent/cli.js", import.meta.url));
const totalGiB = Number(process.argv[2] ?? 2);
const concurrency = 2;
const partSize = 16 * MIB;

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
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(child.pid!));
    } catch {
      // exited between samples
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`backup ${name} exited ${code}: ${out}`);
  const result = JSON.parse(out) as {
    totals: { uploadedBytes: number; uploadedFiles: number; files: number };
  };
  return { seconds: (performance.now() - started) / 1000, peakMb: peak, totals: result.totals };
}

async function plainUpload(client: ReturnType<typeof createS3Client>, files: { absolutePath: string }[]) {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const params = {
        Bucket: "bench",
        Key: `plain/${randomUUID()}`,
        Body: createReadStream(file.absolutePath),
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
  let started = performance.now();
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
    AGENT_S3_PREFIX: "agent",
    AGENT_BACKUP_CONCURRENCY: String(concurrency),
    AGENT_S3_PART_SIZE: String(partSize),
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  };
  const first = await agentBackup(env, "first");
  const second = await agentBackup(env, "second");
  const noCheck = await agentBackup(
    { ...env, AGENT_S3_PREFIX: "nocheck", AGENT_S3_CHECKSUM_WHEN_REQUIRED: "true" },
    "nocheck",
  );
  const small = { AGENT_S3_PREFIX: "small", AGENT_S3_PART_SIZE: String(5 * MIB), AGENT_S3_QUEUE_SIZE: "1" };
  const lowMem = await agentBackup({ ...env, ...small }, "lowmem");

  await cassandra.nodetool("snapshot", "-t", "plain", "bench");
  const files = await listSnapshotFiles(cassandra.spec.dataDirs, "plain", ["bench"]);
  const client = createS3Client(server.clientOptions());
  started = performance.now();
  const plainSeconds = await plainUpload(client, files);
  client.destroy();
  await cassandra.nodetool("clearsnapshot", "-t", "plain", "--", "bench");

  const mib = first.totals.uploadedBytes / MIB;
  const rate = (s: number) => `${(mib / s).toFixed(0)} MiB/s`;
  console.log(
    `${first.totals.files} files, ${mib.toFixed(0)} MiB; ${concurrency} files at once, parts of ${partSize / MIB} MiB`,
  );
  console.log(
    `agent, first backup:              ${first.seconds.toFixed(1)} s = ${rate(first.seconds)}, peak RSS ${first.peakMb.toFixed(0)} MB`,
  );
  console.log(
    `agent, no server-side checksums:  ${noCheck.seconds.toFixed(1)} s = ${rate(noCheck.seconds)}, peak RSS ${noCheck.peakMb.toFixed(0)} MB`,
  );
  console.log(
    `agent, 5 MiB parts, queue 1:      ${lowMem.seconds.toFixed(1)} s = ${rate(lowMem.seconds)}, peak RSS ${lowMem.peakMb.toFixed(0)} MB`,
  );
  console.log(`plain aws-sdk upload (ceiling):   ${plainSeconds.toFixed(1)} s = ${rate(plainSeconds)}`);
  console.log(
    `ratio agent / ceiling:            ${(plainSeconds / first.seconds).toFixed(2)} (no server checksums: ${(plainSeconds / noCheck.seconds).toFixed(2)})`,
  );
  console.log(
    `second, unchanged backup:         ${second.seconds.toFixed(1)} s, ${second.totals.uploadedFiles} files / ${second.totals.uploadedBytes} bytes uploaded, peak RSS ${second.peakMb.toFixed(0)} MB`,
  );
} finally {
  await cluster.destroy();
  await server.dispose();
  await rm(state, { recursive: true, force: true });
}
