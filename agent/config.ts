import { readFileSync } from "node:fs";
import cron from "node-cron";
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
  /**
   * A plain-HTTP port on 127.0.0.1 for the preStop hook (0: off). It serves only the drain (with the API
   * token) and /healthz, and only to the pod's own containers, so the hook drains whatever TLS the main
   * port asks for.
   */
  localPort: z.coerce.number().int().min(0).max(65535).default(8079),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Bound on how long SIGTERM waits for in-flight requests before the process exits. */
  shutdownTimeoutMs: positiveMs.default(10_000),
  /** Where job records and other small state live (an emptyDir or the data volume in a pod). */
  stateDir: z.string().min(1).default("/var/lib/cassandra-pod-agent"),

  /** File holding the API's bearer token (a mounted Secret); re-read when it changes. */
  apiTokenFile: z.string().min(1).optional(),
  /** `token` (the default) needs AGENT_API_TOKEN_FILE; `disabled` serves /api without authentication. */
  apiAuth: z.enum(["token", "disabled"]).default("token"),
  /** HTTPS: certificate chain and key (PEM files). Without them the agent serves plain HTTP. */
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
  /** With HTTPS: a CA bundle; /api then requires a client certificate it signed (mutual TLS). */
  tlsClientCaFile: z.string().min(1).optional(),
  /** Bound on one long JMX operation (decommission, repair, cleanup …) run as a job. */
  operationTimeoutMs: positiveMs.default(24 * 3_600_000),

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

  /** Probes answer from state polled at this period; a probe request never waits on Cassandra. */
  probePollPeriodMs: positiveMs.default(1_000),
  probePollTimeoutMs: positiveMs.default(2_000),
  /** How long the JVM may stay silent before liveness fails; longer than any GC pause worth surviving. */
  livenessWindowMs: positiveMs.default(30_000),
  /** How old the last good status may be while polls time out before readiness stops trusting it. */
  readinessStaleMs: positiveMs.default(10_000),
  readinessCqlCheck: bool.default(false),

  /**
   * The drain's whole budget. The default fits the manifests' terminationGracePeriodSeconds of 120 with
   * 30 s to spare for the kubelet's SIGTERM and Cassandra's own shutdown.
   */
  drainTimeoutMs: positiveMs.default(90_000),
  /** Pause after native transport stops, for requests already in flight, before drain() is called. */
  drainPauseMs: z.coerce.number().int().min(0).default(1_000),

  backupTarget: z.enum(["fs", "s3"]).default("fs"),
  backupDir: z.string().min(1).default("/var/lib/cassandra-pod-agent/backups"),
  s3Bucket: z.string().optional(),
  s3Prefix: z.string().default(""),
  s3Endpoint: z.url({ protocol: /^https?$/ }).optional(),
  s3Region: z.string().default("us-east-1"),
  s3ForcePathStyle: bool.default(false),
  /** Server-side encryption of uploaded objects; `aws:kms` uses `s3SseKmsKeyId` or the bucket's default key. */
  s3Sse: z.enum(["none", "AES256", "aws:kms"]).default("none"),
  s3SseKmsKeyId: z.string().optional(),
  /**
   * Multipart part size in bytes (S3 minimum 5 MiB). Parts stream from the file, so memory does not depend
   * on it; larger parts mean fewer requests.
   */
  s3PartSize: z.coerce
    .number()
    .int()
    .min(5 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** Attempts per S3 request (SDK backoff with jitter between them) before a transient error surfaces. */
  s3MaxAttempts: z.coerce.number().int().min(1).max(20).default(5),
  /**
   * Send checksums only where S3 requires them (the SDK's `WHEN_REQUIRED`), for S3-compatible stores that
   * reject the SDK's default checksums. The store then no longer verifies uploads; our SHA-256 remains.
   */
  s3ChecksumWhenRequired: bool.default(false),
  /** Upload bandwidth ceiling in bytes per second; 0 means unlimited. */
  backupBandwidthLimit: z.coerce.number().int().min(0).default(0),

  /** Cron expression (UTC) for scheduled backups; empty means no schedule. */
  backupSchedule: z.string().trim().default(""),
  /** Keyspaces of scheduled backups, comma-separated; empty means the default selection. */
  backupKeyspaces: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((k) => k.trim())
        .filter((k) => k !== ""),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9_]{1,48}$/, "keyspace names are letters, digits, _"))),
  /** Files uploaded at once by a backup; each large file holds its multipart buffers. */
  backupConcurrency: z.coerce.number().int().min(1).max(16).default(2),
  /** Tries per file before a backup fails (after the S3 client's own retries). */
  backupRetryAttempts: z.coerce.number().int().min(1).max(10).default(3),
  /** Retention: keep the last N complete backups per node; 0 means no such rule. */
  backupKeepLast: z.coerce.number().int().min(0).default(0),
  /** Retention: keep backups younger than D days; 0 means no such rule. */
  backupKeepDays: z.coerce.number().min(0).default(0),
  /** Purge never deletes objects younger than this; longer than the longest backup takes. */
  backupPurgeGraceHours: z.coerce.number().min(0).default(24),
});

export type AgentConfig = z.infer<typeof configSchema>;

/** Each option's environment variable. A unit test checks that the README documents every one. */
export const ENV_NAMES: Record<keyof AgentConfig, string> = {
  listenHost: "AGENT_LISTEN_HOST",
  port: "AGENT_PORT",
  localPort: "AGENT_LOCAL_PORT",
  logLevel: "AGENT_LOG_LEVEL",
  shutdownTimeoutMs: "AGENT_SHUTDOWN_TIMEOUT_MS",
  stateDir: "AGENT_STATE_DIR",
  apiTokenFile: "AGENT_API_TOKEN_FILE",
  apiAuth: "AGENT_API_AUTH",
  tlsCertFile: "AGENT_TLS_CERT_FILE",
  tlsKeyFile: "AGENT_TLS_KEY_FILE",
  tlsClientCaFile: "AGENT_TLS_CLIENT_CA_FILE",
  operationTimeoutMs: "AGENT_OPERATION_TIMEOUT_MS",
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
  probePollPeriodMs: "AGENT_PROBE_POLL_PERIOD_MS",
  probePollTimeoutMs: "AGENT_PROBE_POLL_TIMEOUT_MS",
  livenessWindowMs: "AGENT_LIVENESS_WINDOW_MS",
  readinessStaleMs: "AGENT_READINESS_STALE_MS",
  readinessCqlCheck: "AGENT_READINESS_CQL_CHECK",
  drainTimeoutMs: "AGENT_DRAIN_TIMEOUT_MS",
  drainPauseMs: "AGENT_DRAIN_PAUSE_MS",
  backupTarget: "AGENT_BACKUP_TARGET",
  backupDir: "AGENT_BACKUP_DIR",
  s3Bucket: "AGENT_S3_BUCKET",
  s3Prefix: "AGENT_S3_PREFIX",
  s3Endpoint: "AGENT_S3_ENDPOINT",
  s3Region: "AGENT_S3_REGION",
  s3ForcePathStyle: "AGENT_S3_FORCE_PATH_STYLE",
  s3Sse: "AGENT_S3_SSE",
  s3SseKmsKeyId: "AGENT_S3_SSE_KMS_KEY_ID",
  s3PartSize: "AGENT_S3_PART_SIZE",
  s3MaxAttempts: "AGENT_S3_MAX_ATTEMPTS",
  s3ChecksumWhenRequired: "AGENT_S3_CHECKSUM_WHEN_REQUIRED",
  backupBandwidthLimit: "AGENT_BACKUP_BANDWIDTH_LIMIT",
  backupSchedule: "AGENT_BACKUP_SCHEDULE",
  backupKeyspaces: "AGENT_BACKUP_KEYSPACES",
  backupConcurrency: "AGENT_BACKUP_CONCURRENCY",
  backupRetryAttempts: "AGENT_BACKUP_RETRY_ATTEMPTS",
  backupKeepLast: "AGENT_BACKUP_KEEP_LAST",
  backupKeepDays: "AGENT_BACKUP_KEEP_DAYS",
  backupPurgeGraceHours: "AGENT_BACKUP_PURGE_GRACE_HOURS",
};

const withCrossChecks = configSchema.superRefine((config, ctx) => {
  if (config.backupTarget === "s3" && !config.s3Bucket) {
    ctx.addIssue({ code: "custom", path: ["s3Bucket"], message: "is required when AGENT_BACKUP_TARGET=s3" });
  }
  if (config.s3SseKmsKeyId && config.s3Sse !== "aws:kms") {
    ctx.addIssue({
      code: "custom",
      path: ["s3SseKmsKeyId"],
      message: "is only used with AGENT_S3_SSE=aws:kms",
    });
  }
  if (config.jolokiaUser && !config.jolokiaPasswordFile) {
    ctx.addIssue({
      code: "custom",
      path: ["jolokiaPasswordFile"],
      message: "is required with AGENT_JOLOKIA_USER",
    });
  }
  if (Boolean(config.tlsCertFile) !== Boolean(config.tlsKeyFile)) {
    ctx.addIssue({
      code: "custom",
      path: [config.tlsCertFile ? "tlsKeyFile" : "tlsCertFile"],
      message: "AGENT_TLS_CERT_FILE and AGENT_TLS_KEY_FILE go together",
    });
  }
  if (config.tlsClientCaFile && !config.tlsCertFile) {
    ctx.addIssue({
      code: "custom",
      path: ["tlsClientCaFile"],
      message: "needs AGENT_TLS_CERT_FILE and AGENT_TLS_KEY_FILE",
    });
  }
  if (config.backupSchedule !== "" && !cron.validate(config.backupSchedule)) {
    ctx.addIssue({
      code: "custom",
      path: ["backupSchedule"],
      message: "is not a cron expression (five or six fields, e.g. '0 2 * * *')",
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
