import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { IntegrityError } from "../../../agent/errors.js";
import { HashingStream, s3Sha256 } from "../../../backup/hashing-stream.js";

const digest = (b: Buffer): Buffer => createHash("sha256").update(b).digest();

async function drain(bytes: Buffer, hasher: HashingStream, chunk = 1000): Promise<void> {
  const chunks = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  await pipeline(Readable.from(chunks), hasher, async (source: AsyncIterable<Buffer>) => {
    for await (const _ of source);
  });
}

describe("HashingStream", () => {
  it("hashes its own bytes and continues a whole-object hash across parts", async () => {
    const bytes = randomBytes(2500);
    const whole = createHash("sha256");
    const parts = [bytes.subarray(0, 1024), bytes.subarray(1024, 2048), bytes.subarray(2048)];
    const digests: Buffer[] = [];
    for (const part of parts) {
      const hasher = new HashingStream({ expectedSize: part.length, also: whole });
      await drain(part, hasher, 700);
      expect(hasher.bytes).toBe(part.length);
      digests.push(hasher.digest());
    }
    expect(whole.digest("hex")).toBe(digest(bytes).toString("hex"));
    expect(digests).toEqual(parts.map(digest));
  });

  it("fails on a body shorter or longer than declared, before the consumer sees its end", async () => {
    const hasher = (): HashingStream => new HashingStream({ expectedSize: 100 });
    await expect(drain(randomBytes(99), hasher())).rejects.toBeInstanceOf(IntegrityError);
    await expect(drain(randomBytes(101), hasher())).rejects.toBeInstanceOf(IntegrityError);
    await expect(drain(randomBytes(100), hasher())).resolves.toBeUndefined();
  });
});

describe("s3Sha256", () => {
  it("is the plain base64 digest of a single PUT and the composite of a multipart upload", () => {
    const a = randomBytes(10);
    const b = randomBytes(20);
    expect(s3Sha256([digest(a)], false)).toBe(digest(a).toString("base64"));
    const composite = digest(Buffer.concat([digest(a), digest(b)])).toString("base64");
    expect(s3Sha256([digest(a), digest(b)], true)).toBe(`${composite}-2`);
    expect(s3Sha256([], false)).toBe(digest(Buffer.alloc(0)).toString("base64"));
  });
});
