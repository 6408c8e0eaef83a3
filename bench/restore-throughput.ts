/**
 * Restore throughput against S3Mock, beside a plain parallel aws-sdk download of the same objects. Figures
 * only; nothing is asserted. Run: `npx tsx bench/restore-throughput.ts [GiB] [concurrency]` (default 0.5 GiB,
 * 4 files at once).
 *
 * What is measured, honestly:
 * - A backup of SSTable-like files in two data directories (five tables), taken through
 *   `FakeCassandraNode`; then the table files are deleted and `restoreBackup` runs: manifest, plan, free
 *   space, download with SHA-256 per file into the staging directory, and the fake's import (a rename per
 *   file, as `importNewSSTables(copyData=false)` does on one filesystem). Cassandra's own import work
 *   (verifying SSTables, opening readers) is not in the figure.
 * - The ceiling: the same objects fetched with plain `GetObjectCommand`s to files, same parallelism, no
 *   hashing, no staging, no rename.
 * Both read from the same S3Mock on loopback on a 2-core machine that also runs S3Mock; the ratio is the point.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, open, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createLogger } from "../agent/logger.js";
import { runBackup } from "../backup/backup-run.js";
import { restoreBackup } from "../backup/restore.js";
import { createS3Client } from "../backup/s3-client.js";
import { S3ObjectStore } from "../backup/s3-object-store.js";
import { FakeCassandraNode } from "../test/support/fakes/fake-cassandra-node.js";
import { S3TestServer } from "../test/support/s3-server.js";
import { runBench } from "./support.js";

const MIB = 1024 * 1024;
const totalGiB = Number(process.argv[2] ?? 0.5);
const concurrency = Number(process.argv[3] ?? 4);
const partSize = 16 * MIB;
const TABLES = Array.from({ length: 5 }, (_, i) => ({ name: `t${i}`, id: randomUUID() }));
const dirName = (t: { name: string; id: string }) => `${t.name}-${t.id.replace(/-/g, "")}`;

/** Eight big SSTables and a hundred small ones over five tables and two data directories. */
async function generate(dataDirs: string[]): Promise<void> {
  const block = randomBytes(MIB);
  const big = Math.floor((totalGiB * 1024 * MIB * 0.95) / 8);
  const small = Math.floor((totalGiB * 1024 * MIB * 0.05) / 100);
  for (let i = 0; i < 108; i++) {
    const dir = join(dataDirs[i % 2]!, "bench", dirName(TABLES[i % TABLES.length]!));
    await mkdir(dir, { recursive: true });
    const file = await open(join(dir, `nb-${i + 1}-big-Data.db`), "w");
    for (let written = 0, n = 0; written < (i < 8 ? big : small); written += MIB, n++) {
      block.writeUInt32LE(n + i * 1_000_000, 0);
      await file.write(block, 0, Math.min(MIB, (i < 8 ? big : small) - written));
    }
    await file.close();
    for (const c of ["Index.db", "Filter.db", "Statistics.db", "TOC.txt"]) {
      await writeFile(join(dir, `nb-${i + 1}-big-${c}`), block.subarray(0, 4096));
    }
  }
}

async function plainDownload(client: ReturnType<typeof createS3Client>, keys: string[], into: string) {
  await mkdir(into, { recursive: true });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const answer = await client.send(new GetObjectCommand({ Bucket: "bench", Key: `agent/${key}` }));
      await pipeline(answer.Body as Readable, createWriteStream(join(into, randomUUID())));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

runBench(async () => {
  const root = await mkdtemp(join(tmpdir(), "bench-restore-"));
  const dataDirs = [join(root, "data1"), join(root, "data2")];
  const server = await S3TestServer.start("bench");
  try {
    process.stdout.write(`generating ${totalGiB} GiB of SSTable-like files … `);
    await generate(dataDirs);
    console.log("done");
    const node = Object.assign(new FakeCassandraNode({ clusterName: "bench" }), { dataDirs });
    node.keyspaceList = [{ name: "bench", replication: {}, tables: TABLES.map((t) => t.name) }];
    node.schemaCql = TABLES.map(
      (t) => `CREATE TABLE bench.${t.name} (\n    id int PRIMARY KEY\n) WITH ID = ${t.id};`,
    ).join("\n\n");
    const client = createS3Client(server.clientOptions());
    const store = new S3ObjectStore(client, { bucket: "bench", prefix: "agent", partSize });
    const logger = createLogger("warn");
    const options = { concurrency, retry: { attempts: 3, baseDelayMs: 1_000 } };
    const backup = await runBackup({ node, store, logger }, { name: "b", keyspaces: ["bench"] }, options);
    for (const dataDir of dataDirs) {
      for (const t of TABLES) {
        const dir = join(dataDir, "bench", dirName(t));
        for (const f of await readdir(dir).catch(() => [])) await rm(join(dir, f), { recursive: true });
      }
    }
    let started = performance.now();
    const { plan } = await restoreBackup({ node, store, logger }, { backup: "b" }, options);
    const restoreSeconds = (performance.now() - started) / 1000;
    const keys = plan.tables.flatMap((t) => t.files.map((f) => f.key));
    started = performance.now();
    await plainDownload(client, keys, join(root, "plain"));
    const plainSeconds = (performance.now() - started) / 1000;
    client.destroy();
    const mib = plan.bytes / MIB;
    console.log(
      `files: ${plan.files} (backup: ${backup.totals.files}), ${mib.toFixed(0)} MiB; concurrency ${concurrency}`,
    );
    console.log(
      `agent restore:          ${restoreSeconds.toFixed(1)} s = ${(mib / restoreSeconds).toFixed(0)} MiB/s`,
    );
    console.log(
      `plain aws-sdk download: ${plainSeconds.toFixed(1)} s = ${(mib / plainSeconds).toFixed(0)} MiB/s (ceiling)`,
    );
    console.log(`ratio: ${(plainSeconds / restoreSeconds).toFixed(2)} of the ceiling`);
  } finally {
    await server.dispose();
    await rm(root, { recursive: true, force: true });
  }
});
