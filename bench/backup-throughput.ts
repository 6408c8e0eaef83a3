/**
 * Backup throughput, dedup time and peak memory, against S3Mock. Figures only; nothing is asserted.
 * Run: `npx tsx bench/backup-throughput.ts [GiB] [concurrency]` (default 2 GiB, 2 files at once).
 *
 * What is measured, honestly:
 * - The data is written by this script into two data directories laid out like Cassandra's
 *   (`<ks>/<table>-<id>/nb-N-big-*`), and the node is `FakeCassandraNode`, whose snapshot makes real hard
 *   links as Cassandra's does. So the figures cover the agent's whole path from snapshot listing through
 *   reading, hashing, the S3 client and the manifest, but not Cassandra's flush (which a real backup waits
 *   for before the first byte moves).
 * - The ceiling: the same files uploaded with plain `@aws-sdk/lib-storage` `Upload`s, same part size and
 *   parallelism, no hashing, no checksums.
 * - Peak RSS: this process (the agent's code; S3Mock is a separate JVM), sampled every 20 ms during the
 *   first backup.
 * Both runs go to the same S3Mock on loopback on a 2-core machine that also runs S3Mock, so the absolute
 * rate is the machine's, not a network's; the ratio is the point.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Upload } from "@aws-sdk/lib-storage";
import { createLogger } from "../agent/logger.js";
import { runBackup } from "../backup/backup-run.js";
import { createS3Client } from "../backup/s3-client.js";
import { S3ObjectStore } from "../backup/s3-object-store.js";
import { listSnapshotFiles } from "../backup/snapshot-files.js";
import { FakeCassandraNode } from "../test/support/fakes/fake-cassandra-node.js";
import { S3TestServer } from "../test/support/s3-server.js";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const totalGiB = Number(process.argv[2] ?? 2);
const concurrency = Number(process.argv[3] ?? 2);
const partSize = 16 * MIB;
const queueSize = 2;

/** Writes `bytes` of incompressible-looking data: a random 1 MiB block with a changing header. */
async function writeData(path: string, bytes: number, block: Buffer): Promise<void> {
  const file = await open(path, "w");
  for (let written = 0, n = 0; written < bytes; written += MIB, n++) {
    block.writeUInt32LE(n, 0);
    await file.write(block, 0, Math.min(MIB, bytes - written));
  }
  await file.close();
}

/** Big SSTables (most of the bytes) plus many small ones (per-file overhead), spread over two data dirs. */
async function generate(dataDirs: string[]): Promise<void> {
  const block = Buffer.from(Array.from({ length: MIB }, () => Math.floor(Math.random() * 256)));
  const bigCount = 8;
  const bigSize = Math.floor((totalGiB * GIB * 0.95) / bigCount);
  for (let i = 0; i < bigCount + 200; i++) {
    const dir = join(dataDirs[i % 2]!, "bench", `t${i % 5}-${randomUUID().replace(/-/g, "")}`);
    await mkdir(dir, { recursive: true });
    const dataBytes = i < bigCount ? bigSize : Math.floor((totalGiB * GIB * 0.05) / 200);
    await writeData(join(dir, `nb-${i + 1}-big-Data.db`), dataBytes, block);
    for (const c of ["Index.db", "Filter.db", "Summary.db", "Statistics.db", "Digest.crc32", "TOC.txt"]) {
      await writeFile(join(dir, `nb-${i + 1}-big-${c}`), block.subarray(0, 4096));
    }
  }
}

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / MIB;
    },
  };
}

async function plainUpload(client: ReturnType<typeof createS3Client>, files: { absolutePath: string }[]) {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const upload = new Upload({
        client,
        params: { Bucket: "bench", Key: `plain/${randomUUID()}`, Body: createReadStream(file.absolutePath) },
        partSize,
        queueSize,
      });
      await upload.done();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

const root = await mkdtemp(join(tmpdir(), "bench-backup-"));
const dataDirs = [join(root, "data1"), join(root, "data2")];
const server = await S3TestServer.start("bench");
try {
  process.stdout.write(`generating ${totalGiB} GiB of SSTable-like files … `);
  await generate(dataDirs);
  console.log("done");
  const node = Object.assign(new FakeCassandraNode({ clusterName: "bench" }), { dataDirs });
  node.keyspaceList = [{ name: "bench", replication: {}, tables: [] }];
  const client = createS3Client(server.clientOptions());
  const store = new S3ObjectStore(client, { bucket: "bench", prefix: "agent", partSize, queueSize });
  const logger = createLogger("warn");
  const options = { concurrency, retry: { attempts: 3, baseDelayMs: 1_000 } };
  global.gc?.();
  const idleRss = process.memoryUsage().rss / MIB;
  const rss = sampleRss();
  let started = performance.now();
  const first = await runBackup({ node, store, logger }, { name: "first", keyspaces: ["bench"] }, options);
  const firstSeconds = (performance.now() - started) / 1000;
  const peakRss = rss.stop();
  const mib = first.totals.uploadedBytes / MIB;
  started = performance.now();
  const second = await runBackup({ node, store, logger }, { name: "second", keyspaces: ["bench"] }, options);
  const secondSeconds = (performance.now() - started) / 1000;

  await node.takeSnapshot("plain", [], { skipFlush: false });
  const plainFiles = await listSnapshotFiles(dataDirs, "plain");
  started = performance.now();
  await plainUpload(client, plainFiles);
  const plainSeconds = (performance.now() - started) / 1000;
  await node.clearSnapshot("plain", []);
  client.destroy();

  const rate = mib / firstSeconds;
  const ceiling = mib / plainSeconds;
  console.log(
    `files: ${first.totals.files}, ${mib.toFixed(0)} MiB; concurrency ${concurrency}, part ${partSize / MIB} MiB × queue ${queueSize}`,
  );
  console.log(`agent backup (first):        ${firstSeconds.toFixed(1)} s = ${rate.toFixed(0)} MiB/s`);
  console.log(
    `plain aws-sdk upload:        ${plainSeconds.toFixed(1)} s = ${ceiling.toFixed(0)} MiB/s (ceiling)`,
  );
  console.log(`ratio agent / ceiling:       ${(rate / ceiling).toFixed(2)}`);
  console.log(
    `second, unchanged backup:    ${secondSeconds.toFixed(2)} s, uploaded ${second.totals.uploadedFiles} files / ${second.totals.uploadedBytes} bytes`,
  );
  console.log(
    `RSS: idle ${idleRss.toFixed(0)} MiB, peak during the first backup ${peakRss.toFixed(0)} MiB (goal < 150)`,
  );
} finally {
  await server.dispose();
  await rm(root, { recursive: true, force: true });
}
