import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { IntegrityError } from "../../../agent/errors.js";
import { HashingStream } from "../../../backup/hashing-stream.js";

const digest = (b: Buffer): Buffer => createHash("sha256").update(b).digest();

async function drain(bytes: Buffer, hasher: HashingStream, chunk = 1000): Promise<void> {
  const chunks = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  await pipeline(Readable.from(chunks), hasher, async (source: AsyncIterable<Buffer>) => {
    for await (const _ of source);
  });
}

describe("HashingStream", () => {
  it("computes the whole SHA-256 and S3's composite across part boundaries inside chunks", async () => {
    const bytes = randomBytes(2500);
    const hasher = new HashingStream(1024);
    await drain(bytes, hasher, 700);
    expect(hasher.bytes).toBe(2500);
    expect(hasher.sha256Hex()).toBe(digest(bytes).toString("hex"));
    const parts = [bytes.subarray(0, 1024), bytes.subarray(1024, 2048), bytes.subarray(2048)].map(digest);
    expect(hasher.s3Sha256()).toBe(`${digest(Buffer.concat(parts)).toString("base64")}-3`);
  });

  it("reports the plain base64 SHA-256 when the body fits in one part", async () => {
    const bytes = randomBytes(1024);
    const hasher = new HashingStream(1024);
    await drain(bytes, hasher);
    expect(hasher.s3Sha256()).toBe(digest(bytes).toString("base64"));
  });

  it("fails on a body shorter or longer than declared", async () => {
    await expect(drain(randomBytes(99), new HashingStream(0, 100))).rejects.toBeInstanceOf(IntegrityError);
    await expect(drain(randomBytes(101), new HashingStream(0, 100))).rejects.toBeInstanceOf(IntegrityError);
    await expect(drain(randomBytes(100), new HashingStream(0, 100))).resolves.toBeUndefined();
  });
});
