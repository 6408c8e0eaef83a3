import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_NAMES, configSchema, loadConfig } from "../../agent/config.js";
import { ConfigError } from "../../agent/errors.js";

function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("configuration was accepted");
}

describe("loadConfig", () => {
  it("has a safe default for every option", () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.jolokiaUrl).toBe("http://127.0.0.1:8778/jolokia");
    expect(config.backupTarget).toBe("fs");
  });

  it("names an environment variable for every option in the schema", () => {
    expect(Object.keys(ENV_NAMES).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it("reads environment variables with their types", () => {
    const config = loadConfig({
      AGENT_PORT: "9000",
      AGENT_S3_FORCE_PATH_STYLE: "true",
      AGENT_LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({ port: 9000, s3ForcePathStyle: true, logLevel: "debug" });
  });

  it("lists every bad option in one message, naming the variable and the value", () => {
    const message = problemsOf({
      AGENT_PORT: "eighty",
      AGENT_LOG_LEVEL: "loud",
      AGENT_JOLOKIA_URL: "ftp://x",
      AGENT_BACKUP_TARGET: "tape",
    });
    expect(message).toContain("AGENT_PORT");
    expect(message).toContain('"eighty"');
    expect(message).toMatch(/AGENT_LOG_LEVEL: .*"info".*\(got "loud"\)/);
    expect(message).toContain("AGENT_JOLOKIA_URL");
    expect(message).toMatch(/AGENT_BACKUP_TARGET: .*"fs"\|"s3"/);
    expect(message.split("\n  - ")).toHaveLength(5);
  });

  it("rejects a port out of range", () => {
    expect(problemsOf({ AGENT_PORT: "70000" })).toContain("AGENT_PORT");
  });

  it("requires a bucket for the s3 target and a password file with a user", () => {
    const message = problemsOf({ AGENT_BACKUP_TARGET: "s3", AGENT_JOLOKIA_USER: "monitor" });
    expect(message).toContain("AGENT_S3_BUCKET: is required when AGENT_BACKUP_TARGET=s3");
    expect(message).toContain("AGENT_JOLOKIA_PASSWORD_FILE");
  });

  it("takes options from AGENT_CONFIG_FILE, with environment variables winning", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cpa-config-"));
    const file = path.join(dir, "agent.json");
    writeFileSync(file, JSON.stringify({ port: 9100, logLevel: "warn" }));
    expect(loadConfig({ AGENT_CONFIG_FILE: file, AGENT_LOG_LEVEL: "error" })).toMatchObject({
      port: 9100,
      logLevel: "error",
    });
  });

  it("rejects unknown options and unreadable JSON in the file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cpa-config-"));
    const unknown = path.join(dir, "unknown.json");
    writeFileSync(unknown, JSON.stringify({ prot: 1 }));
    expect(problemsOf({ AGENT_CONFIG_FILE: unknown })).toContain(
      "prot (in AGENT_CONFIG_FILE): unknown option",
    );
    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, "{port:");
    expect(problemsOf({ AGENT_CONFIG_FILE: broken })).toContain("cannot be read as JSON");
  });
});
