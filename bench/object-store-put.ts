/**
 * Prints upload throughput and how much the process's RSS grows during one large put of a file per store
 * and part size, to show that memory does not depend on the object's size or the part size (parts stream
 * from the file). Figures only; nothing is asserted.
 * Run: `npx tsx bench/object-store-put.ts [MiB]` (default 512). Starts and stops its own S3Mock.
 */
import { randomBytes } from "node:crypto";
import { open, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSource } from "../backup/byte-source.js";
import { FsObjectStore } from "../backup/fs-object-store.js";
import type { ObjectStore } from "../backup/object-store.js";
import { createS3Client } from "../backup/s3-client.js";
import { S3ObjectStore } from "../backup/s3-object-store.js";
import { S3TestServer } from "../test/support/s3-server.js";

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 512);

async function writeFile(path: string): Promise<void> {
  const file = await open(path, "w");
  try {
    for (let i = 0; i < sizeMiB; i++) await file.write(randomBytes(MIB));
  } finally {
    await file.close();
  }
}

async function measure(name: string, store: ObjectStore, path: string): Promise<void> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  await store.put("bench/object", fileSource(path, sizeMiB * MIB));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(
    `${name.padEnd(24)} ${sizeMiB} MiB in ${seconds.toFixed(2)} s = ${(sizeMiB / seconds).toFixed(0)} MiB/s, ` +
      `RSS ${(base / MIB).toFixed(0)} MB before, peak +${((peak - base) / MIB).toFixed(0)} MB`,
  );
}

const dir = await mkdtemp(join(tmpdir(), "bench-store-"));
const server = await S3TestServer.start("bench");
try {
  const path = join(dir, "source.bin");
  await writeFile(path);
  await measure("FsObjectStore", new FsObjectStore(join(dir, "store")), path);
  const client = createS3Client(server.clientOptions());
  for (const partMiB of [8, 64]) {
    const store = new S3ObjectStore(client, { bucket: "bench", partSize: partMiB * MIB });
    await measure(`S3Mock, parts of ${partMiB} MiB`, store, path);
  }
  client.destroy();
} finally {
  await server.dispose();
  await rm(dir, { recursive: true, force: true });
}
