import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../agent/errors.js";
import {
  assertBackupName,
  backupNameOf,
  dataKey,
  keySegment,
  manifestKey,
  nodePrefix,
  parseNodeKey,
  runKey,
} from "../../../backup/layout.js";
import { assertValidKey } from "../../../backup/object-key.js";

const node = {
  clusterName: "Test Cluster/1",
  datacenter: "eu west",
  hostId: "0b9d1f6e-3c55-4a4e-9d1e-6c1c3f1d2a10",
};

describe("backup layout", () => {
  it("keys a node by cluster, DC and host ID, encoding names that are not key-safe", () => {
    expect(nodePrefix(node)).toBe("Test%20Cluster%2F1/eu%20west/0b9d1f6e-3c55-4a4e-9d1e-6c1c3f1d2a10/");
    expect(manifestKey(node, "scheduled-20261126T1700Z")).toBe(
      `${nodePrefix(node)}manifests/scheduled-20261126T1700Z.json`,
    );
    expect(runKey(node, "b1")).toBe(`${nodePrefix(node)}runs/b1.json`);
  });

  it("never produces a . or .. segment", () => {
    expect(keySegment(".")).toBe("%2E");
    expect(keySegment("..")).toBe("%2E%2E");
    expect(() => keySegment("")).toThrow(ValidationError);
  });

  it("builds data keys that carry the component's mtime and size and pass the store's key rules", () => {
    const key = dataKey(node, {
      keyspace: "ks",
      tableDir: "t1-0f0e0d0c0b0a09080706050403020100",
      path: ".t1_idx/nb-1-big-Data.db",
      mtimeMs: 1764176400123.7,
      size: 42,
    });
    expect(key).toBe(
      `${nodePrefix(node)}data/ks/t1-0f0e0d0c0b0a09080706050403020100/.t1_idx/nb-1-big-Data.db~1764176400123-42`,
    );
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it("rejects backup names and host IDs outside the allowed forms", () => {
    expect(() => assertBackupName("ok_name-1.2")).not.toThrow();
    for (const bad of ["", "..", "a/b", "a b", "x".repeat(101)]) {
      expect(() => assertBackupName(bad)).toThrow(ValidationError);
    }
    expect(() => nodePrefix({ ...node, hostId: "10.0.0.1" })).toThrow(ValidationError);
  });

  it("parses keys back into the node they belong to, and ignores keys outside the layout", () => {
    const parsed = parseNodeKey(node.clusterName, manifestKey(node, "b1"));
    expect(parsed).toEqual({ node, rest: "manifests/b1.json" });
    expect(backupNameOf(manifestKey(node, "b1"))).toBe("b1");
    expect(parseNodeKey(node.clusterName, "Test%20Cluster%2F1/eu%20west/not-a-host/x")).toBeUndefined();
    expect(parseNodeKey(node.clusterName, "other/eu/0b9d1f6e-3c55-4a4e-9d1e-6c1c3f1d2a10/x")).toBeUndefined();
    expect(backupNameOf(`${nodePrefix(node)}data/ks/t/x.json`)).toBeUndefined();
  });
});
