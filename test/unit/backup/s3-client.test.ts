import { describe, expect, it } from "vitest";
import { IntegrityError, NotFoundError, ObjectStoreError } from "../../../agent/errors.js";
import { toStoreError } from "../../../backup/s3-client.js";

function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    ...extra,
  });
}

describe("toStoreError", () => {
  it("maps a missing key to NotFoundError but a missing bucket to a permanent failure", () => {
    expect(toStoreError(sdkError("NoSuchKey", 404), "get k")).toBeInstanceOf(NotFoundError);
    expect(toStoreError(sdkError("NotFound", 404), "head k")).toBeInstanceOf(NotFoundError);
    const bucket = toStoreError(sdkError("NoSuchBucket", 404), "put k");
    expect(bucket).toBeInstanceOf(ObjectStoreError);
    expect((bucket as ObjectStoreError).retryable).toBe(false);
  });

  it.each([
    ["InternalError", 500],
    ["ServiceUnavailable", 503],
    ["SlowDown", 503],
    ["TooManyRequests", 429],
    ["BadDigest", 400],
  ])("treats %s (HTTP %i) as retryable", (name, status) => {
    const error = toStoreError(sdkError(name, status), "put k");
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect((error as ObjectStoreError).retryable).toBe(true);
  });

  it("treats refused and reset connections as retryable", () => {
    const refused = toStoreError(sdkError("Error", undefined, { code: "ECONNREFUSED" }), "put k");
    expect((refused as ObjectStoreError).retryable).toBe(true);
    const noAnswer = toStoreError(sdkError("Error"), "put k"); // $metadata without an HTTP status
    expect((noAnswer as ObjectStoreError).retryable).toBe(true);
  });

  it("treats access denied and bad requests as permanent, and keeps the cause", () => {
    const original = sdkError("AccessDenied", 403);
    const error = toStoreError(original, "put k") as ObjectStoreError;
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(original);
    expect(error.message).toContain("HTTP 403");
    expect((toStoreError(new TypeError("bug"), "put k") as ObjectStoreError).retryable).toBe(false);
  });

  it("passes our own errors through unchanged", () => {
    const integrity = new IntegrityError("short body");
    expect(toStoreError(integrity, "put k")).toBe(integrity);
  });
});
