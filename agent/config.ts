import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "./errors.js";

/**
 * The agent's configuration: one zod schema, read from environment variables and an optional JSON file
 * (`AGENT_CONFIG_FILE`; environment variables win). Every option has a safe default so that a pod spec
 * only names what differs. Start-up fails with one message that lists every bad option and what it accepts.
 */

const port = z.coerce.number().int().min(1).max(65535);
const positiveMs = z.coerce.number().int().positive();
const bool = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "yes", "no"])])
  .transform((v) => v === true || v === "true" || v === "1" || v === "yes");

export const configSchema = z.object({
  listenHost: z.string().min(1).default("0.0.0.0"),
  port: port.default(8080),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Bound on how long SIGTERM waits for in-flight requests before the process exits. */
  shutdownTimeoutMs: positiveMs.default(10_000),
  /** Where job records and other small state live (an emptyDir or the data volume in a pod). */
  stateDir: z.string().min(1).default("/var/lib/cassandra-pod-agent"),

  jolokiaUrl: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8778/jolokia"),
  /** Per-request bound for Jolokia reads; a hung JVM must surface as a timeout, not a stuck request. */
  jolokiaTimeoutMs: positiveMs.default(5_000),
  jolokiaUser: z.string().optional(),
  jolokiaPasswordFile: z.string().optional(),

  /** Bound on Jolokia time per scrape of `/metrics`; past it the scrape answers with `cassandra_up 0`. */
  metricsScrapeTimeoutMs: positiveMs.default(5_000),
  /** Period of the slow metrics tier (attributes that walk SSTables); served from cache in between. */
  metricsSlowIntervalMs: positiveMs.default(300_000),

  cqlHost: z.string().min(1).default("127.0.0.1"),
  cqlPort: port.default(9042),
  cqlUser: z.string().optional(),
  cqlPasswordFile: z.string().optional(),

  backupTarget: z.enum(["fs", "s3"]).default("fs"),
  backupDir: z.string().min(1).default("/var/lib/cassandra-pod-agent/backups"),
  s3Bucket: z.string().optional(),
  s3Prefix: z.string().default(""),
  s3Endpoint: z.url({ protocol: /^https?$/ }).optional(),
  s3Region: z.string().default("us-east-1"),
  s3ForcePathStyle: bool.default(false),
});

export type AgentConfig = z.infer<typeof configSchema>;

/** Each option's environment variable. A unit test checks that the README documents every one. */
export const ENV_NAMES: Record<keyof AgentConfig, string> = {
  listenHost: "AGENT_LISTEN_HOST",
  port: "AGENT_PORT",
  logLevel: "AGENT_LOG_LEVEL",
  shutdownTimeoutMs: "AGENT_SHUTDOWN_TIMEOUT_MS",
  stateDir: "AGENT_STATE_DIR",
  jolokiaUrl: "AGENT_JOLOKIA_URL",
  jolokiaTimeoutMs: "AGENT_JOLOKIA_TIMEOUT_MS",
  jolokiaUser: "AGENT_JOLOKIA_USER",
  jolokiaPasswordFile: "AGENT_JOLOKIA_PASSWORD_FILE",
  metricsScrapeTimeoutMs: "AGENT_METRICS_SCRAPE_TIMEOUT_MS",
  metricsSlowIntervalMs: "AGENT_METRICS_SLOW_INTERVAL_MS",
  cqlHost: "AGENT_CQL_HOST",
  cqlPort: "AGENT_CQL_PORT",
  cqlUser: "AGENT_CQL_USER",
  cqlPasswordFile: "AGENT_CQL_PASSWORD_FILE",
  backupTarget: "AGENT_BACKUP_TARGET",
  backupDir: "AGENT_BACKUP_DIR",
  s3Bucket: "AGENT_S3_BUCKET",
  s3Prefix: "AGENT_S3_PREFIX",
  s3Endpoint: "AGENT_S3_ENDPOINT",
  s3Region: "AGENT_S3_REGION",
  s3ForcePathStyle: "AGENT_S3_FORCE_PATH_STYLE",
};

const withCrossChecks = configSchema.superRefine((config, ctx) => {
  if (config.backupTarget === "s3" && !config.s3Bucket) {
    ctx.addIssue({ code: "custom", path: ["s3Bucket"], message: "is required when AGENT_BACKUP_TARGET=s3" });
  }
  if (config.jolokiaUser && !config.jolokiaPasswordFile) {
    ctx.addIssue({
      code: "custom",
      path: ["jolokiaPasswordFile"],
      message: "is required with AGENT_JOLOKIA_USER",
    });
  }
  if (config.cqlUser && !config.cqlPasswordFile) {
    ctx.addIssue({ code: "custom", path: ["cqlPasswordFile"], message: "is required with AGENT_CQL_USER" });
  }
});

/** Reads the raw option values: the optional JSON file first, then environment variables over it. */
export function rawConfigFrom(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const file = env.AGENT_CONFIG_FILE;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new ConfigError(
        `AGENT_CONFIG_FILE ${file}: cannot be read as JSON (${(error as Error).message})`,
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`AGENT_CONFIG_FILE ${file}: must hold a JSON object of options`);
    }
    Object.assign(raw, parsed);
  }
  for (const [key, envName] of Object.entries(ENV_NAMES)) {
    const value = env[envName];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  return raw;
}

/** Validates and returns the configuration, or throws one `ConfigError` naming every bad option. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const raw = rawConfigFrom(env);
  const known = new Set(Object.keys(ENV_NAMES));
  const unknown = Object.keys(raw).filter((key) => !known.has(key));
  const result = withCrossChecks.safeParse(raw);
  const problems: string[] = unknown.map((key) => `${key} (in AGENT_CONFIG_FILE): unknown option`);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? "");
      const envName = ENV_NAMES[key as keyof AgentConfig] ?? key;
      const got = raw[key] === undefined ? "" : ` (got ${JSON.stringify(raw[key])})`;
      problems.push(`${envName}: ${issue.message}${got}`);
    }
  }
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
  return result.data;
}
