import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { beforeEach, afterEach, describe, expect, it } from "vitest";
import { IntegrityError, NotFoundError, ObjectStoreError } from "../../agent/errors.js";
import type { ByteRange, ByteSource } from "../../backup/byte-source.js";
import { getJson, putJson, type ObjectStore } from "../../backup/object-store.js";
import { verifyObject } from "../../backup/verify-object.js";

/** What each implementation's test provides: a fresh, empty store and ways to look behind its back. */
export interface ObjectStoreFixture {
  store: ObjectStore;
  /** Replaces the object's bytes with different ones of the same size, bypassing the store's bookkeeping. */
  corrupt(key: string): Promise<void>;
  /** Anything a failed put could have left behind (temp files, open multipart uploads). */
  leftovers(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const MIB = 1024 * 1024;

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * `bytes` as a source streamed in 64 KiB chunks, as a file read would be. Reading at or past `failAfter`
 * fails like a disk error; `size` may claim more bytes than there are. Every stream it opens is kept, so a
 * test can check that none is left reading.
 */
export function chunked(
  bytes: Buffer,
  options: { failAfter?: number; size?: number } = {},
): ByteSource & { opened: Readable[]; read: number } {
  const source = {
    size: options.size ?? bytes.length,
    opened: [] as Readable[],
    read: 0,
    open(range: ByteRange): Readable {
      const stream = Readable.from(
        (function* () {
          const last = Math.min(range.end, bytes.length - 1);
          for (let offset = range.start; offset <= last; offset += 64 * 1024) {
            if (options.failAfter !== undefined && offset >= options.failAfter) {
              throw new Error("disk read failed");
            }
            const chunk = bytes.subarray(offset, Math.min(offset + 64 * 1024, last + 1));
            source.read += chunk.length;
            yield chunk;
          }
        })(),
      );
      source.opened.push(stream);
      return stream;
    },
  };
  return source;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function keys(store: ObjectStore, prefix: string, pageSize?: number): Promise<string[]> {
  const found: string[] = [];
  for await (const item of store.list(prefix, pageSize ? { pageSize } : {})) found.push(item.key);
  return found;
}

/**
 * The behaviour every `ObjectStore` must show; run by the local-directory store's tests and against a real
 * S3-compatible server, so neither can claim what the other does not do.
 */
export function objectStoreContract(name: string, setup: () => Promise<ObjectStoreFixture>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let fx: ObjectStoreFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it("round-trips a small object and records its SHA-256", async () => {
      const bytes = randomBytes(1000);
      const stored = await fx.store.put("a/small.db", chunked(bytes));
      expect(stored).toMatchObject({ key: "a/small.db", size: 1000, sha256: sha256(bytes) });
      expect(await readAll(await fx.store.get("a/small.db"))).toEqual(bytes);
      const info = await fx.store.head("a/small.db");
      expect(info?.size).toBe(1000);
      expect(info?.storeChecksum).toBe(stored.storeChecksum);
      await verifyObject(fx.store, stored, { deep: true });
    });

    it("round-trips a 12 MiB object in several parts", async () => {
      const bytes = randomBytes(12 * MIB + 123);
      const source = chunked(bytes);
      let reported = 0;
      const stored = await fx.store.put("big/Data.db", source, { onBytes: (n) => (reported += n) });
      expect(source.read, "each byte read once").toBe(bytes.length);
      expect(reported, "progress counts each byte once").toBe(bytes.length);
      expect(stored.sha256).toBe(sha256(bytes));
      expect(stored.size).toBe(bytes.length);
      expect(sha256(await readAll(await fx.store.get("big/Data.db")))).toBe(stored.sha256);
      await verifyObject(fx.store, stored);
      await verifyObject(fx.store, stored, { deep: true });
    });

    it("stores an empty object", async () => {
      const stored = await fx.store.put("e/empty", chunked(Buffer.alloc(0)));
      expect(stored).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)) });
      expect((await fx.store.head("e/empty"))?.size).toBe(0);
      expect(await readAll(await fx.store.get("e/empty"))).toHaveLength(0);
      await verifyObject(fx.store, stored, { deep: true });
    });

    it("reports a missing object as absent on head and NotFoundError on get", async () => {
      expect(await fx.store.head("nope/missing")).toBeUndefined();
      await expect(fx.store.get("nope/missing")).rejects.toBeInstanceOf(NotFoundError);
      await expect(fx.store.getText("nope/missing")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("reads byte ranges", async () => {
      const bytes = randomBytes(4096);
      await fx.store.put("r/obj", chunked(bytes));
      const middle = await readAll(await fx.store.get("r/obj", { range: { start: 100, end: 199 } }));
      expect(middle).toEqual(bytes.subarray(100, 200));
      const tail = await readAll(await fx.store.get("r/obj", { range: { start: 4000 } }));
      expect(tail).toEqual(bytes.subarray(4000));
    });

    it("lists by prefix in key order across pages", async () => {
      const names = Array.from({ length: 23 }, (_, i) => `list/k${String(i).padStart(3, "0")}`);
      for (const key of names) await fx.store.putText(key, key);
      await fx.store.putText("listing-not/x", "x");
      expect(await keys(fx.store, "list/", 5)).toEqual(names);
      expect(await keys(fx.store, "list/k01")).toEqual(names.slice(10, 20));
      expect(await keys(fx.store, "absent/")).toEqual([]);
    });

    it("lists the folders one level below a prefix", async () => {
      for (const key of ["c/dc1/h1/m/a.json", "c/dc1/h2/x", "c/dc2/h3/y", "c/top", "other/z"]) {
        await fx.store.putText(key, key);
      }
      expect(await fx.store.listPrefixes("c/")).toEqual(["c/dc1/", "c/dc2/"]);
      expect(await fx.store.listPrefixes("c/dc1/")).toEqual(["c/dc1/h1/", "c/dc1/h2/"]);
      expect(await fx.store.listPrefixes("")).toEqual(["c/", "other/"]);
      expect(await fx.store.listPrefixes("absent/")).toEqual([]);
      await expect(fx.store.listPrefixes("c")).rejects.toBeInstanceOf(ObjectStoreError);
    });

    it("lists each object's size and a write time close to now", async () => {
      const before = Date.now();
      await fx.store.putText("when/a", "12345");
      const items = [];
      for await (const item of fx.store.list("when/")) items.push(item);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ key: "when/a", size: 5 });
      // Stores keep whole seconds; allow for that and for a clock a little apart.
      expect(items[0]?.lastModified?.getTime()).toBeGreaterThan(before - 60_000);
      expect(items[0]?.lastModified?.getTime()).toBeLessThan(Date.now() + 60_000);
    });

    it("deletes in a batch and ignores missing keys", async () => {
      for (const key of ["d/1", "d/2", "d/3"]) await fx.store.putText(key, key);
      await fx.store.delete(["d/1", "d/3", "d/never-existed"]);
      expect(await keys(fx.store, "d/")).toEqual(["d/2"]);
      expect(await fx.store.head("d/1")).toBeUndefined();
    });

    it("stores JSON manifests and replaces objects on a second put", async () => {
      await putJson(fx.store, "m/manifest.json", { version: 1 });
      const second = await putJson(fx.store, "m/manifest.json", { version: 2, files: ["a"] });
      expect(await getJson(fx.store, "m/manifest.json")).toEqual({ version: 2, files: ["a"] });
      await verifyObject(fx.store, second, { deep: true });
    });

    it("detects an object corrupted behind its back, shallowly and deeply", async () => {
      const bytes = randomBytes(2048);
      const stored = await fx.store.put("c/Data.db", chunked(bytes));
      await fx.corrupt("c/Data.db");
      expect((await fx.store.head("c/Data.db"))?.size).toBe(2048);
      await expect(verifyObject(fx.store, stored)).rejects.toBeInstanceOf(IntegrityError);
      const headless = { key: stored.key, size: stored.size, sha256: stored.sha256 };
      await expect(verifyObject(fx.store, headless, { deep: true })).rejects.toBeInstanceOf(IntegrityError);
    });

    it("leaves no object when the body stream fails midway", async () => {
      const bytes = randomBytes(7 * MIB);
      let reported = 0;
      const put = fx.store.put("f/Data.db", chunked(bytes, { failAfter: 6 * MIB }), {
        onBytes: (n) => (reported += n),
      });
      await expect(put).rejects.toBeInstanceOf(ObjectStoreError);
      expect(reported, "bytes of a failed put are reported back").toBe(0);
      expect(await fx.store.head("f/Data.db")).toBeUndefined();
      expect(await keys(fx.store, "f/")).toEqual([]);
      expect(await fx.leftovers()).toEqual([]);
    });

    it("stops an aborted put and stores nothing", async () => {
      const controller = new AbortController();
      const opened: Readable[] = [];
      const slow = {
        size: 200 * 64 * 1024,
        open(range: ByteRange): Readable {
          const chunks = Math.ceil((range.end - range.start + 1) / (64 * 1024));
          const stream = Readable.from(
            (async function* () {
              for (let i = 0; i < chunks; i++) {
                yield randomBytes(64 * 1024);
                await new Promise((r) => setTimeout(r, 5));
              }
            })(),
          );
          opened.push(stream);
          return stream;
        },
      };
      const put = fx.store.put("ab/Data.db", slow, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const error = await put.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect((error as ObjectStoreError).retryable).toBe(false);
      expect(opened.length).toBeGreaterThan(0);
      expect(opened.every((stream) => stream.destroyed)).toBe(true);
      expect(await fx.store.head("ab/Data.db")).toBeUndefined();
      expect(await fx.leftovers()).toEqual([]);
      const early = fx.store.put("ab/x", chunked(randomBytes(10)), { signal: AbortSignal.abort() });
      await expect(early).rejects.toBeInstanceOf(ObjectStoreError);
      expect(await fx.store.head("ab/x")).toBeUndefined();
    });

    it("rejects a body shorter than its declared size and stores nothing", async () => {
      const bytes = randomBytes(1000);
      const put = fx.store.put("s/short", chunked(bytes, { size: 1001 }));
      await expect(put).rejects.toBeInstanceOf(IntegrityError);
      expect(await fx.store.head("s/short")).toBeUndefined();
    });

    it("rejects keys that could escape the store", async () => {
      for (const key of ["../etc/passwd", "/abs", "a//b", "a/./b", "a/../../b", ""]) {
        const error = await fx.store.putText(key, "x").catch((e: unknown) => e);
        expect(error, key).toBeInstanceOf(ObjectStoreError);
        expect((error as ObjectStoreError).retryable).toBe(false);
      }
    });
  });
}
