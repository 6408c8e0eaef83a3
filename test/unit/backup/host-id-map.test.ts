import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../agent/errors.js";
import { resolveHostId } from "../../../backup/host-id-map.js";

const HOST = "0f6c2a36-8d0e-4d9e-9a51-2b0d7f1f3c11";

function mapFile(content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "cpa-hostids-")), "host-ids.json");
  writeFileSync(file, content);
  return file;
}

describe("resolveHostId", () => {
  it("takes an explicit host ID as it is", () => {
    expect(resolveHostId({ hostId: HOST })).toBe(HOST);
  });

  it("looks the pod's name up in the map", () => {
    const file = mapFile(JSON.stringify({ "cassandra-0": HOST }));
    expect(resolveHostId({ hostIdMap: file, podName: "cassandra-0" })).toBe(HOST);
  });

  it("refuses, naming the problem: no entry, not a UUID, no pod name, unreadable, nothing given", () => {
    const good = mapFile(JSON.stringify({ "cassandra-0": HOST }));
    expect(() => resolveHostId({ hostIdMap: good, podName: "cassandra-1" })).toThrow(
      /no entry for pod cassandra-1/,
    );
    expect(() =>
      resolveHostId({ hostIdMap: mapFile('{"cassandra-0": "x"}'), podName: "cassandra-0" }),
    ).toThrow(/UUIDs/);
    expect(() => resolveHostId({ hostIdMap: good })).toThrow(/--pod-name/);
    expect(() => resolveHostId({ hostIdMap: mapFile("{"), podName: "p" })).toThrow(/cannot be read as JSON/);
    expect(() => resolveHostId({})).toThrow(ValidationError);
  });
});
