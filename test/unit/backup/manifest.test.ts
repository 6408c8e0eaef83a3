import { describe, expect, it } from "vitest";
import { IntegrityError } from "../../../agent/errors.js";
import { parseManifest } from "../../../backup/manifest.js";
import { sampleManifest } from "../../support/backup-fixtures.js";

describe("manifest schema", () => {
  it("accepts a complete manifest and round-trips it through JSON", () => {
    const manifest = sampleManifest();
    expect(parseManifest(JSON.parse(JSON.stringify(manifest)), "k")).toEqual(manifest);
  });

  it("refuses an unknown format, a bad checksum or a missing field, naming the key", () => {
    const bad = [
      { ...sampleManifest(), format: 2 },
      sampleManifest({ files: [{ ...sampleManifest().files[0]!, sha256: "xyz" }] }),
      { ...sampleManifest(), schema: undefined },
    ];
    for (const value of bad) {
      expect(() => parseManifest(value, "the/key.json")).toThrow(IntegrityError);
      expect(() => parseManifest(value, "the/key.json")).toThrow(/the\/key\.json/);
    }
  });
});
