import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../backup/throttle-stream.js";

describe("RateLimiter", () => {
  it("books the link in order, so streams sharing it share the rate", () => {
    let now = 1_000;
    const limiter = new RateLimiter(1_000, () => now); // 1,000 bytes per second
    expect(limiter.reserve(100)).toBe(100); // idle link: 100 bytes take 100 ms
    expect(limiter.reserve(100)).toBe(200); // a second stream's chunk waits behind the first
    now += 500; // the link went idle after 200 ms
    expect(limiter.reserve(500)).toBe(500); // no credit is saved up while idle
  });

  it("refuses a rate that is not positive", () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});
