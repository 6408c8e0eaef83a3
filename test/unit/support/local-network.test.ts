import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimSubnet } from "../../support/cassandra/local-network.js";

let cache: string;
const saved = process.env.CPA_CACHE_DIR;

beforeEach(async () => {
  cache = await mkdtemp(path.join(tmpdir(), "cpa-claims-"));
  process.env.CPA_CACHE_DIR = cache;
});
afterEach(() => {
  if (saved === undefined) delete process.env.CPA_CACHE_DIR;
  else process.env.CPA_CACHE_DIR = saved;
});

describe("claimSubnet", () => {
  it("gives concurrent claimants different subnets", async () => {
    const claims = await Promise.all(Array.from({ length: 6 }, () => claimSubnet()));
    expect(new Set(claims.map((c) => c.octet)).size).toBe(6);
    for (const claim of claims) await claim.release();
  });

  it("takes over a claim whose owner is dead, once, when several try at the same time", async () => {
    const stale = path.join(cache, "subnets", "2");
    await mkdir(stale, { recursive: true });
    await writeFile(path.join(stale, "owner"), "999999999");
    const claims = await Promise.all([claimSubnet(), claimSubnet(), claimSubnet()]);
    expect(claims.filter((c) => c.octet === 2)).toHaveLength(1);
    expect(await readFile(path.join(stale, "owner"), "utf8")).toBe(String(process.pid));
  });

  it("refuses a preferred subnet that a live process holds", async () => {
    const held = await claimSubnet(7);
    await expect(claimSubnet(7)).rejects.toThrow(/127\.0\.7\.0\/24 is in use/);
    await held.release();
    await expect(claimSubnet(7)).resolves.toMatchObject({ octet: 7 });
  });
});
