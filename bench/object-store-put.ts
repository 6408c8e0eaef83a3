/**
 * Prints upload throughput and peak memory for one large streamed put per store, to show that memory
 * stays near `partSize × (queueSize + 1)` whatever the object size. Figures only; nothing is asserted.
 * Run: `npx tsx bench/object-store-put.ts [MiB]` (default 256). Starts and stops its own S3Mock.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FsObjectStore } from "../backup/fs-object-store.js";
import type { ObjectStore } from "../backup/object-store.js";
import { createS3Client } from "../backup/s3-client.js";
import { S3ObjectStore } from "../backup/s3-object-store.js";
import { S3TestServer } from "../test/support/s3-server.js";

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 256);

function source(bytes: number): Readable {
  const block = Buffer.alloc(MIB, 7);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < bytes; sent += MIB) yield block.subarray(0, Math.min(MIB, bytes - sent));
    })(),
  );
}

async function measure(name: string, store: ObjectStore): Promise<void> {
  const size = sizeMiB * MIB;
  global.gc?.();
  const base = process.memoryUsage();
  let peak = base.rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  await store.put("bench/object", source(size), { size });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const grew = (peak - base.rss) / MIB;
  console.log(
    `${name.padEnd(28)} ${sizeMiB} MiB in ${seconds.toFixed(2)} s = ${(sizeMiB / seconds).toFixed(0)} MiB/s, peak RSS +${grew.toFixed(0)} MiB`,
  );
}

const dir = await mkdtemp(join(tmpdir(), "bench-store-"));
const server = await S3TestServer.start("bench");
try {
  await measure("FsObjectStore", new FsObjectStore(dir));
  const client = createS3Client(server.clientOptions());
  for (const queueSize of [1, 4]) {
    const store = new S3ObjectStore(client, { bucket: "bench", partSize: 8 * MIB, queueSize });
    await measure(`S3Mock part 8 MiB queue ${queueSize}`, store);
  }
  client.destroy();
} finally {
  await server.dispose();
  await rm(dir, { recursive: true, force: true });
}
